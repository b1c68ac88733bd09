//! Bad input is a typed error before anything is sent: each refusal goes through the client
//! against a live emulator, which must have received nothing. (The rules themselves are unit
//! tests beside the code that applies them.)

use crate::common::t;
use cos_ci_batch::credentials::{ChainError, CredentialChain};
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::error::{ConfigError, InvalidInput};
use cos_ci_batch::model::{BatchJob, Element, Input, JobParam, MediaJob, Tag};
use cos_ci_batch::ops::ListQuery;
use cos_ci_batch::{Client, Credentials, Error};
use time::UtcOffset;

#[test]
fn every_kind_of_bad_input_is_refused_and_nothing_is_sent() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    let media = |job: MediaJob| BatchJob::media("a", job, Input::prefix("p"));
    let creates = [
        (
            BatchJob::workflow("a b", "w1", Input::prefix("p")),
            InvalidInput::NameCharacter(' '),
        ),
        (
            BatchJob::workflow("a", "w1", Input::object("")),
            InvalidInput::Empty("Object"),
        ),
        (
            BatchJob::workflow("a", "", Input::prefix("p")),
            InvalidInput::Empty("WorkflowIds"),
        ),
        (
            media(MediaJob::new(Tag::Other(String::new()))),
            InvalidInput::Empty("Tag"),
        ),
        (
            media(MediaJob::new(Tag::Transcode).user_data("bell\u{7}")),
            InvalidInput::UnrepresentableText {
                element: "UserData".into(),
            },
        ),
        (
            media(
                MediaJob::new(Tag::Transcode)
                    .job_param(JobParam::new().with_extra(Element::new("Bad Name"))),
            ),
            InvalidInput::BadElementName("Bad Name".into()),
        ),
    ];
    for (job, expected) in creates {
        match client.create(&job) {
            Err(Error::InvalidInput(e)) => assert_eq!(e, expected, "{job:?}"),
            other => panic!("{job:?}: {other:?}"),
        }
    }
    match client.describe("a/b") {
        Err(Error::InvalidInput(InvalidInput::BadJobId { id, .. })) => assert_eq!(id, "a/b"),
        other => panic!("{other:?}"),
    }
    match client.cancel("..") {
        Err(Error::InvalidInput(InvalidInput::BadJobId { id, .. })) => assert_eq!(id, ".."),
        other => panic!("{other:?}"),
    }
    match client.list(&ListQuery::new().size(101)) {
        Err(Error::InvalidInput(InvalidInput::PageSizeOutOfRange(101))) => {}
        other => panic!("{other:?}"),
    }
    let odd = t("2024-01-01T00:00:00+0800").to_offset(UtcOffset::from_hms(5, 30, 15).unwrap());
    match client.list(&ListQuery::new().created_between(odd, odd)) {
        Err(Error::InvalidInput(InvalidInput::UnrepresentableTime(bad))) => assert_eq!(bad, odd),
        other => panic!("{other:?}"),
    }
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn chinese_names_and_128_characters_are_accepted() {
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    for name in ["批量转码-任务_1".to_owned(), "字".repeat(128)] {
        let job = BatchJob::workflow(name.clone(), "w1", Input::prefix("p"));
        let created = client.create(&job).unwrap();
        assert_eq!(created.job.name.as_deref(), Some(name.as_str()));
    }
}

#[test]
fn configuration_mistakes_are_their_own_kind_and_say_exactly_what() {
    let builder = || Client::builder("b-1250000000", "ap-guangzhou");
    let nowhere = CredentialChain::new()
        .env_lookup(|_| None)
        .profile_files(["/nonexistent/credentials"])
        .without_instance_role();
    let no_credentials = builder().credential_chain(nowhere).build().unwrap_err();
    assert!(matches!(
        no_credentials,
        ConfigError::NoCredentials(ChainError::NotFound { .. })
    ));
    let padded = builder()
        .credentials(Credentials::new("id", "key\n"))
        .build()
        .unwrap_err();
    assert_eq!(padded, ConfigError::PaddedCredential("SecretKey"));
    let with_password = builder()
        .credentials(Credentials::new("id", "k"))
        .endpoint("https://admin:hunter2@ci.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(with_password, ConfigError::BadEndpoint(_)));
    assert!(!format!("{with_password} {with_password:?}").contains("hunter2"));
    let debug = format!(
        "{:?}",
        builder().endpoint("https://admin:hunter2@ci.example.com")
    );
    assert!(!debug.contains("hunter2"), "{debug}");
    let error: Error = with_password.into();
    assert!(
        error
            .to_string()
            .starts_with("bad client configuration: bad endpoint: ")
    );
}
