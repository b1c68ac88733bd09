//! `--help`, and command lines refused before anything is sent: exit status 2, the flag
//! named, the subcommand's usage shown.

use std::time::Duration;

use crate::common::{WORKFLOW, alone, cli, emulator};

const SUBCOMMANDS: [&str; 8] = [
    "create",
    "describe",
    "cancel",
    "list",
    "wait",
    "outcomes",
    "rerun-failed",
    "emulator",
];

#[test]
fn the_tools_help_lists_every_subcommand_flag_variable_and_exit_status() {
    let run = alone(&["--help"]);
    assert_eq!((run.status, run.stderr.as_str()), (0, ""));
    for subcommand in SUBCOMMANDS {
        assert!(
            run.stdout.contains(&format!("\n  {subcommand} ")),
            "{subcommand}"
        );
    }
    for needed in [
        "--bucket",
        "--region",
        "--endpoint",
        "--allow-http",
        "--json",
        "COS_BUCKET",
        "COS_REGION",
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_SESSION_TOKEN",
        "  0  done",
        "  1  error",
        "  2  usage",
        "  3  the job ended Failed",
        "  4  the job was cancelled",
        "  5  the --deadline passed",
        "Example:",
    ] {
        assert!(run.stdout.contains(needed), "{needed}");
    }
    assert_eq!(alone(&["-h"]).stdout, run.stdout);
}

#[test]
fn every_subcommands_help_has_its_usage_and_an_example_and_help_x_says_the_same() {
    for subcommand in SUBCOMMANDS {
        let run = alone(&[subcommand, "--help"]);
        assert_eq!(run.status, 0, "{subcommand}");
        assert!(
            run.stdout
                .starts_with(&format!("cos-ci-batch {subcommand}: ")),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains(&format!("\nUsage: cos-ci-batch {subcommand}")),
            "{subcommand}"
        );
        assert!(run.stdout.contains("\nExample"), "{subcommand}");
        assert!(
            run.stdout
                .contains(&format!("\n  cos-ci-batch {subcommand} "))
                || run.stdout.contains(&format!(" {subcommand} b0")),
            "{subcommand}: the example runs it"
        );
        assert_eq!(
            alone(&["help", subcommand]).stdout,
            run.stdout,
            "{subcommand}"
        );
        // Flags are read in order: help asked for first wins over a later mistake, and a
        // mistake before it is reported.
        assert_eq!(
            alone(&[subcommand, "--no-such-flag", "-h"]).status,
            2,
            "{subcommand}"
        );
        assert_eq!(
            alone(&[subcommand, "-h", "--no-such-flag"]).stdout,
            run.stdout,
            "{subcommand}"
        );
    }
}

#[test]
fn the_version_is_the_crates_before_or_after_the_subcommand() {
    let expected = format!("cos-ci-batch {}\n", env!("CARGO_PKG_VERSION"));
    for args in [
        &["--version"][..],
        &["-V"],
        &["list", "--version"],
        &["create", "-V"],
    ] {
        let run = alone(args);
        let printed = (run.status, run.stdout.as_str(), run.stderr.as_str());
        assert_eq!(printed, (0, expected.as_str(), ""), "{args:?}");
    }
}

/// The flags a help text names, as `--flag`, each once.
fn flags_in(help: &str) -> Vec<String> {
    let mut flags: Vec<String> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .map(str::to_owned)
        .collect();
    flags.sort();
    flags.dedup();
    flags
}

#[test]
fn every_flag_a_help_names_is_one_its_subcommand_takes() {
    let mut checked = 0;
    for subcommand in SUBCOMMANDS {
        for flag in flags_in(&alone(&[subcommand, "--help"]).stdout) {
            checked += 1;
            // A flag the subcommand does not take is an "invalid option"; any other refusal
            // (a missing value, a missing ID) means the parser knows it.
            let run = alone(&[subcommand, &flag]);
            assert!(
                !run.stderr.contains("invalid option"),
                "{subcommand} {flag}: {}",
                run.stderr
            );
        }
    }
    assert!(checked > 30, "the helps name {checked} flags");
}

