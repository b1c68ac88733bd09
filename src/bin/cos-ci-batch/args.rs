//! The command line, read into what to do. Everything that can be refused without asking
//! the service is refused here, with the flag that is wrong.

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use cos_ci_batch::error::InvalidInput;
use cos_ci_batch::model::{
    BatchJob, Callback, CallbackFormat, Element, Input, JobKind, JobLevel, JobParam, MediaJob,
    MqConfig, MqMode, Output, QueueType, Tag, TimeInterval, parse_time,
};
use cos_ci_batch::ops::{DescribeJob, ListQuery, StateFilter, TypeFilter};
use cos_ci_batch::{OutcomeOptions, RerunMethod, RerunOptions, WaitOptions};
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
    /// `--cos-endpoint`: where uploads go.
    pub cos_endpoint: Option<String>,
    pub allow_http: bool,
    pub json: bool,
    /// `--profile`: the section of the profile file to sign with.
    pub profile: Option<String>,
    /// `--verbose`: a line on stderr per request.
    pub verbose: bool,
    /// `COS_CI_BATCH_METADATA_ENDPOINT`: the instance metadata service, for tests.
    pub metadata_endpoint: Option<String>,
    /// The subcommand whose flags are being read, for "did you mean".
    taking: Option<Subcommand>,
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
    Listen,
    Completions,
}

impl Subcommand {
    pub const ALL: [Subcommand; 10] = [
        Subcommand::Create,
        Subcommand::Describe,
        Subcommand::Cancel,
        Subcommand::List,
        Subcommand::Wait,
        Subcommand::Outcomes,
        Subcommand::RerunFailed,
        Subcommand::Emulator,
        Subcommand::Listen,
        Subcommand::Completions,
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
            Subcommand::Listen => "listen",
            Subcommand::Completions => "completions",
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
        /// `--wait`, with its flags.
        wait: Option<WaitPlan>,
        /// `--quiet`: print the job id alone.
        quiet: bool,
        /// `--dry-run`, `--no-search`.
        send: Send,
    },
    Describe {
        job_id: String,
    },
    Cancel {
        job_id: String,
    },
    List {
        query: ListQuery,
        /// `--limit`: at most this many jobs (default: every one).
        limit: Option<u64>,
    },
    Wait {
        job_id: String,
        plan: WaitPlan,
    },
    Outcomes {
        job_id: String,
        /// `--failed` is `options.failed_only`.
        options: OutcomeOptions,
        /// `--summary`: the counts alone.
        summary_only: bool,
    },
    RerunFailed {
        job_id: String,
        options: OutcomeOptions,
        rerun: RerunOptions,
    },
    /// `completions SHELL`.
    Completions {
        shell: Shell,
    },
    Listen {
        /// Where to listen.
        addr: std::net::SocketAddr,
        /// The path notifications are POSTed to; `None`: a random one.
        path: Option<String>,
    },
    Emulator {
        port: u16,
        workflows: Vec<String>,
        /// Each object and when it was uploaded.
        objects: Vec<(String, OffsetDateTime)>,
        /// Each failure rule: pattern, code, message.
        failing: Vec<(String, String, String)>,
        /// `--secret-id`, `--secret-key`.
        credentials: Option<(String, String)>,
    },
}

impl Command {
    /// The batch job the command is about, when the command line names one.
    pub fn job_id(&self) -> Option<&str> {
        match self {
            Command::Describe { job_id }
            | Command::Cancel { job_id }
            | Command::Wait { job_id, .. }
            | Command::Outcomes { job_id, .. }
            | Command::RerunFailed { job_id, .. } => Some(job_id),
            Command::Create { .. }
            | Command::List { .. }
            | Command::Emulator { .. }
            | Command::Listen { .. }
            | Command::Completions { .. } => None,
        }
    }
}

/// How many slices of a batch job's lifetime `outcomes` lists at once by default: 8
/// requests in flight, about 160 a second at 50 ms each, which cut the wall time of 100 000
/// objects to about a fifth in `benches/sliced_outcomes.rs`, without asking more of the
/// service than a handful of clients would.
const OUTCOMES_CONCURRENCY: usize = 8;

/// How `wait` and `create --wait` wait.
pub struct WaitPlan {
    /// `--deadline`, for the batch job and its objects together.
    pub options: WaitOptions,
    /// `--check-objects`: after `Success`, wait for every object's work to end, and exit 6
    /// when some failed.
    pub check_objects: bool,
    /// `--progress-every`: a line at least this often, off a terminal.
    pub progress_every: Duration,
    /// Where the objects' work is listed when the batch job does not say (`--workflow`,
    /// `--tag`).
    pub objects: OutcomeOptions,
}

