//! What a hostile or broken service, network or caller does to the client (issue 9): each
//! attack through the public API against a real server on loopback.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::raw_server::{RawServer, Reply, response};
use cos_ci_batch::error::{ConfigError, TransportErrorKind};
use cos_ci_batch::model::{BatchJob, Input};
use cos_ci_batch::ops::ListQuery;
use cos_ci_batch::{Client, Credentials, Error, MAX_EMPTY_PAGES, RetryPolicy, WaitOptions};

use crate::common::client_for;

fn job_xml(id: &str) -> String {
    format!("<JobsDetail><JobId>{id}</JobId><State>Running</State></JobsDetail>")
}

// --- Paging (9.4, 9.9) -------------------------------------------------------------------

#[test]
fn endless_empty_pages_give_control_back_within_a_bounded_number_of_pages() {
    let server = RawServer::start(|n, _| {
        response(
            200,
            &format!("<Response><NextToken>fresh-{n}</NextToken></Response>"),
        )
    });
    let client = client_for(&server.endpoint(), |b| b);
    let first: Vec<_> = client.list_all(&ListQuery::new()).take(1).collect();
    assert!(
        matches!(first[..], [Err(Error::EmptyPages { pages })] if pages == MAX_EMPTY_PAGES),
        "{first:?}"
    );
    assert_eq!(server.requests(), MAX_EMPTY_PAGES as usize);
}

#[test]
fn a_token_that_comes_back_ends_paging_after_every_new_page_is_yielded() {
    // T1 -> T2 -> T1: the page fetched with T2 is new; the one after it would repeat.
    let server = RawServer::start(|_, request| {
        let (job, next) = if request.line.contains("nextToken=T2") {
            ("c", "T1")
        } else if request.line.contains("nextToken=T1") {
            ("b", "T2")
        } else {
            ("a", "T1")
        };
        response(
            200,
            &format!(
                "<Response>{}<NextToken>{next}</NextToken></Response>",
                job_xml(job)
            ),
        )
    });
    let client = client_for(&server.endpoint(), |b| b);
    let results: Vec<_> = client.list_all(&ListQuery::new()).collect();
    let ids: Vec<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|j| j.job_id.as_str()))
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert!(
        matches!(results.last(), Some(Err(Error::PagingLoop { token })) if token == "T1"),
        "{results:?}"
    );
    assert_eq!(server.requests(), 3);
}

// --- Times in answers (9.9) ----------------------------------------------------------------

#[test]
fn a_malformed_offset_in_an_answer_is_an_error_not_a_panic() {
    let server = RawServer::start(|_, _| {
        response(
            200,
            "<Response><JobsDetail><JobId>b1</JobId><CreationTime>2022-06-27T15:23:10+0::::</CreationTime></JobsDetail></Response>",
        )
    });
    let client = client_for(&server.endpoint(), |b| b.retry_policy(RetryPolicy::none()));
    let outcome = std::thread::spawn(move || client.describe("b1"))
        .join()
        .expect("describe must not panic");
    // Read leniently: the text is kept, and it is no time.
    let created = outcome.unwrap().job.creation_time.unwrap();
    assert_eq!(
        (created.text(), created.time()),
        ("2022-06-27T15:23:10+0::::", None)
    );
}

// --- Option values (9.5) -------------------------------------------------------------------

#[test]
fn extreme_option_values_neither_panic_nor_hang() {
    let server = RawServer::start(|n, _| match n {
        0 => response(503, "<Error><Code>ServiceUnavailable</Code></Error>"),
        _ => response(200, &format!("<Response>{}</Response>", job_xml("b1"))),
    });
    let client = client_for(&server.endpoint(), |b| {
        b.timeout(Duration::MAX)
            .connect_timeout(Duration::MAX)
            .max_response_body(u64::MAX)
            .create_search(Duration::MAX)
            .retry_policy(
                RetryPolicy::default()
                    .max_attempts(u32::MAX)
                    .initial_backoff(Duration::MAX)
                    .max_backoff(Duration::MAX),
            )
    });
    // A wait's deadline bounds even a century-long backoff after the 503.
    let options = WaitOptions::default()
        .deadline(Duration::from_secs(1))
        .first_interval(Duration::MAX)
        .max_interval(Duration::MAX)
        .not_found_grace(Duration::MAX);
    let started = Instant::now();
    let err = client.wait("b1", &options).unwrap_err();
    assert!(matches!(err, Error::WaitDeadline { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    // An unbounded deadline with a huge first interval is accepted too.
    let client = client_for(&server.endpoint(), |b| b);
    let options = WaitOptions::default()
        .deadline(Duration::MAX)
        .first_interval(Duration::MAX);
    let server_done = RawServer::start(|_, _| {
        response(
            200,
            "<Response><JobsDetail><JobId>b1</JobId><State>Success</State></JobsDetail></Response>",
        )
    });
    let done = client_for(&server_done.endpoint(), |b| b)
        .wait("b1", &options)
        .unwrap();
    assert_eq!(done.job_id, "b1");
    drop(client);
}

#[test]
fn zero_timeouts_and_limits_are_refused_at_build() {
    for (builder, name) in [
        (
            Client::builder("b-1", "r").timeout(Duration::ZERO),
            "timeout",
        ),
        (
            Client::builder("b-1", "r").connect_timeout(Duration::ZERO),
            "connect_timeout",
        ),
        (
            Client::builder("b-1", "r").max_response_body(0),
            "max_response_body",
        ),
    ] {
        let err = builder
            .credentials(Credentials::new("AKIDx", "k"))
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::Zero(name));
    }
}

// --- Waiting (9.7) ----------------------------------------------------------------------

#[test]
fn a_wait_against_a_silent_service_ends_at_its_deadline() {
    let server = RawServer::start(|_, _| Reply::Silence(Duration::from_secs(20)));
    let client = client_for(&server.endpoint(), |b| b.timeout(Duration::from_secs(30)));
    let options = WaitOptions::default().deadline(Duration::from_secs(2));
    let started = Instant::now();
    let err = client.wait("b1", &options).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::WaitDeadline {
                last_state: None,
                ..
            }
        ),
        "{err:?}"
    );
    // The exchange is cut at the deadline rather than at the 30 s timeout; the slack is
    // for a loaded machine.
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(took >= Duration::from_secs(2), "{took:?}");
}

