//! The emulator's own behaviour: its checks can fail, and it selects, runs, lists and
//! cancels jobs as the API documents.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::common::t;
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input, JobState, MediaJob, Tag, TimeInterval};
use cos_ci_batch::ops::{
    Action, HttpRequest, HttpResponse, ListJobs, ListQuery, Order, StateFilter, TypeFilter,
};
use cos_ci_batch::sign::{Credentials, KeyTime};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Sends a request as given (no client logic) and returns (status, body).
pub(super) fn send_raw(
    emulator: &Emulator,
    request: &HttpRequest,
    tamper: impl FnOnce(&mut Vec<(String, String)>, &mut String),
) -> (u16, String) {
    let mut headers = request.headers().to_vec();
    let mut target = request.path_and_query();
    tamper(&mut headers, &mut target);
    let mut builder = ureq::http::Request::builder()
        .method(request.method().as_str())
        .uri(format!("{}{target}", emulator.endpoint()));
    for (name, value) in &headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = builder.body(request.body().to_vec()).unwrap();
    read(agent().run(request).unwrap())
}

/// An agent that hands back error statuses as responses.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> (u16, String) {
    let status = response.status().as_u16();
    assert!(
        response.headers().get("x-ci-request-id").is_some(),
        "every answer has a request id"
    );
    (status, response.body_mut().read_to_string().unwrap())
}

/// Edits a request's headers or target before it is sent.
type Tamper = Box<dyn FnOnce(&mut Vec<(String, String)>, &mut String)>;

fn signed_list(emulator: &Emulator, credentials: &Credentials, key_time: KeyTime) -> HttpRequest {
    let mut request = ListJobs::new(&ListQuery::new().size(5)).unwrap().request();
    request.sign(&emulator.addr().to_string(), credentials, key_time);
    request
}

/// The `Code` of an `<Error>` body, read the way the crate reads it.
fn code_of(body: &str) -> String {
    let op = cos_ci_batch::ops::CancelJob::new("b1").unwrap();
    let err = op.parse(&HttpResponse::new(400, body)).unwrap_err();
    err.service_error().expect("an <Error> body").code.clone()
}

#[test]
fn a_correct_signature_is_accepted() {
    let emulator = Emulator::start().unwrap();
    let request = signed_list(
        &emulator,
        &emulator.credentials(),
        KeyTime::around(now(), 60, 900),
    );
    let (status, body) = send_raw(&emulator, &request, |_, _| {});
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("<Response><RequestId>"));
}

#[test]
fn signature_checks_refuse_what_they_should() {
    let emulator = Emulator::start().unwrap();
    let good = emulator.credentials();
    let window = KeyTime::around(now(), 60, 900);
    let cases: Vec<(&str, HttpRequest, Tamper, u16, &str)> = vec![
        (
            "wrong key",
            signed_list(
                &emulator,
                &Credentials::new(good.secret_id(), "not-the-key"),
                window,
            ),
            Box::new(|_, _| {}),
            403,
            "AccessDenied",
        ),
        (
            "unknown SecretId",
            signed_list(&emulator, &Credentials::new("AKIDnobody", "k"), window),
            Box::new(|_, _| {}),
            401,
            "SecretidNotExist",
        ),
        (
            "tampered query",
            signed_list(&emulator, &good, window),
            Box::new(|_, target| *target = target.replace("size=5", "size=6")),
            403,
            "AccessDenied",
        ),
        (
            "tampered signed header",
            {
                let mut r = ListJobs::new(&ListQuery::new()).unwrap().request();
                r.set_header("x-ci-trace", "a");
                r.sign(&emulator.addr().to_string(), &good, window);
                r
            },
            Box::new(|headers, _| {
                for h in headers.iter_mut().filter(|(n, _)| n == "x-ci-trace") {
                    h.1 = "b".into();
                }
            }),
            403,
            "AccessDenied",
        ),
        (
            "signed for another host",
            {
                let mut r = ListJobs::new(&ListQuery::new()).unwrap().request();
                r.sign(
                    "other-1250000000.ci.ap-guangzhou.myqcloud.com",
                    &good,
                    window,
                );
                r
            },
            Box::new(|_, _| {}),
            403,
            "AccessDenied",
        ),
        (
            "expired key time",
            signed_list(&emulator, &good, KeyTime::new(now() - 3600, now() - 1800)),
            Box::new(|_, _| {}),
            401,
            "SignatureExpired",
        ),
        (
            "key time in the future",
            signed_list(&emulator, &good, KeyTime::new(now() + 1800, now() + 3600)),
            Box::new(|_, _| {}),
            403,
            "RequestTimeTooSkewed",
        ),
        (
            "key time that starts after it ends",
            signed_list(&emulator, &good, KeyTime::new(now() + 10, now() - 10)),
            Box::new(|_, _| {}),
            401,
            "InvalidAuthorization",
        ),
        (
            "no Authorization",
            ListJobs::new(&ListQuery::new()).unwrap().request(),
            Box::new(|_, _| {}),
            401,
            "MissingAuthorization",
        ),
        (
            "malformed Authorization",
            signed_list(&emulator, &good, window),
            Box::new(|headers, _| {
                for h in headers.iter_mut().filter(|(n, _)| n == "authorization") {
                    h.1 = h.1.replace("q-sign-algorithm=sha1", "q-sign-algorithm=md5");
                }
            }),
            401,
            "InvalidAuthorization",
        ),
    ];
    for (what, request, tamper, status, code) in cases {
        let (got_status, body) = send_raw(&emulator, &request, tamper);
        assert_eq!(
            (got_status, code_of(&body).as_str()),
            (status, code),
            "{what}: {body}"
        );
    }
    assert!(emulator.received().iter().all(|r| !r.signature_valid));
    assert!(emulator.job_ids().is_empty());
}

