//! Shared helpers of the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The bytes of a reference fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "data",
        "fixtures",
        name,
    ]
    .iter()
    .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Removes the indentation of a pretty-printed fixture.
pub fn compact(xml: &[u8]) -> String {
    String::from_utf8(xml.to_vec())
        .unwrap()
        .lines()
        .map(str::trim)
        .collect::<String>()
}

/// A time in the service's format.
pub fn t(text: &str) -> time::OffsetDateTime {
    cos_ci_batch::model::parse_time(text).unwrap()
}
pub mod raw_server;

/// The routes of the requests an emulator received, in order.
pub fn routes(emulator: &cos_ci_batch::emulator::Emulator) -> Vec<cos_ci_batch::emulator::Route> {
    emulator
        .received()
        .iter()
        .map(|r| r.route().unwrap())
        .collect()
}

/// Creates `job` on `emulator`, lets it end on the emulator's clock, and describes it.
pub fn finished(
    emulator: &cos_ci_batch::emulator::Emulator,
    client: &cos_ci_batch::Client,
    job: &cos_ci_batch::model::BatchJob,
) -> cos_ci_batch::model::JobDetail {
    let created = client.create(job).unwrap().job;
    emulator.advance(std::time::Duration::from_secs(10));
    client.describe(&created.job_id).unwrap().job
}

/// A client of a test's own server at `endpoint` (plain http, made-up credentials), as
/// `configure` sets it up further.
pub fn client_for(
    endpoint: &str,
    configure: impl FnOnce(cos_ci_batch::ClientBuilder) -> cos_ci_batch::ClientBuilder,
) -> cos_ci_batch::Client {
    configure(
        cos_ci_batch::Client::builder("b-1250000000", "ap-guangzhou")
            .endpoint(endpoint)
            .allow_http()
            .credentials(cos_ci_batch::Credentials::new("AKIDexample", "secret")),
    )
    .build()
    .unwrap()
}
