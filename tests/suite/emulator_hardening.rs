//! One bad client must not take the emulator down or freeze it (issue 9, section 3): every
//! attack comes over a raw socket, and a normal signed client must still be served.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::ops::ListQuery;
use cos_ci_batch::{Client, RetryPolicy};

fn attacker(emulator: &Emulator) -> TcpStream {
    let stream = TcpStream::connect(emulator.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

/// Everything the server sends until it closes (or the read times out).
fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn patient_client(emulator: &Emulator) -> Client {
    emulator
        .client_builder()
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[test]
fn a_terabyte_content_length_is_refused_with_413_and_the_emulator_lives_on() {
    let emulator = Emulator::start().unwrap();
    let mut stream = attacker(&emulator);
    stream
        .write_all(b"POST /inventorytriggerjob HTTP/1.1\r\nHost: x\r\nContent-Length: 1099511627776\r\n\r\n")
        .unwrap();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    patient_client(&emulator).list(&ListQuery::new()).unwrap();
}

#[test]
fn expect_100_continue_with_a_huge_body_gets_413_not_100() {
    let emulator = Emulator::start().unwrap();
    let mut stream = attacker(&emulator);
    stream
        .write_all(
            b"POST /inventorytriggerjob HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 53687091200\r\n\r\n",
        )
        .unwrap();
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(!answer.contains("100 Continue"), "{answer}");
    patient_client(&emulator).list(&ListQuery::new()).unwrap();
}

#[test]
fn clients_that_never_send_their_bodies_do_not_freeze_the_others() {
    let emulator = Emulator::start().unwrap();
    let stalled: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = attacker(&emulator);
            stream
                .write_all(b"POST /inventorytriggerjob HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n")
                .unwrap();
            stream
        })
        .collect();
    let client = patient_client(&emulator);
    for _ in 0..5 {
        client.list(&ListQuery::new()).unwrap();
    }
    drop(stalled);
}

#[test]
fn an_endless_header_line_is_cut_at_the_head_limit_with_431() {
    let emulator = Emulator::start().unwrap();
    let mut stream = attacker(&emulator);
    stream
        .write_all(b"GET /inventorytriggerjob HTTP/1.1\r\nX-Endless: ")
        .unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    // Keep sending until the server gives up on the head; it must, long before 64 MiB.
    while sent < 64 << 20 {
        if stream.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
    }
    assert!(
        sent < 64 << 20,
        "the server read {sent} bytes of one header"
    );
    // The 431 may be lost: closing a socket with unread bytes resets the connection.
    let answer = read_all(&mut stream);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431 "),
        "{answer}"
    );
    patient_client(&emulator).list(&ListQuery::new()).unwrap();
}

#[test]
fn a_head_over_the_limit_is_answered_431() {
    let emulator = Emulator::start().unwrap();
    let mut stream = attacker(&emulator);
    let mut request = b"GET /inventorytriggerjob HTTP/1.1\r\n".to_vec();
    request.extend(std::iter::repeat_n(b'a', 70 * 1024));
    request.extend(b"\r\n\r\n");
    let _ = stream.write_all(&request);
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
}

