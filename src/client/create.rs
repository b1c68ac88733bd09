//! Create without duplicates: resend only what never arrived, reconcile what may have.

use time::OffsetDateTime;

use super::{Client, retry};
use crate::error::Error;
use crate::model::{BatchJob, JobDetail};
use crate::ops::{CreateJob, ListQuery};

/// How far around the attempts the reconciling list looks, in seconds: enough for the
/// service to stamp the job, small enough not to catch an older job of the same name.
const WINDOW_MARGIN_SECS: i64 = 120;

/// Creates sent after an unknown outcome, at most.
const MAX_CREATES_AFTER_UNKNOWN: u32 = 1;

pub(super) fn create(client: &Client, job: &BatchJob) -> Result<JobDetail, Error> {
    let op = CreateJob::new(job)?;
    let policy = client.retry_policy();
    let first_sent_at = client.service_now();
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
        match find_created(client, job, first_sent_at) {
            Ok(Some(detail)) => return Ok(detail),
            Ok(None) if resends_after_unknown < MAX_CREATES_AFTER_UNKNOWN => {
                resends_after_unknown += 1;
                std::thread::sleep(policy.backoff(1));
            }
            Ok(None) | Err(_) => return Err(unknown(error)),
        }
    }
}

/// Lists jobs by name created since just before the first attempt, and picks the one that
/// matches what was sent.
fn find_created(
    client: &Client,
    job: &BatchJob,
    first_sent_at: i64,
) -> Result<Option<JobDetail>, Error> {
    let at =
        |secs: i64| OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let query = ListQuery::new()
        .name(job.name.clone())
        .job_type(job.job_type.clone())
        .created_between(
            at(first_sent_at - WINDOW_MARGIN_SECS),
            at(client.service_now() + WINDOW_MARGIN_SECS),
        )
        .size(100);
    for detail in client.list_all(&query) {
        let detail = detail?;
        let same_name = detail.name.as_deref() == Some(job.name.as_str());
        let same_input = detail.input.as_ref().is_none_or(|input| {
            input.prefix == job.input.prefix
                && input.object == job.input.object
                && input.manifest == job.input.manifest
                && input.url_file == job.input.url_file
        });
        if same_name && same_input {
            return Ok(Some(detail));
        }
    }
    Ok(None)
}
