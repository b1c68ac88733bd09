//! Outcomes listed in slices of the batch job's lifetime, several at once (issue 20): every
//! object exactly once, whatever the service's bounds, however many share a second, and
//! while work is still being created.

use std::time::Duration;

use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input, JobDetail, MediaJob, Tag};
use cos_ci_batch::{Client, OutcomeOptions};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

/// A test server's describe of batch job `b1`: a Transcode job that ran for a minute.
const BATCH_B1: &str = "<Response><JobsDetail><JobId>b1</JobId><Type>Job</Type>\
    <State>Success</State><CreationTime>2026-12-07T10:00:00+0800</CreationTime>\
    <EndTime>2026-12-07T10:01:00+0800</EndTime>\
    <Operation><Tag>Transcode</Tag></Operation></JobsDetail></Response>";

fn objects(
    listed: impl Iterator<Item = Result<cos_ci_batch::ObjectOutcome, cos_ci_batch::Error>>,
) -> Vec<String> {
    let mut objects: Vec<String> = listed.map(|o| o.unwrap().object).collect();
    objects.sort();
    objects
}

/// A batch job over `count` objects, its work created `rate` a second, ended.
fn spread(count: usize, rate: u32, media: bool) -> (Emulator, Client, JobDetail, Vec<String>) {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    emulator.set_work_per_second(Some(rate));
    let keys: Vec<String> = (0..count).map(|i| format!("in/{i:06}.mp4")).collect();
    emulator.put_objects(keys.iter().cloned(), emulator.now());
    emulator.fail_objects("in/0001*", "DecodeError", "bad");
    let client = emulator.client_builder().build().unwrap();
    let job = if media {
        BatchJob::media(
            "spread",
            MediaJob::new(Tag::Transcode).template_id("t1"),
            Input::prefix("in/"),
        )
    } else {
        BatchJob::workflow("spread", WORKFLOW, Input::prefix("in/"))
    };
    let id = client.create(&job).unwrap().job.job_id;
    emulator.advance(Duration::from_secs(count as u64 / u64::from(rate) + 30));
    let batch = client.describe(&id).unwrap().job;
    (emulator, client, batch, keys)
}

#[test]
fn every_object_comes_once_whether_the_service_reads_its_bounds_strictly_or_not() {
    // Media jobs: strict bounds; runs: inclusive bounds.
    for media in [true, false] {
        let (_emulator, client, batch, keys) = spread(3000, 500, media);
        let sequential = objects(client.outcomes(&batch, &OutcomeOptions::default()).unwrap());
        assert_eq!(sequential, keys, "media {media}");
        for concurrency in [2, 8, 64] {
            let options = OutcomeOptions::default()
                .concurrency(concurrency)
                .failure_details(false);
            let sliced = objects(client.outcomes(&batch, &options).unwrap());
            assert_eq!(sliced, keys, "media {media}, {concurrency} at once");
        }
        // The failed alone, sliced, are the failed alone listed in one piece.
        let failed = OutcomeOptions::default()
            .failed_only(true)
            .failure_details(false);
        let one = objects(client.outcomes(&batch, &failed).unwrap());
        let sliced = objects(
            client
                .outcomes(&batch, &failed.clone().concurrency(8))
                .unwrap(),
        );
        assert_eq!((one.len(), &sliced), (100, &one));
    }
}

#[test]
fn thousands_of_records_in_one_second_come_once() {
    let (_emulator, client, batch, keys) = spread(12_000, 5000, true);
    let options = OutcomeOptions::default().concurrency(8);
    let sliced = objects(client.outcomes(&batch, &options).unwrap());
    assert_eq!(sliced.len(), 12_000);
    assert_eq!(sliced, keys);
}

#[test]
fn work_created_while_the_listing_runs_is_listed_at_most_once() {
    let emulator = Emulator::start().unwrap();
    emulator.set_work_per_second(Some(400));
    let keys: Vec<String> = (0..2000).map(|i| format!("in/{i:06}.mp4")).collect();
    emulator.put_objects(keys.iter().cloned(), emulator.now());
    let client = emulator.client_builder().build().unwrap();
    let job = BatchJob::media(
        "growing",
        MediaJob::new(Tag::Transcode).template_id("t1"),
        Input::prefix("in/"),
    );
    let id = client.create(&job).unwrap().job.job_id;
    emulator.run_in_real_time();
    std::thread::sleep(Duration::from_millis(1500));
    let batch = client.describe(&id).unwrap().job;
    let listed = objects(
        client
            .outcomes(&batch, &OutcomeOptions::default().concurrency(8))
            .unwrap(),
    );
    let mut unique = listed.clone();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "no object twice");
    // Work is created in key order: what was listed is a prefix of the keys, no gap.
    assert_eq!(
        listed,
        keys[..listed.len()],
        "no second lost at a slice's edge"
    );
    // At least what existed when the listing began (600 after 1.5 s at 400 a second).
    assert!(listed.len() >= 400, "{} listed", listed.len());
    assert!(
        listed.len() < 2000,
        "the work still to be created is not listed"
    );
}

