//! Runs the batch-job emulator as a standalone process, for tools in any language.
//!
//! ```text
//! cargo run --example emulator --features emulator -- --port 9000 \
//!     --workflow w0123456789abcdef0123456789abcdef --object videos/a.mp4
//! ```
//!
//! It prints the endpoint and the credentials it accepts, runs jobs in real time, and serves
//! until the process is stopped.

use std::time::Duration;

use cos_ci_batch::emulator::Emulator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut port = 0u16;
    let mut workflows = Vec::new();
    let mut objects = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse()?,
            "--workflow" => workflows.push(value()?),
            "--object" => objects.push(value()?),
            "-h" | "--help" => {
                println!("usage: emulator [--port N] [--workflow ID]... [--object KEY]...");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)").into()),
        }
    }
    let emulator = Emulator::builder().port(port).start()?;
    emulator.run_in_real_time();
    for id in workflows {
        emulator.add_workflow(id);
    }
    for key in objects {
        emulator.put_object(key, emulator.now());
    }
    println!("endpoint:   {}", emulator.endpoint());
    println!("secret id:  {}", emulator.credentials().secret_id());
    println!("secret key: {}", emulator.secret_key());
    println!("serving until stopped (Ctrl-C)");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
