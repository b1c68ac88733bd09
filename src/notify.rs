//! Reading the notifications the service sends to a callback URL when work ends (sans-IO):
//! hand [`parse`] the body of a `POST` your receiver got, and its `Content-Type`.
//!
//! What the service documents (tencentcloud.com "Workflow Callback", 436/48042, and the
//! per-job "任务回调" pages such as 436/85059; read in tencentyun/intlcloud-documents
//! @02ec31c):
//! - A media job that ends sends `<Response><EventName>TaskFinish</EventName><JobsDetail>`
//!   with the job as [`crate::Client::describe_media_jobs`] describes it. The older pages show
//!   no `EventName`; both are read.
//! - A workflow run that ends sends `EventName` `WorkflowFinish` and a `WorkflowExecution`
//!   with its `Tasks` (times written `2022-08-09 14:54:17+0800`, with a space).
//! - No notification exists for a batch job (`/inventorytriggerjob`) itself: a `Type=Job`
//!   batch job's `CallBack` settings go to each media job it starts, which sends its own
//!   `TaskFinish`; a `Type=Workflow` one reports through each workflow's own settings.
//! - The format is XML or JSON, as the job's `CallBackFormat` asks. The JSON is an XML
//!   document converted: a repeated element is an array, a single one a value; pages
//!   disagree on whether `JobsDetail` is an array or an object, whether `JobLevel` is a
//!   number or a string, and one wraps everything in `Response`. All of these are read.
//!   The documents say the body is `application/xml` even where the sample is JSON, so the
//!   body's first character decides (`<` or `{`), and the content type only when the body
//!   shows neither.
//! - **Nothing is signed.** No page documents a signature, a header or a source address a
//!   receiver could check, and no SDK verifies anything. Put a secret in the callback URL
//!   (`https://example.com/cos-callback/<random>`) and compare it in constant time
//!   ([`secret_matches`]); treat a notification as a hint to describe the job, not as proof.
//!
//! JSON is read into the same element tree the XML reader builds, so each field is read by
//! one reader for both formats. Reading is lenient, as job details are: unknown elements
//! are kept (a JSON key that cannot be an XML element name is left out), odd values kept as
//! text, characters XML cannot carry replaced by U+FFFD. Only a body that is neither XML
//! nor JSON, one larger than [`MAX_BODY`] (or whose JSON would take more than twice that
//! as XML), one nested too deeply, or a job without its id is an error.
//!
//! ```
//! use cos_ci_batch::notify::{self, Notification};
//!
//! let body = br#"{"EventName":"TaskFinish","JobsDetail":[{"JobId":"j1","State":"Failed",
//!     "Code":"DecodeError","Input":{"Object":"in/a.mp4"}}]}"#;
//! match notify::parse(body, Some("application/json"))? {
//!     Notification::MediaJobs { jobs, .. } => {
//!         assert_eq!((jobs[0].job_id.as_str(), jobs[0].object()), ("j1", Some("in/a.mp4")));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), cos_ci_batch::notify::NotificationError>(())
//! ```

use std::fmt;

use crate::ObjectOutcome;
use crate::json::Json;
use crate::model::{Element, MediaJobDetail, WorkflowExecution};
use crate::xml::{Document, Node};

/// The largest body read. The documented bodies are a few kilobytes; a job with thousands
/// of output files stays far below this.
pub const MAX_BODY: usize = 4 << 20;