#[test]
fn create_validates_the_body_and_names_the_field() {
    let emulator = Emulator::start().unwrap();
    // Operations the emulator could not echo back whole, or would keep at a cost far beyond
    // their bytes.
    let operation = |inner: &str| {
        format!("<Request><Name>a</Name><Type>Workflow</Type><Input><Prefix>p</Prefix></Input><Operation><WorkflowIds>w</WorkflowIds>{inner}</Operation></Request>")
            .into_bytes()
    };
    let deep = format!("{}x{}", "<d>".repeat(40), "</d>".repeat(40));
    let cases: Vec<(Vec<u8>, u16, &str, &str)> = vec![
        (b"".to_vec(), 400, "MissingContent", "empty"),
        (b"<Request><Name>a</Name>".to_vec(), 400, "InvalidArgument", "not a valid Request"),
        (b"<Request><Name>a b</Name><Type>Workflow</Type><Input><Prefix>p</Prefix></Input><Operation><WorkflowIds>w</WorkflowIds></Operation></Request>".to_vec(), 400, "InvalidArgument", "Request.Name"),
        (b"<Request><Name>a</Name><Type>Workflow</Type><Input/><Operation><WorkflowIds>w</WorkflowIds></Operation></Request>".to_vec(), 400, "InvalidArgument", "Request.Input"),
        (b"<Request><Name>a</Name><Type>Job</Type><Input><Object>o</Object></Input><Operation/></Request>".to_vec(), 400, "InvalidArgument", "Request.Operation.Tag"),
        (operation("<\u{c9}moji>x</\u{c9}moji>"), 400, "InvalidArgument", "Request.Operation is invalid"),
        (operation(&deep), 400, "InvalidArgument", "nests deeper than 32 levels"),
        (operation(&"<a/>".repeat(1000)), 400, "InvalidArgument", "1002 elements, more than 1000"),
    ];
    let host = emulator.addr().to_string();
    for (body, status, code, needle) in cases {
        let length = body.len().to_string();
        let mut headers = vec![("content-type", "application/xml")];
        if !body.is_empty() {
            headers.push(("content-length", length.as_str()));
        }
        let signed: Vec<(&str, &str)> = headers
            .iter()
            .copied()
            .chain([("host", host.as_str())])
            .collect();
        let auth = cos_ci_batch::sign::authorization(
            &emulator.credentials(),
            "POST",
            "/inventorytriggerjob",
            &[],
            &signed,
            KeyTime::around(now(), 60, 900),
        );
        let mut b = agent()
            .post(format!("{}/inventorytriggerjob", emulator.endpoint()))
            .header("authorization", &auth);
        for (n, v) in &headers {
            b = b.header(*n, *v);
        }
        let (got, text) = read(b.send(&body[..]).unwrap());
        assert_eq!((got, code_of(&text).as_str()), (status, code), "{text}");
        assert!(text.contains(needle), "{text}");
    }
    assert!(emulator.job_ids().is_empty());
}

