//! The tool in pipelines (issue 19): each trap a new user fell into, run the way they ran
//! it, against the emulator.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use cos_ci_batch::emulator::{Fault, Route};

use crate::common::{WORKFLOW, against, cli, create, emulator, still_emulator};

#[test]
fn wait_with_check_objects_waits_for_every_object_and_exits_6_when_one_failed() {
    let emulator = emulator(&["v/a.mp4", "v/b.avi"], Duration::from_millis(300));
    // The batch job says Success while each object's run goes on for 2 s more.
    emulator.set_object_work_lag(Duration::from_secs(2));
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let id = create(&emulator, "checked", "v/");
    let plain = cli(&emulator, &["wait", &id]);
    assert_eq!(
        plain.status, 0,
        "without the flag, the batch job's state alone: {plain:?}"
    );
    let checked = cli(&emulator, &["--json", "wait", &id, "--check-objects"]);
    assert_eq!(checked.status, 6, "{checked:?}");
    let job = &checked.json_lines()[0];
    assert_eq!(job["state"], "Success");
    assert_eq!(
        job["objects"],
        serde_json::json!({"total": 2, "failed": 1, "states": {"Failed": 1, "Success": 1}}),
        "every object's work had ended"
    );
    assert_eq!(checked.stderr, "");

    let clean = crate::common::emulator(&["v/a.mp4"], Duration::from_millis(300));
    clean.set_object_work_lag(Duration::from_secs(1));
    let id = create(&clean, "clean", "v/");
    let run = cli(&clean, &["wait", &id, "--check-objects"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "batch job {id} succeeded; waiting for the work on each object to end\n"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn outcomes_exit_6_when_an_object_failed_with_or_without_failed() {
    let emulator = still_emulator(&["v/a.mp4", "v/b.avi"]);
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let id = create(&emulator, "o", "v/");
    emulator.advance(Duration::from_secs(10));
    for args in [
        &["outcomes", &id][..],
        &["--json", "outcomes", &id, "--failed"],
    ] {
        let run = cli(&emulator, args);
        assert_eq!(run.status, 6, "{args:?}: {run:?}");
    }
    emulator.clear_failures();
    let id = create(&emulator, "o2", "v/");
    emulator.advance(Duration::from_secs(10));
    assert_eq!(cli(&emulator, &["outcomes", &id, "--failed"]).status, 0);
}

#[test]
fn a_long_wait_off_a_terminal_writes_a_line_at_each_progress_interval() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(4500));
    let id = create(&emulator, "long", "v/");
    let run = cli(&emulator, &["wait", &id, "--progress-every", "1s"]);
    assert_eq!(run.status, 0, "{run:?}");
    let still = run
        .stderr
        .lines()
        .filter(|l| l.starts_with(&format!("{id}: still Running after ")))
        .count();
    assert!(still >= 1, "{}", run.stderr);
    assert!(
        run.stderr.ends_with(&format!("{id}: Success\n")),
        "{}",
        run.stderr
    );
}

#[test]
fn ctrl_c_or_sigterm_during_wait_says_the_job_goes_on_how_to_resume_and_exits_128_plus_it() {
    for (signal, status) in [("-INT", 130), ("-TERM", 143)] {
        let emulator = emulator(&["v/a.mp4"], Duration::from_secs(600));
        let id = create(&emulator, "interrupted", "v/");
        let mut child = against(&emulator)
            .args(["wait", &id])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        assert!(first.starts_with("waiting for batch job"), "{first}");
        let mut second = String::new();
        stderr.read_line(&mut second).unwrap();
        assert_eq!(second, format!("{id}: Running\n"));
        let killed = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
        let child_status = child.wait().unwrap();
        assert_eq!(child_status.code(), Some(status), "{signal}: {rest}");
        assert_eq!(
            rest,
            format!(
                "\ninterrupted: batch job {id} keeps running; wait again with `cos-ci-batch wait {id}` \
             or stop it with `cos-ci-batch cancel {id}`\n"
            )
        );
    }
}

#[test]
fn term_dumb_gets_plain_lines_and_no_cursor_redraws() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(1500));
    let id = create(&emulator, "dumb", "v/");
    let run = crate::common::on_terminal(
        &emulator,
        &format!("wait {id} --deadline 20s"),
        Some("dumb"),
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    assert!(
        run.stdout.contains(&format!("{id}: Success\r\n")),
        "{:?}",
        run.stdout
    );
}

