//! The default credential chain (issue 17): each source, each way a source can be half
//! there, and a metadata service that is missing, silent, slow, lying or about to expire,
//! played on loopback by the emulator or a raw-socket server.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::common::raw_server::{RawServer, Reply, response};
use cos_ci_batch::credentials::{
    Attempt, ChainError, CredentialChain, CredentialSource, FoundCredentials, SourceKind,
};
use cos_ci_batch::emulator::{Emulator, Route};
use cos_ci_batch::ops::ListQuery;
use cos_ci_batch::{Credentials, Error};

const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// A scratch directory of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cos-ci-chain-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An environment of these variables only.
fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

/// A chain over `vars`, `files`, and no metadata service.
fn offline(vars: &[(&str, &str)], files: &[&Path]) -> CredentialChain {
    CredentialChain::new()
        .env_lookup(env(vars))
        .profile_files(files.iter().map(|p| p.to_path_buf()))
        .without_instance_role()
}

fn credentials_of(found: &FoundCredentials) -> Credentials {
    found.provider().credentials(SystemTime::now()).unwrap()
}

fn broken(err: ChainError) -> Attempt {
    match err {
        ChainError::Broken { broken, .. } => broken,
        other => panic!("expected a broken source: {other}"),
    }
}

const KEYS: &[(&str, &str)] = &[
    ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
    ("TENCENTCLOUD_SECRET_KEY", "env-secret-key"),
];

#[test]
fn the_environment_comes_first_and_the_chain_then_asks_nothing_else() {
    let scratch = Scratch::new("env-first");
    let file = scratch.file(
        "credentials",
        "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
    );
    let metadata = RawServer::start(|_, _| response(200, "role"));
    let found = CredentialChain::new()
        .env_lookup(env(KEYS))
        .profile_files([&file])
        .metadata_endpoint(metadata.endpoint())
        .resolve()
        .unwrap();
    assert_eq!(found.source(), &CredentialSource::Environment);
    assert_eq!(found.tried(), &[]);
    assert_eq!(credentials_of(&found).secret_id(), "AKIDenv");
    assert_eq!(metadata.requests(), 0, "the metadata service was asked");
}

#[test]
fn a_half_filled_environment_is_an_error_naming_the_variable_and_never_its_value() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("TENCENTCLOUD_SECRET_ID", "AKIDhalf")],
            "TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not",
        ),
        (
            &[("TENCENTCLOUD_SECRET_KEY", "half-secret")],
            "TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not",
        ),
        (
            &[("TENCENTCLOUD_SESSION_TOKEN", "half-token")],
            "TENCENTCLOUD_SESSION_TOKEN is set without TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY",
        ),
        (
            &[
                ("TENCENTCLOUD_SECRET_ID", "AKIDhalf"),
                ("TENCENTCLOUD_SECRET_KEY", ""),
            ],
            "TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is empty",
        ),
        (
            &[
                ("TENCENTCLOUD_SECRET_ID", "AKIDhalf"),
                ("TENCENTCLOUD_SECRET_KEY", "half-secret\n"),
            ],
            "TENCENTCLOUD_SECRET_KEY has surrounding whitespace or control characters",
        ),
        (
            &[
                ("TENCENTCLOUD_SECRET_ID", "AKIDhalf"),
                ("TENCENTCLOUD_SECRET_KEY", "k"),
                ("TENCENTCLOUD_TOKEN", " half-token"),
            ],
            "TENCENTCLOUD_TOKEN has surrounding whitespace or control characters",
        ),
    ];
    let scratch = Scratch::new("half-env");
    // A usable profile file after it is not taken instead.
    let file = scratch.file(
        "credentials",
        "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
    );
    for (vars, why) in cases {
        let err = offline(vars, &[&file]).resolve().unwrap_err();
        let shown = err.to_string();
        let attempt = broken(err);
        assert_eq!(attempt.source, SourceKind::Environment);
        assert_eq!(attempt.why, *why);
        assert_eq!(
            shown,
            format!("credentials from the environment cannot be used: {why}")
        );
        assert!(
            !shown.contains("half-secret") && !shown.contains("half-token"),
            "{shown}"
        );
    }
}

