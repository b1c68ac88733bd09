//! What `--help` says: the tool, and each subcommand with an example.

use crate::args::Subcommand;

pub const TOOL: &str = "\
cos-ci-batch: start and follow Tencent Cloud COS Cloud Infinite batch jobs

Usage: cos-ci-batch [GLOBAL FLAGS] <SUBCOMMAND> [FLAGS]

Subcommands:
  create        Start a batch job over many objects of the bucket
  describe      Show one batch job
  cancel        Cancel a batch job
  list          List batch jobs
  wait          Wait until a batch job ends; the exit status says how
  outcomes      Show what happened to each object of a batch job
  rerun-failed  Run the objects that failed again, each once
  emulator      Serve an offline emulator of the service, for trying things out
  listen        Receive the notifications a job's callback URL is sent, one line each
  completions   Write a completion script: bash, zsh or fish
  help          Show the help of a subcommand: cos-ci-batch help create

Global flags (before or after the subcommand):
  --bucket BUCKET    The bucket, BucketName-APPID [env: COS_BUCKET]
  --region REGION    The region, such as ap-guangzhou [env: COS_REGION]
  --endpoint URL     Send to URL instead of https://<bucket>.ci.<region>.myqcloud.com
  --cos-endpoint URL Upload to URL instead of https://<bucket>.cos.<region>.myqcloud.com
  --allow-http       Allow an http:// endpoint (loopback and tests only)
  --profile NAME     Sign with section [NAME] of the profile file, and nothing else
  --verbose          A line on stderr per request: method, URL, status, request id, time
                     (no header, so no secret; {\"request\":{...}} with --json)
  --json             Write JSON: one document per result, one line per listed item
  -h, --help         Show help
  -V, --version      Show the version

Credentials are looked for in this order; the first source found is used, and one
that is half filled (an id without a key, a file without the profile) is an error:
  1. the environment: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, with
     TENCENTCLOUD_SESSION_TOKEN (or TENCENTCLOUD_TOKEN) for temporary ones;
  2. the profile file: ~/.tencentcloud/credentials, else /etc/tencentcloud/credentials
     (or the file TENCENTCLOUD_CREDENTIALS_FILE names), section [default] or --profile's;
  3. the CVM instance role, from the metadata service (given up after 1 s off Tencent
     Cloud; COS_CI_BATCH_METADATA_ENDPOINT points it elsewhere, for tests).
--profile reads the profile file alone. An error the credentials may cause says where
they came from. The key and the token are never printed, even where the service echoes
them: they show as [redacted]. With --json, stderr holds only errors and warnings, one JSON object a line:
{\"error\":{...}} or {\"warning\":{...}}.

Exit status:
  0  done (for wait and create --wait: the job succeeded)
  1  error (the service refused, the network failed, the answer was unreadable)
  2  usage: the command line or the environment cannot work; nothing was sent
  3  the job ended Failed
  4  the job was cancelled
  5  the --deadline passed before the job ended
  6  objects failed: the job succeeded but the work on some objects failed (outcomes,
     and wait or create --wait with --check-objects)
  130  interrupted by Ctrl-C while waiting (the job goes on); 143 for SIGTERM

Example:
  export COS_BUCKET=examplebucket-1250000000 COS_REGION=ap-guangzhou
  cos-ci-batch create --name nightly --workflow w0123456789abcdef0123456789abcdef --prefix videos/ --wait
";

pub fn of(subcommand: Subcommand) -> &'static str {
    match subcommand {
        Subcommand::Create => CREATE,
        Subcommand::Describe => DESCRIBE,
        Subcommand::Cancel => CANCEL,
        Subcommand::List => LIST,
        Subcommand::Wait => WAIT,
        Subcommand::Outcomes => OUTCOMES,
        Subcommand::RerunFailed => RERUN_FAILED,
        Subcommand::Emulator => EMULATOR,
        Subcommand::Listen => LISTEN,
        Subcommand::Completions => COMPLETIONS,
    }
}

/// The first line of a subcommand's help, shown under a usage error.
pub fn usage_line(subcommand: Subcommand) -> &'static str {
    of(subcommand)
        .lines()
        .find(|line| line.starts_with("Usage:"))
        .unwrap_or("")
}

const CREATE: &str = "\
cos-ci-batch create: start a batch job over many objects of the bucket

Usage: cos-ci-batch create --name NAME (--workflow ID | --tag TAG [MEDIA JOB FLAGS]) INPUT [--wait [WAIT FLAGS]] [--quiet]

What to run (one):
  --workflow ID            Trigger this workflow on each object (Type=Workflow)
  --tag TAG                Run one media job on each object (Type=Job): Transcode, Snapshot, ...
Media job flags (with --tag):
  --template-id ID         The job's template
  --job-param FILE         A <JobParam> element in an XML file (- for stdin), its children
                           sent in order
  --queue-id ID            The queue that runs the media jobs
  --queue-type TYPE        SpeedTranscoding
  --job-level LEVEL        0, 1 or 2: a higher level runs first
  --user-data TEXT         Given back in each media job's answer and callback
  --callback-url URL       Where each media job's end is reported
  --callback-tdmq REGION,MODE,NAME  Report to a TDMQ queue or topic (MODE: Queue or Topic)
  --callback-format FORMAT XML or JSON
  --any-tag                Send a --tag this tool does not know, as given
  --output-bucket BUCKET   Where results go [default: the job's bucket]
  --output-region REGION   The output bucket's region [default: the job's region]
  --output-object PATTERN  The output object key, such as out/${InputName}.mp4
Input (one):
  --prefix PREFIX          Every object under PREFIX
  --object KEY             One object
  --manifest KEY           The objects of a COS inventory manifest
  --url-file KEY           The URLs listed in a file
  --uploaded-after TIME    With --prefix: objects uploaded at or after TIME
  --uploaded-before TIME   With --prefix: objects uploaded at or before TIME
Then:
  --name NAME              The job's name: letters, digits, - and _; at most 128
  --wait                   Wait until the job ends; the exit status says how
  -q, --quiet              Print the job id alone (with --json too), as soon as the job exists
  --dry-run                Print the request that would be sent (method, path, XML body);
                           send nothing
  --no-search              Do not list jobs by name before creating, nor search when the
                           answer is lost: for a principal allowed to create but not to list.
                           A lost answer is then an unknown outcome at once.
Wait flags (with --wait), as for wait:
  --deadline DURATION      Give up after DURATION (90s, 30m, 2h) [default: 1h]
  --check-objects          Also wait for each object's work to end; exit 6 if any failed
  --progress-every DURATION  Off a terminal, a line at least this often [default: 1m]

A create is sent once. When its answer is lost, the job is searched for, never created
twice; if it stays unknown, the error says so: list by --name before creating again.

TIME is 2026-01-31T08:00:00+08:00, a date alone (2026-01-31: midnight in UTC+8, China
Standard Time, the zone of the service's own times), Unix seconds (1769817600), or a
time ago (24h, 7d). Exit status: 0, or with --wait 0/3/4/5/6 as for wait.

Examples:
  cos-ci-batch create --name nightly --workflow w0123456789abcdef0123456789abcdef --prefix videos/ --uploaded-after 2026-01-01T00:00:00+08:00
  cos-ci-batch create --name covers --tag Snapshot --template-id t0123456789abcdef --object videos/a.mp4 --output-object covers/a.jpg --wait
";

const DESCRIBE: &str = "\
cos-ci-batch describe: show one batch job

Usage: cos-ci-batch describe ID

Example:
  cos-ci-batch describe b0123456789abcdef0123456789abcdef
  cos-ci-batch --json describe b0123456789abcdef0123456789abcdef | jq -r .state
";

const CANCEL: &str = "\
cos-ci-batch cancel: cancel a batch job (objects already started are not stopped)

Usage: cos-ci-batch cancel ID

A job that has already ended is not an error: it says so (result \"already ended\", with
its state) and exits 0.

Example:
  cos-ci-batch cancel b0123456789abcdef0123456789abcdef
";

const LIST: &str = "\
cos-ci-batch list: list batch jobs, newest first

Usage: cos-ci-batch list [--type workflow|job] [--state STATE]... [--name NAME] [--created-after TIME] [--created-before TIME] [--limit N]

  --type TYPE            workflow or job
  --state STATE          Submitted, Running, Success, Failed, Pause or Cancel; repeat or
                         separate with commas for several
  --name NAME            Jobs with this name
  --created-after TIME   Jobs created at or after TIME (as for create: 2026-01-31, 24h, ...)
  --created-before TIME  Jobs created at or before TIME
  --limit N              At most N jobs; a warning on stderr says when more match
                         ({\"warning\":{\"kind\":\"truncated\",...}} with --json)

Every matching job is listed (every page) unless --limit says otherwise; --all, which
asked for that before, is still accepted.

Examples:
  cos-ci-batch list --state Failed,Cancel --created-after 2026-01-01T00:00:00+08:00
  cos-ci-batch --json list --name nightly | jq -r .job_id
";

const WAIT: &str = "\
cos-ci-batch wait: wait until a batch job ends, and say how it ended

Usage: cos-ci-batch wait ID [--deadline DURATION] [--check-objects] [--progress-every DURATION] [--workflow ID | --tag TAG]

  --deadline DURATION        Give up after DURATION (90s, 30m, 2h, 1h30m) [default: 1h]
  --check-objects            After Success, wait until the work on each object has ended
                             too, and exit 6 if any failed (the deadline covers both)
  --progress-every DURATION  Off a terminal, a line at least this often [default: 1m]
  --workflow ID / --tag TAG  Where the objects' work is listed, for a batch job that does
                             not say its workflow or Tag

On a terminal, a status line on stderr shows the state as it changes; elsewhere each new
state is one line on stderr, and \"still Running after ...\" keeps CI logs alive. The job
is printed when it ends (with --check-objects, with its objects counted). A batch job that
ends Success having covered no object gets a warning. Ctrl-C stops waiting, not the job:
it says how to wait again or cancel, and exits 130 (SIGTERM: the same, 143).

No source says whether the service's Success means every object's work has ended or only
started: in a pipeline, use --check-objects.

Exit status: 0 Success, 3 Failed, 4 cancelled, 5 the deadline passed, 6 (with
--check-objects) some objects failed, 1 error, 130 interrupted (143 by SIGTERM).

Example:
  cos-ci-batch wait b0123456789abcdef0123456789abcdef --deadline 30m --check-objects || echo \"ended with $?\"
";

const OUTCOMES: &str = "\
cos-ci-batch outcomes: what happened to each object of a batch job

Usage: cos-ci-batch outcomes ID [--failed] [--summary] [--concurrency N] [--tag TAG] [--queue-id ID] [--workflow ID]

  --failed         Only the objects that failed (asked of the service: states=Failed)
  --summary        The counts alone: by state, and by failure code with an example object
                   (with --failed, they cover the failed objects only, read faster)
  --concurrency N  Slices of the job's lifetime read at once, 1 to 64 [default: 8]; with 1,
                   the objects come oldest first, otherwise slice by slice
  --tag TAG        For a Type=Job batch job that does not say its Tag
  --queue-id ID    For a Type=Job batch job that does not say its queue
  --workflow ID    For a Type=Workflow batch job that does not say its workflow

Each object's media job (Type=Job) or workflow run (Type=Workflow), exactly once, with the
failure code and message of the failed ones; under the table, the counts and the most
frequent failure codes. On a terminal, stderr shows the records read and their rate while
it reads. Exit status: 6 when an object failed, 0 otherwise.

Examples:
  cos-ci-batch outcomes b0123456789abcdef0123456789abcdef --failed
  cos-ci-batch --json outcomes b0123456789abcdef0123456789abcdef | jq -r 'select(.state == \"Failed\") | .object'
";

const RERUN_FAILED: &str = "\
cos-ci-batch rerun-failed: run the objects that failed again, each once

Usage: cos-ci-batch rerun-failed ID [--dry-run] [--via triggers|batch-job] [--url-file-prefix PREFIX] [--concurrency N] [--workflow ID] [--tag TAG]

  --dry-run                Say which way and how many objects; change nothing
  --via triggers           One trigger per object (workflows only)
  --via batch-job          One new batch job, with the same Operation, over a URL file
                           listing the objects, uploaded to the bucket
  --url-file-prefix PREFIX Where the URL file goes [default: cos-ci-batch/reruns/]
  --concurrency N          Slices listed, and triggers sent, at once, 1 to 64 [default: 8]
  --workflow ID            For a batch job that does not say its workflow
  --tag TAG                For a batch job that does not say its Tag

The way, unless --via says: triggers for a workflow with at most 100 failed objects,
else one batch job (the only way for Type=Job). Run it again, after it was killed or
after it finished, and no object runs twice, whichever way each run took: the batch job,
named from ID and the failed objects, is found (result found, with its state) rather than
started again, and an object of a workflow with a run made since ID ended is skipped. A
re-run job of ID over other failures (work still running then has failed since) is an
error naming it, and nothing is sent. Run it once the work on every object has ended.

A trigger that may have reached the service is not sent again; it is reported, and the
exit status is 1. With --json: one line per object (triggers), or one document with the
batch job's job_id, name and url_file.

Examples:
  cos-ci-batch rerun-failed b0123456789abcdef0123456789abcdef --dry-run
  cos-ci-batch --json rerun-failed b0123456789abcdef0123456789abcdef | jq -r .job_id
";

const EMULATOR: &str = "\
cos-ci-batch emulator: serve an offline emulator of the batch-job service

Usage: cos-ci-batch emulator [--port PORT] [--workflow ID]... [--object KEY[@TIME]]... [--fail PATTERN[=CODE[:MESSAGE]]]... [--secret-id ID --secret-key KEY]

  --port PORT           Listen on this loopback port [default: a free one]
  --workflow ID         A workflow it knows (jobs naming another one fail)
  --object KEY[@TIME]   An object of its bucket, uploaded now or at TIME (as for create:
                        videos/a.mp4@2026-01-31, videos/b.mp4@3d)
  --fail PATTERN[=CODE[:MESSAGE]]  Objects whose media job or run fails (* matches any
                        characters), with this code and message
  --secret-id ID --secret-key KEY  Accept these credentials instead of random ones

It prints its endpoint, bucket, region and credentials (its own, valid nowhere else), then
serves until stopped. Jobs run in real time.

Example:
  cos-ci-batch emulator --port 9000 --workflow w0123456789abcdef0123456789abcdef --object videos/a.mp4 --object videos/b.avi --fail '*.avi'
";

const LISTEN: &str = "\
cos-ci-batch listen: receive the notifications a job's callback URL is sent

Usage: cos-ci-batch listen [--port PORT] [--address ADDR] [--path PATH]

  --port PORT      Listen on this port [default: a free one]
  --address ADDR   Listen on this address [default: 127.0.0.1]
  --path PATH      Take POSTs to this path only [default: a random one, printed]

It prints the URL to give as --callback-url, then one line per object of each
notification (TaskFinish, WorkflowFinish): a table row, or with --json a JSON line with the
fields of outcomes and an event. The service signs nothing, so the path is the only check:
keep it secret. Requests are bounded as the emulator bounds them (1 MiB bodies, 128
connections, slow clients cut off). Notifications that cannot be read are warnings.

Example (offline, with the emulator):
  cos-ci-batch listen --port 9100 --path /cb/3f9a &
  cos-ci-batch create --name n --tag Transcode --template-id t1 --prefix videos/ --callback-url http://127.0.0.1:9100/cb/3f9a
";

const COMPLETIONS: &str = "\
cos-ci-batch completions: write a completion script for a shell

Usage: cos-ci-batch completions SHELL

SHELL is bash, zsh or fish.

Examples:
  eval \"$(cos-ci-batch completions bash)\"          # in ~/.bashrc
  cos-ci-batch completions zsh > ~/.zfunc/_cos-ci-batch
  cos-ci-batch completions fish > ~/.config/fish/completions/cos-ci-batch.fish
";