/// How often `wait` writes a line off a terminal by default: well inside the 10 minutes
/// CI systems allow a silent step.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(60);

/// The flags of `wait` and `create --wait`.
#[derive(Default)]
struct WaitFlags {
    deadline: Option<Duration>,
    check_objects: bool,
    progress_every: Option<Duration>,
}

impl WaitFlags {
    /// Takes `--flag`, one of these.
    fn take(&mut self, flag: &str, parser: &mut lexopt::Parser) -> Result<(), Usage> {
        match flag {
            "deadline" => set_once(
                &mut self.deadline,
                "--deadline",
                duration(parser, "--deadline")?,
            )?,
            "check-objects" => self.check_objects = true,
            "progress-every" => set_once(
                &mut self.progress_every,
                "--progress-every",
                duration(parser, "--progress-every")?,
            )?,
            _ => {}
        }
        Ok(())
    }

    fn given(&self) -> Option<&'static str> {
        if self.deadline.is_some() {
            Some("--deadline")
        } else if self.check_objects {
            Some("--check-objects")
        } else if self.progress_every.is_some() {
            Some("--progress-every")
        } else {
            None
        }
    }

    fn plan(self, objects: OutcomeOptions) -> WaitPlan {
        WaitPlan {
            objects,
            options: match self.deadline {
                Some(deadline) => WaitOptions::default().deadline(deadline),
                None => WaitOptions::default(),
            },
            check_objects: self.check_objects,
            progress_every: self.progress_every.unwrap_or(PROGRESS_EVERY),
        }
    }
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
    global.taking = Some(named);
    match named {
        Subcommand::Create => create(parser, global, env),
        Subcommand::Describe => job_id_only(parser, global, |job_id| Command::Describe { job_id }),
        Subcommand::Cancel => job_id_only(parser, global, |job_id| Command::Cancel { job_id }),
        Subcommand::List => list(parser, global),
        Subcommand::Wait => wait(parser, global),
        Subcommand::Outcomes | Subcommand::RerunFailed => outcomes(parser, global, named),
        Subcommand::Emulator => emulator(parser, global),
        Subcommand::Listen => listen(parser, global),
        Subcommand::Completions => completions(parser, global),
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
        let names = Subcommand::ALL.map(Subcommand::name);
        let hint = did_you_mean(name, &names)
            .map_or_else(String::new, |n| format!("; did you mean '{n}'?"));
        usage(format!(
            "unknown subcommand '{name}' (one of: {}){hint}",
            names.join(", ")
        ))
    })
}

/// The candidate closest to `word` (ignoring case), when it is close enough to be the
/// word mistyped: at most a third of its letters wrong, and at most 3. `None` when `word`
/// is a candidate itself (a flag given to a subcommand that does not take it).
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if candidates.iter().any(|c| c.eq_ignore_ascii_case(word)) {
        return None;
    }
    let word = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edits between `a` and `b`, by characters: insertions, deletions, substitutions and
/// swaps of two neighbours (`lsit` is one edit from `list`).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The flags every subcommand takes, for "did you mean" and completions.
pub const GLOBAL_FLAGS: &[&str] = &[
    "bucket",
    "region",
    "endpoint",
    "cos-endpoint",
    "allow-http",
    "json",
    "profile",
    "verbose",
    "help",
    "version",
];