#[test]
fn the_home_profile_file_is_read_before_the_system_one_and_a_missing_one_is_passed_over() {
    let scratch = Scratch::new("home-etc");
    let home = scratch.path("home");
    let system = scratch.file(
        "etc/credentials",
        "[default]\nsecret_id = AKIDetc\nsecret_key = k\n",
    );
    let home_file = home.join(".tencentcloud/credentials");

    let found = offline(&[], &[&home_file, &system]).resolve().unwrap();
    assert_eq!(
        found.source(),
        &CredentialSource::ProfileFile {
            path: system.clone(),
            profile: "default".into()
        }
    );
    assert_eq!(found.tried()[0].source, SourceKind::Environment);

    scratch.file(
        "home/.tencentcloud/credentials",
        "[default]\nsecret_id = AKIDhome\nsecret_key = k\n",
    );
    let found = offline(&[], &[&home_file, &system]).resolve().unwrap();
    assert_eq!(credentials_of(&found).secret_id(), "AKIDhome");

    // The default files are found through HOME.
    let home_var = home.to_str().unwrap().to_owned();
    let found = CredentialChain::new()
        .env_lookup(move |name| (name == "HOME").then(|| home_var.clone()))
        .without_instance_role()
        .resolve()
        .unwrap();
    assert_eq!(
        found.source(),
        &CredentialSource::ProfileFile {
            path: home_file,
            profile: "default".into()
        }
    );
}

#[test]
fn no_source_at_all_lists_what_was_tried() {
    let scratch = Scratch::new("nothing");
    let (a, b) = (scratch.path("a/credentials"), scratch.path("b/credentials"));
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let err = CredentialChain::new()
        .env_lookup(env(&[]))
        .profile_files([&a, &b])
        .metadata_endpoint(format!("http://{closed}"))
        .resolve()
        .unwrap_err();
    let ChainError::NotFound { tried } = &err else {
        panic!("{err}")
    };
    let sources: Vec<SourceKind> = tried.iter().map(|a| a.source).collect();
    assert_eq!(
        sources,
        [
            SourceKind::Environment,
            SourceKind::ProfileFile,
            SourceKind::InstanceRole
        ]
    );
    assert_eq!(
        err.to_string(),
        format!(
            "no credentials found; tried the environment: TENCENTCLOUD_SECRET_ID and \
             TENCENTCLOUD_SECRET_KEY are not set (or empty); the profile file: there is no file \
             at {}, there is no file at {}; the instance role: the metadata service at http://{closed} gave no answer (the \
             connection was refused)",
            a.display(),
            b.display()
        )
    );
}

#[test]
fn a_malformed_profile_file_is_an_error_naming_the_line_and_not_its_text() {
    let scratch = Scratch::new("malformed");
    let file = scratch.file(
        "credentials",
        "[default]\nsecret_id = AKIDfile\nsecret_key mysecretvalue\n",
    );
    let err = offline(&[], &[&file]).resolve().unwrap_err();
    let shown = err.to_string();
    assert_eq!(
        shown,
        format!(
            "credentials from the profile file cannot be used: {}: line 3 is not `key = value`, \
             `[section]` or a comment",
            file.display()
        )
    );
    assert!(!shown.contains("mysecretvalue"));

    let not_utf8 = scratch.path("latin1");
    std::fs::write(&not_utf8, b"[default]\nsecret_key = caf\xe9\n").unwrap();
    let why = broken(offline(&[], &[&not_utf8]).resolve().unwrap_err()).why;
    assert_eq!(why, format!("{}: is not UTF-8", not_utf8.display()));

    let huge = scratch.file("huge", &"#".repeat(100_000));
    let why = broken(offline(&[], &[&huge]).resolve().unwrap_err()).why;
    assert_eq!(
        why,
        format!("{}: is larger than 65536 bytes", huge.display())
    );
}