#[test]
fn describe_shows_what_a_media_job_does_in_both_formats() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let id = &crate::common::create_with(
        &emulator,
        &[
            "--name",
            "covers",
            "--tag",
            "Snapshot",
            "--template-id",
            "t0123456789abcdef",
            "--object",
            "v/a.mp4",
            "--output-object",
            "covers/a.jpg",
        ],
    );
    let json = cli(&emulator, &["--json", "describe", id]);
    let job = &json.json_lines()[0];
    assert_eq!(job["tag"], "Snapshot");
    assert_eq!(
        job["job_param"],
        serde_json::json!({"TemplateId": "t0123456789abcdef"})
    );
    assert_eq!(
        job["output"],
        serde_json::json!({"Region": "ap-guangzhou", "Bucket": "examplebucket-1250000000", "Object": "covers/a.jpg"})
    );
    assert!(job.get("callback").is_some() && job.get("user_data").is_some());
    let table = cli(&emulator, &["describe", id]);
    for line in [
        "job param TemplateId  t0123456789abcdef",
        "output Object         covers/a.jpg",
    ] {
        assert!(
            table
                .stdout
                .lines()
                .any(|l| l.split_whitespace().eq(line.split_whitespace())),
            "{line:?} in {}",
            table.stdout
        );
    }
}

#[test]
fn a_batch_job_that_covered_no_object_gets_a_warning() {
    let emulator = emulator(&["videos/a.mp4"], Duration::from_millis(200));
    let args = [
        "create",
        "--name",
        "empty",
        "--workflow",
        WORKFLOW,
        "--prefix",
        "vidoes/",
        "--wait",
    ];
    let run = cli(&emulator, &args);
    assert_eq!(run.status, 0, "{run:?}");
    let id = emulator.job_ids().pop().unwrap();
    assert!(
        run.stderr.contains(&format!(
            "warning: batch job {id} covered no object: check its input (a --prefix is a key \
             prefix such as videos/, without a leading / or cos://)\n"
        )),
        "{}",
        run.stderr
    );
    let json = cli(&emulator, &[&["--json"][..], &args].concat());
    let warning: serde_json::Value = serde_json::from_str(json.stderr.trim_end()).unwrap();
    assert_eq!(warning["warning"]["kind"], "no_object");
}

#[test]
fn a_prefix_written_as_a_path_or_a_url_is_refused_with_the_key_to_give() {
    let emulator = still_emulator(&["videos/a.mp4"]);
    let cases = [
        (
            "/videos/",
            "error: invalid value for --prefix: '/videos/' starts with '/', which no key does; did you mean --prefix videos/?",
        ),
        (
            "cos://examplebucket-1250000000/videos/",
            "error: invalid value for --prefix: 'cos://examplebucket-1250000000/videos/' is a URL; give the key within the bucket; did you mean --prefix videos/?",
        ),
        (
            "/",
            "error: invalid value for --prefix: '/' starts with '/', which no key does",
        ),
        (
            "COS://b-1250000000",
            "error: invalid value for --prefix: 'COS://b-1250000000' is a URL; give the key within the bucket",
        ),
    ];
    for (prefix, error) in cases {
        let run = cli(
            &emulator,
            &[
                "create",
                "--name",
                "p",
                "--workflow",
                WORKFLOW,
                "--prefix",
                prefix,
            ],
        );
        assert_eq!((run.status, run.stderr.lines().next()), (2, Some(error)));
    }
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn an_unknown_tag_is_refused_with_a_suggestion_and_any_tag_sends_it() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let args = [
        "create",
        "--name",
        "t",
        "--tag",
        "Snapshots",
        "--object",
        "v/a.mp4",
    ];
    let refused = cli(&emulator, &args);
    assert_eq!(refused.status, 2);
    assert_eq!(
        refused.stderr.lines().next(),
        Some(
            "error: invalid value for --tag: 'Snapshots' is not a Tag this tool knows; did you \
             mean Snapshot? (--any-tag sends it as given)"
        )
    );
    assert_eq!(emulator.received_count(), 0);
    let sent = cli(&emulator, &[&args[..], &["--any-tag", "--quiet"]].concat());
    assert_eq!(sent.status, 0, "{sent:?}");
    let typo = crate::common::alone(&["lsit"]);
    assert_eq!(
        typo.stderr.lines().next(),
        Some(
            "error: unknown subcommand 'lsit' (one of: create, describe, cancel, list, wait, \
             outcomes, rerun-failed, emulator, listen, completions); did you mean 'list'?"
        )
    );
}

