//! A blocking, minimal client for Tencent Cloud COS **Cloud Infinite batch jobs**
//! (`/inventorytriggerjob`): start a media workflow or media job over many objects of a
//! bucket, describe, list, cancel and wait for it, learn what happened to each object, run
//! the failures again, and read the notifications its callbacks send. The `cos-ci-batch`
//! command-line tool (feature `cli`) does the same from a shell or a CI step, and an
//! offline emulator (feature `emulator`) plays the service for tests.
//!
//! The crate is layered so that each layer can be used alone:
//!
//! | module | what it is | IO |
//! |---|---|---|
//! | [`sign`] | the COS request signature (`q-sign-algorithm=sha1`) | none |
//! | [`credentials`] | credentials, and providers that refresh them | none |
//! | [`model`] | strict batch job requests, lenient job details; XML in and out | none |
//! | [`ops`] | each API call as a request value plus a pure parse of the answer | none |
//! | [`Client`] | a thin blocking shell over `ops`: retries, skew, create safety, waiting | ureq |
//! | [`notify`] | the notifications a callback URL receives | none |
//! | [`error`] | one flat [`Error`] and what it carries | none |
//! | `emulator` | an offline emulator of the service (feature `emulator`) | std only |
//!
//! # Quickstart
//!
//! ```no_run
//! use cos_ci_batch::model::{BatchJob, Input};
//! use cos_ci_batch::{Client, WaitOptions};
//!
//! // Credentials from the environment, ~/.tencentcloud/credentials or the instance role.
//! let client = Client::builder("examplebucket-1250000000", "ap-guangzhou").build()?;
//! let job = BatchJob::workflow("nightly-transcode", "w7476ff3564ee45b7b490d64bccaba6cc", Input::prefix("videos/"));
//! let created = client.create(&job)?.job;
//! let done = client.wait(&created.job_id, &WaitOptions::default())?;
//! println!("{} ended {}", done.job_id, done.state);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What happened to each object, and running the failures again
//!
//! ```
//! use std::time::Duration;
//! use cos_ci_batch::emulator::Emulator;
//! use cos_ci_batch::model::{BatchJob, Input, JobState};
//! use cos_ci_batch::{OutcomeOptions, RerunMethod, RerunOptions, WaitOptions};
//!
//! let emulator = Emulator::start()?; // the service, offline
//! emulator.add_workflow("w0123456789abcdef0123456789abcdef");
//! emulator.put_objects(["videos/a.mp4", "videos/b.avi"], emulator.now());
//! emulator.fail_objects("*.avi", "UnsupportedFormat", "avi is not supported");
//! let client = emulator.client_builder().build()?;
//!
//! let job = BatchJob::workflow("nightly", "w0123456789abcdef0123456789abcdef", Input::prefix("videos/"));
//! let id = client.create(&job)?.job.job_id;
//! emulator.advance(Duration::from_secs(10));
//! let batch = client.wait(&id, &WaitOptions::default())?;
//! // Success says the batch job ended; each object's own work is waited for here.
//! let summary = client.wait_for_objects(&batch, &OutcomeOptions::default(), &WaitOptions::default(), |_| {})?;
//! assert_eq!((summary.total, summary.failed), (2, 1));
//! for outcome in client.outcomes(&batch, &OutcomeOptions::default())? {
//!     let outcome = outcome?;
//!     if outcome.state == JobState::Failed {
//!         println!("{}: {:?}", outcome.object, outcome.code);
//!     }
//! }
//! // One failure: its workflow is triggered again on it. Many: one batch job over a URL file.
//! let rerun = client.rerun_failed(&batch, &OutcomeOptions::default(), &RerunOptions::default())?;
//! assert_eq!((rerun.method, rerun.triggered.len()), (RerunMethod::Triggers, 1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The command-line tool
//!
//! ```text
//! cargo install cos-ci-batch --features cli
//! id=$(cos-ci-batch create --name nightly --workflow w0123… --prefix videos/ --quiet)
//! cos-ci-batch wait "$id" --check-objects      # exit 6 when an object failed
//! cos-ci-batch outcomes "$id" --failed --json
//! cos-ci-batch rerun-failed "$id"
//! ```
//!
//! Any other HTTP stack (or an async one) can use [`ops`] directly: build the request, sign
//! it, send it, parse the answer.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs, missing_debug_implementations)]

mod client;
pub mod credentials;
mod encode;
pub mod error;
mod json;
pub mod model;
pub mod notify;
pub mod ops;
pub mod sign;
mod unix_time;
mod xml;

#[cfg(feature = "emulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "emulator")))]
pub mod emulator;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use client::{
    Client, ClientBuilder, Exchange, FailureCause, JobIter, LOOKUP_LIMIT, MAX_CODES,
    MAX_EMPTY_PAGES, ObjectOutcome, OutcomeIter, OutcomeOptions, OutcomeSummary, Rerun, RerunJob,
    RerunJobStatus, RerunMethod, RerunOptions, RetryPolicy, TRIGGERS_UP_TO, URL_FILE_PREFIX,
    WaitOptions,
};
pub use credentials::Credentials;
pub use error::Error;
