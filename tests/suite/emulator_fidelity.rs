//! The emulator's per-object answers have the documented shapes (issue 16): the element
//! names, their nesting and their order of the reference's samples, compared element by
//! element with the fixtures (values differ: ids and times are the emulator's own).

use std::time::Duration;

use crate::common::fixture;
use crate::emulator::send_raw;
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{
    BatchJob, Element, Input, JobDetail, JobLevel, JobParam, MediaJob, Output, Tag,
};
use cos_ci_batch::ops::{
    Action, DescribeMediaJob, DescribeMediaJobs, DescribeWorkflowExecution, HttpRequest,
};
use cos_ci_batch::sign::KeyTime;
use cos_ci_batch::{Client, Error};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

/// An element tree's names, nesting and order, without its texts: one line per element,
/// indented by depth. `skip` names elements left out with their children.
fn shape(element: &Element, skip: &[&str]) -> String {
    fn walk(e: &Element, depth: usize, skip: &[&str], out: &mut String) {
        if skip.contains(&e.name.as_str()) {
            return;
        }
        out.push_str(&"  ".repeat(depth));
        out.push_str(&e.name);
        out.push('\n');
        for child in &e.children {
            walk(child, depth + 1, skip, out);
        }
    }
    let mut out = String::new();
    walk(element, 0, skip, &mut out);
    out
}

fn shape_of_xml(xml: &str, skip: &[&str]) -> String {
    shape(&Element::from_xml(xml).unwrap(), skip)
}

fn sign(emulator: &Emulator, request: &mut HttpRequest) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    request.sign(
        &emulator.addr().to_string(),
        &emulator.credentials(),
        KeyTime::around(now, 60, 600),
    );
}

/// The emulator's raw answer to `request`, signed with its credentials.
fn raw(emulator: &Emulator, mut request: HttpRequest) -> String {
    sign(emulator, &mut request);
    let (status, body) = send_raw(emulator, &request, |_, _| {});
    assert_eq!(status, 200, "{body}");
    body
}

fn setup() -> (Emulator, Client) {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    for key in ["in/a.mp4", "in/b.mp4"] {
        emulator.put_object(key, emulator.now());
    }
    let client = emulator.client_builder().build().unwrap();
    (emulator, client)
}

