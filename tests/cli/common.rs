//! Runs the built `cos-ci-batch` binary, against the emulator or alone.

use std::ffi::OsStr;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use cos_ci_batch::Credentials;
use cos_ci_batch::emulator::Emulator;

pub const BIN: &str = env!("CARGO_BIN_EXE_cos-ci-batch");
pub const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            status: output.status.code().expect("the tool exited, not killed"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// The stdout lines, each parsed as JSON.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect()
    }
}

/// Where the tool looks for an instance role in tests: a loopback port nothing serves
/// (port 1, tcpmux, is not served on any machine these tests run on), so that no test
/// depends on the network or on the machine being a CVM instance.
pub const NO_METADATA: &str = "http://127.0.0.1:1";

/// The tool with nothing from this process's environment: no credentials, no bucket, no
/// home directory, and no metadata service.
pub fn bare() -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("COS_CI_BATCH_METADATA_ENDPOINT", NO_METADATA)
        .stdin(Stdio::null());
    command
}

/// The first line a running tool prints, reading no further (the pipe is dropped after).
pub fn first_line(child: &mut std::process::Child) -> String {
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout piped");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    line
}

pub fn run(command: &mut Command) -> Run {
    Run::from(command.output().expect("the tool starts"))
}

/// Runs the tool with `args` and nothing else.
pub fn alone<S: AsRef<OsStr>>(args: &[S]) -> Run {
    run(bare().args(args))
}

/// An emulator running in real time, jobs taking `running` to finish, with the workflow
/// [`WORKFLOW`] and `objects` uploaded now.
pub fn emulator(objects: &[&str], running: Duration) -> Emulator {
    let emulator = Emulator::start().expect("the emulator starts");
    emulator.run_in_real_time();
    emulator.set_job_durations(Duration::ZERO, running);
    emulator.add_workflow(WORKFLOW);
    emulator.put_objects(objects.iter().copied(), emulator.now());
    emulator
}

/// The tool aimed at `emulator` through its flags and environment, signing with
/// `credentials`.
pub fn against_with(emulator: &Emulator, credentials: &Credentials, secret_key: &str) -> Command {
    let mut command = bare();
    command
        .args(["--endpoint", &emulator.endpoint(), "--allow-http"])
        .args(["--cos-endpoint", &emulator.cos_endpoint()])
        .env("COS_BUCKET", "examplebucket-1250000000")
        .env("COS_REGION", "ap-guangzhou")
        .env("TENCENTCLOUD_SECRET_ID", credentials.secret_id())
        .env("TENCENTCLOUD_SECRET_KEY", secret_key);
    command
}

/// The tool aimed at `emulator`, with its credentials.
pub fn against(emulator: &Emulator) -> Command {
    against_with(emulator, &emulator.credentials(), emulator.secret_key())
}

/// Runs the tool against `emulator` with `args`.
pub fn cli(emulator: &Emulator, args: &[&str]) -> Run {
    run(against(emulator).args(args))
}

/// Creates a workflow batch job over `prefix` and returns its id.
pub fn create(emulator: &Emulator, name: &str, prefix: &str) -> String {
    create_with(
        emulator,
        &["--name", name, "--workflow", WORKFLOW, "--prefix", prefix],
    )
}

/// Runs `create` with `args` and `--quiet`, which must succeed, and returns the new id.
pub fn create_with(emulator: &Emulator, args: &[&str]) -> String {
    let run = cli(emulator, &[&["create"], args, &["--quiet"]].concat());
    assert_eq!(run.status, 0, "{run:?}");
    run.stdout.lines().next().unwrap_or_default().to_owned()
}

/// An emulator whose clock stands still until the test moves it, for exact output.
pub fn still_emulator(objects: &[&str]) -> Emulator {
    let emulator = Emulator::start().expect("the emulator starts");
    emulator.add_workflow(WORKFLOW);
    emulator.put_objects(objects.iter().copied(), emulator.now());
    emulator
}

/// The emulator's clock as the service writes times.
pub fn service_time(emulator: &Emulator) -> String {
    cos_ci_batch::model::format_utc(emulator.now()).expect("a representable time")
}

/// The tool run against `emulator` with `args` on a terminal (`script`, util-linux, gives
/// it one), its stdout sent to `/dev/null`: what it printed is what stderr showed on the
/// terminal. `term` sets `TERM`.
pub fn on_terminal(emulator: &Emulator, args: &str, term: Option<&str>) -> Run {
    let command = format!(
        "{BIN} --endpoint {} --allow-http {args} >/dev/null",
        emulator.endpoint()
    );
    let tool = against(emulator);
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .envs(tool.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdin(Stdio::null());
    if let Some(term) = term {
        script.env("TERM", term);
    }
    run(&mut script)
}
