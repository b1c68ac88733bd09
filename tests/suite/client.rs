//! The client against the emulator: the exact requests it sends, that their Authorization
//! verifies (recomputed here with the public signer), and the typed results.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::common::t;
use cos_ci_batch::emulator::{Emulator, ReceivedRequest};
use cos_ci_batch::model::{BatchJob, Input, JobState, JobType, TimeInterval};
use cos_ci_batch::ops::{ListQuery, Order, StateFilter, TypeFilter};
use cos_ci_batch::sign::{Credentials, KeyTime, authorization};
use cos_ci_batch::{Client, Error};

const WORKFLOW: &str = "w7476ff3564ee45b7b490d64bccaba6cc";

struct Pinned {
    emulator: Emulator,
    client: Client,
    now: u64,
}

fn pinned() -> Pinned {
    pinned_with(|c| c)
}

fn pinned_with(configure: impl FnOnce(Credentials) -> Credentials) -> Pinned {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    let now = SystemTime::now();
    let client = emulator
        .client_builder()
        .credentials(configure(emulator.credentials()))
        .clock(move || now)
        .build()
        .unwrap();
    Pinned {
        now: now.duration_since(UNIX_EPOCH).unwrap().as_secs(),
        emulator,
        client,
    }
}

/// Recomputes the Authorization of a received request from its listed headers and query,
/// with the signer's public entry point, and checks the exact header and parameter lists.
fn assert_signed(
    p: &Pinned,
    credentials: &Credentials,
    r: &ReceivedRequest,
    header_list: &str,
    param_list: &str,
) {
    let auth = r.header("authorization").expect("signed");
    let key_time = KeyTime::new(p.now - 60, p.now + 900);
    assert!(auth.contains(&format!("&q-key-time={key_time}&")), "{auth}");
    assert!(
        auth.contains(&format!(
            "&q-header-list={header_list}&q-url-param-list={param_list}&"
        )),
        "{auth}"
    );
    let headers: Vec<(&str, &str)> = header_list
        .split(';')
        .filter(|n| !n.is_empty())
        .map(|n| (n, r.header(n).unwrap()))
        .collect();
    let query: Vec<(&str, &str)> = r
        .query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let expected = authorization(credentials, &r.method, &r.path, &query, &headers, key_time);
    assert_eq!(auth, expected);
    assert!(r.signature_valid);
}

