//! What happened to each object of a batch job (issue 10): the listings behind it, the
//! per-object records, the summary and the re-run of failed objects, against the emulator.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::{finished, routes};
use cos_ci_batch::emulator::{Emulator, Route};
use cos_ci_batch::model::{BatchJob, Input, JobDetail, JobState, MediaJob, Output, Tag};
use cos_ci_batch::ops::{ExecutionQuery, MediaJobQuery, StateFilter, TriggerWorkflow};
use cos_ci_batch::{Client, Error, ObjectOutcome, OutcomeOptions, RerunMethod, RerunOptions};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

fn seeded(keys: &[&str]) -> (Emulator, Client) {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    emulator.put_objects(keys.iter().copied(), emulator.now());
    emulator.fail_objects("in/*.avi", "UnsupportedFormat", "avi is not supported");
    emulator.fail_objects("in/broken*", "DecodeError", "no video stream");
    let client = emulator.client_builder().build().unwrap();
    (emulator, client)
}

fn all_outcomes(client: &Client, batch: &JobDetail) -> Vec<ObjectOutcome> {
    client
        .outcomes(batch, &OutcomeOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Each outcome's object, state and failure code, in order.
fn objects_states_codes(outcomes: &[ObjectOutcome]) -> Vec<(&str, &JobState, Option<&str>)> {
    outcomes
        .iter()
        .map(|o| (o.object.as_str(), &o.state, o.code.as_deref()))
        .collect()
}

const KEYS: [&str; 5] = [
    "in/a.mp4",
    "in/b.avi",
    "in/broken-1.mp4",
    "in/c.mp4",
    "other/d.mp4",
];

fn transcode() -> MediaJob {
    MediaJob::new(Tag::Transcode)
        .template_id("t0123")
        .output(Output::new("ap-emulator", "out-1250000000").object("hd/${InputName}.${ext}"))
}

#[test]
fn a_job_batch_reports_one_media_job_per_object_with_codes_and_outputs() {
    let (emulator, client) = seeded(&KEYS);
    let batch = finished(
        &emulator,
        &client,
        &BatchJob::media("hd", transcode(), Input::prefix("in/")),
    );
    let outcomes = all_outcomes(&client, &batch);
    let seen = objects_states_codes(&outcomes);
    assert_eq!(
        seen,
        [
            ("in/a.mp4", &JobState::Success, None),
            ("in/b.avi", &JobState::Failed, Some("UnsupportedFormat")),
            ("in/broken-1.mp4", &JobState::Failed, Some("DecodeError")),
            ("in/c.mp4", &JobState::Success, None),
        ]
    );
    assert_eq!(outcomes[1].message.as_deref(), Some("avi is not supported"));
    assert!(outcomes.iter().all(|o| o.run_id.is_none()));
    // Each record names its media job, which describes with its output.
    let first = client
        .describe_media_job(outcomes[0].media_job_id.as_deref().unwrap())
        .unwrap()
        .job;
    assert_eq!(first.object(), Some("in/a.mp4"));
    assert_eq!(first.output_objects(), ["hd/a.mp4"]);
    let listed = routes(&emulator);
    let list_query = emulator
        .received()
        .into_iter()
        .find(|r| r.route() == Some(Route::MediaJobs))
        .unwrap();
    assert_eq!(
        list_query.raw_url,
        format!(
            "/jobs?tag=Transcode&inventoryTriggerJobId={}&orderByTime=Asc&size=100",
            batch.job_id
        )
    );
    assert!(listed.contains(&Route::MediaJob));
}

#[test]
fn a_workflow_batch_reports_runs_with_the_failed_tasks_code() {
    let (emulator, client) = seeded(&KEYS);
    let batch = finished(
        &emulator,
        &client,
        &BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")),
    );
    let outcomes = all_outcomes(&client, &batch);
    assert_eq!(outcomes.len(), 4);
    let failed: Vec<_> = outcomes
        .iter()
        .filter(|o| o.state == JobState::Failed)
        .collect();
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0].object, "in/b.avi");
    assert_eq!(failed[0].code.as_deref(), Some("UnsupportedFormat"));
    assert!(failed[0].run_id.as_deref().unwrap().starts_with('i'));
    assert!(failed[0].media_job_id.as_deref().unwrap().starts_with('j'));
    // One describe per failed run, none for the others.
    let described = routes(&emulator)
        .iter()
        .filter(|r| **r == Route::Execution)
        .count();
    assert_eq!(described, 2);
    // Without failure details, no describe at all.
    emulator.clear_received();
    let quick = OutcomeOptions::default().failure_details(false);
    let codes: Vec<Option<String>> = client
        .outcomes(&batch, &quick)
        .unwrap()
        .map(|o| o.unwrap().code)
        .collect();
    assert!(codes.iter().all(Option::is_none));
    assert!(!routes(&emulator).contains(&Route::Execution));
}

