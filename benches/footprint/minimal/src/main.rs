//! Creates one batch job. Endpoint and credentials come from the arguments, so that the
//! footprint script can aim it at the emulator: `minimal <endpoint> <secret-id> <secret-key>`.

use cos_ci_batch::model::{BatchJob, Input};
use cos_ci_batch::{Client, Credentials};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, id, key] = args.as_slice() else {
        return Err("usage: minimal <endpoint> <secret-id> <secret-key>".into());
    };
    let client = Client::builder("examplebucket-1250000000", "ap-guangzhou")
        .endpoint(endpoint)
        .allow_http()
        .credentials(Credentials::new(id, key))
        .build()?;
    let job = BatchJob::workflow("footprint", "w0123456789abcdef0123456789abcdef", Input::prefix("videos/"));
    let created = client.create(&job)?.job;
    println!("{} {}", created.job_id, created.state);
    Ok(())
}
