//! `rerun-failed` of both kinds: killed half-way (SIGKILL) and run again, each object is run
//! again exactly once; and what a dry run and a batch-job re-run print.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cos_ci_batch::emulator::{Emulator, Fault, Route};
use cos_ci_batch::ops::{ExecutionQuery, ListQuery};

use crate::common::{WORKFLOW, against, cli, create, create_with, emulator};

/// Starts `rerun-failed` with `args`, its output kept.
fn start(emulator: &Emulator, args: &[&str]) -> Child {
    against(emulator)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool starts")
}

/// Waits until the emulator has received `count` requests on `route`.
fn received(emulator: &Emulator, route: Route, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while emulator
        .received()
        .iter()
        .filter(|r| r.route() == Some(route))
        .count()
        < count
    {
        assert!(Instant::now() < deadline, "no {route:?} request came");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn kill(mut child: Child) {
    // `Child::kill` is SIGKILL on Unix: the tool gets no chance to finish anything.
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_rerun_by_triggers_killed_half_way_and_run_again_triggers_each_object_once() {
    let keys: Vec<String> = (0..30).map(|i| format!("v/{i:02}.avi")).collect();
    let emulator = emulator(
        &keys.iter().map(String::as_str).collect::<Vec<_>>(),
        Duration::from_millis(50),
    );
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let id = create(&emulator, "flow", "v/");
    assert_eq!(cli(&emulator, &["wait", &id, "--check-objects"]).status, 6);
    emulator.clear_failures();
    emulator.clear_received();
    emulator.set_latency(Duration::from_millis(40));
    let child = start(&emulator, &["rerun-failed", &id, "--concurrency", "1"]);
    received(&emulator, Route::Trigger, 10);
    kill(child);
    // The last trigger sent may still be on its way through the service (here: in the
    // latency); no client can see a request in flight, so the next run starts after it.
    std::thread::sleep(Duration::from_millis(200));
    emulator.set_latency(Duration::ZERO);

    let run = cli(&emulator, &["--json", "rerun-failed", &id]);
    assert_eq!(run.status, 0, "{run:?}");
    let lines = run.json_lines();
    assert_eq!(lines.len(), 30);
    assert!(lines.iter().all(|l| l["method"] == "triggers"));
    let skipped = lines.iter().filter(|l| l["result"] == "skipped").count();
    let triggered = lines.iter().filter(|l| l["result"] == "triggered").count();
    assert!(skipped >= 10, "{}", run.stdout);
    assert_eq!(skipped + triggered, 30);

    // Each object: its failed run, and exactly one more.
    let client = emulator.client_builder().build().unwrap();
    for key in &keys {
        let runs = client
            .list_workflow_executions(&ExecutionQuery::new(WORKFLOW).object(key.as_str()))
            .unwrap()
            .executions;
        assert_eq!(runs.len(), 2, "{key}: {runs:?}");
    }
    // And a third run changes nothing.
    let run = cli(&emulator, &["--json", "rerun-failed", &id]);
    let lines = run.json_lines();
    assert!(
        lines.iter().all(|l| l["result"] == "skipped"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_rerun_by_batch_job_killed_after_its_upload_or_its_create_and_run_again_starts_one_job() {
    let emulator = emulator(
        &["v/a.avi", "v/b.avi", "v/c.mp4"],
        Duration::from_millis(50),
    );
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let id = create_with(
        &emulator,
        &[
            "--name",
            "covers",
            "--tag",
            "Snapshot",
            "--template-id",
            "t1",
            "--prefix",
            "v/",
            "--wait",
        ],
    );
    assert_eq!(cli(&emulator, &["wait", &id, "--check-objects"]).status, 6);
    emulator.clear_failures();

    // Killed once the upload was processed, its answer held back.
    emulator.inject(Route::PutObject, Fault::delay(Duration::from_secs(30)), 1);
    let child = start(&emulator, &["rerun-failed", &id]);
    received(&emulator, Route::PutObject, 1);
    kill(child);
    assert!(emulator.job_ids().len() == 1, "nothing created yet");

    // Killed once the create was processed, its answer held back.
    emulator.inject(Route::Create, Fault::delay(Duration::from_secs(30)), 1);
    let creates = emulator
        .received()
        .iter()
        .filter(|r| r.route() == Some(Route::Create))
        .count();
    let child = start(&emulator, &["rerun-failed", &id]);
    received(&emulator, Route::Create, creates + 1);
    std::thread::sleep(Duration::from_millis(100));
    kill(child);
    assert_eq!(emulator.job_ids().len(), 2, "the re-run job exists");

    // Run again: the job is found, and nothing more is uploaded or created.
    emulator.clear_received();
    let run = cli(&emulator, &["--json", "rerun-failed", &id]);
    assert_eq!(run.status, 0, "{run:?}");
    let doc = &run.json_lines()[0];
    assert_eq!(doc["method"], "batch-job");
    assert_eq!(doc["result"], "found");
    assert_eq!(doc["objects"], 2);
    let job_id = doc["job_id"].as_str().unwrap();
    assert_eq!(emulator.job_ids().len(), 2);
    assert!(emulator.received().iter().all(|r| r.method == "GET"));
    assert_eq!(
        emulator.covered_objects(job_id).unwrap(),
        ["v/a.avi", "v/b.avi"]
    );
    let client = emulator.client_builder().build().unwrap();
    let named = client
        .list(&ListQuery::new().name(doc["name"].as_str().unwrap()))
        .unwrap()
        .jobs;
    assert_eq!(named.len(), 1);
    // The new job's objects are followed like any other's.
    assert_eq!(
        cli(&emulator, &["wait", job_id, "--check-objects"]).status,
        0
    );
}
