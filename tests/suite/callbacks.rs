//! Callbacks end to end (issue 18): the emulator delivers what ended to a loopback
//! listener, which reads it back into the values of the jobs that ended.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crate::common::raw_server::{RawServer, response};
use cos_ci_batch::emulator::{Emulator, NotificationListener};
use cos_ci_batch::model::{BatchJob, Callback, CallbackFormat, Input, JobState, MediaJob, Tag};
use cos_ci_batch::notify::{Notification, NotificationError};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

type Received = Result<Notification, NotificationError>;

fn listener(path: &str) -> (NotificationListener, Receiver<Received>) {
    let (tx, rx) = mpsc::channel();
    let listener = NotificationListener::start("127.0.0.1:0".parse().unwrap(), path, move |read| {
        let _ = tx.send(read);
    })
    .unwrap();
    (listener, rx)
}

fn next(rx: &Receiver<Received>) -> Notification {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("a notification within 10 s")
        .expect("one that reads")
}

fn media_batch(url: &str, format: Option<CallbackFormat>) -> BatchJob {
    let job = MediaJob::new(Tag::Transcode)
        .template_id("t0123456789abcdef")
        .callback(Callback::url(url, format));
    BatchJob::media("with-callback", job, Input::prefix("in/"))
}

/// Each media job's notification: object → (job id, state, code when failed).
fn media_notifications(
    rx: &Receiver<Received>,
    count: usize,
) -> BTreeMap<String, (String, JobState, Option<String>)> {
    let mut seen = BTreeMap::new();
    for _ in 0..count {
        let Notification::MediaJobs { event, jobs } = next(rx) else {
            panic!("not a media job notification")
        };
        assert_eq!(event.as_deref(), Some("TaskFinish"));
        for job in jobs {
            let object = job.object().unwrap().to_owned();
            let code = job.code.filter(|_| job.state == JobState::Failed);
            seen.insert(object, (job.job_id, job.state, code));
        }
    }
    seen
}

#[test]
fn each_media_job_of_a_batch_job_with_a_callback_url_reports_its_end_in_xml_and_json() {
    for format in [None, Some(CallbackFormat::Json)] {
        let (listener, rx) = listener("/cos-callback/3f9a");
        let emulator = Emulator::start().unwrap();
        emulator.put_objects(["in/a.mp4", "in/b.avi"], emulator.now());
        emulator.fail_objects("*.avi", "DecodeError", "no video stream");
        let client = emulator.client_builder().build().unwrap();
        let url = format!("http://{}/cos-callback/3f9a", listener.addr());
        let batch = client.create(&media_batch(&url, format)).unwrap().job;
        emulator.advance(Duration::from_secs(10));
        let seen = media_notifications(&rx, 2);
        // The values of the jobs that ended, as a describe gives them.
        let described = client.describe(&batch.job_id).unwrap().job;
        let outcomes: BTreeMap<String, (String, JobState, Option<String>)> = client
            .outcomes(&described, &Default::default())
            .unwrap()
            .map(|o| o.unwrap())
            .map(|o| (o.object, (o.media_job_id.unwrap(), o.state, o.code)))
            .collect();
        assert_eq!(seen, outcomes, "{format:?}");
        assert_eq!(seen["in/b.avi"].1, JobState::Failed);
        // Each is delivered once.
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
        let deliveries = emulator.callback_deliveries();
        assert_eq!(deliveries.len(), 2);
        assert!(
            deliveries
                .iter()
                .all(|d| d.status == Some(200) && d.attempts == 1)
        );
    }
}

#[test]
fn each_run_of_a_workflow_with_a_callback_reports_its_end() {
    let (listener, rx) = listener("/wf");
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    emulator.set_workflow_callback(WORKFLOW, format!("http://{}/wf", listener.addr()), true);
    emulator.put_objects(["in/a.mp4", "in/b.mp4"], emulator.now());
    let client = emulator.client_builder().build().unwrap();
    let job = BatchJob::workflow("runs", WORKFLOW, Input::prefix("in/"));
    let batch = client.create(&job).unwrap().job;
    emulator.advance(Duration::from_secs(10));
    let mut runs = BTreeMap::new();
    for _ in 0..2 {
        let Notification::WorkflowRun { event, execution } = next(&rx) else {
            panic!()
        };
        assert_eq!(event, "WorkflowFinish");
        assert_eq!(execution.state, JobState::Success);
        assert_eq!(execution.tasks.len(), 1);
        runs.insert(execution.object.clone().unwrap(), execution.run_id.clone());
    }
    let described = client.describe(&batch.job_id).unwrap().job;
    let listed: BTreeMap<String, String> = client
        .outcomes(&described, &Default::default())
        .unwrap()
        .map(|o| o.unwrap())
        .map(|o| (o.object, o.run_id.unwrap()))
        .collect();
    assert_eq!(runs, listed);
}