#[test]
fn a_profile_file_without_the_section_or_with_half_a_section_is_an_error() {
    let scratch = Scratch::new("sections");
    let file = scratch.file(
        "credentials",
        "[prod]\nsecret_id = AKIDprod\nsecret_key = k\n[half]\nsecret_id = AKIDhalf\n",
    );
    let why = broken(offline(&[], &[&file]).resolve().unwrap_err()).why;
    assert_eq!(
        why,
        format!(
            "{}: no [default] section (it has [prod], [half])",
            file.display()
        )
    );
    let why = broken(
        offline(&[], &[&file])
            .profile("half")
            .resolve()
            .unwrap_err(),
    )
    .why;
    assert_eq!(why, format!("{}: [half] has no secret_key", file.display()));
    let found = offline(&[], &[&file]).profile("prod").resolve().unwrap();
    assert_eq!(credentials_of(&found).secret_id(), "AKIDprod");
}

#[test]
fn a_named_profile_is_read_even_with_keys_in_the_environment_and_must_exist() {
    let scratch = Scratch::new("named");
    let file = scratch.file(
        "credentials",
        "[ci]\nsecret_id = AKIDci\nsecret_key = k\ntoken = tok\n",
    );
    let found = offline(KEYS, &[&file]).profile("ci").resolve().unwrap();
    let credentials = credentials_of(&found);
    assert_eq!(credentials.secret_id(), "AKIDci");
    assert!(credentials.has_session_token());
    assert_eq!(
        found.source().to_string(),
        format!("profile [ci] of {}", file.display())
    );

    let missing = scratch.path("missing");
    let why = broken(
        offline(KEYS, &[&missing])
            .profile("ci")
            .resolve()
            .unwrap_err(),
    )
    .why;
    assert_eq!(
        why,
        format!(
            "profile [ci] was asked for, and there is no file at {}",
            missing.display()
        )
    );
}

#[test]
fn the_credentials_file_variable_names_the_one_file_to_read() {
    let scratch = Scratch::new("file-var");
    let file = scratch.file("mine", "[default]\nsecret_id = AKIDvar\nsecret_key = k\n");
    let chain = |path: &Path| {
        let path = path.to_str().unwrap().to_owned();
        CredentialChain::new()
            .env_lookup(move |name| (name == "TENCENTCLOUD_CREDENTIALS_FILE").then(|| path.clone()))
            .without_instance_role()
    };
    let found = chain(&file).resolve().unwrap();
    assert_eq!(credentials_of(&found).secret_id(), "AKIDvar");
    let missing = scratch.path("gone");
    let why = broken(chain(&missing).resolve().unwrap_err()).why;
    assert_eq!(
        why,
        format!(
            "TENCENTCLOUD_CREDENTIALS_FILE names a file, and there is no file at {}",
            missing.display()
        )
    );
}

/// A chain that finds nothing before the metadata service at `endpoint`.
fn metadata_only(endpoint: &str) -> CredentialChain {
    CredentialChain::new()
        .env_lookup(env(&[]))
        .profile_files(["/nonexistent/cos-ci-batch/credentials"])
        .metadata_endpoint(endpoint)
        .metadata_timeout(Duration::from_millis(300))
}

/// An emulator serving instance role `role`, whose credentials last `ttl`, and a client
/// whose only source is that role.
fn with_role(role: &str, ttl: Duration) -> (Emulator, cos_ci_batch::Client) {
    let emulator = Emulator::start().unwrap();
    emulator.set_instance_role(role, ttl);
    let client = emulator
        .client_builder()
        .credential_chain(metadata_only(&emulator.endpoint()))
        .build()
        .unwrap();
    (emulator, client)
}