/// Command lines that cannot work, and the first line of what the tool says.
const REFUSED: &[(&[&str], &str)] = &[
    (&[], "error: a subcommand is needed"),
    (
        &["launch"],
        "error: unknown subcommand 'launch' (one of: create, describe, cancel, list, wait, outcomes, rerun-failed, emulator, listen, completions)",
    ),
    (
        &["create", "--nme", "x"],
        "error: invalid option '--nme'; did you mean '--name'?",
    ),
    (
        &["create", "--prefix", "v/", "--workflow", WORKFLOW],
        "error: --name is required",
    ),
    (
        &["create", "--name", "n", "--workflow", WORKFLOW],
        "error: an input is required: --prefix, --object, --manifest or --url-file",
    ),
    (
        &["create", "--name", "n", "--prefix", "v/"],
        "error: --workflow ID or --tag TAG is required",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
            "--object",
            "a",
        ],
        "error: --prefix and --object cannot be used together: give one input",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--tag",
            "Snapshot",
            "--prefix",
            "v/",
        ],
        "error: --workflow and --tag cannot be used together",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
            "--template-id",
            "t1",
        ],
        "error: --template-id needs --tag (a media job)",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--object",
            "a",
            "--uploaded-after",
            "2026-01-01T00:00:00Z",
        ],
        "error: --uploaded-after needs --prefix",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
            "--uploaded-after",
            "yesterday",
        ],
        "error: invalid value for --uploaded-after: 'yesterday' is not a time: give 2026-01-31T08:00:00+08:00, a date (2026-01-31, midnight in UTC+8), Unix seconds (1769817600), or a time ago (24h, 7d)",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
            "--uploaded-after",
            "2026-02-01T00:00:00Z",
            "--uploaded-before",
            "2026-01-01T00:00:00Z",
        ],
        "error: invalid value for --uploaded-after/--uploaded-before: the upload-time filter starts after it ends",
    ),
    (
        &[
            "create",
            "--name",
            "night run",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
        ],
        "error: invalid value for --name: the batch job Name holds ' '; only letters, digits, '-' and '_' are allowed",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "",
        ],
        "error: invalid value for --prefix: Prefix is empty",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--name",
            "m",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
        ],
        "error: --name was given twice",
    ),
    (
        &["outcomes", "b1", "--concurrency", "1", "--concurrency", "2"],
        "error: --concurrency was given twice",
    ),
    (
        &[
            "rerun-failed",
            "b1",
            "--via",
            "triggers",
            "--via",
            "batch-job",
        ],
        "error: --via was given twice",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            WORKFLOW,
            "--prefix",
            "v/",
            "--deadline",
            "1h",
        ],
        "error: --deadline needs --wait",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--tag",
            "Snapshot",
            "--prefix",
            "v/",
            "--job-param",
            "/no/such/file.xml",
        ],
        "error: --job-param /no/such/file.xml: No such file or directory (os error 2)",
    ),
    (
        &["create", "--name"],
        "error: missing argument for option '--name'",
    ),
    (&["wait"], "error: the batch job ID is required"),
    (
        &["wait", "b1", "--deadline", "soon"],
        "error: invalid value for --deadline: 'soon' is not a duration such as 90s, 30m, 2h or 1h30m",
    ),
    (
        &["wait", "b1", "--deadline", "0s"],
        "error: invalid value for --deadline: '0s' must be above zero",
    ),
    (
        &["wait", "b1", "--deadline", "0"],
        "error: invalid value for --deadline: '0' must be above zero",
    ),
    (
        &[
            "create",
            "--name",
            "n",
            "--workflow",
            "w1",
            "--prefix",
            "v/",
            "--check-objects",
        ],
        "error: --check-objects needs --wait",
    ),
    (&["wait", "b1", "b2"], "error: unexpected argument \"b2\""),
    (
        &["list", "--state", "Done"],
        "error: invalid value for --state: 'Done' (one of: Submitted, Running, Success, Failed, Pause, Cancel)",
    ),
    (
        &["list", "--type", "batch"],
        "error: invalid value for --type: 'batch' (workflow or job)",
    ),
    (
        &["list", "--all=yes"],
        "error: unexpected argument for option '--all': \"yes\"",
    ),
    (&["list", "--name", ""], "error: --name is empty"),
    (
        &[
            "create",
            "--name",
            "n",
            "--tag",
            "Snap shot",
            "--object",
            "a",
        ],
        "error: invalid value for --tag: 'Snap shot' is not a Tag this tool knows; did you mean Snapshot? (--any-tag sends it as given)",
    ),
    (
        &["emulator", "--bucket", "b-1"],
        "error: --bucket does not apply to the emulator",
    ),
    (
        &["help", "create", "extra"],
        "error: unexpected argument \"extra\"",
    ),
    (
        &["help", "launch"],
        "error: unknown subcommand 'launch' (one of: create, describe, cancel, list, wait, outcomes, rerun-failed, emulator, listen, completions)",
    ),
    (
        &["outcomes", "b1", "--dry-run"],
        "error: invalid option '--dry-run'",
    ),
    (
        &["rerun-failed", "b1", "--failed"],
        "error: invalid option '--failed'",
    ),
    (
        &["emulator", "--port", "70000"],
        "error: invalid value for --port: '70000' is not a port number (0 to 65535)",
    ),
    (
        &["describe", "b1/../../x"],
        "error: invalid ID: job id \"b1/../../x\" holds '/', '?', '#', '%', '\\', whitespace or a control character",
    ),
    (
        &["outcomes", "b1 x"],
        "error: invalid ID: job id \"b1 x\" holds '/', '?', '#', '%', '\\', whitespace or a control character",
    ),
];