/// The flags of one subcommand, for "did you mean" and completions.
pub fn flags_of(subcommand: Subcommand) -> &'static [&'static str] {
    match subcommand {
        Subcommand::Create => &[
            "name",
            "workflow",
            "tag",
            "any-tag",
            "template-id",
            "job-param",
            "prefix",
            "object",
            "manifest",
            "url-file",
            "uploaded-after",
            "uploaded-before",
            "output-bucket",
            "output-region",
            "output-object",
            "wait",
            "deadline",
            "check-objects",
            "progress-every",
            "quiet",
            "dry-run",
            "no-search",
            "queue-id",
            "queue-type",
            "job-level",
            "user-data",
            "callback-url",
            "callback-format",
            "callback-tdmq",
        ],
        Subcommand::Describe | Subcommand::Cancel => &[],
        Subcommand::List => &[
            "type",
            "state",
            "name",
            "created-after",
            "created-before",
            "limit",
            "all",
        ],
        Subcommand::Wait => &[
            "deadline",
            "check-objects",
            "progress-every",
            "workflow",
            "tag",
        ],
        Subcommand::Outcomes => &[
            "failed",
            "summary",
            "concurrency",
            "tag",
            "queue-id",
            "workflow",
        ],
        Subcommand::RerunFailed => &[
            "dry-run",
            "via",
            "url-file-prefix",
            "concurrency",
            "workflow",
            "tag",
        ],
        Subcommand::Emulator => &[
            "port",
            "workflow",
            "object",
            "fail",
            "secret-id",
            "secret-key",
        ],
        Subcommand::Listen => &["port", "address", "path"],
        Subcommand::Completions => &[],
    }
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
            "cos-endpoint" => set_once(&mut self.cos_endpoint, "--cos-endpoint", text(parser)?),
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
            "verbose" => {
                self.verbose = true;
                Ok(())
            }
            other => {
                let own = self.taking.map_or(&[][..], flags_of);
                let candidates: Vec<&str> = GLOBAL_FLAGS.iter().chain(own).copied().collect();
                let hint = did_you_mean(other, &candidates)
                    .map_or_else(String::new, |f| format!("; did you mean '--{f}'?"));
                Err(usage(format!("invalid option '--{other}'{hint}")))
            }
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
    let mut any_tag = false;
    let mut uploaded_after = None;
    let mut uploaded_before = None;
    let mut output_bucket = None;
    let mut output_region = None;
    let mut output_object = None;
    let mut wait = false;
    let mut wait_flags = WaitFlags::default();
    let mut quiet = false;
    let mut send = Send::default();
    let mut media = MediaFlags::default();
    each_flag!(parser, global, {
        Long("dry-run") => send.dry_run = true,
        Long("no-search") => send.search = false,
        Long("queue-id") => set_once(&mut media.queue_id, "--queue-id", text(parser)?)?,
        Long("queue-type") => set_once(&mut media.queue_type, "--queue-type", wire_value(parser, "--queue-type")?)?,
        Long("job-level") => set_once(&mut media.job_level, "--job-level", wire_value(parser, "--job-level")?)?,
        Long("user-data") => set_once(&mut media.user_data, "--user-data", text(parser)?)?,
        Long("callback-url") => set_once(&mut media.callback_url, "--callback-url", text(parser)?)?,
        Long("callback-format") => set_once(&mut media.callback_format, "--callback-format", wire_value(parser, "--callback-format")?)?,
        Long("callback-tdmq") => set_once(&mut media.callback_tdmq, "--callback-tdmq", tdmq(parser)?)?,
        Long(flag @ ("deadline" | "check-objects" | "progress-every")) => {
            let flag = flag.to_owned();
            wait_flags.take(&flag, parser)?;
        },
        Long("name") => set_once(&mut name, "--name", text(parser)?)?,
        Long("workflow") => set_once(&mut workflow, "--workflow", text(parser)?)?,
        Long("tag") => set_once(&mut tag, "--tag", text(parser)?)?,
        Long("any-tag") => any_tag = true,
        Long("template-id") => set_once(&mut template_id, "--template-id", text(parser)?)?,
        Long("job-param") => set_once(&mut job_param, "--job-param", text(parser)?)?,
        Long("prefix") => inputs.push(("--prefix", key_text(parser, "--prefix")?)),
        Long("object") => inputs.push(("--object", key_text(parser, "--object")?)),
        Long("manifest") => inputs.push(("--manifest", key_text(parser, "--manifest")?)),
        Long("url-file") => inputs.push(("--url-file", text(parser)?)),
        Long("uploaded-after") => set_once(&mut uploaded_after, "--uploaded-after", time(parser, "--uploaded-after")?)?,
        Long("uploaded-before") => set_once(&mut uploaded_before, "--uploaded-before", time(parser, "--uploaded-before")?)?,
        Long("output-bucket") => set_once(&mut output_bucket, "--output-bucket", text(parser)?)?,
        Long("output-region") => set_once(&mut output_region, "--output-region", text(parser)?)?,
        Long("output-object") => set_once(&mut output_object, "--output-object", key_text(parser, "--output-object")?)?,
        Long("wait") => wait = true,
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
        ("--queue-id", media.queue_id.is_some()),
        ("--queue-type", media.queue_type.is_some()),
        ("--job-level", media.job_level.is_some()),
        ("--user-data", media.user_data.is_some()),
        ("--callback-url", media.callback_url.is_some()),
        ("--callback-format", media.callback_format.is_some()),
        ("--callback-tdmq", media.callback_tdmq.is_some()),
    ];
    let kind = match (workflow, tag) {
        (Some(_), Some(_)) => return Err(usage("--workflow and --tag cannot be used together")),
        (None, None) => return Err(usage("--workflow ID or --tag TAG is required")),
        (Some(id), None) => {
            if let Some((flag, _)) = media_only.iter().find(|(_, given)| *given) {
                return Err(usage(format!("{flag} needs --tag (a media job)")));
            }
            let job = BatchJob::workflow(name, id, input);
            return finish_create(job, wait, wait_flags, quiet, send);
        }
        (None, Some(tag)) => {
            let tag = if any_tag {
                any_tag_named(&tag)?
            } else {
                tag_named(&tag)?
            };
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
            JobKind::Job(Box::new(media.apply(job)?))
        }
    };
    finish_create(
        BatchJob::new(name, input, kind),
        wait,
        wait_flags,
        quiet,
        send,
    )
}

/// How `create` sends: `--dry-run`, `--no-search`.
#[derive(Clone, Copy)]
pub struct Send {
    /// Print the request; send nothing.
    pub dry_run: bool,
    /// List jobs by name before creating, and search when the answer is lost.
    pub search: bool,
}

impl Default for Send {
    fn default() -> Self {
        Send {
            dry_run: false,
            search: true,
        }
    }
}

/// The queue and callback flags of a media job.
#[derive(Default)]
struct MediaFlags {
    queue_id: Option<String>,
    queue_type: Option<QueueType>,
    job_level: Option<JobLevel>,
    user_data: Option<String>,
    callback_url: Option<String>,
    callback_format: Option<CallbackFormat>,
    callback_tdmq: Option<MqConfig>,
}

impl MediaFlags {
    fn apply(self, mut job: MediaJob) -> Result<MediaJob, Usage> {
        if let Some(id) = self.queue_id {
            job = job.queue_id(id);
        }
        if let Some(queue_type) = self.queue_type {
            job = job.queue_type(queue_type);
        }
        if let Some(level) = self.job_level {
            job = job.job_level(level);
        }
        if let Some(data) = self.user_data {
            job = job.user_data(data);
        }
        let callback = match (self.callback_url, self.callback_tdmq) {
            (Some(_), Some(_)) => {
                return Err(usage(
                    "--callback-url and --callback-tdmq cannot be used together",
                ));
            }
            (Some(url), None) => Some(Callback::url(url, self.callback_format)),
            (None, Some(mq)) => Some(Callback::tdmq(mq, self.callback_format)),
            (None, None) if self.callback_format.is_some() => {
                return Err(usage(
                    "--callback-format needs --callback-url or --callback-tdmq",
                ));
            }
            (None, None) => None,
        };
        if let Some(callback) = callback {
            job = job.callback(callback);
        }
        Ok(job)
    }
}

/// A value of a wire enum by its name in any case (`json`, `JSON`).
fn wire_value<T: std::str::FromStr>(parser: &mut lexopt::Parser, flag: &str) -> Result<T, Usage> {
    let value = text(parser)?;
    let exact = value.parse::<T>();
    let result = exact.or_else(|_| value.to_uppercase().parse::<T>());
    let result = result.or_else(|_| {
        let mut capitalised = value.to_lowercase();
        if let Some(first) = capitalised.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        capitalised.parse::<T>()
    });
    result.map_err(|_| usage(format!("invalid value for {flag}: '{value}'")))
}

/// `--callback-tdmq REGION,MODE,NAME` (MODE: Queue or Topic).
fn tdmq(parser: &mut lexopt::Parser) -> Result<MqConfig, Usage> {
    let value = text(parser)?;
    let parts: Vec<&str> = value.split(',').collect();
    let [region, mode, name] = parts.as_slice() else {
        return Err(usage(format!(
            "invalid value for --callback-tdmq: '{value}' is not REGION,MODE,NAME (MODE: Queue or Topic)"
        )));
    };
    let mode = match mode.to_ascii_lowercase().as_str() {
        "queue" => MqMode::Queue,
        "topic" => MqMode::Topic,
        _ => {
            return Err(usage(format!(
                "invalid value for --callback-tdmq: mode '{mode}' is not Queue or Topic"
            )));
        }
    };
    Ok(MqConfig::new(*region, mode, *name))
}

/// Where the objects of `job` are listed, from the request: what a describe of it may not
/// echo.
fn objects_of(job: &BatchJob) -> OutcomeOptions {
    match &job.kind {
        JobKind::Workflow(workflow) => {
            OutcomeOptions::default().workflow_id(workflow.workflow_ids.clone())
        }
        JobKind::Job(media) => OutcomeOptions::default().tag(media.tag.clone()),
        _ => OutcomeOptions::default(),
    }
}

/// Checks the whole job as it would be sent, so that nothing the service would be sent can
/// fail to be written.
fn finish_create(
    job: BatchJob,
    wait: bool,
    wait_flags: WaitFlags,
    quiet: bool,
    send: Send,
) -> Result<Parsed, Usage> {
    job.to_xml().map_err(|e| invalid(&e))?;
    let wait = match (wait, wait_flags.given()) {
        (false, Some(flag)) => return Err(usage(format!("{flag} needs --wait"))),
        (false, None) => None,
        (true, _) => Some(wait_flags.plan(objects_of(&job))),
    };
    if send.dry_run && wait.is_some() {
        return Err(usage(
            "--dry-run sends nothing, so there is nothing to --wait for",
        ));
    }
    Ok(Parsed::Run(Command::Create {
        job: Box::new(job),
        wait,
        quiet,
        send,
    }))
}

/// The JobParam kept in a file: `<JobParam>…</JobParam>`, whose children are sent as given.
fn read_job_param(path: &str) -> Result<JobParam, Usage> {
    // A JobParam is a few kilobytes; more is not one, and is not read into memory whole.
    const LONGEST: u64 = 1 << 20;
    let source: Box<dyn std::io::Read> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        // Checked before opening: opening a FIFO nobody writes would wait forever.
        let metadata =
            std::fs::metadata(path).map_err(|e| usage(format!("--job-param {path}: {e}")))?;
        if !metadata.is_file() {
            return Err(usage(format!("--job-param {path}: not a regular file")));
        }
        let file =
            std::fs::File::open(path).map_err(|e| usage(format!("--job-param {path}: {e}")))?;
        Box::new(file)
    };
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(source, LONGEST + 1), &mut xml)
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
    let mut limit = None;
    each_flag!(parser, global, {
        Long("limit") => {
            let value = text(parser)?;
            let number = value.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                usage(format!("invalid value for --limit: '{value}' is not a number above zero"))
            })?;
            set_once(&mut limit, "--limit", number)?;
        },
        Long("type") => set_once(&mut job_type, "--type", type_filter(&text(parser)?)?)?,
        Long("state") => {
            for state in text(parser)?.split(',') {
                query.filters.states.push(state_filter(state)?);
            }
        },
        Long("name") => set_once(&mut name, "--name", not_empty("--name", text(parser)?)?)?,
        Long("created-after") => set_once(&mut after, "--created-after", time(parser, "--created-after")?)?,
        Long("created-before") => set_once(&mut before, "--created-before", time(parser, "--created-before")?)?,
        // Every job is listed unless --limit says otherwise; --all stays for old scripts.
        Long("all") => {},
    });
    if let Some(job_type) = job_type {
        query = query.job_type(job_type);
    }
    if let Some(name) = name {
        query = query.name(name);
    }
    query.filters.created_after = after;
    query.filters.created_before = before;
    Ok(Parsed::Run(Command::List { query, limit }))
}

