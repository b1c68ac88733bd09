//! No secret reaches stdout or stderr: not the key, not the session token, not a password in
//! an endpoint, whatever the command, the format or the failure.

use std::process::Command;
use std::time::Duration;

use cos_ci_batch::emulator::{Fault, Route};

use crate::common::{WORKFLOW, against, bare, run, still_emulator};

const TOKEN: &str = "TOKENsessionTOKEN0123456789";

fn with_token(emulator: &cos_ci_batch::emulator::Emulator) -> Command {
    let mut command = against(emulator);
    command.env("TENCENTCLOUD_SESSION_TOKEN", TOKEN);
    command
}

#[test]
fn no_command_in_any_format_prints_the_key_or_the_session_token() {
    let emulator = still_emulator(&["v/a.mp4", "v/b.avi"]);
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let key = emulator.secret_key().to_owned();
    let create = run(with_token(&emulator).args([
        "create",
        "--name",
        "s",
        "--workflow",
        WORKFLOW,
        "--prefix",
        "v/",
        "-q",
    ]));
    assert_eq!(create.status, 0, "{create:?}");
    let id = create.stdout.trim_end().to_owned();
    emulator.advance(Duration::from_secs(10));
    let mut outputs = vec![create];
    for json in [false, true] {
        let format: &[&str] = if json { &["--json"] } else { &[] };
        for args in [
            &[
                "create",
                "--name",
                "s2",
                "--workflow",
                WORKFLOW,
                "--prefix",
                "v/",
            ][..],
            &["describe", &id],
            &["list", "--all"],
            &["wait", &id, "--deadline", "5s"],
            &["outcomes", &id],
            &["rerun-failed", &id, "--dry-run"],
            &["describe", "b00000000000000000000000000000000"],
            &[
                "create",
                "--name",
                "bad name",
                "--workflow",
                WORKFLOW,
                "--prefix",
                "v/",
            ],
            &["wait"],
            &["--help"],
        ] {
            outputs.push(run(with_token(&emulator).args(format).args(args)));
        }
        emulator.inject(Route::Describe, Fault::status(403, "AccessDenied"), 1);
        outputs.push(run(with_token(&emulator)
            .args(format)
            .args(["describe", &id])));
        // A wrong key: the service refuses the signature, and the key is not echoed.
        outputs.push(run(with_token(&emulator)
            .args(format)
            .args(["list"])
            .env("TENCENTCLOUD_SECRET_KEY", "WRONGkeyWRONG")));
        outputs.push(run(with_token(&emulator)
            .args(format)
            .args(["cancel", &id])));
    }
    let sent = emulator.received();
    assert!(
        sent.iter()
            .any(|r| r.headers.iter().any(|(_, v)| v == TOKEN)),
        "the token was sent, so its absence below means something"
    );
    assert!(
        outputs
            .iter()
            .any(|o| o.stderr.contains("the request signature does not match")),
        "{outputs:#?}"
    );
    assert!(
        outputs.iter().any(|o| o.stderr.contains("AccessDenied")),
        "{outputs:#?}"
    );
    for output in &outputs {
        for secret in [key.as_str(), TOKEN, "WRONGkeyWRONG"] {
            assert!(!output.stdout.contains(secret), "{output:?}");
            assert!(!output.stderr.contains(secret), "{output:?}");
        }
    }
}

#[test]
fn a_password_in_the_endpoint_is_refused_without_being_echoed() {
    for format in [&[][..], &["--json"]] {
        let output = run(bare()
            .args(format)
            .args([
                "list",
                "--endpoint",
                "https://user:PASSWORDsecret@example.com",
                "--bucket",
                "examplebucket-1250000000",
                "--region",
                "ap-guangzhou",
            ])
            .env("TENCENTCLOUD_SECRET_ID", "AKIDexample")
            .env("TENCENTCLOUD_SECRET_KEY", "key"));
        assert_eq!(output.status, 2, "{output:?}");
        assert!(output.stderr.contains("--endpoint: "), "{output:?}");
        assert!(
            !output.stderr.contains("PASSWORDsecret") && !output.stdout.contains("PASSWORDsecret"),
            "{output:?}"
        );
    }
}

#[test]
fn a_secret_the_service_echoes_back_is_redacted_in_every_stream() {
    let emulator = still_emulator(&[]);
    let key = emulator.secret_key().to_owned();
    let id = "b0123456789abcdef0123456789abcdef";
    let echo = format!(
        "<Response><JobsDetail><JobId>{id}</JobId><Name>{key}</Name><State>Failed</State>\
         <Message>token {TOKEN} refused</Message></JobsDetail></Response>"
    );
    for format in [&[][..], &["--json"]] {
        emulator.inject(Route::Describe, Fault::body(200, echo.clone()), 1);
        let described = run(with_token(&emulator).args(format).args(["describe", id]));
        assert_eq!(described.status, 0, "{described:?}");
        assert!(
            described.stdout.contains("[redacted]"),
            "{}",
            described.stdout
        );
        emulator.inject(
            Route::Describe,
            Fault::body(
                403,
                format!(
                    "<Error><Code>Denied</Code><Message>got {TOKEN} and {key}</Message></Error>"
                ),
            ),
            1,
        );
        let refused = run(with_token(&emulator).args(format).args(["describe", id]));
        assert_eq!(refused.status, 1, "{refused:?}");
        assert!(
            refused.stderr.contains("got [redacted] and [redacted]"),
            "{}",
            refused.stderr
        );
        for output in [&described, &refused] {
            for secret in [key.as_str(), TOKEN] {
                assert!(
                    !output.stdout.contains(secret) && !output.stderr.contains(secret),
                    "{output:?}"
                );
            }
        }
    }
}