#[test]
fn outcomes_follow_the_states_on_the_emulators_clock() {
    let (emulator, client) = seeded(&KEYS);
    let batch = client
        .create(&BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")))
        .unwrap()
        .job;
    let states = |client: &Client| -> Vec<JobState> {
        client
            .outcomes(&batch, &OutcomeOptions::default())
            .unwrap()
            .map(|o| o.unwrap().state)
            .collect()
    };
    assert!(states(&client).iter().all(|s| *s == JobState::Submitted));
    emulator.advance(Duration::from_millis(1500));
    assert!(states(&client).iter().all(|s| *s == JobState::Running));
    client.cancel(&batch.job_id).unwrap();
    assert!(states(&client).iter().all(|s| *s == JobState::Cancel));
}

#[test]
fn the_summary_counts_exactly_and_caps_the_failures_it_lists() {
    let keys: Vec<String> = (0..250)
        .map(|i| {
            if i % 10 == 0 {
                format!("in/broken-{i:03}.mp4")
            } else {
                format!("in/{i:03}.mp4")
            }
        })
        .collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (emulator, client) = seeded(&key_refs);
    let batch = client
        .create(&BatchJob::media("hd", transcode(), Input::prefix("in/")))
        .unwrap()
        .job;
    emulator.advance(Duration::from_secs(10));
    let summary = client
        .outcome_summary(&batch, &OutcomeOptions::default(), 10)
        .unwrap();
    assert_eq!(summary.total, 250);
    assert_eq!(
        summary.counts,
        [(JobState::Failed, 25), (JobState::Success, 225)]
    );
    assert_eq!((summary.failed, summary.failures_cap), (25, 10));
    assert_eq!(summary.failures.len(), 10);
    assert_eq!(summary.failures[0].object, "in/broken-000.mp4");
    assert!(
        summary
            .failures
            .iter()
            .all(|f| f.code.as_deref() == Some("DecodeError"))
    );
}

#[test]
fn failed_objects_of_a_workflow_batch_are_run_again_once_each() {
    let (emulator, client) = seeded(&KEYS);
    let batch = client
        .create(&BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")))
        .unwrap()
        .job;
    emulator.advance(Duration::from_secs(10));
    let batch = client.describe(&batch.job_id).unwrap().job;
    let options = OutcomeOptions::default();
    let dry_run = RerunOptions::default().dry_run(true);
    let plan = client.rerun_failed(&batch, &options, &dry_run).unwrap();
    assert_eq!((plan.method, plan.objects), (RerunMethod::Triggers, 2));
    assert_eq!(plan.planned, ["in/b.avi", "in/broken-1.mp4"]);
    assert!(plan.triggered.is_empty());
    assert!(
        !routes(&emulator).contains(&Route::Trigger),
        "a dry run triggers nothing"
    );

    emulator.clear_failures();
    let rerun = client
        .rerun_failed(&batch, &options, &RerunOptions::default())
        .unwrap();
    let objects: Vec<&str> = rerun.triggered.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(objects, ["in/b.avi", "in/broken-1.mp4"]);
    assert!(rerun.errors.is_empty());
    let triggers = emulator
        .received()
        .into_iter()
        .filter(|r| r.route() == Some(Route::Trigger))
        .collect::<Vec<_>>();
    assert_eq!(triggers.len(), 2);
    assert!(triggers.iter().all(|t| t.signature_valid));
    // The new runs exist, and succeed now that the objects are fixed.
    emulator.advance(Duration::from_secs(10));
    for (_, run_id) in &rerun.triggered {
        let run = client
            .describe_workflow_execution(run_id)
            .unwrap()
            .execution;
        assert_eq!(run.state, JobState::Success);
        assert_eq!(run.workflow_id.as_deref(), Some(WORKFLOW));
    }
    // A media-job batch has nothing to trigger.
    let job_batch = finished(
        &emulator,
        &client,
        &BatchJob::media("hd", transcode(), Input::prefix("in/")),
    );
    let by_triggers = RerunOptions::default().method(RerunMethod::Triggers);
    let err = client
        .rerun_failed(&job_batch, &options, &by_triggers)
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotAWorkflow { batch_job_id } if *batch_job_id == job_batch.job_id),
        "{err:?}"
    );
}

