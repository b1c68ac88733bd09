//! The model against the reference fixtures: exact emitted bytes, and the typed result of
//! every response fixture, through the public sans-IO operations.

use crate::common::{compact, fixture, t};
use cos_ci_batch::Error;
use cos_ci_batch::error::ResponseError;
use cos_ci_batch::model::{
    BatchJob, Element, Input, JobLevel, JobState, JobType, Tag, TimeInterval,
};
use cos_ci_batch::ops::{
    Action, CancelJob, CreateJob, DescribeJob, HttpResponse, ListJobs, ListQuery,
};

fn interval() -> TimeInterval {
    TimeInterval::between(t("2022-02-01T12:00:00+0800"), t("2022-05-01T12:00:00+0800")).unwrap()
}

include!("../data/go_sdk_job.rs");

fn ok(status: u16, body: &[u8]) -> HttpResponse {
    HttpResponse::new(status, body)
}

#[test]
fn create_job_body_is_byte_exact_with_the_go_sdk_fixture() {
    let expected = fixture("create-job-request.xml");
    let request = CreateJob::new(&go_sdk_job()).unwrap().request();
    assert_eq!(request.body(), &expected[..]);
    assert_eq!(request.header("content-length"), Some("619"));
    assert_eq!(request.header("content-type"), Some("application/xml"));
}

#[test]
fn create_workflow_body_matches_the_doc_fixture() {
    let job = BatchJob::workflow(
        "demo",
        "w7476ff3564ee45b7b490d64bccaba6cc",
        Input::prefix_uploaded("input", interval()),
    );
    assert_eq!(
        job.to_xml().unwrap(),
        compact(&fixture("create-workflow-request.xml"))
    );
}

#[test]
fn create_response_fixture() {
    let op = CreateJob::new(&go_sdk_job()).unwrap();
    let created = op
        .parse(&ok(200, &fixture("create-workflow-response.xml")))
        .unwrap();
    assert_eq!(created.request_id, None, "this doc sample has no RequestId");
    let detail = created.job;
    assert_eq!(detail.job_id, "b3deffea2f84911ec9cb15254008618d9");
    assert_eq!(detail.state, JobState::Running);
    assert_eq!(detail.job_type, Some(JobType::Workflow));
    assert_eq!(detail.name.as_deref(), Some("demo"));
    assert_eq!(detail.code.as_deref(), Some("Success"));
    assert_eq!(detail.message.as_deref(), Some(""));
    let created_at = detail.creation_time.unwrap();
    assert_eq!(created_at.text(), "2022-06-27T15:23:10+0800");
    assert_eq!(created_at.time(), Some(t("2022-06-27T15:23:10+0800")));
    assert_eq!(detail.start_time, None);
    assert_eq!(detail.end_time, None);
    assert_eq!(detail.input.unwrap().prefix.as_deref(), Some("input"));
    let op = detail.operation.unwrap();
    assert_eq!(
        op.workflow_ids.as_deref(),
        Some("w7476ff3564ee45b7b490d64bccaba6cc")
    );
    let echoed = op.time_interval.unwrap();
    assert_eq!(echoed.start.unwrap().time(), interval().start());
    assert_eq!(echoed.end.unwrap().time(), interval().end());
}

#[test]
fn describe_response_fixture_takes_the_header_request_id_first() {
    let op = DescribeJob::new("b3deffea2f84911ec9cb15254008618d9").unwrap();
    let body = fixture("describe-response.xml");
    let from_body = op.parse(&ok(200, &body)).unwrap();
    assert_eq!(
        from_body.request_id.as_deref(),
        Some("NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYQ==")
    );
    assert_eq!(from_body.job.job_id, "b3deffea2f84911ec9cb15254008618d9");
    let from_cos_header = op
        .parse(&ok(200, &body).with_header("X-Cos-Request-Id", "cos"))
        .unwrap();
    assert_eq!(from_cos_header.request_id.as_deref(), Some("cos"));
    let from_ci_header = op
        .parse(
            &ok(200, &body)
                .with_header("X-Cos-Request-Id", "cos")
                .with_header("X-Ci-Request-Id", "ci"),
        )
        .unwrap();
    assert_eq!(from_ci_header.request_id.as_deref(), Some("ci"));
}