#[test]
fn a_slow_drip_is_cut_at_the_request_deadline_while_others_are_served() {
    let emulator = Emulator::start().unwrap();
    let mut stream = attacker(&emulator);
    let started = Instant::now();
    let dripper = std::thread::spawn(move || {
        // One byte a second, forever: the server must hang up on its own.
        for byte in b"GET /inventorytriggerjob HTTP/1.1\r\nX-Drip: "
            .iter()
            .cycle()
            .take(60)
        {
            if stream.write_all(&[*byte]).is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        false
    });
    patient_client(&emulator).list(&ListQuery::new()).unwrap();
    assert!(dripper.join().unwrap(), "the drip was never cut");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn chunked_bodies_are_refused_with_501_not_misread() {
    let emulator = Emulator::start().unwrap();
    let mut stream = attacker(&emulator);
    stream
        .write_all(
            b"POST /inventorytriggerjob HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        )
        .unwrap();
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 501 "), "{answer}");
}

#[test]
fn more_connections_than_the_limit_get_503_and_the_emulator_recovers() {
    let emulator = Emulator::start().unwrap();
    let held: Vec<TcpStream> = (0..200).map(|_| attacker(&emulator)).collect();
    // Those past the limit were answered 503 at once.
    let mut refused = 0;
    for mut stream in held.into_iter().rev().take(40) {
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut buf = [0u8; 12];
        if stream.read_exact(&mut buf).is_ok() && &buf == b"HTTP/1.1 503" {
            refused += 1;
        }
    }
    // Every connection past the 128 served was refused at once.
    assert_eq!(refused, 40);
    // All dropped now: served again.
    let client = patient_client(&emulator);
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.list(&ListQuery::new()).is_err() {
        assert!(Instant::now() < deadline, "never served again");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `request` on a fresh connection and reads until the emulator closes it; `None` if
/// it kept the connection open past the read timeout.
fn exchange_until_closed(emulator: &Emulator, request: &[u8]) -> Option<String> {
    let mut stream = attacker(emulator);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[test]
fn an_http_1_0_connection_is_closed_after_one_answer_unless_kept_alive() {
    let emulator = Emulator::start().unwrap();
    let get = "GET /inventorytriggerjob HTTP/1.0\r\nHost: x\r\n";
    // Two requests sent at once: without keep-alive only the first is answered.
    let answer = exchange_until_closed(&emulator, format!("{get}\r\n{get}\r\n").as_bytes())
        .expect("an HTTP/1.0 connection without keep-alive is closed after its answer");
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    // With keep-alive, both are, the first saying the connection is kept.
    let answer = exchange_until_closed(
        &emulator,
        format!("{get}Connection: keep-alive\r\n\r\n{get}\r\n").as_bytes(),
    )
    .unwrap();
    assert_eq!(answer.matches("HTTP/1.1 401 ").count(), 2, "{answer}");
    assert_eq!(
        answer.matches("Connection: keep-alive").count(),
        1,
        "{answer}"
    );
}

#[test]
fn a_head_request_gets_a_head_without_a_body_whatever_the_fault() {
    use cos_ci_batch::emulator::{Fault, Route};
    let emulator = Emulator::start().unwrap();
    let head_then_get = b"HEAD /inventorytriggerjob HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /inventorytriggerjob HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    // Two requests on one connection: the second answer must start right after the first
    // head, which it would not if a body followed the HEAD answer.
    let answer = exchange_until_closed(&emulator, head_then_get).unwrap();
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 401 "), "{head}");
    let declared = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap();
    assert_ne!(declared, "0", "HEAD declares the length a GET would get");
    assert!(rest.starts_with("HTTP/1.1 401 "), "{rest}");
    assert!(rest.contains("<Code>MissingAuthorization</Code>"), "{rest}");

    // An endless body fault sends the head alone, and the connection goes on.
    emulator.inject(Route::Any, Fault::oversized_body(100), 1);
    let answer = exchange_until_closed(&emulator, head_then_get).unwrap();
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("Content-Length: 100"), "{head}");
    assert!(rest.starts_with("HTTP/1.1 401 "), "{rest}");

    // A 500 ends the connection, as it does for a GET.
    emulator.inject(Route::Any, Fault::status(500, "InternalError"), 1);
    let answer = exchange_until_closed(&emulator, head_then_get).unwrap();
    assert!(answer.starts_with("HTTP/1.1 500 "), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
}

#[test]
fn header_lines_open_to_two_readings_are_refused_with_400() {
    let emulator = Emulator::start().unwrap();
    for bad in [
        "Content-Length : 4\r\n",
        " Content-Length: 4\r\n",
        "X-A: 1\r\n Content-Length: 4\r\n",
        ": 4\r\n",
    ] {
        let request = format!("POST /inventorytriggerjob HTTP/1.1\r\nHost: x\r\n{bad}\r\nbody");
        let answer = exchange_until_closed(&emulator, request.as_bytes()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 400 "), "{bad:?}: {answer}");
        assert!(answer.ends_with("bad header line"), "{bad:?}: {answer}");
    }
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn more_than_1000_header_fields_are_refused_with_431() {
    let emulator = Emulator::start().unwrap();
    let request = |fields: usize| {
        let mut request = String::from("GET /inventorytriggerjob HTTP/1.1\r\n");
        for i in 0..fields - 1 {
            request.push_str(&format!("h{i}:\r\n"));
        }
        request.push_str("Connection: close\r\n\r\n");
        exchange_until_closed(&emulator, request.as_bytes()).unwrap()
    };
    assert!(request(1000).starts_with("HTTP/1.1 401 "));
    let answer = request(1001);
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    assert_eq!(emulator.received_count(), 1);
}

#[test]
fn conflicting_content_lengths_are_refused_with_400_and_equal_ones_read() {
    let emulator = Emulator::start().unwrap();
    let answer = exchange_until_closed(
        &emulator,
        b"POST /inventorytriggerjob HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nbody",
    )
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(answer.ends_with("conflicting Content-Length"), "{answer}");
    assert_eq!(emulator.received_count(), 0);

    let answer = exchange_until_closed(
        &emulator,
        b"POST /inventorytriggerjob HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\ncontent-length: 4\r\nConnection: close\r\n\r\nbody",
    )
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    assert_eq!(emulator.received()[0].body, b"body");
}

#[test]
fn the_received_log_keeps_the_newest_ten_thousand_and_counts_every_request() {
    let emulator = Emulator::start().unwrap();
    let client = patient_client(&emulator);
    let threads = 8;
    let per_thread = 1_251; // 10 008 in all
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per_thread {
                    client.list(&ListQuery::new()).unwrap();
                }
            });
        }
    });
    assert_eq!(emulator.received_count(), threads * per_thread);
    assert_eq!(emulator.received().len(), 10_000);
    emulator.clear_received();
    client.list(&ListQuery::new()).unwrap();
    assert_eq!(
        (emulator.received().len(), emulator.received_count()),
        (1, 1)
    );
}

#[test]
fn the_received_log_drops_old_bodies_past_64_mib() {
    let emulator = Emulator::start().unwrap();
    let body = vec![b'x'; 1 << 20];
    for i in 0..70 {
        let mut request = format!(
            "POST /inventorytriggerjob?n={i} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        exchange_until_closed(&emulator, &request).unwrap();
    }
    let kept = emulator.received();
    assert_eq!(emulator.received_count(), 70);
    let held: usize = kept.iter().map(|r| r.body.len()).sum();
    assert!(held <= 64 << 20, "{held}");
    assert!(kept.len() >= 60, "{}", kept.len());
    assert_eq!(kept.last().unwrap().raw_url, "/inventorytriggerjob?n=69");
}

#[test]
fn an_authorization_listing_more_than_256_names_is_refused_and_256_are_verified() {
    use cos_ci_batch::sign::{KeyTime, authorization};
    let emulator = Emulator::start().unwrap();
    let now = emulator.now().unix_timestamp() as u64;
    let send = |names: usize| {
        let headers: Vec<(String, String)> = (0..names)
            .map(|i| (format!("x-h{i}"), format!("v{i}")))
            .chain([("host".to_owned(), emulator.addr().to_string())])
            .collect();
        let borrowed: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let auth = authorization(
            &emulator.credentials(),
            "GET",
            "/inventorytriggerjob",
            &[],
            &borrowed,
            KeyTime::around(now, 60, 600),
        );
        let mut request = String::from("GET /inventorytriggerjob HTTP/1.1\r\n");
        for (name, value) in &headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str(&format!(
            "Authorization: {auth}\r\nConnection: close\r\n\r\n"
        ));
        exchange_until_closed(&emulator, request.as_bytes()).unwrap()
    };
    let answer = send(255); // with Host, 256 names
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    let answer = send(256);
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
    assert!(
        answer.contains("<Code>InvalidAuthorization</Code>"),
        "{answer}"
    );
}

#[test]
fn the_end_of_time_leaves_the_emulator_answering() {
    use cos_ci_batch::model::{BatchJob, Input};
    let emulator = Emulator::start().unwrap();
    emulator.add_workflow("w0123456789abcdef0123456789abcdef");
    let forever = emulator.issue_temporary_credentials(Duration::MAX);
    let temporary = emulator
        .client_builder()
        .credentials(forever)
        .build()
        .unwrap();
    temporary.list(&ListQuery::new()).unwrap();
    emulator.set_job_durations(Duration::MAX, Duration::MAX);
    let client = emulator.client_builder().build().unwrap();
    let job = BatchJob::workflow(
        "forever",
        "w0123456789abcdef0123456789abcdef",
        Input::prefix("v/"),
    );
    let id = client.create(&job).unwrap().job.job_id;
    emulator.advance(Duration::MAX);
    emulator.advance(Duration::MAX);
    let end = emulator.now();
    assert_eq!(end.year(), 9999);
    // The client will not believe a Date thousands of years from its clock: the refusal
    // stands, told after one try.
    let err = client.describe(&id).unwrap_err();
    let refusal = err.service_error().unwrap();
    assert_eq!(
        (refusal.code.as_str(), refusal.attempts),
        ("SignatureExpired", 1)
    );
    // Signed on the emulator's clock, the job is described: durations of `Duration::MAX`
    // end, like the clock, at the last second there is.
    use cos_ci_batch::ops::Action;
    let mut request = cos_ci_batch::ops::DescribeJob::new(&id).unwrap().request();
    let at = end.unix_timestamp() as u64;
    request.sign(
        &emulator.addr().to_string(),
        &emulator.credentials(),
        cos_ci_batch::sign::KeyTime::around(at, 60, 600),
    );
    let mut raw = format!("GET {} HTTP/1.1\r\n", request.path_and_query());
    for (name, value) in request.headers() {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!(
        "Host: {}\r\nConnection: close\r\n\r\n",
        emulator.addr()
    ));
    let answer = exchange_until_closed(&emulator, raw.as_bytes()).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(answer.contains("Dec 9999 23:59:59 GMT"), "{answer}");
    assert!(answer.contains("<State>Success</State>"), "{answer}");
    assert!(
        answer.contains("<EndTime>9999-12-31T23:59:59+0000</EndTime>"),
        "{answer}"
    );
    // Temporary credentials end with time itself.
    let err = temporary.list(&ListQuery::new()).unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "ExpiredToken");
}

#[test]
fn silent_new_connections_hold_their_places_only_as_long_as_one_read() {
    let emulator = Emulator::start().unwrap();
    // Every place taken by a socket that never sends a byte.
    let silent: Vec<TcpStream> = (0..128).map(|_| attacker(&emulator)).collect();
    let client = patient_client(&emulator);
    // Served again once the silent ones are dropped after one read timeout (5 s), well
    // before the 30 s an idle kept connection may wait.
    let started = Instant::now();
    while client.list(&ListQuery::new()).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "locked out by silent sockets"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(silent);
}

#[test]
fn an_http_1_0_request_gets_no_100_continue() {
    let emulator = Emulator::start().unwrap();
    let mut stream = attacker(&emulator);
    stream
        .write_all(
            b"POST /inventorytriggerjob HTTP/1.0\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
        )
        .unwrap();
    // An HTTP/1.0 client never waits for a 100: it sends its body, and the first thing it
    // reads is the answer.
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(b"body").unwrap();
    let answer = read_all(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer}");
}

#[test]
fn the_received_log_counts_what_each_header_costs_to_keep() {
    let emulator = Emulator::start().unwrap();
    // ~5 KB on the wire, ~50 KB to keep: 999 one-letter headers.
    let mut request = String::from("GET /inventorytriggerjob HTTP/1.1\r\n");
    for _ in 0..999 {
        request.push_str("a:\r\n");
    }
    request.push_str("Connection: close\r\n\r\n");
    for _ in 0..1_500 {
        exchange_until_closed(&emulator, request.as_bytes()).unwrap();
    }
    assert_eq!(emulator.received_count(), 1_500);
    let kept = emulator.received().len();
    assert!((1_000..1_500).contains(&kept), "{kept} kept");
}