/// A finished Workflow batch job over both objects, with its run ids.
fn finished_workflow_batch() -> (Emulator, Client, JobDetail, Vec<String>) {
    let (emulator, client) = setup();
    let batch = client
        .create(&BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")))
        .unwrap()
        .job;
    emulator.advance(Duration::from_secs(10));
    let runs = client
        .outcomes(&batch, &Default::default())
        .unwrap()
        .map(|o| o.unwrap().run_id.unwrap())
        .collect();
    (emulator, client, batch, runs)
}

/// A Transcode batch job as the §3 sample's media job was made: a template, a queue, an
/// output, user data and a level.
fn transcode_batch() -> BatchJob {
    let media = MediaJob::new(Tag::Transcode)
        .job_param(JobParam::new().template_id("t1460606b9752148c4ab182f55163ba7cd"))
        .output(Output::new("ap-emulator", "emulator-1250000000").object("output/out.mp4"))
        .queue_id("p2242ab62c7c94486915508540933a2c6")
        .user_data("This is my data.")
        .job_level(JobLevel::Level0);
    BatchJob::media("hd", media, Input::prefix("in/"))
}

#[test]
fn a_media_job_has_the_shape_of_the_describe_sample_with_its_template_under_operation() {
    let (emulator, client) = setup();
    let batch = client.create(&transcode_batch()).unwrap().job;
    emulator.advance(Duration::from_millis(1500));
    let job = client
        .outcomes(&batch, &Default::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .media_job_id
        .unwrap();
    let body = raw(&emulator, DescribeMediaJob::new(&job).unwrap().request());
    let expected = String::from_utf8(fixture("describe-media-job-response.xml")).unwrap();
    assert_eq!(shape_of_xml(&body, &[]), shape_of_xml(&expected, &[]));
    // Through the client: TemplateId is a child of Operation, with no JobParam wrapper.
    let described = client.describe_media_job(&job).unwrap().job;
    let operation = described.operation.unwrap();
    assert_eq!(
        operation.child("TemplateId").map(|t| t.text.as_str()),
        Some("t1460606b9752148c4ab182f55163ba7cd")
    );
    assert!(operation.child("JobParam").is_none());
}

#[test]
fn a_media_job_list_has_the_shape_of_the_list_sample() {
    let (emulator, client) = setup();
    let batch = client.create(&transcode_batch()).unwrap().job;
    emulator.advance(Duration::from_secs(10));
    let query = cos_ci_batch::ops::MediaJobQuery::new(Tag::Transcode)
        .batch_job_id(batch.job_id)
        .size(1);
    let body = raw(
        &emulator,
        cos_ci_batch::ops::ListMediaJobs::new(&query)
            .unwrap()
            .request(),
    );
    // The sample's first job has succeeded: its MediaResult names one output with its MD5,
    // which the emulator does not compute; and the emulator knows no template names.
    let expected = String::from_utf8(fixture("list-media-jobs-response.xml")).unwrap();
    let sample = Element::from_xml(&expected).unwrap();
    let first_job_and_token = Element::new("Response")
        .with_child(sample.children[0].clone())
        .with_child(sample.children[2].clone());
    assert_eq!(
        shape_of_xml(&body, &[]),
        shape(&first_job_and_token, &["TemplateName", "Md5Info"])
    );
}

#[test]
fn several_media_jobs_are_described_at_once_and_the_missing_ones_named() {
    let (emulator, client) = setup();
    let batch = client.create(&transcode_batch()).unwrap().job;
    let ids: Vec<String> = client
        .outcomes(&batch, &Default::default())
        .unwrap()
        .map(|o| o.unwrap().media_job_id.unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    let asked = [ids[1].as_str(), "j-gone", ids[0].as_str(), "j-lost"];
    let described = client.describe_media_jobs(&asked).unwrap();
    let found: Vec<&str> = described.jobs.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(
        found,
        [ids[1].as_str(), ids[0].as_str()],
        "in the order asked"
    );
    assert_eq!(described.missing, ["j-gone", "j-lost"]);
    // The Python SDK sends the comma escaped; the answer is the same.
    let mut request = DescribeMediaJobs::new([&ids[0], &ids[1]])
        .unwrap()
        .request();
    sign(&emulator, &mut request);
    let (status, body) = send_raw(&emulator, &request, |_, target| {
        *target = target.replace(',', "%2C");
    });
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.matches("<JobsDetail>").count(), 2, "{body}");
    assert!(!body.contains("NonExistJobIds"), "{body}");
    // Eleven is one too many, refused before sending.
    let eleven = vec![ids[0].as_str(); 11];
    let before = emulator.received_count();
    let err = client.describe_media_jobs(&eleven).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid input: 11 job ids asked for; one describe takes 1 to 10"
    );
    assert_eq!(emulator.received_count(), before);
}

#[test]
fn a_workflow_run_has_the_shape_of_the_describe_sample_with_create_time_on_its_tasks() {
    let (emulator, client, batch, runs) = finished_workflow_batch();
    let run = &runs[0];
    let body = raw(
        &emulator,
        DescribeWorkflowExecution::new(run).unwrap().request(),
    );
    // The emulator knows no workflow's nodes (Topology) or produced objects (ResultInfo).
    let expected = String::from_utf8(fixture("describe-workflow-execution-response.xml")).unwrap();
    assert_eq!(
        shape_of_xml(&body, &[]),
        shape_of_xml(&expected, &["Topology", "ResultInfo"])
    );
    let task = &client
        .describe_workflow_execution(run)
        .unwrap()
        .execution
        .tasks[0];
    let created = task.create_time.as_ref().expect("the task's CreateTime");
    assert_eq!(
        created.time(),
        Some(emulator_stamp(&emulator, &batch.job_id))
    );
}

/// The creation time the emulator shows for a batch job.
fn emulator_stamp(emulator: &Emulator, job_id: &str) -> time::OffsetDateTime {
    let client = emulator.client_builder().build().unwrap();
    client
        .describe(job_id)
        .unwrap()
        .job
        .creation_time
        .unwrap()
        .time()
        .unwrap()
}

#[test]
fn a_tasks_media_job_is_described_and_listed_by_its_workflow() {
    let (_emulator, client, batch, runs) = finished_workflow_batch();
    for run in &runs {
        let execution = client.describe_workflow_execution(run).unwrap().execution;
        let task_job = execution.tasks[0].job_id.clone().unwrap();
        let job = client.describe_media_job(&task_job).unwrap().job;
        assert_eq!(job.object(), execution.object.as_deref());
        let workflow = job.workflow.expect("a Workflow element");
        let text = |name: &str| workflow.child(name).map(|c| c.text.clone());
        assert_eq!(text("RunId").as_deref(), Some(run.as_str()));
        assert_eq!(text("WorkflowId").as_deref(), Some(WORKFLOW));
        assert_eq!(text("Name"), execution.tasks[0].name.clone());
        assert_eq!(job.state, execution.state);
    }
    let listed = client
        .list_media_jobs(
            &cos_ci_batch::ops::MediaJobQuery::new(Tag::Transcode)
                .workflow_id(WORKFLOW)
                .batch_job_id(batch.job_id.clone()),
        )
        .unwrap();
    assert_eq!(listed.jobs.len(), runs.len());
    // A run id is not a media job id.
    assert!(matches!(
        client.describe_media_job(&runs[0]),
        Err(Error::JobNotFound { .. })
    ));
}

#[test]
fn media_job_answers_carry_no_request_id_element_as_in_the_samples() {
    let (emulator, client) = setup();
    let batch = client.create(&transcode_batch()).unwrap().job;
    let query = cos_ci_batch::ops::MediaJobQuery::new(Tag::Transcode).batch_job_id(batch.job_id);
    let body = raw(
        &emulator,
        cos_ci_batch::ops::ListMediaJobs::new(&query)
            .unwrap()
            .request(),
    );
    assert!(body.starts_with("<Response><JobsDetail>"), "{body}");
    // The request id is in the header, where the client reads it.
    let page = client.list_media_jobs(&query).unwrap();
    assert!(page.request_id.is_some());
}

#[test]
fn creation_time_bounds_are_strict_for_media_jobs_and_inclusive_for_runs() {
    use cos_ci_batch::ops::{ExecutionQuery, MediaJobQuery};
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow("w1");
    emulator.put_objects(["in/a.mp4"], emulator.now());
    let client = emulator.client_builder().build().unwrap();
    let media =
        cos_ci_batch::model::MediaJob::new(cos_ci_batch::model::Tag::Transcode).template_id("t1");
    let job = client
        .create(&cos_ci_batch::model::BatchJob::media(
            "m",
            media,
            cos_ci_batch::model::Input::prefix("in/"),
        ))
        .unwrap()
        .job;
    let run_batch = client
        .create(&cos_ci_batch::model::BatchJob::workflow(
            "w",
            "w1",
            cos_ci_batch::model::Input::prefix("in/"),
        ))
        .unwrap()
        .job;
    let created = job.creation_time.unwrap().time().unwrap();
    let run_created = run_batch.creation_time.unwrap().time().unwrap();
    let media_at = |after, before| {
        let query = MediaJobQuery::new(cos_ci_batch::model::Tag::Transcode)
            .batch_job_id(job.job_id.clone())
            .created_between(after, before);
        client.list_media_jobs(&query).unwrap().jobs.len()
    };
    let runs_at = |after, before| {
        let query = ExecutionQuery::new("w1")
            .batch_job_id(run_batch.job_id.clone())
            .created_between(after, before);
        client
            .list_workflow_executions(&query)
            .unwrap()
            .executions
            .len()
    };
    let second = time::Duration::seconds(1);
    // On the bound: left out of media jobs ("greater than"), kept among runs ("at or after").
    assert_eq!(media_at(created, created + second), 0);
    assert_eq!(media_at(created - second, created + second), 1);
    assert_eq!(media_at(created - second, created), 0);
    assert_eq!(runs_at(run_created, run_created), 1);
}

#[test]
fn a_batch_jobs_work_can_be_spread_over_seconds_and_answers_delayed() {
    use cos_ci_batch::ops::MediaJobQuery;
    use cos_ci_batch::{OutcomeOptions, WaitOptions};
    let emulator = Emulator::start().unwrap();
    emulator.set_work_per_second(Some(4));
    let keys: Vec<String> = (0..10).map(|i| format!("in/{i:02}.mp4")).collect();
    emulator.put_objects(keys.iter().cloned(), emulator.now());
    let client = emulator.client_builder().build().unwrap();
    let media =
        cos_ci_batch::model::MediaJob::new(cos_ci_batch::model::Tag::Transcode).template_id("t1");
    let job = client
        .create(&cos_ci_batch::model::BatchJob::media(
            "spread",
            media,
            cos_ci_batch::model::Input::prefix("in/"),
        ))
        .unwrap()
        .job;
    emulator.advance(std::time::Duration::from_secs(30));
    let batch = client.describe(&job.job_id).unwrap().job;
    let created: Vec<i64> = client
        .outcomes(&batch, &OutcomeOptions::default())
        .unwrap()
        .map(|o| o.unwrap().created.unwrap().time().unwrap().unix_timestamp())
        .collect();
    let first = created[0];
    let offsets: Vec<i64> = created.iter().map(|t| t - first).collect();
    assert_eq!(offsets, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);
    // The second second alone: media-job bounds are strict.
    let second = time::OffsetDateTime::from_unix_timestamp(first + 1).unwrap();
    let one = time::Duration::seconds(1);
    let query = MediaJobQuery::new(cos_ci_batch::model::Tag::Transcode)
        .batch_job_id(job.job_id.clone())
        .created_between(second - one, second + one);
    assert_eq!(client.list_media_jobs(&query).unwrap().jobs.len(), 4);
    // Every answer waits the latency set.
    emulator.set_latency(std::time::Duration::from_millis(300));
    let started = std::time::Instant::now();
    client.wait(&job.job_id, &WaitOptions::default()).unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}
