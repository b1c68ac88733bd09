//! The whole flow of a batch job, start to finish.
//!
//! With no arguments it starts the embedded emulator and needs no account and no network:
//!
//! ```text
//! cargo run -p quickstart
//! ```
//!
//! With a bucket and a region given, the same flow runs against the real service, signed with
//! the credentials the default chain finds (the environment, `~/.tencentcloud/credentials`,
//! or the CVM instance role; the README's "Credentials" section):
//!
//! ```text
//! cargo run -p quickstart -- \
//!     --bucket examplebucket-1250000000 --region ap-guangzhou \
//!     --workflow w7476ff3564ee45b7b490d64bccaba6cc --prefix input/
//! ```
//! (`COS_CI_BUCKET`, `COS_CI_REGION`, `COS_CI_WORKFLOW` and `COS_CI_PREFIX` work too.)

use std::time::Duration;

use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input, TimeInterval};
use cos_ci_batch::ops::{ListQuery, Order, TypeFilter};
use cos_ci_batch::{Client, OutcomeOptions, WaitOptions};
use time::OffsetDateTime;

struct Target {
    client: Client,
    workflow: String,
    prefix: String,
    emulator: Option<Emulator>,
}

fn arg_or_env(args: &[String], flag: &str, env: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var(env).ok())
}

const USAGE: &str = "\
quickstart: the whole flow of a batch job, start to finish

Usage:
  cargo run -p quickstart
      against the embedded emulator: no account, no network
  cargo run -p quickstart -- --bucket BUCKET-APPID --region REGION --workflow ID [--prefix PREFIX]
      against the real service, with the credentials the default chain finds (the
      environment, ~/.tencentcloud/credentials, or the CVM instance role)

COS_CI_BUCKET, COS_CI_REGION, COS_CI_WORKFLOW and COS_CI_PREFIX stand for the flags.
";

fn target() -> Result<Target, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bucket = arg_or_env(&args, "--bucket", "COS_CI_BUCKET");
    let region = arg_or_env(&args, "--region", "COS_CI_REGION");
    let (bucket, region) = match (bucket, region) {
        (Some(bucket), Some(region)) => (Some(bucket), Some(region)),
        (Some(_), None) => {
            return Err("--bucket needs --region (or COS_CI_REGION); try --help".into());
        }
        (None, Some(_)) => {
            return Err("--region needs --bucket (or COS_CI_BUCKET); try --help".into());
        }
        (None, None) => (None, None),
    };
    if let (Some(bucket), Some(region)) = (bucket, region) {
        println!("# against the real service: {bucket} in {region}");
        let workflow =
            arg_or_env(&args, "--workflow", "COS_CI_WORKFLOW").ok_or("--workflow is needed")?;
        let prefix =
            arg_or_env(&args, "--prefix", "COS_CI_PREFIX").unwrap_or_else(|| "input/".into());
        let client = Client::builder(bucket, region)
            .build()
            .map_err(|e| format!("cannot reach the real service: {e}"))?;
        if let Some(source) = client.credentials_source() {
            println!("# signing with credentials from {source}");
        }
        return Ok(Target {
            client,
            workflow,
            prefix,
            emulator: None,
        });
    }

    println!("# no bucket and region given: starting the embedded emulator");
    let emulator = Emulator::start()?;
    emulator.run_in_real_time();
    // Short enough that the README's first command is mostly its build, long enough that
    // the wait below sees the job Submitted and Running before it ends.
    emulator.set_job_durations(Duration::from_millis(200), Duration::from_millis(400));
    let workflow = "w7476ff3564ee45b7b490d64bccaba6cc".to_owned();
    emulator.add_workflow(&workflow);
    let now = emulator.now();
    for (key, days_ago) in [
        ("input/old.mp4", 400),
        ("input/a.mp4", 20),
        ("input/b.mp4", 3),
        ("input/c.avi", 2),
        ("input/d.mp4", 1),
        ("other/c.mp4", 3),
    ] {
        emulator.put_object(key, now - Duration::from_secs(days_ago * 86_400));
        println!("seeded object {key:<16} uploaded {days_ago:>3} days ago");
    }
    // The emulator lets chosen objects fail, to show what a summary says about them.
    emulator.fail_objects("*.avi", "UnsupportedFormat", "avi input is not supported");
    println!("emulator at {}", emulator.endpoint());
    let client = emulator.client_builder().build()?;
    Ok(Target {
        client,
        workflow,
        prefix: "input/".into(),
        emulator: Some(emulator),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    let Target {
        client,
        workflow,
        prefix,
        emulator,
    } = target()?;
    let now = OffsetDateTime::now_utc();
    let month_ago = now - Duration::from_secs(30 * 86_400);

    // 1. A Workflow batch job over a prefix, for objects uploaded in the last 30 days.
    let last_month = TimeInterval::between(month_ago, now)?;
    let job = BatchJob::workflow(
        "quickstart-recent",
        &workflow,
        Input::prefix_uploaded(&prefix, last_month),
    );
    let created = client.create(&job)?.job;
    println!(
        "\ncreated {} ({}), state {}",
        created.job_id, job.name, created.state
    );

    // 2. Wait for it, showing progress.
    let options = WaitOptions::default()
        .deadline(Duration::from_secs(600))
        .first_interval(Duration::from_millis(100));
    let done =
        client.wait_with_progress(&created.job_id, &options, |d| println!("  ... {}", d.state))?;
    println!(
        "finished: {} (code {})",
        done.state,
        done.code.as_deref().unwrap_or("-")
    );
    if let Some(emulator) = &emulator {
        println!(
            "objects covered: {:?}",
            emulator.covered_objects(&done.job_id).unwrap_or_default()
        );
    }

    // 3. Start another and cancel it.
    let second = client
        .create(&BatchJob::workflow(
            "quickstart-cancelled",
            &workflow,
            Input::prefix(&prefix),
        ))?
        .job;
    client.cancel(&second.job_id)?;
    println!(
        "\ncreated {} and cancelled it: now {}",
        second.job_id,
        client.describe(&second.job_id)?.job.state
    );

    // 4. List the newest Workflow batch jobs.
    println!("\nnewest workflow batch jobs:");
    let query = ListQuery::new()
        .job_type(TypeFilter::Workflow)
        .order(Order::Desc)
        .size(10);
    for job in client.list_all(&query).take(10) {
        let job = job?;
        println!(
            "  {}  {:<22} {}",
            job.job_id,
            job.name.unwrap_or_default(),
            job.state
        );
    }
    // 5. What happened to each object of the first batch job: counts by state, then the
    //    failures by cause, each with an example.
    let summary = client.outcome_summary(&done, &OutcomeOptions::default(), 0)?;
    println!("\nper object ({} in all):", summary.total);
    for (state, count) in &summary.counts {
        println!("  {state:<10} {count}");
    }
    println!("failures by cause:");
    for cause in &summary.causes {
        println!(
            "  {:>4}  {}: e.g. {} ({})",
            cause.count,
            cause.code.as_deref().unwrap_or("(no code)"),
            cause.example_object,
            cause.example_message.as_deref().unwrap_or("-")
        );
    }

    Ok(())
}
