//! End-to-end tests of the `degsea` binary (one integration-test binary, ripgrep model).
//! Tests that need the real datasets in `../shared` print a line and return when it is absent.

#![allow(clippy::unwrap_used, reason = "test code: a panic is a test failure")]

mod util;

mod cli;
