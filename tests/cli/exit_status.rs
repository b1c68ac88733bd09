//! Every documented exit status, from a real run: 0 done, 1 error, 2 usage, 3 job Failed,
//! 4 job cancelled, 5 deadline passed.

use std::time::Duration;

use cos_ci_batch::emulator::{Fault, Route};

use crate::common::{WORKFLOW, cli, create, emulator};

#[test]
fn a_job_that_succeeds_exits_0_and_is_printed() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(100));
    let id = create(&emulator, "ok", "v/");
    let run = cli(&emulator, &["wait", &id, "--deadline", "20s"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.contains("\nstate          Success\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_job_that_fails_exits_3_from_wait_and_from_create_wait() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(100));
    // A workflow the emulator does not know: the batch job ends Failed.
    let args = [
        "create",
        "--name",
        "bad",
        "--workflow",
        "w-unknown",
        "--prefix",
        "v/",
    ];
    let run = cli(
        &emulator,
        &[&args[..], &["--wait", "--deadline", "20s"]].concat(),
    );
    assert_eq!(run.status, 3, "{run:?}");
    assert!(
        run.stdout.contains("\nstate          Failed\n"),
        "{}",
        run.stdout
    );
    let id = emulator.job_ids().pop().unwrap();
    assert!(
        run.stderr.starts_with(&format!(
            "created batch job {id}\nwaiting for batch job {id} to end"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(cli(&emulator, &["wait", &id]).status, 3);
}

#[test]
fn a_cancelled_job_exits_4() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_secs(600));
    let id = create(&emulator, "stopped", "v/");
    let cancelled = cli(&emulator, &["cancel", &id]);
    assert_eq!(cancelled.status, 0, "{cancelled:?}");
    assert!(
        cancelled.stdout.starts_with(&format!(
            "job id      {id}\nresult      cancelled\nrequest id  RU1VL"
        )),
        "{}",
        cancelled.stdout
    );
    let run = cli(&emulator, &["wait", &id, "--deadline", "20s"]);
    assert_eq!(run.status, 4, "{run:?}");
    assert!(
        run.stdout.contains("\nstate          Cancel\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_deadline_that_passes_exits_5_naming_the_last_state() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_secs(600));
    let id = create(&emulator, "slow", "v/");
    let run = cli(&emulator, &["wait", &id, "--deadline", "1s"]);
    assert_eq!(run.status, 5, "{run:?}");
    assert!(
        run.stderr.ends_with(&format!(
            "error: batch job {id} was still Running when the wait deadline passed\n"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    let json = cli(&emulator, &["--json", "wait", &id, "--deadline", "1s"]);
    assert_eq!(json.status, 5);
    let error: serde_json::Value =
        serde_json::from_str(json.stderr.lines().last().unwrap()).unwrap();
    assert_eq!(error["error"]["kind"], "deadline");
}

#[test]
fn a_job_that_does_not_exist_is_an_error_exit_1() {
    let emulator = emulator(&[], Duration::from_secs(1));
    let run = cli(
        &emulator,
        &["describe", "b0000000000000000000000000000000f"],
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: batch job b0000000000000000000000000000000f does not exist\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn a_service_error_exits_1_with_its_code_and_request_id() {
    let emulator = emulator(&[], Duration::from_secs(1));
    emulator.inject(Route::List, Fault::status(403, "AccessDenied"), 1);
    let run = cli(&emulator, &["list"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: service error AccessDenied (HTTP 403)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[request id "), "{}", run.stderr);

    emulator.inject(Route::List, Fault::status(403, "AccessDenied"), 1);
    let json = cli(&emulator, &["list", "--json"]);
    assert_eq!(json.status, 1);
    let error: serde_json::Value = serde_json::from_str(json.stderr.trim_end()).unwrap();
    let error = &error["error"];
    assert_eq!(
        (&error["kind"], &error["code"], &error["http_status"]),
        (&"service".into(), &"AccessDenied".into(), &403.into())
    );
    assert!(
        error["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{error}"
    );
    assert_eq!(error["attempts"], 1);
}

#[test]
fn a_rerun_whose_trigger_fails_exits_1_after_reporting_each_object() {
    let emulator = emulator(&["v/a.avi", "v/b.avi"], Duration::from_millis(50));
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let id = create(&emulator, "rerun", "v/");
    assert_eq!(cli(&emulator, &["wait", &id]).status, 0);
    emulator.clear_failures();
    emulator.inject(Route::Trigger, Fault::status(400, "InvalidArgument"), 1);
    // One trigger at a time, in key order, so that the fault meets the first object.
    let run = cli(&emulator, &["rerun-failed", &id, "--concurrency", "1"]);
    assert_eq!(run.status, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["OBJECT", "RESULT", "RUN", "ID", "ERROR"]
    );
    // Triggered objects first, then the failed ones, each once.
    assert!(
        lines[1].starts_with("v/b.avi  triggered  i"),
        "{}",
        run.stdout
    );
    let failed = format!(
        "v/a.avi  failed     {:33}  service error InvalidArgument (HTTP 400): injected fault [request id RU1VL",
        ""
    );
    assert!(lines[2].starts_with(&failed), "{}", run.stdout);
    assert_eq!(
        lines[3],
        format!(
            "2 failed objects, by triggers: 1 triggered, 0 skipped (a newer run exists), 1 failed (workflow {WORKFLOW})"
        )
    );
}
