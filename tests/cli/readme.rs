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

#[test]
fn the_readmes_commands_run_as_written() {
    let block = block_after("## Command-line tool", "sh");
    let emulator = emulator(
        &["videos/a.mp4", "videos/b.avi"],
        Duration::from_millis(300),
    );
    emulator.fail_objects("*.avi", "DecodeError", "no video stream");
    // The README's commands, aimed at the emulator by a shell function of the tool's name.
    let script = format!(
        "set -euo pipefail\ncos-ci-batch() {{ \"$TOOL\" --endpoint \"$ENDPOINT\" --allow-http \"$@\"; }}\nset -x\n{block}"
    );
    let bash = run(std::process::Command::new("bash")
        .args(["-c", &script])
        .env_clear()
        .envs(
            against(&emulator)
                .get_envs()
                .filter_map(|(k, v)| Some((k, v?))),
        )
        .env("TOOL", BIN)
        .env("ENDPOINT", emulator.endpoint())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default()));
    assert_eq!(bash.status, 0, "{bash:?}");
    // Every command of the block ran (bash -x traces each call of the function).
    let commands = block.matches("cos-ci-batch ").count();
    let traced = bash
        .stderr
        .lines()
        .filter(|l| l.trim_start_matches('+').starts_with(" cos-ci-batch "))
        .count();
    assert_eq!(traced, commands, "{}", bash.stderr);
    // The table the README shows is the one printed.
    let table = block_after("## Command-line tool", "text");
    assert!(bash.stdout.contains(&table), "{}", bash.stdout);
    assert!(
        bash.stdout
            .contains("{\"object\":\"videos/b.avi\",\"state\":\"Failed\",\"code\":\"DecodeError\""),
        "{}",
        bash.stdout
    );
    assert!(
        bash.stdout.contains("videos/b.avi  planned"),
        "{}",
        bash.stdout
    );
    assert!(
        bash.stdout.contains("videos/b.avi  triggered  i"),
        "{}",
        bash.stdout
    );
}
