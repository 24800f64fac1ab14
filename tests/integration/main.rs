//! One test binary for all integration tests (faster to build on two cores).

mod access;
mod cli;
mod diagnostics;
mod external;
mod fast_reader;
mod golden;
mod hostile;
mod policies;
mod regen;
mod scale;
mod support;