fn created_id(client: &cos_ci_batch::Client, job: &BatchJob) -> String {
    client.create(job).unwrap().job.job_id
}

fn seeded() -> (Emulator, cos_ci_batch::Client) {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    emulator.put_object("videos/2021/a.mp4", t("2021-06-01T00:00:00+0800"));
    emulator.put_object("videos/2022/b.mp4", t("2022-03-01T00:00:00+0800"));
    emulator.put_object("videos/2022/c.mp4", t("2022-04-30T23:59:59+0800"));
    emulator.put_object("videos/2022/d.mp4", t("2022-06-01T00:00:00+0800"));
    emulator.put_object("photos/e.jpg", t("2022-03-01T00:00:00+0800"));
    let client = emulator.client_builder().build().unwrap();
    (emulator, client)
}

#[test]
fn jobs_select_objects_by_prefix_time_object_manifest_and_url_file() {
    let (emulator, client) = seeded();
    emulator.put_manifest(
        "inventory/manifest.json",
        ["photos/e.jpg", "videos/2021/a.mp4", "missing.mp4"],
    );
    emulator.put_url_file(
        "urls.txt",
        [
            "https://emulator-1250000000.cos.ap-emulator.myqcloud.com/videos/2022/b.mp4",
            "https://x.cos.y.myqcloud.com/photos/e.jpg?v=1",
        ],
    );
    let covered = |job: BatchJob| {
        let id = client.create(&job).unwrap().job.job_id;
        emulator.covered_objects(&id).unwrap()
    };
    let wf = |input| BatchJob::workflow("sel", WORKFLOW, input);
    assert_eq!(
        covered(wf(Input::prefix("videos/"))),
        [
            "videos/2021/a.mp4",
            "videos/2022/b.mp4",
            "videos/2022/c.mp4",
            "videos/2022/d.mp4"
        ]
    );
    assert_eq!(
        covered(wf(Input::prefix_uploaded(
            "videos/",
            TimeInterval::between(t("2022-02-01T12:00:00+0800"), t("2022-05-01T12:00:00+0800"))
                .unwrap()
        ))),
        ["videos/2022/b.mp4", "videos/2022/c.mp4"]
    );
    assert_eq!(covered(wf(Input::object("photos/e.jpg"))), ["photos/e.jpg"]);
    assert_eq!(covered(wf(Input::object("nothing"))), Vec::<String>::new());
    assert_eq!(
        covered(wf(Input::manifest("inventory/manifest.json"))),
        ["photos/e.jpg", "videos/2021/a.mp4"]
    );
    assert_eq!(
        covered(wf(Input::url_file("urls.txt"))),
        ["photos/e.jpg", "videos/2022/b.mp4"]
    );
    assert_eq!(emulator.covered_objects("bnope"), None);
}

#[test]
fn jobs_move_through_their_states_on_the_test_clock() {
    let (emulator, client) = seeded();
    let id = created_id(
        &client,
        &BatchJob::workflow("life", WORKFLOW, Input::prefix("videos/")),
    );
    let detail = client.describe(&id).unwrap();
    assert_eq!(
        (detail.job.state, detail.job.start_time, detail.job.end_time),
        (JobState::Submitted, None, None)
    );
    emulator.advance(Duration::from_millis(1500));
    let detail = client.describe(&id).unwrap();
    assert_eq!(detail.job.state, JobState::Running);
    assert!(detail.job.start_time.is_some() && detail.job.end_time.is_none());
    emulator.advance(Duration::from_secs(2));
    let detail = client.describe(&id).unwrap();
    assert_eq!(detail.job.state, JobState::Success);
    assert_eq!(detail.job.code.as_deref(), Some("Success"));
    assert!(detail.job.end_time.unwrap().time() > detail.job.start_time.unwrap().time());
}