#[test]
fn describe_of_an_unknown_id_is_job_not_found_with_its_request_id() {
    let op = DescribeJob::new("bnope").unwrap();
    let body =
        b"<Response><RequestId>r</RequestId><NonExistJobIds>bnope</NonExistJobIds></Response>";
    match op.parse(&ok(200, body)) {
        Err(Error::JobNotFound {
            job_id, request_id, ..
        }) => {
            assert_eq!(
                (job_id.as_str(), request_id.as_deref()),
                ("bnope", Some("r"))
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn list_response_fixture() {
    let op = ListJobs::new(&ListQuery::new()).unwrap();
    let page = op.parse(&ok(200, &fixture("list-response.xml"))).unwrap();
    assert_eq!(page.next_token.as_deref(), Some("25"));
    assert_eq!(page.jobs.len(), 2);
    let job = &page.jobs[1];
    assert_eq!(job.job_id, "be8f65004eb8511eaaed4f377124a303c");
    assert_eq!(job.job_type, Some(JobType::Job));
    let time = |t: &Option<cos_ci_batch::model::ServiceTime>| t.as_ref().unwrap().time();
    assert_eq!(time(&job.start_time), Some(t("2022-06-27T15:23:11+0800")));
    assert_eq!(time(&job.end_time), Some(t("2022-06-27T15:25:10+0800")));
    let op = job.operation.as_ref().unwrap();
    assert_eq!(
        op.job_level.as_ref().unwrap().value(),
        Some(JobLevel::Level0)
    );
    assert_eq!(op.callback.as_deref(), Some("https://www.callback.com"));
    let param = op.job_param.as_ref().unwrap();
    assert_eq!(
        param.child("TemplateId").map(|c| c.text.as_str()),
        Some("t1460606b9752148c4ab182f55163ba7cd")
    );
    assert_eq!(
        op.output
            .as_ref()
            .unwrap()
            .child("Object")
            .map(|c| c.text.as_str()),
        Some("output/${InventoryTriggerJobId}/out.mp4")
    );
}

#[test]
fn empty_or_missing_next_token_ends_paging() {
    let op = ListJobs::new(&ListQuery::new()).unwrap();
    for body in [
        &b"<Response><NextToken></NextToken></Response>"[..],
        b"<Response><NextToken> </NextToken></Response>",
        b"<Response/>",
    ] {
        let page = op.parse(&ok(200, body)).unwrap();
        assert_eq!(page.next_token, None);
        assert!(page.jobs.is_empty());
    }
}

#[test]
fn error_fixture_is_a_typed_service_error_on_any_status() {
    let op = DescribeJob::new("b1").unwrap();
    for status in [200, 403, 503] {
        let err = op
            .parse(
                &ok(status, &fixture("error-response.xml")).with_header("x-ci-request-id", "req-1"),
            )
            .unwrap_err();
        let Error::Service(e) = err else {
            panic!("{err:?}")
        };
        assert_eq!(e.status, status);
        assert_eq!(e.code, "string");
        assert_eq!(e.message, "string");
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert_eq!(e.trace_id.as_deref(), Some("string"));
    }
    // Without the header, the body's RequestId is kept.
    let err = op
        .parse(&ok(400, &fixture("error-response.xml")))
        .unwrap_err();
    assert_eq!(
        err.service_error().unwrap().request_id.as_deref(),
        Some("string")
    );
}

fn described_job(body: &[u8]) -> cos_ci_batch::model::JobDetail {
    DescribeJob::new("b1")
        .unwrap()
        .parse(&ok(200, body))
        .unwrap()
        .job
}

#[test]
fn a_repeated_detail_element_keeps_its_first_value_and_the_copy_goes_to_extra() {
    let job = described_job(
        b"<Response><JobsDetail><JobId>b1</JobId><State>Failed</State><Name>a</Name>\
          <State>Success</State><JobId>b2</JobId></JobsDetail></Response>",
    );
    assert_eq!(job.job_id, "b1");
    assert_eq!(job.state, cos_ci_batch::model::JobState::Failed);
    assert_eq!(job.name.as_deref(), Some("a"));
    let extra: Vec<(&str, &str)> = job
        .extra
        .iter()
        .map(|e| (e.name.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(extra, [("State", "Success"), ("JobId", "b2")]);
}

#[test]
fn every_object_record_keeps_a_repeated_elements_first_value() {
    use cos_ci_batch::ops::{DescribeMediaJob, DescribeWorkflowExecution};
    let media = DescribeMediaJob::new("j1")
        .unwrap()
        .parse(&ok(
            200,
            b"<Response><JobsDetail><JobId>j1</JobId><State>Failed</State><Code>E1</Code>\
              <State>Success</State><Code>E2</Code></JobsDetail></Response>",
        ))
        .unwrap()
        .job;
    assert_eq!(media.state, cos_ci_batch::model::JobState::Failed);
    assert_eq!(media.code.as_deref(), Some("E1"));
    let repeats: Vec<&str> = media.extra.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(repeats, ["Success", "E2"]);

    let run = DescribeWorkflowExecution::new("i1")
        .unwrap()
        .parse(&ok(
            200,
            b"<Response><WorkflowExecution><RunId>i1</RunId><Object>a</Object><Object>b</Object>\
              <Tasks><Type>T</Type></Tasks><Tasks><Type>U</Type></Tasks></WorkflowExecution></Response>",
        ))
        .unwrap()
        .execution;
    assert_eq!(run.object.as_deref(), Some("a"));
    assert_eq!(run.tasks.len(), 2, "Tasks repeat by design");
    assert_eq!(run.extra.len(), 1);
}

#[test]
fn a_runs_workflow_name_is_preferred_to_name_and_the_other_kept() {
    use cos_ci_batch::ops::DescribeWorkflowExecution;
    let run = DescribeWorkflowExecution::new("i1")
        .unwrap()
        .parse(&ok(
            200,
            b"<Response><WorkflowExecution><RunId>i1</RunId><Name>n</Name>\
              <WorkflowName>w</WorkflowName></WorkflowExecution></Response>",
        ))
        .unwrap()
        .execution;
    assert_eq!(run.workflow_name.as_deref(), Some("w"));
    let extra: Vec<(&str, &str)> = run
        .extra
        .iter()
        .map(|e| (e.name.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(extra, [("Name", "n")]);
}

#[test]
fn an_empty_entry_is_skipped_and_one_without_its_id_refused_by_every_action() {
    use cos_ci_batch::model::Tag;
    use cos_ci_batch::ops::{DescribeMediaJob, ListMediaJobs, MediaJobQuery};
    let empty_page = b"<Response><JobsDetail/><NextToken></NextToken></Response>";
    let jobs = ListJobs::new(&ListQuery::new())
        .unwrap()
        .parse(&ok(200, empty_page))
        .unwrap();
    assert!(jobs.jobs.is_empty());
    let media = ListMediaJobs::new(&MediaJobQuery::new(Tag::Transcode))
        .unwrap()
        .parse(&ok(200, empty_page))
        .unwrap();
    assert!(media.jobs.is_empty());

    let missing = b"<Response><JobsDetail/><NonExistJobIds>b9</NonExistJobIds></Response>";
    let batch = DescribeJob::new("b9").unwrap().parse(&ok(200, missing));
    assert!(matches!(batch, Err(Error::JobNotFound { .. })), "{batch:?}");
    let media = DescribeMediaJob::new("b9")
        .unwrap()
        .parse(&ok(200, missing));
    assert!(matches!(media, Err(Error::JobNotFound { .. })), "{media:?}");

    let id_less = b"<Response><JobsDetail><State>Running</State></JobsDetail></Response>";
    let batch = DescribeJob::new("b1").unwrap().parse(&ok(200, id_less));
    assert!(matches!(batch, Err(Error::Response(_))), "{batch:?}");
    let media = DescribeMediaJob::new("j1")
        .unwrap()
        .parse(&ok(200, id_less));
    assert!(matches!(media, Err(Error::Response(_))), "{media:?}");
}

#[test]
fn a_time_written_as_a_dash_is_absent_at_every_level() {
    use cos_ci_batch::ops::DescribeWorkflowExecution;
    let run = DescribeWorkflowExecution::new("i1")
        .unwrap()
        .parse(&ok(
            200,
            b"<Response><WorkflowExecution><RunId>i1</RunId><CreateTime>-</CreateTime>\
              <Tasks><Type>Transcode</Type><StartTime>2024-01-01T00:00:00+08:00</StartTime>\
              <EndTime>-</EndTime></Tasks></WorkflowExecution></Response>",
        ))
        .unwrap()
        .execution;
    assert_eq!(run.create_time, None);
    let task = &run.tasks[0];
    assert_eq!(
        task.start_time.as_ref().map(|t| t.text()),
        Some("2024-01-01T00:00:00+08:00")
    );
    assert_eq!(task.end_time, None);
}

#[test]
fn an_unknown_element_at_every_level_is_kept() {
    let body = br#"<Response><RequestId>r</RequestId><Shard>7</Shard><JobsDetail>
        <JobId>b1</JobId><Progress>50%</Progress><State>Pause</State>
        <Input><Object>k</Object><Url>https://x/y</Url></Input>
        <Operation>
          <TimeInterval><Start>2024-01-01T00:00:00+0800</Start><Duration>60</Duration></TimeInterval>
          <CallBackMqConfig><MqName>q</MqName><MqTopicTag>t</MqTopicTag></CallBackMqConfig>
          <Tag>Snapshot</Tag>
          <JobParam><Snapshot><Mode>Interval</Mode></Snapshot><SmartCover><Count>3</Count></SmartCover></JobParam>
          <Output><Region>r</Region><StreamExtract><Index>1</Index><Object>a</Object><Lang>en</Lang></StreamExtract></Output>
          <FreeTranscode>true</FreeTranscode>
        </Operation></JobsDetail></Response>"#;
    let described = DescribeJob::new("b1")
        .unwrap()
        .parse(&ok(200, body))
        .unwrap();
    assert_eq!(described.extra, [Element::text("Shard", "7")]);
    let detail = described.job;
    assert_eq!(detail.state, JobState::Pause);
    assert_eq!(detail.extra, [Element::text("Progress", "50%")]);
    let input = detail.input.unwrap();
    assert_eq!(input.object.as_deref(), Some("k"));
    assert_eq!(input.extra, [Element::text("Url", "https://x/y")]);
    let op = detail.operation.unwrap();
    assert_eq!(op.tag.as_ref().unwrap().value(), Some(Tag::Snapshot));
    assert_eq!(op.extra, [Element::text("FreeTranscode", "true")]);
    assert_eq!(
        op.time_interval.unwrap().extra,
        [Element::text("Duration", "60")]
    );
    let mq = op.callback_mq_config.unwrap();
    assert_eq!(mq.mq_name.as_deref(), Some("q"));
    assert_eq!(mq.extra, [Element::text("MqTopicTag", "t")]);
    let param = op.job_param.unwrap();
    assert_eq!(
        param
            .children
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["Snapshot", "SmartCover"]
    );
    let extract = op.output.unwrap().child("StreamExtract").unwrap().clone();
    assert_eq!(extract.child("Lang").map(|c| c.text.as_str()), Some("en"));
}

#[test]
fn one_value_the_model_cannot_type_never_fails_the_answer() {
    // Attack 8.2: a JobLevel of 3x, an IgnoreError of 1, times in unseen formats, an unknown
    // state and type: each is kept as text.
    let body = br#"<Response><JobsDetail><JobId>b1</JobId><State>Frozen</State><Type>Batch</Type>
        <CreationTime>2022/06/27 15:23</CreationTime><EndTime>1656314590</EndTime>
        <Operation><JobLevel>3x</JobLevel><QueueType>Turbo</QueueType>
          <TimeInterval><Start>last tuesday</Start></TimeInterval>
          <JobParam><DigitalWatermark><IgnoreError>1</IgnoreError></DigitalWatermark></JobParam>
        </Operation></JobsDetail></Response>"#;
    let detail = described_job(body);
    assert_eq!(detail.state, JobState::Unknown("Frozen".into()));
    assert_eq!(detail.job_type, Some(JobType::Unknown("Batch".into())));
    let created = detail.creation_time.unwrap();
    assert_eq!((created.text(), created.time()), ("2022/06/27 15:23", None));
    assert_eq!(detail.end_time.unwrap().text(), "1656314590");
    let op = detail.operation.unwrap();
    let level = op.job_level.clone().unwrap();
    assert_eq!((level.text(), level.value()), ("3x", None));
    let queue_type = op.queue_type.clone().unwrap();
    assert_eq!((queue_type.text(), queue_type.value()), ("Turbo", None));
    assert_eq!(
        op.time_interval.unwrap().start.unwrap().text(),
        "last tuesday"
    );
    let watermark = op
        .job_param
        .unwrap()
        .child("DigitalWatermark")
        .unwrap()
        .clone();
    assert_eq!(watermark.child("IgnoreError").unwrap().text, "1");
    // The same job in a listing, and so in paging and waiting, reads too.
    let page = ListJobs::new(&ListQuery::new())
        .unwrap()
        .parse(&ok(200, body))
        .unwrap();
    assert_eq!(page.jobs.len(), 1);
}

#[test]
fn unknown_state_is_kept() {
    let body =
        b"<Response><JobsDetail><JobId>b1</JobId><State>Frozen</State></JobsDetail></Response>";
    let detail = described_job(body);
    assert_eq!(detail.state, JobState::Unknown("Frozen".into()));
    assert!(!detail.state.is_final());
}

fn describe_problem(status: u16, body: &[u8]) -> ResponseError {
    match DescribeJob::new("b1").unwrap().parse(&ok(status, body)) {
        Err(Error::Response(failure)) => {
            assert_eq!(failure.status, status);
            failure.problem
        }
        other => panic!("expected an unreadable response, got {other:?}"),
    }
}

#[test]
fn hostile_and_broken_bodies_are_typed_errors() {
    let truncated = describe_problem(200, b"<Response><JobsDetail><JobId>b1");
    assert!(matches!(
        truncated,
        ResponseError::Malformed {
            expected: "Response",
            ..
        }
    ));
    assert!(
        truncated
            .to_string()
            .starts_with("expected a <Response> document, but the body is not well-formed XML: "),
        "{truncated}"
    );
    assert!(matches!(
        describe_problem(200, b""),
        ResponseError::Malformed { .. }
    ));
    assert_eq!(
        describe_problem(200, b"<html><body>502 Bad Gateway</body></html>"),
        ResponseError::UnexpectedRoot {
            expected: "Response",
            found: "html".into()
        }
    );
    assert_eq!(
        describe_problem(502, b"<html><body>502 Bad Gateway</body></html>"),
        ResponseError::UnexpectedStatus
    );
    assert_eq!(
        describe_problem(200, b"\xff\xfe<Response/>"),
        ResponseError::NotUtf8
    );
    let laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Response>&lol2;</Response>"#;
    assert_eq!(describe_problem(200, laughs), ResponseError::DtdRefused);
    let deep = format!(
        "<Response>{}{}</Response>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    assert_eq!(
        describe_problem(200, deep.as_bytes()),
        ResponseError::TooDeep
    );
    assert_eq!(
        describe_problem(
            200,
            b"<Response><JobsDetail><State>Running</State></JobsDetail></Response>"
        ),
        ResponseError::MissingElement("JobId")
    );
    assert!(matches!(
        describe_problem(200, b"<Response>&#0;</Response>"),
        ResponseError::Malformed { .. }
    ));
}

#[test]
fn cancel_accepts_an_empty_2xx_and_refuses_an_error_body() {
    let op = CancelJob::new("b1").unwrap();
    let done = op
        .parse(&ok(200, b"").with_header("x-ci-request-id", "r1"))
        .unwrap();
    assert_eq!(done.request_id.as_deref(), Some("r1"));
    op.parse(&ok(204, b"\r\n")).unwrap();
    let err = op
        .parse(&ok(200, b"<Error><Code>InvalidArgument</Code></Error>"))
        .unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidArgument");
    let err = op.parse(&ok(500, b"")).unwrap_err();
    assert!(
        matches!(&err, Error::Response(f) if f.status == 500 && f.problem == ResponseError::UnexpectedStatus),
        "{err:?}"
    );
}