/// The shells `completions` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// `completions bash|zsh|fish`.
fn completions(parser: &mut lexopt::Parser, global: &mut Global) -> Result<Parsed, Usage> {
    let mut shell = None;
    each_flag!(parser, global, {
        Value(name) if shell.is_none() => {
            let name = name.string()?;
            shell = Some(match name.as_str() {
                "bash" => Shell::Bash,
                "zsh" => Shell::Zsh,
                "fish" => Shell::Fish,
                _ => return Err(usage(format!("invalid value for SHELL: '{name}' (bash, zsh or fish)"))),
            });
        },
    });
    let shell = shell.ok_or_else(|| usage("the SHELL is required: bash, zsh or fish"))?;
    Ok(Parsed::Run(Command::Completions { shell }))
}

/// `listen [--port PORT] [--address ADDR] [--path PATH]`.
fn listen(parser: &mut lexopt::Parser, global: &mut Global) -> Result<Parsed, Usage> {
    let mut port: Option<u16> = None;
    let mut address: Option<std::net::IpAddr> = None;
    let mut path: Option<String> = None;
    each_flag!(parser, global, {
        Long("port") => {
            let value = text(parser)?;
            let number = value.parse().map_err(|_| usage(format!("invalid value for --port: '{value}' is not a port number (0 to 65535)")))?;
            set_once(&mut port, "--port", number)?;
        },
        Long("address") => {
            let value = text(parser)?;
            let ip = value.parse().map_err(|_| usage(format!("invalid value for --address: '{value}' is not an IP address")))?;
            set_once(&mut address, "--address", ip)?;
        },
        Long("path") => {
            let value = text(parser)?;
            if !value.starts_with('/') || value.contains(['?', '#', ' ']) {
                return Err(usage(format!("invalid value for --path: '{value}' is not a path such as /cos-callback/3f9a")));
            }
            set_once(&mut path, "--path", value)?;
        },
    });
    let connection = [
        ("--bucket", global.bucket.is_some()),
        ("--region", global.region.is_some()),
        ("--endpoint", global.endpoint.is_some()),
        ("--cos-endpoint", global.cos_endpoint.is_some()),
        ("--profile", global.profile.is_some()),
    ];
    if let Some((flag, _)) = connection.iter().find(|(_, given)| *given) {
        return Err(usage(format!("{flag} does not apply to listen")));
    }
    let ip = address.unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    Ok(Parsed::Run(Command::Listen {
        addr: std::net::SocketAddr::new(ip, port.unwrap_or(0)),
        path,
    }))
}

