//! Minimal levelled logging to stderr (`-q` quiet, default info, `-v` debug).

use std::sync::atomic::{AtomicU8, Ordering};

static LEVEL: AtomicU8 = AtomicU8::new(1);

/// Sets the level: 0 = errors only, 1 = info and warnings, 2 = debug.
pub fn init(level: u8) {
    LEVEL.store(level, Ordering::Relaxed);
}

/// Whether messages at `level` are shown.
pub fn enabled(level: u8) -> bool {
    LEVEL.load(Ordering::Relaxed) >= level
}

/// Prints the one `error:` line of a failed command.
#[expect(clippy::print_stderr, reason = "the logger is the one place that writes to stderr")]
pub fn error(msg: &str) {
    eprintln!("error: {msg}");
}

/// Prints a warning unless quiet.
#[expect(clippy::print_stderr, reason = "the logger is the one place that writes to stderr")]
pub fn warn(msg: &str) {
    if enabled(1) {
        eprintln!("warning: {msg}");
    }
}

/// Prints an informational line unless quiet.
#[expect(clippy::print_stderr, reason = "the logger is the one place that writes to stderr")]
pub fn info(msg: &str) {
    if enabled(1) {
        eprintln!("{msg}");
    }
}

/// Prints a debug line with `-v`.
#[expect(clippy::print_stderr, reason = "the logger is the one place that writes to stderr")]
pub fn debug(msg: &str) {
    if enabled(2) {
        eprintln!("debug: {msg}");
    }
}
