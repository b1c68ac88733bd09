//! Each subcommand, on the library's client.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use cos_ci_batch::credentials::{ChainError, CredentialChain, CredentialSource, SourceKind};
use cos_ci_batch::emulator::{Emulator, NotificationListener};
use cos_ci_batch::error::ConfigError;
use cos_ci_batch::model::BatchJob;
use cos_ci_batch::model::{JobDetail, JobState};
use cos_ci_batch::ops::DescribeJob;
use cos_ci_batch::ops::{Action, CreateJob};
use cos_ci_batch::{
    Client, ClientBuilder, Error, OutcomeOptions, OutcomeSummary, RerunJobStatus, RerunMethod,
    RerunOptions,
};

use crate::args::{Command, ENV_BUCKET, ENV_REGION, Global, Usage, WaitPlan, usage};
use crate::interrupt;
use crate::output::Printer;
use crate::record::{self, Record};
use crate::terminal;
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
    /// 6: the batch job succeeded, but the work on some of its objects failed.
    ObjectsFailed,
}

/// Why a command did not run to its end.
pub enum Failure {
    /// Refused before anything was sent.
    Usage(Usage),
    /// The library's error, the batch job it happened to when one was created first, and
    /// the client it happened on.
    Client {
        error: Box<Error>,
        job_id: Option<String>,
        client: Option<ClientSeen>,
    },
    /// The service answered something the tool cannot go on with.
    Answer(String),
    /// Writing the results failed.
    Output(io::Error),
}

/// What a failure's message may name of the client: where it sent, and where its
/// credentials came from.
#[derive(Clone, Debug, Default)]
pub struct ClientSeen {
    pub host: String,
    pub credentials: Option<CredentialSource>,
}

