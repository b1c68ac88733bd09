//! Creates one batch job with reqwest + quick-xml + serde (the build-time baseline).

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

#[derive(Serialize)]
#[serde(rename = "Request")]
struct Request {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "Input")]
    input: Input,
    #[serde(rename = "Operation")]
    operation: Operation,
}

#[derive(Serialize)]
struct Input {
    #[serde(rename = "Prefix")]
    prefix: String,
}

#[derive(Serialize)]
struct Operation {
    #[serde(rename = "WorkflowIds")]
    workflow_ids: String,
}

#[derive(Deserialize)]
struct Response {
    #[serde(rename = "JobsDetail")]
    jobs_detail: JobsDetail,
}

#[derive(Deserialize)]
struct JobsDetail {
    #[serde(rename = "JobId")]
    job_id: String,
    #[serde(rename = "State")]
    state: String,
}

fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, id, key] = args.as_slice() else {
        return Err("usage: baseline <endpoint> <secret-id> <secret-key>".into());
    };
    let body = quick_xml::se::to_string(&Request {
        name: "footprint".into(),
        kind: "Workflow".into(),
        input: Input { prefix: "videos/".into() },
        operation: Operation { workflow_ids: "w0123456789abcdef0123456789abcdef".into() },
    })?;
    let host = endpoint.trim_start_matches("http://").trim_start_matches("https://");
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let key_time = format!("{};{}", now - 60, now + 900);
    let http_string = format!(
        "post\n/inventorytriggerjob\n\ncontent-length={}&content-type=application%2Fxml&host={}\n",
        body.len(),
        host.replace(':', "%3A")
    );
    let string_to_sign = format!("sha1\n{key_time}\n{}\n", hex::encode(Sha1::digest(http_string.as_bytes())));
    let signature = hmac_hex(hmac_hex(key.as_bytes(), key_time.as_bytes()).as_bytes(), string_to_sign.as_bytes());
    let authorization = format!(
        "q-sign-algorithm=sha1&q-ak={id}&q-sign-time={key_time}&q-key-time={key_time}&q-header-list=content-length;content-type;host&q-url-param-list=&q-signature={signature}"
    );
    let answer = reqwest::blocking::Client::new()
        .post(format!("{endpoint}/inventorytriggerjob"))
        .header("content-type", "application/xml")
        .header("authorization", authorization)
        .body(body)
        .send()?
        .text()?;
    let response: Response = quick_xml::de::from_str(&answer)?;
    println!("{} {}", response.jobs_detail.job_id, response.jobs_detail.state);
    Ok(())
}
