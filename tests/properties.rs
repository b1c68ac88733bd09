//! Property tests: the response parsers take any bytes without panicking, and request
//! models survive emit and parse unchanged.

use cos_ci_batch::model::{
    BatchJob, CallBackMqConfig, DigitalWatermark, Element, Input, JobParam, JobType, Operation,
    Output, StreamExtract, TimeInterval,
};
use cos_ci_batch::ops::{CancelJob, CreateJob, DescribeJob, ListJobs, ListQuery, Operation as _};
use proptest::prelude::*;
use time::{OffsetDateTime, UtcOffset};

const FIXTURES: [&[u8]; 6] = [
    include_bytes!("data/fixtures/create-job-request.xml"),
    include_bytes!("data/fixtures/create-workflow-request.xml"),
    include_bytes!("data/fixtures/create-workflow-response.xml"),
    include_bytes!("data/fixtures/describe-response.xml"),
    include_bytes!("data/fixtures/error-response.xml"),
    include_bytes!("data/fixtures/list-response.xml"),
];

/// Feeds a body to every parser; none may panic, whatever the answer.
fn parse_everything(status: u16, body: &[u8]) {
    let job = BatchJob::workflow("p", "w", Input::prefix("x"));
    let headers = [("x-ci-request-id", "r")];
    let _ = CreateJob::new(&job).unwrap().parse(status, &headers, body);
    let _ = DescribeJob::new("b1")
        .unwrap()
        .parse(status, &headers, body);
    let _ = ListJobs::new(&ListQuery::new())
        .unwrap()
        .parse(status, &headers, body);
    let _ = CancelJob::new("b1").unwrap().parse(status, &headers, body);
    let _ = BatchJob::from_xml(body);
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
    "\\PC{0,12}"
}

fn some_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
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
            .prop_map(|(n, children)| Element {
                name: n,
                text: String::new(),
                children,
            }),
    ]
    .boxed()
}

fn elements() -> impl Strategy<Value = Vec<Element>> {
    prop::collection::vec(element(2), 0..3)
}

fn time_value() -> impl Strategy<Value = OffsetDateTime> {
    (0i64..4_102_444_800, -12 * 60i32..=14 * 60).prop_map(|(secs, offset_minutes)| {
        let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
        OffsetDateTime::from_unix_timestamp(secs)
            .unwrap()
            .to_offset(offset)
    })
}

fn batch_job() -> impl Strategy<Value = BatchJob> {
    let name = prop_oneof!["[A-Za-z0-9_-]{1,30}", "[\u{4e00}-\u{9fa5}]{1,10}"];
    let input = (0..4usize, "\\PC{1,20}", elements()).prop_map(|(which, value, extra)| {
        let mut input = match which {
            0 => Input::prefix(value),
            1 => Input::object(value),
            2 => Input::manifest(value),
            _ => Input::url_file(value),
        };
        input.extra = extra;
        input
    });
    let job_param = (
        some_text(),
        some_text(),
        prop::collection::vec(text(), 0..3),
        prop::option::of((
            some_text(),
            some_text(),
            some_text(),
            prop::option::of(any::<bool>()),
        )),
        elements(),
    )
        .prop_map(
            |(template_id, transcode_template_id, watermark_template_ids, dw, containers)| {
                JobParam {
                    template_id,
                    transcode_template_id,
                    watermark_template_ids,
                    digital_watermark: dw.map(|(message, kind, version, ignore_error)| {
                        DigitalWatermark {
                            message,
                            kind,
                            version,
                            ignore_error,
                            extra: Vec::new(),
                        }
                    }),
                    containers,
                }
            },
        );
    let output = (
        some_text(),
        some_text(),
        some_text(),
        some_text(),
        some_text(),
        prop::collection::vec((some_text(), some_text()), 0..3),
    )
        .prop_map(
            |(region, bucket, object, au_object, sprite_object, se)| Output {
                region,
                bucket,
                object,
                au_object,
                sprite_object,
                stream_extract: se
                    .into_iter()
                    .map(|(index, object)| StreamExtract { index, object })
                    .collect(),
                extra: Vec::new(),
            },
        );
    let interval = prop::option::of((time_value(), time_value()));
    (
        name,
        any::<bool>(),
        input,
        interval,
        (
            "[a-z0-9]{1,33}",
            some_text(),
            some_text(),
            some_text(),
            prop::option::of(0u8..=2),
        ),
        (
            some_text(),
            some_text(),
            some_text(),
            prop::option::of((some_text(), some_text(), some_text())),
        ),
        (
            prop::option::of(job_param),
            prop::option::of(output),
            elements(),
        ),
    )
        .prop_map(
            |(
                name,
                workflow,
                input,
                interval,
                (id, queue_id, queue_type, user_data, job_level),
                (cbf, cbt, cb, mq),
                (job_param, output, extra),
            )| {
                let time_interval = interval.filter(|_| input.prefix.is_some()).map(|(a, b)| {
                    let (start, end) = if a <= b { (a, b) } else { (b, a) };
                    TimeInterval {
                        start: Some(start),
                        end: Some(end),
                    }
                });
                BatchJob {
                    name,
                    job_type: if workflow {
                        JobType::Workflow
                    } else {
                        JobType::Job
                    },
                    input,
                    operation: Operation {
                        time_interval,
                        workflow_ids: workflow.then(|| format!("w{id}")),
                        tag: (!workflow).then(|| "Transcode".to_owned()),
                        queue_id,
                        queue_type,
                        user_data,
                        job_level,
                        callback_format: cbf,
                        callback_type: cbt,
                        callback: cb,
                        callback_mq_config: mq.map(|(mq_region, mq_mode, mq_name)| {
                            CallBackMqConfig {
                                mq_region,
                                mq_mode,
                                mq_name,
                            }
                        }),
                        job_param,
                        output,
                        extra,
                    },
                }
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
    fn request_models_round_trip(job in batch_job()) {
        let xml = job.to_xml().unwrap();
        let parsed = BatchJob::from_xml(xml.as_bytes()).unwrap();
        prop_assert_eq!(&parsed, &job);
        prop_assert_eq!(parsed.to_xml().unwrap(), xml);
    }
}
