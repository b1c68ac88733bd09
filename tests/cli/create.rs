//! What `create` sends: the request body the emulator received, element by element.

use cos_ci_batch::emulator::Emulator;

use crate::common::{WORKFLOW, cli, still_emulator};

fn last_body(emulator: &Emulator) -> String {
    let request = emulator.received().pop().expect("a request");
    assert!(request.signature_valid);
    String::from_utf8(request.body).unwrap()
}

fn operation(body: &str) -> &str {
    let start = body.find("<Operation>").expect("an Operation");
    let end = body.find("</Operation>").expect("an Operation") + "</Operation>".len();
    &body[start..end]
}

#[test]
fn a_job_param_file_is_sent_as_written_beside_the_template_and_output() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let dir = std::env::temp_dir().join(format!("cos-ci-batch-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("snapshot.xml");
    std::fs::write(
        &file,
        "<?xml version=\"1.0\"?>\n<JobParam>\n  <Snapshot>\n    <Mode>Interval</Mode>\n    <Count>3</Count>\n  </Snapshot>\n</JobParam>\n",
    )
    .unwrap();
    let run = cli(
        &emulator,
        &[
            "create",
            "--name",
            "covers",
            "--tag",
            "Snapshot",
            "--job-param",
            file.to_str().unwrap(),
            "--object",
            "v/a.mp4",
            "--output-object",
            "covers/${InputName}.jpg",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        operation(&last_body(&emulator)),
        "<Operation><Tag>Snapshot</Tag><JobParam><Snapshot><Mode>Interval</Mode><Count>3</Count></Snapshot></JobParam>\
         <Output><Region>ap-guangzhou</Region><Bucket>examplebucket-1250000000</Bucket><Object>covers/${InputName}.jpg</Object></Output></Operation>"
    );

    std::fs::write(&file, "<JobParam><TemplateId>t1</TemplateId></JobParam>").unwrap();
    let both = cli(
        &emulator,
        &[
            "create",
            "--name",
            "n",
            "--tag",
            "Snapshot",
            "--job-param",
            file.to_str().unwrap(),
            "--template-id",
            "t2",
            "--object",
            "v/a.mp4",
        ],
    );
    assert_eq!(both.status, 2);
    assert_eq!(
        both.stderr.lines().next(),
        Some("error: --template-id and a TemplateId in --job-param cannot be used together")
    );

    for (content, error) in [
        (
            "<Snapshot/>",
            "the root element is <Snapshot>, not <JobParam>",
        ),
        (
            "<!DOCTYPE x [<!ENTITY a \"b\">]><JobParam>&a;</JobParam>",
            "the XML cannot be read as an element tree: a DTD is not accepted",
        ),
        (
            "<JobParam><Snapshot>",
            "the XML cannot be read as an element tree: the root node was opened but never closed",
        ),
        (
            "<JobParam><Snapshot Mode=\"Interval\"/></JobParam>",
            "the XML cannot be read as an element tree: <Snapshot> has attributes, which the API does not use",
        ),
        (
            "<JobParam>Interval<Snapshot/></JobParam>",
            "the XML cannot be read as an element tree: <JobParam> holds text beside child elements",
        ),
    ] {
        std::fs::write(&file, content).unwrap();
        let run = cli(
            &emulator,
            &[
                "create",
                "--name",
                "n",
                "--tag",
                "Snapshot",
                "--job-param",
                file.to_str().unwrap(),
                "--object",
                "v/a.mp4",
            ],
        );
        assert_eq!(run.status, 2, "{content}");
        let first = run.stderr.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("error: --job-param {}: {error}", file.display())),
            "{first}"
        );
    }
    // A FIFO nobody writes would block an open: it is refused unopened, as a directory is.
    let fifo = dir.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for path in [&fifo, &dir] {
        let run = cli(
            &emulator,
            &[
                "create",
                "--name",
                "n",
                "--tag",
                "Snapshot",
                "--job-param",
                path.to_str().unwrap(),
                "--object",
                "v/a.mp4",
            ],
        );
        assert_eq!(run.status, 2);
        assert_eq!(
            run.stderr.lines().next(),
            Some(format!("error: --job-param {}: not a regular file", path.display()).as_str())
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
    // The valid create's listing (what existed before it) and the create; nothing after.
    let sent: Vec<String> = emulator.received().into_iter().map(|r| r.method).collect();
    assert_eq!(sent, ["GET", "POST"]);
}

#[test]
fn an_upload_window_and_a_template_are_sent_in_the_services_format() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let run = cli(
        &emulator,
        &[
            "create",
            "--name",
            "window",
            "--tag",
            "Transcode",
            "--template-id",
            "t0123",
            "--prefix",
            "v/",
            "--uploaded-after",
            "2026-01-01T00:00:00+08:00",
            "--uploaded-before",
            "2026-02-01T00:00:00Z",
            "--output-bucket",
            "out-1250000000",
            "--output-region",
            "ap-beijing",
            "--output-object",
            "o/${InputName}.mp4",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let body = last_body(&emulator);
    assert!(
        body.contains("<Input><Prefix>v/</Prefix></Input>"),
        "{body}"
    );
    assert_eq!(
        operation(&body),
        "<Operation><TimeInterval><Start>2026-01-01T00:00:00+0800</Start><End>2026-02-01T00:00:00+0000</End></TimeInterval>\
         <Tag>Transcode</Tag><JobParam><TemplateId>t0123</TemplateId></JobParam>\
         <Output><Region>ap-beijing</Region><Bucket>out-1250000000</Bucket><Object>o/${InputName}.mp4</Object></Output></Operation>"
    );
}

#[test]
fn a_workflow_job_sends_the_workflow_and_nothing_else() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let run = cli(
        &emulator,
        &[
            "create",
            "--name",
            "wf",
            "--workflow",
            WORKFLOW,
            "--url-file",
            "lists/urls.txt",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let body = last_body(&emulator);
    assert!(
        body.contains("<Type>Workflow</Type><Input><UrlFile>lists/urls.txt</UrlFile></Input>"),
        "{body}"
    );
    assert_eq!(
        operation(&body),
        format!("<Operation><WorkflowIds>{WORKFLOW}</WorkflowIds></Operation>")
    );
}