#[test]
fn unknown_workflows_and_tags_fail_with_a_code_and_message() {
    let (emulator, client) = seeded();
    let wf = created_id(
        &client,
        &BatchJob::workflow("bad", "wunknown", Input::prefix("videos/")),
    );
    let job = client
        .create(&BatchJob::media(
            "bad",
            MediaJob::new(Tag::Other("Teleport".into())),
            Input::prefix("videos/"),
        ))
        .unwrap()
        .job
        .job_id;
    let manifest = created_id(
        &client,
        &BatchJob::workflow("bad", WORKFLOW, Input::manifest("nope.json")),
    );
    emulator.advance(Duration::from_secs(5));
    for (id, code, message) in [
        (wf, "WorkflowNotExist", "workflow wunknown does not exist"),
        (job, "InvalidTag", "Tag Teleport is not supported"),
        (
            manifest,
            "ResourceNotFound",
            "manifest nope.json does not exist",
        ),
    ] {
        let detail = client.describe(&id).unwrap();
        assert_eq!(detail.job.state, JobState::Failed);
        assert_eq!(detail.job.code.as_deref(), Some(code));
        assert_eq!(detail.job.message.as_deref(), Some(message));
    }
}

#[test]
fn cancel_stops_a_running_job_and_refuses_a_finished_one() {
    let (emulator, client) = seeded();
    let id = created_id(
        &client,
        &BatchJob::workflow("c", WORKFLOW, Input::prefix("videos/")),
    );
    emulator.advance(Duration::from_millis(1500));
    client.cancel(&id).unwrap();
    emulator.advance(Duration::from_secs(10));
    let detail = client.describe(&id).unwrap();
    assert_eq!(detail.job.state, JobState::Cancel);
    assert!(detail.job.end_time.is_some());
    let err = client.cancel(&id).unwrap_err();
    assert_eq!(
        err.service_error().map(|e| (e.status, e.code.as_str())),
        Some((400, "InvalidArgument"))
    );
    let err = client
        .cancel("b00000000000000000000000000000000")
        .unwrap_err();
    assert!(
        err.service_error()
            .unwrap()
            .message
            .contains("does not exist")
    );
}

#[test]
fn list_filters_orders_and_pages() {
    let (emulator, client) = seeded();
    let mut all = Vec::new();
    for i in 0..6u64 {
        let job = if i % 2 == 0 {
            BatchJob::workflow(format!("wf-{i}"), WORKFLOW, Input::prefix("videos/"))
        } else {
            BatchJob::media(
                format!("job-{i}"),
                MediaJob::new(Tag::Snapshot),
                Input::prefix("videos/"),
            )
        };
        all.push(client.create(&job).unwrap());
        emulator.advance(Duration::from_secs(1));
    }
    // Job i was created at second i and runs from i+1 to i+3; it is now second 6, so jobs
    // 0 to 3 have succeeded and 4 and 5 are running. Cancel 4.
    client.cancel(&all[4].job.job_id).unwrap();
    let ids = |q: ListQuery| -> Vec<String> {
        client
            .list(&q)
            .unwrap()
            .jobs
            .into_iter()
            .map(|j| j.job_id)
            .collect()
    };
    let of =
        |idx: &[usize]| -> Vec<String> { idx.iter().map(|&i| all[i].job.job_id.clone()).collect() };

    assert_eq!(
        ids(ListQuery::new()),
        of(&[5, 4, 3, 2, 1, 0]),
        "newest first by default"
    );
    assert_eq!(
        ids(ListQuery::new().order(Order::Asc)),
        of(&[0, 1, 2, 3, 4, 5])
    );
    assert_eq!(
        ids(ListQuery::new().job_type(TypeFilter::Job)),
        of(&[5, 3, 1])
    );
    assert_eq!(
        ids(ListQuery::new().states([StateFilter::Success])),
        of(&[3, 2, 1, 0])
    );
    assert_eq!(
        ids(ListQuery::new().states([StateFilter::Cancel, StateFilter::Running])),
        of(&[5, 4])
    );
    assert_eq!(
        ids(ListQuery::new().states([StateFilter::Submitted, StateFilter::Failed])),
        of(&[])
    );
    assert_eq!(ids(ListQuery::new().workflow_id(WORKFLOW)), of(&[4, 2, 0]));
    assert_eq!(
        ids(ListQuery::new().job_id(all[3].job.job_id.clone())),
        of(&[3])
    );
    assert_eq!(ids(ListQuery::new().name("job-5")), of(&[5]));
    let created = |i: usize| all[i].job.creation_time.as_ref().unwrap().time().unwrap();
    let (t1, t3) = (created(1), created(3));
    assert_eq!(
        ids(ListQuery::new().created_between(t1, t3)),
        of(&[3, 2, 1])
    );

    let exact = client.list(&ListQuery::new().size(6)).unwrap();
    assert_eq!((exact.jobs.len(), exact.next_token), (6, None));
    let first = client.list(&ListQuery::new().size(4)).unwrap();
    assert_eq!(first.jobs.len(), 4);
    // The token is opaque: the number of the next job to look at, counted from the oldest.
    let token = first.next_token.expect("a second page");
    assert_eq!(token, "1");
    // A job created between two pages, newest first, neither repeats nor hides one.
    client
        .create(&BatchJob::workflow("late", WORKFLOW, Input::prefix("v/")))
        .unwrap();
    let second = client
        .list(&ListQuery::new().size(4).next_token(token))
        .unwrap();
    assert_eq!(
        second
            .jobs
            .iter()
            .map(|j| j.job_id.clone())
            .collect::<Vec<_>>(),
        of(&[1, 0])
    );
    assert_eq!(second.next_token, None);

    let err = client
        .list(&ListQuery::new().next_token("garbage"))
        .unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidArgument");
}

