//! The service's view of the work done on each object: `GET /jobs` and `GET /jobs/<id>` for
//! the media jobs of `Type=Job` batch jobs, `GET /workflowexecution` and
//! `GET /workflowexecution/<runId>` for the runs of `Type=Workflow` ones, and
//! `POST /triggerworkflow`.
//!
//! Where the documents are silent, these are the emulator's guesses: a media job's `Operation`
//! echoes its batch job's `JobParam` and `Output` and, once it succeeded, adds a
//! `MediaResult` whose `ObjectName` is the `Output.Object` with `${InputName}`,
//! `${InputNameNotWithSuffix}`, `${InventoryTriggerJobId}` and `${ext}` filled in; a workflow
//! run has one task, `Transcode_1`, whose media job is the run's; `tag` is required on
//! `GET /jobs` and `workflowId` on `GET /workflowexecution`; a trigger on an unknown
//! workflow is `InvalidArgument`, and one on a missing object runs and fails with
//! `ResourceNotFound`.

use super::listing::{ListParams, Segments, param};
use super::service::{
    self, Answer, ReceivedRequest, code_and_message, error_answer, missing_answer, representable,
    response_answer, time_text, write_status,
};
use super::state::{Snapshot, State, StoredJob, Work, WorkRef};
use crate::model::{Element, JobState, JobType};
use crate::xml::Writer;

/// The bucket and region the emulator answers as (those of `Emulator::client_builder`).
const BUCKET: &str = "emulator-1250000000";
const REGION: &str = "ap-emulator";

/// Where a candidate of a listing comes from.
#[derive(Clone, Copy)]
enum Source {
    Batch(usize),
    Triggered,
}

/// The paging and filter parameters of a listing, and the value of the one it requires; an
/// `InvalidArgument` answer when either is wrong.
fn listing_params<'r>(
    request: &'r ReceivedRequest,
    required: &str,
    request_id: &str,
) -> Result<(ListParams, &'r str), Answer> {
    let invalid = |message: String| error_answer(400, "InvalidArgument", &message, request_id);
    let params = ListParams::read(&request.query).map_err(invalid)?;
    let value = param(&request.query, required)
        .ok_or_else(|| invalid(format!("{required} is required")))?;
    Ok((params, value))
}

pub(super) fn list_media_jobs(
    state: &State,
    request: &ReceivedRequest,
    request_id: &str,
) -> Answer {
    let (params, tag) = match listing_params(request, "tag", request_id) {
        Ok(read) => read,
        Err(refusal) => return refusal,
    };
    let param = |name: &str| param(&request.query, name);
    // Only Type=Job batch jobs start media jobs the emulator lists.
    let batches = batches_of(state, JobType::Job, param("inventoryTriggerJobId"));
    let segments = Segments::new(
        batches
            .iter()
            .map(|&b| (Source::Batch(b), state.jobs[b].work.len())),
    );
    // Read once, not once per media job looked at.
    let (queue, input_object) = (param("queueId"), param("inputObject"));
    // Media jobs a workflow started: the emulator's batch jobs start none.
    let by_workflow = param("workflowId").is_some();
    let (taken, token) = params.page(segments.len(), |n| {
        let (Source::Batch(b), i) = segments.locate(n) else {
            return false;
        };
        let job = &state.jobs[b];
        let work = &job.work[i];
        job.job.tag.as_deref() == Some(tag)
            && queue.is_none_or(|q| operation_text(job, "QueueId") == Some(q))
            && !by_workflow
            && input_object.is_none_or(|o| o == work.object)
            && params.admits(&state.work_snapshot(job, work).state, job.creation_stamp())
    });
    response_answer(request_id, |w| {
        for n in taken {
            if let (Source::Batch(b), i) = segments.locate(n) {
                write_media_job(w, state, &state.jobs[b], &state.jobs[b].work[i]);
            }
        }
        if let Some(token) = &token {
            let _ = w.text("NextToken", token);
        }
    })
}