#[test]
fn an_https_endpoint_on_a_plain_http_port_fails_at_once_as_tls_with_a_hint() {
    let emulator = still_emulator(&[]);
    let https = emulator.endpoint().replace("http://", "https://");
    let run = crate::common::run(
        crate::common::bare()
            .args(["--json", "list", "--endpoint", &https])
            .env("COS_BUCKET", "examplebucket-1250000000")
            .env("COS_REGION", "ap-guangzhou")
            .env("TENCENTCLOUD_SECRET_ID", "AKIDexample")
            .env("TENCENTCLOUD_SECRET_KEY", "key"),
    );
    assert_eq!(run.status, 1, "{run:?}");
    let error: serde_json::Value = serde_json::from_str(run.stderr.trim_end()).unwrap();
    assert_eq!(error["error"]["kind"], "transport");
    assert_eq!(
        error["error"]["attempts"], 1,
        "a failed handshake is not tried again: {error}"
    );
    let message = error["error"]["message"].as_str().unwrap();
    let host = emulator.endpoint().replace("http://", "");
    assert!(
        message.ends_with(&format!(
            "; the TLS handshake with {host} failed: if the endpoint speaks plain HTTP, write it \
             http:// and add --allow-http"
        )),
        "{message}"
    );
}

#[test]
fn an_error_about_a_named_job_names_it_in_json() {
    let emulator = still_emulator(&[]);
    let run = cli(
        &emulator,
        &["--json", "cancel", "b0000000000000000000000000000000f"],
    );
    assert_eq!(run.status, 1, "{run:?}");
    let error: serde_json::Value = serde_json::from_str(run.stderr.trim_end()).unwrap();
    assert_eq!(
        error["error"]["job_id"],
        "b0000000000000000000000000000000f"
    );
}

#[test]
fn create_dry_run_prints_the_request_and_sends_nothing() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let args = [
        "--json",
        "create",
        "--name",
        "dry",
        "--tag",
        "Transcode",
        "--template-id",
        "t1",
        "--object",
        "v/a.mp4",
        "--queue-id",
        "p1",
        "--job-level",
        "2",
        "--user-data",
        "u",
        "--callback-url",
        "https://example.com/cb",
        "--callback-format",
        "json",
        "--dry-run",
    ];
    let run = cli(&emulator, &args);
    assert_eq!((run.status, run.stderr.as_str()), (0, ""), "{run:?}");
    let request = &run.json_lines()[0];
    assert_eq!(
        (request["method"].as_str(), request["path"].as_str()),
        (Some("POST"), Some("/inventorytriggerjob"))
    );
    let body = request["body"].as_str().unwrap();
    for element in [
        "<Name>dry</Name>",
        "<Tag>Transcode</Tag>",
        "<QueueId>p1</QueueId>",
        "<JobLevel>2</JobLevel>",
        "<UserData>u</UserData>",
        "<CallBackFormat>JSON</CallBackFormat>",
        "<CallBack>https://example.com/cb</CallBack>",
    ] {
        assert!(body.contains(element), "{element} in {body}");
    }
    assert_eq!(emulator.received_count(), 0, "nothing is sent");
    // No credentials are needed to see a request.
    let bare = crate::common::run(crate::common::bare().args(&args[1..]));
    assert_eq!(bare.status, 0, "{bare:?}");
}

#[test]
fn a_job_param_read_from_stdin_is_sent() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let mut child = against(&emulator)
        .args([
            "--json",
            "create",
            "--name",
            "stdin",
            "--tag",
            "Snapshot",
            "--object",
            "v/a.mp4",
            "--job-param",
            "-",
            "--dry-run",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        b"<JobParam><TemplateId>t9</TemplateId></JobParam>",
    )
    .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("<JobParam><TemplateId>t9</TemplateId></JobParam>"),
        "{text}"
    );
}

#[test]
fn no_search_creates_without_listing_first() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let run = cli(
        &emulator,
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
            "--no-search",
            "-q",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let methods: Vec<String> = emulator
        .received()
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(methods, ["POST"], "no listing before the create");
}

