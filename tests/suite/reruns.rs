//! Re-runs of both kinds: one batch job over an uploaded URL file, or one trigger per
//! object; each object run once however often the re-run is run.

use std::time::Duration;

use cos_ci_batch::emulator::{Emulator, Fault, Route};
use cos_ci_batch::error::InvalidInput;
use cos_ci_batch::model::{
    BatchJob, Input, JobDetail, JobState, MediaJob, Output, Tag, TimeInterval,
};
use cos_ci_batch::ops::ListQuery;
use cos_ci_batch::{
    Client, Error, OutcomeOptions, RerunJob, RerunJobStatus, RerunMethod, RerunOptions,
};

use crate::common::{finished, routes};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";
const COS_HOST: &str = "https://emulator-1250000000.cos.ap-emulator.myqcloud.com";

fn seeded(keys: &[&str]) -> (Emulator, Client) {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    emulator.put_objects(keys.iter().copied(), emulator.now());
    emulator.fail_objects("*.avi", "UnsupportedFormat", "avi is not supported");
    let client = emulator.client_builder().build().unwrap();
    (emulator, client)
}

/// An emulator holding `keys` (the `.avi` ones failing) and a workflow batch job over `in/`
/// that has ended.
fn workflow_batch(keys: &[&str]) -> (Emulator, Client, JobDetail) {
    let (emulator, client) = seeded(keys);
    let job = BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/"));
    let batch = finished(&emulator, &client, &job);
    (emulator, client, batch)
}

/// [`workflow_batch`], with a transcode on each object.
fn media_batch(keys: &[&str]) -> (Emulator, Client, JobDetail) {
    let (emulator, client) = seeded(keys);
    let job = BatchJob::media("hd", transcode(), Input::prefix("in/"));
    let batch = finished(&emulator, &client, &job);
    (emulator, client, batch)
}

/// The job a re-run created; fails when it found or only planned one.
fn created(job: &RerunJob) -> JobDetail {
    match &job.status {
        RerunJobStatus::Created(job) => (**job).clone(),
        other => panic!("not created: {other:?}"),
    }
}

/// The job a re-run found, an earlier run's; fails when it created or planned one.
fn found(job: &RerunJob) -> JobDetail {
    match &job.status {
        RerunJobStatus::Found(job) => (**job).clone(),
        other => panic!("not found: {other:?}"),
    }
}

/// The one upload the emulator received, its signature verified.
fn the_upload(emulator: &Emulator) -> cos_ci_batch::emulator::ReceivedRequest {
    let mut uploads = emulator
        .received()
        .into_iter()
        .filter(|r| r.route() == Some(Route::PutObject));
    let upload = uploads.next().expect("an upload");
    assert!(uploads.next().is_none(), "one upload");
    assert!(upload.signature_valid);
    upload
}

/// `in/000.avi`, `in/001.avi`, ...: `n` objects that fail.
fn failing(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("in/{i:03}.avi")).collect()
}

fn transcode() -> MediaJob {
    MediaJob::new(Tag::Transcode)
        .template_id("t0123")
        .output(Output::new("ap-emulator", "out-1250000000").object("hd/${InputName}.mp4"))
}

fn rerun(client: &Client, batch: &JobDetail, rerun: &RerunOptions) -> cos_ci_batch::Rerun {
    client
        .rerun_failed(batch, &OutcomeOptions::default(), rerun)
        .unwrap()
}

