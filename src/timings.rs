//! Wall-clock time per pipeline stage, for people measuring orgc on large orgs
//! (`ORGC_TIMINGS=1` makes the CLI print them to standard error). Measuring costs
//! one clock read per stage, so it is always on.

use std::time::{Duration, Instant};

/// Laps of named stages, in the order they ended (a stage run beside the others is
/// recorded when they are joined).
#[derive(Debug, Clone)]
pub struct Stopwatch {
    last: Instant,
    pub laps: Vec<(&'static str, Duration)>,
}

impl Default for Stopwatch {
    fn default() -> Self {
        Stopwatch {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Stopwatch {
    /// Ends the stage that ran since the previous lap (or since the start).
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    /// A stage that ran beside the others (on a thread of its own), measured there.
    pub fn record(&mut self, stage: &'static str, took: Duration) {
        self.laps.push((stage, took));
    }

    /// One line per stage: `  stage  123.4 ms`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (stage, d) in &self.laps {
            out.push_str(&format!(
                "  {stage:<28} {:>9.1} ms\n",
                d.as_secs_f64() * 1000.0
            ));
        }
        out
    }
}