impl Failure {
    /// The failure, about batch job `id` when it names none.
    pub fn about_job(self, id: &str) -> Failure {
        match self {
            Failure::Client {
                error,
                job_id: None,
                client,
            } => Failure::Client {
                error,
                job_id: Some(id.to_owned()),
                client,
            },
            other => other,
        }
    }
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
            client: None,
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
    let mut seen = None;
    let subject = command.job_id().map(str::to_owned);
    let ran = execute(global, command, &mut printer, &mut seen);
    let flushed = printer.finish();
    let ending = ran.map_err(|failure| match failure {
        Failure::Client { error, job_id, .. } => Failure::Client {
            error,
            job_id: job_id.or(subject),
            client: seen,
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
    seen: &mut Option<ClientSeen>,
) -> Result<Ending, Failure> {
    let mut client = |global: &Global, search: bool| -> Result<Client, Usage> {
        let client = client(global, search)?;
        *seen = Some(ClientSeen {
            host: client.host().to_owned(),
            credentials: client.credentials_source().cloned(),
        });
        Ok(client)
    };
    Ok(match command {
        Command::Emulator {
            port,
            workflows,
            objects,
            failing,
            credentials,
        } => return emulator(port, &workflows, &objects, &failing, credentials, printer),
        Command::Listen { addr, path } => return listen(addr, path, global.json, printer),
        Command::Completions { shell } => {
            printer.raw_text(&crate::completions::script(shell))?;
            return Ok(Ending::Done);
        }
        Command::Create {
            job,
            wait,
            quiet,
            send,
        } => {
            if send.dry_run {
                return dry_run(&job, printer);
            }
            let client = client(global, send.search)?;
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
            let Some(plan) = wait else {
                if !quiet {
                    let mut r = record::job(&created.job);
                    r.optional("request_id", created.request_id);
                    printer.document(&r)?;
                }
                return Ok(Ending::Done);
            };
            printer.flush()?;
            if !global.json && !quiet {
                tell(&format!("created batch job {}\n", sanitize(&id)));
            }
            follow(&client, &id, &plan, global.json, quiet, printer)
                .map_err(|failure| failure.about_job(&id))?
        }
        Command::Describe { job_id } => {
            let described = client(global, true)?.describe(&job_id)?;
            let mut r = record::job(&described.job);
            r.optional("request_id", described.request_id);
            printer.document(&r)?;
            Ending::Done
        }
        Command::Cancel { job_id } => {
            let client = client(global, true)?;
            let mut r = Record::new();
            r.text("job_id", &job_id);
            match client.cancel(&job_id) {
                Ok(cancelled) => {
                    r.text("result", "cancelled");
                    r.optional("state", None::<String>);
                    r.optional("request_id", cancelled.request_id);
                }
                // Refused: a job that has already ended is what the caller wanted, not an
                // error; anything else is.
                Err(refused) => {
                    let ended = match client.describe(&job_id) {
                        Ok(described) if described.job.state.is_final() => described.job.state,
                        _ => return Err(refused.into()),
                    };
                    r.text("result", "already ended");
                    r.text("state", ended.as_str());
                    r.optional("request_id", refused.request_id());
                }
            }
            printer.document(&r)?;
            Ending::Done
        }
        Command::List { query, limit } => {
            let client = client(global, true)?;
            let mut jobs = client.list_all(&query);
            let mut shown = 0u64;
            while limit.is_none_or(|limit| shown < limit) {
                let Some(job) = jobs.next() else { break };
                printer.row(&record::job(&job?), JOB_COLUMNS)?;
                shown += 1;
                if printer.reader_gone() {
                    return Ok(Ending::Done);
                }
            }
            if let Some(limit) = limit {
                match jobs.next() {
                    None => {}
                    Some(Err(e)) => return Err(e.into()),
                    Some(Ok(_)) => {
                        printer.flush()?;
                        let shown = match limit {
                            1 => "only the first job is shown".to_owned(),
                            n => format!("only the first {n} jobs are shown"),
                        };
                        warn(
                            global.json,
                            "truncated",
                            &format!("{shown}; more match (raise --limit)"),
                        );
                    }
                }
            }
            Ending::Done
        }
        Command::Wait { job_id, plan } => follow(
            &client(global, true)?,
            &job_id,
            &plan,
            global.json,
            false,
            printer,
        )?,
        Command::Outcomes {
            job_id,
            options,
            summary_only,
        } => {
            let client = client(global, true)?;
            let batch = client.describe(&job_id)?.job;
            let mut summary = OutcomeSummary::new(&batch.job_id, 0);
            let mut progress = Progress::on_terminal(!global.json);
            for outcome in client.outcomes(&batch, &options)? {
                let outcome = outcome?;
                if !summary_only && !printer.reader_gone() {
                    printer.row(&record::outcome(&outcome), OUTCOME_COLUMNS)?;
                }
                summary.add(outcome);
                progress.show(summary.total, summary.failed);
                if printer.reader_gone() && summary.failed > 0 {
                    // The reader left (`| head`): reading on only until the status is
                    // certain, so that a pipeline under `pipefail` still fails when an
                    // object it did not read failed.
                    break;
                }
            }
            progress.clear();
            let summary = summary.finish();
            if summary_only {
                printer.document(&record::summary(&summary, true))?;
            } else if !printer.reader_gone() {
                printer.note(&summary_note(&summary, options.failed_only))?;
            }
            if summary.failed > 0 {
                Ending::ObjectsFailed
            } else {
                Ending::Done
            }
        }
        Command::RerunFailed {
            job_id,
            options,
            rerun,
        } => rerun_failed(
            &client(global, true)?,
            &job_id,
            &options,
            &rerun,
            global.json,
            printer,
        )?,
    })
}

/// While `outcomes` reads, a line on a terminal's stderr redrawn twice a second: records
/// read, their rate, and the failed. Nothing of it reaches a pipe or `--json`.
struct Progress {
    started: Instant,
    shown: Option<Instant>,
    on: bool,
}

impl Progress {
    fn on_terminal(human: bool) -> Self {
        Progress {
            started: Instant::now(),
            shown: None,
            on: human && terminal::redraws(),
        }
    }

    fn show(&mut self, read: u64, failed: u64) {
        if !self.on
            || self
                .shown
                .is_some_and(|at| at.elapsed() < Duration::from_millis(500))
        {
            return;
        }
        let rate = read as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        tell(&format!(
            "\r\x1b[2K{read} records read, {rate:.0} a second, {failed} failed"
        ));
        self.shown = Some(Instant::now());
    }

    fn clear(&self) {
        if self.on && self.shown.is_some() {
            tell("\r\x1b[2K");
        }
    }
}

/// The line under an `outcomes` table: the counts, and the most frequent failure codes
/// with an example of each.
fn summary_note(summary: &OutcomeSummary, failed_only: bool) -> String {
    let mut note = if failed_only {
        format!("{} failed", summary.failed)
    } else {
        format!("{} objects, {} failed", summary.total, summary.failed)
    };
    for cause in summary.causes.iter().take(SHOWN_CAUSES) {
        note.push_str(&format!(
            "\n  {} {}: e.g. {}{}",
            cause.count,
            cause.code.as_deref().unwrap_or("(no code)"),
            cause.example_object,
            cause
                .example_message
                .as_deref()
                .map_or_else(String::new, |m| format!(" ({m})"))
        ));
    }
    if summary.causes.len() > SHOWN_CAUSES {
        note.push_str(&format!(
            "\n  ... and {} more codes (outcomes --summary --json lists them)",
            summary.causes.len() - SHOWN_CAUSES
        ));
    }
    note
}

/// How many failure codes the note under a table shows.
const SHOWN_CAUSES: usize = 5;

/// The columns of the tables; each is a field name of the records printed.
const JOB_COLUMNS: &[&str] = &["job_id", "name", "type", "state", "creation_time", "code"];
const OUTCOME_COLUMNS: &[&str] = &["object", "state", "code", "message"];
const RERUN_COLUMNS: &[&str] = &["object", "result", "run_id", "error.message"];
const LISTEN_COLUMNS: &[&str] = &["event", "object", "state", "code", "message"];
/// The rows of `listen` arrive one at a time: room for the usual events, keys and codes.
const LISTEN_WIDTHS: &[usize] = &[14, 24, 7, 16];

/// The client the flags and the environment describe. Without `search` (`--no-search`), a
/// create is neither preceded by a listing nor searched for when its answer is lost (it is
/// then an unknown outcome), so that a principal allowed to create but not to list can
/// create.
fn client(global: &Global, search: bool) -> Result<Client, Usage> {
    builder(global)?
        .reconcile_creates(search)
        .build()
        .map_err(|e| config(&e, global))
}

/// The client's builder, from the flags and the environment.
fn builder(global: &Global) -> Result<ClientBuilder, Usage> {
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
    if let Some(endpoint) = &global.cos_endpoint {
        builder = builder.cos_endpoint(endpoint);
    }
    if global.allow_http {
        builder = builder.allow_http();
    }
    if global.verbose {
        let json = global.json;
        builder = builder.on_exchange(move |exchange| tell(&record::exchange_line(exchange, json)));
    }
    Ok(builder)
}

/// `create --dry-run`: the request that would be sent, and nothing sent.
fn dry_run(job: &BatchJob, printer: &mut Printer<impl Write>) -> Result<Ending, Failure> {
    let action = CreateJob::new(job).map_err(Error::from)?;
    let request = action.request();
    let body = String::from_utf8_lossy(request.body()).into_owned();
    let mut r = Record::new();
    r.text("method", request.method().as_str());
    r.text("path", request.path());
    r.text("body", body);
    printer.document(&r)?;
    Ok(Ending::Done)
}

/// A configuration refused by the library, with the flag or variable to change.
fn config(e: &ConfigError, global: &Global) -> Usage {
    let source = match e {
        ConfigError::BadEndpoint(_) => "--endpoint: ",
        ConfigError::BadCosEndpoint(_) => "--cos-endpoint: ",
        ConfigError::InsecureEndpoint | ConfigError::InsecureCosEndpoint => {
            let flag = match e {
                ConfigError::InsecureCosEndpoint => "--cos-endpoint",
                _ => "--endpoint",
            };
            return usage(format!(
                "{flag}: an http:// endpoint sends requests in clear text; add --allow-http \
                 to use it (loopback and tests only)"
            ));
        }
        ConfigError::BadBucketOrRegion(_) => "--bucket/--region: ",
        ConfigError::BucketWithoutAppId(_) => "--bucket: ",
        ConfigError::NoCredentials(ChainError::Broken { broken, .. })
            if broken.source == SourceKind::ProfileFile && global.profile.is_some() =>
        {
            "--profile: "
        }
        _ => "",
    };
    usage(format!("{source}{e}"))
}

/// Waits for batch job `job_id` to end and, with `--check-objects`, for the work on each of
/// its objects; prints the job (unless `quiet`) and says how it went.
fn follow(
    client: &Client,
    job_id: &str,
    plan: &WaitPlan,
    json: bool,
    quiet: bool,
    printer: &mut Printer<impl Write>,
) -> Result<Ending, Failure> {
    let human = !json;
    interrupt::on_interrupt(interrupted_message(job_id, json));
    if human {
        tell(&format!(
            "waiting for batch job {} to end (Ctrl-C stops waiting, not the job)\n",
            sanitize(job_id)
        ));
    }
    let started = Instant::now();
    let job = wait_for(client, job_id, plan, human)?;
    let mut summary = None;
    if job.state == JobState::Success {
        if plan.check_objects {
            if human {
                tell(&format!(
                    "batch job {} succeeded; waiting for the work on each object to end\n",
                    sanitize(job_id)
                ));
            }
            let left = plan.options.deadline.saturating_sub(started.elapsed());
            let options = plan.options.clone().deadline(left);
            let shown_id = sanitize(job_id);
            let mut last_line = Instant::now();
            let redraw = human && terminal::redraws();
            let found = client.wait_for_objects(&job, &plan.objects, &options, |summary| {
                let ended: u64 = summary
                    .counts
                    .iter()
                    .filter(|(s, _)| s.is_final())
                    .map(|(_, n)| n)
                    .sum();
                let line = format!(
                    "{shown_id}: the work on {ended} of {} objects has ended",
                    summary.total
                );
                if redraw {
                    tell(&format!("\r\x1b[2K{line}"));
                } else if human && last_line.elapsed() >= plan.progress_every {
                    tell(&format!("{line}\n"));
                    last_line = Instant::now();
                }
            });
            if redraw {
                tell("\r\x1b[2K");
            }
            let found = found?;
            if found.total == 0 {
                warn_no_object(job_id, json);
            }
            summary = Some(found);
        } else if covers_no_object(client, &job, &plan.objects) {
            warn_no_object(job_id, json);
        }
    }
    if !quiet {
        let mut r = record::job(&job);
        if let Some(summary) = &summary {
            // Listed without describing failed runs: no codes to group by.
            r.record("objects", record::summary(summary, false));
        }
        printer.document(&r)?;
    }
    Ok(match job.state {
        JobState::Failed => Ending::JobFailed,
        JobState::Cancel => Ending::JobCancelled,
        _ if summary.is_some_and(|s| s.failed > 0) => Ending::ObjectsFailed,
        _ => Ending::Done,
    })
}

/// `1h2m3s`, `4m0s`, `5s`: whole seconds, largest unit first.
fn human_duration(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

/// What Ctrl-C during a wait prints.
fn interrupted_message(job_id: &str, json: bool) -> String {
    let shown = sanitize(job_id);
    let message = format!(
        "interrupted: batch job {shown} keeps running; wait again with `cos-ci-batch wait {shown}` or stop it with `cos-ci-batch cancel {shown}`"
    );
    if json {
        let mut line = String::new();
        let about = record::About {
            job_id: Some(job_id),
            ..record::About::default()
        };
        crate::json::write_record(&mut line, &record::error("interrupted", &message, &about));
        return line + "\n";
    }
    let clear = if terminal::redraws() {
        "\r\x1b[2K"
    } else {
        "\n"
    };
    format!("{clear}{message}\n")
}

/// Whether a batch job that ended `Success` has no object outcome at all: one request for
/// one record. `false` when that cannot be told.
fn covers_no_object(client: &Client, job: &JobDetail, objects: &OutcomeOptions) -> bool {
    match client.outcomes(job, &objects.clone().failure_details(false)) {
        Ok(mut outcomes) => outcomes.next().is_none(),
        Err(_) => false,
    }
}

fn warn_no_object(job_id: &str, json: bool) {
    warn(
        json,
        "no_object",
        &format!(
            "batch job {} covered no object: check its input (a --prefix is a key prefix such as videos/, without a leading / or cos://)",
            sanitize(job_id)
        ),
    );
}

/// A warning on stderr: a line for people, `{"warning":{...}}` with `--json`.
pub fn warn(json: bool, kind: &str, message: &str) {
    if json {
        let mut fields = Record::new();
        fields.text("kind", kind);
        fields.text("message", message);
        let mut r = Record::new();
        r.record("warning", fields);
        let mut line = String::new();
        crate::json::write_record(&mut line, &r);
        tell(&format!("{line}\n"));
    } else {
        tell(&format!("warning: {message}\n"));
    }
}

/// [`Client::wait`], showing the state on stderr: a status line redrawn in place on a
/// terminal; elsewhere, for people, one line per new state and one at least every
/// `--progress-every`.
fn wait_for(
    client: &Client,
    job_id: &str,
    plan: &WaitPlan,
    human: bool,
) -> Result<JobDetail, Error> {
    let redraw = human && terminal::redraws();
    let started = Instant::now();
    let mut last: Option<(JobState, Instant)> = None;
    let shown_id = sanitize(job_id);
    let result = client.wait_with_progress(job_id, &plan.options, |job| {
        let state = sanitize(job.state.as_str());
        if redraw {
            let elapsed = started.elapsed().as_secs();
            tell(&format!("\r\x1b[2K{shown_id}: {state} ({elapsed} s)"));
        } else if human {
            let line = match &last {
                Some((seen, _)) if *seen != job.state => Some(format!("{shown_id}: {state}\n")),
                None => Some(format!("{shown_id}: {state}\n")),
                Some((_, at)) if at.elapsed() >= plan.progress_every => Some(format!(
                    "{shown_id}: still {state} after {}\n",
                    human_duration(started.elapsed())
                )),
                Some(_) => None,
            };
            if let Some(line) = line {
                tell(&line);
                last = Some((job.state.clone(), Instant::now()));
            }
        }
    });
    if redraw {
        tell("\r\x1b[2K");
    }
    result
}

fn rerun_failed(
    client: &Client,
    job_id: &str,
    options: &OutcomeOptions,
    rerun_options: &RerunOptions,
    json: bool,
    printer: &mut Printer<impl Write>,
) -> Result<Ending, Failure> {
    let batch = client.describe(job_id)?.job;
    let rerun = client.rerun_failed(&batch, options, rerun_options)?;
    let ending = if rerun.errors.is_empty() {
        Ending::Done
    } else {
        Ending::PartlyFailed
    };
    if rerun.method == RerunMethod::BatchJob {
        let record = record::rerun_job(&rerun);
        printer.document(&record)?;
        for (object, error) in &rerun.errors {
            warn(json, "left_out", &format!("{}: {error}", sanitize(object)));
        }
        let what = match rerun.batch_job.as_ref().map(|j| (j, &j.status)) {
            Some((_, RerunJobStatus::Found(found))) => format!(
                "batch job {} ({}) already re-runs them: an earlier rerun-failed started it",
                sanitize(&found.job_id),
                sanitize(found.state.as_str())
            ),
            Some((_, RerunJobStatus::Created(created))) => {
                format!("started batch job {}", sanitize(&created.job_id))
            }
            Some((job, _)) => format!(
                "dry run: would upload {} and start a batch job over {} of them",
                sanitize(&job.url_file),
                rerun.planned.len()
            ),
            None => "nothing to run".to_owned(),
        };
        printer.note(&format!(
            "{} failed objects, by one batch job: {what}; {} skipped (a newer run exists), {} left out",
            rerun.objects,
            rerun.skipped.len(),
            rerun.errors.len(),
        ))?;
        return Ok(ending);
    }
    let rows = [(&rerun.triggered, "triggered"), (&rerun.skipped, "skipped")];
    for object in &rerun.planned {
        printer.row(&record::rerun(object, "planned", None, None), RERUN_COLUMNS)?;
    }
    for (list, result) in rows {
        for (object, run_id) in list {
            let row = record::rerun(object, result, Some(run_id), None);
            printer.row(&row, RERUN_COLUMNS)?;
        }
    }
    for (object, error) in &rerun.errors {
        printer.row(
            &record::rerun(object, "failed", None, Some(error)),
            RERUN_COLUMNS,
        )?;
    }
    let sent = if rerun_options.dry_run {
        format!("{} would be triggered", rerun.planned.len())
    } else {
        format!("{} triggered", rerun.triggered.len())
    };
    printer.note(&format!(
        "{} failed objects, by triggers: {sent}, {} skipped (a newer run exists), {} failed (workflow {})",
        rerun.objects,
        rerun.skipped.len(),
        rerun.errors.len(),
        rerun.workflow_id.as_deref().map(sanitize).unwrap_or_default(),
    ))?;
    Ok(ending)
}

fn emulator(
    port: u16,
    workflows: &[String],
    objects: &[(String, time::OffsetDateTime)],
    failing: &[(String, String, String)],
    credentials: Option<(String, String)>,
    printer: &mut Printer<impl Write>,
) -> Result<Ending, Failure> {
    let mut builder = Emulator::builder().port(port);
    if let Some((id, key)) = credentials {
        builder = builder.credentials(id, key);
    }
    let emulator = builder
        .start()
        .map_err(|e| usage(format!("--port {port}: cannot listen: {e}")))?;
    emulator.run_in_real_time();
    for id in workflows {
        emulator.add_workflow(id);
    }
    for (key, uploaded) in objects {
        emulator.put_object(key, *uploaded);
    }
    for (pattern, code, message) in failing {
        emulator.fail_objects(pattern, code, message);
    }
    let credentials = emulator.credentials();
    let mut r = Record::new();
    r.text("endpoint", emulator.endpoint());
    r.text("cos_endpoint", emulator.cos_endpoint());
    r.text("bucket", EMULATOR_BUCKET);
    r.text("region", EMULATOR_REGION);
    r.text("secret_id", credentials.secret_id());
    r.text("secret_key", emulator.secret_key());
    printer.document(&r)?;
    printer.note(&format!(
        "\nIn another shell:\n  export TENCENTCLOUD_SECRET_ID={} TENCENTCLOUD_SECRET_KEY={}\n  \
         cos-ci-batch --endpoint {} --cos-endpoint {} --allow-http --bucket {EMULATOR_BUCKET} --region {EMULATOR_REGION} list\n\
         Serving until stopped (Ctrl-C).",
        credentials.secret_id(),
        emulator.secret_key(),
        emulator.endpoint(),
        emulator.cos_endpoint(),
    ))?;
    printer.flush()?;
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// `listen`: each notification POSTed to the path, one line per object it is about.
fn listen(
    addr: std::net::SocketAddr,
    path: Option<String>,
    json: bool,
    printer: &mut Printer<impl Write>,
) -> Result<Ending, Failure> {
    let path = path.unwrap_or_else(random_path);
    // Bounded: a stdout that stalls holds the senders up (and so their connections, which
    // the listener limits), not memory. Each sender is answered only once its lines are
    // written: a tool killed before that never said 200, and the service sends again.
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    let listener = NotificationListener::start(addr, &path, move |read| {
        let (written, wait) = std::sync::mpsc::sync_channel::<()>(1);
        if tx.send((read, written)).is_ok() {
            let _ = wait.recv_timeout(Duration::from_secs(30));
        }
    })
    .map_err(|e| usage(format!("--address/--port {addr}: cannot listen: {e}")))?;
    let url = format!("http://{}{path}", listener.addr());
    if json {
        let mut r = Record::new();
        r.text("listening", &url);
        printer.document(&r)?;
    } else {
        tell(&format!(
            "listening on {url}\n(give it as --callback-url; each notification is one line per object; Ctrl-C stops)\n"
        ));
    }
    printer.flush()?;
    for (read, written) in rx {
        match read {
            Ok(notification) => {
                let event = notification.event().unwrap_or_default().to_owned();
                for outcome in notification.outcomes() {
                    let mut r = record::outcome(&outcome);
                    r.text("event", &event);
                    printer.row_at_least(&r, LISTEN_COLUMNS, LISTEN_WIDTHS)?;
                }
                if let cos_ci_batch::notify::Notification::Other { .. } = notification {
                    warn(
                        json,
                        "unknown_event",
                        &format!("a notification of event '{event}' was received and not read"),
                    );
                }
            }
            Err(e) => warn(json, "bad_notification", &e.to_string()),
        }
        printer.flush()?;
        if printer.reader_gone() {
            break;
        }
        let _ = written.send(());
    }
    Ok(Ending::Done)
}

/// A path no one can guess: the listener's only defence, as the service signs nothing. From
/// the system's random source where there is one; else from the standard library's hasher,
/// keyed at random per process, over the time and the process id.
fn random_path() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let from_system = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !from_system {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        hasher.write_u32(std::process::id());
        let first = hasher.finish();
        hasher.write_u64(first);
        bytes[..8].copy_from_slice(&first.to_le_bytes());
        bytes[8..].copy_from_slice(&hasher.finish().to_le_bytes());
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("/cos-callback/{hex}")
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
