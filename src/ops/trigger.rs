//! `POST /triggerworkflow`: run a workflow once, on one object.

use super::filters::push_set;
use super::{Action, HttpRequest, HttpResponse, Method, read_answer};
use crate::error::{Error, InvalidInput};
use crate::model::Element;
use crate::model::wire::required_id;

/// The path of the trigger action.
pub const TRIGGER_PATH: &str = "/triggerworkflow";

/// Runs workflow `workflow_id` once on `object`: how one object of a `Type=Workflow` batch
/// job is run again. The new run is not tied to any batch job.
///
/// ```
/// use cos_ci_batch::ops::{Action, TriggerWorkflow};
///
/// let request = TriggerWorkflow::new("w1", "videos/a b.mp4")?.request();
/// assert_eq!(request.path_and_query(), "/triggerworkflow?workflowId=w1&object=videos%2Fa%20b.mp4");
/// assert_eq!(request.header("content-length"), Some("0"));
/// # Ok::<(), cos_ci_batch::error::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
pub struct TriggerWorkflow {
    query: Vec<(&'static str, String)>,
}

impl TriggerWorkflow {
    /// Refuses an empty workflow id or object key.
    pub fn new(workflow_id: &str, object: &str) -> Result<Self, InvalidInput> {
        for (element, value) in [("workflowId", workflow_id), ("object", object)] {
            if value.is_empty() {
                return Err(InvalidInput::Empty(element));
            }
        }
        Ok(TriggerWorkflow {
            query: vec![
                ("workflowId", workflow_id.to_owned()),
                ("object", object.to_owned()),
            ],
        })
    }

    /// Sends `name` too (what the service does with it is not documented).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.query.retain(|(n, _)| *n != "name");
        push_set(&mut self.query, "name", Some(name.into()));
        self
    }
}

/// The answer to a trigger: the id of the new run.
///
/// ```
/// use cos_ci_batch::ops::{Action, HttpResponse, TriggerWorkflow};
///
/// let body = b"<Response><RequestId>r</RequestId><InstanceId>i6fc78ca77d6011eba0ac5254008618d9</InstanceId></Response>";
/// let run = TriggerWorkflow::new("w1", "a.mp4")?.parse(&HttpResponse::new(200, body))?;
/// assert_eq!(run.run_id, "i6fc78ca77d6011eba0ac5254008618d9");
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TriggerWorkflowResponse {
    /// The request id.
    pub request_id: Option<String>,
    /// `InstanceId`: the `RunId` of the new run.
    pub run_id: String,
    /// Children of `<Response>` this crate does not name.
    pub extra: Vec<Element>,
}

impl Action for TriggerWorkflow {
    type Response = TriggerWorkflowResponse;

    fn request(&self) -> HttpRequest {
        HttpRequest::new(Method::Post, TRIGGER_PATH.to_owned())
            .with_queries(&self.query)
            .with_empty_body()
    }

    fn parse(&self, response: &HttpResponse) -> Result<TriggerWorkflowResponse, Error> {
        read_answer(response, |answer| {
            let run_id = required_id(answer.root.child_text("InstanceId"), "InstanceId")?;
            Ok(TriggerWorkflowResponse {
                run_id,
                extra: answer.extra(&["InstanceId"]),
                request_id: answer.request_id,
            })
        })
    }
}
