//! The command line, read into what to do. Everything that can be refused without asking
//! the service is refused here, with the flag that is wrong.

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use cos_ci_batch::error::InvalidInput;
use cos_ci_batch::model::{
    BatchJob, Element, Input, JobKind, JobParam, MediaJob, Output, Tag, TimeInterval, parse_time,
};
use cos_ci_batch::ops::{DescribeJob, ListQuery, StateFilter, TypeFilter};
use cos_ci_batch::{OutcomeOptions, WaitOptions};
use lexopt::prelude::*;
use time::OffsetDateTime;

/// The environment variable read when `--bucket` is not given.
pub const ENV_BUCKET: &str = "COS_BUCKET";
/// The environment variable read when `--region` is not given.
pub const ENV_REGION: &str = "COS_REGION";
/// Where the tool asks for an instance role's credentials instead of the CVM metadata
/// service: for tests, and for the emulator's.
pub const ENV_METADATA_ENDPOINT: &str = "COS_CI_BATCH_METADATA_ENDPOINT";

/// A parsed command line.
#[allow(
    clippy::large_enum_variant,
    reason = "one per process, never moved around"
)]
pub enum Invocation {
    /// `--help`, for the tool or one subcommand.
    Help(Option<Subcommand>),
    /// `--version`.
    Version,
    /// A subcommand to run.
    Run { global: Global, command: Command },
}

/// The flags every subcommand takes, before or after its name.
#[derive(Default)]
pub struct Global {
    /// `--bucket`, else `COS_BUCKET`.
    pub bucket: Option<String>,
    /// `--region`, else `COS_REGION`.
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub allow_http: bool,
    pub json: bool,
    /// `--profile`: the section of the profile file to sign with.
    pub profile: Option<String>,
    /// `COS_CI_BATCH_METADATA_ENDPOINT`: the instance metadata service, for tests.
    pub metadata_endpoint: Option<String>,
}

/// The subcommands, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subcommand {
    Create,
    Describe,
    Cancel,
    List,
    Wait,
    Outcomes,
    RerunFailed,
    Emulator,
}