#[test]
fn a_trigger_whose_answer_is_lost_is_reported_and_never_sent_again() {
    use cos_ci_batch::emulator::Fault;
    let (emulator, client) = seeded(&KEYS);
    let batch = finished(
        &emulator,
        &client,
        &BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")),
    );
    // The service runs the first trigger and its answer never comes back: it may not be sent
    // again, and the next object is still triggered.
    emulator.inject(
        Route::Trigger,
        Fault::close_connection().after_processing(),
        1,
    );
    let options = OutcomeOptions::default();
    let rerun = client
        .rerun_failed(&batch, &options, &RerunOptions::default())
        .unwrap();
    let lost: Vec<&str> = rerun.errors.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(lost, ["in/b.avi"]);
    let triggered: Vec<&str> = rerun.triggered.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(triggered, ["in/broken-1.mp4"]);
    let trigger_count = || {
        routes(&emulator)
            .iter()
            .filter(|r| **r == Route::Trigger)
            .count()
    };
    assert_eq!(trigger_count(), 2);
    // Run again: both objects have a run newer than their failed one (the lost trigger did
    // reach the service), so nothing is triggered a second time.
    let again = client
        .rerun_failed(&batch, &options, &RerunOptions::default())
        .unwrap();
    let skipped: Vec<&str> = again.skipped.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(skipped, ["in/b.avi", "in/broken-1.mp4"]);
    assert!(again.triggered.is_empty() && again.errors.is_empty());
    assert_eq!(again.skipped[1].1, rerun.triggered[0].1);
    assert_eq!(trigger_count(), 2);
}

#[test]
fn a_failed_runs_describe_that_fails_leaves_its_code_unknown_not_the_page_lost() {
    use cos_ci_batch::emulator::Fault;
    let (emulator, _) = seeded(&KEYS);
    let client = emulator
        .client_builder()
        .retry_policy(cos_ci_batch::RetryPolicy::none())
        .build()
        .unwrap();
    let batch = finished(
        &emulator,
        &client,
        &BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")),
    );
    // The first describe of a failed run (in/b.avi) gets a 503.
    emulator.inject(
        Route::Execution,
        Fault::status(503, "ServiceUnavailable"),
        1,
    );
    let outcomes = all_outcomes(&client, &batch);
    let seen = objects_states_codes(&outcomes);
    assert_eq!(
        seen,
        [
            ("in/a.mp4", &JobState::Success, None),
            ("in/b.avi", &JobState::Failed, None),
            ("in/broken-1.mp4", &JobState::Failed, Some("DecodeError")),
            ("in/c.mp4", &JobState::Success, None),
        ]
    );
}