#[test]
fn create_sends_the_exact_request_and_returns_the_detail() {
    let p = pinned();
    let interval =
        TimeInterval::between(t("2022-02-01T12:00:00+0800"), t("2022-05-01T12:00:00+0800"))
            .unwrap();
    let job = BatchJob::workflow("demo", WORKFLOW, Input::prefix_uploaded("input", interval));
    let created = p.client.create(&job).unwrap();
    assert_eq!(created.job.name.as_deref(), Some("demo"));
    assert_eq!(created.job.state, JobState::Submitted);
    assert_eq!(created.job.job_type, Some(JobType::Workflow));
    let input = created.job.input.as_ref().unwrap();
    assert_eq!(input.prefix.as_deref(), Some("input"));
    let operation = created.job.operation.as_ref().unwrap();
    assert_eq!(operation.workflow_ids.as_deref(), Some(WORKFLOW));
    let echoed = operation.time_interval.as_ref().unwrap();
    assert_eq!(echoed.start.as_ref().unwrap().time(), interval.start());
    assert_eq!(
        echoed.end.as_ref().unwrap().text(),
        "2022-05-01T12:00:00+0800"
    );
    assert!(created.job.job_id.len() == 33 && created.job.job_id.starts_with('b'));
    assert!(
        created.job.job_id[1..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
    );

    let received = p.emulator.received();
    assert_eq!(received.len(), 2);
    // First the same-named jobs that exist already (none of them can be the new one).
    assert_eq!(
        received[0].raw_url,
        "/inventorytriggerjob?type=Workflow&name=demo&orderByTime=Desc&size=100"
    );
    let r = &received[1];
    assert_eq!(r.method, "POST");
    assert_eq!(r.raw_url, "/inventorytriggerjob");
    assert_eq!(r.body, job.to_xml().unwrap().into_bytes());
    assert_eq!(r.header("content-type"), Some("application/xml"));
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
    assert_eq!(
        r.header("host"),
        Some(p.emulator.addr().to_string().as_str())
    );
    assert_eq!(
        r.header("user-agent"),
        Some(concat!("cos-ci-batch/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(r.header("x-cos-sdk-retry"), None);
    assert_signed(
        &p,
        &p.emulator.credentials(),
        r,
        "content-length;content-type;host",
        "",
    );
}

#[test]
fn describe_cancel_and_list_send_the_exact_requests() {
    let p = pinned();
    let created = p
        .client
        .create(&BatchJob::workflow("demo", WORKFLOW, Input::prefix("in")))
        .unwrap();
    p.emulator.clear_received();

    let described = p.client.describe(&created.job.job_id).unwrap();
    assert_eq!(described.job.job_id, created.job.job_id);
    p.client.cancel(&created.job.job_id).unwrap();
    assert_eq!(
        p.client.describe(&created.job.job_id).unwrap().job.state,
        JobState::Cancel
    );
    let query = ListQuery::new()
        .job_type(TypeFilter::Workflow)
        .order(Order::Asc)
        .states([StateFilter::Cancel, StateFilter::Failed])
        .created_between(t("2022-02-01T12:00:00+0800"), t("2099-01-01T00:00:00+0000"))
        .workflow_id(WORKFLOW)
        .job_id(created.job.job_id.clone())
        .name("demo")
        .size(7)
        .next_token("0");
    let page = p.client.list(&query).unwrap();
    assert_eq!(page.jobs.len(), 1);
    assert_eq!(page.jobs[0].job_id, created.job.job_id);
    assert_eq!(page.next_token, None);

    let received = p.emulator.received();
    let describe = &received[0];
    assert_eq!(
        (describe.method.as_str(), describe.raw_url.clone()),
        (
            "GET",
            format!("/inventorytriggerjob/{}", created.job.job_id)
        )
    );
    assert!(describe.body.is_empty());
    assert_signed(&p, &p.emulator.credentials(), describe, "host", "");

    let cancel = &received[1];
    assert_eq!(cancel.method, "PUT");
    assert_eq!(
        cancel.raw_url,
        format!("/inventorytriggerjob/{}?cancel", created.job.job_id)
    );
    assert_signed(&p, &p.emulator.credentials(), cancel, "host", "cancel");

    let list = &received[3];
    assert_eq!(list.method, "GET");
    assert_eq!(
        list.raw_url,
        format!(
            "/inventorytriggerjob?type=Workflow&workflowId={WORKFLOW}&jobId={}&name=demo\
             &orderByTime=Asc&states=Cancel%2CFailed\
             &startCreationTime=2022-02-01T12%3A00%3A00%2B0800&endCreationTime=2099-01-01T00%3A00%3A00%2B0000\
             &size=7&nextToken=0",
            created.job.job_id
        )
    );
    assert_signed(
        &p,
        &p.emulator.credentials(),
        list,
        "host",
        "endcreationtime;jobid;name;nexttoken;orderbytime;size;startcreationtime;states;type;workflowid",
    );
}

#[test]
fn list_sends_only_the_filters_that_are_set() {
    let p = pinned();
    p.client.list(&ListQuery::new()).unwrap();
    p.client.list(&ListQuery::new().name("批量")).unwrap();
    let received = p.emulator.received();
    assert_eq!(received[0].raw_url, "/inventorytriggerjob");
    assert_signed(&p, &p.emulator.credentials(), &received[0], "host", "");
    assert_eq!(
        received[1].raw_url,
        "/inventorytriggerjob?name=%E6%89%B9%E9%87%8F"
    );
    assert_eq!(received[1].query, [("name".to_owned(), "批量".to_owned())]);
}

#[test]
fn a_session_token_is_sent_and_signed_as_x_ci_security_token() {
    // The emulator accepts any token with its key pair; the header must be signed.
    let p = pinned_with(|c| c.with_session_token("sts-token-value"));
    let credentials = p
        .emulator
        .credentials()
        .with_session_token("sts-token-value");
    p.client.list(&ListQuery::new()).unwrap();
    let r = &p.emulator.received()[0];
    assert_eq!(r.header("x-ci-security-token"), Some("sts-token-value"));
    assert_signed(&p, &credentials, r, "host;x-ci-security-token", "");
}

#[test]
fn describe_of_an_unknown_job_is_job_not_found() {
    let p = pinned();
    match p.client.describe("b00000000000000000000000000000000") {
        Err(Error::JobNotFound {
            job_id, request_id, ..
        }) => {
            assert_eq!(job_id, "b00000000000000000000000000000000");
            assert!(request_id.unwrap().starts_with("RU1VLX"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn service_errors_are_typed_with_status_and_request_id() {
    let p = pinned();
    let created = p
        .client
        .create(&BatchJob::workflow("demo", WORKFLOW, Input::prefix("in")))
        .unwrap();
    p.emulator.advance(Duration::from_secs(60));
    let err = p.client.cancel(&created.job.job_id).unwrap_err();
    let service = err.service_error().expect("a service error");
    assert_eq!(service.status, 400);
    assert_eq!(service.code, "InvalidArgument");
    assert!(
        service.message.contains("has already ended (Success)"),
        "{}",
        service.message
    );
    let request_id = service.request_id.clone().unwrap();
    assert!(request_id.starts_with("RU1VLX"), "{request_id}");
    assert_eq!(err.attempts(), 1, "4xx is not retried");
    assert_eq!(p.emulator.received_count(), 3);
}

#[test]
fn list_all_walks_every_page() {
    let p = pinned();
    let mut ids = Vec::new();
    for i in 0..25 {
        let job = BatchJob::workflow(format!("job-{i}"), WORKFLOW, Input::prefix("in"));
        ids.push(p.client.create(&job).unwrap().job.job_id);
        p.emulator.advance(Duration::from_secs(1));
    }
    p.emulator.clear_received();
    let listed: Vec<String> = p
        .client
        .list_all(&ListQuery::new().order(Order::Asc).size(10))
        .map(|j| j.unwrap().job_id)
        .collect();
    assert_eq!(listed, ids);
    let urls: Vec<String> = p
        .emulator
        .received()
        .into_iter()
        .map(|r| r.raw_url)
        .collect();
    assert_eq!(
        urls,
        [
            "/inventorytriggerjob?orderByTime=Asc&size=10",
            "/inventorytriggerjob?orderByTime=Asc&size=10&nextToken=10",
            "/inventorytriggerjob?orderByTime=Asc&size=10&nextToken=20",
        ]
    );
}

#[test]
fn one_client_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Client>();
    let p = pinned();
    std::thread::scope(|s| {
        for i in 0..4 {
            let client = &p.client;
            s.spawn(move || {
                let job = BatchJob::workflow(format!("t{i}"), WORKFLOW, Input::prefix("in"));
                let id = client.create(&job).unwrap().job.job_id;
                assert_eq!(
                    client.describe(&id).unwrap().job.name.as_deref(),
                    Some(format!("t{i}").as_str())
                );
            });
        }
    });
    assert_eq!(p.emulator.job_ids().len(), 4);
}
