//! What the tool prints, as named fields: one list per result, written as a JSON object or
//! as a table from the same names, so each field is named once.

use cos_ci_batch::credentials::CredentialSource;
use std::borrow::Cow;

use cos_ci_batch::model::{Element, JobDetail, JobState, ServiceTime, format_utc};
use cos_ci_batch::{
    Error, Exchange, ObjectOutcome, OutcomeSummary, Rerun, RerunJob, RerunJobStatus, RerunMethod,
};

/// A field value.
pub enum Value {
    Null,
    Bool(bool),
    Count(u64),
    Text(String),
    /// Values in order, as a JSON array.
    List(Vec<Value>),
    Record(Record),
}

/// Named fields in a fixed order. The names are the tool's stable output interface.
#[derive(Default)]
pub struct Record {
    fields: Vec<(Cow<'static, str>, Value)>,
}

impl Record {
    pub fn new() -> Self {
        Record::default()
    }

    pub fn fields(&self) -> &[(Cow<'static, str>, Value)] {
        &self.fields
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn text(&mut self, key: &'static str, value: impl Into<String>) {
        self.fields.push((key.into(), Value::Text(value.into())));
    }

    pub fn optional(&mut self, key: &'static str, value: Option<impl Into<String>>) {
        let value = value.map_or(Value::Null, |v| Value::Text(v.into()));
        self.fields.push((key.into(), value));
    }

    pub fn flag(&mut self, key: &'static str, value: bool) {
        self.fields.push((key.into(), Value::Bool(value)));
    }

    pub fn optional_count(&mut self, key: &'static str, value: Option<u64>) {
        self.fields
            .push((key.into(), value.map_or(Value::Null, Value::Count)));
    }

    pub fn record(&mut self, key: &'static str, value: Record) {
        self.fields.push((key.into(), Value::Record(value)));
    }

    pub fn list(&mut self, key: &'static str, items: Vec<String>) {
        let items = items.into_iter().map(Value::Text).collect();
        self.fields.push((key.into(), Value::List(items)));
    }

    /// An XML element the service echoed (`JobParam`, `Output`), as a record of its
    /// children by name: a child with children of its own is a record, a leaf its text, and
    /// a name given several times a list, so that no key repeats. `None` gives null.
    pub fn element(&mut self, key: &'static str, element: Option<&Element>) {
        let value = element.map_or(Value::Null, element_value);
        self.fields.push((key.into(), value));
    }

    /// A time as RFC 3339 in UTC (`2026-12-07T05:31:19Z`, which `jq fromdateiso8601`
    /// reads); a text the tool cannot read as a time is shown as the service wrote it.
    fn time(&mut self, key: &'static str, value: Option<&ServiceTime>) {
        self.optional(key, value.map(rfc3339));
    }
}

fn element_value(element: &Element) -> Value {
    if element.children.is_empty() {
        return Value::Text(element.text.clone());
    }
    let mut r = Record::new();
    // Where each name's field is, so that a wide element is read in linear time.
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for child in &element.children {
        let value = element_value(child);
        match at.get(child.name.as_str()) {
            Some(&i) => {
                let slot = &mut r.fields[i].1;
                if let Value::List(items) = slot {
                    items.push(value);
                } else {
                    let first = std::mem::replace(slot, Value::Null);
                    *slot = Value::List(vec![first, value]);
                }
            }
            None => {
                at.insert(&child.name, r.fields.len());
                r.fields.push((Cow::Owned(child.name.clone()), value));
            }
        }
    }
    Value::Record(r)
}

fn rfc3339(time: &ServiceTime) -> String {
    // A time beyond what RFC 3339 writes (years 0000 to 9999, in UTC) is shown as sent.
    time.time()
        .and_then(format_utc)
        .unwrap_or_else(|| time.text().to_owned())
}

/// A batch job: each line of `list`, and with its request id `describe`, `create` and `wait`.
pub fn job(job: &JobDetail) -> Record {
    let operation = job.operation.as_ref();
    let mut r = Record::new();
    r.text("job_id", &job.job_id);
    r.optional("name", job.name.as_deref());
    r.optional("type", job.job_type.as_ref().map(|t| t.as_str()));
    r.text("state", job.state.as_str());
    r.optional("code", job.code.as_deref());
    r.optional("message", job.message.as_deref());
    r.time("creation_time", job.creation_time.as_ref());
    r.time("start_time", job.start_time.as_ref());
    r.time("end_time", job.end_time.as_ref());
    let input = job.input.as_ref();
    let mut selector = Record::new();
    selector.optional("prefix", input.and_then(|i| i.prefix.as_deref()));
    selector.optional("object", input.and_then(|i| i.object.as_deref()));
    selector.optional("manifest", input.and_then(|i| i.manifest.as_deref()));
    selector.optional("url_file", input.and_then(|i| i.url_file.as_deref()));
    r.record("input", selector);
    let interval = operation.and_then(|op| op.time_interval.as_ref());
    let mut uploaded = Record::new();
    uploaded.time("start", interval.and_then(|i| i.start.as_ref()));
    uploaded.time("end", interval.and_then(|i| i.end.as_ref()));
    r.record("time_interval", uploaded);
    r.optional(
        "tag",
        operation.and_then(|op| op.tag.as_ref()).map(|t| t.text()),
    );
    let workflows = operation.and_then(|op| op.workflow_ids.as_deref());
    r.list(
        "workflow_ids",
        workflows.map_or_else(Vec::new, |ids| {
            ids.split(',')
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect()
        }),
    );
    r.optional("queue_id", operation.and_then(|op| op.queue_id.as_deref()));
    r.optional(
        "queue_type",
        operation
            .and_then(|op| op.queue_type.as_ref())
            .map(|t| t.text()),
    );
    r.element("job_param", operation.and_then(|op| op.job_param.as_ref()));
    r.element("output", operation.and_then(|op| op.output.as_ref()));
    r.optional(
        "job_level",
        operation
            .and_then(|op| op.job_level.as_ref())
            .map(|l| l.text()),
    );
    r.optional(
        "user_data",
        operation.and_then(|op| op.user_data.as_deref()),
    );
    let mut callback = Record::new();
    callback.optional("url", operation.and_then(|op| op.callback.as_deref()));
    callback.optional(
        "format",
        operation
            .and_then(|op| op.callback_format.as_ref())
            .map(|f| f.text()),
    );
    callback.optional(
        "type",
        operation
            .and_then(|op| op.callback_type.as_ref())
            .map(|t| t.text()),
    );
    let mq = operation.and_then(|op| op.callback_mq_config.as_ref());
    let mut mq_config = Record::new();
    mq_config.optional("region", mq.and_then(|m| m.mq_region.as_deref()));
    mq_config.optional(
        "mode",
        mq.and_then(|m| m.mq_mode.as_ref()).map(|m| m.text()),
    );
    mq_config.optional("name", mq.and_then(|m| m.mq_name.as_deref()));
    callback.record("mq", mq_config);
    r.record("callback", callback);
    r
}

/// `--verbose`'s line for one request: the exchange in words, or with `--json`
/// `{"request":{...}}`. Neither holds a secret: no header is shown.
pub fn exchange_line(exchange: &Exchange, json: bool) -> String {
    if !json {
        return format!("{}\n", crate::terminal::sanitize(&exchange.to_string()));
    }
    let mut fields = Record::new();
    fields.text("method", exchange.method.as_str());
    fields.text("url", &exchange.url);
    fields.optional_count("status", exchange.status.map(u64::from));
    fields.optional("request_id", exchange.request_id.as_deref());
    fields.optional("failure", exchange.failure.as_deref());
    let millis = u64::try_from(exchange.elapsed.as_millis()).unwrap_or(u64::MAX);
    fields.optional_count("elapsed_ms", Some(millis));
    fields.flag("retry", exchange.retry);
    let mut r = Record::new();
    r.record("request", fields);
    let mut line = String::new();
    crate::json::write_record(&mut line, &r);
    line.push('\n');
    line
}

/// The objects of a batch job counted: `total`, `failed`, how many are in each state, and
/// with `causes` the failures by code.
pub fn summary(summary: &OutcomeSummary, causes: bool) -> Record {
    let mut r = Record::new();
    r.optional_count("total", Some(summary.total));
    r.optional_count("failed", Some(summary.failed));
    let mut states = Record::new();
    let mut other = 0;
    for (state, count) in &summary.counts {
        match JobState::LISTED.iter().find(|known| *known == state) {
            Some(known) => states.optional_count(known.as_str(), Some(*count)),
            None => other += count,
        }
    }
    if other > 0 {
        states.optional_count("other", Some(other));
    }
    r.record("states", states);
    if !causes {
        return r;
    }
    let causes = summary
        .causes
        .iter()
        .map(|cause| {
            let mut c = Record::new();
            c.optional("code", cause.code.as_deref());
            c.optional_count("count", Some(cause.count));
            c.text("object", &cause.example_object);
            c.optional("message", cause.example_message.as_deref());
            Value::Record(c)
        })
        .collect();
    r.fields.push(("causes".into(), Value::List(causes)));
    r
}

/// What happened to one object: each line of `outcomes`.
pub fn outcome(outcome: &ObjectOutcome) -> Record {
    let mut r = Record::new();
    r.text("object", &outcome.object);
    r.text("state", outcome.state.as_str());
    r.optional("code", outcome.code.as_deref());
    r.optional("message", outcome.message.as_deref());
    r.optional("media_job_id", outcome.media_job_id.as_deref());
    r.optional("run_id", outcome.run_id.as_deref());
    r.time("creation_time", outcome.created.as_ref());
    r.time("start_time", outcome.started.as_ref());
    r.time("end_time", outcome.ended.as_ref());
    r
}

/// One object of `rerun-failed` by triggers: `planned` (dry run), `triggered`, `skipped`
/// (a newer run exists: `run_id` is its) or `failed`, with the failure as [`error_fields`]
/// describe it.
pub fn rerun(object: &str, result: &str, run_id: Option<&str>, error: Option<&Error>) -> Record {
    let mut r = Record::new();
    r.text("object", object);
    r.text("method", RerunMethod::Triggers.as_str());
    r.text("result", result);
    r.optional("run_id", run_id);
    match error {
        Some(e) => r.record(
            "error",
            error_fields(
                kind(e),
                &e.to_string(),
                &About {
                    error: Some(e),
                    ..About::default()
                },
            ),
        ),
        None => r.optional("error", None::<String>),
    }
    r
}

/// `rerun-failed` by a batch job (or one an earlier run started): `result` is `created`,
/// `found` (an earlier run started it), `planned` (a dry run) or `none` (nothing left to
/// run); `objects` counts the failed objects, `skipped` those with a newer run, `left_out`
/// those a URL file cannot name.
pub fn rerun_job(rerun: &Rerun) -> Record {
    let job = rerun.batch_job.as_ref();
    let result = match job.map(|j| &j.status) {
        Some(RerunJobStatus::Found(_)) => "found",
        Some(RerunJobStatus::Created(_)) => "created",
        Some(_) => "planned",
        None => "none",
    };
    let found = job.and_then(RerunJob::job);
    let mut r = Record::new();
    r.text("method", RerunMethod::BatchJob.as_str());
    r.text("result", result);
    r.optional_count("objects", Some(rerun.objects as u64));
    r.optional_count("skipped", Some(rerun.skipped.len() as u64));
    r.optional_count("left_out", Some(rerun.errors.len() as u64));
    r.optional("job_id", found.map(|j| j.job_id.as_str()));
    r.optional("state", found.map(|j| j.state.as_str()));
    r.optional("name", job.map(|j| j.name.as_str()));
    r.optional("url_file", job.map(|j| j.url_file.as_str()));
    r
}

/// An error, as `--json` writes it to stderr: `{"error":{...}}`.
pub fn error(kind: &str, message: &str, about: &About) -> Record {
    let mut r = Record::new();
    r.record("error", error_fields(kind, message, about));
    r
}

/// What an error is about, beyond its message.
#[derive(Default)]
pub struct About<'a> {
    /// The library's error, when it is one.
    pub error: Option<&'a Error>,
    /// The batch job it happened to.
    pub job_id: Option<&'a str>,
    /// Where the credentials came from, once a client was built.
    pub credentials: Option<&'a CredentialSource>,
    /// The host the client sent to.
    pub host: Option<&'a str>,
}

/// What an error says, in fields: its kind, the service's code and request id, the job it
/// is about when there is one, and where the credentials came from.
fn error_fields(kind: &str, message: &str, about: &About) -> Record {
    let error = about.error;
    let service = error.and_then(Error::service_error);
    let mut r = Record::new();
    r.text("kind", kind);
    r.text("message", message);
    r.optional("code", service.map(|s| s.code.as_str()));
    r.optional_count(
        "http_status",
        error.and_then(Error::http_status).map(u64::from),
    );
    r.optional("request_id", error.and_then(Error::request_id));
    let attempts = error.map(Error::attempts).filter(|n| *n > 0);
    r.optional_count("attempts", attempts.map(u64::from));
    r.optional("job_id", about.job_id.or_else(|| error.and_then(job_of)));
    // Only where the credentials may be the cause, as the line for people says it.
    let credentials = about
        .credentials
        .filter(|_| error.is_some_and(about_credentials));
    r.optional("credentials", credentials.map(ToString::to_string));
    r
}

/// Whether an error may come from the credentials: none to sign with, or a refusal of the
/// signature, the key or the token.
pub fn about_credentials(error: &Error) -> bool {
    match error {
        Error::Credentials(_) => true,
        _ => error.service_error().is_some_and(|e| {
            matches!(e.status, 401 | 403)
                || [
                    "Token",
                    "Signature",
                    "Secretid",
                    "AccessDenied",
                    "Authorization",
                ]
                .iter()
                .any(|word| e.code.contains(word))
        }),
    }
}

/// The `kind` of an error in `--json`: one word per variant of the library's error.
pub fn kind(error: &Error) -> &'static str {
    match error {
        Error::InvalidInput(_) => "invalid_input",
        Error::Config(_) => "config",
        Error::Credentials(_) => "credentials",
        Error::Service(_) => "service",
        Error::Response(_) => "response",
        Error::Transport(_) => "transport",
        Error::JobNotFound { .. } => "not_found",
        Error::CreateOutcomeUnknown { .. } => "create_outcome_unknown",
        Error::WaitDeadline { .. } | Error::ObjectWorkDeadline { .. } => "deadline",
        Error::PagingLoop { .. } => "paging_loop",
        Error::OutcomeSourceUnknown { .. } => "outcome_source_unknown",
        Error::NotAWorkflow { .. } => "not_a_workflow",
        Error::EmptyPages { .. } => "empty_pages",
        _ => "other",
    }
}

/// The batch job an error is about, when it names one.
fn job_of(error: &Error) -> Option<&str> {
    match error {
        Error::JobNotFound { job_id, .. } | Error::WaitDeadline { job_id, .. } => Some(job_id),
        Error::ObjectWorkDeadline { batch_job_id, .. } => Some(batch_job_id),
        Error::OutcomeSourceUnknown { batch_job_id, .. } | Error::NotAWorkflow { batch_job_id } => {
            Some(batch_job_id)
        }
        _ => None,
    }
}
