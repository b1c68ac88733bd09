//! When to try again, how long to wait, and how to read the service's clock.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::error::{Error, TransportErrorKind};

/// How failed calls are tried again.
///
/// Describe, list and cancel are tried again after a transport failure (not TLS, not an
/// oversized body) and after HTTP 429, 500, 502, 503 and 504. A create is tried again only
/// when its request certainly never reached the service (see [`crate::Client::create`]).
/// Every retry is signed afresh and marked `x-cos-sdk-retry: true`. The wait before retry
/// *n* (counting from 1) is a random duration in
/// `[0, min(max_backoff, initial_backoff * 2^(n-1))]` ("full jitter"). Any values are
/// accepted; a wait never overflows.
///
/// ```
/// use std::time::Duration;
/// use cos_ci_batch::{Client, Credentials, RetryPolicy};
///
/// let patient = RetryPolicy::default()
///     .max_attempts(6)
///     .initial_backoff(Duration::from_millis(500))
///     .max_backoff(Duration::from_secs(10));
/// let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
///     .credentials(Credentials::new("AKIDexample", "secret"))
///     .retry_policy(patient)
///     .build()?;
/// # let _ = client;
/// assert_eq!(RetryPolicy::none().max_attempts, 1);
/// # Ok::<(), cos_ci_batch::error::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1, or 0, disables retries). Default 4.
    pub max_attempts: u32,
    /// The backoff ceiling of the first retry. Default 200 ms.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling. Default 5 s.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Sets the number of attempts in all.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the backoff ceiling of the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the largest backoff ceiling.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The wait before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let jitter = match nanos.checked_add(1) {
            Some(span) => random_u64() % span,
            None => random_u64(),
        };
        Duration::from_nanos(jitter)
    }
}

/// Which failures of a call may be tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryRule {
    /// Describe, list, cancel: any transient failure.
    Idempotent,
    /// Create: only a request that never reached the service.
    Create,
    /// Nothing: the caller decides what a failure means (a search lists again later).
    Never,
}

impl RetryRule {
    pub(crate) fn allows(self, error: &Error) -> bool {
        match self {
            RetryRule::Idempotent => is_retryable(error),
            RetryRule::Create => classify_create_failure(error) == CreateFailure::NeverArrived,
            RetryRule::Never => false,
        }
    }
}

/// A per-thread xorshift generator seeded from std's random hasher keys: jitter needs no
/// cryptographic quality, and this keeps `rand` out of the dependency tree.
fn random_u64() -> u64 {
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            let mut h = RandomState::new().build_hasher();
            h.write_u64(0x9e37_79b9_7f4a_7c15);
            h.finish() | 1
        });
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x
    })
}

/// Whether an idempotent call that failed with `error` may be tried again: the failure
/// passes.
pub(crate) fn is_retryable(error: &Error) -> bool {
    match error {
        Error::Transport(t) => !matches!(
            t.kind,
            TransportErrorKind::Tls | TransportErrorKind::BodyTooLarge { .. }
        ),
        Error::Service(s) => is_retryable_status(s.status),
        Error::Response(r) => is_retryable_status(r.status),
        _ => false,
    }
}

fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// What a failed create says about the job it asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CreateFailure {
    /// The request never reached the service: sending it again is safe.
    NeverArrived,
    /// The service may have processed it: the job may exist.
    OutcomeUnknown,
    /// No job was created, and sending it again would not help: the service refused it, or
    /// TLS failed before anything was sent.
    NotCreated,
}

pub(crate) fn classify_create_failure(error: &Error) -> CreateFailure {
    match error {
        Error::Transport(t) if t.kind == TransportErrorKind::Tls && t.request_never_sent() => {
            CreateFailure::NotCreated
        }
        Error::Transport(t) if t.request_never_sent() => CreateFailure::NeverArrived,
        Error::Transport(_) => CreateFailure::OutcomeUnknown,
        Error::Service(s) if s.status >= 500 => CreateFailure::OutcomeUnknown,
        Error::Response(r) if r.status >= 500 || (200..300).contains(&r.status) => {
            CreateFailure::OutcomeUnknown
        }
        _ => CreateFailure::NotCreated,
    }
}

/// Whether the service refused the signature because of its time: one of the two codes
/// that say so, on a 401 or 403. (Nothing is read from messages: a 5xx that mentions
/// "expired" may have been processed.)
pub(crate) fn is_time_refusal(error: &Error) -> bool {
    let Error::Service(s) = error else {
        return false;
    };
    matches!(s.status, 401 | 403)
        && matches!(s.code.as_str(), "RequestTimeTooSkewed" | "SignatureExpired")
}

/// Whether the service refused the request's temporary token as expired: `ExpiredToken`
/// (400 in the COS error-code list, product/436/7730; CI documents no code of its own for
/// it, so 401 and 403 are taken too). Such a request was not processed.
pub(crate) fn is_expired_token_refusal(error: &Error) -> bool {
    let Error::Service(s) = error else {
        return false;
    };
    matches!(s.status, 400 | 401 | 403) && s.code == "ExpiredToken"
}

/// A refusal is put down to the clock only when the service's `Date` is at least this far
/// from the time the request was signed with: the signature starts a minute early anyway.
pub(crate) const MIN_SKEW_SECS: i64 = 30;
/// A `Date` further away than this is taken as broken, not as the service's time.
pub(crate) const MAX_SKEW_SECS: i64 = 7 * 24 * 3600;

/// How far the service's clock is from the local one, from a `Date` it sent (Unix seconds)
/// and the local time then; `None` when the `Date` is too far off to be the service's time.
pub(crate) fn service_offset(service_date: i64, local_now: i64) -> Option<i64> {
    let offset = service_date.checked_sub(local_now)?;
    (offset.abs() <= MAX_SKEW_SECS).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_beyond_a_week_is_not_taken_as_the_service_clock() {
        let now = 1_656_429_792;
        assert_eq!(service_offset(now + 1200, now), Some(1200));
        assert_eq!(service_offset(now - 5, now), Some(-5));
        assert_eq!(service_offset(0, now), None);
    }

    #[test]
    fn the_largest_backoffs_do_not_overflow() {
        let policy = RetryPolicy::default()
            .max_attempts(u32::MAX)
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX);
        for retry in [0, 1, 2, 31, 32, 64, u32::MAX] {
            let _ = policy.backoff(retry);
        }
    }

    #[test]
    fn backoff_stays_under_its_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 1..40 {
            let ceiling =
                (policy.initial_backoff * 2u32.pow((retry - 1).min(30))).min(policy.max_backoff);
            assert!(policy.backoff(retry) <= ceiling);
        }
    }
}
