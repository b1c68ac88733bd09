//! Credentials that change: providers, refresh before expiry, and expired tokens (issue 9,
//! section 8).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cos_ci_batch::credentials::{ProvideCredentials, ProvideError, RefreshingCredentials};
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input, JobState};
use cos_ci_batch::ops::{Action, ListJobs, ListQuery};
use cos_ci_batch::sign::KeyTime;
use cos_ci_batch::{Credentials, Error, RetryPolicy, WaitOptions};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

/// The end of the `q-key-time` of a received Authorization.
fn key_time_end(authorization: &str) -> u64 {
    let key_time = authorization
        .split('&')
        .find_map(|p| p.strip_prefix("q-key-time="))
        .unwrap();
    key_time.split_once(';').unwrap().1.parse().unwrap()
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn a_token_that_expires_during_a_wait_is_refreshed_and_the_wait_completes() {
    let emulator = Arc::new(Emulator::start().unwrap());
    emulator.add_workflow(WORKFLOW);
    emulator.run_in_real_time();
    emulator.set_job_durations(Duration::from_secs(1), Duration::from_secs(5));
    // Tokens live 3 s and are refreshed when 1 s or less is left.
    let issued: Arc<Mutex<HashMap<String, SystemTime>>> = Arc::default();
    let provider = {
        let (emulator, issued) = (emulator.clone(), issued.clone());
        RefreshingCredentials::new(Duration::from_secs(1), move || {
            let credentials = emulator.issue_temporary_credentials(Duration::from_secs(3));
            let expiration = credentials.expiration().unwrap();
            issued
                .lock()
                .unwrap()
                .insert(credentials.secret_id().to_owned(), expiration);
            Ok(credentials)
        })
    };
    let client = emulator
        .client_builder()
        .credentials_provider(provider)
        .build()
        .unwrap();
    let created = client
        .create(&BatchJob::workflow("long", WORKFLOW, Input::prefix("v/")))
        .unwrap();
    let options = WaitOptions::default()
        .deadline(Duration::from_secs(30))
        .first_interval(Duration::from_millis(300))
        .max_interval(Duration::from_millis(600));
    let done = client.wait(&created.job.job_id, &options).unwrap();
    assert_eq!(done.state, JobState::Success);

    let issued = issued.lock().unwrap();
    assert!(issued.len() >= 3, "refreshed {} times", issued.len());
    for request in emulator.received() {
        assert!(request.signature_valid, "{request:?}");
        let authorization = request.header("authorization").unwrap();
        let secret_id = authorization
            .split('&')
            .find_map(|p| p.strip_prefix("q-ak="))
            .unwrap();
        let expiration = issued[secret_id];
        assert!(
            key_time_end(authorization) <= unix(expiration),
            "a signature outlives its credentials"
        );
    }
}

#[test]
fn the_emulator_refuses_a_request_signed_with_an_expired_token() {
    let emulator = Emulator::start().unwrap();
    let sts = emulator.issue_temporary_credentials(Duration::from_secs(60));
    let client = emulator
        .client_builder()
        .credentials(sts.clone())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.list(&ListQuery::new()).unwrap();
    emulator.advance(Duration::from_secs(61));
    // The service refuses the token with the COS code (400 ExpiredToken).
    let mut request = ListJobs::new(&ListQuery::new()).unwrap().request();
    let now = emulator.now().unix_timestamp() as u64;
    request.sign(
        &emulator.addr().to_string(),
        &sts,
        KeyTime::around(now, 60, 600),
    );
    let (status, body) = crate::emulator::send_raw(&emulator, &request, |_, _| {});
    assert_eq!(status, 400);
    assert!(body.contains("<Code>ExpiredToken</Code>"), "{body}");
    // The client's request is refused alike; the refusal's Date shows the service's clock,
    // by which the client then judges the token expired: it asks its provider again (which
    // has nothing newer) and sends nothing more.
    let before = emulator.received_count();
    let err = client.list(&ListQuery::new()).unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert_eq!(emulator.received_count(), before + 1);
    let err = client.list(&ListQuery::new()).unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert_eq!(emulator.received_count(), before + 1, "nothing sent");
    // A wrong token for that SecretId is refused too.
    let forged =
        Credentials::new(sts.secret_id(), emulator.secret_key()).with_session_token("forged");
    let client = emulator
        .client_builder()
        .credentials(forged)
        .build()
        .unwrap();
    let err = client.list(&ListQuery::new()).unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidToken");
}

#[test]
fn eight_threads_share_one_refresh() {
    let emulator = Arc::new(Emulator::start().unwrap());
    let refreshes = Arc::new(AtomicUsize::new(0));
    let provider = {
        let (emulator, refreshes) = (emulator.clone(), refreshes.clone());
        RefreshingCredentials::new(Duration::from_secs(300), move || {
            refreshes.fetch_add(1, Ordering::SeqCst);
            // A slow STS call: every thread arrives while it runs.
            std::thread::sleep(Duration::from_millis(300));
            Ok(emulator.issue_temporary_credentials(Duration::from_secs(3600)))
        })
    };
    let client = emulator
        .client_builder()
        .credentials_provider(provider)
        .build()
        .unwrap();
    std::thread::scope(|scope| {
        let calls: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| client.list(&ListQuery::new())))
            .collect();
        for call in calls {
            call.join().unwrap().unwrap();
        }
    });
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(emulator.received_count(), 8);
}

