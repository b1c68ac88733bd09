//! The service's view of the work done on each object: `GET /jobs` and `GET /jobs/<id>` for
//! the media jobs of `Type=Job` batch jobs, `GET /workflowexecution` and
//! `GET /workflowexecution/<runId>` for the runs of `Type=Workflow` ones, and
//! `POST /triggerworkflow`.
//!
//! Where the documents are silent, these are the emulator's guesses: a media job of a
//! `Type=Job` batch job has under `Operation` its batch job's `JobParam` children
//! (`TemplateId` first, no `TemplateName`: the emulator knows no templates), then `Output`,
//! `UserData` and `JobLevel`, and once it succeeded a `MediaResult` whose `ObjectName` is the
//! `Output.Object` with `${InputName}`, `${InputNameNotWithSuffix}`,
//! `${InventoryTriggerJobId}` and `${ext}` filled in. A workflow run has one task,
//! `Transcode_1`, whose media job (tag `Transcode`, its run's state and times, a `Workflow`
//! element and no `Operation`: the emulator knows no workflow's nodes) is listed and
//! described like any other; it is listed under its batch job's `inventoryTriggerJobId`
//! too. `tag` is required on `GET /jobs` and `workflowId` on `GET /workflowexecution`;
//! `GET /jobs/<ids>` takes up to 10 ids joined by `,` (more is `InvalidArgument`) and names
//! the missing ones in one `NonExistJobIds`, joined by `,`; a trigger on an unknown workflow
//! is `InvalidArgument`, and one on a missing object runs and fails with
//! `ResourceNotFound`.

use super::listing::{ListParams, Segments, param};
use super::service::{
    self, Answer, ReceivedRequest, StatusText, bare_response_answer, code_and_message,
    error_answer, missing_answer, representable, response_answer, time_text,
};
use super::state::{Snapshot, State, StoredJob, Work, WorkRef, task_job_id};
use crate::model::{Element, JobState, JobType};
use crate::xml::Writer;

/// The bucket and region the emulator answers as (those of `Emulator::client_builder`).
const BUCKET: &str = "emulator-1250000000";
const REGION: &str = "ap-emulator";

/// The node, and the tag of the media job, of a run's one task.
const TASK_NODE: &str = "Transcode_1";
const TASK_TAG: &str = "Transcode";

/// The most ids one `GET /jobs/<ids>` takes (DOC-JOB1).
const MAX_DESCRIBED: usize = 10;

/// Where a candidate of a listing comes from.
#[derive(Clone, Copy)]
enum Source {
    Batch(usize),
    /// The triggered runs from this index on.
    Triggered(usize),
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
        Ok((params, tag)) => (params.strict_bounds(), tag),
        Err(refusal) => return refusal,
    };
    let param = |name: &str| param(&request.query, name);
    let segments = candidates(state, param("inventoryTriggerJobId"), None);
    // Read once, not once per media job looked at.
    let (queue, input_object, workflow) =
        (param("queueId"), param("inputObject"), param("workflowId"));
    // Work spread over time (`set_work_per_second`) is listed once it has been created.
    let now = state.clock.now();
    let match_job = |n| {
        let job = MediaJob::of(state, segments.locate(n));
        job.created <= now
            && job.tag == tag
            && queue.is_none_or(|q| job.queue_id() == Some(q))
            && workflow.is_none_or(|w| job.workflow_id == Some(w))
            && input_object.is_none_or(|o| o == job.work.object)
            && params.admits(&job.snapshot.state, job.created)
    };
    // One batch job's work is in creation order: its window is found, not scanned for.
    let (taken, token) = match param("inventoryTriggerJobId") {
        Some(_) => params.page_in_creation_order(
            segments.len(),
            |n| MediaJob::of(state, segments.locate(n)).created,
            match_job,
        ),
        None => params.page(segments.len(), match_job),
    };
    bare_response_answer(|w| {
        for n in taken {
            write_media_job(w, &MediaJob::of(state, segments.locate(n)));
        }
        if let Some(token) = &token {
            let _ = w.text("NextToken", token);
        }
    })
}

