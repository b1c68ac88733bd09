//! A create is never sent twice after it may have reached the service, and never returns
//! another job as its own (issue 9, sections 1, 2 and 6).

use std::sync::Arc;
use std::time::Duration;

use crate::common::routes;
use cos_ci_batch::emulator::{Emulator, Fault, Route};
use cos_ci_batch::error::TransportErrorKind;
use cos_ci_batch::model::{BatchJob, Input, JobState};
use cos_ci_batch::{Client, ClientBuilder, Error, RetryPolicy};

const W1: &str = "w1111111111111111111111111111111";
const W2: &str = "w2222222222222222222222222222222";

fn setup(configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> (Emulator, Client) {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(W1);
    emulator.add_workflow(W2);
    let client = configure(
        emulator
            .client_builder()
            .retry_policy(
                RetryPolicy::default()
                    .max_attempts(3)
                    .initial_backoff(Duration::from_millis(5))
                    .max_backoff(Duration::from_millis(20)),
            )
            .create_search(Duration::from_secs(2)),
    )
    .build()
    .unwrap();
    (emulator, client)
}

fn nightly(workflow: &str) -> BatchJob {
    BatchJob::workflow("nightly", workflow, Input::prefix("videos/"))
}

fn creates_received(emulator: &Emulator) -> usize {
    routes(emulator)
        .iter()
        .filter(|r| **r == Route::Create)
        .count()
}

#[test]
fn a_lost_answer_is_found_by_searching_and_never_sent_again() {
    for fault in [
        Fault::close_connection().after_processing(),
        Fault::status(503, "ServiceUnavailable").after_processing(),
        Fault::status(500, "InternalError").after_processing(),
        Fault::truncated_body(),
    ] {
        let (emulator, client) = setup(|b| b);
        let other = client.create(&nightly(W2)).unwrap();
        emulator.inject(Route::Create, fault.clone(), 1);
        let created = client.create(&nightly(W1)).unwrap();
        let ids = emulator.job_ids();
        assert_eq!(
            ids,
            [other.job.job_id.clone(), created.job.job_id.clone()],
            "{fault:?}"
        );
        assert_eq!(
            created.job.operation.unwrap().workflow_ids.as_deref(),
            Some(W1),
            "{fault:?}"
        );
        assert_eq!(creates_received(&emulator), 2, "{fault:?}");
        assert_eq!(
            routes(&emulator)[2..],
            [Route::List, Route::Create, Route::List],
            "{fault:?}"
        );
    }
}

#[test]
fn a_same_named_job_on_another_workflow_is_not_taken_for_a_failed_create() {
    // Attack 9.1: nightly on W1 exists; nightly on W2 is lost before processing.
    for fault in [
        Fault::close_connection(),
        Fault::status(503, "ServiceUnavailable"),
    ] {
        let (emulator, client) = setup(|b| b);
        let w1_job = client.create(&nightly(W1)).unwrap();
        emulator.inject(Route::Create, fault.clone(), 1);
        let err = client.create(&nightly(W2)).unwrap_err();
        match &err {
            Error::CreateOutcomeUnknown { name, attempts, .. } => {
                assert_eq!((name.as_str(), *attempts), ("nightly", 1), "{fault:?}");
            }
            other => panic!("{fault:?}: {other:?}"),
        }
        assert_eq!(emulator.job_ids(), [w1_job.job.job_id], "{fault:?}");
        assert_eq!(
            creates_received(&emulator),
            2,
            "never sent again: {fault:?}"
        );
    }
}

#[test]
fn a_cancelled_job_of_the_same_request_is_not_taken_for_a_lost_create() {
    // Attack 9.1: create, cancel, create the same job again with the connection dropped.
    let (emulator, client) = setup(|b| b);
    let first = client.create(&nightly(W1)).unwrap();
    client.cancel(&first.job.job_id).unwrap();
    emulator.inject(Route::Create, Fault::close_connection(), 1);
    let err = client.create(&nightly(W1)).unwrap_err();
    assert!(matches!(err, Error::CreateOutcomeUnknown { .. }), "{err:?}");
    assert_eq!(
        client.describe(&first.job.job_id).unwrap().job.state,
        JobState::Cancel
    );
    assert_eq!(emulator.job_ids(), [first.job.job_id]);
}

#[test]
fn a_job_committed_after_the_client_timed_out_is_found_not_created_twice() {
    // Attack 9.2: the service commits the job 2 s after the POST; the client gives up after 1 s.
    let (emulator, client) = setup(|b| {
        b.timeout(Duration::from_secs(1))
            .create_search(Duration::from_secs(10))
    });
    emulator.inject(
        Route::Create,
        Fault::slow_processing(Duration::from_secs(2)),
        1,
    );
    let created = client.create(&nightly(W1)).unwrap();
    assert_eq!(emulator.job_ids(), [created.job.job_id]);
    assert_eq!(creates_received(&emulator), 1);
}

#[test]
fn eight_threads_with_slow_commits_get_eight_jobs_each_their_own() {
    let (emulator, client) = setup(|b| {
        b.timeout(Duration::from_secs(1))
            .create_search(Duration::from_secs(15))
    });
    emulator.inject(
        Route::Create,
        Fault::slow_processing(Duration::from_secs(2)),
        8,
    );
    let client = Arc::new(client);
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            std::thread::spawn(move || {
                let job = BatchJob::workflow("nightly", W1, Input::prefix(format!("part-{i}/")));
                (i, client.create(&job))
            })
        })
        .collect();
    let mut ids = Vec::new();
    for handle in handles {
        let (i, result) = handle.join().unwrap();
        let created = result.unwrap_or_else(|e| panic!("thread {i}: {e}"));
        let prefix = created.job.input.unwrap().prefix.unwrap();
        assert_eq!(
            prefix,
            format!("part-{i}/"),
            "thread {i} got another thread's job"
        );
        ids.push(created.job.job_id);
    }
    ids.sort();
    let mut all = emulator.job_ids();
    all.sort();
    assert_eq!(ids, all, "one job per call, each returned once");
    assert_eq!(creates_received(&emulator), 8);
}

