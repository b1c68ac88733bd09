//! A blocking, minimal client for Tencent Cloud COS **Cloud Infinite batch jobs**
//! (`/inventorytriggerjob`): start a media workflow or media job over many objects of a
//! bucket, then describe, list, cancel and wait for it.
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
    Client, ClientBuilder, Exchange, JobIter, MAX_EMPTY_PAGES, ObjectOutcome, OutcomeIter,
    OutcomeOptions, OutcomeSummary, Rerun, RetryPolicy, WaitOptions,
};
pub use credentials::Credentials;
pub use error::Error;
