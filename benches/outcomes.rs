//! Per-object outcomes of a batch job of 10 000 and 100 000 objects, streamed over loopback:
//! outcomes per second next to a baseline of the same run (fetching the same pages with a
//! bare ureq GET and parsing them with roxmltree alone), and the client's peak heap, which
//! must not grow with the number of objects.
//!
//! The emulator runs in a child process (this binary, started again), so that the heap
//! measured here is the client's alone.

mod harness;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input};
use cos_ci_batch::ops::{Action, ExecutionQuery, ListWorkflowExecutions, Order};
use cos_ci_batch::sign::KeyTime;
use cos_ci_batch::{Client, Credentials, OutcomeOptions};
use harness::{compare, contender, keep};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";
const CHILD: &str = "OUTCOMES_BENCH_EMULATOR";

/// The system allocator, counting the bytes live and the most ever live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The child: an emulator holding one finished Workflow batch job over `n` objects.
fn serve(n: usize) {
    let emulator = Emulator::start().expect("emulator");
    emulator.add_workflow(WORKFLOW);
    emulator.put_objects((0..n).map(|i| format!("big/{i:07}.mp4")), emulator.now());
    emulator.fail_objects("big/*7.mp4", "DecodeError", "no video stream");
    let client = emulator.client_builder().build().expect("client");
    let batch = client
        .create(&BatchJob::workflow(
            "bench",
            WORKFLOW,
            Input::prefix("big/"),
        ))
        .expect("create")
        .job;
    emulator.advance(Duration::from_secs(10));
    println!(
        "ready {} {} {} {}",
        emulator.endpoint(),
        emulator.credentials().secret_id(),
        emulator.secret_key(),
        batch.job_id
    );
    // Serve until the parent closes our standard input, then say the most heap the
    // emulator ever held: its memory budget for `n` objects.
    let _ = std::io::stdin().lines().count();
    println!("peak {}", PEAK.load(Ordering::Relaxed));
}

fn main() {
    if let Ok(n) = std::env::var(CHILD) {
        serve(n.parse().expect("object count"));
        return;
    }
    let quick = harness::quick();
    let mut peaks = Vec::new();
    // `OUTCOMES_BENCH_MILLION=1` adds a batch job of 1 000 000 objects (minutes of work).
    let million = std::env::var_os("OUTCOMES_BENCH_MILLION").is_some();
    let mut sizes = vec![
        (10_000usize, if quick { 3 } else { 9 }),
        (100_000, if quick { 1 } else { 3 }),
    ];
    if million {
        sizes.push((1_000_000, 1));
    }
    for (n, rounds) in sizes {
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .env(CHILD, n.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("emulator process");
        let mut line = String::new();
        let mut from_child = BufReader::new(child.stdout.take().expect("stdout"));
        from_child.read_line(&mut line).expect("ready line");
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_, endpoint, id, key, batch_id] = fields[..] else {
            panic!("unexpected line {line:?}");
        };
        let credentials = Credentials::new(id, key);
        let client = Client::builder("emulator-1250000000", "ap-emulator")
            .endpoint(endpoint)
            .allow_http()
            .credentials(credentials.clone())
            .build()
            .expect("client");
        let batch = client.describe(batch_id).expect("describe").job;
        let options = OutcomeOptions::default().failure_details(false);

        // The same pages, presigned, for the baseline.
        let host = endpoint.trim_start_matches("http://");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let urls: Vec<(String, String)> = (0..n.div_ceil(100))
            .map(|page| {
                let mut query = ExecutionQuery::new(WORKFLOW)
                    .batch_job_id(batch_id)
                    .order(Order::Asc)
                    .size(100);
                if page > 0 {
                    query = query.next_token((page * 100).to_string());
                }
                let mut request = ListWorkflowExecutions::new(&query).unwrap().request();
                request.sign(host, &credentials, KeyTime::around(now, 60, 3600));
                let auth = request.header("authorization").unwrap().to_owned();
                (format!("{endpoint}{}", request.path_and_query()), auth)
            })
            .collect();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();

        let medians = compare(
            &format!("streaming the outcomes of {n} objects (one iteration = all of them)"),
            rounds,
            1,
            &mut [
                contender("baseline: bare GET + roxmltree, same pages", || {
                    let mut count = 0usize;
                    for (url, auth) in &urls {
                        let mut response =
                            agent.get(url).header("authorization", auth).call().unwrap();
                        let body = response.body_mut().read_to_string().unwrap();
                        let doc = roxmltree::Document::parse(&body).unwrap();
                        count += doc
                            .root_element()
                            .children()
                            .filter(|c| c.has_tag_name("WorkflowExecutionList"))
                            .count();
                    }
                    assert_eq!(count, n);
                }),
                contender("Client::outcomes", || {
                    let count = client
                        .outcomes(&batch, &options)
                        .unwrap()
                        .map(|o| keep(o.unwrap()))
                        .count();
                    assert_eq!(count, n);
                }),
            ],
        );
        let per_second = n as f64 / (medians[1] / 1e9);
        println!(
            "RESULT outcomes_ratio_to_roxmltree[{n}]={:.3} target<=1.3 ({per_second:.0} outcomes/s)",
            medians[1] / medians[0]
        );

        // The client's peak heap over one whole stream, above what was live before it.
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let count = client
            .outcomes(&batch, &options)
            .unwrap()
            .map(|o| keep(o.unwrap()))
            .count();
        assert_eq!(count, n);
        let peak = PEAK.load(Ordering::Relaxed) - before;
        println!("RESULT outcomes_peak_heap_bytes[{n}]={peak}");
        peaks.push(peak);
        // The same in slices, 8 at once: their queue bounds what is held.
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let sliced = options.clone().concurrency(8);
        let count = client
            .outcomes(&batch, &sliced)
            .unwrap()
            .map(|o| keep(o.unwrap()))
            .count();
        assert_eq!(count, n);
        println!(
            "RESULT outcomes_sliced_peak_heap_bytes[{n}]={}",
            PEAK.load(Ordering::Relaxed) - before
        );

        drop(child.stdin.take());
        let mut peak_line = String::new();
        from_child.read_line(&mut peak_line).expect("peak line");
        let emulator_peak: usize = peak_line
            .trim()
            .strip_prefix("peak ")
            .and_then(|n| n.parse().ok())
            .expect("the emulator's peak heap");
        println!(
            "RESULT emulator_peak_heap_bytes[{n}]={emulator_peak} ({} B an object)",
            emulator_peak / n
        );
        let _ = std::io::stdout().flush();
        let _ = child.wait();
    }
    println!(
        "RESULT outcomes_peak_heap_ratio_100k_to_10k={:.3} target~1.0",
        peaks[1] as f64 / peaks[0] as f64
    );
    if million {
        println!(
            "RESULT outcomes_peak_heap_ratio_1m_to_100k={:.3} target<=1.1",
            peaks[2] as f64 / peaks[1] as f64
        );
    }
}