#[test]
fn refused_command_lines_exit_2_name_the_flag_and_send_nothing() {
    let emulator = emulator(&[], Duration::from_secs(1));
    for (args, first_line) in REFUSED {
        let run = cli(&emulator, args);
        assert_eq!(run.status, 2, "{args:?}: {run:?}");
        assert_eq!(run.stderr.lines().next(), Some(*first_line), "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn a_usage_error_shows_the_subcommands_usage_line() {
    let run = alone(&["list", "--stat", "Failed"]);
    assert_eq!(
        run.stderr,
        "error: invalid option '--stat'; did you mean '--state'?\n\nUsage: cos-ci-batch list [--type workflow|job] [--state STATE]... [--name NAME] [--created-after TIME] [--created-before TIME] [--limit N]\nFor more, try 'cos-ci-batch list --help'.\n"
    );
}

#[test]
fn global_flags_go_before_or_after_the_subcommand_and_take_name_equals_value() {
    let emulator = emulator(&["v/a.mp4"], Duration::from_millis(10));
    let endpoint = emulator.endpoint();
    let id = crate::common::create(&emulator, "g", "v/");
    let after = crate::common::run(
        crate::common::bare()
            .args([
                "describe",
                &id,
                "--allow-http",
                &format!("--endpoint={endpoint}"),
            ])
            .args([
                "--bucket=examplebucket-1250000000",
                "--region",
                "ap-guangzhou",
                "--json",
            ])
            .env("TENCENTCLOUD_SECRET_ID", emulator.credentials().secret_id())
            .env("TENCENTCLOUD_SECRET_KEY", emulator.secret_key()),
    );
    assert_eq!(after.status, 0, "{after:?}");
    assert_eq!(after.json_lines()[0]["job_id"], id.as_str());
}

#[test]
fn what_the_environment_lacks_is_a_usage_error_naming_the_variable() {
    let no_bucket = alone(&["list"]);
    assert_eq!(
        (no_bucket.status, no_bucket.stderr.lines().next()),
        (2, Some("error: --bucket (or COS_BUCKET) is required"))
    );
    let no_region = alone(&["list", "--bucket", "examplebucket-1250000000"]);
    assert_eq!(
        no_region.stderr.lines().next(),
        Some("error: --region (or COS_REGION) is required")
    );
    let no_appid = alone(&[
        "list",
        "--bucket",
        "examplebucket",
        "--region",
        "ap-guangzhou",
    ]);
    assert_eq!(
        (no_appid.status, no_appid.stderr.lines().next()),
        (
            2,
            Some(
                "error: --bucket: the bucket \"examplebucket\" has no APPID: write it \
                 BucketName-APPID, such as examplebucket-1250000000, as the console shows it"
            )
        )
    );
    let no_key = alone(&[
        "list",
        "--bucket",
        "examplebucket-1250000000",
        "--region",
        "ap-guangzhou",
    ]);
    assert_eq!(
        (no_key.status, no_key.stderr.lines().next()),
        (
            2,
            Some(
                "error: no credentials found; tried the environment: TENCENTCLOUD_SECRET_ID \
                 and TENCENTCLOUD_SECRET_KEY are not set (or empty); the profile file: there is no \
                 file at /etc/tencentcloud/credentials; the instance role: the metadata service at \
                 http://127.0.0.1:1 gave no answer (the connection was refused)"
            )
        )
    );
    // Each endpoint is named for what is wrong with it.
    for (flag, url, error) in [
        (
            "--endpoint",
            "http://127.0.0.1:9",
            "error: --endpoint: an http:// endpoint sends requests in clear text; add --allow-http to use it (loopback and tests only)\n",
        ),
        (
            "--cos-endpoint",
            "http://127.0.0.1:9",
            "error: --cos-endpoint: an http:// endpoint sends requests in clear text; add --allow-http to use it (loopback and tests only)\n",
        ),
        (
            "--cos-endpoint",
            "ftp://127.0.0.1:9",
            "error: --cos-endpoint: bad COS endpoint: the scheme must be https:// or http://\n",
        ),
    ] {
        let refused = crate::common::run(
            crate::common::bare()
                .args(["list", flag, url])
                .args([
                    "--bucket",
                    "examplebucket-1250000000",
                    "--region",
                    "ap-guangzhou",
                ])
                .env("TENCENTCLOUD_SECRET_ID", "AKIDexample")
                .env("TENCENTCLOUD_SECRET_KEY", "key"),
        );
        assert_eq!(refused.status, 2, "{refused:?}");
        assert!(refused.stderr.starts_with(error), "{}", refused.stderr);
    }
}

#[test]
fn a_usage_error_with_json_is_a_json_error_on_stderr() {
    let run = alone(&["--json", "wait"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "{\"error\":{\"kind\":\"usage\",\"message\":\"the batch job ID is required\",\"code\":null,\"http_status\":null,\"request_id\":null,\"attempts\":null,\"job_id\":null,\"credentials\":null}}\n"
    );
}
