//! The model against the reference fixtures: exact emitted bytes, and the typed result of
//! every response fixture, through the public sans-IO operations.

mod common;

use common::{compact, fixture, t};
use cos_ci_batch::Error;
use cos_ci_batch::error::ResponseError;
use cos_ci_batch::model::{
    BatchJob, Element, Input, JobParam, JobState, JobType, Operation, Output, TimeInterval,
};
use cos_ci_batch::ops::{CancelJob, CreateJob, DescribeJob, ListJobs, ListQuery, Operation as _};

fn go_sdk_job() -> BatchJob {
    BatchJob {
        name: "demo".into(),
        job_type: JobType::Job,
        input: Input::prefix("input"),
        operation: Operation {
            time_interval: Some(TimeInterval {
                start: Some(t("2022-02-01T12:00:00+0800")),
                end: Some(t("2022-05-01T12:00:00+0800")),
            }),
            queue_id: Some("p893bcda225bf4945a378da6662e81a89".into()),
            user_data: Some("this is my inventorytriggerjob".into()),
            job_level: Some(1),
            callback: Some("https://www.callback.com".into()),
            tag: Some("Transcode".into()),
            job_param: Some(JobParam {
                template_id: Some("t1460606b9752148c4ab182f55163ba7cd".into()),
                ..JobParam::default()
            }),
            output: Some(Output::new(
                "ap-chongqing",
                "test-1234567890",
                "output/${InventoryTriggerJobId}/out.mp4",
            )),
            ..Operation::default()
        },
    }
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
        Input::prefix("input"),
    )
    .with_time_interval(t("2022-02-01T12:00:00+0800"), t("2022-05-01T12:00:00+0800"));
    assert_eq!(
        job.to_xml().unwrap(),
        compact(&fixture("create-workflow-request.xml"))
    );
}

#[test]
fn request_fixtures_parse_back_into_the_model() {
    let parsed = BatchJob::from_xml(&fixture("create-job-request.xml")).unwrap();
    assert_eq!(parsed, go_sdk_job());
    let workflow = BatchJob::from_xml(&fixture("create-workflow-request.xml")).unwrap();
    assert_eq!(
        workflow.operation.workflow_ids.as_deref(),
        Some("w7476ff3564ee45b7b490d64bccaba6cc")
    );
}

#[test]
fn create_response_fixture() {
    let op = CreateJob::new(&go_sdk_job()).unwrap();
    let detail = op
        .parse(200, &[], &fixture("create-workflow-response.xml"))
        .unwrap();
    assert_eq!(detail.job_id, "b3deffea2f84911ec9cb15254008618d9");
    assert_eq!(detail.state, JobState::Running);
    assert_eq!(detail.job_type, Some(JobType::Workflow));
    assert_eq!(detail.name.as_deref(), Some("demo"));
    assert_eq!(detail.code.as_deref(), Some("Success"));
    assert_eq!(detail.message.as_deref(), Some(""));
    assert_eq!(detail.creation_time, Some(t("2022-06-27T15:23:10+0800")));
    assert_eq!(detail.start_time, None);
    assert_eq!(detail.end_time, None);
    assert_eq!(detail.input, Some(Input::prefix("input")));
    let op = detail.operation.unwrap();
    assert_eq!(
        op.workflow_ids.as_deref(),
        Some("w7476ff3564ee45b7b490d64bccaba6cc")
    );
    assert_eq!(
        op.time_interval,
        Some(TimeInterval {
            start: Some(t("2022-02-01T12:00:00+0800")),
            end: Some(t("2022-05-01T12:00:00+0800")),
        })
    );
}

#[test]
fn describe_response_fixture_takes_the_header_request_id_first() {
    let op = DescribeJob::new("b3deffea2f84911ec9cb15254008618d9").unwrap();
    let body = fixture("describe-response.xml");
    let from_body = op.parse(200, &[], &body).unwrap();
    assert_eq!(
        from_body.request_id.as_deref(),
        Some("NjJiZDU1ZmZfOTBmYTUwNjRfNzdjY18xYQ==")
    );
    assert!(from_body.non_exist_job_ids.is_empty());
    assert_eq!(
        from_body.job.unwrap().job_id,
        "b3deffea2f84911ec9cb15254008618d9"
    );
    let from_header = op.parse(200, &[("X-Ci-Request-Id", "hdr")], &body).unwrap();
    assert_eq!(from_header.request_id.as_deref(), Some("hdr"));
}

#[test]
fn describe_of_an_unknown_id_reports_non_exist_job_ids() {
    let op = DescribeJob::new("bnope").unwrap();
    let body =
        b"<Response><RequestId>r</RequestId><NonExistJobIds>bnope</NonExistJobIds></Response>";
    let described = op.parse(200, &[], body).unwrap();
    assert_eq!(described.job, None);
    assert_eq!(described.non_exist_job_ids, ["bnope"]);
}

