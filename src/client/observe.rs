//! Watching the requests a client sends: one [`Exchange`] per request, for logs and
//! `--verbose`.

use std::fmt;
use std::time::Duration;

use crate::ops::Method;

/// One request the client sent and what came of it. It holds no secret: no header, no
/// body, and the URL of this API carries none.
///
/// ```
/// use cos_ci_batch::emulator::Emulator;
/// use cos_ci_batch::ops::ListQuery;
/// use std::sync::{Arc, Mutex};
///
/// let emulator = Emulator::start()?;
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = seen.clone();
/// let client = emulator
///     .client_builder()
///     .on_exchange(move |exchange| log.lock().unwrap().push(exchange.to_string()))
///     .build()?;
/// client.list(&ListQuery::new())?;
/// let lines = seen.lock().unwrap();
/// assert!(lines[0].starts_with("GET http://127.0.0.1:"), "{}", lines[0]);
/// assert!(lines[0].contains("/inventorytriggerjob 200 RU1VL"), "{}", lines[0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    /// The method.
    pub method: Method,
    /// The URL: the endpoint, the path and the query.
    pub url: String,
    /// The answer's status, when one came.
    pub status: Option<u16>,
    /// The answer's `x-ci-request-id`, when it had one.
    pub request_id: Option<String>,
    /// Why no answer came, when none did.
    pub failure: Option<String>,
    /// From sending to the end of the answer (or the failure).
    pub elapsed: Duration,
    /// Whether the request was sent again after a failure (`x-cos-sdk-retry`).
    pub retry: bool,
}

impl fmt::Display for Exchange {
    /// `GET https://host/inventorytriggerjob?size=10 200 <request id> 35 ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.url)?;
        match (self.status, &self.failure) {
            (Some(status), _) => write!(f, " {status}")?,
            (None, Some(failure)) => write!(f, " failed ({failure})")?,
            (None, None) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " {id}")?;
        }
        write!(f, " {} ms", self.elapsed.as_millis())?;
        if self.retry {
            f.write_str(" (retry)")?;
        }
        Ok(())
    }
}

/// What watches the exchanges.
pub(crate) type Observer = std::sync::Arc<dyn Fn(&Exchange) + Send + Sync>;
