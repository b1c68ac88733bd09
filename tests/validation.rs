//! Bad input is a typed error before anything is sent: each case goes through the client
//! against a live emulator, which must have received nothing.

#![cfg(feature = "emulator")]

mod common;

use common::t;
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::error::InvalidInput;
use cos_ci_batch::model::{BatchJob, Element, Input, JobParam, JobType};
use cos_ci_batch::ops::ListQuery;
use cos_ci_batch::sign::Credentials;
use cos_ci_batch::{Client, Error};

fn workflow(name: &str, input: Input) -> BatchJob {
    BatchJob::workflow(name, "w1", input)
}

fn refused(emulator: &Emulator, job: &BatchJob) -> InvalidInput {
    let client = emulator.client_builder().build().unwrap();
    match client.create(job) {
        Err(Error::InvalidInput(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn bad_batch_jobs_are_refused_before_sending() {
    let emulator = Emulator::start().unwrap();
    let long = "a".repeat(129);
    let cases: Vec<(BatchJob, InvalidInput)> = vec![
        (workflow("", Input::prefix("a")), InvalidInput::EmptyName),
        (
            workflow(&long, Input::prefix("a")),
            InvalidInput::NameTooLong { chars: 129 },
        ),
        (
            workflow("a b", Input::prefix("a")),
            InvalidInput::NameCharacter(' '),
        ),
        (
            workflow("a.b", Input::prefix("a")),
            InvalidInput::NameCharacter('.'),
        ),
        (
            workflow("a\nb", Input::prefix("a")),
            InvalidInput::NameCharacter('\n'),
        ),
        (workflow("a", Input::default()), InvalidInput::NoInput),
        (
            workflow(
                "a",
                Input {
                    object: Some("k".into()),
                    ..Input::prefix("p")
                },
            ),
            InvalidInput::SeveralInputs(vec!["Prefix", "Object"]),
        ),
        (
            workflow(
                "a",
                Input {
                    url_file: Some("u".into()),
                    ..Input::manifest("m")
                },
            ),
            InvalidInput::SeveralInputs(vec!["Manifest", "UrlFile"]),
        ),
        (
            workflow("a", Input::object("")),
            InvalidInput::EmptyInput("Object"),
        ),
        (
            workflow("a", Input::object("k"))
                .with_time_interval(t("2022-01-01T00:00:00+0800"), t("2022-02-01T00:00:00+0800")),
            InvalidInput::TimeIntervalNeedsPrefix,
        ),
        (
            workflow("a", Input::prefix("p"))
                .with_time_interval(t("2022-02-01T00:00:00+0800"), t("2022-01-01T00:00:00+0800")),
            InvalidInput::TimeIntervalReversed,
        ),
        (
            BatchJob {
                operation: Default::default(),
                ..workflow("a", Input::prefix("p"))
            },
            InvalidInput::MissingWorkflowIds,
        ),
        (
            BatchJob {
                job_type: JobType::Job,
                ..workflow("a", Input::prefix("p"))
            },
            InvalidInput::MissingTag,
        ),
        (
            BatchJob {
                job_type: JobType::Unknown("Batch".into()),
                ..workflow("a", Input::prefix("p"))
            },
            InvalidInput::UnsupportedJobType("Batch".into()),
        ),
        (
            {
                let mut job = BatchJob::job("a", "Transcode", Input::prefix("p"));
                job.operation.job_level = Some(3);
                job
            },
            InvalidInput::JobLevelOutOfRange(3),
        ),
        (
            {
                let mut job = BatchJob::job("a", "Transcode", Input::prefix("p"));
                job.operation.user_data = Some("bell\u{7}".into());
                job
            },
            InvalidInput::UnrepresentableText {
                element: "UserData".into(),
            },
        ),
        (
            {
                let mut job = BatchJob::job("a", "Transcode", Input::prefix("p"));
                job.operation.job_param = Some(JobParam {
                    containers: vec![Element::new("Bad Name")],
                    ..JobParam::default()
                });
                job
            },
            InvalidInput::BadElementName("Bad Name".into()),
        ),
    ];
    for (job, expected) in cases {
        assert_eq!(refused(&emulator, &job), expected, "{job:?}");
    }
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn chinese_names_and_128_characters_are_accepted() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    for name in ["批量转码-任务_1".to_owned(), "字".repeat(128)] {
        let created = client.create(&workflow(&name, Input::prefix("p"))).unwrap();
        assert_eq!(created.name.as_deref(), Some(name.as_str()));
    }
}

#[test]
fn bad_job_ids_are_refused_before_sending() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    for id in [
        "",
        "a/b",
        "a?b",
        "a#b",
        "a%2Fb",
        "a b",
        "a\tb",
        "a\r\nx-cos-acl: public",
        "..",
        ".",
        "a\\b",
    ] {
        for result in [client.describe(id).map(|_| ()), client.cancel(id)] {
            match result {
                Err(Error::InvalidInput(InvalidInput::BadJobId { id: got, .. })) => {
                    assert_eq!(got, id)
                }
                other => panic!("{id:?}: {other:?}"),
            }
        }
    }
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn page_size_outside_1_to_100_is_refused() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    for size in [0, 101, 1000] {
        match client.list(&ListQuery::new().size(size)) {
            Err(Error::InvalidInput(InvalidInput::PageSizeOutOfRange(s))) => assert_eq!(s, size),
            other => panic!("{size}: {other:?}"),
        }
    }
    assert_eq!(emulator.received_count(), 0);
    client.list(&ListQuery::new().size(1)).unwrap();
    client.list(&ListQuery::new().size(100)).unwrap();
}

#[test]
fn bad_credentials_and_endpoints_are_refused_at_build() {
    let build = |c: Credentials| {
        Client::builder("b-1250000000", "ap-guangzhou")
            .credentials(c)
            .build()
            .unwrap_err()
    };
    assert_eq!(
        build(Credentials::new("", "k")),
        InvalidInput::EmptyCredential("SecretId")
    );
    assert_eq!(
        build(Credentials::new("id", "")),
        InvalidInput::EmptyCredential("SecretKey")
    );
    assert_eq!(
        build(Credentials::new(" id", "k")),
        InvalidInput::PaddedCredential("SecretId")
    );
    assert_eq!(
        build(Credentials::new("id", "key\n")),
        InvalidInput::PaddedCredential("SecretKey")
    );
    assert_eq!(
        build(Credentials::new("id", "k").with_session_token("tok ")),
        InvalidInput::PaddedCredential("session token")
    );
    assert_eq!(
        Client::builder("b-1250000000", "ap-guangzhou")
            .build()
            .unwrap_err(),
        InvalidInput::NoCredentials
    );
    let with_endpoint = |url: &str| {
        Client::builder("b", "r")
            .credentials(Credentials::new("id", "k"))
            .endpoint(url)
            .build()
    };
    assert_eq!(
        with_endpoint("http://127.0.0.1:9").unwrap_err(),
        InvalidInput::InsecureEndpoint
    );
    for bad in [
        "ftp://x",
        "https://",
        "https://h/path",
        "https://u@h",
        "https://h?q",
        "127.0.0.1:9",
    ] {
        assert!(
            matches!(with_endpoint(bad), Err(InvalidInput::BadEndpoint(_))),
            "{bad}"
        );
    }
    assert_eq!(
        with_endpoint("https://ci.example.com/").unwrap().host(),
        "ci.example.com"
    );
    let bad_bucket = Client::builder("a/b", "r")
        .credentials(Credentials::new("id", "k"))
        .build();
    assert_eq!(
        bad_bucket.unwrap_err(),
        InvalidInput::BadBucketOrRegion("a/b".into())
    );
}

#[test]
fn credentials_from_the_environment() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let c = Credentials::from_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
        ("TENCENTCLOUD_SECRET_KEY", "k"),
        ("TENCENTCLOUD_TOKEN", "legacy"),
    ]))
    .unwrap();
    assert_eq!(c.secret_id(), "AKIDx");
    assert!(c.has_session_token());
    let preferred = Credentials::from_lookup(env(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
        ("TENCENTCLOUD_SECRET_KEY", "k"),
        ("TENCENTCLOUD_SESSION_TOKEN", "new"),
        ("TENCENTCLOUD_TOKEN", "legacy"),
    ]))
    .unwrap();
    assert_eq!(
        preferred,
        Credentials::new("AKIDx", "k").with_session_token("new")
    );
    assert_eq!(
        Credentials::from_lookup(env(&[("TENCENTCLOUD_SECRET_ID", "AKIDx")])).unwrap_err(),
        InvalidInput::MissingEnv("TENCENTCLOUD_SECRET_KEY")
    );
    assert_eq!(
        Credentials::from_lookup(env(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDx\n"),
            ("TENCENTCLOUD_SECRET_KEY", "k")
        ]))
        .unwrap_err(),
        InvalidInput::PaddedCredential("SecretId")
    );
}

#[test]
fn times_the_wire_format_cannot_carry_are_refused_not_moved() {
    use cos_ci_batch::ops::{ListJobs, ListQuery};
    use time::UtcOffset;
    let t = common::t("2024-01-01T00:00:00+0800");
    let odd_offset = t.to_offset(UtcOffset::from_hms(5, 30, 15).unwrap());
    let before_year_zero = t.replace_year(-1).unwrap();
    for bad in [odd_offset, before_year_zero] {
        let query = ListQuery::new().created_between(bad, t);
        assert_eq!(
            ListJobs::new(&query).unwrap_err(),
            InvalidInput::UnrepresentableTime(bad)
        );
        let job = BatchJob::workflow("n", "w1", Input::prefix("v/")).with_time_interval(bad, t);
        assert_eq!(
            job.to_xml().unwrap_err(),
            InvalidInput::UnrepresentableTime(bad)
        );
    }
}
