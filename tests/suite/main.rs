//! The integration tests: one binary, a module per concern, all through the public API
//! against servers on loopback (the emulator, or a raw-socket server a test plays).

mod common;

mod callbacks;
mod client;
mod create_holes;
mod create_safety;
mod credential_chain;
mod credentials;
mod emulator;
mod emulator_fidelity;
mod emulator_hardening;
mod faults;
mod hostile_edges;
mod model_xml;
mod notifications;
mod outcomes;
mod properties;
mod reruns;
mod secrets;
mod signing;
mod sliced_outcomes;
mod validation;