#[test]
fn an_instance_role_is_found_and_its_short_lived_credentials_are_refreshed_as_they_expire() {
    let (emulator, client) = with_role("CVM_QcsRole", Duration::from_secs(20));
    assert_eq!(
        client.credentials_source(),
        Some(&CredentialSource::InstanceRole {
            metadata: emulator.endpoint(),
            role: "CVM_QcsRole".into()
        })
    );
    // 40 calls over 400 s of the emulator's clock: each credential lasts 20 s.
    for _ in 0..40 {
        client.list(&ListQuery::new()).unwrap();
        emulator.advance(Duration::from_secs(10));
    }
    let received = emulator.received();
    let role_fetches = received
        .iter()
        .filter(|r| r.path == format!("{ROLE_PATH}CVM_QcsRole"))
        .count();
    assert!(role_fetches >= 400 / 20, "{role_fetches} fetches");
    let refused = received
        .iter()
        .filter(|r| r.route() == Some(Route::List) && !r.signature_valid)
        .count();
    // An answer's Date lags the emulator's clock by the last advance, so a call may sign
    // with credentials the emulator has just seen expire; each is refused once and sent
    // again with fresh ones.
    let lists = received
        .iter()
        .filter(|r| r.route() == Some(Route::List))
        .count();
    assert_eq!(lists - refused, 40);
}

#[test]
fn an_instance_without_a_role_is_passed_over() {
    let emulator = Emulator::start().unwrap();
    let err = metadata_only(&emulator.endpoint()).resolve().unwrap_err();
    let ChainError::NotFound { tried } = err else {
        panic!("{err}")
    };
    assert_eq!(
        tried[2].why,
        format!(
            "the metadata service at {} has no role for this instance (404)",
            emulator.endpoint()
        )
    );
}

#[test]
fn a_silent_or_slow_metadata_service_is_given_up_on_at_the_timeout() {
    // Silent: accepts and says nothing.
    let silent = RawServer::start(|_, _| Reply::Silence(Duration::from_secs(20)));
    let started = Instant::now();
    let err = metadata_only(&silent.endpoint()).resolve().unwrap_err();
    // A guard against a hang, not a measure of speed.
    assert!(started.elapsed() < Duration::from_secs(10));
    let ChainError::NotFound { tried } = err else {
        panic!("{err}")
    };
    assert_eq!(
        tried[2].why,
        format!(
            "the metadata service at {} gave no answer within 300 ms",
            silent.endpoint()
        )
    );

    // Slow once the role is named: its credentials come too late, which is an error.
    let slow = RawServer::start(|n, _| {
        if n == 0 {
            return response(200, "slow-role");
        }
        std::thread::sleep(Duration::from_secs(2));
        response(200, "{}")
    });
    let attempt = broken(metadata_only(&slow.endpoint()).resolve().unwrap_err());
    assert_eq!(attempt.source, SourceKind::InstanceRole);
    assert_eq!(
        attempt.why,
        format!(
            "role slow-role: the metadata service at {} gave no answer within 300 ms",
            slow.endpoint()
        )
    );
}

fn role_credentials(id: &str, expired_time: u64) -> String {
    format!(
        r#"{{"TmpSecretId":"{id}","TmpSecretKey":"role-secret-key","ExpiredTime":{expired_time},"Expiration":"2099-01-01T00:00:00Z","Token":"role-token","Code":"Success"}}"#
    )
}

