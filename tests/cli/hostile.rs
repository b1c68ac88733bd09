//! A service that sends what a terminal would act on, a reader that goes away, a terminal
//! that watches: the tool stays readable, quiet and alive.

use std::process::Stdio;
use std::time::Duration;

use cos_ci_batch::emulator::{Fault, Route};

use crate::common::{WORKFLOW, against, cli, create, emulator, first_line, still_emulator};

#[test]
fn control_characters_from_the_service_are_shown_escaped_never_sent_to_the_terminal() {
    let emulator = still_emulator(&["v/\u{9b}2Ja.mp4"]);
    emulator.fail_objects("*", "Bad\u{202e}Code", "line one\rline\u{9b}31m two");
    let id = create(&emulator, "hostile", "v/");
    emulator.advance(Duration::from_secs(10));
    let table = cli(&emulator, &["outcomes", &id]);
    assert_eq!(table.status, 6, "an object failed: {table:?}");
    assert_eq!(
        table.stdout.lines().nth(1),
        Some("v/\\u{9b}2Ja.mp4  Failed  Bad\\u{202e}Code  line one\\u{d}line\\u{9b}31m two")
    );
    let json = cli(&emulator, &["--json", "outcomes", &id]);
    assert!(
        json.stdout.contains(r#""message":"line one\rline"#),
        "{}",
        json.stdout
    );
    assert_eq!(
        json.json_lines()[0]["message"],
        "line one\rline\u{9b}31m two",
        "escaped, not altered"
    );

    // An answer that is all hostile text: a state and an error message.
    let body = format!(
        "<Response><JobsDetail><JobId>{id}</JobId><State>Run&#13;ning\u{9b}2J</State></JobsDetail></Response>"
    );
    emulator.inject(Route::Describe, Fault::body(200, body), 1);
    let described = cli(&emulator, &["describe", &id]);
    assert!(
        described
            .stdout
            .contains("\nstate       Run\\u{d}ning\\u{9b}2J\n"),
        "{}",
        described.stdout
    );
    let error = "<Error><Code>Denied\u{9b}2J</Code><Message>a&#13;b</Message></Error>";
    emulator.inject(Route::Describe, Fault::body(403, error), 1);
    let refused = cli(&emulator, &["describe", &id]);
    assert_eq!(refused.status, 1);
    assert!(
        refused.stderr.starts_with(&format!(
            "error: batch job {id}: service error Denied\\u{{9b}}2J (HTTP 403): a\\u{{d}}b"
        )),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_reader_that_stops_reading_ends_the_tool_quietly() {
    let keys: Vec<String> = (0..3000).map(|i| format!("v/{i:05}.mp4")).collect();
    let emulator = still_emulator(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    let id = create(&emulator, "many", "v/");
    emulator.advance(Duration::from_secs(10));
    for format in [&[][..], &["--json"]] {
        let mut child = against(&emulator)
            .args(format)
            .args(["outcomes", &id])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is dropped after one line, as `| head -1` would.
        let first = first_line(&mut child);
        let output = child.wait_with_output().unwrap();
        assert!(!first.is_empty());
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "",
            "no panic, no noise"
        );
    }
}

#[test]
fn wait_redraws_one_status_line_on_a_terminal_and_writes_plain_lines_elsewhere() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(1500));
    let id = create(&emulator, "watched", "v/");
    let terminal =
        crate::common::on_terminal(&emulator, &format!("wait {id} --deadline 20s"), None);
    assert_eq!(terminal.status, 0, "{terminal:?}");
    let waiting = format!("waiting for batch job {id} to end (Ctrl-C stops waiting, not the job)");
    assert!(
        terminal
            .stdout
            .starts_with(&format!("{waiting}\r\n\r\x1b[2K{id}: ")),
        "{:?}",
        terminal.stdout
    );
    assert!(
        terminal
            .stdout
            .contains(&format!("\r\x1b[2K{id}: Running (")),
        "{:?}",
        terminal.stdout
    );
    assert!(
        terminal.stdout.ends_with("\r\x1b[2K"),
        "the line is cleared at the end: {:?}",
        terminal.stdout
    );

    let plain = cli(&emulator, &["wait", &id]);
    assert_eq!(
        plain.stderr,
        format!("{waiting}\n{id}: Success\n"),
        "one line per state, no escapes"
    );
}

#[test]
fn a_new_job_id_no_request_can_use_is_an_error_shown_escaped() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let now = crate::common::service_time(&emulator);
    let answer = format!(
        "<Response><JobsDetail><JobId>b&#x9b;2J/..</JobId><Name>odd</Name><Type>Workflow</Type>\
         <State>Submitted</State><CreationTime>{now}</CreationTime><Input><Prefix>v/</Prefix></Input>\
         <Operation><WorkflowIds>{WORKFLOW}</WorkflowIds></Operation></JobsDetail></Response>"
    );
    emulator.inject(Route::Create, Fault::body(200, answer), 1);
    let run = cli(
        &emulator,
        &[
            "create",
            "--name",
            "odd",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
            "-q",
            "--wait",
        ],
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: the service named the new batch job with an id no request can use (job id \"b\\u{9b}2J/..\" holds '/', '?', '#', '%', '\\', whitespace or a control character); list jobs by --name to find it\n"
    );
}

#[test]
fn a_stderr_that_cannot_be_written_silences_messages_not_the_command() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(300));
    let id = create(&emulator, "mute", "v/");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let waited = crate::common::run(against(&emulator).args(["wait", &id]).stderr(full()));
    assert_eq!(waited.status, 0, "no panic: {waited:?}");
    assert!(
        waited.stdout.contains("\nstate          Success\n"),
        "{}",
        waited.stdout
    );
    let refused = crate::common::run(against(&emulator).args(["wait"]).stderr(full()));
    assert_eq!(refused.status, 2);
}

#[test]
fn wait_off_a_terminal_writes_a_state_once_however_many_polls_see_it() {
    // Running for 2.5 s: polls at about 0, 1 and 3 s see Running twice, then Success.
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(2500));
    let id = create(&emulator, "polled", "v/");
    let run = cli(&emulator, &["wait", &id, "--deadline", "20s"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "waiting for batch job {id} to end (Ctrl-C stops waiting, not the job)\n\
             {id}: Running\n{id}: Success\n"
        )
    );
    let polls = emulator
        .received()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert!(polls >= 3, "{polls} polls");
}