impl Subcommand {
    pub const ALL: [Subcommand; 8] = [
        Subcommand::Create,
        Subcommand::Describe,
        Subcommand::Cancel,
        Subcommand::List,
        Subcommand::Wait,
        Subcommand::Outcomes,
        Subcommand::RerunFailed,
        Subcommand::Emulator,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Subcommand::Create => "create",
            Subcommand::Describe => "describe",
            Subcommand::Cancel => "cancel",
            Subcommand::List => "list",
            Subcommand::Wait => "wait",
            Subcommand::Outcomes => "outcomes",
            Subcommand::RerunFailed => "rerun-failed",
            Subcommand::Emulator => "emulator",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Subcommand::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A subcommand to run, with what it needs.
pub enum Command {
    Create {
        job: Box<BatchJob>,
        /// `--wait`, with its deadline.
        wait: Option<WaitOptions>,
        /// `--quiet`: print the job id alone.
        quiet: bool,
    },
    Describe {
        job_id: String,
    },
    Cancel {
        job_id: String,
    },
    List {
        query: ListQuery,
        all: bool,
    },
    Wait {
        job_id: String,
        options: WaitOptions,
    },
    Outcomes {
        job_id: String,
        failed_only: bool,
        options: OutcomeOptions,
    },
    RerunFailed {
        job_id: String,
        dry_run: bool,
        options: OutcomeOptions,
    },
    Emulator {
        port: u16,
        workflows: Vec<String>,
        objects: Vec<String>,
        failing: Vec<String>,
    },
}

/// A command line that cannot be run: exit status 2.
#[derive(Debug)]
pub struct Usage {
    pub message: String,
    /// The subcommand whose usage to show, when one was named.
    pub subcommand: Option<Subcommand>,
    /// Whether `--json` was read before the line was refused.
    pub json: bool,
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<lexopt::Error> for Usage {
    fn from(e: lexopt::Error) -> Self {
        usage(e.to_string())
    }
}

pub fn usage(message: impl Into<String>) -> Usage {
    Usage {
        message: message.into(),
        subcommand: None,
        json: false,
    }
}

/// Reads `args` (without the program name); `env` looks up the environment fallbacks.
pub fn parse(
    args: impl IntoIterator<Item = OsString>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Invocation, Usage> {
    let mut parser = lexopt::Parser::from_args(args);
    let mut global = Global::default();
    let mut subcommand = None;
    let parsed = parse_into(&mut parser, &mut global, &mut subcommand, env);
    let refused = |mut e: Usage, global: &Global| {
        e.subcommand = subcommand;
        e.json = global.json;
        e
    };
    match parsed {
        Ok(Parsed::Run(command)) => {
            global.resolve(env);
            Ok(Invocation::Run { global, command })
        }
        Ok(Parsed::Help) => Ok(Invocation::Help(subcommand)),
        Ok(Parsed::Version) => Ok(Invocation::Version),
        Err(e) => Err(refused(e, &global)),
    }
}

/// The subcommand's name, then its flags; `subcommand` is set as soon as it is known, for
/// the usage line of an error.
fn parse_into(
    parser: &mut lexopt::Parser,
    global: &mut Global,
    subcommand: &mut Option<Subcommand>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Parsed, Usage> {
    let named = loop {
        match parser.next()? {
            None => return Err(usage("a subcommand is needed")),
            Some(Long("help") | Short('h')) => return Ok(Parsed::Help),
            Some(Long("version") | Short('V')) => return Ok(Parsed::Version),
            Some(Value(name)) => {
                let name = name.string()?;
                if name == "help" {
                    return help_topic(parser, subcommand);
                }
                break subcommand_named(&name)?;
            }
            Some(Long(flag)) => {
                let flag = flag.to_owned();
                global.take(&flag, parser)?;
            }
            Some(other) => return Err(other.unexpected().into()),
        }
    };
    *subcommand = Some(named);
    match named {
        Subcommand::Create => create(parser, global, env),
        Subcommand::Describe => job_id_only(parser, global, |job_id| Command::Describe { job_id }),
        Subcommand::Cancel => job_id_only(parser, global, |job_id| Command::Cancel { job_id }),
        Subcommand::List => list(parser, global),
        Subcommand::Wait => wait(parser, global),
        Subcommand::Outcomes | Subcommand::RerunFailed => outcomes(parser, global, named),
        Subcommand::Emulator => emulator(parser, global),
    }
}

/// `help [SUBCOMMAND]`.
fn help_topic(
    parser: &mut lexopt::Parser,
    subcommand: &mut Option<Subcommand>,
) -> Result<Parsed, Usage> {
    if let Some(arg) = parser.next()? {
        let Value(topic) = arg else {
            return Err(arg.unexpected().into());
        };
        *subcommand = Some(subcommand_named(&topic.string()?)?);
    }
    match parser.next()? {
        Some(extra) => Err(extra.unexpected().into()),
        None => Ok(Parsed::Help),
    }
}

fn subcommand_named(name: &str) -> Result<Subcommand, Usage> {
    Subcommand::from_name(name).ok_or_else(|| {
        usage(format!(
            "unknown subcommand '{name}' (one of: {})",
            Subcommand::ALL.map(Subcommand::name).join(", ")
        ))
    })
}

/// A command line's parse: a command, or `--help` / `--version` seen among its flags.
enum Parsed {
    Run(Command),
    Help,
    Version,
}

impl Global {
    /// Takes global flag `--flag` (with its value), or refuses it as unknown here.
    fn take(&mut self, flag: &str, parser: &mut lexopt::Parser) -> Result<(), Usage> {
        match flag {
            "bucket" => set_once(&mut self.bucket, "--bucket", text(parser)?),
            "region" => set_once(&mut self.region, "--region", text(parser)?),
            "endpoint" => set_once(&mut self.endpoint, "--endpoint", text(parser)?),
            "profile" => set_once(
                &mut self.profile,
                "--profile",
                not_empty("--profile", text(parser)?)?,
            ),
            "allow-http" => {
                self.allow_http = true;
                Ok(())
            }
            "json" => {
                self.json = true;
                Ok(())
            }
            other => Err(usage(format!("invalid option '--{other}'"))),
        }
    }

    /// Falls back to the environment for what the flags did not give.
    fn resolve(&mut self, env: &dyn Fn(&str) -> Option<String>) {
        self.bucket = self.bucket.take().or_else(|| env(ENV_BUCKET));
        self.region = self.region.take().or_else(|| env(ENV_REGION));
        self.metadata_endpoint = env(ENV_METADATA_ENDPOINT).filter(|e| !e.is_empty());
    }
}

/// The flags of one subcommand, read one by one; global flags are taken wherever they are.
macro_rules! each_flag {
    ($parser:ident, $global:ident, { $($pattern:pat $(if $guard:expr)? => $body:expr,)* }) => {
        while let Some(arg) = $parser.next()? {
            match arg {
                Long("help") | Short('h') => return Ok(Parsed::Help),
                Long("version") | Short('V') => return Ok(Parsed::Version),
                $($pattern $(if $guard)? => $body,)*
                Long(flag) => {
                    let flag = flag.to_owned();
                    $global.take(&flag, $parser)?;
                }
                other => return Err(other.unexpected().into()),
            }
        }
    };
}

fn create(
    parser: &mut lexopt::Parser,
    global: &mut Global,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Parsed, Usage> {
    let mut name = None;
    let mut workflow = None;
    let mut tag: Option<String> = None;
    let mut template_id = None;
    let mut job_param: Option<String> = None;
    let mut inputs: Vec<(&'static str, String)> = Vec::new();
    let mut uploaded_after = None;
    let mut uploaded_before = None;
    let mut output_bucket = None;
    let mut output_region = None;
    let mut output_object = None;
    let mut wait = false;
    let mut deadline = None;
    let mut quiet = false;
    each_flag!(parser, global, {
        Long("name") => set_once(&mut name, "--name", text(parser)?)?,
        Long("workflow") => set_once(&mut workflow, "--workflow", text(parser)?)?,
        Long("tag") => set_once(&mut tag, "--tag", text(parser)?)?,
        Long("template-id") => set_once(&mut template_id, "--template-id", text(parser)?)?,
        Long("job-param") => set_once(&mut job_param, "--job-param", text(parser)?)?,
        Long("prefix") => inputs.push(("--prefix", text(parser)?)),
        Long("object") => inputs.push(("--object", text(parser)?)),
        Long("manifest") => inputs.push(("--manifest", text(parser)?)),
        Long("url-file") => inputs.push(("--url-file", text(parser)?)),
        Long("uploaded-after") => set_once(&mut uploaded_after, "--uploaded-after", time(parser, "--uploaded-after")?)?,
        Long("uploaded-before") => set_once(&mut uploaded_before, "--uploaded-before", time(parser, "--uploaded-before")?)?,
        Long("output-bucket") => set_once(&mut output_bucket, "--output-bucket", text(parser)?)?,
        Long("output-region") => set_once(&mut output_region, "--output-region", text(parser)?)?,
        Long("output-object") => set_once(&mut output_object, "--output-object", text(parser)?)?,
        Long("wait") => wait = true,
        Long("deadline") => set_once(&mut deadline, "--deadline", duration(parser, "--deadline")?)?,
        Long("quiet") | Short('q') => quiet = true,
    });
    let name = name.ok_or_else(|| usage("--name is required"))?;
    let uploaded = match (uploaded_after, uploaded_before) {
        (None, None) => None,
        (Some(after), Some(before)) => Some(TimeInterval::between(after, before)),
        (Some(after), None) => Some(TimeInterval::since(after)),
        (None, Some(before)) => Some(TimeInterval::until(before)),
    }
    .transpose()
    .map_err(|e| invalid(&e))?;
    let input = match (inputs.as_slice(), uploaded) {
        ([], _) => {
            return Err(usage(
                "an input is required: --prefix, --object, --manifest or --url-file",
            ));
        }
        ([("--prefix", prefix)], None) => Input::prefix(prefix),
        ([("--prefix", prefix)], Some(interval)) => Input::prefix_uploaded(prefix, interval),
        ([_], Some(_)) => {
            let flag = match uploaded_after {
                Some(_) => "--uploaded-after",
                None => "--uploaded-before",
            };
            return Err(usage(format!("{flag} needs --prefix")));
        }
        ([("--object", key)], None) => Input::object(key),
        ([("--manifest", key)], None) => Input::manifest(key),
        ([(_, key)], None) => Input::url_file(key),
        ([(first, _), (second, _), ..], _) => {
            return Err(usage(format!(
                "{first} and {second} cannot be used together: give one input"
            )));
        }
    };
    let media_only = [
        ("--template-id", template_id.is_some()),
        ("--job-param", job_param.is_some()),
        ("--output-bucket", output_bucket.is_some()),
        ("--output-region", output_region.is_some()),
        ("--output-object", output_object.is_some()),
    ];
    let kind = match (workflow, tag) {
        (Some(_), Some(_)) => return Err(usage("--workflow and --tag cannot be used together")),
        (None, None) => return Err(usage("--workflow ID or --tag TAG is required")),
        (Some(id), None) => {
            if let Some((flag, _)) = media_only.iter().find(|(_, given)| *given) {
                return Err(usage(format!("{flag} needs --tag (a media job)")));
            }
            return finish_create(BatchJob::workflow(name, id, input), wait, deadline, quiet);
        }
        (None, Some(tag)) => {
            let tag = tag_named(&tag)?;
            let mut job = MediaJob::new(tag);
            let mut param = match &job_param {
                Some(path) => Some(read_job_param(path)?),
                None => None,
            };
            if let Some(id) = template_id {
                let in_file = |p: &JobParam| p.extra.iter().any(|e| e.name == "TemplateId");
                if param.as_ref().is_some_and(in_file) {
                    return Err(usage(
                        "--template-id and a TemplateId in --job-param cannot be used together",
                    ));
                }
                param = Some(param.unwrap_or_default().template_id(id));
            }
            if let Some(param) = param {
                job = job.job_param(param);
            }
            if output_bucket.is_some() || output_region.is_some() || output_object.is_some() {
                global.resolve(env);
                let bucket = output_bucket
                    .or_else(|| global.bucket.clone())
                    .ok_or_else(|| usage("--output-bucket (or --bucket, or COS_BUCKET) is required for an output"))?;
                let region = output_region
                    .or_else(|| global.region.clone())
                    .ok_or_else(|| usage("--output-region (or --region, or COS_REGION) is required for an output"))?;
                let mut output = Output::new(region, bucket);
                if let Some(object) = output_object {
                    output = output.object(object);
                }
                job = job.output(output);
            }
            JobKind::Job(Box::new(job))
        }
    };
    finish_create(BatchJob::new(name, input, kind), wait, deadline, quiet)
}

/// Checks the whole job as it would be sent, so that nothing the service would be sent can
/// fail to be written.
fn finish_create(
    job: BatchJob,
    wait: bool,
    deadline: Option<Duration>,
    quiet: bool,
) -> Result<Parsed, Usage> {
    job.to_xml().map_err(|e| invalid(&e))?;
    let wait = match (wait, deadline) {
        (false, Some(_)) => return Err(usage("--deadline needs --wait")),
        (false, None) => None,
        (true, deadline) => Some(wait_options(deadline)),
    };
    Ok(Parsed::Run(Command::Create {
        job: Box::new(job),
        wait,
        quiet,
    }))
}

/// The JobParam kept in a file: `<JobParam>…</JobParam>`, whose children are sent as given.
fn read_job_param(path: &str) -> Result<JobParam, Usage> {
    // A JobParam is a few kilobytes; more is not one, and is not read into memory whole.
    const LONGEST: u64 = 1 << 20;
    // Checked before opening: opening a FIFO nobody writes would wait forever.
    let metadata =
        std::fs::metadata(path).map_err(|e| usage(format!("--job-param {path}: {e}")))?;
    if !metadata.is_file() {
        return Err(usage(format!("--job-param {path}: not a regular file")));
    }
    let file = std::fs::File::open(path).map_err(|e| usage(format!("--job-param {path}: {e}")))?;
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(file, LONGEST + 1), &mut xml)
        .map_err(|e| usage(format!("--job-param {path}: {e}")))?;
    if xml.len() as u64 > LONGEST {
        return Err(usage(format!("--job-param {path}: longer than 1 MiB")));
    }
    let root = Element::from_xml(&xml).map_err(|e| usage(format!("--job-param {path}: {e}")))?;
    if root.name != "JobParam" {
        return Err(usage(format!(
            "--job-param {path}: the root element is <{}>, not <JobParam>",
            root.name
        )));
    }
    Ok(root
        .children
        .into_iter()
        .fold(JobParam::new(), JobParam::with_extra))
}

/// `describe ID`, `cancel ID`.
fn job_id_only(
    parser: &mut lexopt::Parser,
    global: &mut Global,
    command: fn(String) -> Command,
) -> Result<Parsed, Usage> {
    let mut job_id = None;
    each_flag!(parser, global, {
        Value(id) if job_id.is_none() => job_id = Some(valid_job_id(id.string()?)?),
    });
    let job_id = job_id.ok_or_else(|| usage("the batch job ID is required"))?;
    Ok(Parsed::Run(command(job_id)))
}

fn list(parser: &mut lexopt::Parser, global: &mut Global) -> Result<Parsed, Usage> {
    let mut query = ListQuery::new();
    let mut job_type = None;
    let mut name = None;
    let mut after = None;
    let mut before = None;
    let mut all = false;
    each_flag!(parser, global, {
        Long("type") => set_once(&mut job_type, "--type", type_filter(&text(parser)?)?)?,
        Long("state") => {
            for state in text(parser)?.split(',') {
                query.filters.states.push(state_filter(state)?);
            }
        },
        Long("name") => set_once(&mut name, "--name", not_empty("--name", text(parser)?)?)?,
        Long("created-after") => set_once(&mut after, "--created-after", time(parser, "--created-after")?)?,
        Long("created-before") => set_once(&mut before, "--created-before", time(parser, "--created-before")?)?,
        Long("all") => all = true,
    });
    if let Some(job_type) = job_type {
        query = query.job_type(job_type);
    }
    if let Some(name) = name {
        query = query.name(name);
    }
    query.filters.created_after = after;
    query.filters.created_before = before;
    Ok(Parsed::Run(Command::List { query, all }))
}

fn wait(parser: &mut lexopt::Parser, global: &mut Global) -> Result<Parsed, Usage> {
    let mut job_id = None;
    let mut deadline = None;
    each_flag!(parser, global, {
        Long("deadline") => set_once(&mut deadline, "--deadline", duration(parser, "--deadline")?)?,
        Value(id) if job_id.is_none() => job_id = Some(valid_job_id(id.string()?)?),
    });
    let job_id = job_id.ok_or_else(|| usage("the batch job ID is required"))?;
    Ok(Parsed::Run(Command::Wait {
        job_id,
        options: wait_options(deadline),
    }))
}

fn outcomes(
    parser: &mut lexopt::Parser,
    global: &mut Global,
    subcommand: Subcommand,
) -> Result<Parsed, Usage> {
    let rerun = subcommand == Subcommand::RerunFailed;
    let mut job_id = None;
    let mut switch = false;
    let mut options = OutcomeOptions::default();
    each_flag!(parser, global, {
        Long("failed") if !rerun => switch = true,
        Long("dry-run") if rerun => switch = true,
        Long("tag") if !rerun => {
            options = options.tag(tag_named(&text(parser)?)?);
        },
        Long("queue-id") if !rerun => options = options.queue_id(text(parser)?),
        Long("workflow") => options = options.workflow_id(text(parser)?),
        Value(id) if job_id.is_none() => job_id = Some(valid_job_id(id.string()?)?),
    });
    let job_id = job_id.ok_or_else(|| usage("the batch job ID is required"))?;
    Ok(Parsed::Run(if rerun {
        Command::RerunFailed {
            job_id,
            dry_run: switch,
            options,
        }
    } else {
        Command::Outcomes {
            job_id,
            failed_only: switch,
            options,
        }
    }))
}

fn emulator(parser: &mut lexopt::Parser, global: &mut Global) -> Result<Parsed, Usage> {
    let mut port = None;
    let mut workflows = Vec::new();
    let mut objects = Vec::new();
    let mut failing = Vec::new();
    each_flag!(parser, global, {
        Long("port") => {
            let value = text(parser)?;
            let number = value.parse().map_err(|_| usage(format!("invalid value for --port: '{value}' is not a port number (0 to 65535)")))?;
            set_once(&mut port, "--port", number)?;
        },
        Long("workflow") => workflows.push(text(parser)?),
        Long("object") => objects.push(text(parser)?),
        Long("fail") => failing.push(text(parser)?),
    });
    let connection = [
        ("--bucket", global.bucket.is_some()),
        ("--region", global.region.is_some()),
        ("--endpoint", global.endpoint.is_some()),
        ("--allow-http", global.allow_http),
        ("--profile", global.profile.is_some()),
    ];
    if let Some((flag, _)) = connection.iter().find(|(_, given)| *given) {
        return Err(usage(format!("{flag} does not apply to the emulator")));
    }
    Ok(Parsed::Run(Command::Emulator {
        port: port.unwrap_or(0),
        workflows,
        objects,
        failing,
    }))
}

fn wait_options(deadline: Option<Duration>) -> WaitOptions {
    match deadline {
        Some(deadline) => WaitOptions::default().deadline(deadline),
        None => WaitOptions::default(),
    }
}

fn set_once<T>(slot: &mut Option<T>, flag: &str, value: T) -> Result<(), Usage> {
    if slot.is_some() {
        return Err(usage(format!("{flag} was given twice")));
    }
    *slot = Some(value);
    Ok(())
}

fn text(parser: &mut lexopt::Parser) -> Result<String, Usage> {
    Ok(parser.value()?.string()?)
}

fn time(parser: &mut lexopt::Parser, flag: &str) -> Result<OffsetDateTime, Usage> {
    let value = text(parser)?;
    parse_time(&value).ok_or_else(|| {
        usage(format!(
            "invalid value for {flag}: '{value}' is not a time such as 2026-01-31T08:00:00+08:00"
        ))
    })
}

fn duration(parser: &mut lexopt::Parser, flag: &str) -> Result<Duration, Usage> {
    let value = text(parser)?;
    parse_duration(&value).ok_or_else(|| {
        usage(format!(
            "invalid value for {flag}: '{value}' is not a duration such as 90s, 30m, 2h or 1h30m"
        ))
    })
}

/// `90`, `90s`, `30m`, `2h`, `1h30m`, `1d`: whole units, largest first. `None` for anything
/// else, zero included, and for more seconds than a u64 holds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    if let Ok(seconds) = text.parse::<u64>() {
        return (seconds > 0).then(|| Duration::from_secs(seconds));
    }
    let mut total: u64 = 0;
    let mut rest = text;
    let mut last_unit = u64::MAX;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 {
            return None;
        }
        let number: u64 = rest[..digits].parse().ok()?;
        let unit = match rest[digits..].chars().next()? {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        if unit >= last_unit {
            return None;
        }
        last_unit = unit;
        total = total.checked_add(number.checked_mul(unit)?)?;
        rest = &rest[digits + 1..];
    }
    (total > 0).then(|| Duration::from_secs(total))
}

fn type_filter(text: &str) -> Result<TypeFilter, Usage> {
    match text.to_ascii_lowercase().as_str() {
        "workflow" => Ok(TypeFilter::Workflow),
        "job" => Ok(TypeFilter::Job),
        _ => Err(usage(format!(
            "invalid value for --type: '{text}' (workflow or job)"
        ))),
    }
}

/// A state by its name in any case: `failed`, `Failed`.
fn state_filter(text: &str) -> Result<StateFilter, Usage> {
    let listed = StateFilter::LISTED;
    listed
        .iter()
        .copied()
        .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = listed.iter().map(|s| s.as_str()).collect();
            usage(format!(
                "invalid value for --state: '{text}' (one of: {})",
                names.join(", ")
            ))
        })
}

/// A Tag by its name in any case (`snapshot`); a Tag this crate does not list is sent as
/// given when it is a plain name.
fn tag_named(text: &str) -> Result<Tag, Usage> {
    if let Some(tag) = Tag::LISTED
        .iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(text))
    {
        return Ok(tag.clone());
    }
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(usage(format!(
            "invalid value for --tag: '{text}' is not a Tag such as Transcode or Snapshot"
        )));
    }
    Ok(Tag::Other(text.to_owned()))
}