fn wait(parser: &mut lexopt::Parser, global: &mut Global) -> Result<Parsed, Usage> {
    let mut job_id = None;
    let mut wait_flags = WaitFlags::default();
    let mut objects = OutcomeOptions::default();
    each_flag!(parser, global, {
        Long("workflow") => objects = objects.workflow_id(text(parser)?),
        Long("tag") => objects = objects.tag(any_tag_named(&text(parser)?)?),
        Long(flag @ ("deadline" | "check-objects" | "progress-every")) => {
            let flag = flag.to_owned();
            wait_flags.take(&flag, parser)?;
        },
        Value(id) if job_id.is_none() => job_id = Some(valid_job_id(id.string()?)?),
    });
    let job_id = job_id.ok_or_else(|| usage("the batch job ID is required"))?;
    Ok(Parsed::Run(Command::Wait {
        job_id,
        plan: wait_flags.plan(objects),
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
    let mut summary_only = false;
    let (mut method, mut url_file_prefix, mut concurrency) = (None, None, None);
    let (mut tag, mut queue_id, mut workflow) = (None, None, None);
    each_flag!(parser, global, {
        Long("failed") if !rerun => switch = true,
        Long("summary") if !rerun => summary_only = true,
        Long("via") if rerun => {
            let value = text(parser)?;
            let way = match value.as_str() {
                "triggers" => RerunMethod::Triggers,
                "batch-job" => RerunMethod::BatchJob,
                _ => return Err(usage(format!("invalid value for --via: '{value}' is not triggers or batch-job"))),
            };
            set_once(&mut method, "--via", way)?;
        },
        Long("url-file-prefix") if rerun => {
            set_once(&mut url_file_prefix, "--url-file-prefix", text(parser)?)?;
        },
        Long("concurrency") => {
            let value = text(parser)?;
            let n: usize = value.parse().ok().filter(|n| (1..=64).contains(n)).ok_or_else(|| {
                usage(format!("invalid value for --concurrency: '{value}' is not a number from 1 to 64"))
            })?;
            set_once(&mut concurrency, "--concurrency", n)?;
        },
        Long("dry-run") if rerun => switch = true,
        Long("tag") => set_once(&mut tag, "--tag", any_tag_named(&text(parser)?)?)?,
        Long("queue-id") if !rerun => set_once(&mut queue_id, "--queue-id", text(parser)?)?,
        Long("workflow") => set_once(&mut workflow, "--workflow", text(parser)?)?,
        Value(id) if job_id.is_none() => job_id = Some(valid_job_id(id.string()?)?),
    });
    let mut options =
        OutcomeOptions::default().concurrency(concurrency.unwrap_or(OUTCOMES_CONCURRENCY));
    if let Some(tag) = tag {
        options = options.tag(tag);
    }
    if let Some(queue_id) = queue_id {
        options = options.queue_id(queue_id);
    }
    if let Some(workflow) = workflow {
        options = options.workflow_id(workflow);
    }
    let mut rerun_options = RerunOptions::default();
    if let Some(method) = method {
        rerun_options = rerun_options.method(method);
    }
    if let Some(prefix) = url_file_prefix {
        rerun_options = rerun_options.url_file_prefix(prefix);
    }
    let job_id = job_id.ok_or_else(|| usage("the batch job ID is required"))?;
    Ok(Parsed::Run(if rerun {
        Command::RerunFailed {
            job_id,
            options,
            rerun: rerun_options.dry_run(switch),
        }
    } else {
        Command::Outcomes {
            job_id,
            options: options.failed_only(switch),
            summary_only,
        }
    }))
}

fn emulator(parser: &mut lexopt::Parser, global: &mut Global) -> Result<Parsed, Usage> {
    let mut port = None;
    let mut workflows = Vec::new();
    let mut objects = Vec::new();
    let mut failing = Vec::new();
    let mut secret_id = None;
    let mut secret_key = None;
    let now = OffsetDateTime::now_utc();
    each_flag!(parser, global, {
        Long("port") => {
            let value = text(parser)?;
            let number = value.parse().map_err(|_| usage(format!("invalid value for --port: '{value}' is not a port number (0 to 65535)")))?;
            set_once(&mut port, "--port", number)?;
        },
        Long("workflow") => workflows.push(text(parser)?),
        Long("object") => objects.push(uploaded_object(&text(parser)?, now)?),
        Long("fail") => failing.push(failure_rule(&text(parser)?)),
        Long("secret-id") => set_once(&mut secret_id, "--secret-id", not_empty("--secret-id", text(parser)?)?)?,
        Long("secret-key") => set_once(&mut secret_key, "--secret-key", not_empty("--secret-key", text(parser)?)?)?,
    });
    let credentials = match (secret_id, secret_key) {
        (Some(id), Some(key)) => Some((id, key)),
        (None, None) => None,
        (Some(_), None) => return Err(usage("--secret-id needs --secret-key")),
        (None, Some(_)) => return Err(usage("--secret-key needs --secret-id")),
    };
    let connection = [
        ("--bucket", global.bucket.is_some()),
        ("--region", global.region.is_some()),
        ("--endpoint", global.endpoint.is_some()),
        ("--cos-endpoint", global.cos_endpoint.is_some()),
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
        credentials,
    }))
}

/// `KEY` (uploaded now) or `KEY@TIME`, TIME as `create` reads it: an object of the
/// emulator's bucket and when it was uploaded. After an `@`, what starts with a digit is
/// taken as a time and must be one; other text is part of the key.
fn uploaded_object(text: &str, now: OffsetDateTime) -> Result<(String, OffsetDateTime), Usage> {
    let Some((key, at)) = text.rsplit_once('@') else {
        return Ok((text.to_owned(), now));
    };
    if !at.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok((text.to_owned(), now));
    }
    match parse_when(at, now) {
        Some(at) => Ok((key.to_owned(), at)),
        None => Err(usage(format!(
            "invalid value for --object: '{at}' after '@' is not a time (2026-01-31, 3d, ...)"
        ))),
    }
}

