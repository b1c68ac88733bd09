//! End to end over loopback with keep-alive: sequential describe calls through the client,
//! next to the transport floor measured in the same run, a bare ureq GET of the same request
//! (signed once, up front) that receives the same response bytes from the same emulator.
//! The difference is what the client adds per call: building, signing, parsing, checking.
//! Target: within 1.15x the floor.
//!
//! The floor uses the client's transport settings, including what its resolver does for an
//! IP-literal host: no lookup (ureq's default resolver starts a helper thread for every call
//! that has a whole-request timeout, tens of microseconds). A third line shows a default ureq
//! agent (no timeouts), for information.

mod harness;

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::model::{BatchJob, Input};
use cos_ci_batch::ops::{Action, DescribeJob};
use cos_ci_batch::sign::KeyTime;
use harness::{compare, contender, keep};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

const WORKFLOW: &str = "w0123456789abcdef0123456789abcdef";

fn main() {
    let quick = harness::quick();
    let (rounds, iters) = if quick { (5, 50) } else { (41, 200) };
    let title = "emulator";
    let emulator = Emulator::start().expect("emulator");
    let ratio = describe_vs_floor(&emulator, title, rounds, iters);
    println!("RESULT describe_ratio_to_transport_floor[{title}]={ratio:.3} target<=1.15");
}

fn describe_vs_floor(emulator: &Emulator, title: &str, rounds: usize, iters: usize) -> f64 {
    emulator.add_workflow(WORKFLOW);
    let client = emulator.client_builder().build().unwrap();
    let job = client
        .create(&BatchJob::workflow("bench", WORKFLOW, Input::prefix("p")))
        .unwrap();

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut presigned = DescribeJob::new(&job.job.job_id).unwrap().request();
    presigned.sign(
        &emulator.addr().to_string(),
        &emulator.credentials(),
        KeyTime::around(now, 60, 3600),
    );
    let url = format!("{}{}", emulator.endpoint(), presigned.path_and_query());
    let client_settings = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(30)))
        .user_agent(concat!("cos-ci-batch/", env!("CARGO_PKG_VERSION")))
        .accept("application/xml")
        .build();
    let with_client_settings = ureq::Agent::with_parts(
        client_settings,
        DefaultConnector::new(),
        Known(emulator.addr()),
    );
    let default_agent = ureq::Agent::new_with_defaults();
    let get = |agent: &ureq::Agent| {
        let mut request = agent.get(&url);
        for (name, value) in presigned.headers() {
            request = request.header(name.as_str(), value.as_str());
        }
        let mut response = request.call().unwrap();
        assert_eq!(response.status(), 200);
        keep(response.body_mut().read_to_vec().unwrap());
    };
    get(&with_client_settings);
    assert_eq!(
        client.describe(&job.job.job_id).unwrap().job.job_id,
        job.job.job_id
    );

    let medians = compare(
        &format!("sequential describe calls over loopback keep-alive, {title}"),
        rounds,
        iters,
        &mut [
            contender("floor: bare ureq GET, same request and bytes", || {
                get(&with_client_settings)
            }),
            contender("Client::describe", || {
                keep(client.describe(&job.job.job_id).unwrap())
            }),
            contender("(info) bare ureq GET, default agent config", || {
                get(&default_agent)
            }),
        ],
    );
    medians[1] / medians[0]
}

/// The emulator's address, without a lookup, as the client takes an IP-literal host.
#[derive(Debug)]
struct Known(SocketAddr);

impl Resolver for Known {
    fn resolve(
        &self,
        _uri: &Uri,
        _config: &Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = DefaultResolver::default().empty();
        addrs.push(self.0);
        Ok(addrs)
    }
}
