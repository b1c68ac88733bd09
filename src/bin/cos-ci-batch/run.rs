//! Each subcommand, on the library's client.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use cos_ci_batch::credentials::{ChainError, CredentialChain, CredentialSource, SourceKind};
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::error::ConfigError;
use cos_ci_batch::model::{JobDetail, JobState};
use cos_ci_batch::ops::DescribeJob;
use cos_ci_batch::{Client, Error, OutcomeOptions, WaitOptions};

use crate::args::{Command, ENV_BUCKET, ENV_REGION, Global, Usage, usage};
use crate::output::Printer;
use crate::record::{self, Record};
use crate::terminal::{sanitize, tell};

/// How a command that ran ended, as an exit status.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// 0.
    Done,
    /// 3: the job waited for ended Failed.
    JobFailed,
    /// 4: the job waited for was cancelled.
    JobCancelled,
    /// 1: some of the work was done and some failed; each failure was reported.
    PartlyFailed,
}

/// Why a command did not run to its end.
pub enum Failure {
    /// Refused before anything was sent.
    Usage(Usage),
    /// The library's error, the batch job it happened to when one was created first, and
    /// where the credentials came from.
    Client {
        error: Box<Error>,
        job_id: Option<String>,
        credentials: Option<CredentialSource>,
    },
    /// The service answered something the tool cannot go on with.
    Answer(String),
    /// Writing the results failed.
    Output(io::Error),
}