#[test]
fn a_metadata_service_that_answers_garbage_is_an_error_that_shows_no_secret() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "<html>hotel login</html>",
            "",
            "answered something that is not a role name",
        ),
        (
            "role",
            "not json at all",
            "role role: the metadata service at {} gave credentials that are not JSON (expected null at byte 0)",
        ),
        (
            "role",
            r#"{"Code":"AccessDenied","TmpSecretKey":"role-secret-key"}"#,
            "role role: the metadata service at {} gave credentials with Code \"AccessDenied\", not \"Success\"",
        ),
        (
            "role",
            r#"{"TmpSecretId":"a","TmpSecretKey":"role-secret-key","Token":"role-token","ExpiredTime":"soon"}"#,
            "role role: the metadata service at {} gave credentials whose ExpiredTime is not Unix seconds",
        ),
        (
            "role",
            r#"{"TmpSecretId":"a","TmpSecretKey":"role-secret-key","TmpSecretKey":"x","Token":"t"}"#,
            "role role: the metadata service at {} gave credentials that are not JSON (a repeated key at byte 52)",
        ),
    ];
    for (role, body, why) in cases {
        let (role, body) = (role.to_string(), body.to_string());
        let server =
            RawServer::start(move |n, _| response(200, if n == 0 { &role } else { &body }));
        let err = metadata_only(&server.endpoint()).resolve().unwrap_err();
        let shown = err.to_string();
        let attempt = broken(err);
        assert_eq!(attempt.source, SourceKind::InstanceRole);
        let why = why.replace("{}", &server.endpoint());
        let why = if why.starts_with("answered") {
            format!("the metadata service at {} {why}", server.endpoint())
        } else {
            why
        };
        assert_eq!(attempt.why, why);
        assert!(!shown.contains("role-secret-key") && !shown.contains("role-token"));
    }
    let failing = RawServer::start(|n, _| response(if n == 0 { 200 } else { 500 }, "role"));
    let attempt = broken(metadata_only(&failing.endpoint()).resolve().unwrap_err());
    assert_eq!(
        attempt.why,
        format!(
            "role role: the metadata service at {} answered status 500",
            failing.endpoint()
        )
    );
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn expired_role_credentials_are_an_error_and_soon_expiring_ones_are_used_then_refreshed() {
    let expired = RawServer::start(|n, _| {
        if n == 0 {
            return response(200, "role");
        }
        response(200, &role_credentials("AKIDold", unix_now() - 10))
    });
    let attempt = broken(metadata_only(&expired.endpoint()).resolve().unwrap_err());
    assert_eq!(
        attempt.why,
        format!(
            "role role: the metadata service at {} gave credentials that have expired",
            expired.endpoint()
        )
    );

    // Credentials with 3 s left: used, and replaced once inside the 5 s hard margin.
    let fetches = Arc::new(AtomicUsize::new(0));
    let issued: Arc<Mutex<Vec<u64>>> = Arc::default();
    let soon = {
        let (fetches, issued) = (fetches.clone(), issued.clone());
        RawServer::start(move |_, request| {
            if request.line.starts_with(&format!("GET {ROLE_PATH} ")) {
                return response(200, "role");
            }
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            let expires = unix_now() + 3 + 3600 * n as u64;
            issued.lock().unwrap().push(expires);
            response(200, &role_credentials(&format!("AKIDtmp{n}"), expires))
        })
    };
    let found = metadata_only(&soon.endpoint()).resolve().unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    let now = SystemTime::now();
    let first = found.provider().credentials(now).unwrap();
    // Within the hard margin: refreshed before anything is signed.
    assert_eq!(first.secret_id(), "AKIDtmp1");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    let again = found.provider().credentials(now).unwrap();
    assert_eq!(again, first, "a fresh credential is kept");
}

