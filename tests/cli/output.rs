//! What the tool prints, byte for byte: tables for people, JSON for programs.

use std::time::Duration;

use crate::common::{WORKFLOW, cli, create, service_time, still_emulator};

/// `request id  RU1VL...` varies with the requests made before; the rest is exact.
fn without_request_id(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with("request id  "))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn describe_prints_the_jobs_fields_that_are_set_as_a_table() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let created = service_time(&emulator);
    let id = create(&emulator, "golden", "v/");
    emulator.advance(Duration::from_secs(1));
    let run = cli(&emulator, &["describe", &id]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.contains("\nrequest id     RU1VL"),
        "{}",
        run.stdout
    );
    assert_eq!(
        without_request_id(&run.stdout.replace("request id     ", "request id  ")),
        format!(
            "job id         {id}\n\
             name           golden\n\
             type           Workflow\n\
             state          Running\n\
             code           Success\n\
             creation time  {created}\n\
             start time     {started}\n\
             input prefix   v/\n\
             workflow ids   {WORKFLOW}\n",
            started = service_time(&emulator),
        )
    );
}

#[test]
fn describe_json_is_one_document_with_every_field_named_and_null_when_absent() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let created = service_time(&emulator);
    let id = create(&emulator, "golden", "v/");
    let run = cli(&emulator, &["--json", "describe", &id]);
    assert_eq!(run.status, 0, "{run:?}");
    let lines = run.json_lines();
    assert_eq!(lines.len(), 1);
    let request_id = lines[0]["request_id"]
        .as_str()
        .expect("a request id")
        .to_owned();
    assert_eq!(
        run.stdout,
        format!(
            "{{\"job_id\":\"{id}\",\"name\":\"golden\",\"type\":\"Workflow\",\"state\":\"Submitted\",\
             \"code\":\"Success\",\"message\":\"\",\"creation_time\":\"{created}\",\"start_time\":null,\
             \"end_time\":null,\"input\":{{\"prefix\":\"v/\",\"object\":null,\"manifest\":null,\
             \"url_file\":null}},\"time_interval\":{{\"start\":null,\"end\":null}},\"tag\":null,\
             \"workflow_ids\":[\"{WORKFLOW}\"],\"queue_id\":null,\"queue_type\":null,\
             \"job_param\":null,\"output\":null,\"job_level\":null,\"user_data\":null,\
             \"callback\":{{\"url\":null,\"format\":null,\"type\":null,\
             \"mq\":{{\"region\":null,\"mode\":null,\"name\":null}}}},\"request_id\":\"{request_id}\"}}\n"
        )
    );
}

#[test]
fn list_is_a_table_of_jobs_newest_first_and_json_lines_with_all() {
    let emulator = still_emulator(&["v/a.mp4", "w/b.mp4"]);
    let created = service_time(&emulator);
    let first = create(&emulator, "first", "v/");
    emulator.advance(Duration::from_secs(1));
    let second = create(&emulator, "second-job", "w/");
    let run = cli(&emulator, &["list"]);
    assert_eq!(run.status, 0, "{run:?}");
    let later = service_time(&emulator);
    let pad = " ".repeat(first.len() - "JOB ID".len());
    assert_eq!(
        run.stdout,
        format!(
            "JOB ID{pad}  NAME        TYPE      STATE      CREATION TIME         CODE\n\
             {second}  second-job  Workflow  Submitted  {later}  Success\n\
             {first}  first       Workflow  Running    {created}  Success\n"
        )
    );
    let all = cli(&emulator, &["list", "--all", "--json", "--name", "first"]);
    let lines = all.json_lines();
    assert_eq!(lines.len(), 1, "{}", all.stdout);
    assert_eq!(
        (lines[0]["job_id"].as_str(), lines[0]["name"].as_str()),
        (Some(first.as_str()), Some("first"))
    );
}

#[test]
fn a_list_is_whole_unless_limited_and_a_limited_one_says_so() {
    let emulator = still_emulator(&["v/a.mp4"]);
    for i in 0..22 {
        create(&emulator, &format!("job{i}"), "v/");
    }
    // Every page, by default, in both formats.
    let table = cli(&emulator, &["list"]);
    assert_eq!(
        (table.stdout.lines().count(), table.stderr.as_str()),
        (1 + 22, "")
    );
    let json = cli(&emulator, &["--json", "list"]);
    assert_eq!((json.json_lines().len(), json.stderr.as_str()), (22, ""));
    let all = cli(&emulator, &["--json", "list", "--all"]);
    assert_eq!(all.json_lines().len(), 22, "--all is still taken");
    // A limit that cuts the listing says so, as a warning a script can read.
    let cut = cli(&emulator, &["--json", "list", "--limit", "15"]);
    assert_eq!((cut.status, cut.json_lines().len()), (0, 15));
    let warning: serde_json::Value = serde_json::from_str(cut.stderr.trim_end()).unwrap();
    assert_eq!(warning["warning"]["kind"], "truncated");
    assert_eq!(
        warning["warning"]["message"],
        "only the first 15 jobs are shown; more match (raise --limit)"
    );
    let cut = cli(&emulator, &["list", "--limit", "3"]);
    assert_eq!(cut.stdout.lines().count(), 1 + 3);
    assert_eq!(
        cut.stderr,
        "warning: only the first 3 jobs are shown; more match (raise --limit)\n"
    );
    // A limit the listing does not reach says nothing.
    let whole = cli(&emulator, &["--json", "list", "--limit", "22"]);
    assert_eq!((whole.json_lines().len(), whole.stderr.as_str()), (22, ""));
    let zero = cli(&emulator, &["list", "--limit", "0"]);
    assert_eq!(zero.status, 2);
}