#[test]
fn a_record_whose_time_cannot_be_read_comes_once_and_each_slice_asks_for_its_window() {
    use crate::common::raw_server::{RawServer, response};
    use std::sync::{Arc, Mutex};
    let windows: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = windows.clone();
    // Every listing gets the same page, whatever its window: two records with times, one
    // with a time no one can read.
    let server = RawServer::start(move |_, request| {
        if request.line.starts_with("GET /inventorytriggerjob/") {
            return response(200, BATCH_B1);
        }
        seen.lock().unwrap().push(request.line.clone());
        response(
            200,
            "<Response><JobsDetail><JobId>j1</JobId><State>Success</State><CreationTime>2026-12-07T10:00:10+0800</CreationTime><Input><Object>a</Object></Input></JobsDetail>\
             <JobsDetail><JobId>j2</JobId><State>Success</State><CreationTime>2026-12-07T10:00:50+0800</CreationTime><Input><Object>b</Object></Input></JobsDetail>\
             <JobsDetail><JobId>j3</JobId><State>Success</State><CreationTime>soon</CreationTime><Input><Object>c</Object></Input></JobsDetail></Response>",
        )
    });
    let client = crate::common::client_for(&server.endpoint(), |b| b);
    let batch = client.describe("b1").unwrap().job;
    let listed = objects(
        client
            .outcomes(&batch, &OutcomeOptions::default().concurrency(4))
            .unwrap(),
    );
    assert_eq!(listed, ["a", "b", "c"]);
    let windows = windows.lock().unwrap();
    // Three one-record probes of how the service reads its bounds, then the slices.
    let probes = windows.iter().filter(|l| l.contains("size=1 ")).count();
    assert_eq!(probes, 3, "{windows:?}");
    let slices: Vec<&String> = windows.iter().filter(|l| l.contains("size=100 ")).collect();
    assert!(slices.len() > 1, "{windows:?}");
    let bounded = slices
        .iter()
        .filter(|l| l.contains("startCreationTime="))
        .count();
    assert_eq!(
        bounded,
        slices.len() - 1,
        "all but the first slice have a lower bound: {slices:?}"
    );
}

#[test]
fn a_sliced_listing_dropped_early_stops_its_workers_against_an_endless_service() {
    use crate::common::raw_server::{RawServer, response};
    // Whatever the window, the same record, its time unreadable (kept once, then passed
    // over by every slice), and a token to one more page.
    let server = RawServer::start(|n, request| {
        if request.line.starts_with("GET /inventorytriggerjob/") {
            return response(200, BATCH_B1);
        }
        response(
            200,
            &format!(
                "<Response><JobsDetail><JobId>j0</JobId><State>Success</State>\
                 <CreationTime>soon</CreationTime><Input><Object>o</Object></Input></JobsDetail>\
                 <NextToken>t{n}</NextToken></Response>"
            ),
        )
    });
    let client = crate::common::client_for(&server.endpoint(), |b| b);
    let batch = client.describe("b1").unwrap().job;
    let taken = client
        .outcomes(&batch, &OutcomeOptions::default().concurrency(4))
        .unwrap()
        .take(1)
        .count();
    assert_eq!(taken, 1);
    // The workers finish the request in flight at most, then stop.
    std::thread::sleep(Duration::from_millis(300));
    let after_drop = server.requests();
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        server.requests() <= after_drop + 4,
        "{after_drop} then {}",
        server.requests()
    );
}

#[test]
fn a_sliced_listing_ends_at_its_first_error_as_one_listing_does() {
    use cos_ci_batch::emulator::{Fault, Route};
    let (emulator, client, batch, _keys) = spread(3000, 300, true);
    // A probe and a few pages pass; then one page is refused.
    emulator.inject(Route::MediaJobs, Fault::status(403, "AccessDenied"), 1);
    let listed: Vec<_> = client
        .outcomes(&batch, &OutcomeOptions::default().concurrency(4))
        .unwrap()
        .collect();
    let last = listed.last().unwrap();
    assert!(
        matches!(last, Err(cos_ci_batch::Error::Service(e)) if e.code == "AccessDenied"),
        "{last:?}"
    );
    assert_eq!(listed.iter().filter(|r| r.is_err()).count(), 1);
}

#[test]
fn a_probe_describes_no_failed_run() {
    use cos_ci_batch::emulator::Route;
    // Twenty runs of a workflow, all failed: one describe each, probe or no probe.
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    emulator.put_objects((0..20).map(|i| format!("in/{i:02}.avi")), emulator.now());
    emulator.fail_objects("*", "DecodeError", "bad");
    let client = emulator.client_builder().build().unwrap();
    let job = BatchJob::workflow("failing", WORKFLOW, Input::prefix("in/"));
    let batch = crate::common::finished(&emulator, &client, &job);
    emulator.clear_received();
    let failed = client
        .outcomes(&batch, &OutcomeOptions::default().concurrency(2))
        .unwrap()
        .filter(|o| o.as_ref().unwrap().code.as_deref() == Some("DecodeError"))
        .count();
    assert_eq!(failed, 20);
    let describes = emulator
        .received()
        .iter()
        .filter(|r| r.route() == Some(Route::Execution))
        .count();
    assert_eq!(describes, 20);
}
