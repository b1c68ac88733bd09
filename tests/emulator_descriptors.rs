//! The emulator survives running out of file descriptors (issue 9, section 3). Alone in its
//! test binary, because it exhausts the descriptors of the whole process.

#![cfg(all(feature = "emulator", unix))]

use std::fs::File;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cos_ci_batch::emulator::Emulator;
use cos_ci_batch::ops::ListQuery;

#[test]
fn accepting_goes_on_after_the_process_ran_out_of_descriptors() {
    // A low limit makes the exhaustion quick; without prlimit, the current limit is used.
    let _ = Command::new("prlimit")
        .arg(format!("--pid={}", std::process::id()))
        .arg("--nofile=512")
        .status();
    let emulator = Emulator::start().unwrap();
    let client = emulator.client_builder().build().unwrap();
    client.list(&ListQuery::new()).unwrap();

    // Another process connects once told to, so that the connection arrives while this
    // process (the emulator's) has no descriptor left to accept it with.
    let port = emulator.addr().port();
    let mut other = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "read go; exec 3<>/dev/tcp/127.0.0.1/{port}; \
             printf 'GET /inventorytriggerjob HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' >&3; \
             head -c 12 <&3"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();

    let hoard = hoard_descriptors();
    other.stdin.take().unwrap().write_all(b"go\n").unwrap();
    // The emulator fails to accept for a while...
    std::thread::sleep(Duration::from_millis(500));
    drop(hoard);
    // ... and then serves the waiting connection, and everyone after it.
    let mut answer = String::new();
    other
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut answer)
        .unwrap();
    assert_eq!(answer, "HTTP/1.1 401");
    assert!(other.wait().unwrap().success());
    client.list(&ListQuery::new()).unwrap();

    // Stopping needs a descriptor to wake the acceptor with; without one, the drop still
    // returns.
    let hoard = hoard_descriptors();
    let (done, dropped) = mpsc::channel();
    std::thread::spawn(move || {
        drop(emulator);
        let _ = done.send(());
    });
    let returned = dropped.recv_timeout(Duration::from_secs(30));
    drop(hoard);
    assert!(returned.is_ok(), "dropping the emulator hung");
}

/// Opens files until the process has no descriptor left.
fn hoard_descriptors() -> Vec<File> {
    let mut hoard = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(file) => hoard.push(file),
            Err(e) if e.raw_os_error() == Some(24) => return hoard, // EMFILE
            Err(e) => panic!("{e}"),
        }
        assert!(hoard.len() < 1_000_000, "no descriptor limit to reach");
    }
}