// --- Failures before sending (9.6) ------------------------------------------------------

fn create_once_more(endpoint: &str) -> Error {
    let client = Client::builder("b-1250000000", "ap-guangzhou")
        .endpoint(endpoint)
        .allow_http()
        .credentials(Credentials::new("AKIDexample", "secret"))
        .reconcile_creates(false)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    client
        .create(&BatchJob::workflow("n", "w1", Input::prefix("v/")))
        .unwrap_err()
}

#[test]
fn an_unresolvable_host_is_dns_and_a_create_there_is_known_not_to_exist() {
    // A label over 63 bytes under .invalid: the resolver refuses it on this machine, so the
    // test sends no query anywhere.
    let host = format!("{}.invalid", "x".repeat(64));
    let err = create_once_more(&format!("http://{host}"));
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.attempts(), 2, "never sent, so sent again");
    let transport = err.transport_error().unwrap();
    assert_eq!(transport.kind, TransportErrorKind::Dns, "{transport:?}");
    assert!(transport.request_never_sent());
}

#[test]
fn a_refused_port_is_connect_and_a_create_there_is_known_not_to_exist() {
    let err = create_once_more("http://127.0.0.1:1");
    let transport = err.transport_error().unwrap();
    assert_eq!(transport.kind, TransportErrorKind::Connect);
    assert!(transport.request_never_sent());
}

/// A TLS server on loopback with a certificate no client trusts; counts the handshakes.
fn untrusted_tls_server() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls");
    let cert = CertificateDer::from_pem_file(format!("{dir}/cert.pem")).unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/key.pem")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handshakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = handshakes.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::Stream::new(&mut connection, &mut stream);
            let mut buf = [0u8; 1024];
            // The client aborts the handshake; a request would arrive here if it did not.
            if let Ok(n) = tls.read(&mut buf) {
                let _ = tls.write_all(&buf[..n]);
            }
        }
    });
    (format!("https://localhost:{port}"), handshakes)
}

#[test]
fn an_untrusted_certificate_is_tls_not_retried_and_a_create_there_is_known_not_to_exist() {
    let (endpoint, handshakes) = untrusted_tls_server();
    let client = Client::builder("b-1250000000", "ap-guangzhou")
        .endpoint(&endpoint)
        .credentials(Credentials::new("AKIDexample", "secret"))
        .reconcile_creates(false)
        .build()
        .unwrap();
    let err = client.list(&ListQuery::new()).unwrap_err();
    let transport = err.transport_error().unwrap();
    assert_eq!(transport.kind, TransportErrorKind::Tls, "{transport:?}");
    assert!(transport.request_never_sent());
    assert_eq!(err.attempts(), 1, "TLS failures are not retried");
    let err = client
        .create(&BatchJob::workflow("n", "w1", Input::prefix("v/")))
        .unwrap_err();
    assert!(
        !matches!(err, Error::CreateOutcomeUnknown { .. }),
        "nothing could have been sent: {err:?}"
    );
    assert_eq!(err.transport_error().unwrap().kind, TransportErrorKind::Tls);
    assert_eq!(handshakes.load(std::sync::atomic::Ordering::SeqCst), 2);
}

// --- Ports (9.9) --------------------------------------------------------------------------

#[test]
fn a_default_port_is_left_out_of_the_signed_host_as_clients_leave_it_out_of_host() {
    let host = |url: &str| client_for(url, |b| b).host().to_owned();
    assert_eq!(host("http://127.0.0.1:80"), "127.0.0.1");
    assert_eq!(host("https://example.com:443"), "example.com");
    assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1:8080");
    assert_eq!(host("https://[::1]:443"), "[::1]");
    assert_eq!(host("https://[::1]:9000"), "[::1]:9000");
    for bad in [
        "http://127.0.0.1:",
        "http://127.0.0.1:0",
        "http://h:99999",
        "http://h:+80",
        "http://::1",
    ] {
        let err = Client::builder("b", "r")
            .endpoint(bad)
            .allow_http()
            .credentials(Credentials::new("AKIDx", "k"))
            .build()
            .unwrap_err();
        assert!(matches!(err, ConfigError::BadEndpoint(_)), "{bad}: {err:?}");
    }
}
