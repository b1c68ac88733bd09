//! No secret in Debug or Display: not the SecretKey, the session token, an Authorization
//! value or the derived sign key.

use std::time::Duration;

use cos_ci_batch::emulator::{Emulator, Fault, Route};
use cos_ci_batch::model::{BatchJob, Input};
use cos_ci_batch::ops::{Action as _, DescribeJob, ListQuery};
use cos_ci_batch::sign::{Credentials, KeyTime};
use cos_ci_batch::{Error, RetryPolicy};
use hmac::{Hmac, Mac};

const TOKEN: &str = "STS-session-token-0123456789abcdef";

fn sign_key(secret_key: &str, key_time: &str) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret_key.as_bytes()).unwrap();
    mac.update(key_time.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn nothing_secret_is_ever_formatted() {
    let emulator = Emulator::start().unwrap();
    let secret_key = "SECRETKEY-do-not-leak-0123456789";
    let credentials =
        Credentials::new(emulator.credentials().secret_id(), secret_key).with_session_token(TOKEN);
    let client = emulator
        .client_builder()
        .credentials(credentials.clone())
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::ZERO)
                .max_backoff(Duration::ZERO),
        )
        .build()
        .unwrap();

    let mut shown = Vec::new();
    // The key is not the emulator's, so every call is refused: errors from a refused
    // signature, from retries, from a lost create and from bad input.
    shown.push(client.list(&ListQuery::new()).unwrap_err());
    emulator.inject(Route::Any, Fault::status(503, "ServiceUnavailable"), 2);
    shown.push(client.describe("b1").unwrap_err());
    emulator.inject(Route::Create, Fault::close_connection(), 1);
    let no_reconcile = emulator
        .client_builder()
        .credentials(credentials.clone())
        .reconcile_creates(false)
        .build()
        .unwrap();
    shown.push(
        no_reconcile
            .create(&BatchJob::workflow("n", "w", Input::prefix("p")))
            .unwrap_err(),
    );
    shown.push(client.describe("a/b").unwrap_err());
    let texts: Vec<String> = shown
        .iter()
        .flat_map(|e: &Error| [format!("{e:?}"), e.to_string()])
        .collect();

    let mut request = DescribeJob::new("b1").unwrap().request();
    request.sign("h", &credentials, KeyTime::new(1, 2));
    let authorization = request.header("authorization").unwrap().to_owned();
    let mut all = texts;
    all.push(format!("{request:?}"));
    all.push(format!("{credentials:?}"));
    all.push(format!("{client:?}"));
    all.push(format!(
        "{:?}",
        emulator.client_builder().credentials(credentials.clone())
    ));
    all.push(format!("{:?}", client.list_all(&ListQuery::new())));
    all.push(format!("{emulator:?}"));
    let received = emulator.received();
    assert_eq!(received.len(), 4);
    for r in &received {
        all.push(format!("{r:?}"));
    }

    let mut secrets = vec![
        secret_key.to_owned(),
        TOKEN.to_owned(),
        authorization.clone(),
    ];
    for r in &received {
        if let Some(auth) = r.header("authorization") {
            secrets.push(auth.to_owned());
            let signature = auth.rsplit("q-signature=").next().unwrap().to_owned();
            secrets.push(signature);
            let key_time = auth
                .split("q-key-time=")
                .nth(1)
                .unwrap()
                .split('&')
                .next()
                .unwrap();
            secrets.push(sign_key(secret_key, key_time));
        }
    }
    secrets.push(sign_key(secret_key, "1;2"));
    for text in &all {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{secret:?} leaked in {text}"
            );
        }
    }
    // The formatting is still useful: it names what went wrong.
    assert!(all.iter().any(|t| t.contains("AccessDenied")));
    assert!(all.iter().any(|t| t.contains("<redacted>")));
    // And the token did travel, signed.
    assert!(
        received
            .iter()
            .all(|r| r.header("x-ci-security-token") == Some(TOKEN)
                || r.header("authorization").is_none())
    );
}

#[test]
fn a_secret_the_service_echoes_in_an_error_is_taken_out_whatever_gave_the_credentials() {
    let emulator = Emulator::start().unwrap();
    let key = emulator.secret_key().to_owned();
    let token = "TOKENechoedTOKEN0123456789";
    // As a profile or an instance role would give them: the client, not the caller's
    // environment, knows these values.
    let credentials =
        Credentials::new(emulator.credentials().secret_id(), &key).with_session_token(token);
    let client = emulator
        .client_builder()
        .credentials_provider(credentials)
        .build()
        .unwrap();
    let echo = format!(
        "<Error><Code>Denied{key}</Code><Message>got {token} and {key}</Message>\
         <TraceId>{token}</TraceId></Error>"
    );
    emulator.inject(Route::Describe, Fault::body(403, echo), 1);
    let err = client
        .describe("b0123456789abcdef0123456789abcdef")
        .unwrap_err();
    let Error::Service(service) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(service.code, "Denied[redacted]");
    assert_eq!(service.message, "got [redacted] and [redacted]");
    assert_eq!(service.trace_id.as_deref(), Some("[redacted]"));
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(&key) && !shown.contains(token), "{shown}");
    }
}