#[test]
fn describe_of_an_unknown_id_answers_non_exist_job_ids() {
    let emulator = Emulator::start().unwrap();
    let mut request = cos_ci_batch::ops::DescribeJob::new("bmissing")
        .unwrap()
        .request();
    request.sign(
        &emulator.addr().to_string(),
        &emulator.credentials(),
        KeyTime::around(now(), 60, 900),
    );
    let (status, body) = send_raw(&emulator, &request, |_, _| {});
    assert_eq!(status, 200);
    assert!(
        body.ends_with("<NonExistJobIds>bmissing</NonExistJobIds></Response>"),
        "{body}"
    );
}

#[test]
fn many_emulators_run_at_once() {
    let a = Emulator::start().unwrap();
    let b = Emulator::start().unwrap();
    assert_ne!(a.endpoint(), b.endpoint());
    assert_ne!(a.credentials(), b.credentials());
    let client_a = a.client_builder().build().unwrap();
    let wrong = b
        .client_builder()
        .credentials(a.credentials())
        .build()
        .unwrap();
    client_a.list(&ListQuery::new()).unwrap();
    let err = wrong.list(&ListQuery::new()).unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "SecretidNotExist");
}

#[test]
fn answers_stay_well_formed_whatever_the_request_held() {
    let emulator = Emulator::start().unwrap();
    // An id no client of this crate would send (it refuses it): a control character.
    let host = emulator.addr().to_string();
    let auth = cos_ci_batch::sign::authorization(
        &emulator.credentials(),
        "GET",
        "/inventorytriggerjob/b\u{1}x",
        &[],
        &[("host", &host)],
        KeyTime::around(now(), 60, 900),
    );
    let mut response = ureq::get(format!("{}/inventorytriggerjob/b%01x", emulator.endpoint()))
        .header("authorization", &auth)
        .call()
        .unwrap();
    let body = response.body_mut().read_to_string().unwrap();
    assert!(
        body.ends_with("<NonExistJobIds>b?x</NonExistJobIds></Response>"),
        "{body}"
    );
    assert!(roxmltree::Document::parse(&body).is_ok(), "{body}");
}