#[test]
fn expired_credentials_are_not_used_and_nothing_is_sent() {
    let emulator = Emulator::start().unwrap();
    let expired = emulator
        .credentials()
        .with_expiration(SystemTime::now() - Duration::from_secs(1));
    let client = emulator
        .client_builder()
        .credentials(expired)
        .build()
        .unwrap();
    let err = client.list(&ListQuery::new()).unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert!(err.to_string().contains("expired"), "{err}");
    assert_eq!(emulator.received_count(), 0);
}

#[derive(Debug)]
struct Sealed;

impl ProvideCredentials for Sealed {
    fn credentials(&self, _now: SystemTime) -> Result<Credentials, ProvideError> {
        Err("the vault is sealed".into())
    }
}

#[test]
fn a_failing_provider_stops_the_call_before_anything_is_sent() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .credentials_provider(Sealed)
        .build()
        .unwrap();
    let err = client
        .create(&BatchJob::workflow("n", WORKFLOW, Input::prefix("v/")))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no credentials to sign with: the vault is sealed"
    );
    assert_eq!(emulator.received_count(), 0);
}

/// A provider handing out what a file read with its line break would give.
#[derive(Debug)]
struct Padded {
    secret_id: String,
    secret_key: String,
}

impl ProvideCredentials for Padded {
    fn credentials(&self, _now: SystemTime) -> Result<Credentials, ProvideError> {
        Ok(Credentials::new(
            format!("{}\n", self.secret_id),
            &self.secret_key,
        ))
    }
}