#[test]
fn what_the_batch_job_does_not_say_is_asked_for_by_name() {
    let (emulator, client) = seeded(&KEYS);
    let created = client
        .create(&BatchJob::media("hd", transcode(), Input::prefix("in/")))
        .unwrap()
        .job;
    emulator.advance(Duration::from_secs(10));
    let mut batch = client.describe(&created.job_id).unwrap().job;
    // A service that does not echo the Tag (as the list document's sample does not).
    batch.operation.as_mut().unwrap().tag = None;
    let err = client
        .outcomes(&batch, &OutcomeOptions::default())
        .err()
        .unwrap();
    assert!(
        matches!(&err, Error::OutcomeSourceUnknown { missing: "Tag", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not say its Tag"), "{err}");
    let with_tag = OutcomeOptions::default().tag(Tag::Transcode);
    assert_eq!(client.outcomes(&batch, &with_tag).unwrap().count(), 4);
}

#[test]
fn the_listings_filter_and_page_like_the_service() {
    let (emulator, client) = seeded(&KEYS);
    let job = client
        .create(&BatchJob::media("hd", transcode(), Input::prefix("in/")))
        .unwrap()
        .job;
    let flow = client
        .create(&BatchJob::workflow("flow", WORKFLOW, Input::prefix("in/")))
        .unwrap()
        .job;
    // A second media-job batch, on a queue of its own, and a triggered run: the filters
    // below must keep each out of the others' listings.
    let queued = client
        .create(&BatchJob::media(
            "queued",
            transcode().queue_id("q2"),
            Input::prefix("other/"),
        ))
        .unwrap()
        .job;
    let trigger = TriggerWorkflow::new(WORKFLOW, "other/d.mp4").unwrap();
    let run = client.trigger_workflow(&trigger).unwrap();
    emulator.advance(Duration::from_secs(10));
    let objects_of = |query: &MediaJobQuery| -> Vec<String> {
        let page = client.list_media_jobs(query).unwrap();
        page.jobs
            .iter()
            .filter_map(|j| j.object().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        objects_of(&MediaJobQuery::new(Tag::Transcode).batch_job_id(queued.job_id.clone())),
        ["other/d.mp4"]
    );
    assert_eq!(
        objects_of(&MediaJobQuery::new(Tag::Transcode).queue_id("q2")),
        ["other/d.mp4"]
    );
    // Media jobs a workflow started: the tasks of the batch job's runs, newest first, then
    // of the triggered run; those of one batch job alone with its id.
    let mut by_workflow = objects_of(&MediaJobQuery::new(Tag::Transcode).workflow_id(WORKFLOW));
    assert_eq!(by_workflow.remove(0), "other/d.mp4");
    by_workflow.sort();
    assert_eq!(
        by_workflow,
        ["in/a.mp4", "in/b.avi", "in/broken-1.mp4", "in/c.mp4"]
    );
    assert_eq!(
        objects_of(
            &MediaJobQuery::new(Tag::Transcode)
                .workflow_id(WORKFLOW)
                .batch_job_id(flow.job_id.clone())
        )
        .len(),
        4
    );
    assert!(objects_of(&MediaJobQuery::new(Tag::Transcode).workflow_id("w-other")).is_empty());
    assert_eq!(
        objects_of(&MediaJobQuery::new(Tag::Transcode).batch_job_id(job.job_id.clone())).len(),
        4
    );
    let failed = client
        .list_media_jobs(
            &MediaJobQuery::new(Tag::Transcode)
                .batch_job_id(job.job_id.clone())
                .states([StateFilter::Failed]),
        )
        .unwrap();
    let objects: Vec<&str> = failed.jobs.iter().filter_map(|j| j.object()).collect();
    assert_eq!(
        objects,
        ["in/broken-1.mp4", "in/b.avi"],
        "newest first by default"
    );
    let one = client
        .list_media_jobs(&MediaJobQuery::new(Tag::Transcode).input_object("in/c.mp4"))
        .unwrap();
    // The batch job's media job and the workflow run's task.
    let started_by: Vec<bool> = one.jobs.iter().map(|j| j.workflow.is_some()).collect();
    assert_eq!(started_by, [true, false], "newest first");
    let other_tag = client
        .list_media_jobs(&MediaJobQuery::new(Tag::Snapshot))
        .unwrap();
    assert!(other_tag.jobs.is_empty());
    // Two runs per page, oldest first: two pages and no third.
    let query = ExecutionQuery::new(WORKFLOW)
        .batch_job_id(flow.job_id.clone())
        .order(cos_ci_batch::ops::Order::Asc)
        .size(2);
    let first = client.list_workflow_executions(&query).unwrap();
    let token = first.next_token.clone().unwrap();
    let second = client
        .list_workflow_executions(&query.clone().next_token(token))
        .unwrap();
    assert_eq!(second.next_token, None);
    let objects: Vec<String> = first
        .executions
        .iter()
        .chain(&second.executions)
        .map(|e| e.object.clone().unwrap())
        .collect();
    assert_eq!(
        objects,
        ["in/a.mp4", "in/b.avi", "in/broken-1.mp4", "in/c.mp4"]
    );
    let by_object = client
        .list_workflow_executions(&ExecutionQuery::new(WORKFLOW).object("in/c.mp4"))
        .unwrap();
    assert_eq!(by_object.executions.len(), 1);
    // The trigger is a run of its own, left out above and listed without a batch filter.
    let all = client
        .list_workflow_executions(&ExecutionQuery::new(WORKFLOW).size(100))
        .unwrap();
    assert!(all.executions.iter().any(|e| e.run_id == run.run_id));
    // Every request to the new routes was signed and verified.
    assert!(emulator.received().iter().all(|r| r.signature_valid));
}

#[test]
fn a_hundred_thousand_objects_stream_every_outcome_exactly_once() {
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow(WORKFLOW);
    let keys = (0..100_000).map(|i| format!("big/{i:06}.mp4"));
    emulator.put_objects(keys, emulator.now());
    emulator.fail_objects("big/*7.mp4", "DecodeError", "no video stream");
    let client = emulator.client_builder().build().unwrap();
    let batch = client
        .create(&BatchJob::workflow("big", WORKFLOW, Input::prefix("big/")))
        .unwrap()
        .job;
    emulator.advance(Duration::from_secs(10));
    let quick = OutcomeOptions::default().failure_details(false);
    let mut seen = HashSet::with_capacity(100_000);
    let mut failed = 0;
    for outcome in client.outcomes(&batch, &quick).unwrap() {
        let outcome = outcome.unwrap();
        failed += usize::from(outcome.state == JobState::Failed);
        assert!(seen.insert(outcome.object), "an object came twice");
    }
    assert_eq!(seen.len(), 100_000);
    assert_eq!(failed, 10_000);
    assert_eq!(
        routes(&emulator)
            .iter()
            .filter(|r| **r == Route::Executions)
            .count(),
        1_000
    );
}

#[test]
fn waiting_for_objects_looks_at_every_object_even_when_asked_for_the_failed_only() {
    use cos_ci_batch::{OutcomeOptions, WaitOptions};
    let emulator = cos_ci_batch::emulator::Emulator::start().unwrap();
    emulator.add_workflow("w1");
    emulator.put_objects(["in/a.mp4"], emulator.now());
    emulator.set_object_work_lag(std::time::Duration::from_secs(600));
    let client = emulator.client_builder().build().unwrap();
    let job = cos_ci_batch::model::BatchJob::workflow(
        "w",
        "w1",
        cos_ci_batch::model::Input::prefix("in/"),
    );
    let id = client.create(&job).unwrap().job.job_id;
    emulator.advance(std::time::Duration::from_secs(10));
    let batch = client.describe(&id).unwrap().job;
    let wait = WaitOptions::default().deadline(std::time::Duration::from_millis(300));
    let err = client
        .wait_for_objects(
            &batch,
            &OutcomeOptions::default().failed_only(true),
            &wait,
            |_| {},
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            cos_ci_batch::Error::ObjectWorkDeadline {
                unfinished: Some(1),
                ..
            }
        ),
        "{err:?}"
    );
}
