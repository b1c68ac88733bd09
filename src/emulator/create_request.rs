//! A create body as the service reads it: the emulator's own reader, with the service's
//! checks and its `InvalidArgument` messages naming the element at fault. It keeps the
//! `Input` and `Operation` trees as received, to echo them back as the service does.

use time::OffsetDateTime;

use crate::model::{Element, JobType, ServiceTime};
use crate::xml::{Document, Node, Writer};

/// Which objects a job selects.
pub(crate) enum Selector {
    Prefix(String),
    Object(String),
    Manifest(String),
    UrlFile(String),
}

/// A create request the emulator accepted.
pub(crate) struct CreateRequest {
    pub(crate) name: String,
    pub(crate) job_type: JobType,
    pub(crate) selector: Selector,
    /// `Operation.TimeInterval` (start, end), which only a Prefix input obeys.
    pub(crate) interval: (Option<OffsetDateTime>, Option<OffsetDateTime>),
    /// `WorkflowIds` (Workflow) or `Tag` (Job).
    pub(crate) workflow_id: Option<String>,
    pub(crate) tag: Option<String>,
    pub(crate) input: Element,
    pub(crate) operation: Element,
}

impl CreateRequest {
    /// Reads and checks a body; `Err` is the `InvalidArgument` message.
    pub(crate) fn read(body: &[u8]) -> Result<Self, String> {
        let doc = Document::parse(body, "Request")
            .map_err(|e| format!("the body is not a valid Request: {e}"))?;
        let root = doc
            .expect_root("Request")
            .map_err(|e| format!("the body is not a valid Request: {e}"))?;
        let name = root.child_text("Name").unwrap_or_default();
        check_name(&name).map_err(|why| format!("Request.Name is invalid: {why}"))?;
        // The oldest form of the API had no Type and meant Workflow.
        let job_type = match root.child_text("Type").as_deref().map(str::trim) {
            None | Some("Workflow") => JobType::Workflow,
            Some("Job") => JobType::Job,
            Some(other) => {
                return Err(format!(
                    "Request.Type is invalid: {other:?} is not Workflow or Job"
                ));
            }
        };
        let input = root
            .child("Input")
            .ok_or("Request.Input is invalid: it is missing")?;
        let selector = read_selector(&input)?;
        let operation = root
            .child("Operation")
            .ok_or("Request.Operation is invalid: it is missing")?;
        let text = |name: &str| {
            operation
                .child_text(name)
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
        };
        let (workflow_id, tag) = (text("WorkflowIds"), text("Tag"));
        match job_type {
            JobType::Workflow if workflow_id.is_none() => {
                return Err("Request.Operation.WorkflowIds is invalid: it is missing".into());
            }
            JobType::Job if tag.is_none() => {
                return Err("Request.Operation.Tag is invalid: it is missing".into());
            }
            _ => {}
        }
        if let Some(level) = text("JobLevel") {
            if !matches!(level.as_str(), "0" | "1" | "2") {
                return Err(format!(
                    "Request.Operation.JobLevel is invalid: {level:?} is not 0, 1 or 2"
                ));
            }
        }
        let interval = match operation.child("TimeInterval") {
            Some(node) => read_interval(&node)?,
            None => (None, None),
        };
        Ok(CreateRequest {
            name,
            job_type,
            selector,
            interval,
            workflow_id,
            tag,
            input: echoable(&input)?,
            operation: echoable(&operation)?,
        })
    }
}

/// The most elements an `Input` or `Operation` may hold: a real one holds a few dozen, and
/// every job keeps its trees for as long as the emulator runs.
const MAX_ECHOED_ELEMENTS: usize = 1000;

/// A tree the emulator keeps to echo: refused unless its answers can carry it back whole
/// (the writer's names and depth) and it is small enough to keep.
fn echoable(node: &Node<'_, '_>) -> Result<Element, String> {
    let name = node.name();
    let count = node.element_count();
    if count > MAX_ECHOED_ELEMENTS {
        return Err(format!(
            "Request.{name} is invalid: it holds {count} elements, more than {MAX_ECHOED_ELEMENTS}"
        ));
    }
    let element = node.to_element();
    let mut w = Writer::new();
    w.element(&element)
        .map_err(|e| format!("Request.{name} is invalid: {e}"))?;
    Ok(element)
}

fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    if name.chars().count() > 128 {
        return Err("it has more than 128 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_alphabetic() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err("only letters, digits, '-' and '_' are allowed");
    }
    Ok(())
}

fn read_selector(input: &Node<'_, '_>) -> Result<Selector, String> {
    let mut found = Vec::new();
    for child in input.children() {
        let make: fn(String) -> Selector = match child.name() {
            "Prefix" => Selector::Prefix,
            "Object" => Selector::Object,
            "Manifest" => Selector::Manifest,
            "UrlFile" => Selector::UrlFile,
            _ => continue,
        };
        let value = child.text();
        if value.is_empty() {
            return Err(format!(
                "Request.Input is invalid: {} is empty",
                child.name()
            ));
        }
        found.push(make(value));
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err("Request.Input is invalid: it needs one of Prefix, Object, Manifest or UrlFile".into()),
        _ => Err("Request.Input is invalid: it sets more than one of Prefix, Object, Manifest and UrlFile".into()),
    }
}

type Interval = (Option<OffsetDateTime>, Option<OffsetDateTime>);

fn read_interval(node: &Node<'_, '_>) -> Result<Interval, String> {
    let time = |name: &str| -> Result<Option<OffsetDateTime>, String> {
        let Some(text) = node.child_text(name).filter(|t| !t.trim().is_empty()) else {
            return Ok(None);
        };
        let time = ServiceTime::new(text);
        time.time().map(Some).ok_or_else(|| {
            format!(
                "Request.Operation.TimeInterval is invalid: {name} {:?} is not a time",
                time.text()
            )
        })
    };
    let (start, end) = (time("Start")?, time("End")?);
    if let (Some(start), Some(end)) = (start, end) {
        if start > end {
            return Err(
                "Request.Operation.TimeInterval is invalid: Start is later than End".into(),
            );
        }
    }
    Ok((start, end))
}
