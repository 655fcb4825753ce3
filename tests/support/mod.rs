//! Helpers shared by the trainer's integration tests. Each test binary uses only some of them.
#![allow(dead_code)]

pub mod cli;
pub mod display;
pub mod headless;
pub mod recordings;
pub mod reference_twin;
pub mod render;
