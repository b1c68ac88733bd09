//! Polling a job until it ends.

use std::time::{Duration, Instant};

use super::retry::{self, RetryRule};
use super::{Client, LONGEST_WAIT};
use crate::error::Error;
use crate::model::{JobDetail, JobState};
use crate::ops::{DescribeJob, DescribeJobResponse};

/// How [`Client::wait`] polls.
///
/// Any value is accepted: durations too long for the clock (`Duration::MAX`) are taken as
/// about a century, and pauses shorter than 100 ms as 100 ms.
///
/// ```
/// use std::time::Duration;
/// use cos_ci_batch::WaitOptions;
///
/// let options = WaitOptions::default().deadline(Duration::from_secs(600));
/// assert_eq!(options.first_interval, Duration::from_secs(1));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long ([`Error::WaitDeadline`]). Retries of a poll never run past
    /// it, and no exchange is allowed to last beyond it.
    pub deadline: Duration,
    /// The first pause between polls; it doubles up to `max_interval`.
    pub first_interval: Duration,
    /// The longest pause between polls.
    pub max_interval: Duration,
    /// How long "no such job" is taken as the service not having caught up with a fresh
    /// create, rather than as an answer.
    pub not_found_grace: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            deadline: Duration::from_secs(3600),
            first_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(30),
            not_found_grace: Duration::from_secs(10),
        }
    }
}

/// The shortest pause between polls, whatever the options say.
const SHORTEST_POLL: Duration = Duration::from_millis(100);

impl WaitOptions {
    /// Sets how long to wait in all (default 1 hour).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets the first pause between polls (default 1 s).
    pub fn first_interval(mut self, interval: Duration) -> Self {
        self.first_interval = interval;
        self
    }

    /// Sets the longest pause between polls (default 30 s).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// Sets how long "no such job" is waited out after a create (default 10 s).
    pub fn not_found_grace(mut self, grace: Duration) -> Self {
        self.not_found_grace = grace;
        self
    }
}

fn is_not_found(error: &Error) -> bool {
    match error {
        Error::JobNotFound { .. } => true,
        other => other.service_error().is_some_and(|s| s.status == 404),
    }
}

/// The pauses of a polling loop under [`WaitOptions`]: doubling from the first interval to
/// the longest, never past the deadline.
pub(super) struct Poller {
    started: Instant,
    deadline: Instant,
    interval: Duration,
    longest: Duration,
}

impl Poller {
    pub(super) fn new(options: &WaitOptions) -> Self {
        let started = Instant::now();
        Poller {
            started,
            deadline: started + options.deadline.min(LONGEST_WAIT),
            interval: options.first_interval.clamp(SHORTEST_POLL, LONGEST_WAIT),
            longest: options.max_interval.max(SHORTEST_POLL),
        }
    }

    pub(super) fn deadline(&self) -> Instant {
        self.deadline
    }

    pub(super) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Sleeps until the next poll; `false`, without sleeping, once the deadline has passed.
    pub(super) fn pause(&mut self) -> bool {
        let now = Instant::now();
        if now >= self.deadline {
            return false;
        }
        std::thread::sleep(self.interval.min(self.deadline - now));
        self.interval = self.interval.saturating_mul(2).min(self.longest);
        true
    }
}

pub(super) fn wait(
    client: &Client,
    job_id: &str,
    options: &WaitOptions,
    mut progress: impl FnMut(&JobDetail),
) -> Result<JobDetail, Error> {
    let mut poller = Poller::new(options);
    let deadline = poller.deadline();
    let grace = options.not_found_grace.min(LONGEST_WAIT);
    let describe = DescribeJob::new(job_id)?;
    let mut last_state: Option<JobState> = None;
    let deadline_passed = |last_state: Option<JobState>| Error::WaitDeadline {
        job_id: job_id.to_owned(),
        last_state,
    };
    loop {
        match client.execute(&describe, RetryRule::Idempotent, Some(deadline)) {
            Ok(DescribeJobResponse { job: detail, .. }) => {
                progress(&detail);
                if detail.state.is_final() {
                    return Ok(detail);
                }
                last_state = Some(detail.state);
            }
            Err(e) if is_not_found(&e) && poller.elapsed() < grace => {}
            // A poll that failed because the time ran out is the deadline, not an error of
            // the service.
            Err(e) if Instant::now() >= deadline && retry::is_retryable(&e) => {
                return Err(deadline_passed(last_state));
            }
            Err(e) => return Err(e),
        }
        if !poller.pause() {
            return Err(deadline_passed(last_state));
        }
    }
}
