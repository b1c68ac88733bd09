//! Signing one create request, next to its floor: the two HMAC-SHA1 and the one SHA-1 the
//! algorithm needs, over the same bytes, with the same crates. Target: within 1.5x the floor.

mod harness;

use cos_ci_batch::sign::{Credentials, KeyTime};
use harness::{HOST, compare, contender, keep, sign_create_request};
use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};

const SECRET_KEY: &str = "examplePythonSecretKey000000000000";

fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn main() {
    let credentials = Credentials::new("AKIDexampleexampleexampleexample", SECRET_KEY);
    let key_time = KeyTime::new(1_699_999_940, 1_700_010_000);

    // The exact bytes the floor hashes: what the signer builds internally for this request.
    let key_time_text = key_time.to_string();
    let http_string = format!(
        "post\n/inventorytriggerjob\n\ncontent-length=619&content-type=application%2Fxml&host={HOST}\n"
    );
    let sign_key = hex::encode(hmac_sha1(SECRET_KEY.as_bytes(), key_time_text.as_bytes()));
    let string_to_sign = format!(
        "sha1\n{key_time_text}\n{}\n",
        hex::encode(Sha1::digest(http_string.as_bytes()))
    );
    let expected_signature = hex::encode(hmac_sha1(sign_key.as_bytes(), string_to_sign.as_bytes()));
    let sign = || sign_create_request(&credentials, key_time);
    assert!(
        sign().ends_with(&expected_signature),
        "the floor hashes the same bytes as the signer"
    );

    let quick = harness::quick();
    let (rounds, iters) = if quick { (11, 2_000) } else { (201, 2_000) };
    let medians = compare(
        "signing one create request (Authorization value)",
        rounds,
        iters,
        &mut [
            contender("floor: 2x HMAC-SHA1 + 1x SHA-1, same bytes", || {
                keep(hmac_sha1(
                    SECRET_KEY.as_bytes(),
                    keep_ref(key_time_text.as_bytes()),
                ));
                keep(Sha1::digest(keep_ref(http_string.as_bytes())));
                keep(hmac_sha1(
                    keep_ref(sign_key.as_bytes()),
                    keep_ref(string_to_sign.as_bytes()),
                ));
            }),
            contender("cos_ci_batch::sign::authorization", || keep(sign())),
        ],
    );
    println!(
        "RESULT signing_ratio_to_floor={:.3} target<=1.5",
        medians[1] / medians[0]
    );
}

fn keep_ref<T: ?Sized>(value: &T) -> &T {
    std::hint::black_box(value)
}
