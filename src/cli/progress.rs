//! A progress line on standard error for long runs. It appears only when standard error is a
//! terminal, the report is one for people, and the run has already taken more than a second; it
//! is redrawn at most ten times a second and cleared before the report is written.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the line appears.
const DELAY: Duration = Duration::from_secs(1);
/// The least time between two redraws.
const REDRAW: Duration = Duration::from_millis(100);

/// Counts checked files and shows the count once [`DELAY`] has passed.
pub(crate) struct Progress {
    enabled: bool,
    total: usize,
    done: AtomicUsize,
    start: Instant,
    /// When the line was last drawn (`None`: never); held while drawing.
    drawn: Mutex<Option<Instant>>,
}

impl Progress {
    /// A progress line for `total` files; `enabled` says whether it may ever be drawn.
    pub(crate) fn new(total: usize, enabled: bool) -> Self {
        Self { enabled, total, done: AtomicUsize::new(0), start: Instant::now(), drawn: Mutex::new(None) }
    }

    /// One more file done.
    pub(crate) fn inc(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.enabled || self.start.elapsed() < DELAY {
            return;
        }
        // Whoever holds the lock draws; the others go on checking.
        let Ok(mut drawn) = self.drawn.try_lock() else { return };
        if drawn.is_some_and(|at| at.elapsed() < REDRAW) {
            return;
        }
        *drawn = Some(Instant::now());
        let width = 30;
        let filled = (done * width).checked_div(self.total).unwrap_or(width).min(width);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
        let _ = write!(std::io::stderr(), "\r{bar} {done}/{} files", self.total);
    }

    /// Clear the line, if it was drawn.
    pub(crate) fn finish(&self) {
        let drawn = self.drawn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if drawn.is_some() {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
