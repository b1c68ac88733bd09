// The Type=Job create request of the Go SDK's test (`fixtures/create-job-request.xml`), as the
// model builds it; shared by the tests and the XML bench with `include!`.

/// The Go SDK's create request, built with the model.
fn go_sdk_job() -> cos_ci_batch::model::BatchJob {
    use cos_ci_batch::model::{
        BatchJob, Callback, Input, JobLevel, MediaJob, Output, Tag, TimeInterval, parse_time,
    };
    let t = |text| parse_time(text).unwrap();
    let uploaded =
        TimeInterval::between(t("2022-02-01T12:00:00+0800"), t("2022-05-01T12:00:00+0800"))
            .unwrap();
    BatchJob::media(
        "demo",
        MediaJob::new(Tag::Transcode)
            .queue_id("p893bcda225bf4945a378da6662e81a89")
            .user_data("this is my inventorytriggerjob")
            .job_level(JobLevel::Level1)
            .callback(Callback::url("https://www.callback.com", None))
            .template_id("t1460606b9752148c4ab182f55163ba7cd")
            .output(
                Output::new("ap-chongqing", "test-1234567890")
                    .object("output/${InventoryTriggerJobId}/out.mp4"),
            ),
        Input::prefix_uploaded("input", uploaded),
    )
}
