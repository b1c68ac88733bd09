//! The README's command-line section, run as written by bash against the emulator.

use std::time::Duration;

use crate::common::{BIN, against, emulator, run};

/// The first `kind` block after `heading` in the README.
fn block_after(heading: &str, kind: &str) -> String {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find(heading).expect("the section")..];
    let fence = format!("```{kind}\n");
    let start = section.find(&fence).expect("the block") + fence.len();
    let end = start + section[start..].find("```").expect("the block's end");
    section[start..end].to_owned()
}

/// Runs `script` with bash, the tool's name a function aimed at `emulator`, every command
/// traced (`set -x`).
fn bash(emulator: &cos_ci_batch::emulator::Emulator, script: &str) -> crate::common::Run {
    let script = format!(
        "cos-ci-batch() {{ \"$TOOL\" --endpoint \"$ENDPOINT\" --allow-http \"$@\"; }}\nset -x\n{script}"
    );
    run(std::process::Command::new("bash")
        .args(["-c", &script])
        .env_clear()
        .envs(
            against(emulator)
                .get_envs()
                .filter_map(|(k, v)| Some((k, v?))),
        )
        .env("TOOL", BIN)
        .env("ENDPOINT", emulator.endpoint())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default()))
}

#[test]
fn the_readmes_ci_step_fails_when_an_object_fails_and_passes_when_none_does() {
    let step = block_after("## Command-line tool", "sh");
    assert!(step.starts_with("set -euo pipefail\n"), "{step}");
    for (fails, status) in [(true, 6), (false, 0)] {
        let emulator = emulator(
            &["videos/a.mp4", "videos/b.avi"],
            Duration::from_millis(300),
        );
        // The batch job says Success while the objects' work goes on: the step waits.
        emulator.set_object_work_lag(Duration::from_secs(2));
        if fails {
            emulator.fail_objects("*.avi", "DecodeError", "no video stream");
        }
        let ran = bash(&emulator, &step);
        assert_eq!(ran.status, status, "{ran:?}");
        let field = |label: &str| {
            ran.stdout
                .lines()
                .find_map(|l| l.strip_prefix(label))
                .map(str::trim)
                .unwrap_or_else(|| panic!("no {label}: {}", ran.stdout))
                .to_owned()
        };
        assert_eq!(field("objects total "), "2");
        assert_eq!(field("objects failed "), if fails { "1" } else { "0" });
    }
}

#[test]
fn the_readmes_commands_run_as_written() {
    let step = block_after("## Command-line tool", "sh");
    let readme = include_str!("../../README.md");
    let later = &readme[readme
        .find("Looking closer, by hand")
        .expect("the second block")..];
    let start = later.find("```sh\n").unwrap() + "```sh\n".len();
    let block = &later[start..start + later[start..].find("```").unwrap()];
    let emulator = emulator(
        &["videos/a.mp4", "videos/b.avi"],
        Duration::from_millis(300),
    );
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    // The CI step ends 6 (an object failed); the commands after it go on from its `$id`.
    let ran = bash(
        &emulator,
        &format!(
            "{}\nset +e\n{block}",
            step.replace("set -euo pipefail", "set -uo pipefail")
        ),
    );
    // Every command of both blocks ran (bash -x traces each call of the function).
    let commands = step.matches("cos-ci-batch ").count() + block.matches("cos-ci-batch ").count();
    let traced = ran
        .stderr
        .lines()
        .filter(|l| l.trim_start_matches('+').starts_with(" cos-ci-batch "))
        .count();
    assert_eq!(traced, commands, "{}", ran.stderr);
    // The last command, describe, succeeds.
    assert_eq!(ran.status, 0, "{ran:?}");
    // The table the README shows is the one printed.
    let table = block_after("## Command-line tool", "text");
    assert!(ran.stdout.contains(&table), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("{\"object\":\"videos/b.avi\",\"state\":\"Failed\",\"code\":\"DecodeError\""),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("videos/b.avi  planned"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("videos/b.avi  triggered  i"),
        "{}",
        ran.stdout
    );
}