/// `PATTERN`, `PATTERN=CODE` or `PATTERN=CODE:MESSAGE`: the objects whose work fails, and
/// how.
fn failure_rule(text: &str) -> (String, String, String) {
    let Some((pattern, how)) = text.split_once('=') else {
        return (
            text.to_owned(),
            "EmulatedFailure".to_owned(),
            "failed by the emulator's --fail".to_owned(),
        );
    };
    let (code, message) = how
        .split_once(':')
        .unwrap_or((how, "failed by the emulator's --fail"));
    (pattern.to_owned(), code.to_owned(), message.to_owned())
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
    let at = parse_when(&value, OffsetDateTime::now_utc())
        .filter(|at| cos_ci_batch::model::format_time(*at).is_ok());
    at.ok_or_else(|| {
        usage(format!(
            "invalid value for {flag}: '{value}' is not a time: give 2026-01-31T08:00:00+08:00, \
             a date (2026-01-31, midnight in UTC+8), Unix seconds (1769817600), or a time ago \
             (24h, 7d)"
        ))
    })
}

/// The zone a date given alone is read in: China Standard Time, the zone of the service's
/// own times.
const DATE_ZONE_HOURS: i8 = 8;

/// A time as people type it, at `now`: RFC 3339 (or the service's `+0800` spelling); a date
/// alone, at midnight UTC+8; Unix seconds; or a duration ago (`24h`, `7d`, `1h30m`).
pub fn parse_when(text: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
    if let Some(at) = parse_time(text) {
        return Some(at);
    }
    if let Some(date) = parse_date(text) {
        let zone = time::UtcOffset::from_hms(DATE_ZONE_HOURS, 0, 0).ok()?;
        return Some(date.midnight().assume_offset(zone));
    }
    // A number is Unix seconds when it has nine digits or more (from 1973); a shorter one is
    // more likely a date (20260131) or a slip, and is refused rather than guessed.
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        if text.len() < 9 {
            return None;
        }
        let seconds: i64 = text.parse().ok()?;
        return OffsetDateTime::from_unix_timestamp(seconds).ok();
    }
    let ago = parse_duration(text)?;
    now.checked_sub(time::Duration::try_from(ago).ok()?)
}