#[test]
fn cancelling_a_job_that_has_ended_exits_0_and_says_so() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let id = create(&emulator, "done", "v/");
    emulator.advance(Duration::from_secs(10));
    let run = cli(&emulator, &["--json", "cancel", &id]);
    assert_eq!(run.status, 0, "{run:?}");
    let r = &run.json_lines()[0];
    assert_eq!(
        (r["result"].as_str(), r["state"].as_str()),
        (Some("already ended"), Some("Success"))
    );
    // A cancel refused for another reason is still an error.
    let missing = cli(&emulator, &["cancel", "b0000000000000000000000000000000f"]);
    assert_eq!(missing.status, 1, "{missing:?}");
}

#[test]
fn verbose_writes_a_line_per_request_with_no_secret() {
    let emulator = still_emulator(&[]);
    let token = "TOKENnotPrinted0123";
    let run = crate::common::run(
        against(&emulator)
            .args(["--verbose", "list"])
            .env("TENCENTCLOUD_SESSION_TOKEN", token),
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "GET {}/inventorytriggerjob 200 RU1VLXtest0000000000 ",
            emulator.endpoint()
        )),
        "{}",
        run.stderr
    );
    assert!(lines[0].ends_with(" ms"), "{}", run.stderr);
    assert!(!run.stderr.contains(token) && !run.stderr.contains(emulator.secret_key()));
    let json = cli(&emulator, &["--json", "--verbose", "list"]);
    let line: serde_json::Value =
        serde_json::from_str(json.stderr.lines().next().unwrap()).unwrap();
    assert_eq!(line["request"]["status"], 200);
    assert_eq!(line["request"]["retry"], false);
    assert!(
        line["request"]["request_id"]
            .as_str()
            .unwrap()
            .starts_with("RU1VL")
    );
}

#[test]
fn a_time_beyond_what_rfc_3339_writes_is_shown_as_sent_not_a_panic() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let id = create(&emulator, "odd", "v/");
    let body = format!(
        "<Response><JobsDetail><JobId>{id}</JobId><State>Running</State>\
         <CreationTime>9999-12-31T23:59:59-1200</CreationTime></JobsDetail></Response>"
    );
    emulator.inject(Route::Describe, Fault::body(200, body), 2);
    let json = cli(&emulator, &["--json", "describe", &id]);
    assert_eq!(json.status, 0, "{json:?}");
    assert_eq!(
        json.json_lines()[0]["creation_time"],
        "9999-12-31T23:59:59-1200"
    );
    let table = cli(&emulator, &["describe", &id]);
    assert_eq!(table.status, 0, "{table:?}");
}

#[test]
fn check_objects_keeps_to_the_deadline_and_says_what_had_not_ended() {
    let emulator = emulator(&["v/a.mp4", "v/b.mp4"], Duration::from_millis(200));
    emulator.set_object_work_lag(Duration::from_secs(600));
    let id = create(&emulator, "slow-objects", "v/");
    let run = cli(
        &emulator,
        &["wait", &id, "--check-objects", "--deadline", "3s"],
    );
    assert_eq!(run.status, 5, "{run:?}");
    assert!(
        run.stderr.ends_with(&format!(
            "error: batch job {id} succeeded, but the work on 2 of its objects had not ended \
             when the wait deadline passed\n"
        )),
        "{}",
        run.stderr
    );
    // A batch job that does not say its workflow: --workflow says it.
    let plain = cli(
        &emulator,
        &[
            "wait",
            &id,
            "--check-objects",
            "--deadline",
            "1s",
            "--workflow",
            WORKFLOW,
        ],
    );
    assert_eq!(plain.status, 5, "{plain:?}");
}