/// A batch job id the library would put in a request path.
fn valid_job_id(id: String) -> Result<String, Usage> {
    match DescribeJob::new(&id) {
        Ok(_) => Ok(id),
        Err(e) => Err(usage(format!("invalid ID: {e}"))),
    }
}

fn not_empty(flag: &str, value: String) -> Result<String, Usage> {
    if value.is_empty() {
        return Err(usage(format!("{flag} is empty")));
    }
    Ok(value)
}

/// A job the library refuses, with the flag that gave the refused value.
fn invalid(e: &InvalidInput) -> Usage {
    let flag = match e {
        InvalidInput::NameTooLong { .. } | InvalidInput::NameCharacter(_) => "--name",
        InvalidInput::Empty(element) => flag_of_element(element),
        InvalidInput::UnrepresentableText { element } => flag_of_element(element),
        InvalidInput::TimeIntervalReversed | InvalidInput::UnrepresentableTime(_) => {
            "--uploaded-after/--uploaded-before"
        }
        _ => "--job-param",
    };
    usage(format!("invalid value for {flag}: {e}"))
}

/// The flag that fills a wire element of a create.
fn flag_of_element(element: &str) -> &'static str {
    match element {
        "Name" => "--name",
        "Prefix" => "--prefix",
        "Object" => "--object or --output-object",
        "Manifest" => "--manifest",
        "UrlFile" => "--url-file",
        "WorkflowIds" => "--workflow",
        "Tag" => "--tag",
        "TemplateId" => "--template-id",
        "Bucket" => "--output-bucket",
        "Region" => "--output-region",
        _ => "--job-param",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_whole_units_largest_first() {
        let secs = |s: &str| parse_duration(s).map(|d| d.as_secs());
        assert_eq!(secs("90"), Some(90));
        assert_eq!(secs("90s"), Some(90));
        assert_eq!(secs("1h30m"), Some(5400));
        assert_eq!(secs("2d"), Some(172_800));
        for refused in [
            "", "0", "0s", "1m2h", "1h1h", "h", "1x", "-1s", "1.5h", "1 h",
        ] {
            assert_eq!(secs(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn a_duration_too_long_for_u64_seconds_is_refused_not_wrapped() {
        assert_eq!(
            parse_duration("18446744073709551615s").map(|d| d.as_secs()),
            Some(u64::MAX)
        );
        assert_eq!(parse_duration("18446744073709551615m"), None);
        assert_eq!(parse_duration("99999999999999999999"), None);
    }
}
