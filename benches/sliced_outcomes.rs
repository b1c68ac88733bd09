//! The outcomes of a batch job of 100 000 objects (20 000 with `BENCH_QUICK=1`) from an
//! emulator that answers every request 50 ms late, as a distant service does: listed in one
//! piece, page after page, and in slices of the job's lifetime several at once. The figure
//! is the ratio of their wall times in the same run.

use std::time::{Duration, Instant};

use cos_ci_batch::OutcomeOptions;
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

fn main() {
    let n: usize = if std::env::var_os("BENCH_QUICK").is_some() {
        20_000
    } else {
        100_000
    };
    let emulator = Emulator::start().expect("emulator");
    emulator.add_workflow(WORKFLOW);
    // The work is created 2 000 a second, as a large batch job starts it over minutes.
    emulator.set_work_per_second(Some(2000));
    emulator.put_objects((0..n).map(|i| format!("big/{i:07}.mp4")), emulator.now());
    let client = emulator.client_builder().build().expect("client");
    let job = BatchJob::workflow("bench", WORKFLOW, Input::prefix("big/"));
    let id = client.create(&job).expect("create").job.job_id;
    emulator.advance(Duration::from_secs(n as u64 / 2000 + 60));
    let batch = client.describe(&id).expect("describe").job;
    emulator.set_latency(Duration::from_millis(50));

    let time = |concurrency: usize| {
        let options = OutcomeOptions::default()
            .concurrency(concurrency)
            .failure_details(false);
        let before = emulator.received_count();
        let started = Instant::now();
        let count = client
            .outcomes(&batch, &options)
            .expect("outcomes")
            .filter(Result::is_ok)
            .count();
        assert_eq!(count, n, "every object once");
        (started.elapsed(), emulator.received_count() - before)
    };
    let (sequential, requests) = time(1);
    println!(
        "{n} objects at 50 ms a request: in one piece {:.1} s ({requests} requests)",
        sequential.as_secs_f64()
    );
    for concurrency in [4, 8, 16] {
        let (sliced, requests) = time(concurrency);
        println!(
            "  {concurrency:>2} slices at once: {:.1} s ({requests} requests), {:.2}x the time of one piece",
            sliced.as_secs_f64(),
            sliced.as_secs_f64() / sequential.as_secs_f64()
        );
    }
}
