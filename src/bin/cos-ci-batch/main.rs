//! `cos-ci-batch`: start and follow COS Cloud Infinite batch jobs from a shell.
//!
//! A thin layer over the library: the command line is read into library values (`args`),
//! run on a `Client` (`run`), and printed as tables or JSON from one list of named fields
//! per result (`record`, `output`). `cos-ci-batch --help` documents it.

#![deny(unsafe_code)]

mod args;
mod completions;
mod help;
mod interrupt;
mod json;
mod output;
mod record;
mod run;
mod table;
mod terminal;

use std::io::{self, Write};
use std::process::ExitCode;

use args::{Invocation, Usage};
use cos_ci_batch::Error;
use cos_ci_batch::credentials::{ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_TOKEN};
use cos_ci_batch::error::TransportErrorKind;
use record::About;
use run::{Ending, Failure};
use terminal::{sanitize, tell};

/// The exit statuses, as `--help` documents them.
mod status {
    pub const DONE: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const JOB_FAILED: u8 = 3;
    pub const JOB_CANCELLED: u8 = 4;
    pub const DEADLINE: u8 = 5;
    pub const OBJECTS_FAILED: u8 = 6;
}

fn main() -> ExitCode {
    let env = |name: &str| std::env::var(name).ok();
    terminal::keep_secret(
        [ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_TOKEN]
            .into_iter()
            .filter_map(env),
    );
    let (global, command) = match args::parse(std::env::args_os().skip(1), &env) {
        Ok(Invocation::Run { global, command }) => (global, command),
        Ok(Invocation::Help(topic)) => return print(topic.map_or(help::TOOL, help::of)),
        Ok(Invocation::Version) => {
            return print(concat!("cos-ci-batch ", env!("CARGO_PKG_VERSION"), "\n"));
        }
        Err(e) => return usage_error(&e),
    };
    let json = global.json;
    match run::run(&global, command, io::BufWriter::new(io::stdout().lock())) {
        Ok(Ending::Done) => ExitCode::from(status::DONE),
        Ok(Ending::JobFailed) => ExitCode::from(status::JOB_FAILED),
        Ok(Ending::JobCancelled) => ExitCode::from(status::JOB_CANCELLED),
        Ok(Ending::PartlyFailed) => ExitCode::from(status::ERROR),
        Ok(Ending::ObjectsFailed) => ExitCode::from(status::OBJECTS_FAILED),
        Err(Failure::Usage(e)) => usage_error(&Usage { json, ..e }),
        Err(Failure::Client {
            error,
            job_id,
            client,
        }) => client_error(
            &error,
            &About {
                error: Some(&error),
                job_id: job_id.as_deref(),
                credentials: client.as_ref().and_then(|c| c.credentials.as_ref()),
                host: client.as_ref().map(|c| c.host.as_str()),
            },
            json,
        ),
        Err(Failure::Answer(message)) => {
            report(json, "response", &message, &About::default());
            ExitCode::from(status::ERROR)
        }
        Err(Failure::Output(e)) => {
            let message = format!("cannot write the results: {e}");
            report(json, "output", &message, &About::default());
            ExitCode::from(status::ERROR)
        }
    }
}

/// Prints help or the version; a reader that went away is not an error.
fn print(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => ExitCode::from(status::ERROR),
        _ => ExitCode::from(status::DONE),
    }
}

fn usage_error(e: &Usage) -> ExitCode {
    if e.json {
        report(true, "usage", &e.message, &About::default());
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
        tell(&text);
    }
    ExitCode::from(status::USAGE)
}

fn client_error(e: &Error, about: &About, json: bool) -> ExitCode {
    let message = match e {
        // The library names its own option; here the flags give what is missing.
        Error::OutcomeSourceUnknown {
            batch_job_id,
            missing,
        } => {
            let flag = match *missing {
                "Tag" => "--tag",
                "Type" => "--tag (a media job) or --workflow",
                _ => "--workflow",
            };
            format!(
                "the outcomes of batch job {batch_job_id} cannot be listed: it does not say its {missing}; give it with {flag}"
            )
        }
        Error::Transport(t) => {
            let host = about.host.unwrap_or("the service");
            let hint = match t.kind {
                TransportErrorKind::Dns => format!(
                    "; {host} does not resolve: check --region (such as ap-guangzhou) and \
                     --bucket (BucketName-APPID)"
                ),
                TransportErrorKind::Tls => format!(
                    "; the TLS handshake with {host} failed: if the endpoint speaks plain \
                     HTTP, write it http:// and add --allow-http"
                ),
                TransportErrorKind::Connect => {
                    format!("; nothing accepted a connection at {host}")
                }
                _ => String::new(),
            };
            format!("{e}{hint}")
        }
        other => other.to_string(),
    };
    report(json, record::kind(e), &message, about);
    ExitCode::from(match e {
        Error::WaitDeadline { .. } | Error::ObjectWorkDeadline { .. } => status::DEADLINE,
        _ => status::ERROR,
    })
}

/// Writes an error to stderr: a line for people, or `{"error":{...}}` with `--json`. A
/// person is shown where the credentials came from when the error may be theirs.
fn report(json: bool, kind: &str, message: &str, about: &About) {
    let line = if json {
        let mut line = String::new();
        json::write_record(&mut line, &record::error(kind, message, about));
        line
    } else {
        // A message that names the job already needs no prefix naming it.
        let mut line = match about.job_id.filter(|id| !message.contains(id)) {
            Some(id) => format!("error: batch job {}: {}", sanitize(id), sanitize(message)),
            None => format!("error: {}", sanitize(message)),
        };
        if let Some(source) = about
            .credentials
            .filter(|_| about.error.is_some_and(record::about_credentials))
        {
            line.push_str(&format!(
                "\n  credentials: from {}",
                sanitize(&source.to_string())
            ));
        }
        line
    };
    tell(&format!("{line}\n"));
}