#[test]
fn a_job_batchs_failures_run_again_as_one_batch_job_over_an_uploaded_url_file() {
    let keys = ["in/a.mp4", "in/b c#?.avi", "in/测试.avi", "in/ok.mp4"];
    let (emulator, client) = seeded(&keys);
    let uploaded = TimeInterval::since(emulator.now() - Duration::from_secs(60)).unwrap();
    let job = BatchJob::media("hd", transcode(), Input::prefix_uploaded("in/", uploaded));
    let batch = finished(&emulator, &client, &job);
    emulator.clear_failures();
    emulator.clear_received();

    let done = rerun(&client, &batch, &RerunOptions::default());
    assert_eq!((done.method, done.objects), (RerunMethod::BatchJob, 2));
    assert!(done.triggered.is_empty() && done.planned.is_empty());
    let made = done.batch_job.unwrap();
    let digest = made.name.rsplit('-').next().unwrap().to_owned();
    assert_eq!(made.name, format!("rerun-{}-{digest}", batch.job_id));
    assert_eq!(digest.len(), 16);
    assert_eq!(
        made.url_file,
        format!("cos-ci-batch/reruns/{}/{digest}.txt", batch.job_id)
    );

    // The URL file: each failed object's URL, keys percent-encoded, in key order.
    let upload = the_upload(&emulator);
    assert_eq!(upload.path, format!("/{}", made.url_file));
    let body = format!("{COS_HOST}/in/b%20c%23%3F.avi\n{COS_HOST}/in/%E6%B5%8B%E8%AF%95.avi\n");
    assert_eq!(String::from_utf8(upload.body).unwrap(), body);
    assert_eq!(
        emulator.object_body(&made.url_file).unwrap(),
        body.as_bytes()
    );

    // The new job: the URL file's URL as its Input, the same Operation less the
    // upload-time filter, and exactly the failed objects.
    let created = created(&made);
    let detail = client.describe(&created.job_id).unwrap().job;
    assert_eq!(
        detail.input.unwrap().url_file.unwrap(),
        format!("{COS_HOST}/{}", made.url_file)
    );
    let mut expected = batch.operation.clone().unwrap();
    assert!(expected.time_interval.is_some());
    expected.time_interval = None;
    assert_eq!(detail.operation.unwrap(), expected);
    assert_eq!(
        emulator.covered_objects(&created.job_id).unwrap(),
        ["in/b c#?.avi", "in/测试.avi"]
    );
    emulator.advance(Duration::from_secs(10));
    let rerun_batch = client.describe(&created.job_id).unwrap().job;
    let summary = client
        .outcome_summary(&rerun_batch, &OutcomeOptions::default(), 10)
        .unwrap();
    assert_eq!((summary.total, summary.failed), (2, 0));

    // Again: the job is found; nothing is uploaded or created.
    emulator.clear_received();
    let again = rerun(&client, &batch, &RerunOptions::default());
    assert_eq!(found(&again.batch_job.unwrap()).job_id, created.job_id);
    assert!(
        emulator.received().iter().all(|r| r.method == "GET"),
        "{:?}",
        routes(&emulator)
    );
    // Also when asked to put its file elsewhere: the name says which objects it runs.
    let elsewhere = RerunOptions::default().url_file_prefix("tmp/");
    let again = rerun(&client, &batch, &elsewhere);
    assert_eq!(found(&again.batch_job.unwrap()).job_id, created.job_id);
    assert!(emulator.received().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_dry_run_says_the_way_and_the_count_and_sends_nothing_that_changes_anything() {
    let keys = failing(101);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (emulator, client, batch) = workflow_batch(&keys);
    emulator.clear_received();
    let dry_run = RerunOptions::default().dry_run(true);
    // 101 failures: more than triggers are sent for by default.
    let plan = rerun(&client, &batch, &dry_run);
    assert_eq!((plan.method, plan.objects), (RerunMethod::BatchJob, 101));
    assert_eq!(plan.planned.len(), 101);
    assert_eq!(plan.planned[0], "in/000.avi");
    let job = plan.batch_job.unwrap();
    assert!(matches!(job.status, RerunJobStatus::Planned));
    // By triggers: each object is checked for a newer run, and none is triggered.
    let plan = rerun(
        &client,
        &batch,
        &dry_run.clone().method(RerunMethod::Triggers),
    );
    assert_eq!(
        (plan.method, plan.planned.len()),
        (RerunMethod::Triggers, 101)
    );
    assert!(plan.triggered.is_empty() && plan.skipped.is_empty());
    assert!(emulator.received().iter().all(|r| r.method == "GET"));

    // One object fewer: triggers by default.
    let (_emulator, client, batch) = workflow_batch(&keys[..100]);
    let plan = rerun(&client, &batch, &dry_run);
    assert_eq!((plan.method, plan.objects), (RerunMethod::Triggers, 100));
    assert!(plan.batch_job.is_none());
}

#[test]
fn a_rerun_whose_create_answer_is_lost_finds_its_job_and_so_does_the_next_run() {
    let (emulator, client, batch) = media_batch(&["in/a.avi", "in/b.avi", "in/c.mp4"]);
    emulator.clear_failures();
    // The upload's connection drops before it is processed (sent again), and the create is
    // processed but its answer never comes (searched for, never sent again).
    emulator.inject(Route::PutObject, Fault::close_connection(), 1);
    emulator.inject(
        Route::Create,
        Fault::close_connection().after_processing(),
        1,
    );
    let first = rerun(&client, &batch, &RerunOptions::default());
    let first = first.batch_job.unwrap();
    let second = rerun(&client, &batch, &RerunOptions::default())
        .batch_job
        .unwrap();
    assert_eq!(created(&first).job_id, found(&second).job_id);
    let named = client
        .list(&ListQuery::new().name(second.name.clone()))
        .unwrap()
        .jobs;
    assert_eq!(named.len(), 1, "one re-run job, however often it is run");
    let creates = routes(&emulator)
        .iter()
        .filter(|r| **r == Route::Create)
        .count();
    assert_eq!(creates, 2, "the original batch job and the re-run's");
}

#[test]
fn an_object_that_already_has_a_newer_run_is_not_triggered_again() {
    let (emulator, client, batch) = workflow_batch(&["in/a.avi", "in/b.avi", "in/c.mp4"]);
    emulator.clear_failures();
    emulator.advance(Duration::from_secs(5));
    // Someone ran the workflow on one object by hand.
    let by_hand = client
        .trigger_workflow(&cos_ci_batch::ops::TriggerWorkflow::new(WORKFLOW, "in/b.avi").unwrap())
        .unwrap()
        .run_id;
    let done = rerun(&client, &batch, &RerunOptions::default());
    assert_eq!(done.method, RerunMethod::Triggers);
    assert_eq!(done.skipped, [("in/b.avi".to_owned(), by_hand)]);
    let triggered: Vec<&str> = done.triggered.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(triggered, ["in/a.avi"]);
    // Run again: both skipped, nothing sent.
    let again = rerun(&client, &batch, &RerunOptions::default());
    assert_eq!(again.skipped.len(), 2);
    assert!(again.triggered.is_empty());
}

#[test]
fn triggers_sent_at_once_each_go_once_and_come_back_in_key_order() {
    let keys = failing(40);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (emulator, client, batch) = workflow_batch(&keys);
    emulator.clear_failures();
    emulator.clear_received();
    let options = OutcomeOptions::default().concurrency(8);
    let done = client
        .rerun_failed(&batch, &options, &RerunOptions::default())
        .unwrap();
    let triggered: Vec<&str> = done.triggered.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(triggered, keys);
    let mut sent: Vec<String> = emulator
        .received()
        .into_iter()
        .filter(|r| r.route() == Some(Route::Trigger))
        .map(|r| {
            r.query
                .iter()
                .find(|(n, _)| n == "object")
                .unwrap()
                .1
                .clone()
        })
        .collect();
    sent.sort();
    assert_eq!(sent, keys);
}

#[test]
fn a_rerun_of_a_batch_job_still_running_is_refused_before_anything_is_sent() {
    let (emulator, client) = seeded(&["in/a.avi"]);
    let created = client
        .create(&BatchJob::media("hd", transcode(), Input::prefix("in/")))
        .unwrap()
        .job;
    emulator.clear_received();
    let err = client
        .rerun_failed(
            &created,
            &OutcomeOptions::default(),
            &RerunOptions::default(),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotEnded { batch_job_id, state } if *batch_job_id == created.job_id && *state == JobState::Submitted),
        "{err:?}"
    );
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn a_url_file_prefix_that_makes_no_key_is_refused_before_anything_is_sent() {
    let (emulator, client, batch) = media_batch(&["in/a.avi"]);
    emulator.clear_received();
    for prefix in ["/abs/", "a/../b/", "tab\there/"] {
        let err = client
            .rerun_failed(
                &batch,
                &OutcomeOptions::default(),
                &RerunOptions::default().url_file_prefix(prefix),
            )
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput(InvalidInput::BadObjectKey { .. })),
            "{prefix}: {err:?}"
        );
    }
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn an_upload_with_temporary_credentials_carries_the_cos_token_header() {
    let (emulator, _) = seeded(&["in/a.avi"]);
    let temporary = emulator.issue_temporary_credentials(Duration::from_secs(1800));
    let client = emulator
        .client_builder()
        .credentials(temporary)
        .build()
        .unwrap();
    let batch = finished(
        &emulator,
        &client,
        &BatchJob::media("hd", transcode(), Input::prefix("in/")),
    );
    emulator.clear_failures();
    let done = rerun(&client, &batch, &RerunOptions::default());
    created(&done.batch_job.unwrap());
    let upload = the_upload(&emulator);
    assert!(upload.header("x-cos-security-token").is_some());
    assert!(upload.header("x-ci-security-token").is_none());
}

#[test]
fn switching_ways_between_runs_runs_no_object_twice() {
    let keys = ["in/a.avi", "in/b.avi", "in/c.avi"];
    let (emulator, client, batch) = workflow_batch(&keys);
    emulator.clear_failures();
    // A first run by triggers stopped after one object.
    let by_hand = client
        .trigger_workflow(&cos_ci_batch::ops::TriggerWorkflow::new(WORKFLOW, "in/a.avi").unwrap())
        .unwrap()
        .run_id;
    // Then by a batch job: the object already run again is left out of the file.
    let by_job = RerunOptions::default().method(RerunMethod::BatchJob);
    let done = rerun(&client, &batch, &by_job);
    assert_eq!(done.skipped, [("in/a.avi".to_owned(), by_hand)]);
    let made = done.batch_job.unwrap();
    let job_id = created(&made).job_id;
    assert_eq!(
        String::from_utf8(emulator.object_body(&made.url_file).unwrap()).unwrap(),
        format!("{COS_HOST}/in/b.avi\n{COS_HOST}/in/c.avi\n")
    );
    assert_eq!(
        emulator.covered_objects(&job_id).unwrap(),
        ["in/b.avi", "in/c.avi"]
    );
    // Then by triggers again: the batch job is found, and nothing is triggered.
    emulator.clear_received();
    let by_triggers = RerunOptions::default().method(RerunMethod::Triggers);
    let again = rerun(&client, &batch, &by_triggers);
    assert_eq!(again.method, RerunMethod::BatchJob, "the way the job went");
    assert_eq!(found(&again.batch_job.unwrap()).job_id, job_id);
    assert!(again.triggered.is_empty());
    assert!(emulator.received().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_key_a_url_cannot_name_is_left_out_of_the_url_file_and_reported() {
    let (emulator, client, batch) = media_batch(&["in/../x.avi", "in/./y.avi", "in/z.avi"]);
    emulator.clear_failures();
    let done = rerun(&client, &batch, &RerunOptions::default());
    assert_eq!(done.objects, 3);
    let left_out: Vec<&str> = done.errors.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(left_out, ["in/../x.avi", "in/./y.avi"]);
    assert!(
        done.errors
            .iter()
            .all(|(_, e)| matches!(e, Error::InvalidInput(InvalidInput::BadObjectKey { .. })))
    );
    let made = done.batch_job.unwrap();
    assert_eq!(
        String::from_utf8(emulator.object_body(&made.url_file).unwrap()).unwrap(),
        format!("{COS_HOST}/in/z.avi\n")
    );
}

#[test]
fn a_big_upload_is_stored_whole_and_logged_cut_leaving_the_log_its_other_requests() {
    let (emulator, client) = seeded(&["in/a.mp4"]);
    client.list(&ListQuery::new()).unwrap();
    let body: Vec<u8> = (0..3 << 20).map(|i| (i % 251) as u8).collect();
    client
        .put_object(&cos_ci_batch::ops::PutObject::new("big.bin", body.clone()).unwrap())
        .unwrap();
    assert_eq!(emulator.object_body("big.bin").unwrap(), body);
    let received = emulator.received();
    assert_eq!(received.len(), 2, "the listing is still logged");
    assert_eq!(received[1].route(), Some(Route::PutObject));
    assert_eq!(received[1].body, body[..1 << 20]);
    assert!(received[1].signature_valid);
}

#[test]
fn failures_that_grew_since_an_earlier_rerun_job_start_nothing_and_name_that_job() {
    let (emulator, client) = seeded(&["in/a.avi", "in/b.avi", "in/c.avi"]);
    // The batch job says Success while each object's work goes on 30 s more, one object
    // started a second: the failures show one by one after it ended.
    emulator.set_work_per_second(Some(1));
    emulator.set_object_work_lag(Duration::from_secs(30));
    let id = client
        .create(&BatchJob::media("hd", transcode(), Input::prefix("in/")))
        .unwrap()
        .job
        .job_id;
    // Work i ends 33 s after the second it was created in; the batch job, at 5 s.
    emulator.advance(Duration::from_secs(33));
    let batch = client.describe(&id).unwrap().job;
    assert_eq!(batch.state, JobState::Success);
    let first = rerun(&client, &batch, &RerunOptions::default());
    assert_eq!(first.objects, 1, "only in/a.avi has failed yet");
    let first_job = created(&first.batch_job.unwrap());

    emulator.advance(Duration::from_secs(60));
    emulator.clear_received();
    let err = client
        .rerun_failed(&batch, &OutcomeOptions::default(), &RerunOptions::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::EarlierRerun { batch_job_id, rerun_job_id }
            if *batch_job_id == batch.job_id && *rerun_job_id == first_job.job_id),
        "{err:?}"
    );
    assert!(emulator.received().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_job_named_as_the_rerun_but_running_another_operation_is_not_taken_for_it() {
    let (emulator, client, batch) = media_batch(&["in/a.avi"]);
    emulator.clear_failures();
    let plan = rerun(&client, &batch, &RerunOptions::default().dry_run(true));
    let name = plan.batch_job.unwrap().name;
    let other = MediaJob::new(Tag::Transcode).template_id("t-other");
    let impostor = client
        .create(&BatchJob::media(
            name,
            other,
            Input::url_file("lists/x.txt"),
        ))
        .unwrap()
        .job
        .job_id;
    emulator.clear_received();
    let err = client
        .rerun_failed(&batch, &OutcomeOptions::default(), &RerunOptions::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::EarlierRerun { rerun_job_id, .. } if *rerun_job_id == impostor),
        "{err:?}"
    );
    assert!(emulator.received().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_run_made_while_the_batch_job_ran_counts_as_a_rerun_for_neither_way() {
    let (emulator, client) = seeded(&["in/a.avi", "in/b.avi"]);
    emulator.set_job_durations(Duration::from_secs(1), Duration::from_secs(60));
    let id = client
        .create(&BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")))
        .unwrap()
        .job
        .job_id;
    emulator.advance(Duration::from_secs(5));
    // Someone runs the workflow on one object while the batch job still runs.
    client
        .trigger_workflow(&cos_ci_batch::ops::TriggerWorkflow::new(WORKFLOW, "in/a.avi").unwrap())
        .unwrap();
    emulator.advance(Duration::from_secs(120));
    let batch = client.describe(&id).unwrap().job;
    assert!(batch.state.is_final());
    let dry_run = RerunOptions::default().dry_run(true);
    for method in [RerunMethod::Triggers, RerunMethod::BatchJob] {
        let plan = rerun(&client, &batch, &dry_run.clone().method(method));
        assert_eq!(plan.planned, ["in/a.avi", "in/b.avi"], "{method:?}");
        assert!(plan.skipped.is_empty(), "{method:?}");
    }
}

#[test]
fn the_cos_host_follows_the_endpoint_rules_and_a_bucket_without_one_fails_the_upload_only() {
    use cos_ci_batch::error::ConfigError;
    use cos_ci_batch::ops::PutObject;
    let emulator = Emulator::start().unwrap();
    let plain = Client::builder("emulator-1250000000", "ap-emulator")
        .credentials(emulator.credentials())
        .cos_endpoint(emulator.cos_endpoint())
        .build()
        .unwrap_err();
    assert_eq!(plain, ConfigError::InsecureCosEndpoint);
    // A CI endpoint of its own, and a bucket no COS host can be made of: everything but an
    // upload works.
    let client = Client::builder("no-appid", "ap-emulator")
        .endpoint(emulator.endpoint())
        .allow_http()
        .credentials(emulator.credentials())
        .build()
        .unwrap();
    client.list(&ListQuery::new()).unwrap();
    let err = client
        .put_object(&PutObject::new("a.txt", b"x".to_vec()).unwrap())
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(ConfigError::BucketWithoutAppId(b)) if b == "no-appid"),
        "{err:?}"
    );
    assert_eq!(emulator.received_count(), 1, "the upload was never sent");
}

#[test]
fn a_batch_job_created_between_pages_shifts_no_run_of_a_listing_by_workflow() {
    use cos_ci_batch::ops::{ExecutionQuery, Order, TriggerWorkflow};
    let (_emulator, client) = seeded(&["in/a.mp4", "in/b.mp4", "in/c.mp4", "new/d.mp4"]);
    let mut by_hand = Vec::new();
    for key in ["in/a.mp4", "in/b.mp4", "in/c.mp4"] {
        let trigger = TriggerWorkflow::new(WORKFLOW, key).unwrap();
        by_hand.push(client.trigger_workflow(&trigger).unwrap().run_id);
    }
    for order in [Order::Asc, Order::Desc] {
        let query = ExecutionQuery::new(WORKFLOW).order(order).size(2);
        let first = client.list_workflow_executions(&query).unwrap();
        // Someone starts a batch job while the listing pages on.
        client
            .create(&BatchJob::workflow("more", WORKFLOW, Input::prefix("new/")))
            .unwrap();
        let next = query.next_token(first.next_token.unwrap());
        let mut seen: Vec<String> = first.executions.into_iter().map(|r| r.run_id).collect();
        let mut page = client.list_workflow_executions(&next).unwrap();
        loop {
            seen.extend(page.executions.iter().map(|r| r.run_id.clone()));
            let Some(token) = page.next_token.clone() else {
                break;
            };
            page = client
                .list_workflow_executions(&next.clone().next_token(token))
                .unwrap();
        }
        let mut runs_by_hand: Vec<&String> = seen.iter().filter(|r| by_hand.contains(r)).collect();
        runs_by_hand.sort();
        runs_by_hand.dedup();
        assert_eq!(runs_by_hand.len(), 3, "{order:?}: {seen:?}");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            seen.len(),
            "{order:?}: no run twice: {seen:?}"
        );
    }
}

#[test]
fn a_job_listing_that_never_ends_stops_the_lookup_at_its_limit_with_nothing_sent() {
    use crate::common::raw_server::{RawServer, response};
    use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
    let batch_id = "b0000000000000000000000000000000a";
    // One failed media job; and batch job listings that always point to one more page.
    let server = RawServer::start(move |n, request| {
        if request.line.starts_with("GET /jobs?") {
            return response(
                200,
                "<Response><JobsDetail><JobId>j1</JobId><State>Failed</State><Code>E</Code>\
                 <CreationTime>2026-12-07T10:00:05+0800</CreationTime>\
                 <Input><Object>in/a.avi</Object></Input></JobsDetail></Response>",
            );
        }
        if request.line.starts_with("GET /inventorytriggerjob?") {
            let jobs: String = (0..100)
                .map(|i| {
                    format!(
                        "<JobsDetail><JobId>b{n:016}{i:016}</JobId><Name>other</Name>\
                         <Type>Job</Type></JobsDetail>"
                    )
                })
                .collect();
            return response(
                200,
                &format!("<Response>{jobs}<NextToken>t{n}</NextToken></Response>"),
            );
        }
        response(404, "")
    });
    let client = crate::common::client_for(&server.endpoint(), |b| b);
    let body = format!(
        "<Response><JobsDetail><JobId>{batch_id}</JobId><Type>Job</Type><State>Success</State>\
         <CreationTime>2026-12-07T10:00:00+0800</CreationTime>\
         <Operation><Tag>Snapshot</Tag></Operation></JobsDetail></Response>"
    );
    let batch = DescribeJob::new(batch_id)
        .unwrap()
        .parse(&HttpResponse::new(200, body.into_bytes()))
        .unwrap()
        .job;
    let err = client
        .rerun_failed(&batch, &OutcomeOptions::default(), &RerunOptions::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::RerunLookupLimit { batch_job_id, limit }
            if batch_job_id == batch_id && *limit == cos_ci_batch::LOOKUP_LIMIT),
        "{err:?}"
    );
    // The failures' page, then pages of 100 jobs up to the one past the limit: nothing else.
    assert_eq!(server.requests(), 1 + cos_ci_batch::LOOKUP_LIMIT / 100 + 1);
}
