//! The command-line tool, run as a built binary: against the emulator for what it sends and
//! prints, alone for help and usage errors.

mod common;

mod create;
mod credentials;
mod exit_status;
mod flags;
mod hostile;
mod output;
mod pipelines;
mod readme;
mod reruns;
mod secrets;
mod usage;