#[test]
fn outcomes_are_a_table_with_a_total_and_json_lines_without_one() {
    let emulator = still_emulator(&["in/a.mp4", "in/b.avi", "in/c.mp4"]);
    emulator.fail_objects("*.avi", "UnsupportedFormat", "avi is not supported");
    let id = create(&emulator, "outcomes", "in/");
    emulator.advance(Duration::from_secs(10));
    let run = cli(&emulator, &["outcomes", &id]);
    assert_eq!(run.status, 6, "an object failed: {run:?}");
    assert_eq!(
        run.stdout,
        "OBJECT    STATE    CODE               MESSAGE\n\
         in/a.mp4  Success\n\
         in/b.avi  Failed   UnsupportedFormat  avi is not supported\n\
         in/c.mp4  Success\n\
         3 objects, 1 failed\n\
         \x20 1 UnsupportedFormat: e.g. in/b.avi (avi is not supported)\n"
    );
    emulator.clear_received();
    let failed = cli(&emulator, &["outcomes", &id, "--failed"]);
    assert_eq!(
        failed.stdout,
        "OBJECT    STATE   CODE               MESSAGE\n\
         in/b.avi  Failed  UnsupportedFormat  avi is not supported\n\
         1 failed\n\
         \x20 1 UnsupportedFormat: e.g. in/b.avi (avi is not supported)\n"
    );
    // The service is asked for the failed objects alone.
    let listing = emulator
        .received()
        .into_iter()
        .find(|r| r.path == "/workflowexecution")
        .expect("a listing of the workflow's runs");
    assert!(
        listing
            .query
            .iter()
            .any(|(n, v)| n == "states" && v == "Failed"),
        "{:?}",
        listing.query
    );
    let summary = cli(&emulator, &["--json", "outcomes", &id, "--summary"]);
    assert_eq!(summary.status, 6);
    assert_eq!(
        summary.json_lines()[0],
        serde_json::json!({
            "total": 3, "failed": 1, "states": {"Success": 2, "Failed": 1},
            "causes": [{"code": "UnsupportedFormat", "count": 1, "object": "in/b.avi", "message": "avi is not supported"}]
        })
    );
    let json = cli(&emulator, &["outcomes", &id, "--failed", "--json"]);
    let lines = json.json_lines();
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(
        (
            &line["object"],
            &line["state"],
            &line["code"],
            &line["message"]
        ),
        (
            &"in/b.avi".into(),
            &"Failed".into(),
            &"UnsupportedFormat".into(),
            &"avi is not supported".into()
        )
    );
    assert!(
        line["run_id"]
            .as_str()
            .is_some_and(|id| id.starts_with('i')),
        "{line}"
    );
    let keys: Vec<&str> = line
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "object",
        "state",
        "code",
        "message",
        "media_job_id",
        "run_id",
        "creation_time",
        "start_time",
        "end_time",
    ];
    expected.sort_unstable();
    assert_eq!(
        keys, expected,
        "serde_json sorts keys; the names are the interface"
    );
}

#[test]
fn create_prints_the_new_job_or_with_quiet_its_id_alone() {
    let emulator = still_emulator(&["v/a.mp4"]);
    let run = cli(
        &emulator,
        &[
            "create",
            "--name",
            "c",
            "--workflow",
            WORKFLOW,
            "--object",
            "v/a.mp4",
        ],
    );
    assert_eq!(run.status, 0, "{run:?}");
    let id = emulator.job_ids().pop().unwrap();
    assert!(
        run.stdout
            .starts_with(&format!("job id         {id}\nname           c\n")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\ninput object   v/a.mp4\n"),
        "{}",
        run.stdout
    );
    let quiet = cli(
        &emulator,
        &[
            "create",
            "--name",
            "c",
            "--workflow",
            WORKFLOW,
            "--object",
            "v/a.mp4",
            "-q",
            "--json",
        ],
    );
    assert_eq!(
        quiet.stdout,
        format!(
            "{}\n",
            emulator.job_ids().into_iter().find(|j| *j != id).unwrap()
        )
    );
}