/// `GET /jobs/<ids>`: up to 10 ids joined by `,`, each a batch job's media job or a run's
/// task; the ones that exist in the order asked, then the others in one `NonExistJobIds`.
pub(super) fn describe_media_jobs(state: &State, ids: &str, request_id: &str) -> Answer {
    let ids: Vec<&str> = ids.split(',').collect();
    if ids.len() > MAX_DESCRIBED {
        return error_answer(
            400,
            "InvalidArgument",
            &format!("at most {MAX_DESCRIBED} job ids at a time"),
            request_id,
        );
    }
    let locate = |id: &str| match state.find_work(id) {
        Some(WorkRef::Batch(b, i)) if state.jobs[b].job.job_type == JobType::Job => {
            Some((Source::Batch(b), i))
        }
        Some(_) => None,
        None => match state.find_task(id)? {
            WorkRef::Batch(b, i) => Some((Source::Batch(b), i)),
            WorkRef::Triggered(i) => Some((Source::Triggered(0), i)),
        },
    };
    let (found, missing): (Vec<_>, Vec<_>) = ids
        .iter()
        .map(|&id| (id, locate(id)))
        .partition(|(_, at)| at.is_some());
    bare_response_answer(|w| {
        for at in found.into_iter().filter_map(|(_, at)| at) {
            write_media_job(w, &MediaJob::of(state, at));
        }
        if !missing.is_empty() {
            let missing: Vec<&str> = missing.into_iter().map(|(id, _)| id).collect();
            let _ = w.text("NonExistJobIds", &representable(&missing.join(",")));
        }
    })
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
    let segments = candidates(state, param("jobId"), Some(&JobType::Workflow));
    let object = param("name");
    let now = state.clock.now();
    let match_run = |n| {
        let run = Run::of(state, segments.locate(n));
        run.created <= now
            && run.workflow_id == workflow
            && object.is_none_or(|o| o == run.work.object)
            && params.admits(&run.snapshot.state, run.created)
    };
    let (taken, token) = match param("jobId") {
        Some(_) => params.page_in_creation_order(
            segments.len(),
            |n| Run::of(state, segments.locate(n)).created,
            match_run,
        ),
        None => params.page(segments.len(), match_run),
    };
    response_answer(request_id, |w| {
        for n in taken {
            let run = Run::of(state, segments.locate(n));
            w.open("WorkflowExecutionList");
            let _ = w.text("RunId", &run.work.id());
            let _ = w.text("WorkflowId", run.workflow_id);
            let _ = w.text("Object", &representable(run.work.object));
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
        Some(WorkRef::Triggered(i)) => (Source::Triggered(0), i),
        _ => return missing_answer(request_id, id),
    };
    let run = Run::of(state, source);
    response_answer(request_id, |w| write_execution(w, &run))
}

/// A run in the order of the DOC-WE sample (object-results-api.md 5.2).
fn write_execution(w: &mut Writer, run: &Run<'_>) {
    let status = StatusText::new(&run.snapshot, run.work.failure, run.created);
    w.open("WorkflowExecution");
    let _ = w.text("WorkflowId", run.workflow_id);
    let _ = w.text("Name", &workflow_name(run.workflow_id));
    let _ = w.text("RunId", &run.work.id());
    let _ = w.text("CreateTime", &status.created);
    let _ = w.text("Object", &representable(run.work.object));
    let _ = w.text("State", &status.state);
    w.open("Tasks");
    let _ = w.text("Type", TASK_TAG);
    let _ = w.text("JobId", &task_job_id(&run.work.id()));
    let _ = w.text("CreateTime", &status.created);
    let _ = w.text("Name", TASK_NODE);
    let _ = w.text("State", &status.state);
    let _ = w.text("StartTime", &status.start);
    let _ = w.text("EndTime", &status.end);
    let _ = w.text("Code", status.code);
    let _ = w.text("Message", &status.message);
    w.close("Tasks");
    w.close("WorkflowExecution");
}

/// A notification due: where it goes, in which format, and the `<Response>` document.
pub(super) struct Due {
    pub(super) url: String,
    pub(super) json: bool,
    pub(super) event: &'static str,
    pub(super) xml: String,
}

/// The notifications due now, each once: a `TaskFinish` for each ended media job of a
/// `Type=Job` batch job with a `CallBack` URL, and a `WorkflowFinish` for each ended run of
/// a workflow given a callback ([`super::Emulator::set_workflow_callback`]).
pub(super) fn due_notifications(state: &mut State) -> Vec<Due> {
    let mut due = Vec::new();
    let mut reported = Vec::new();
    let document = |event: &str, write: &dyn Fn(&mut Writer)| {
        let mut w = Writer::new();
        w.open("Response");
        let _ = w.text("EventName", event);
        write(&mut w);
        w.close("Response");
        w.finish()
    };
    for (b, job) in state.jobs.iter().enumerate() {
        let target = match job.job.job_type {
            JobType::Job => media_callback(job),
            JobType::Workflow => job
                .job
                .workflow_id
                .as_deref()
                .and_then(|w| state.workflow_callbacks.get(w).cloned()),
            _ => None,
        };
        let Some((url, json)) = target else { continue };
        for i in 0..job.work_count() {
            // By number: no id is formatted for work already reported.
            let number = state.work(job, i).number();
            if state.notified.contains(&number) || !state.work_snapshot(job, i).state.is_final() {
                continue;
            }
            let at = (Source::Batch(b), i);
            let (event, xml) = match job.job.job_type {
                JobType::Job => (
                    "TaskFinish",
                    document("TaskFinish", &|w| {
                        write_media_job(w, &MediaJob::of(state, at))
                    }),
                ),
                _ => (
                    "WorkflowFinish",
                    document("WorkflowFinish", &|w| {
                        write_execution(w, &Run::of(state, at))
                    }),
                ),
            };
            due.push(Due {
                url: url.clone(),
                json,
                event,
                xml,
            });
            reported.push(number);
        }
    }
    for (i, run) in state.triggered.iter().enumerate() {
        let Some((url, json)) = state.workflow_callbacks.get(&run.workflow_id).cloned() else {
            continue;
        };
        let number = run.number();
        if state.notified.contains(&number) || !state.triggered_snapshot(run).state.is_final() {
            continue;
        }
        let xml = document("WorkflowFinish", &|w| {
            write_execution(w, &Run::of(state, (Source::Triggered(0), i)))
        });
        due.push(Due {
            url,
            json,
            event: "WorkflowFinish",
            xml,
        });
        reported.push(number);
    }
    state.notified.extend(reported);
    due
}

/// Where a `Type=Job` batch job's media jobs report their ends: its `CallBack` URL (not
/// `no`, which turns the queue's callback off, nor a TDMQ queue, which the emulator does not
/// play), and whether it asked for JSON.
fn media_callback(job: &StoredJob) -> Option<(String, bool)> {
    let url = operation_text(job, "CallBack")?;
    let tdmq = operation_text(job, "CallBackType").is_some_and(|t| t.eq_ignore_ascii_case("TDMQ"));
    if url == "no" || tdmq {
        return None;
    }
    let json =
        operation_text(job, "CallBackFormat").is_some_and(|f| f.eq_ignore_ascii_case("JSON"));
    Some((url.to_owned(), json))
}

/// The name the emulator gives workflow `id`.
fn workflow_name(id: &str) -> String {
    format!("workflow-{id}")
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
        Ok(id) => response_answer(request_id, |w| {
            let _ = w.text("InstanceId", &id);
        }),
        Err(message) => invalid(&message),
    }
}

/// The work a listing looks through, oldest first: the batch jobs' (of `job_type`, when
/// given), all of them or the one with id `batch`, and, without `batch`, the triggered runs
/// when runs are listed, in the order their numbers were given. Work made later always
/// comes after, so that a paging token (a position) keeps its place while others create.
fn candidates(state: &State, batch: Option<&str>, job_type: Option<&JobType>) -> Segments<Source> {
    let with_triggered = batch.is_none() && job_type != Some(&JobType::Job);
    let mut parts = Vec::new();
    let mut next_triggered = 0;
    let mut triggered_before = |number: u64, parts: &mut Vec<(Source, usize)>| {
        if !with_triggered {
            return;
        }
        let first = next_triggered;
        while next_triggered < state.triggered.len()
            && state.triggered[next_triggered].number() < number
        {
            next_triggered += 1;
        }
        if next_triggered > first {
            parts.push((Source::Triggered(first), next_triggered - first));
        }
    };
    for (b, job) in state.jobs.iter().enumerate() {
        if job_type.is_some_and(|t| job.job.job_type != *t) || batch.is_some_and(|id| job.id != id)
        {
            continue;
        }
        triggered_before(job.first_work(), &mut parts);
        parts.push((Source::Batch(b), job.work_count()));
    }
    triggered_before(u64::MAX, &mut parts);
    Segments::new(parts)
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
    work: Work<'a>,
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
                    work: state.work(job, i),
                    workflow_id: job.job.workflow_id.as_deref().unwrap_or_default(),
                    created: state.work_created(job, i),
                    snapshot: state.work_snapshot(job, i),
                }
            }
            Source::Triggered(first) => {
                let run = &state.triggered[first + i];
                Run {
                    work: state.triggered_work(run),
                    workflow_id: &run.workflow_id,
                    created: run.created.replace_nanosecond(0).unwrap_or(run.created),
                    snapshot: state.triggered_snapshot(run),
                }
            }
        }
    }
}

