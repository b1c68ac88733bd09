//! What the tool prints, as named fields: one list per result, written as a JSON object or
//! as a table from the same names, so each field is named once.

use cos_ci_batch::credentials::CredentialSource;
use cos_ci_batch::model::{JobDetail, ServiceTime};
use cos_ci_batch::{Error, ObjectOutcome};

/// A field value.
pub enum Value {
    Null,
    Count(u64),
    Text(String),
    Record(Record),
}

/// Named fields in a fixed order. The names are the tool's stable output interface.
#[derive(Default)]
pub struct Record {
    fields: Vec<(&'static str, Value)>,
}

impl Record {
    pub fn new() -> Self {
        Record::default()
    }

    pub fn fields(&self) -> &[(&'static str, Value)] {
        &self.fields
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn text(&mut self, key: &'static str, value: impl Into<String>) {
        self.fields.push((key, Value::Text(value.into())));
    }

    pub fn optional(&mut self, key: &'static str, value: Option<impl Into<String>>) {
        let value = value.map_or(Value::Null, |v| Value::Text(v.into()));
        self.fields.push((key, value));
    }

    pub fn optional_count(&mut self, key: &'static str, value: Option<u64>) {
        self.fields
            .push((key, value.map_or(Value::Null, Value::Count)));
    }

    pub fn record(&mut self, key: &'static str, value: Record) {
        self.fields.push((key, Value::Record(value)));
    }

    fn time(&mut self, key: &'static str, value: Option<&ServiceTime>) {
        self.optional(key, value.map(ServiceTime::text));
    }
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
    r.optional(
        "workflow_ids",
        operation.and_then(|op| op.workflow_ids.as_deref()),
    );
    r.optional("queue_id", operation.and_then(|op| op.queue_id.as_deref()));
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

/// One object of `rerun-failed`: `planned` (dry run), `triggered` or `failed`, with the
/// failure as [`error_fields`] describe it.
pub fn rerun(object: &str, result: &str, run_id: Option<&str>, error: Option<&Error>) -> Record {
    let mut r = Record::new();
    r.text("object", object);
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
    r.optional(
        "credentials",
        about.credentials.map(ToString::to_string).as_deref(),
    );
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
        Error::WaitDeadline { .. } => "deadline",
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
        Error::OutcomeSourceUnknown { batch_job_id, .. } | Error::NotAWorkflow { batch_job_id } => {
            Some(batch_job_id)
        }
        _ => None,
    }
}
