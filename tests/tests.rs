//! End-to-end tests of the `degsea` binary (one integration-test binary, ripgrep model).
//! Tests that need the real datasets in `../shared` print a line and return when it is absent.

mod util;

mod cli;