/// What a notification says.
///
/// ```
/// use cos_ci_batch::notify::{self, Notification};
///
/// let body = b"<Response><EventName>ReviewImage</EventName><JobsDetail/></Response>";
/// let read = notify::parse(body, None)?;
/// assert!(matches!(&read, Notification::Other { .. }));
/// assert_eq!(read.event(), Some("ReviewImage"));
/// assert!(read.outcomes().is_empty());
/// # Ok::<(), cos_ci_batch::notify::NotificationError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notification {
    /// Media jobs ended (`EventName` `TaskFinish`, or none with a `JobsDetail`): one job, or
    /// several where a page's JSON writes `JobsDetail` as an array of them.
    MediaJobs {
        /// `EventName`, as sent (`None` in the older shape).
        event: Option<String>,
        /// The jobs, each as a described media job.
        jobs: Vec<MediaJobDetail>,
    },
    /// A workflow run ended (`EventName` `WorkflowFinish`).
    WorkflowRun {
        /// `EventName`, as sent.
        event: String,
        /// The run, with its tasks.
        execution: Box<WorkflowExecution>,
    },
    /// An event this crate does not read (`WorkflowStart`, content moderation's `Review*`,
    /// or a future one), kept whole.
    Other {
        /// `EventName`, as sent, if any.
        event: Option<String>,
        /// The whole body as an element tree (its root `Response`).
        body: Element,
    },
}

impl Notification {
    /// What happened to each object the notification is about, as [`crate::Client::outcomes`]
    /// lists it: one record per media job, one for a workflow run (with its first failed
    /// task's code and message), none for an event not read.
    ///
    /// ```
    /// use cos_ci_batch::model::JobState;
    /// use cos_ci_batch::notify;
    ///
    /// let body = b"<Response><EventName>WorkflowFinish</EventName><WorkflowExecution>\
    ///     <RunId>i1</RunId><Object>in/a.mp4</Object><State>Failed</State><Tasks><Type>Transcode</Type>\
    ///     <State>Failed</State><Code>DecodeError</Code><JobId>j1</JobId></Tasks></WorkflowExecution></Response>";
    /// let outcomes = notify::parse(body, None)?.outcomes();
    /// assert_eq!(outcomes[0].object, "in/a.mp4");
    /// assert_eq!((outcomes[0].state.clone(), outcomes[0].code.as_deref()), (JobState::Failed, Some("DecodeError")));
    /// # Ok::<(), cos_ci_batch::notify::NotificationError>(())
    /// ```
    pub fn outcomes(&self) -> Vec<ObjectOutcome> {
        match self {
            Notification::MediaJobs { jobs, .. } => jobs
                .iter()
                .cloned()
                .map(ObjectOutcome::from_media_job)
                .collect(),
            Notification::WorkflowRun { execution, .. } => {
                vec![ObjectOutcome::from_execution(execution)]
            }
            Notification::Other { .. } => Vec::new(),
        }
    }

    /// `EventName`, if the notification has one.
    pub fn event(&self) -> Option<&str> {
        match self {
            Notification::MediaJobs { event, .. } | Notification::Other { event, .. } => {
                event.as_deref()
            }
            Notification::WorkflowRun { event, .. } => Some(event),
        }
    }
}

/// The two formats a notification comes in.
///
/// ```
/// use cos_ci_batch::notify::{format_of, Format};
///
/// assert_eq!(format_of(b"<Response/>", None), Some(Format::Xml));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// XML (`CallBackFormat` `XML`, the default).
    Xml,
    /// JSON (`CallBackFormat` `JSON`).
    Json,
}

/// Why a body is not a notification this crate reads. No variant repeats the body.
///
/// ```
/// use cos_ci_batch::notify::{self, NotificationError};
///
/// assert_eq!(notify::parse(b"hello", None), Err(NotificationError::UnknownFormat));
/// let no_id = b"<Response><EventName>TaskFinish</EventName><JobsDetail><State>Success</State></JobsDetail></Response>";
/// assert_eq!(notify::parse(no_id, None), Err(NotificationError::MissingId("JobId")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationError {
    /// The body is larger than [`MAX_BODY`].
    TooLarge {
        /// Its length.
        bytes: usize,
    },
    /// The body starts with neither `<` nor `{`, and its content type names neither format.
    UnknownFormat,
    /// The body is not XML this crate reads (malformed, not UTF-8, a DTD, too deep).
    NotXml(String),
    /// The body is not JSON this crate reads (malformed, not UTF-8, a repeated key, too
    /// deep, or not an object).
    NotJson(String),
    /// A job or run without its id (`JobId`, `RunId`).
    MissingId(&'static str),
}