pub(super) fn describe_media_job(state: &State, id: &str, request_id: &str) -> Answer {
    match state.find_work(id) {
        Some(WorkRef::Batch(b, i)) if state.jobs[b].job.job_type == JobType::Job => {
            response_answer(request_id, |w| {
                write_media_job(w, state, &state.jobs[b], &state.jobs[b].work[i]);
            })
        }
        _ => missing_answer(request_id, id),
    }
}

pub(super) fn list_executions(
    state: &State,
    request: &ReceivedRequest,
    request_id: &str,
) -> Answer {
    let (params, workflow) = match listing_params(request, "workflowId", request_id) {
        Ok(read) => read,
        Err(refusal) => return refusal,
    };
    let param = |name: &str| param(&request.query, name);
    let batch_filter = param("jobId");
    let batches = batches_of(state, JobType::Workflow, batch_filter);
    let triggered = if batch_filter.is_some() {
        0
    } else {
        state.triggered.len()
    };
    let segments = Segments::new(
        batches
            .iter()
            .map(|&b| (Source::Batch(b), state.jobs[b].work.len()))
            .chain([(Source::Triggered, triggered)]),
    );
    let object = param("name");
    let (taken, token) = params.page(segments.len(), |n| {
        let run = Run::of(state, segments.locate(n));
        run.workflow_id == workflow
            && object.is_none_or(|o| o == run.work.object)
            && params.admits(&run.snapshot.state, run.created)
    });
    response_answer(request_id, |w| {
        for n in taken {
            let run = Run::of(state, segments.locate(n));
            w.open("WorkflowExecutionList");
            let _ = w.text("RunId", &run.work.id);
            let _ = w.text("WorkflowId", run.workflow_id);
            let _ = w.text("Object", &representable(&run.work.object));
            let _ = w.text("CreateTime", &time_text(run.created));
            let _ = w.text("State", run.snapshot.state.as_str());
            w.close("WorkflowExecutionList");
        }
        if let Some(token) = &token {
            let _ = w.text("NextToken", token);
        }
    })
}

pub(super) fn describe_execution(state: &State, id: &str, request_id: &str) -> Answer {
    let source = match state.find_work(id) {
        Some(WorkRef::Batch(b, i)) if state.jobs[b].job.job_type == JobType::Workflow => {
            (Source::Batch(b), i)
        }
        Some(WorkRef::Triggered(i)) => (Source::Triggered, i),
        _ => return missing_answer(request_id, id),
    };
    let run = Run::of(state, source);
    response_answer(request_id, |w| {
        w.open("WorkflowExecution");
        let _ = w.text("WorkflowId", run.workflow_id);
        let _ = w.text("Name", &format!("workflow-{}", run.workflow_id));
        let _ = w.text("RunId", &run.work.id);
        let _ = w.text("CreateTime", &time_text(run.created));
        let _ = w.text("Object", &representable(&run.work.object));
        let _ = w.text("State", run.snapshot.state.as_str());
        w.open("Tasks");
        let _ = w.text("Type", "Transcode");
        let _ = w.text("Name", "Transcode_1");
        let _ = w.text("JobId", run.work.task_job_id.as_deref().unwrap_or_default());
        write_status(w, &run.snapshot, &run.work.failure, run.created);
        w.close("Tasks");
        w.close("WorkflowExecution");
    })
}

pub(super) fn trigger(state: &mut State, request: &ReceivedRequest, request_id: &str) -> Answer {
    let invalid = |message: &str| error_answer(400, "InvalidArgument", message, request_id);
    let (Some(workflow), Some(object)) = (
        param(&request.query, "workflowId"),
        param(&request.query, "object"),
    ) else {
        return invalid("workflowId and object are required");
    };
    match state.trigger(workflow, object) {
        Ok(work) => {
            let id = work.id.clone();
            response_answer(request_id, |w| {
                let _ = w.text("InstanceId", &id);
            })
        }
        Err(message) => invalid(&message),
    }
}

