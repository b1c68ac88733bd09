//! `cos-ci-batch`: start and follow COS Cloud Infinite batch jobs from a shell.
//!
//! A thin layer over the library: the command line is read into library values (`args`),
//! run on a `Client` (`run`), and printed as tables or JSON from one list of named fields
//! per result (`record`, `output`). `cos-ci-batch --help` documents it.

#![forbid(unsafe_code)]

mod args;
mod help;
mod json;
mod output;
mod record;
mod run;
mod table;

use std::io::{self, Write};
use std::process::ExitCode;

use args::{Command, Usage};
use cos_ci_batch::Error;
use run::{Ending, Failure};

/// The exit statuses, as `--help` documents them.
mod status {
    pub const DONE: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const JOB_FAILED: u8 = 3;
    pub const JOB_CANCELLED: u8 = 4;
    pub const DEADLINE: u8 = 5;
}

fn main() -> ExitCode {
    let env = |name: &str| std::env::var(name).ok();
    let invocation = match args::parse(std::env::args_os().skip(1), &env) {
        Ok(invocation) => invocation,
        Err(e) => return usage_error(&e, wants_json()),
    };
    let json = invocation.global.json;
    let stdout = io::stdout().lock();
    let result = match invocation.command {
        Command::Help(topic) => {
            let text = topic.map_or(help::TOOL, help::of);
            write_all(stdout, text)
        }
        Command::Version => write_all(
            stdout,
            concat!("cos-ci-batch ", env!("CARGO_PKG_VERSION"), "\n"),
        ),
        command => run::run(&invocation.global, command, io::BufWriter::new(stdout)),
    };
    match result {
        Ok(Ending::Done) => ExitCode::from(status::DONE),
        Ok(Ending::JobFailed) => ExitCode::from(status::JOB_FAILED),
        Ok(Ending::JobCancelled) => ExitCode::from(status::JOB_CANCELLED),
        Ok(Ending::PartlyFailed) => ExitCode::from(status::ERROR),
        Err(Failure::Usage(e)) => usage_error(&e, json),
        Err(Failure::Client(e)) => client_error(&e, json),
        // The reader went away (`| head`): what it wanted was written.
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::from(status::DONE)
        }
        Err(Failure::Output(e)) => {
            report(
                json,
                "output",
                &format!("cannot write the results: {e}"),
                None,
            );
            ExitCode::from(status::ERROR)
        }
    }
}

fn write_all(mut out: impl Write, text: &str) -> Result<Ending, Failure> {
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Ending::Done)
}

/// Whether `--json` was asked for, for a command line that could not be read whole.
fn wants_json() -> bool {
    std::env::args_os().skip(1).any(|arg| arg == "--json")
}

fn usage_error(e: &Usage, json: bool) -> ExitCode {
    if json {
        report(true, "usage", &e.message, None);
    } else {
        let mut text = format!("error: {}\n", sanitize(&e.message));
        match e.subcommand {
            Some(subcommand) => text.push_str(&format!(
                "\n{}\nFor more, try 'cos-ci-batch {} --help'.\n",
                help::usage_line(subcommand),
                subcommand.name()
            )),
            None => text.push_str("\nFor more, try 'cos-ci-batch --help'.\n"),
        }
        let _ = io::stderr().write_all(text.as_bytes());
    }
    ExitCode::from(status::USAGE)
}

fn client_error(e: &Error, json: bool) -> ExitCode {
    let (kind, status) = match e {
        Error::WaitDeadline { .. } => ("deadline", status::DEADLINE),
        Error::CreateOutcomeUnknown { .. } => ("create_outcome_unknown", status::ERROR),
        Error::Service(_) => ("service", status::ERROR),
        Error::Transport(_) => ("transport", status::ERROR),
        Error::Response(_) => ("response", status::ERROR),
        Error::JobNotFound { .. } => ("not_found", status::ERROR),
        Error::Credentials(_) => ("credentials", status::ERROR),
        Error::OutcomeSourceUnknown { .. } => ("outcome_source_unknown", status::ERROR),
        _ => ("other", status::ERROR),
    };
    let mut message = e.to_string();
    if let Error::OutcomeSourceUnknown { .. } = e {
        message.push_str(" (give it with --tag, --queue-id or --workflow)");
    }
    report(json, kind, &message, Some(e));
    ExitCode::from(status)
}

/// Writes an error to stderr: a line for people, or `{"error":{...}}` with `--json`.
fn report(json: bool, kind: &str, message: &str, error: Option<&Error>) {
    let line = if json {
        let mut line = String::new();
        json::write_record(&mut line, &record::error(kind, message, error));
        line
    } else {
        format!("error: {}", sanitize(message))
    };
    let _ = writeln!(io::stderr(), "{line}");
}

use table::sanitize;