impl fmt::Display for NotificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotificationError::TooLarge { bytes } => {
                write!(f, "the notification is {bytes} bytes, more than {MAX_BODY}")
            }
            NotificationError::UnknownFormat => {
                f.write_str("the notification is neither XML nor JSON")
            }
            NotificationError::NotXml(why) => write!(f, "the notification is not XML: {why}"),
            NotificationError::NotJson(why) => write!(f, "the notification is not JSON: {why}"),
            NotificationError::MissingId(element) => {
                write!(f, "the notification has no {element}")
            }
        }
    }
}

impl std::error::Error for NotificationError {}

/// The format of `body`: its first character other than whitespace (or a byte-order mark),
/// else what `content_type` names.
///
/// ```
/// use cos_ci_batch::notify::{format_of, Format};
///
/// // The service labels JSON bodies application/xml too: the body decides.
/// assert_eq!(format_of(b" {\"EventName\":\"x\"}", Some("application/xml")), Some(Format::Json));
/// assert_eq!(format_of(b"", Some("application/json; charset=utf-8")), Some(Format::Json));
/// assert_eq!(format_of(b"hello", None), None);
/// ```
pub fn format_of(body: &[u8], content_type: Option<&str>) -> Option<Format> {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => return Some(Format::Xml),
        Some(b'{') => return Some(Format::Json),
        _ => {}
    }
    let media = content_type?.split(';').next()?.trim().to_ascii_lowercase();
    if media.ends_with("/json") || media.ends_with("+json") {
        Some(Format::Json)
    } else if media.ends_with("/xml") || media.ends_with("+xml") {
        Some(Format::Xml)
    } else {
        None
    }
}

/// Reads a notification: the body of the `POST` the service sent, and its `Content-Type`
/// header if there was one. See the [module documentation](self).
///
/// ```
/// use cos_ci_batch::notify::{self, Notification};
///
/// let body = b"<Response><EventName>TaskFinish</EventName><JobsDetail><JobId>j1</JobId>\
///     <State>Success</State><Input><Object>in/a.mp4</Object></Input></JobsDetail></Response>";
/// let Notification::MediaJobs { jobs, .. } = notify::parse(body, Some("application/xml"))? else {
///     panic!()
/// };
/// assert_eq!(jobs[0].object(), Some("in/a.mp4"));
/// # Ok::<(), cos_ci_batch::notify::NotificationError>(())
/// ```
pub fn parse(body: &[u8], content_type: Option<&str>) -> Result<Notification, NotificationError> {
    if body.len() > MAX_BODY {
        return Err(NotificationError::TooLarge { bytes: body.len() });
    }
    let xml = match format_of(body, content_type).ok_or(NotificationError::UnknownFormat)? {
        Format::Xml => body.to_vec(),
        Format::Json => json_to_xml(body)?.into_bytes(),
    };
    let doc =
        Document::parse(&xml, "Response").map_err(|e| NotificationError::NotXml(e.to_string()))?;
    read(doc.root())
}

/// Whether the secret a request carries (a path segment, say) is `expected`, compared in
/// time that does not depend on where they differ, so that a caller cannot find the
/// secret a byte at a time.
///
/// ```
/// use cos_ci_batch::notify::secret_matches;
///
/// assert!(secret_matches("9f86d081884c7d65", "9f86d081884c7d65"));
/// assert!(!secret_matches("9f86d081884c7d66", "9f86d081884c7d65"));
/// assert!(!secret_matches("", "9f86d081884c7d65"));
/// ```
pub fn secret_matches(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    // Every byte of `expected` is compared whatever `given` holds.
    let mut differ = u8::from(given.len() != expected.len());
    for (i, e) in expected.iter().enumerate() {
        differ |= e ^ given.get(i).copied().unwrap_or(!e);
    }
    differ == 0
}

