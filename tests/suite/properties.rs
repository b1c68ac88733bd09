//! Property tests: the response parsers take any bytes without panicking, and every request
//! the model can build is written as well-formed XML that reads back, as the service would
//! echo it, with every value it said.

use cos_ci_batch::model::{
    BatchJob, Callback, CallbackFormat, Element, Input, JobLevel, MediaJob, MqConfig, MqMode,
    Output, Tag, TimeInterval,
};
use cos_ci_batch::ops::{
    Action, CancelJob, CreateJob, DescribeJob, HttpResponse, ListJobs, ListQuery,
};
use proptest::prelude::*;
use time::{OffsetDateTime, UtcOffset};

const FIXTURES: [&[u8]; 6] = [
    include_bytes!("../data/fixtures/create-job-request.xml"),
    include_bytes!("../data/fixtures/create-workflow-request.xml"),
    include_bytes!("../data/fixtures/create-workflow-response.xml"),
    include_bytes!("../data/fixtures/describe-response.xml"),
    include_bytes!("../data/fixtures/error-response.xml"),
    include_bytes!("../data/fixtures/list-response.xml"),
];

/// Feeds a body to every parser; none may panic, whatever the answer.
fn parse_everything(status: u16, body: &[u8]) {
    let job = BatchJob::workflow("p", "w", Input::prefix("x"));
    let response = HttpResponse::new(status, body).with_header("x-ci-request-id", "r");
    let _ = CreateJob::new(&job).unwrap().parse(&response);
    let _ = DescribeJob::new("b1").unwrap().parse(&response);
    let _ = ListJobs::new(&ListQuery::new()).unwrap().parse(&response);
    let _ = CancelJob::new("b1").unwrap().parse(&response);
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
}

fn mutate(base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for m in mutations {
        // A point in 0..=len: valid as a cut, an insertion point or a slice end.
        let point = |at: usize| at % (bytes.len() + 1);
        match m {
            Mutation::Flip(at, b) => {
                let at = at % bytes.len().max(1);
                if let Some(byte) = bytes.get_mut(at) {
                    *byte ^= b;
                }
            }
            Mutation::Truncate(at) => bytes.truncate(point(*at)),
            Mutation::Insert(at, chunk) => {
                let at = point(*at);
                bytes.splice(at..at, chunk.iter().copied());
            }
            Mutation::Duplicate(from, n) => {
                let from = point(*from);
                let end = (from + n).min(bytes.len());
                let chunk = bytes[from..end].to_vec();
                bytes.splice(end..end, chunk);
            }
        }
    }
    bytes
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(a, b)| Mutation::Flip(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 0..16))
            .prop_map(|(a, c)| Mutation::Insert(a, c)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                b"<JobsDetail>".to_vec(),
                b"</Response>".to_vec(),
                b"<!DOCTYPE x>".to_vec(),
                b"&amp;".to_vec(),
                b"&#0;".to_vec(),
                b"<![CDATA[x]]>".to_vec(),
                b"\xff".to_vec(),
            ])
        )
            .prop_map(|(a, c)| Mutation::Insert(a, c)),
        (any::<usize>(), 0usize..64).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{1,12}"
}

fn element(depth: u32) -> BoxedStrategy<Element> {
    let leaf = ("Ext[A-Za-z0-9]{0,6}", text()).prop_map(|(n, t)| Element::text(n, t));
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        leaf,
        (
            "Ext[A-Za-z0-9]{0,6}",
            prop::collection::vec(element(depth - 1), 1..4)
        )
            .prop_map(|(n, children)| children
                .into_iter()
                .fold(Element::new(n), Element::with_child)),
    ]
    .boxed()
}

fn time_value() -> impl Strategy<Value = OffsetDateTime> {
    (0i64..4_102_444_800, -12 * 60i32..=14 * 60).prop_map(|(secs, offset_minutes)| {
        let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
        OffsetDateTime::from_unix_timestamp(secs)
            .unwrap()
            .to_offset(offset)
    })
}