impl From<Usage> for Failure {
    fn from(e: Usage) -> Self {
        Failure::Usage(e)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Client {
            error: Box::new(error),
            job_id: None,
            credentials: None,
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Output(e)
    }
}

/// Runs `command`, printing its results to `out`. What was printed before a failure is
/// flushed, so a listing that fails half-way shows its first half.
pub fn run(global: &Global, command: Command, out: impl Write) -> Result<Ending, Failure> {
    let mut printer = Printer::new(out, global.json);
    let mut source = None;
    let ran = execute(global, command, &mut printer, &mut source);
    let flushed = printer.finish();
    let ending = ran.map_err(|failure| match failure {
        Failure::Client { error, job_id, .. } => Failure::Client {
            error,
            job_id,
            credentials: source,
        },
        other => other,
    })?;
    flushed?;
    Ok(ending)
}

fn execute(
    global: &Global,
    command: Command,
    printer: &mut Printer<impl Write>,
    source: &mut Option<CredentialSource>,
) -> Result<Ending, Failure> {
    let mut client = |global: &Global| -> Result<Client, Usage> {
        let client = client(global)?;
        source.clone_from(&client.credentials_source().cloned());
        Ok(client)
    };
    let human = !global.json;
    Ok(match command {
        Command::Emulator {
            port,
            workflows,
            objects,
            failing,
        } => return emulator(port, &workflows, &objects, &failing, printer),
        Command::Create { job, wait, quiet } => {
            let client = client(global)?;
            let created = client.create(&job)?;
            let id = created.job.job_id.clone();
            if let Err(e) = DescribeJob::new(&id) {
                return Err(Failure::Answer(format!(
                    "the service named the new batch job with an id no request can use ({e}); list jobs by --name to find it"
                )));
            }
            if quiet {
                printer.raw_line(&id)?;
            }
            let Some(options) = wait else {
                if !quiet {
                    let mut r = record::job(&created.job);
                    r.optional("request_id", created.request_id);
                    printer.document(&r)?;
                }
                return Ok(Ending::Done);
            };
            if human && !quiet {
                let shown = sanitize(&id);
                tell(&format!(
                    "created batch job {shown}; waiting for it to end\n"
                ));
            }
            printer.flush()?;
            let job = wait_for(&client, &id, &options, human).map_err(|error| Failure::Client {
                error: Box::new(error),
                job_id: Some(id.clone()),
                credentials: None,
            })?;
            if !quiet {
                printer.document(&record::job(&job))?;
            }
            ending_of(&job)
        }
        Command::Describe { job_id } => {
            let described = client(global)?.describe(&job_id)?;
            let mut r = record::job(&described.job);
            r.optional("request_id", described.request_id);
            printer.document(&r)?;
            Ending::Done
        }
        Command::Cancel { job_id } => {
            let cancelled = client(global)?.cancel(&job_id)?;
            let mut r = Record::new();
            r.text("job_id", job_id);
            r.optional("request_id", cancelled.request_id);
            printer.document(&r)?;
            Ending::Done
        }
        Command::List { query, all } => {
            let client = client(global)?;
            if all {
                for job in client.list_all(&query) {
                    printer.row(&record::job(&job?), JOB_COLUMNS)?;
                    if printer.reader_gone() {
                        break;
                    }
                }
            } else {
                let page = client.list(&query)?;
                for job in &page.jobs {
                    printer.row(&record::job(job), JOB_COLUMNS)?;
                }
                if human && page.next_token.is_some() {
                    printer.flush()?;
                    tell("more jobs are listed on the next pages: add --all\n");
                }
            }
            Ending::Done
        }
        Command::Wait { job_id, options } => {
            let job = wait_for(&client(global)?, &job_id, &options, human)?;
            printer.document(&record::job(&job))?;
            ending_of(&job)
        }
        Command::Outcomes {
            job_id,
            failed_only,
            options,
        } => {
            let client = client(global)?;
            let batch = client.describe(&job_id)?.job;
            let (mut listed, mut failed) = (0u64, 0u64);
            for outcome in client.outcomes(&batch, &options)? {
                let outcome = outcome?;
                listed += 1;
                let is_failed = outcome.state == JobState::Failed;
                failed += u64::from(is_failed);
                if is_failed || !failed_only {
                    printer.row(&record::outcome(&outcome), OUTCOME_COLUMNS)?;
                }
                if printer.reader_gone() {
                    return Ok(Ending::Done);
                }
            }
            printer.note(&format!("{listed} objects, {failed} failed"))?;
            Ending::Done
        }
        Command::RerunFailed {
            job_id,
            dry_run,
            options,
        } => rerun_failed(&client(global)?, &job_id, dry_run, &options, printer)?,
    })
}

/// The columns of the tables; each is a field name of the records printed.
const JOB_COLUMNS: &[&str] = &["job_id", "name", "type", "state", "creation_time", "code"];
const OUTCOME_COLUMNS: &[&str] = &["object", "state", "code", "message"];
const RERUN_COLUMNS: &[&str] = &["object", "result", "run_id", "error.message"];

fn client(global: &Global) -> Result<Client, Usage> {
    let bucket = global
        .bucket
        .clone()
        .ok_or_else(|| usage(format!("--bucket (or {ENV_BUCKET}) is required")))?;
    let region = global
        .region
        .clone()
        .ok_or_else(|| usage(format!("--region (or {ENV_REGION}) is required")))?;
    let mut chain = CredentialChain::new();
    if let Some(profile) = &global.profile {
        chain = chain.profile(profile);
    }
    if let Some(metadata) = &global.metadata_endpoint {
        chain = chain.metadata_endpoint(metadata);
    }
    let mut builder = Client::builder(bucket, region).credential_chain(chain);
    if let Some(endpoint) = &global.endpoint {
        builder = builder.endpoint(endpoint);
    }
    if global.allow_http {
        builder = builder.allow_http();
    }
    builder.build().map_err(|e| config(&e))
}

/// A configuration refused by the library, with the flag or variable to change.
fn config(e: &ConfigError) -> Usage {
    let source = match e {
        ConfigError::BadEndpoint(_) => "--endpoint: ",
        ConfigError::InsecureEndpoint => "--endpoint: an http:// endpoint needs --allow-http; ",
        ConfigError::BadBucketOrRegion(_) => "--bucket/--region: ",
        ConfigError::NoCredentials(ChainError::Broken { broken, .. })
            if broken.source == SourceKind::ProfileFile =>
        {
            "--profile: "
        }
        _ => "",
    };
    usage(format!("{source}{e}"))
}

fn ending_of(job: &JobDetail) -> Ending {
    match job.state {
        JobState::Failed => Ending::JobFailed,
        JobState::Cancel => Ending::JobCancelled,
        _ => Ending::Done,
    }
}

/// [`Client::wait`], showing the state on stderr: a status line redrawn in place on a
/// terminal; one line per new state elsewhere, when the output is for people.
fn wait_for(
    client: &Client,
    job_id: &str,
    options: &WaitOptions,
    human: bool,
) -> Result<JobDetail, Error> {
    let terminal = io::stderr().is_terminal();
    let started = Instant::now();
    let mut last: Option<JobState> = None;
    let result = client.wait_with_progress(job_id, options, |job| {
        let state = sanitize(job.state.as_str());
        if terminal {
            let elapsed = started.elapsed().as_secs();
            tell(&format!("\r\x1b[2K{job_id}: {state} ({elapsed} s)"));
        } else if human && last.as_ref() != Some(&job.state) {
            tell(&format!("{job_id}: {state}\n"));
        }
        last = Some(job.state.clone());
    });
    if terminal {
        tell("\r\x1b[2K");
    }
    result
}

fn rerun_failed(
    client: &Client,
    job_id: &str,
    dry_run: bool,
    options: &OutcomeOptions,
    printer: &mut Printer<impl Write>,
) -> Result<Ending, Failure> {
    let batch = client.describe(job_id)?.job;
    let rerun = client.rerun_failed(&batch, options, dry_run)?;
    for object in &rerun.planned {
        printer.row(&record::rerun(object, "planned", None, None), RERUN_COLUMNS)?;
    }
    for (object, run_id) in &rerun.triggered {
        let row = record::rerun(object, "triggered", Some(run_id), None);
        printer.row(&row, RERUN_COLUMNS)?;
    }
    for (object, error) in &rerun.errors {
        printer.row(
            &record::rerun(object, "failed", None, Some(error)),
            RERUN_COLUMNS,
        )?;
    }
    printer.note(&format!(
        "{} planned, {} triggered, {} failed (workflow {})",
        rerun.planned.len(),
        rerun.triggered.len(),
        rerun.errors.len(),
        rerun.workflow_id
    ))?;
    Ok(if rerun.errors.is_empty() {
        Ending::Done
    } else {
        Ending::PartlyFailed
    })
}

fn emulator(
    port: u16,
    workflows: &[String],
    objects: &[String],
    failing: &[String],
    printer: &mut Printer<impl Write>,
) -> Result<Ending, Failure> {
    let emulator = Emulator::builder()
        .port(port)
        .start()
        .map_err(|e| usage(format!("--port {port}: cannot listen: {e}")))?;
    emulator.run_in_real_time();
    for id in workflows {
        emulator.add_workflow(id);
    }
    let now = emulator.now();
    for key in objects {
        emulator.put_object(key, now);
    }
    for pattern in failing {
        emulator.fail_objects(
            pattern,
            "EmulatedFailure",
            "failed by the emulator's --fail",
        );
    }
    let credentials = emulator.credentials();
    let mut r = Record::new();
    r.text("endpoint", emulator.endpoint());
    r.text("bucket", EMULATOR_BUCKET);
    r.text("region", EMULATOR_REGION);
    r.text("secret_id", credentials.secret_id());
    r.text("secret_key", emulator.secret_key());
    printer.document(&r)?;
    printer.note(&format!(
        "\nIn another shell:\n  export TENCENTCLOUD_SECRET_ID={} TENCENTCLOUD_SECRET_KEY={}\n  \
         cos-ci-batch --endpoint {} --allow-http --bucket {EMULATOR_BUCKET} --region {EMULATOR_REGION} list\n\
         Serving until stopped (Ctrl-C).",
        credentials.secret_id(),
        emulator.secret_key(),
        emulator.endpoint(),
    ))?;
    printer.flush()?;
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// The bucket and region printed for the emulator's users; it serves any.
const EMULATOR_BUCKET: &str = "emulator-1250000000";
const EMULATOR_REGION: &str = "ap-emulator";

#[cfg(test)]
mod tests {
    use super::*;

    fn has_every(record: &Record, columns: &[&str]) {
        for column in columns {
            assert!(crate::output::field(record, column).is_some(), "{column}");
        }
    }

    #[test]
    fn every_column_is_a_field_of_the_records_it_shows() {
        let job: JobDetail = cos_ci_batch::ops::Action::parse(
            &cos_ci_batch::ops::DescribeJob::new("b1").unwrap(),
            &cos_ci_batch::ops::HttpResponse::new(
                200,
                b"<Response><JobsDetail><JobId>b1</JobId></JobsDetail></Response>".to_vec(),
            ),
        )
        .unwrap()
        .job;
        // The outcome columns are checked by the golden tables of tests/cli.
        has_every(&record::job(&job), JOB_COLUMNS);
        let refused = Error::NotAWorkflow {
            batch_job_id: "b1".into(),
        };
        has_every(
            &record::rerun("o", "failed", None, Some(&refused)),
            RERUN_COLUMNS,
        );
    }
}