#[test]
fn an_outcome_that_stays_unknown_is_reported_after_searching_without_a_second_create() {
    let (emulator, client) = setup(|b| b.create_search(Duration::from_secs(1)));
    emulator.inject(Route::Create, Fault::status(503, "ServiceUnavailable"), 10);
    let err = client.create(&nightly(W1)).unwrap_err();
    match &err {
        Error::CreateOutcomeUnknown {
            name,
            attempts,
            last,
        } => {
            assert_eq!((name.as_str(), *attempts), ("nightly", 1));
            assert_eq!(last.service_error().unwrap().status, 503);
        }
        other => panic!("{other:?}"),
    }
    let routes = routes(&emulator);
    assert_eq!(routes[..2], [Route::List, Route::Create]);
    assert!(routes[2..].iter().all(|r| *r == Route::List), "{routes:?}");
    assert!(routes.len() >= 3, "it searched: {routes:?}");
    assert!(emulator.job_ids().is_empty());
}

#[test]
fn without_reconciliation_nothing_is_listed_and_an_unknown_outcome_is_reported() {
    let (emulator, client) = setup(|b| b.reconcile_creates(false));
    emulator.inject(
        Route::Create,
        Fault::close_connection().after_processing(),
        1,
    );
    let err = client.create(&nightly(W1)).unwrap_err();
    assert!(
        matches!(&err, Error::CreateOutcomeUnknown { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(err.transport_error().is_some());
    assert_eq!(routes(&emulator), [Route::Create]);
    assert_eq!(emulator.job_ids().len(), 1);
}

#[test]
fn a_refused_create_is_returned_as_is() {
    let (emulator, client) = setup(|b| b);
    emulator.inject(Route::Create, Fault::status(400, "InvalidArgument"), 1);
    let err = client.create(&nightly(W1)).unwrap_err();
    assert_eq!(err.service_error().unwrap().status, 400);
    assert_eq!(routes(&emulator), [Route::List, Route::Create]);
}

#[test]
fn a_failed_first_listing_stops_the_create_before_anything_is_sent() {
    let (emulator, client) = setup(|b| b);
    emulator.inject(Route::List, Fault::status(403, "AccessDenied"), 1);
    let err = client.create(&nightly(W1)).unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "AccessDenied");
    assert_eq!(routes(&emulator), [Route::List]);
    assert!(emulator.job_ids().is_empty());
}

#[test]
fn a_create_that_never_connected_is_sent_again_and_known_not_to_exist() {
    // Nothing listens on port 1 (tcpmux): the connection is refused, so nothing was sent.
    let client = Client::builder("b-1250000000", "ap-guangzhou")
        .endpoint("http://127.0.0.1:1")
        .allow_http()
        .credentials(cos_ci_batch::Credentials::new("AKIDx", "k"))
        .reconcile_creates(false)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let err = client.create(&nightly(W1)).unwrap_err();
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.attempts(), 3);
    let transport = err.transport_error().unwrap();
    assert_eq!(transport.kind, TransportErrorKind::Connect);
    assert!(transport.request_never_sent());
}