#[test]
fn a_providers_padded_secret_id_is_refused_before_anything_is_sent() {
    let emulator = Emulator::start().unwrap();
    let client = emulator
        .client_builder()
        .credentials_provider(Padded {
            secret_id: emulator.credentials().secret_id().to_owned(),
            secret_key: emulator.secret_key().to_owned(),
        })
        .build()
        .unwrap();
    let err = client.list(&ListQuery::new()).unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert!(err.to_string().contains("SecretId"), "{err}");
    assert!(!err.to_string().contains(emulator.secret_key()), "{err}");
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn signing_again_with_permanent_credentials_drops_the_old_session_token() {
    use cos_ci_batch::ops::{Action, ListJobs};
    use cos_ci_batch::sign::KeyTime;
    let emulator = Emulator::start().unwrap();
    let sts = emulator.issue_temporary_credentials(Duration::from_secs(600));
    let mut request = ListJobs::new(&ListQuery::new()).unwrap().request();
    let key_time = KeyTime::around(unix(SystemTime::now()), 60, 600);
    request.sign("h", &sts, key_time);
    let token = |r: &cos_ci_batch::ops::HttpRequest| {
        r.headers()
            .iter()
            .filter(|(n, _)| n == "x-ci-security-token")
            .count()
    };
    assert_eq!(token(&request), 1);
    request.sign("h", &emulator.credentials(), key_time);
    assert_eq!(token(&request), 0);
    request.sign("h", &sts, key_time);
    request.sign("h", &sts, key_time);
    assert_eq!(token(&request), 1);
}

#[test]
fn a_failed_refresh_keeps_credentials_that_are_still_valid() {
    let t0 = SystemTime::now();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let sts = RefreshingCredentials::new(Duration::from_secs(300), move || {
        if counted.fetch_add(1, Ordering::SeqCst) == 0 {
            Ok(Credentials::new("AKIDtmp", "key").with_expiration(t0 + Duration::from_secs(1800)))
        } else {
            Err("sts: connection reset".into())
        }
    });
    let first = sts.credentials(t0).unwrap();
    // 200 s left, inside the margin: the refresh (on a thread of its own) fails, the cached
    // credentials still serve.
    assert_eq!(
        sts.credentials(t0 + Duration::from_secs(1600)).unwrap(),
        first
    );
    settle(&calls, 2);
    // A caller after the pause asks again.
    assert_eq!(
        sts.credentials(t0 + Duration::from_secs(1700)).unwrap(),
        first
    );
    settle(&calls, 3);
    // Expired: the failure is all there is.
    let err = sts.credentials(t0 + Duration::from_secs(1800)).unwrap_err();
    assert_eq!(err.to_string(), "sts: connection reset");
}

#[test]
fn a_margin_longer_than_the_tokens_life_does_not_refresh_on_every_request() {
    let t0 = SystemTime::now();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let sts = RefreshingCredentials::new(Duration::from_secs(900), move || {
        counted.fetch_add(1, Ordering::SeqCst);
        Ok(Credentials::new("AKIDtmp", "key").with_expiration(t0 + Duration::from_secs(600)))
    });
    for _ in 0..100 {
        sts.credentials(t0).unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Kept for half of what they had left, then asked for again.
    sts.credentials(t0 + Duration::from_secs(299)).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    sts.credentials(t0 + Duration::from_secs(300)).unwrap();
    settle(&calls, 2);
}

/// Waits (at most 10 s) until a refresh running on its own thread has been called `n` times
/// in all, and checks it is not called more.
fn settle(calls: &AtomicUsize, n: usize) {
    let started = std::time::Instant::now();
    while calls.load(Ordering::SeqCst) < n && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(calls.load(Ordering::SeqCst), n);
}

// --- Refresh without stalls or lapses (issue 17) -----------------------------------------

type CountedRefresh = Box<dyn Fn() -> Result<Credentials, ProvideError> + Send + Sync>;

/// A provider of the emulator's temporary tokens living `ttl`, refreshed with `margin` left;
/// every refresh after the first takes `slow` longer. Counts the refreshes.
fn emulator_tokens(
    emulator: &Arc<Emulator>,
    ttl: Duration,
    margin: Duration,
    slow: Duration,
) -> (RefreshingCredentials<CountedRefresh>, Arc<AtomicUsize>) {
    let refreshes = Arc::new(AtomicUsize::new(0));
    let (emulator, counted) = (emulator.clone(), refreshes.clone());
    let refresh: CountedRefresh = Box::new(move || {
        if counted.fetch_add(1, Ordering::SeqCst) > 0 {
            std::thread::sleep(slow);
        }
        Ok(emulator.issue_temporary_credentials(ttl))
    });
    (RefreshingCredentials::new(margin, refresh), refreshes)
}

#[test]
fn a_slow_refresh_stalls_no_caller_while_the_cached_credentials_are_good() {
    let emulator = Arc::new(Emulator::start().unwrap());
    emulator.run_in_real_time();
    // The first token lives 15 s and is due for refresh after 1 s (margin 14 s); every
    // refresh after the first takes 5 s, as a slow STS call would.
    let (provider, refreshes) = emulator_tokens(
        &emulator,
        Duration::from_secs(15),
        Duration::from_secs(14),
        Duration::from_secs(5),
    );
    let client = emulator
        .client_builder()
        .credentials_provider(provider)
        .build()
        .unwrap();
    client.list(&ListQuery::new()).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let slowest = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    let mut slowest = Duration::ZERO;
                    let started = std::time::Instant::now();
                    while started.elapsed() < Duration::from_secs(3) {
                        let call = std::time::Instant::now();
                        client.list(&ListQuery::new()).unwrap();
                        slowest = slowest.max(call.elapsed());
                    }
                    slowest
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .max()
            .unwrap()
    });
    // The 5 s refresh runs beside the callers, who keep signing with the cached token.
    // (The issue's figure is 100 ms; a timed test on a shared machine asserts a bound far
    // below the 5 s a stalled call took, and far above a loopback call under load.)
    assert!(slowest < Duration::from_secs(1), "a call took {slowest:?}");
    assert_eq!(
        refreshes.load(Ordering::SeqCst),
        2,
        "one refresh, started once"
    );
}