/// A media job, wherever it comes from: the work of a `Type=Job` batch job on one object,
/// or the one task of a workflow run.
struct MediaJob<'a> {
    work: Work<'a>,
    tag: &'a str,
    /// The `Type=Job` batch job whose Operation the job echoes.
    batch: Option<&'a StoredJob>,
    /// The workflow of a run's task.
    workflow_id: Option<&'a str>,
    created: time::OffsetDateTime,
    snapshot: Snapshot,
}

impl<'a> MediaJob<'a> {
    fn of(state: &'a State, (source, i): (Source, usize)) -> Self {
        if let Source::Batch(b) = source {
            let job = &state.jobs[b];
            if job.job.job_type == JobType::Job {
                return MediaJob {
                    work: state.work(job, i),
                    tag: job.job.tag.as_deref().unwrap_or_default(),
                    batch: Some(job),
                    workflow_id: None,
                    created: state.work_created(job, i),
                    snapshot: state.work_snapshot(job, i),
                };
            }
        }
        let run = Run::of(state, (source, i));
        MediaJob {
            work: run.work,
            tag: TASK_TAG,
            batch: None,
            workflow_id: Some(run.workflow_id),
            created: run.created,
            snapshot: run.snapshot,
        }
    }

    fn id(&self) -> String {
        match self.workflow_id {
            Some(_) => task_job_id(&self.work.id()),
            None => self.work.id(),
        }
    }

