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
    assert!(refused > 0);
    // All dropped now: served again.
    let client = patient_client(&emulator);
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.list(&ListQuery::new()).is_err() {
        assert!(Instant::now() < deadline, "never served again");
        std::thread::sleep(Duration::from_millis(50));
    }
}
