//! Progress on stderr for the long stages of `degsea run`: a spinner naming the stage, shown
//! only when stderr is a terminal and the log level is not quiet (pipelines see nothing).

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::log;

/// Spinner refresh interval.
const TICK: Duration = Duration::from_millis(120);

/// A spinner for one stage at a time; invisible when stderr is not a terminal or with `-q`.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A hidden or visible spinner, depending on the terminal and the log level.
    pub fn new() -> Self {
        let visible = std::io::stderr().is_terminal() && log::enabled(1);
        let bar = if visible {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(TICK);
            b
        } else {
            ProgressBar::hidden()
        };
        Self { bar }
    }

    /// Names the stage now running.
    pub fn stage(&self, name: &str) {
        self.bar.set_message(name.to_owned());
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
