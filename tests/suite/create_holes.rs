//! The four ways around the create rule that the third hunt found (issue 15): a twin on
//! the first search page, a success about another job, a `Date` ahead of the creation
//! stamps, and a clock fixed while a refused request was in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use crate::common::raw_server::{RawServer, Reply, http_date, response, response_with};
use crate::create_safety::lying_service::client_for as lying_client_for;
use crate::create_safety::{W1, creates_received, nightly};
use cos_ci_batch::emulator::{Emulator, Fault, Route};
use cos_ci_batch::model::{BatchJob, Input};
use cos_ci_batch::ops::CreateJobResponse;
use cos_ci_batch::{Client, ClientBuilder, Error, RetryPolicy};

fn client_for(endpoint: &str, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
    lying_client_for(endpoint, |b| {
        configure(b.create_search(Duration::from_secs(1)))
    })
}

/// A `nightly` Workflow job as listed, created at `created` over `prefix` with `workflow`.
fn job(id: &str, created: &str, prefix: &str, workflow: &str) -> String {
    format!(
        "<JobsDetail><Type>Workflow</Type><Name>nightly</Name><JobId>{id}</JobId>\
         <State>Running</State><CreationTime>{created}</CreationTime>\
         <Input><Prefix>{prefix}</Prefix></Input>\
         <Operation><WorkflowIds>{workflow}</WorkflowIds></Operation></JobsDetail>"
    )
}

/// `t` as the service writes a creation time (UTC, `+0000`).
fn stamp(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+0000",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn answer_at(date: SystemTime, body: &str) -> Reply {
    let date = format!("Date: {}", http_date(date));
    response_with(200, &[&date], &format!("<Response>{body}</Response>"))
}

fn unavailable() -> Reply {
    response(
        503,
        "<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>",
    )
}

/// A service whose POSTs get `post`, whose first listing is empty at `listed_at`, and whose
/// later listings get `page(nextToken)`. Counts the requests by kind: (posts, listings).
struct Scripted {
    server: RawServer,
    posts: Arc<AtomicUsize>,
    lists: Arc<AtomicUsize>,
}

impl Scripted {
    fn start(
        post: impl Fn() -> Reply + Send + Sync + 'static,
        listed_at: SystemTime,
        page: impl Fn(Option<&str>) -> String + Send + Sync + 'static,
    ) -> Self {
        let posts = Arc::new(AtomicUsize::new(0));
        let lists = Arc::new(AtomicUsize::new(0));
        let (p, l) = (posts.clone(), lists.clone());
        let server = RawServer::start(move |_, request| {
            if request.line.starts_with("POST") {
                p.fetch_add(1, Ordering::SeqCst);
                return post();
            }
            if l.fetch_add(1, Ordering::SeqCst) == 0 {
                return answer_at(listed_at, "");
            }
            let token = request
                .line
                .split(['?', '&', ' '])
                .find_map(|pair| pair.strip_prefix("nextToken="));
            answer_at(SystemTime::now(), &page(token))
        });
        Scripted {
            server,
            posts,
            lists,
        }
    }

    fn client(&self) -> Client {
        client_for(&self.server.endpoint(), |b| b)
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.posts.load(Ordering::SeqCst),
            self.lists.load(Ordering::SeqCst),
        )
    }
}

/// An emulator that knows `W1`, and a client of it that searches for `search`.
fn emulator_searching_for(search: Duration) -> (Emulator, Client) {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(W1);
    let client = emulator
        .client_builder()
        .create_search(search)
        .build()
        .unwrap();
    (emulator, client)
}