fn read(root: Node<'_, '_>) -> Result<Notification, NotificationError> {
    let event = root.child_text("EventName");
    let jobs: Vec<Node<'_, '_>> = root
        .children()
        .filter(|c| c.name() == "JobsDetail")
        .collect();
    let execution = root.child("WorkflowExecution");
    match (event.as_deref(), execution) {
        (Some("WorkflowFinish"), Some(run)) => {
            let execution =
                WorkflowExecution::read(&run).map_err(|_| NotificationError::MissingId("RunId"))?;
            Ok(Notification::WorkflowRun {
                event: event.unwrap_or_default(),
                execution: Box::new(execution),
            })
        }
        (Some("TaskFinish") | None, _) if !jobs.is_empty() => {
            let jobs = jobs
                .iter()
                .map(|job| {
                    MediaJobDetail::read(job).map_err(|_| NotificationError::MissingId("JobId"))
                })
                .collect::<Result<_, _>>()?;
            Ok(Notification::MediaJobs { event, jobs })
        }
        _ => Ok(Notification::Other {
            event,
            body: root.to_element(),
        }),
    }
}

/// The JSON document as the XML document it was converted from: the object becomes
/// `<Response>` (or the object under a lone `Response` key, as one page wraps it), each
/// member an element, an array its element repeated, a scalar its text. A key that cannot
/// be an XML name is dropped; a character XML cannot carry becomes U+FFFD.
fn json_to_xml(body: &[u8]) -> Result<String, NotificationError> {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let json = Json::parse(body).map_err(|e| NotificationError::NotJson(e.to_string()))?;
    let json = match &json {
        Json::Object(members) if members.len() == 1 && members[0].0 == "Response" => &members[0].1,
        other => other,
    };
    let Json::Object(members) = json else {
        return Err(NotificationError::NotJson(
            "the document is not an object".into(),
        ));
    };
    let mut out = String::from("<Response>");
    for (key, value) in members {
        write_member(&mut out, key, value)?;
    }
    out.push_str("</Response>");
    Ok(out)
}

/// The most XML a JSON body may convert to. An array repeats its key around each item, so
/// a small body can ask for a large document: twice the largest body is more than any
/// notification needs.
const MAX_CONVERTED: usize = 2 * MAX_BODY;

fn write_member(out: &mut String, key: &str, value: &Json) -> Result<(), NotificationError> {
    if out.len() > MAX_CONVERTED {
        return Err(NotificationError::NotJson(format!(
            "its elements would take more than {MAX_CONVERTED} bytes as XML"
        )));
    }
    if !crate::xml::is_valid_name(key) {
        return Ok(());
    }
    if let Json::Array(items) = value {
        for item in items {
            write_member(out, key, item)?;
        }
        return Ok(());
    }
    out.push('<');
    out.push_str(key);
    out.push('>');
    match value {
        Json::Null | Json::Array(_) => {}
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s) => escape(out, s),
        Json::Object(members) => {
            for (k, v) in members {
                write_member(out, k, v)?;
            }
        }
    }
    out.push_str("</");
    out.push_str(key);
    out.push('>');
    Ok(())
}

/// Appends `text` as XML character data; characters XML 1.0 cannot carry become U+FFFD.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_member_becomes_repeated_elements_and_scalars_text() {
        let xml =
            json_to_xml(br#"{"A":[1,{"B":true}],"C":null,"bad key":"x","D":"<&\u0001>"}"#).unwrap();
        assert_eq!(
            xml,
            "<Response><A>1</A><A><B>true</B></A><C></C><D>&lt;&amp;\u{fffd}&gt;</D></Response>"
        );
    }

    #[test]
    fn a_lone_response_key_is_unwrapped_and_a_non_object_refused() {
        assert_eq!(
            json_to_xml(br#"{"Response":{"EventName":"x"}}"#).unwrap(),
            "<Response><EventName>x</EventName></Response>"
        );
        assert_eq!(
            json_to_xml(b"[1]"),
            Err(NotificationError::NotJson(
                "the document is not an object".into()
            ))
        );
    }

    #[test]
    fn secrets_of_other_lengths_never_match() {
        assert!(!secret_matches("abc", "abcd"));
        assert!(!secret_matches("abcde", "abcd"));
        assert!(secret_matches("", ""));
    }
}