#[test]
fn the_emulator_refuses_role_credentials_once_expired_and_the_client_recovers() {
    let (emulator, client) = with_role("r", Duration::from_secs(30));
    client.list(&ListQuery::new()).unwrap();
    // The client has not seen the clock move: it signs with what it has, hears
    // ExpiredToken, refreshes and sends again.
    emulator.advance(Duration::from_secs(31));
    client.list(&ListQuery::new()).unwrap();
    let refused = emulator
        .received()
        .iter()
        .filter(|r| r.route() == Some(Route::List) && !r.signature_valid)
        .count();
    assert_eq!(refused, 1);
    // With the role gone, the refusal makes the client ask again, and it says why it has
    // nothing to sign with.
    emulator.remove_instance_role();
    emulator.advance(Duration::from_secs(31));
    let err = client.list(&ListQuery::new()).unwrap_err();
    assert!(matches!(&err, Error::Credentials(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "no credentials to sign with: the metadata service at {} answered status 404",
            emulator.endpoint()
        )
    );
}

#[test]
fn a_fifo_or_a_directory_as_the_profile_file_is_refused_without_waiting() {
    let scratch = Scratch::new("fifo");
    let fifo = scratch.path("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let why = broken(offline(&[], &[&fifo]).resolve().unwrap_err()).why;
    assert_eq!(why, format!("{}: is not a regular file", fifo.display()));
    let dir = scratch.path("");
    let why = broken(offline(&[], &[&dir]).resolve().unwrap_err()).why;
    assert_eq!(why, format!("{}: is not a regular file", dir.display()));
}

#[test]
fn extreme_metadata_timeouts_neither_panic_nor_turn_the_instance_role_back_on() {
    let silent = RawServer::start(|_, _| Reply::Silence(Duration::from_secs(5)));
    for timeout in [Duration::MAX, Duration::ZERO] {
        // Zero is taken as 1 ms; the largest as an hour, which the server's silence ends.
        let err = metadata_only(&silent.endpoint())
            .metadata_timeout(timeout)
            .resolve()
            .unwrap_err();
        assert!(matches!(err, ChainError::NotFound { .. }), "{err}");
    }
    let asked = silent.requests();
    let off = CredentialChain::new()
        .env_lookup(env(&[]))
        .profile_files(["/nonexistent/cos-ci-batch/credentials"])
        .metadata_endpoint(silent.endpoint())
        .without_instance_role()
        .metadata_timeout(Duration::from_millis(100));
    let ChainError::NotFound { tried } = off.resolve().unwrap_err() else {
        panic!()
    };
    assert_eq!(tried[2].why, "not asked (turned off)");
    assert_eq!(silent.requests(), asked);
}

#[test]
fn the_builder_refuses_a_bad_configuration_before_it_asks_the_metadata_service() {
    let metadata = RawServer::start(|_, _| Reply::Silence(Duration::from_secs(5)));
    let chain = metadata_only(&metadata.endpoint());
    let err = cos_ci_batch::Client::builder("examplebucket", "ap-guangzhou")
        .credential_chain(chain)
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        cos_ci_batch::error::ConfigError::BucketWithoutAppId("examplebucket".into())
    );
    assert_eq!(metadata.requests(), 0);
}

#[test]
fn a_metadata_address_is_held_to_the_endpoint_rules_and_its_password_never_shown() {
    let chain = |address: &str| {
        CredentialChain::new()
            .env_lookup(|_| None)
            .profile_files(Vec::<PathBuf>::new())
            .metadata_endpoint(address)
    };
    let with_password = chain("http://user:hunter2@127.0.0.1:1");
    for shown in [
        format!("{with_password:?}"),
        format!(
            "{:?}",
            cos_ci_batch::Client::builder("b-1250000000", "r")
                .credential_chain(with_password.clone())
        ),
    ] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>@127.0.0.1:1"), "{shown}");
    }
    for (address, why) in [
        (
            "http://user:hunter2@127.0.0.1:1",
            "user info (user:password@) is not allowed",
        ),
        (
            "metadata.tencentyun.com",
            "the scheme must be https:// or http://",
        ),
        (
            "ftp://127.0.0.1:1",
            "the scheme must be https:// or http://",
        ),
        (
            "http://127.0.0.1:1/x?y",
            "only scheme, host and port are allowed",
        ),
    ] {
        let err = chain(address).resolve().unwrap_err();
        let ChainError::Broken { broken, .. } = &err else {
            panic!("{address}: {err}");
        };
        assert_eq!(broken.source, SourceKind::InstanceRole, "{address}");
        assert_eq!(
            broken.why,
            format!("the metadata address cannot be used: bad endpoint: {why}"),
            "{address}"
        );
        assert!(!err.to_string().contains("hunter2"));
    }
}

#[test]
fn instance_role_credentials_are_refreshed_before_they_expire_so_none_is_refused() {
    let (emulator, client) = with_role("CVM_QcsRole", Duration::from_secs(20));
    // A call a second of the emulator's clock over 60 s: each answer's Date keeps the
    // client's view of the service's clock within a second, so credentials are renewed
    // ahead of their end and the service refuses none.
    for _ in 0..60 {
        client.list(&ListQuery::new()).unwrap();
        emulator.advance(Duration::from_secs(1));
    }
    let received = emulator.received();
    let refused = received
        .iter()
        .filter(|r| r.route() == Some(Route::List) && !r.signature_valid)
        .count();
    assert_eq!(refused, 0);
    let role_fetches = received
        .iter()
        .filter(|r| r.path == format!("{ROLE_PATH}CVM_QcsRole"))
        .count();
    assert!(role_fetches >= 60 / 20, "{role_fetches} fetches");
}