/// What a generated job said, to find again in the echo.
#[derive(Debug, Clone)]
struct Said {
    selector: (&'static str, String),
    interval: Option<TimeInterval>,
    workflow: Option<String>,
    queue_id: Option<String>,
    user_data: Option<String>,
    level: Option<JobLevel>,
    callback_url: Option<String>,
    template_id: Option<String>,
    extra: Option<Element>,
}

fn batch_job() -> impl Strategy<Value = (BatchJob, Said)> {
    let name = prop_oneof!["[A-Za-z0-9_-]{1,30}", "[\u{4e00}-\u{9fa5}]{1,10}"];
    let interval = prop::option::of((time_value(), time_value()));
    (
        name,
        (0..4usize, text(), interval),
        any::<bool>(),
        (
            "w[a-z0-9]{1,32}",
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(prop::sample::select(vec![
                JobLevel::Level0,
                JobLevel::Level1,
                JobLevel::Level2,
            ])),
        ),
        (
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(element(2)),
        ),
    )
        .prop_map(
            |(
                name,
                (which, value, interval),
                workflow,
                (id, queue_id, user_data, level),
                (url, template, extra),
            )| {
                let interval = interval
                    .filter(|_| which == 0)
                    .map(|(a, b)| TimeInterval::between(a.min(b), a.max(b)).unwrap());
                let input = match (which, interval) {
                    (0, Some(interval)) => Input::prefix_uploaded(value.clone(), interval),
                    (0, None) => Input::prefix(value.clone()),
                    (1, _) => Input::object(value.clone()),
                    (2, _) => Input::manifest(value.clone()),
                    _ => Input::url_file(value.clone()),
                };
                let selector = (input.selector().0, value);
                if workflow {
                    let mut kind = cos_ci_batch::model::Workflow::new(id.clone());
                    if let Some(extra) = &extra {
                        kind = kind.with_extra(extra.clone());
                    }
                    let job =
                        BatchJob::new(name, input, cos_ci_batch::model::JobKind::Workflow(kind));
                    let said = Said {
                        selector,
                        interval,
                        workflow: Some(id),
                        queue_id: None,
                        user_data: None,
                        level: None,
                        callback_url: None,
                        template_id: None,
                        extra,
                    };
                    return (job, said);
                }
                let mut media = MediaJob::new(Tag::Transcode)
                    .output(Output::new("ap-guangzhou", "out-1250000000").object("o/${InputName}"));
                if let Some(q) = &queue_id {
                    media = media.queue_id(q.clone());
                }
                if let Some(u) = &user_data {
                    media = media.user_data(u.clone());
                }
                if let Some(l) = level {
                    media = media.job_level(l);
                }
                if let Some(url) = &url {
                    media = media.callback(Callback::url(url.clone(), Some(CallbackFormat::Json)));
                } else {
                    media = media.callback(Callback::tdmq(
                        MqConfig::new("gz", MqMode::Queue, "q"),
                        None,
                    ));
                }
                if let Some(t) = &template {
                    media = media.template_id(t.clone());
                }
                if let Some(extra) = &extra {
                    media = media.with_extra(extra.clone());
                }
                let job = BatchJob::media(name, media, input);
                let said = Said {
                    selector,
                    interval,
                    workflow: None,
                    queue_id,
                    user_data,
                    level,
                    callback_url: url,
                    template_id: template,
                    extra,
                };
                (job, said)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(status in prop::sample::select(vec![200u16, 204, 400, 403, 500, 503]), body in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_everything(status, &body);
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0..FIXTURES.len(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let body = mutate(FIXTURES[which], &mutations);
        parse_everything(200, &body);
        parse_everything(500, &body);
    }

    #[test]
    fn every_request_reads_back_as_an_echo_with_all_it_said((job, said) in batch_job()) {
        let xml = job.to_xml().unwrap();
        let request = roxmltree::Document::parse(&xml).unwrap();
        prop_assert_eq!(request.root_element().tag_name().name(), "Request");
        // The service echoes Input and Operation inside the job it reports.
        let inner = xml.strip_prefix("<Request>").unwrap().strip_suffix("</Request>").unwrap();
        let body = format!("<Response><JobsDetail><JobId>b1</JobId>{inner}</JobsDetail></Response>");
        let created = CreateJob::new(&job).unwrap().parse(&HttpResponse::new(200, body)).unwrap().job;
        prop_assert_eq!(created.name.as_deref(), Some(job.name.as_str()));
        prop_assert_eq!(created.job_type, Some(job.job_type()));
        let input = created.input.unwrap();
        let echoed = match said.selector.0 {
            "Prefix" => input.prefix,
            "Object" => input.object,
            "Manifest" => input.manifest,
            _ => input.url_file,
        };
        prop_assert_eq!(echoed, Some(said.selector.1.clone()));
        let op = created.operation.unwrap();
        if let Some(interval) = said.interval {
            let echoed = op.time_interval.clone().unwrap();
            prop_assert_eq!(echoed.start.unwrap().time(), interval.start());
            prop_assert_eq!(echoed.end.unwrap().time(), interval.end());
        }
        prop_assert_eq!(op.workflow_ids.clone(), said.workflow.clone());
        prop_assert_eq!(op.queue_id.clone(), said.queue_id.clone());
        prop_assert_eq!(op.user_data.clone(), said.user_data.clone());
        prop_assert_eq!(op.job_level.as_ref().and_then(|l| l.value()), said.level);
        prop_assert_eq!(op.callback.clone(), said.callback_url.clone());
        if said.workflow.is_none() {
            prop_assert_eq!(op.tag.as_ref().and_then(|t| t.value()), Some(Tag::Transcode));
            prop_assert_eq!(
                op.job_param.as_ref().and_then(|p| p.child("TemplateId")).map(|t| t.text.clone()),
                said.template_id.clone()
            );
        }
        prop_assert_eq!(op.extra.last().cloned(), said.extra.clone());
    }
}
