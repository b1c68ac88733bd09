//! What each flag puts in the request, read from what the emulator received.

use std::process::Stdio;
use std::time::Duration;

use cos_ci_batch::emulator::{Emulator, Fault, Route};

use crate::common::{WORKFLOW, against, bare, cli, first_line, run, still_emulator};

/// The query of the last request the emulator received on `path`.
fn last_query(emulator: &Emulator, path: &str) -> Vec<(String, String)> {
    let request = emulator
        .received()
        .into_iter()
        .rev()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("no request to {path}"));
    request.query
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn list_filters_are_sent_as_the_services_parameters() {
    let emulator = still_emulator(&[]);
    let run = cli(
        &emulator,
        &[
            "list",
            "--type",
            "JOB",
            "--state",
            "failed,Cancel",
            "--state",
            "running",
            "--name",
            "nightly",
            "--created-after",
            "2026-01-01T00:00:00+08:00",
            "--created-before",
            "2026-02-01T00:00:00Z",
        ],
    );
    assert_eq!((run.status, run.stdout.as_str()), (0, ""), "{run:?}");
    assert_eq!(
        last_query(&emulator, "/inventorytriggerjob"),
        pairs(&[
            ("type", "Job"),
            ("name", "nightly"),
            ("states", "Failed,Cancel,Running"),
            ("startCreationTime", "2026-01-01T00:00:00+0800"),
            ("endCreationTime", "2026-02-01T00:00:00+0000"),
        ])
    );
}

#[test]
fn outcomes_take_what_the_batch_job_does_not_say_from_the_flags() {
    let emulator = still_emulator(&[]);
    let id = "b0123456789abcdef0123456789abcdef";
    let silent = |job_type: &str| {
        format!(
            "<Response><JobsDetail><JobId>{id}</JobId><Type>{job_type}</Type><State>Success</State></JobsDetail></Response>"
        )
    };
    emulator.inject(Route::Describe, Fault::body(200, silent("Workflow")), 1);
    let runs = cli(&emulator, &["outcomes", id, "--workflow", WORKFLOW]);
    assert_eq!(runs.status, 0, "{runs:?}");
    assert_eq!(
        last_query(&emulator, "/workflowexecution"),
        pairs(&[
            ("workflowId", WORKFLOW),
            ("jobId", id),
            ("orderByTime", "Asc"),
            ("size", "100")
        ])
    );
    emulator.inject(Route::Describe, Fault::body(200, silent("Job")), 1);
    let jobs = cli(
        &emulator,
        &["outcomes", id, "--tag", "snapshot", "--queue-id", "p0123"],
    );
    assert_eq!(jobs.status, 0, "{jobs:?}");
    assert_eq!(
        last_query(&emulator, "/jobs"),
        pairs(&[
            ("tag", "Snapshot"),
            ("queueId", "p0123"),
            ("inventoryTriggerJobId", id),
            ("orderByTime", "Asc"),
            ("size", "100")
        ])
    );
    emulator.inject(Route::Describe, Fault::body(200, silent("Job")), 1);
    let missing = cli(&emulator, &["outcomes", id]);
    assert_eq!(missing.status, 1);
    assert_eq!(
        missing.stderr,
        format!(
            "error: the outcomes of batch job {id} cannot be listed: it does not say its Tag; give it with --tag\n"
        )
    );
}

#[test]
fn flags_win_over_the_environment_and_an_output_defaults_to_them() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let run = run(against(&emulator).args([
        "create",
        "--bucket",
        "flag-1250000000",
        "--region",
        "ap-beijing",
        "--name",
        "o",
        "--tag",
        "Transcode",
        "--template-id",
        "t1",
        "--object",
        "v/a.mp4",
        "--output-object",
        "out.mp4",
    ]));
    assert_eq!(run.status, 0, "{run:?}");
    let body = String::from_utf8(emulator.received().pop().unwrap().body).unwrap();
    assert!(
        body.contains("<Output><Region>ap-beijing</Region><Bucket>flag-1250000000</Bucket><Object>out.mp4</Object></Output>"),
        "{body}"
    );
}

