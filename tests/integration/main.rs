//! One test binary for all integration tests (faster to build on two cores).
#![allow(unreachable_pub)] // test helpers are shared between test modules, not an API

mod access;
mod action;
mod architecture;
mod ci_formats;
mod cli;
mod codes;
mod completions;
mod diagnostics;
mod diff;
mod external;
mod fast_reader;
mod golden;
mod hooks;
mod hostile;
mod identity_center;
mod layouts;
mod package;
mod policies;
mod regen;
mod scale;
mod support;
mod templates;