    fn queue_id(&self) -> Option<&'a str> {
        operation_text(self.batch?, "QueueId")
    }
}

/// A media job in the order of the DOC-MJOBS and DOC-JOB1 samples (object-results-api.md
/// 2.5 and 3).
fn write_media_job(w: &mut Writer, job: &MediaJob<'_>) {
    let status = StatusText::new(&job.snapshot, job.work.failure, job.created);
    let progress = match job.snapshot.state {
        JobState::Success => "100",
        JobState::Running => "50",
        _ => "0",
    };
    w.open("JobsDetail");
    let _ = w.text("Code", status.code);
    let _ = w.text("Message", &status.message);
    let _ = w.text("JobId", &job.id());
    let _ = w.text("State", &status.state);
    let _ = w.text("Progress", progress);
    let _ = w.text("CreationTime", &status.created);
    let _ = w.text("StartTime", &status.start);
    let _ = w.text("EndTime", &status.end);
    if let Some(queue) = job.queue_id() {
        let _ = w.text("QueueId", queue);
    }
    let _ = w.text("Tag", job.tag);
    w.open("Input");
    let _ = w.text("BucketId", BUCKET);
    let _ = w.text("Object", &representable(job.work.object));
    let _ = w.text("Region", REGION);
    w.close("Input");
    if let Some(batch) = job.batch {
        write_media_operation(w, batch, job);
    }
    if let Some(workflow_id) = job.workflow_id {
        w.open("Workflow");
        let _ = w.text("RunId", &job.work.id());
        let _ = w.text("WorkflowId", workflow_id);
        let _ = w.text("WorkflowName", &workflow_name(workflow_id));
        let _ = w.text("Name", TASK_NODE);
        w.close("Workflow");
    }
    w.close("JobsDetail");
}

/// A `Type=Job` media job's `Operation`: its batch job's `JobParam` children unwrapped
/// (`TemplateId` first), `Output`, `UserData`, `JobLevel`, and `MediaResult` once done.
fn write_media_operation(w: &mut Writer, batch: &StoredJob, job: &MediaJob<'_>) {
    let operation = &batch.job.operation;
    w.open("Operation");
    if let Some(param) = operation.child("JobParam") {
        let template = param.children.iter().filter(|c| c.name == "TemplateId");
        let rest = param.children.iter().filter(|c| c.name != "TemplateId");
        for element in template.chain(rest) {
            let _ = w.element(element);
        }
    }
    for name in ["Output", "UserData", "JobLevel"] {
        if let Some(element) = operation.child(name) {
            let _ = w.element(element);
        }
    }
    let (code, _) = code_and_message(&job.snapshot.state, job.work.failure);
    if job.snapshot.state == JobState::Success && code == "Success" {
        if let Some(result) = media_result(batch, job.work) {
            let _ = w.element(&result);
        }
    }
    w.close("Operation");
}

/// `MediaResult` of a media job that succeeded: the output key its template names.
fn media_result(job: &StoredJob, work: Work<'_>) -> Option<Element> {
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