/// The batch jobs of `job_type`, oldest first: all of them, or the one with `id`.
fn batches_of(state: &State, job_type: JobType, id: Option<&str>) -> Vec<usize> {
    (0..state.jobs.len())
        .filter(|&b| state.jobs[b].job.job_type == job_type)
        .filter(|&b| id.is_none_or(|id| state.jobs[b].id == id))
        .collect()
}

/// The text of a child of a batch job's Operation.
fn operation_text<'a>(job: &'a StoredJob, name: &str) -> Option<&'a str> {
    job.job
        .operation
        .child(name)
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty())
}

/// One workflow run, wherever it is kept.
struct Run<'a> {
    work: &'a Work,
    workflow_id: &'a str,
    created: time::OffsetDateTime,
    snapshot: Snapshot,
}

impl<'a> Run<'a> {
    fn of(state: &'a State, (source, i): (Source, usize)) -> Self {
        match source {
            Source::Batch(b) => {
                let job = &state.jobs[b];
                Run {
                    work: &job.work[i],
                    workflow_id: job.job.workflow_id.as_deref().unwrap_or_default(),
                    created: job.creation_stamp(),
                    snapshot: state.work_snapshot(job, &job.work[i]),
                }
            }
            Source::Triggered => {
                let run = &state.triggered[i];
                Run {
                    work: &run.work,
                    workflow_id: &run.workflow_id,
                    created: run.created.replace_nanosecond(0).unwrap_or(run.created),
                    snapshot: state.triggered_snapshot(run),
                }
            }
        }
    }
}

fn write_media_job(w: &mut Writer, state: &State, job: &StoredJob, work: &Work) {
    let snapshot = state.work_snapshot(job, work);
    let progress = match snapshot.state {
        JobState::Success => "100",
        JobState::Running => "50",
        _ => "0",
    };
    w.open("JobsDetail");
    let _ = w.text("JobId", &work.id);
    let _ = w.text("Tag", job.job.tag.as_deref().unwrap_or_default());
    write_status(w, &snapshot, &work.failure, job.creation_stamp());
    let _ = w.text("Progress", progress);
    if let Some(queue) = operation_text(job, "QueueId") {
        let _ = w.text("QueueId", queue);
    }
    w.open("Input");
    let _ = w.text("BucketId", BUCKET);
    let _ = w.text("Object", &representable(&work.object));
    let _ = w.text("Region", REGION);
    w.close("Input");
    w.open("Operation");
    for name in ["JobParam", "Output", "UserData", "JobLevel"] {
        if let Some(element) = job.job.operation.child(name) {
            let _ = w.element(element);
        }
    }
    let (code, _) = code_and_message(&snapshot.state, &work.failure);
    if snapshot.state == JobState::Success && code == "Success" {
        if let Some(result) = media_result(job, work) {
            let _ = w.element(&result);
        }
    }
    w.close("Operation");
    w.close("JobsDetail");
}

/// `MediaResult` of a media job that succeeded: the output key its template names.
fn media_result(job: &StoredJob, work: &Work) -> Option<Element> {
    let output = job.job.operation.child("Output")?;
    let template = output.child("Object")?.text.as_str();
    let file = work.object.rsplit('/').next().unwrap_or_default();
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let key = template
        .replace("${InputNameNotWithSuffix}", stem)
        .replace("${InputName}", stem)
        .replace("${InventoryTriggerJobId}", &job.id)
        .replace("${ext}", "mp4");
    let text = |name: &str| {
        output
            .child(name)
            .map(|c| c.text.clone())
            .unwrap_or_default()
    };
    Some(
        Element::new("MediaResult").with_child(
            Element::new("OutputFile")
                .with_child(Element::text("Bucket", text("Bucket")))
                .with_child(Element::text("Region", text("Region")))
                .with_child(Element::text("ObjectName", service::representable(&key))),
        ),
    )
}
