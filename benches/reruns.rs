//! Re-running the failures of a workflow batch job of 2 000 failed objects (500 with
//! `BENCH_QUICK=1`) from an emulator that answers every request 50 ms late: by one trigger
//! per object (a check and a trigger each, 8 at once), and by one batch job over a URL
//! file. Each way runs on a batch job of its own, in the same run; the figure is the ratio
//! of their wall times, with the requests each sent.

use std::time::{Duration, Instant};

use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input, JobDetail};
use cos_ci_batch::{Client, OutcomeOptions, RerunJobStatus, RerunMethod, RerunOptions};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

fn main() {
    let n: usize = if std::env::var_os("BENCH_QUICK").is_some() {
        500
    } else {
        2_000
    };
    let emulator = Emulator::start().expect("emulator");
    emulator.add_workflow(WORKFLOW);
    // Two sets of objects, one per way: a run on an object is newer than its failed one
    // whichever batch job made it.
    for set in ["a", "b"] {
        emulator.put_objects((0..n).map(|i| format!("{set}/{i:07}.avi")), emulator.now());
    }
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    let client = emulator.client_builder().build().expect("client");
    let failed_batch = |name: &str, prefix: &str| -> JobDetail {
        let job = BatchJob::workflow(name, WORKFLOW, Input::prefix(prefix));
        let id = client.create(&job).expect("create").job.job_id;
        emulator.advance(Duration::from_secs(10));
        client.describe(&id).expect("describe").job
    };
    let by_triggers = failed_batch("by-triggers", "a/");
    let by_job = failed_batch("by-job", "b/");
    emulator.clear_failures();
    emulator.set_latency(Duration::from_millis(50));

    let time = |client: &Client, batch: &JobDetail, method: RerunMethod| {
        let options = OutcomeOptions::default().concurrency(8);
        let rerun = RerunOptions::default().method(method);
        let before = emulator.received_count();
        let started = Instant::now();
        let done = client.rerun_failed(batch, &options, &rerun).expect("rerun");
        assert_eq!(done.objects, n);
        assert!(done.errors.is_empty() && done.skipped.is_empty());
        match method {
            RerunMethod::Triggers => assert_eq!(done.triggered.len(), n),
            _ => assert!(matches!(
                done.batch_job.expect("a batch job").status,
                RerunJobStatus::Created(_)
            )),
        }
        (started.elapsed(), emulator.received_count() - before)
    };
    let (triggers, trigger_requests) = time(&client, &by_triggers, RerunMethod::Triggers);
    let (job, job_requests) = time(&client, &by_job, RerunMethod::BatchJob);
    println!(
        "{n} failed objects at 50 ms a request: by triggers (8 at once) {:.1} s, {trigger_requests} requests; \
         by one batch job {:.1} s, {job_requests} requests: {:.3}x the time",
        triggers.as_secs_f64(),
        job.as_secs_f64(),
        job.as_secs_f64() / triggers.as_secs_f64()
    );
}
