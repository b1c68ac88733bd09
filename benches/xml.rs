//! XML: emitting a create body, parsing a describe response and a 100-job list page, each
//! next to a baseline of the same run: for parsing, roxmltree alone over the same bytes (what
//! the typed model adds on top of the tree); for emitting, concatenating the same tags and
//! texts with no validation, escaping or time formatting (what any emitter must at least do).

mod harness;

use cos_ci_batch::model::BatchJob;
use cos_ci_batch::ops::{Action as _, DescribeJob, HttpResponse, ListJobs, ListQuery};
use harness::{compare, contender, keep};

const DESCRIBE: &[u8] = include_bytes!("../tests/data/fixtures/describe-response.xml");
const LIST: &str = include_str!("../tests/data/fixtures/list-response.xml");

include!("../tests/data/go_sdk_job.rs");

/// The Go SDK's create body, as the model builds it (checked byte for byte).
fn create_job() -> BatchJob {
    let job = go_sdk_job();
    assert_eq!(
        job.to_xml().unwrap().as_bytes(),
        include_bytes!("../tests/data/fixtures/create-job-request.xml")
    );
    job
}

/// A list page of 100 jobs, built from the two jobs of the list fixture.
fn list_page_100() -> String {
    let first = LIST.find("<JobsDetail>").unwrap();
    let last = LIST.rfind("</JobsDetail>").unwrap() + "</JobsDetail>".len();
    let two_jobs = &LIST[first..last];
    format!(
        "<Response><RequestId>r</RequestId>{}<NextToken>100</NextToken></Response>",
        two_jobs.repeat(50)
    )
}

fn concatenate(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(512);
    for piece in pieces {
        out.push_str(piece);
    }
    out
}

fn main() {
    let quick = harness::quick();
    let (rounds, iters) = if quick { (5, 200) } else { (51, 1_000) };
    let job = create_job();
    let body = job.to_xml().unwrap();
    // The body split at tag boundaries: the pieces a bare emitter would push.
    let pieces: Vec<&str> = body.split_inclusive('>').collect();
    assert_eq!(concatenate(&pieces), body);
    compare(
        "emitting the create body (the Go SDK fixture, 619 bytes)",
        rounds,
        iters * 4,
        &mut [
            contender("baseline: concatenate the same pieces", || {
                keep(concatenate(std::hint::black_box(&pieces)))
            }),
            contender("BatchJob::to_xml (validate + emit)", || {
                keep(job.to_xml().unwrap())
            }),
        ],
    );

    let describe = DescribeJob::new("b3deffea2f84911ec9cb15254008618d9").unwrap();
    let describe_answer = HttpResponse::new(200, DESCRIBE);
    compare(
        "parsing a describe response (the doc fixture)",
        rounds,
        iters * 4,
        &mut [
            contender("baseline: roxmltree::Document::parse", || {
                keep(
                    roxmltree::Document::parse(
                        std::str::from_utf8(std::hint::black_box(DESCRIBE)).unwrap(),
                    )
                    .unwrap()
                    .root()
                    .id(),
                );
            }),
            contender("DescribeJob::parse", || {
                keep(
                    describe
                        .parse(std::hint::black_box(&describe_answer))
                        .unwrap(),
                )
            }),
        ],
    );

    let page = list_page_100();
    let list = ListJobs::new(&ListQuery::new()).unwrap();
    let page_answer = HttpResponse::new(200, page.as_bytes());
    assert_eq!(list.parse(&page_answer).unwrap().jobs.len(), 100);
    let medians = compare(
        &format!("parsing a 100-job list page ({} bytes)", page.len()),
        rounds,
        iters / 10,
        &mut [
            contender("baseline: roxmltree::Document::parse", || {
                keep(
                    roxmltree::Document::parse(std::hint::black_box(&page))
                        .unwrap()
                        .root()
                        .id(),
                );
            }),
            contender("ListJobs::parse", || {
                keep(list.parse(std::hint::black_box(&page_answer)).unwrap())
            }),
        ],
    );
    println!(
        "RESULT list_page_parse_ratio_to_roxmltree={:.3}",
        medians[1] / medians[0]
    );
}
