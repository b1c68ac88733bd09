//! This crate's side of `benches/sdk-compare/run.sh`: the same work the official SDKs do
//! there, timed the same way (a warm-up, then the median of five timed passes):
//! signing a create request in-process, and sequential describe calls against an emulator.
//!
//! Alone (`cargo bench --bench sdk_compare --features emulator`) it starts its own emulator;
//! under the script it uses the one named by `SDK_COMPARE_ENDPOINT`, `SDK_COMPARE_SECRET_ID`,
//! `SDK_COMPARE_SECRET_KEY`, and prints the job id the SDKs then describe.

mod harness;

use std::time::Instant;

use cos_ci_batch::Client;
use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input};
use cos_ci_batch::sign::{Credentials, KeyTime};
use harness::sign_create_request;

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

/// Five timed passes of `n / 5` operations; the median pass, in microseconds per operation.
/// (The Python and Node scripts time the same way.)
fn median_of_passes(n: usize, mut op: impl FnMut()) -> f64 {
    let per_pass = (n / 5).max(1);
    let mut passes: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_pass {
                op();
            }
            start.elapsed().as_secs_f64() * 1e6 / per_pass as f64
        })
        .collect();
    passes.sort_by(f64::total_cmp);
    passes[2]
}

fn main() {
    let n: usize = std::env::var("SDK_COMPARE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let own;
    let (endpoint, credentials) = match std::env::var("SDK_COMPARE_ENDPOINT") {
        Ok(endpoint) => {
            let id = std::env::var("SDK_COMPARE_SECRET_ID").expect("SDK_COMPARE_SECRET_ID");
            let key = std::env::var("SDK_COMPARE_SECRET_KEY").expect("SDK_COMPARE_SECRET_KEY");
            (endpoint, Credentials::new(id, key))
        }
        Err(_) => {
            own = Emulator::start().expect("emulator");
            own.add_workflow(WORKFLOW);
            (own.endpoint(), own.credentials())
        }
    };

    // Signing: the create request the SDK scripts sign (POST, content-type, content-length, host).
    let sign = || sign_create_request(&credentials, KeyTime::new(1_700_000_000, 1_700_000_900));
    for _ in 0..n {
        std::hint::black_box(sign());
    }
    let sign_us = median_of_passes(n, || {
        std::hint::black_box(sign());
    });

    let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
        .endpoint(&endpoint)
        .allow_http()
        .credentials(credentials.clone())
        .build()
        .unwrap();
    let job = client
        .create(&BatchJob::workflow(
            "sdk-compare",
            WORKFLOW,
            Input::prefix("p"),
        ))
        .unwrap();
    let calls = n / 4;
    for _ in 0..calls / 4 {
        client.describe(&job.job.job_id).unwrap();
    }
    let describe_us = median_of_passes(calls, || {
        std::hint::black_box(client.describe(&job.job.job_id).unwrap());
    });
    println!("job_id={}", job.job.job_id);
    println!("rust sign_us={sign_us:.3} describe_us={describe_us:.1}");
}