#[test]
fn a_delivery_is_tried_again_until_the_receiver_takes_it_and_at_most_three_times() {
    let flaky = RawServer::start(|n, _| response(if n < 2 { 500 } else { 200 }, ""));
    let down = RawServer::start(|_, _| response(503, ""));
    let emulator = Emulator::start().unwrap();
    emulator.put_objects(["in/a.mp4"], emulator.now());
    let client = emulator.client_builder().build().unwrap();
    client
        .create(&media_batch(&format!("{}/cb", flaky.endpoint()), None))
        .unwrap();
    let mut second = media_batch(&format!("{}/cb", down.endpoint()), None);
    second.name = "second".into();
    client.create(&second).unwrap();
    emulator.advance(Duration::from_secs(10));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while emulator.callback_deliveries().len() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let deliveries = emulator.callback_deliveries();
    let mut statuses: Vec<(Option<u16>, u32)> =
        deliveries.iter().map(|d| (d.status, d.attempts)).collect();
    statuses.sort();
    assert_eq!(statuses, [(Some(200), 3), (Some(503), 3)]);
    assert_eq!((flaky.requests(), down.requests()), (3, 3));
}

#[test]
fn the_listener_refuses_what_is_not_a_notification_to_its_path() {
    let (listener, rx) = listener("/cb/secret");
    let base = format!("http://{}", listener.addr());
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    // The status, or 0 when the listener closed the connection before the body was sent.
    let status = |method: &str, path: &str, body: &[u8]| -> u16 {
        let url = format!("{base}{path}");
        let answer = match method {
            "POST" => agent.post(&url).send(body),
            _ => agent.get(&url).call(),
        };
        answer.map_or(0, |a| a.status().as_u16())
    };
    assert_eq!(status("POST", "/cb/secreT", b"<Response/>"), 404);
    assert_eq!(status("POST", "/cb", b"<Response/>"), 404);
    assert_eq!(status("GET", "/cb/secret", b""), 405);
    assert_eq!(status("POST", "/cb/secret", b"not a notification"), 400);
    assert!(matches!(
        rx.recv().unwrap(),
        Err(NotificationError::UnknownFormat)
    ));
    // A body beyond the listener's 1 MiB is refused before it is read.
    assert!(matches!(
        status("POST", "/cb/secret", &vec![b'<'; 2 << 20]),
        413 | 0
    ));
    assert_eq!(
        status("POST", "/cb/secret?x=1", b"<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>j</JobId></JobsDetail></Response>"),
        200
    );
}

#[test]
fn the_emulator_sends_to_loopback_receivers_only() {
    let emulator = Emulator::start().unwrap();
    emulator.put_objects(["in/a.mp4"], emulator.now());
    let client = emulator.client_builder().build().unwrap();
    client
        .create(&media_batch("http://192.0.2.1/cb", None))
        .unwrap();
    emulator.advance(Duration::from_secs(10));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while emulator.callback_deliveries().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let deliveries = emulator.callback_deliveries();
    assert_eq!(deliveries.len(), 1);
    assert_eq!((deliveries[0].status, deliveries[0].attempts), (None, 0));
}

#[test]
fn a_receiver_that_hangs_holds_up_only_its_own_notifications() {
    let hanging =
        RawServer::start(|_, _| crate::common::raw_server::Reply::Silence(Duration::from_secs(30)));
    let (listener, rx) = listener("/ok");
    let emulator = Emulator::start().unwrap();
    emulator.put_objects(["in/a.mp4", "in/b.mp4", "in/c.mp4"], emulator.now());
    let client = emulator.client_builder().build().unwrap();
    client
        .create(&media_batch(&format!("{}/cb", hanging.endpoint()), None))
        .unwrap();
    emulator.advance(Duration::from_secs(10));
    // The hanging receiver's three notifications are being tried; another job's go through.
    std::thread::sleep(Duration::from_millis(300));
    let mut other = media_batch(&format!("http://{}/ok", listener.addr()), None);
    other.name = "other".into();
    client.create(&other).unwrap();
    emulator.advance(Duration::from_secs(10));
    let started = std::time::Instant::now();
    let seen = media_notifications(&rx, 3);
    assert_eq!(seen.len(), 3);
    // A guard, not a measure: the hanging deliveries would take 3 x 17 s one after another.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn no_notification_is_sent_after_the_emulator_is_dropped() {
    let received = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = received.clone();
    let failing = RawServer::start(move |_, _| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        response(500, "")
    });
    let emulator = Emulator::start().unwrap();
    emulator.put_objects(["in/a.mp4"], emulator.now());
    let client = emulator.client_builder().build().unwrap();
    client
        .create(&media_batch(&format!("{}/cb", failing.endpoint()), None))
        .unwrap();
    emulator.advance(Duration::from_secs(10));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while received.load(std::sync::atomic::Ordering::SeqCst) == 0
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(client);
    drop(emulator);
    let at_drop = received.load(std::sync::atomic::Ordering::SeqCst);
    assert!(at_drop > 0, "a delivery was made before the drop");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        received.load(std::sync::atomic::Ordering::SeqCst),
        at_drop,
        "a retry after the drop"
    );
}