#[test]
fn list_response_fixture() {
    let op = ListJobs::new(&ListQuery::new()).unwrap();
    let page = op.parse(200, &[], &fixture("list-response.xml")).unwrap();
    assert_eq!(page.next_token.as_deref(), Some("25"));
    assert_eq!(page.jobs.len(), 2);
    let job = &page.jobs[1];
    assert_eq!(job.job_id, "be8f65004eb8511eaaed4f377124a303c");
    assert_eq!(job.job_type, Some(JobType::Job));
    assert_eq!(job.start_time, Some(t("2022-06-27T15:23:11+0800")));
    assert_eq!(job.end_time, Some(t("2022-06-27T15:25:10+0800")));
    let op = job.operation.as_ref().unwrap();
    assert_eq!(op.job_level, Some(0));
    assert_eq!(op.callback.as_deref(), Some("https://www.callback.com"));
    assert_eq!(
        op.job_param.as_ref().unwrap().template_id.as_deref(),
        Some("t1460606b9752148c4ab182f55163ba7cd")
    );
    assert_eq!(
        op.output.as_ref().unwrap().object.as_deref(),
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
        let page = op.parse(200, &[], body).unwrap();
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
                status,
                &[("x-ci-request-id", "req-1")],
                &fixture("error-response.xml"),
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
        .parse(400, &[], &fixture("error-response.xml"))
        .unwrap_err();
    assert_eq!(
        err.service_error().unwrap().request_id.as_deref(),
        Some("string")
    );
}

fn described_job(body: &[u8]) -> cos_ci_batch::model::JobDetail {
    let described = DescribeJob::new("b1").unwrap().parse(200, &[], body);
    described.unwrap().job.expect("a job")
}

#[test]
fn unknown_elements_are_kept_and_order_does_not_matter() {
    let body = br#"<Response><JobsDetail><Progress>50%</Progress><State>Pause</State>
        <Operation><JobParam><Snapshot><Mode>Interval</Mode><Count>3</Count></Snapshot>
        <WatermarkTemplateId>t1</WatermarkTemplateId><WatermarkTemplateId>t2</WatermarkTemplateId>
        </JobParam><FreeTranscode>true</FreeTranscode><Tag>Snapshot</Tag></Operation>
        <JobId>b1</JobId><Input><Url>https://x/y</Url><Object>k</Object></Input></JobsDetail></Response>"#;
    let detail = described_job(body);
    assert_eq!(detail.state, JobState::Pause);
    assert!(!detail.state.is_final());
    assert_eq!(detail.extra, [Element::text("Progress", "50%")]);
    let op = detail.operation.unwrap();
    assert_eq!(op.tag.as_deref(), Some("Snapshot"));
    assert_eq!(op.extra, [Element::text("FreeTranscode", "true")]);
    let param = op.job_param.unwrap();
    assert_eq!(param.watermark_template_ids, ["t1", "t2"]);
    assert_eq!(
        param.containers,
        [Element::new("Snapshot")
            .with_child(Element::text("Mode", "Interval"))
            .with_child(Element::text("Count", "3"))]
    );
    let input = detail.input.unwrap();
    assert_eq!(input.object.as_deref(), Some("k"));
    assert_eq!(input.extra, [Element::text("Url", "https://x/y")]);
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
    match DescribeJob::new("b1").unwrap().parse(status, &[], body) {
        Err(Error::Response {
            problem, status: s, ..
        }) => {
            assert_eq!(s, status);
            problem
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
    assert_eq!(
        describe_problem(200, b"<Response><JobsDetail><JobId>b1</JobId><CreationTime>yesterday</CreationTime></JobsDetail></Response>"),
        ResponseError::BadValue { element: "CreationTime", value: "yesterday".into() }
    );
    assert!(matches!(
        describe_problem(200, b"<Response>&#0;</Response>"),
        ResponseError::Malformed { .. }
    ));
}

#[test]
fn cancel_accepts_an_empty_2xx_and_refuses_an_error_body() {
    let op = CancelJob::new("b1").unwrap();
    op.parse(200, &[], b"").unwrap();
    op.parse(204, &[], b"\r\n").unwrap();
    let err = op
        .parse(200, &[], b"<Error><Code>InvalidArgument</Code></Error>")
        .unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidArgument");
    let err = op.parse(500, &[], b"").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Response {
                status: 500,
                problem: ResponseError::UnexpectedStatus,
                ..
            }
        ),
        "{err:?}"
    );
}