#[test]
fn key_times_are_judged_on_the_emulators_clock_the_one_its_date_shows() {
    let emulator = Emulator::start().unwrap();
    emulator.advance(Duration::from_secs(3600));
    // Signed on the machine's clock: an hour behind the service.
    let request = signed_list(
        &emulator,
        &emulator.credentials(),
        KeyTime::around(now(), 60, 900),
    );
    let (status, body) = send_raw(&emulator, &request, |_, _| {});
    assert_eq!((status, code_of(&body).as_str()), (401, "SignatureExpired"));
    // Signed on the clock its Date shows: accepted.
    let service_now = now() + 3600;
    let request = signed_list(
        &emulator,
        &emulator.credentials(),
        KeyTime::around(service_now, 60, 900),
    );
    let (status, body) = send_raw(&emulator, &request, |_, _| {});
    assert_eq!(status, 200, "{body}");
    // And a client corrects itself from that Date.
    let client = emulator.client_builder().build().unwrap();
    client.list(&ListQuery::new()).unwrap();
    assert!(
        (client.clock_skew() - 3600).abs() <= 2,
        "{}",
        client.clock_skew()
    );
}

/// The Authorization of a list with exactly this query, signed with the public signer.
fn list_authorization(emulator: &Emulator, query: &[(&str, &str)]) -> String {
    cos_ci_batch::sign::authorization(
        &emulator.credentials(),
        "GET",
        "/inventorytriggerjob",
        query,
        &[("host", &emulator.addr().to_string())],
        KeyTime::around(now(), 60, 900),
    )
}

#[test]
fn repeated_query_names_are_verified_in_the_order_sent() {
    let emulator = Emulator::start().unwrap();
    let auth = list_authorization(&emulator, &[("states", "Running"), ("states", "Failed")]);
    let get = |target: &str| {
        read(
            agent()
                .get(format!("{}{target}", emulator.endpoint()))
                .header("authorization", &auth)
                .call()
                .unwrap(),
        )
    };
    let (status, body) = get("/inventorytriggerjob?states=Running&states=Failed");
    assert_eq!(status, 200, "{body}");
    let (status, body) = get("/inventorytriggerjob?states=Running&states=Success");
    assert_eq!((status, code_of(&body).as_str()), (403, "AccessDenied"));
}

#[test]
fn malformed_time_filters_are_refused_and_never_stop_the_emulator() {
    let emulator = Emulator::start().unwrap();
    for _ in 0..8 {
        let auth = list_authorization(
            &emulator,
            &[("startCreationTime", "2022-06-27T15:23:10+0::::")],
        );
        let (status, body) = read(
            agent()
                .get(format!(
                    "{}/inventorytriggerjob?startCreationTime=2022-06-27T15%3A23%3A10%2B0%3A%3A%3A%3A",
                    emulator.endpoint()
                ))
                .header("authorization", &auth)
                .call()
                .unwrap(),
        );
        assert_eq!(
            (status, code_of(&body).as_str()),
            (400, "InvalidArgument"),
            "{body}"
        );
    }
    let client = emulator.client_builder().build().unwrap();
    client.list(&ListQuery::new()).unwrap();
}

#[test]
fn a_time_interval_end_takes_in_its_whole_second() {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    let end = t("2024-01-01T00:00:00+0000");
    emulator.put_object("v/at-end.mp4", end + Duration::from_millis(999));
    emulator.put_object("v/after-end.mp4", end + Duration::from_secs(1));
    emulator.put_object("v/at-start.mp4", t("2023-12-01T00:00:00+0000"));
    let client = emulator.client_builder().build().unwrap();
    let interval = TimeInterval::between(t("2023-12-01T00:00:00+0000"), end).unwrap();
    let job = BatchJob::workflow("edges", WORKFLOW, Input::prefix_uploaded("v/", interval));
    let created = client.create(&job).unwrap();
    assert_eq!(
        emulator.covered_objects(&created.job.job_id).unwrap(),
        ["v/at-end.mp4", "v/at-start.mp4"]
    );
}

#[test]
fn an_endpoint_with_the_default_port_signs_the_host_the_client_sends() {
    // Attack 9.9: http://host:80 used to sign "host:80" while sending "Host: host".
    let emulator = Emulator::builder().port(80).start().unwrap();
    let client = emulator
        .client_builder()
        .endpoint("http://127.0.0.1:80")
        .build()
        .unwrap();
    assert_eq!(client.host(), "127.0.0.1");
    client.list(&ListQuery::new()).unwrap();
    assert_eq!(emulator.received()[0].header("host"), Some("127.0.0.1"));
}
