//! Create without duplicates: resend only what never arrived, reconcile what may have.

use std::collections::HashSet;

use time::OffsetDateTime;

use super::{Client, retry};
use crate::error::Error;
use crate::model::{BatchJob, JobDetail};
use crate::ops::{CreateJob, HttpRequest, ListJobs, ListQuery, Operation, Order, find_header};
use crate::unix_time;

/// How far around the attempts the reconciling list looks, in seconds: enough for the
/// service to stamp the job, small enough not to catch an older job of the same name.
const WINDOW_MARGIN_SECS: i64 = 120;

/// Pages of same-named jobs read at most while reconciling.
const MAX_RECONCILE_PAGES: usize = 10;

/// Creates sent after an unknown outcome, at most.
const MAX_CREATES_AFTER_UNKNOWN: u32 = 1;

pub(super) fn create(client: &Client, job: &BatchJob) -> Result<JobDetail, Error> {
    let op = CreateJob::new(job)?;
    let policy = client.retry_policy();
    let first_sent_local = client.local_now();
    let mut sent = 0u32;
    let mut resends_after_unknown = 0u32;
    loop {
        sent += 1;
        let error = match client.attempt(&op, sent > 1) {
            Ok(detail) => return Ok(detail),
            Err(e) => e,
        };
        if retry::create_never_arrived(&error) {
            if sent < policy.max_attempts.max(1) {
                std::thread::sleep(policy.backoff(sent));
                continue;
            }
            return Err(if sent > 1 {
                Error::RetriesExhausted {
                    attempts: sent,
                    last: Box::new(error),
                }
            } else {
                error
            });
        }
        if !retry::create_outcome_unknown(&error) {
            return Err(error);
        }
        let unknown = |last: Error| Error::CreateOutcomeUnknown {
            name: job.name.clone(),
            attempts: sent,
            last: Box::new(last),
        };
        if !client.reconciles() {
            return Err(unknown(error));
        }
        match find_created(client, job, first_sent_local) {
            Ok(Search::Found(detail)) => return Ok(*detail),
            Ok(Search::Absent) if resends_after_unknown < MAX_CREATES_AFTER_UNKNOWN => {
                resends_after_unknown += 1;
                std::thread::sleep(policy.backoff(1));
            }
            Ok(Search::Absent | Search::Unsure) | Err(_) => return Err(unknown(error)),
        }
    }
}

/// What reconciliation found.
enum Search {
    /// The job that was created.
    Found(Box<JobDetail>),
    /// No such job: creating again is safe.
    Absent,
    /// No such job among those listed, but the service's clock could not be read, so a job
    /// stamped by it may have been missed: creating again could duplicate it.
    Unsure,
}

/// Lists jobs by this name, newest first, and picks the one that matches what was sent among
/// those created since just before the first attempt. "Before" is judged on the service's
/// clock, read from the `Date` of the listing itself, so a wrong local clock cannot hide the
/// job; without a usable `Date`, the local clock and the learnt skew stand in, and a miss is
/// only [`Search::Unsure`].
fn find_created(client: &Client, job: &BatchJob, first_sent_local: i64) -> Result<Search, Error> {
    let mut query = ListQuery::new()
        .name(job.name.clone())
        .job_type(job.job_type.clone())
        .order(Order::Desc)
        .size(100);
    // (window start on the service's clock, whether that clock was read from a Date)
    let mut window: Option<(i64, bool)> = None;
    let mut seen_tokens = HashSet::new();
    for _ in 0..MAX_RECONCILE_PAGES {
        let sent_local = client.local_now();
        let (page, service_date) = client.execute(&Dated(ListJobs::new(&query)?))?;
        let (start, clock_read) = *window.get_or_insert_with(|| {
            let offset = service_date.and_then(|date| retry::service_offset(date, sent_local));
            let offset_or_skew = offset.unwrap_or_else(|| client.clock_skew());
            (
                first_sent_local + offset_or_skew - WINDOW_MARGIN_SECS,
                offset.is_some(),
            )
        });
        let miss = if clock_read {
            Search::Absent
        } else {
            Search::Unsure
        };
        for detail in page.jobs {
            let created = detail.creation_time.map(OffsetDateTime::unix_timestamp);
            if created.is_some_and(|created| created < start) {
                // Newest first: every job from here on is older than the first attempt.
                return Ok(miss);
            }
            if is_the_job(&detail, job) {
                return Ok(Search::Found(Box::new(detail)));
            }
        }
        match page.next_token {
            Some(token) if seen_tokens.insert(token.clone()) => query.next_token = Some(token),
            None => return Ok(miss),
            // A repeated token: the listing cannot be trusted to be complete.
            Some(_) => return Ok(Search::Unsure),
        }
    }
    // More same-named jobs than were read: the job may be further down.
    Ok(Search::Unsure)
}

/// Whether a listed job is the one `job` describes: same name, same input.
fn is_the_job(detail: &JobDetail, job: &BatchJob) -> bool {
    let same_name = detail.name.as_deref() == Some(job.name.as_str());
    let same_input = detail.input.as_ref().is_none_or(|input| {
        input.prefix == job.input.prefix
            && input.object == job.input.object
            && input.manifest == job.input.manifest
            && input.url_file == job.input.url_file
    });
    same_name && same_input
}

/// An operation whose answer also yields the service's clock (its `Date`, in Unix seconds).
struct Dated<O>(O);

impl<O: Operation> Operation for Dated<O> {
    type Output = (O::Output, Option<i64>);

    fn request(&self) -> HttpRequest {
        self.0.request()
    }

    fn parse(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Self::Output, Error> {
        let date = find_header(headers, "date").and_then(unix_time::parse_http_date);
        Ok((self.0.parse(status, headers, body)?, date))
    }
}
