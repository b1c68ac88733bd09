//! The model: what a batch job request says, and what the service says about a job.
//!
//! Plain data with public fields, in the service's own vocabulary (`Input.Prefix`,
//! `Operation.WorkflowIds`, ...). Requests are checked when an operation is built from
//! them ([`crate::ops::CreateJob::new`]), not when fields are set, so a job can be assembled
//! in any order. Elements the model does not name are kept in `extra` fields: nothing the
//! service sends is dropped, and nothing the API accepts is out of reach.

mod detail;
mod element;
mod job;
mod time;

pub use detail::{JobDetail, JobState, JobType};
pub use element::Element;
pub use job::{
    BatchJob, CallBackMqConfig, DigitalWatermark, Input, JobParam, Operation, Output,
    StreamExtract, TimeInterval,
};
pub use time::{format_time, parse_time};
