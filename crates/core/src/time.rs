//! Virtual time: an integer count of microseconds since the start of a run.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};

/// A point in virtual time, in microseconds since the run began.
///
/// The simulator never reads a wall clock: time only moves when it processes
/// an event or is asked to run until a later instant.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Time(pub u64);

/// Microseconds in one millisecond.
pub const MICROS_PER_MS: u64 = 1_000;

impl Time {
    /// The start of every run.
    pub const ZERO: Time = Time(0);

    /// A time from whole milliseconds.
    pub const fn from_ms(ms: u64) -> Time {
        Time(ms.saturating_mul(MICROS_PER_MS))
    }

    /// A time from fractional milliseconds, rounded to the nearest microsecond.
    /// Negative or non-finite input clamps to zero.
    pub fn from_ms_f64(ms: f64) -> Time {
        Time(ms_to_micros(ms))
    }

    /// This time in (fractional) milliseconds, for display and reports.
    pub fn as_ms(self) -> f64 {
        self.0 as f64 / MICROS_PER_MS as f64
    }

    /// Microseconds since the start.
    pub const fn micros(self) -> u64 {
        self.0
    }
}

/// Converts fractional milliseconds to whole microseconds (clamped at zero).
pub fn ms_to_micros(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms * MICROS_PER_MS as f64).round() as u64
    } else {
        0
    }
}

impl Add<u64> for Time {
    type Output = Time;
    fn add(self, micros: u64) -> Time {
        Time(self.0.saturating_add(micros))
    }
}

impl Sub for Time {
    type Output = u64;
    fn sub(self, earlier: Time) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} ms", self.as_ms())
    }
}
