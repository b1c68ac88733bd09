//! A create is never sent twice after it may have reached the service, and never returns
//! another job as its own (issue 9, sections 1, 2 and 6).

use std::sync::Arc;
use std::time::Duration;

use crate::common::routes;
use cos_ci_batch::emulator::{Emulator, Fault, Route};
use cos_ci_batch::error::TransportErrorKind;
use cos_ci_batch::model::{BatchJob, Input, JobState};
use cos_ci_batch::{Client, ClientBuilder, Error, RetryPolicy};

pub(super) const W1: &str = "w1111111111111111111111111111111";
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

pub(super) fn nightly(workflow: &str) -> BatchJob {
    BatchJob::workflow("nightly", workflow, Input::prefix("videos/"))
}

pub(super) fn creates_received(emulator: &Emulator) -> usize {
    routes(emulator)
        .iter()
        .filter(|r| **r == Route::Create)
        .count()
}

#[test]
fn two_new_jobs_that_both_carry_the_request_are_an_unknown_outcome() {
    let (emulator, client) = setup(|b| b.create_search(Duration::from_secs(5)));
    let other_caller = emulator.client_builder().build().unwrap();
    emulator.inject(
        Route::Create,
        Fault::close_connection().after_processing(),
        1,
    );
    std::thread::scope(|scope| {
        let lost = scope.spawn(|| client.create(&nightly(W1)));
        // While the first caller waits to search, a second one sends the same request.
        while creates_received(&emulator) == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
        let theirs = other_caller.create(&nightly(W1)).unwrap();
        let err = lost.join().unwrap().unwrap_err();
        assert!(matches!(err, Error::CreateOutcomeUnknown { .. }), "{err:?}");
        assert_eq!(emulator.job_ids().len(), 2);
        assert!(emulator.job_ids().contains(&theirs.job.job_id));
    });
    assert_eq!(creates_received(&emulator), 2);
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

// --- A service that lies (attacks from the second review) ------------------------------

pub(super) mod lying_service {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant, SystemTime};

    use crate::common::raw_server::{RawServer, Reply, http_date, response, response_with};
    use cos_ci_batch::emulator::{Emulator, Fault, Route};
    use cos_ci_batch::error::InvalidInput;
    use cos_ci_batch::model::{BatchJob, Element, Input, JobKind, Workflow};
    use cos_ci_batch::{Client, ClientBuilder, Credentials, Error, RetryPolicy, WaitOptions};

    use super::{W1, nightly};

    pub(crate) fn client_for(
        endpoint: &str,
        configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
    ) -> Client {
        configure(
            Client::builder("b-1250000000", "ap-guangzhou")
                .endpoint(endpoint)
                .allow_http()
                .credentials(Credentials::new("AKIDexample", "secret"))
                .retry_policy(
                    RetryPolicy::default()
                        .initial_backoff(Duration::from_millis(5))
                        .max_backoff(Duration::from_millis(20)),
                ),
        )
        .build()
        .unwrap()
    }

    /// A listed Workflow job.
    fn job(id: &str, name: &str, created: &str, prefix: &str, workflow: &str) -> String {
        format!(
            "<JobsDetail><Type>Workflow</Type><Name>{name}</Name><JobId>{id}</JobId>\
             <State>Success</State><CreationTime>{created}</CreationTime>\
             <Input><Prefix>{prefix}</Prefix></Input>\
             <Operation><WorkflowIds>{workflow}</WorkflowIds></Operation></JobsDetail>"
        )
    }

    /// A listing answer with the service's clock at now.
    fn listing(body: &str) -> Reply {
        let date = format!("Date: {}", http_date(SystemTime::now()));
        response_with(200, &[&date], &format!("<Response>{body}</Response>"))
    }

    fn unavailable() -> Reply {
        response(
            503,
            "<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>",
        )
    }

    /// Serves POSTs with `post`, the first listing with `first`, later ones with `later`;
    /// counts the POSTs.
    fn service(post: fn() -> Reply, first: String, later: String) -> (RawServer, Arc<AtomicUsize>) {
        let posts = Arc::new(AtomicUsize::new(0));
        let lists = Arc::new(AtomicUsize::new(0));
        let counted = posts.clone();
        let server = RawServer::start(move |_, request| {
            if request.line.starts_with("POST") {
                counted.fetch_add(1, Ordering::SeqCst);
                return post();
            }
            if lists.fetch_add(1, Ordering::SeqCst) == 0 {
                listing(&first)
            } else {
                listing(&later)
            }
        });
        (server, posts)
    }

    fn assert_unknown(result: Result<cos_ci_batch::ops::CreateJobResponse, Error>) {
        match result {
            Err(Error::CreateOutcomeUnknown { .. }) => {}
            other => panic!("expected an unknown outcome, got {other:?}"),
        }
    }

    #[test]
    fn an_old_job_the_first_listing_left_out_is_not_taken_for_the_new_one() {
        let old = job(
            "b-old",
            "nightly",
            "2023-01-01T00:00:00+0800",
            "videos/",
            W1,
        );
        let (server, posts) = service(unavailable, String::new(), old);
        let client = client_for(&server.endpoint(), |b| {
            b.create_search(Duration::from_secs(1))
        });
        assert_unknown(client.create(&nightly(W1)));
        assert_eq!(posts.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_older_job_past_a_listing_served_oldest_first_is_not_taken() {
        // The service ignores orderByTime=Desc: its first page holds the oldest jobs.
        let first: String = (0..100)
            .map(|i| {
                let t = format!("2023-01-01T00:{:02}:{:02}+0800", i / 60, i % 60);
                job(&format!("b-old-{i:03}"), "nightly", &t, "videos/", W1)
            })
            .collect::<String>()
            + "<NextToken>p2</NextToken>";
        let later = job(
            "b-old-150",
            "nightly",
            "2023-06-01T00:00:00+0800",
            "videos/",
            W1,
        );
        let (server, _) = service(unavailable, first, later);
        let client = client_for(&server.endpoint(), |b| {
            b.create_search(Duration::from_secs(1))
        });
        assert_unknown(client.create(&nightly(W1)));
    }

    #[test]
    fn a_job_that_differs_by_an_element_or_a_space_is_not_taken() {
        for later in [
            format!(
                "<JobsDetail><Type>Workflow</Type><Name>nightly</Name><JobId>b-theirs</JobId>\
                 <CreationTime>2099-01-01T00:00:00+0800</CreationTime><Input><Prefix>videos/</Prefix></Input>\
                 <Operation><TimeInterval><Start>2030-01-01T00:00:00+0800</Start></TimeInterval>\
                 <WorkflowIds>{W1}</WorkflowIds></Operation></JobsDetail>"
            ),
            job(
                "b-spaced",
                "nightly",
                "2099-01-01T00:00:00+0800",
                "  videos/",
                W1,
            ),
            job(
                "b-other",
                "nightly",
                "2099-01-01T00:00:00+0800",
                "videos/",
                "w-other",
            ),
        ] {
            let (server, _) = service(unavailable, String::new(), later);
            let client = client_for(&server.endpoint(), |b| {
                b.create_search(Duration::from_millis(600))
            });
            assert_unknown(client.create(&nightly(W1)));
        }
    }

    #[test]
    fn a_new_job_that_carries_the_request_is_still_found() {
        // The control of the three above: the same service, an honest echo.
        let later = job(
            "b-new",
            "nightly",
            "2099-01-01T00:00:00+0800",
            "videos/",
            W1,
        );
        let (server, posts) = service(unavailable, String::new(), later);
        let client = client_for(&server.endpoint(), |b| {
            b.create_search(Duration::from_secs(1))
        });
        assert_eq!(client.create(&nightly(W1)).unwrap().job.job_id, "b-new");
        assert_eq!(posts.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_success_about_a_job_that_existed_before_is_an_unknown_outcome() {
        fn answer_with_the_old_job() -> Reply {
            let old = job(
                "b-old",
                "someone-else",
                "2023-01-01T00:00:00+0800",
                "x/",
                "w-other",
            );
            response(200, &format!("<Response>{old}</Response>"))
        }
        let old = job(
            "b-old",
            "nightly",
            "2023-01-01T00:00:00+0800",
            "videos/",
            W1,
        );
        let (server, _) = service(answer_with_the_old_job, old, String::new());
        let client = client_for(&server.endpoint(), |b| b);
        assert_unknown(client.create(&nightly(W1)));
    }

    #[test]
    fn a_5xx_that_mentions_an_expired_request_is_not_a_clock_refusal() {
        fn expired() -> Reply {
            let date = format!(
                "Date: {}",
                http_date(SystemTime::now() + Duration::from_secs(3600))
            );
            response_with(
                500,
                &[&date],
                "<Error><Code>InternalError</Code><Message>backend request has expired</Message></Error>",
            )
        }
        let (server, posts) = service(expired, String::new(), String::new());
        let client = client_for(&server.endpoint(), |b| {
            b.create_search(Duration::from_millis(100))
        });
        let err = client.create(&nightly(W1)).unwrap_err();
        assert_eq!(posts.load(Ordering::SeqCst), 1, "{err}");
        assert_eq!(client.clock_skew(), 0);
    }

    #[test]
    fn a_resend_after_a_clock_refusal_is_counted() {
        let emulator = Emulator::start().unwrap();
        emulator.add_workflow(W1);
        let client = emulator
            .client_builder()
            .clock(|| SystemTime::now() - Duration::from_secs(3600))
            .reconcile_creates(false)
            .build()
            .unwrap();
        // The first create is refused for its clock (answered as usual); the second, signed
        // right, is processed and its answer lost.
        emulator.inject(Route::Create, Fault::delay(Duration::ZERO), 1);
        emulator.inject(
            Route::Create,
            Fault::close_connection().after_processing(),
            1,
        );
        let err = client.create(&nightly(W1)).unwrap_err();
        let posts = emulator
            .received()
            .iter()
            .filter(|r| r.route() == Some(Route::Create))
            .count();
        assert!(matches!(err, Error::CreateOutcomeUnknown { .. }), "{err:?}");
        assert_eq!((posts, err.attempts()), (2, 2), "{err:?}");
    }

    #[test]
    fn the_search_ends_within_create_search_and_one_timeout() {
        fn silent_listing_after_the_first() -> Reply {
            unavailable()
        }
        let lists = Arc::new(AtomicUsize::new(0));
        let server = RawServer::start(move |_, request| {
            if request.line.starts_with("POST") {
                return silent_listing_after_the_first();
            }
            if lists.fetch_add(1, Ordering::SeqCst) == 0 {
                listing("")
            } else {
                Reply::Silence(Duration::from_secs(20))
            }
        });
        let client = client_for(&server.endpoint(), |b| {
            b.timeout(Duration::from_secs(1))
                .create_search(Duration::ZERO)
        });
        let started = Instant::now();
        assert_unknown(client.create(&nightly(W1)));
        // 0.5 s first pause, one silent listing cut at the 1 s timeout; the slack is for a
        // loaded machine. (Before, the retry policy ran four 1 s attempts.)
        assert!(
            started.elapsed() < Duration::from_millis(3500),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_tree_too_deep_to_read_back_is_refused_before_sending() {
        let mut deep = Element::text("L", "x");
        for _ in 0..40 {
            deep = Element::new("L").with_child(deep);
        }
        let job = BatchJob::new(
            "nightly",
            Input::prefix("videos/"),
            JobKind::Workflow(Workflow::new(W1).with_extra(deep)),
        );
        let (server, posts) = service(unavailable, String::new(), String::new());
        let client = client_for(&server.endpoint(), |b| b);
        let err = client.create(&job).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput(InvalidInput::ElementTooDeep { .. })
            ),
            "{err:?}"
        );
        assert_eq!((server.requests(), posts.load(Ordering::SeqCst)), (0, 0));
    }

    #[test]
    fn describe_and_wait_refuse_an_answer_about_another_job() {
        let server = RawServer::start(move |_, _| {
            let other = job("b-someone-else", "x", "2023-01-01T00:00:00+0800", "p/", W1);
            response(200, &format!("<Response>{other}</Response>"))
        });
        let client = client_for(&server.endpoint(), |b| b.retry_policy(RetryPolicy::none()));
        let err = client
            .wait(
                "b-mine",
                &WaitOptions::default().deadline(Duration::from_secs(5)),
            )
            .unwrap_err();
        match err {
            Error::Response(failure) => assert_eq!(
                failure.problem,
                cos_ci_batch::error::ResponseError::Mismatch("JobId")
            ),
            other => panic!("{other:?}"),
        }
    }
}