#[test]
fn outcomes_exit_6_when_the_reader_leaves_before_the_one_object_that_failed() {
    let mut keys: Vec<String> = (0..2999).map(|i| format!("v/{i:04}.mp4")).collect();
    keys.push("v/2999.avi".to_owned());
    let emulator = still_emulator(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let id = create(&emulator, "many", "v/");
    emulator.advance(Duration::from_secs(10));
    for format in [&[][..], &["--json"]] {
        let mut child = against(&emulator)
            .args(format)
            .args(["outcomes", &id, "--concurrency", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let first = crate::common::first_line(&mut child);
        assert!(
            first.contains("v/0000.mp4") || first.starts_with("OBJECT"),
            "{first}"
        );
        assert_eq!(child.wait().unwrap().code(), Some(6), "{format:?}");
    }
}

#[test]
fn outcomes_keep_exit_6_when_the_reader_leaves_early() {
    let keys: Vec<String> = (0..3000).map(|i| format!("v/{i:04}.avi")).collect();
    let emulator = still_emulator(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let id = create(&emulator, "many", "v/");
    emulator.advance(Duration::from_secs(10));
    let mut child = against(&emulator)
        .args(["outcomes", &id, "--failed"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first = crate::common::first_line(&mut child);
    assert!(first.starts_with("OBJECT"), "{first}");
    assert_eq!(child.wait().unwrap().code(), Some(6));
}

#[test]
fn a_wait_started_with_sigint_ignored_keeps_ignoring_it() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_secs(600));
    let id = create(&emulator, "background", "v/");
    let tool = against(&emulator);
    let script = format!(
        "trap '' INT; exec {} --endpoint {} --allow-http wait {id} --deadline 4s",
        crate::common::BIN,
        emulator.endpoint()
    );
    let mut child = std::process::Command::new("sh")
        .args(["-c", &script])
        .envs(tool.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The interrupt is ignored: the wait runs to its deadline.
    assert_eq!(child.wait().unwrap().code(), Some(5));
}

#[test]
fn did_you_mean_suggests_only_flags_the_subcommand_takes() {
    let run = crate::common::alone(&["list", "--faild"]);
    assert_eq!(
        run.stderr.lines().next(),
        Some("error: invalid option '--faild'")
    );
    let run = crate::common::alone(&["outcomes", "b1", "--faild"]);
    assert_eq!(
        run.stderr.lines().next(),
        Some("error: invalid option '--faild'; did you mean '--failed'?")
    );
}

#[test]
fn listen_prints_a_line_per_object_of_each_notification_the_emulator_sends() {
    let emulator = emulator(&["v/a.mp4", "v/b.avi"], Duration::from_millis(200));
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let mut listener = crate::common::bare()
        .args(["--json", "listen", "--path", "/cb/3f9a"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(listener.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let listening: serde_json::Value = serde_json::from_str(&first).unwrap();
    let url = listening["listening"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/cb/3f9a"),
        "{url}"
    );
    let created = cli(
        &emulator,
        &[
            "create",
            "--name",
            "cb",
            "--tag",
            "Transcode",
            "--template-id",
            "t1",
            "--prefix",
            "v/",
            "--callback-url",
            &url,
            "--callback-format",
            "json",
            "-q",
        ],
    );
    assert_eq!(created.status, 0, "{created:?}");
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        lines.push((
            record["object"].as_str().unwrap().to_owned(),
            record["state"].as_str().unwrap().to_owned(),
            record["code"].to_string(),
            record["event"].as_str().unwrap().to_owned(),
        ));
    }
    lines.sort();
    assert_eq!(
        lines,
        [
            (
                "v/a.mp4".into(),
                "Success".into(),
                "null".into(),
                "TaskFinish".into()
            ),
            (
                "v/b.avi".into(),
                "Failed".into(),
                "\"DecodeError\"".into(),
                "TaskFinish".into()
            ),
        ]
    );
    listener.kill().unwrap();
    let _ = listener.wait();
}

#[test]
fn listen_refuses_flags_of_the_service_and_a_path_that_is_not_one() {
    let run = crate::common::alone(&["listen", "--path", "cb"]);
    assert_eq!(
        (run.status, run.stderr.lines().next()),
        (
            2,
            Some("error: invalid value for --path: 'cb' is not a path such as /cos-callback/3f9a")
        )
    );
    let run = crate::common::alone(&["listen", "--bucket", "b-1250000000"]);
    assert_eq!(
        run.stderr.lines().next(),
        Some("error: --bucket does not apply to listen")
    );
}

#[test]
fn the_emulator_takes_upload_times_failure_codes_and_fixed_credentials_for_scripts() {
    let mut served = crate::common::bare()
        .args([
            "--json",
            "emulator",
            "--workflow",
            WORKFLOW,
            "--object",
            "v/old.mp4@2020-01-01",
            "--object",
            "v/new.mp4@1h",
            "--object",
            "v/bad.avi",
            "--fail",
            "*.avi=UnsupportedFormat:avi is not supported",
            "--secret-id",
            "AKIDscript",
            "--secret-key",
            "script-key",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(served.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let started: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(started["secret_id"], "AKIDscript");
    let endpoint = started["endpoint"].as_str().unwrap().to_owned();
    let tool = || {
        let mut command = crate::common::bare();
        command
            .args(["--endpoint", &endpoint, "--allow-http"])
            .env("COS_BUCKET", "emulator-1250000000")
            .env("COS_REGION", "ap-emulator")
            .env("TENCENTCLOUD_SECRET_ID", "AKIDscript")
            .env("TENCENTCLOUD_SECRET_KEY", "script-key");
        command
    };
    let created = crate::common::run(tool().args([
        "create",
        "--name",
        "recent",
        "--workflow",
        WORKFLOW,
        "--prefix",
        "v/",
        "--uploaded-after",
        "2025-01-01",
        "--wait",
        "--check-objects",
        "--json",
    ]));
    assert_eq!(created.status, 6, "{created:?}");
    let job = &created.json_lines()[0];
    assert_eq!(
        job["objects"]["total"], 2,
        "the object uploaded in 2020 is left out"
    );
    let failed = crate::common::run(tool().args(["--json", "list", "--limit", "1"]));
    let id = failed.json_lines()[0]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let outcomes = crate::common::run(tool().args(["--json", "outcomes", &id, "--failed"]));
    let failure = &outcomes.json_lines()[0];
    assert_eq!(
        (
            failure["object"].as_str(),
            failure["code"].as_str(),
            failure["message"].as_str()
        ),
        (
            Some("v/bad.avi"),
            Some("UnsupportedFormat"),
            Some("avi is not supported")
        )
    );
    served.kill().unwrap();
    let _ = served.wait();
}

#[test]
fn the_bash_completion_completes_subcommands_and_their_own_flags() {
    let script = crate::common::alone(&["completions", "bash"]);
    assert_eq!(script.status, 0, "{script:?}");
    let complete = |words: &str| -> String {
        let program = format!(
            "{}\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _cos_ci_batch; echo \"${{COMPREPLY[*]}}\"",
            script.stdout
        );
        let run = crate::common::run(std::process::Command::new("bash").args(["-c", &program]));
        assert_eq!(run.status, 0, "{run:?}");
        run.stdout.trim_end().to_owned()
    };
    assert_eq!(complete("cos-ci-batch lis"), "list listen");
    assert_eq!(complete("cos-ci-batch list --lim"), "--limit");
    assert_eq!(complete("cos-ci-batch wait b1 --check"), "--check-objects");
    assert_eq!(
        complete("cos-ci-batch describe --lim"),
        "",
        "describe takes no --limit"
    );
    for shell in ["zsh", "fish"] {
        let run = crate::common::alone(&["completions", shell]);
        assert_eq!(run.status, 0);
        assert!(run.stdout.contains("check-objects"), "{shell}");
    }
    assert_eq!(crate::common::alone(&["completions", "tcsh"]).status, 2);
}

#[test]
fn outcomes_in_slices_list_each_object_once_and_one_slice_lists_them_in_order() {
    let keys: Vec<String> = (0..250).map(|i| format!("v/{i:03}.mp4")).collect();
    let emulator = still_emulator(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    let id = create(&emulator, "sliced", "v/");
    emulator.advance(Duration::from_secs(10));
    let objects = |concurrency: &str| -> Vec<String> {
        let run = cli(
            &emulator,
            &["--json", "outcomes", &id, "--concurrency", concurrency],
        );
        assert_eq!(run.status, 0, "{run:?}");
        run.json_lines()
            .iter()
            .map(|l| l["object"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(objects("1"), keys, "one slice: oldest first");
    let mut sliced = objects("8");
    sliced.sort();
    assert_eq!(sliced, keys);
    let refused = cli(&emulator, &["outcomes", &id, "--concurrency", "0"]);
    assert_eq!(
        (refused.status, refused.stderr.lines().next()),
        (
            2,
            Some("error: invalid value for --concurrency: '0' is not a number from 1 to 64")
        )
    );
}

#[test]
fn outcomes_show_progress_on_a_terminal_and_nothing_on_a_pipe() {
    let keys: Vec<String> = (0..300).map(|i| format!("v/{i:03}.mp4")).collect();
    let emulator = still_emulator(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    let id = create(&emulator, "progress", "v/");
    emulator.advance(Duration::from_secs(10));
    let terminal = crate::common::on_terminal(&emulator, &format!("outcomes {id}"), None);
    assert_eq!(terminal.status, 0, "{terminal:?}");
    assert!(
        terminal.stdout.contains(" records read, "),
        "{:?}",
        terminal.stdout
    );
    assert!(
        terminal.stdout.ends_with("\r\x1b[2K"),
        "the line is cleared: {:?}",
        terminal.stdout
    );
    let piped = cli(&emulator, &["outcomes", &id]);
    assert_eq!(piped.stderr, "", "nothing on a pipe");
}