#[test]
fn a_clock_ten_minutes_slow_crosses_token_expiries_without_a_failed_call() {
    let emulator = Arc::new(Emulator::start().unwrap());
    emulator.run_in_real_time();
    // Tokens live 4 s and are refreshed with 2 s left; the client's clock is 10 minutes
    // slow, which the service's signature window tolerates, so no refusal teaches a skew.
    let (provider, refreshes) = emulator_tokens(
        &emulator,
        Duration::from_secs(4),
        Duration::from_secs(2),
        Duration::ZERO,
    );
    let provider = provider.hard_margin(Duration::from_secs(1));
    let client = emulator
        .client_builder()
        .credentials_provider(provider)
        .clock(|| SystemTime::now() - Duration::from_secs(600))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_secs(9) {
        client.list(&ListQuery::new()).unwrap();
        calls += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(client.clock_skew(), 0, "no refusal was needed to learn it");
    // Not rescued by refusals: every call was one request, none refused and sent again.
    assert_eq!(emulator.received_count(), calls);
    assert!(
        refreshes.load(Ordering::SeqCst) >= 3,
        "expiries were crossed"
    );
    assert!(calls > 50);
}

#[test]
fn a_token_the_service_refuses_as_expired_is_refreshed_and_the_request_sent_once_more() {
    let emulator = Arc::new(Emulator::start().unwrap());
    let (provider, refreshes) = emulator_tokens(
        &emulator,
        Duration::from_secs(60),
        Duration::from_secs(10),
        Duration::ZERO,
    );
    let client = emulator
        .client_builder()
        .credentials_provider(provider)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.list(&ListQuery::new()).unwrap();
    // The service's clock jumps past the token's expiry, unseen by the client: its next
    // request is refused with ExpiredToken, and the client refreshes and sends it again.
    emulator.advance(Duration::from_secs(61));
    let before = emulator.received_count();
    let page = client.list(&ListQuery::new()).unwrap();
    assert!(page.request_id.is_some());
    assert_eq!(emulator.received_count(), before + 2);
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);
    let refused = &emulator.received()[before];
    let resent = &emulator.received()[before + 1];
    assert_ne!(
        refused.header("x-ci-security-token"),
        resent.header("x-ci-security-token"),
        "sent again with the new token"
    );
}

#[test]
fn one_answer_with_a_wrong_date_locks_a_client_out_for_a_quarter_of_an_hour_at_most() {
    use cos_ci_batch::emulator::{Fault, Route};
    use std::sync::atomic::AtomicU64;
    let emulator = Emulator::start().unwrap();
    let sts = emulator.issue_temporary_credentials(Duration::from_secs(3600));
    let ahead = Arc::new(AtomicU64::new(0));
    let clock_ahead = ahead.clone();
    let client = emulator
        .client_builder()
        .credentials(sts)
        .retry_policy(RetryPolicy::none())
        .clock(move || SystemTime::now() + Duration::from_secs(clock_ahead.load(Ordering::SeqCst)))
        .build()
        .unwrap();
    // A proxy answers once with a Date two days ahead (within the week a Date is believed).
    emulator.inject(Route::List, Fault::date_offset(2 * 86_400), 1);
    client.list(&ListQuery::new()).unwrap();
    // By that clock the hour-long token has expired: nothing is sent.
    let before = emulator.received_count();
    let err = client.list(&ListQuery::new()).unwrap_err();
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert_eq!(emulator.received_count(), before);
    // Sixteen minutes later that Date is no longer trusted: the client sends again (its
    // clock, now ahead of the service's, is corrected on the way) and hears the truth.
    ahead.store(16 * 60, Ordering::SeqCst);
    client.list(&ListQuery::new()).unwrap();
    client.list(&ListQuery::new()).unwrap();
}

#[test]
fn a_token_refused_as_expired_by_a_service_whose_clock_agrees_is_still_replaced() {
    // The token was revoked early: the service's Date shows no reason to think it expired,
    // so only the refusal itself can make the provider give it up.
    use crate::common::raw_server::{RawServer, response};
    let server = RawServer::start(|_, request| {
        if request.head.contains("x-ci-security-token: t1") {
            response(
                400,
                "<Error><Code>ExpiredToken</Code><Message>expired</Message></Error>",
            )
        } else {
            response(200, "<Response></Response>")
        }
    });
    let issued = Arc::new(AtomicUsize::new(0));
    let counted = issued.clone();
    let provider = RefreshingCredentials::new(Duration::from_secs(60), move || {
        let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(Credentials::new("AKIDtmp", "key")
            .with_session_token(format!("t{n}"))
            .with_expiration(SystemTime::now() + Duration::from_secs(3600)))
    });
    let client = cos_ci_batch::Client::builder("b-1250000000", "ap-guangzhou")
        .endpoint(server.endpoint())
        .allow_http()
        .credentials_provider(provider)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.list(&ListQuery::new()).unwrap();
    assert_eq!((server.requests(), issued.load(Ordering::SeqCst)), (2, 2));
}