fn assert_unknown(result: Result<CreateJobResponse, Error>) {
    match result {
        Err(Error::CreateOutcomeUnknown { .. }) => {}
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
}

/// 99 same-named jobs over another prefix, then `last`, all stamped `at`, newest first.
fn crowded_page(at: &str, last: &str, next: Option<&str>) -> String {
    let mut page: String = (0..99)
        .map(|i| job(&format!("b-other-{i:02}"), at, "other/", W1))
        .collect();
    page.push_str(last);
    if let Some(next) = next {
        page.push_str(&format!("<NextToken>{next}</NextToken>"));
    }
    page
}

// --- 1. A twin on the first page, ours on the second --------------------------------------

#[test]
fn a_twin_on_the_first_page_and_ours_on_the_second_is_an_unknown_outcome() {
    let now = stamp(SystemTime::now() + Duration::from_secs(1));
    let service = Scripted::start(unavailable, SystemTime::now(), move |token| match token {
        None => crowded_page(&now, &job("b-twin", &now, "videos/", W1), Some("p2")),
        Some(_) => job("b-ours", &now, "videos/", W1),
    });
    assert_unknown(service.client().create(&nightly(W1)));
    assert_eq!(service.counts().0, 1, "sent once");
}

#[test]
fn a_match_on_the_first_page_is_taken_once_the_next_page_shows_only_older_jobs() {
    let now = stamp(SystemTime::now() + Duration::from_secs(1));
    let service = Scripted::start(unavailable, SystemTime::now(), move |token| match token {
        None => crowded_page(&now, &job("b-ours", &now, "videos/", W1), Some("p2")),
        Some(_) => job("b-old", "2023-01-01T00:00:00+0800", "videos/", W1),
    });
    let created = service.client().create(&nightly(W1)).unwrap();
    assert_eq!(created.job.job_id, "b-ours");
    // The first listing, then both pages of one look.
    assert_eq!(service.counts(), (1, 3));
}

#[test]
fn a_look_reads_every_page_of_its_window_whatever_the_order() {
    // Newest first within each page but not across them: a job too old ends page one, and
    // ours is on page two. The twin on page one is not taken.
    let now = stamp(SystemTime::now() + Duration::from_secs(1));
    let service = Scripted::start(unavailable, SystemTime::now(), move |token| match token {
        None => {
            job("b-twin", &now, "videos/", W1)
                + &job("b-old", "2020-01-01T00:00:00+0000", "videos/", W1)
                + "<NextToken>p2</NextToken>"
        }
        Some(_) => job("b-ours", &now, "videos/", W1),
    });
    assert_unknown(service.client().create(&nightly(W1)));
    assert_eq!(service.counts(), (1, 3), "one look read both pages");
}

#[test]
fn the_search_asks_only_for_jobs_created_since_its_window_opened() {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(W1);
    let client = emulator.client_builder().build().unwrap();
    emulator.inject(
        Route::Create,
        Fault::close_connection().after_processing(),
        1,
    );
    client.create(&nightly(W1)).unwrap();
    let received = emulator.received();
    let listings: Vec<bool> = received
        .iter()
        .filter(|r| r.route() == Some(Route::List))
        .map(|r| r.query.iter().any(|(name, _)| name == "startCreationTime"))
        .collect();
    assert_eq!(
        listings,
        [false, true],
        "the first listing, then the window"
    );
}

#[test]
fn a_look_that_runs_out_of_pages_before_the_old_jobs_decides_nothing() {
    // Every page is crowded with new jobs and has a next one: the match on the first page
    // may have a twin further on, so the outcome stays unknown.
    let now = stamp(SystemTime::now() + Duration::from_secs(1));
    let service = Scripted::start(unavailable, SystemTime::now(), move |token| match token {
        None => crowded_page(&now, &job("b-ours", &now, "videos/", W1), Some("p2")),
        Some(t) => crowded_page(&now, "", Some(&format!("{t}x"))),
    });
    assert_unknown(service.client().create(&nightly(W1)));
}

#[test]
fn a_twin_created_by_another_caller_during_the_search_is_never_taken() {
    // The emulator version: our answer is lost; while our first search listing is held,
    // another caller creates 99 same-named jobs over another prefix and one identical to
    // ours, so page one holds the twin and page two ours.
    let (emulator, client) = emulator_searching_for(Duration::from_secs(3));
    let other_caller = emulator
        .client_builder()
        .reconcile_creates(false)
        .build()
        .unwrap();
    emulator.inject(
        Route::Create,
        Fault::close_connection().after_processing(),
        1,
    );
    std::thread::scope(|scope| {
        let ours = scope.spawn(|| client.create(&nightly(W1)));
        while creates_received(&emulator) == 0 {
            std::thread::sleep(Duration::from_millis(2));
        }
        emulator.inject(
            Route::List,
            Fault::slow_processing(Duration::from_secs(3)),
            1,
        );
        for i in 0..99 {
            let name = "nightly";
            let other = BatchJob::workflow(name, W1, Input::prefix(format!("other-{i}/")));
            other_caller.create(&other).unwrap();
        }
        let twin = other_caller.create(&nightly(W1)).unwrap().job.job_id;
        let ours_id = emulator.job_ids()[0].clone();
        match ours.join().unwrap() {
            Ok(found) => {
                assert_ne!(found.job.job_id, twin, "the twin was taken for ours");
                assert_eq!(found.job.job_id, ours_id);
            }
            Err(Error::CreateOutcomeUnknown { .. }) => {}
            Err(other) => panic!("{other:?}"),
        }
    });
    assert_eq!(emulator.job_ids().len(), 101, "nothing was sent twice");
}

// --- 2. A success answer about another job ------------------------------------------------

#[test]
fn a_success_about_a_new_job_of_another_request_is_not_taken() {
    let now = stamp(SystemTime::now() + Duration::from_secs(1));
    let other = job("b-other", &now, "elsewhere/", "w-other");
    let service = Scripted::start(
        move || answer_at(SystemTime::now(), &other),
        SystemTime::now(),
        |_| String::new(),
    );
    let err = service.client().create(&nightly(W1)).unwrap_err();
    match &err {
        Error::CreateOutcomeUnknown { last, .. } => match &**last {
            Error::Response(failure) => assert_eq!(
                failure.problem,
                cos_ci_batch::error::ResponseError::Mismatch("JobsDetail")
            ),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    let (posts, lists) = service.counts();
    assert_eq!(posts, 1);
    assert!(lists >= 2, "the outcome was searched for: {lists} listings");
}

#[test]
fn after_a_success_about_another_job_the_search_finds_ours() {
    let now = stamp(SystemTime::now() + Duration::from_secs(1));
    let other = job("b-other", &now, "videos/", "w-other");
    let ours = job("b-ours", &now, "videos/", W1);
    let service = Scripted::start(
        move || answer_at(SystemTime::now(), &other),
        SystemTime::now(),
        move |_| ours.clone(),
    );
    let created = service.client().create(&nightly(W1)).unwrap();
    assert_eq!(
        (created.job.job_id.as_str(), created.request_id),
        ("b-ours", None)
    );
    assert_eq!(service.counts().0, 1);
}

#[test]
fn without_reconciliation_a_success_about_another_request_is_an_unknown_outcome() {
    let now = stamp(SystemTime::now());
    let other = job("b-other", &now, "videos/", "w-other");
    let service = Scripted::start(
        move || answer_at(SystemTime::now(), &other),
        SystemTime::now(),
        |_| String::new(),
    );
    let client = client_for(&service.server.endpoint(), |b| b.reconcile_creates(false));
    assert_unknown(client.create(&nightly(W1)));
    assert_eq!(service.counts(), (1, 0));
}

#[test]
fn a_success_about_a_job_too_old_to_be_ours_is_not_taken() {
    // The first listing had more pages; the answer names an identical job from 2020 that sat
    // on one of them.
    let old = job("b-old-page2", "2020-01-01T00:00:00+0000", "videos/", W1);
    let listed_at = SystemTime::now();
    let first: String = (0..100)
        .map(|i| {
            job(
                &format!("b-{i:03}"),
                "2024-06-01T00:00:00+0000",
                "other/",
                W1,
            )
        })
        .collect::<String>()
        + "<NextToken>p2</NextToken>";
    let posts = Arc::new(AtomicUsize::new(0));
    let counted = posts.clone();
    let lists = Arc::new(AtomicUsize::new(0));
    let server = RawServer::start(move |_, request| {
        if request.line.starts_with("POST") {
            counted.fetch_add(1, Ordering::SeqCst);
            return answer_at(SystemTime::now(), &old);
        }
        if lists.fetch_add(1, Ordering::SeqCst) == 0 {
            answer_at(listed_at, &first)
        } else {
            answer_at(SystemTime::now(), "")
        }
    });
    let client = client_for(&server.endpoint(), |b| b);
    assert_unknown(client.create(&nightly(W1)));
    assert_eq!(posts.load(Ordering::SeqCst), 1);
}

#[test]
fn a_job_over_another_input_that_reads_as_the_same_boolean_or_time_is_not_ours() {
    // Our create never reaches the service; meanwhile another caller creates the same name
    // over prefix "true" where ours said "1". Keys are compared byte for byte.
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(W1);
    let client = emulator.client_builder().build().unwrap();
    let other = emulator.client_builder().build().unwrap();
    emulator.inject(Route::Create, Fault::status(503, "ServiceUnavailable"), 1);
    std::thread::scope(|scope| {
        let ours =
            scope.spawn(|| client.create(&BatchJob::workflow("nightly", W1, Input::prefix("1"))));
        while creates_received(&emulator) == 0 {
            std::thread::sleep(Duration::from_millis(2));
        }
        let theirs = other
            .create(&BatchJob::workflow("nightly", W1, Input::prefix("true")))
            .unwrap();
        assert_unknown(ours.join().unwrap());
        assert_eq!(emulator.job_ids(), [theirs.job.job_id]);
    });
}

// --- 3. The service's clocks a few seconds apart -----------------------------------------

#[test]
fn a_listing_date_three_seconds_ahead_of_the_stamps_still_finds_the_job() {
    let (emulator, client) = emulator_searching_for(Duration::from_secs(2));
    emulator.inject(Route::List, Fault::date_offset(3), 1);
    emulator.inject(
        Route::Create,
        Fault::close_connection().after_processing(),
        1,
    );
    let created = client.create(&nightly(W1)).unwrap();
    assert_eq!(emulator.job_ids(), [created.job.job_id]);
}

#[test]
fn the_stamp_tolerance_is_five_seconds_and_no_more() {
    let listed_at = SystemTime::now();
    for (before, found) in [(5, true), (6, false)] {
        let created = stamp(listed_at - Duration::from_secs(before));
        let service = Scripted::start(unavailable, listed_at, move |_| {
            job("b-candidate", &created, "videos/", W1)
        });
        let result = service.client().create(&nightly(W1));
        match (found, result) {
            (true, Ok(c)) => assert_eq!(c.job.job_id, "b-candidate"),
            (false, Err(Error::CreateOutcomeUnknown { .. })) => {}
            (_, other) => panic!("{before} s before: {other:?}"),
        }
    }
}

#[test]
fn a_listing_date_days_from_the_local_clock_is_not_believed() {
    // The job echoes the request and is stamped after the listing's Date, but that Date is
    // ten days ahead of the local clock: nothing can be shown to be new.
    let listed_at = SystemTime::now() + Duration::from_secs(10 * 86_400);
    let created = stamp(listed_at + Duration::from_secs(1));
    let service = Scripted::start(unavailable, listed_at, move |_| {
        job("b-candidate", &created, "videos/", W1)
    });
    assert_unknown(service.client().create(&nightly(W1)));
    // Without a believable Date there is nothing to search for.
    assert_eq!(service.counts(), (1, 1));
}

// --- 4. A clock fixed while a refused request is in flight -------------------------------

#[test]
fn a_refusal_is_judged_against_the_clock_the_request_was_signed_with() {
    let fixed = Arc::new(AtomicBool::new(false));
    let signed = Arc::new(std::sync::Mutex::new(Vec::new()));
    let server = {
        let (fixed, signed) = (fixed.clone(), signed.clone());
        RawServer::start(move |n, request| {
            let start: u64 = request
                .head
                .split("q-sign-time=")
                .nth(1)
                .and_then(|rest| rest.split(';').next())
                .and_then(|s| s.parse().ok())
                .unwrap();
            signed.lock().unwrap().push(start);
            let now = SystemTime::now();
            if n == 0 {
                // NTP fixes the client's clock while the refusal is on its way.
                fixed.store(true, Ordering::SeqCst);
                let date = format!("Date: {}", http_date(now));
                return response_with(
                    403,
                    &[&date],
                    "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>",
                );
            }
            answer_at(now, &job("b1", &stamp(now), "videos/", W1))
        })
    };
    let clock_fixed = fixed.clone();
    let client = client_for(&server.endpoint(), |b| {
        b.retry_policy(RetryPolicy::none()).clock(move || {
            if clock_fixed.load(Ordering::SeqCst) {
                SystemTime::now()
            } else {
                SystemTime::now() - Duration::from_secs(3600)
            }
        })
    });
    assert_eq!(client.describe("b1").unwrap().job.job_id, "b1");
    let signed = signed.lock().unwrap().clone();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(signed.len(), 2);
    assert!(now - signed[0] > 3600, "first signed an hour slow");
    assert!(now - signed[1] < 120, "re-signed on the fixed clock");
    assert_eq!(client.clock_skew(), 0);
}
