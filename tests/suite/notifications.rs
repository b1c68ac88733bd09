//! Callback notifications (issue 18): the documented bodies read into the documented
//! values in both formats, and hostile bodies refused with typed errors.

use crate::common::fixture;
use cos_ci_batch::model::JobState;
use cos_ci_batch::notify::{self, Format, Notification, NotificationError};

fn media_jobs(body: &[u8]) -> Vec<cos_ci_batch::model::MediaJobDetail> {
    match notify::parse(body, Some("application/xml")).unwrap() {
        Notification::MediaJobs { event, jobs } => {
            assert_eq!(event.as_deref(), Some("TaskFinish"));
            jobs
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_documented_task_finish_bodies_read_the_same_in_xml_and_both_json_forms() {
    let forms = [
        "callback-taskfinish-workflow.xml",
        "callback-taskfinish-workflow-array.json",
        "callback-taskfinish-workflow-object.json",
    ];
    let mut read = Vec::new();
    for name in forms {
        let jobs = media_jobs(&fixture(name));
        assert_eq!(jobs.len(), 1, "{name}");
        let job = &jobs[0];
        assert_eq!(job.job_id, "j4e431ba0f86711ecb8546d80f2baf56f", "{name}");
        assert_eq!(job.state, JobState::Success);
        assert_eq!(job.object(), Some("input/demo.mp4"));
        assert_eq!(
            job.output_objects(),
            ["0.jpg", "1.jpg", "2.jpg", "3.jpg", "4.jpg", "5.jpg"],
            "{name}"
        );
        assert_eq!(
            job.queue_id.as_deref(),
            Some("p2242ab62c7c94486915508540933a2c6")
        );
        let workflow = job.workflow.as_ref().expect("the workflow that started it");
        assert_eq!(
            workflow.child("RunId").map(|r| r.text.as_str()),
            Some("ic90edd59f84f11ec9d4f525400a3c59f")
        );
        assert_eq!(
            job.creation_time
                .as_ref()
                .and_then(|t| t.time())
                .map(|t| t.unix_timestamp()),
            Some(1_656_588_311),
            "2022-06-30T19:25:11+0800"
        );
        read.push((
            job.job_id.clone(),
            job.object().map(str::to_owned),
            job.output_objects().len(),
        ));
    }
    assert!(read.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn the_documented_workflow_finish_bodies_read_with_their_tasks() {
    for name in [
        "callback-workflowfinish.xml",
        "callback-workflowfinish.json",
    ] {
        let Notification::WorkflowRun { event, execution } =
            notify::parse(&fixture(name), None).unwrap()
        else {
            panic!("{name}")
        };
        assert_eq!(event, "WorkflowFinish");
        assert_eq!(execution.run_id, "i166ee19017b011eda8a5525400c540df");
        assert_eq!(execution.workflow_name.as_deref(), Some("workflow-3"));
        assert_eq!(execution.object.as_deref(), Some("wk-test/game.mp4"));
        assert_eq!(execution.state, JobState::Success);
        let tasks: Vec<(&str, &str)> = execution
            .tasks
            .iter()
            .map(|t| (t.kind.as_deref().unwrap(), t.job_id.as_deref().unwrap()))
            .collect();
        assert_eq!(
            tasks,
            [
                ("Snapshot", "j23c11e1e17b011edaab4ab15ec33d076"),
                ("Transcode", "j168668b217b011ed8efb27bb229e2d11")
            ],
            "{name}"
        );
        // The space-separated time of these pages is read.
        let created = execution
            .create_time
            .as_ref()
            .and_then(|t| t.time())
            .unwrap();
        assert_eq!(
            created.unix_timestamp(),
            1_660_028_057,
            "2022-08-09 14:54:17+0800"
        );
    }
}

#[test]
fn the_older_shape_without_an_event_name_and_a_job_level_as_a_number_are_read() {
    let old = b"<Response><JobsDetail><JobId>j1</JobId><State>Failed</State><Code>E</Code></JobsDetail></Response>";
    let Notification::MediaJobs { event, jobs } = notify::parse(old, None).unwrap() else {
        panic!()
    };
    assert_eq!((event, jobs[0].code.as_deref()), (None, Some("E")));
    let number =
        br#"{"EventName":"TaskFinish","JobsDetail":{"JobId":"j2","Operation":{"JobLevel":0}}}"#;
    let jobs = media_jobs(number);
    let level = jobs[0]
        .operation
        .as_ref()
        .and_then(|op| op.child("JobLevel"));
    assert_eq!(level.map(|l| l.text.as_str()), Some("0"));
}

#[test]
fn an_event_not_read_is_kept_whole() {
    let body = br#"{"EventName":"WorkflowStart","WorkflowExecution":{"RunId":"i1"}}"#;
    let Notification::Other { event, body } = notify::parse(body, None).unwrap() else {
        panic!()
    };
    assert_eq!(event.as_deref(), Some("WorkflowStart"));
    let run = body.child("WorkflowExecution").unwrap();
    assert_eq!(run.child("RunId").unwrap().text, "i1");
}

#[test]
fn the_body_decides_the_format_whatever_the_content_type_says() {
    assert_eq!(
        notify::format_of(b"\xef\xbb\xbf<Response/>", Some("application/json")),
        Some(Format::Xml)
    );
    let json = fixture("callback-workflowfinish.json");
    assert!(matches!(
        notify::parse(&json, Some("application/xml")),
        Ok(Notification::WorkflowRun { .. })
    ));
}

#[test]
fn hostile_bodies_get_typed_errors_within_the_caps() {
    let deep_xml = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    let deep_json = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let huge = vec![b' '; notify::MAX_BODY + 1];
    type Expected = fn(&NotificationError) -> bool;
    let cases: Vec<(&[u8], Expected)> = vec![
        (deep_xml.as_bytes(), |e| matches!(e, NotificationError::NotXml(_))),
        (deep_json.as_bytes(), |e| matches!(e, NotificationError::NotJson(_))),
        (&huge, |e| matches!(e, NotificationError::TooLarge { .. })),
        (b"<Response><JobsDetail><JobId>j", |e| matches!(e, NotificationError::NotXml(_))),
        (b"{\"EventName\":\"TaskFinish\",", |e| matches!(e, NotificationError::NotJson(_))),
        (b"<Response>\xff</Response>", |e| matches!(e, NotificationError::NotXml(_))),
        (b"{\"a\":\"\xff\"}", |e| matches!(e, NotificationError::NotJson(_))),
        (b"{\"JobsDetail\":{},\"JobsDetail\":{}}", |e| matches!(e, NotificationError::NotJson(_))),
        (b"<!DOCTYPE x [<!ENTITY a \"b\">]><Response/>", |e| matches!(e, NotificationError::NotXml(_))),
        (b"EventName=TaskFinish", |e| *e == NotificationError::UnknownFormat),
        (b"<Response><EventName>TaskFinish</EventName><JobsDetail><State>Success</State></JobsDetail></Response>",
            |e| *e == NotificationError::MissingId("JobId")),
        (br#"{"EventName":"WorkflowFinish","WorkflowExecution":{"State":"Success"}}"#,
            |e| *e == NotificationError::MissingId("RunId")),
    ];
    for (body, expected) in &cases {
        let err = notify::parse(body, None).unwrap_err();
        assert!(
            expected(&err),
            "{:?}: {err:?}",
            String::from_utf8_lossy(&body[..body.len().min(60)])
        );
    }
    // A number out of every range is kept as text, not refused.
    let odd = notify::parse(b"{\"n\":1e999999999}", None).unwrap();
    let Notification::Other { body, .. } = odd else {
        panic!()
    };
    assert_eq!(body.child("n").unwrap().text, "1e999999999");
}

#[test]
fn bodies_that_would_take_great_work_are_refused_or_read_in_linear_time() {
    // An array repeats its key around each item: a 60 KB body would be 800 MB of XML.
    let key = "K".repeat(20_000);
    let items = vec!["0"; 20_000].join(",");
    let amplified = format!("{{\"{key}\":[{items}]}}");
    assert!(matches!(
        notify::parse(amplified.as_bytes(), None),
        Err(NotificationError::NotJson(_))
    ));
    // Many keys in one object: read, and their repeat still caught.
    let keys: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\":1")).collect();
    let many = format!("{{\"EventName\":\"X\",{}}}", keys.join(","));
    assert!(matches!(
        notify::parse(many.as_bytes(), None),
        Ok(Notification::Other { .. })
    ));
    let repeated = format!("{{{},\"k5\":2}}", keys.join(","));
    assert!(matches!(
        notify::parse(repeated.as_bytes(), None),
        Err(NotificationError::NotJson(_))
    ));
    // Namespace declarations and attributes, which the API never uses, are refused.
    let declarations: String = (0..1000).map(|i| format!(" xmlns:n{i}=\"u{i}\"")).collect();
    let children: String = (0..1000)
        .map(|i| format!("<c xmlns:m{i}=\"v\"/>"))
        .collect();
    let namespaces = format!("<Response{declarations}>{children}</Response>");
    let err = notify::parse(namespaces.as_bytes(), None).unwrap_err();
    assert_eq!(
        err,
        NotificationError::NotXml(
            "expected a <Response> document, but the body is not well-formed XML: more than 256 attributes".into()
        )
    );
}