/// `2026-01-31`.
fn parse_date(text: &str) -> Option<time::Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &text[range];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let month = time::Month::try_from(u8::try_from(digits(5..7)?).ok()?).ok()?;
    let year = i32::try_from(digits(0..4)?).ok()?;
    time::Date::from_calendar_date(year, month, u8::try_from(digits(8..10)?).ok()?).ok()
}

fn duration(parser: &mut lexopt::Parser, flag: &str) -> Result<Duration, Usage> {
    let value = text(parser)?;
    match duration_value(&value) {
        Some(d) if d.is_zero() => Err(usage(format!(
            "invalid value for {flag}: '{value}' must be above zero"
        ))),
        Some(d) => Ok(d),
        None => Err(usage(format!(
            "invalid value for {flag}: '{value}' is not a duration such as 90s, 30m, 2h or 1h30m"
        ))),
    }
}

/// `90`, `90s`, `30m`, `2h`, `1h30m`, `1d`: whole units, largest first, above zero. `None`
/// for anything else, and for more seconds than a u64 holds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    duration_value(text).filter(|d| !d.is_zero())
}

/// [`parse_duration`]'s grammar, zero included (`0`, `0s`).
fn duration_value(text: &str) -> Option<Duration> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let mut total: u64 = 0;
    let mut rest = text;
    let mut last_unit = u64::MAX;
    if rest.is_empty() {
        return None;
    }
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
    Some(Duration::from_secs(total))
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

