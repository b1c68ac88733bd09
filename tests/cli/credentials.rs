//! Where the tool finds credentials (issue 17): the environment, a profile file chosen with
//! `--profile`, or an instance role; and errors that say which, never the secret.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use cos_ci_batch::emulator::Emulator;

use crate::common::{bare, run, still_emulator};

/// A home directory whose `.tencentcloud/credentials` holds `text`; removed when dropped.
struct Home(PathBuf);

impl Home {
    fn with_credentials(name: &str, text: &str) -> Home {
        let dir =
            std::env::temp_dir().join(format!("cos-ci-cli-home-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".tencentcloud")).unwrap();
        std::fs::write(dir.join(".tencentcloud/credentials"), text).unwrap();
        Home(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join(".tencentcloud/credentials")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The tool aimed at `emulator` with no credentials in its environment, `HOME` at `home`.
fn tool(emulator: &Emulator, home: Option<&Home>) -> Command {
    let mut command = bare();
    command
        .args(["--endpoint", &emulator.endpoint(), "--allow-http"])
        .env("COS_BUCKET", "examplebucket-1250000000")
        .env("COS_REGION", "ap-guangzhou");
    if let Some(home) = home {
        command.env("HOME", &home.0);
    }
    command
}

#[test]
fn a_profile_named_with_the_flag_signs_the_requests() {
    let emulator = still_emulator(&[]);
    let text = format!(
        "[default]\nsecret_id = {0}\nsecret_key = wrong-key-value\n\n[emulator]\nsecret_id = {0}\nsecret_key = {1}\n",
        emulator.credentials().secret_id(),
        emulator.secret_key()
    );
    let home = Home::with_credentials("flag", &text);
    let listed =
        run(tool(&emulator, Some(&home)).args(["list", "--profile", "emulator", "--json"]));
    assert_eq!(
        (listed.status, listed.stderr.as_str()),
        (0, ""),
        "{listed:?}"
    );

    // Without the flag, [default] is read, and the refusal says where its key came from.
    let refused = run(tool(&emulator, Some(&home)).args(["list"]));
    assert_eq!(refused.status, 1, "{refused:?}");
    assert_eq!(
        refused.stderr,
        format!(
            "error: service error AccessDenied (HTTP 403): the request signature does not \
             match [request id RU1VLXtest{:010}]\n  credentials: from profile [default] of {}\n",
            emulator.received_count() - 1,
            home.file().display()
        )
    );
    let json = run(tool(&emulator, Some(&home)).args(["list", "--json"]));
    let error: serde_json::Value = serde_json::from_str(json.stderr.trim_end()).unwrap();
    assert_eq!(
        error["error"]["credentials"],
        format!("profile [default] of {}", home.file().display())
    );
    assert_eq!(error["error"]["code"], "AccessDenied");
    for run in [&refused, &json] {
        assert!(!run.stderr.contains("wrong-key-value"));
    }
}

#[test]
fn a_profile_that_is_missing_or_half_filled_is_a_usage_error_naming_the_flag() {
    let emulator = still_emulator(&[]);
    let home = Home::with_credentials("half", "[ci]\nsecret_id = AKIDci\n");
    let missing = run(tool(&emulator, Some(&home)).args(["list", "--profile", "prod"]));
    assert_eq!(missing.status, 2);
    assert_eq!(
        missing.stderr.lines().next().unwrap(),
        format!(
            "error: --profile: credentials from the profile file cannot be used: {}: no [prod] \
             section (it has [ci])",
            home.file().display()
        )
    );
    let half = run(tool(&emulator, Some(&home)).args(["list", "--profile", "ci", "--json"]));
    assert_eq!(half.status, 2);
    let error: serde_json::Value = serde_json::from_str(half.stderr.trim_end()).unwrap();
    assert_eq!(error["error"]["kind"], "usage");
    assert_eq!(
        error["error"]["message"],
        format!(
            "--profile: credentials from the profile file cannot be used: {}: [ci] has no secret_key",
            home.file().display()
        )
    );
    assert_eq!(emulator.received_count(), 0, "nothing is sent");
}

#[test]
fn a_half_filled_environment_is_a_usage_error_and_not_a_fall_back_to_the_profile() {
    let emulator = still_emulator(&[]);
    let text = format!(
        "[default]\nsecret_id = {}\nsecret_key = {}\n",
        emulator.credentials().secret_id(),
        emulator.secret_key()
    );
    let home = Home::with_credentials("half-env", &text);
    let half = run(tool(&emulator, Some(&home))
        .args(["list"])
        .env("TENCENTCLOUD_SECRET_KEY", "half-secret"));
    assert_eq!(half.status, 2);
    assert_eq!(
        half.stderr.lines().next().unwrap(),
        "error: credentials from the environment cannot be used: TENCENTCLOUD_SECRET_KEY is \
         set but TENCENTCLOUD_SECRET_ID is not"
    );
    assert!(!half.stderr.contains("half-secret"));
    assert_eq!(emulator.received_count(), 0);
}

#[test]
fn an_instance_role_signs_when_nothing_else_is_there() {
    let emulator = still_emulator(&[]);
    emulator.set_instance_role("CVM_QcsRole", Duration::from_secs(60));
    let listed = run(tool(&emulator, None)
        .args(["list", "--json"])
        .env("COS_CI_BATCH_METADATA_ENDPOINT", emulator.endpoint()));
    assert_eq!(
        (listed.status, listed.stderr.as_str()),
        (0, ""),
        "{listed:?}"
    );
    let paths: Vec<String> = emulator.received().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/latest/meta-data/cam/security-credentials/",
            "/latest/meta-data/cam/security-credentials/CVM_QcsRole",
            "/inventorytriggerjob",
        ]
    );
}