#[test]
fn a_rerun_of_a_running_batch_or_by_triggers_of_media_jobs_is_refused_plainly() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let run = cli(
        &emulator,
        &[
            "create",
            "--name",
            "m",
            "--tag",
            "Snapshot",
            "--template-id",
            "t1",
            "--object",
            "v/a.mp4",
            "-q",
        ],
    );
    let id = run.stdout.trim_end().to_owned();
    emulator.clear_received();
    let rerun = cli(&emulator, &["rerun-failed", &id]);
    assert_eq!(rerun.status, 1);
    assert_eq!(
        rerun.stderr,
        format!("error: batch job {id} is Submitted, not ended: its failures are not known yet\n")
    );
    emulator.advance(Duration::from_secs(10));
    let rerun = cli(&emulator, &["rerun-failed", &id, "--via", "triggers"]);
    assert_eq!(rerun.status, 1);
    assert_eq!(
        rerun.stderr,
        format!(
            "error: batch job {id} ran media jobs (Type=Job); only workflow runs can be triggered again\n"
        )
    );
    assert!(emulator.received().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_listing_that_fails_half_way_prints_what_it_read_then_the_error() {
    let emulator = still_emulator(&[]);
    // A first page that points to a page the emulator does not have.
    let page = "<Response><JobsDetail><JobId>b1</JobId><Name>first</Name><Type>Workflow</Type>\
                <State>Success</State></JobsDetail><NextToken>bogus</NextToken></Response>";
    emulator.inject(Route::List, Fault::body(200, page), 1);
    let run = cli(&emulator, &["list", "--all"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "JOB ID  NAME   TYPE      STATE    CREATION TIME  CODE\nb1      first  Workflow  Success\n"
    );
    assert!(
        run.stderr
            .starts_with("error: service error InvalidArgument (HTTP 400)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_wait_that_fails_after_a_create_names_the_job_it_created() {
    let emulator = crate::common::emulator(&["v/a.mp4"], Duration::from_secs(600));
    let args = [
        "create",
        "--name",
        "slow",
        "--workflow",
        WORKFLOW,
        "--prefix",
        "v/",
        "--wait",
        "--deadline",
        "1s",
    ];
    let json = cli(&emulator, &[&["--json"][..], &args].concat());
    assert_eq!(json.status, 5, "{json:?}");
    let id = emulator.job_ids().pop().unwrap();
    let error: serde_json::Value = serde_json::from_str(json.stderr.trim_end()).unwrap();
    assert_eq!(
        (&error["error"]["kind"], &error["error"]["job_id"]),
        (&"deadline".into(), &id.as_str().into())
    );
    assert_eq!(json.stdout, "");
    let table = cli(&emulator, &args);
    let id = emulator.job_ids().into_iter().find(|j| *j != id).unwrap();
    assert_eq!(
        table.stderr,
        format!(
            "created batch job {id}\nwaiting for batch job {id} to end (Ctrl-C stops waiting, not the job)\n\
             {id}: Running\nerror: batch job {id} was still Running when the wait deadline passed\n"
        )
    );
}

#[test]
fn a_closed_pipe_keeps_the_exit_status_the_job_earned() {
    let emulator = crate::common::emulator(&["v/a.mp4"], Duration::from_millis(100));
    let mut child = against(&emulator)
        .args([
            "create",
            "--name",
            "gone",
            "--workflow",
            "w-unknown",
            "--prefix",
            "v/",
            "--wait",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(
        child.wait().unwrap().code(),
        Some(3),
        "the job failed, whoever reads"
    );
}

#[test]
fn the_emulator_subcommand_serves_what_its_flags_say() {
    let mut server = bare()
        .args([
            "emulator",
            "--json",
            "--workflow",
            WORKFLOW,
            "--object",
            "v/a.mp4",
            "--object",
            "v/b.avi",
        ])
        .args(["--fail", "*.avi"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let served: serde_json::Value = serde_json::from_str(&first_line(&mut server)).unwrap();
    let field = |name: &str| served[name].as_str().unwrap().to_owned();
    let tool = |args: &[&str]| {
        run(bare()
            .args([
                "--endpoint",
                &field("endpoint"),
                "--allow-http",
                "--bucket",
                &field("bucket"),
            ])
            .args(["--region", &field("region")])
            .args(args)
            .env("TENCENTCLOUD_SECRET_ID", field("secret_id"))
            .env("TENCENTCLOUD_SECRET_KEY", field("secret_key")))
    };
    let created = tool(&[
        "create",
        "--name",
        "e",
        "--workflow",
        WORKFLOW,
        "--prefix",
        "v/",
        "-q",
        "--wait",
    ]);
    let outcomes = tool(&["outcomes", created.stdout.trim_end(), "--failed"]);
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(created.status, 0, "{created:?}");
    assert_eq!(
        outcomes.stdout,
        "OBJECT   STATE   CODE             MESSAGE\nv/b.avi  Failed  EmulatedFailure  failed by the emulator's --fail\n1 failed\n  1 EmulatedFailure: e.g. v/b.avi (failed by the emulator's --fail)\n"
    );
}
