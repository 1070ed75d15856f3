//! Number formatting shared by the components.

use faultline_core::Time;

/// `1 operation`, `2 operations`.
pub fn plural(n: usize, word: &str) -> String {
    match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

/// A virtual time as `1234.5 ms` (or seconds past 10 s).
pub fn time(t: Time) -> String {
    let ms = t.as_ms();
    if ms >= 10_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// A speed factor as `0.04×` or `1/1000×`.
pub fn speed(factor: f64) -> String {
    if factor >= 1.0 {
        format!("{}×", trim(factor, 1))
    } else if factor >= 0.01 {
        format!("{}×", trim(factor, 3))
    } else {
        format!("1/{:.0}×", 1.0 / factor)
    }
}

/// `µs` in milliseconds, as few digits as it takes (`5`, `0.25`).
pub fn ms(us: u64) -> String {
    let (whole, frac) = (us / 1000, us % 1000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_string()
    }
}

/// An SVG coordinate or length: one decimal (`12.5`). One function for
/// every drawing, so each call site is a call, not its own formatting code.
#[inline(never)]
pub fn px(v: impl Into<f64>) -> String {
    format!("{:.1}", v.into())
}

fn trim(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_speeds_and_times() {
        assert_eq!(speed(0.04), "0.04×");
        assert_eq!(speed(0.001), "1/1000×");
        assert_eq!(speed(2.0), "2×");
        assert_eq!(time(Time::from_ms(1500)), "1500.0 ms");
        assert_eq!(time(Time::from_ms(12_000)), "12.00 s");
        assert_eq!(
            (px(12.25), px(-0.04), px(3.0f32)),
            ("12.2".into(), "-0.0".into(), "3.0".into())
        );
    }

    #[test]
    fn milliseconds_are_written_with_as_few_digits_as_they_need() {
        assert_eq!(
            [0, 5_000, 250, 1_050, 12_345].map(ms),
            ["0", "5", "0.25", "1.05", "12.345"]
        );
    }
}