/// A Tag this crate lists, by its name in any case (`snapshot`). Another name is refused
/// with the closest listed one: the service would fail the job with `InvalidTag`, after it
/// was created. `--any-tag` sends a name as given ([`any_tag_named`]).
fn tag_named(text: &str) -> Result<Tag, Usage> {
    if let Some(tag) = Tag::LISTED
        .iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(text))
    {
        return Ok(tag.clone());
    }
    let names: Vec<&str> = Tag::LISTED.iter().map(|t| t.as_str()).collect();
    let hint =
        did_you_mean(text, &names).map_or_else(String::new, |n| format!("; did you mean {n}?"));
    Err(usage(format!(
        "invalid value for --tag: '{text}' is not a Tag this tool knows{hint} (--any-tag sends it as given)"
    )))
}

/// A Tag as given, for tags newer than this crate: any plain name.
fn any_tag_named(text: &str) -> Result<Tag, Usage> {
    if let Ok(tag) = tag_named(text) {
        return Ok(tag);
    }
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(usage(format!(
            "invalid value for --tag: '{text}' is not a Tag such as Transcode or Snapshot"
        )));
    }
    Ok(Tag::Other(text.to_owned()))
}

/// An object key or key prefix: not a URL, and without the leading `/` of a path (COS keys
/// have none, so such a job would cover no object).
fn key_text(parser: &mut lexopt::Parser, flag: &str) -> Result<String, Usage> {
    let value = text(parser)?;
    let did_you_mean = |key: &str| {
        if key.is_empty() {
            String::new()
        } else {
            format!("; did you mean {flag} {key}?")
        }
    };
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("cos://") || lower.starts_with("https://") || lower.starts_with("http://")
    {
        let rest = &value[value.find("://").map_or(0, |i| i + 3)..];
        let key = rest.split_once('/').map_or("", |(_, key)| key);
        return Err(usage(format!(
            "invalid value for {flag}: '{value}' is a URL; give the key within the bucket{}",
            did_you_mean(key)
        )));
    }
    if value.starts_with('/') {
        let key = value.trim_start_matches('/');
        return Err(usage(format!(
            "invalid value for {flag}: '{value}' starts with '/', which no key does{}",
            did_you_mean(key)
        )));
    }
    Ok(value)
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
