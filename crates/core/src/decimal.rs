//! Plain decimal numbers (`12`, `0.5`, `1.25`, `.5`, `5.`) read without
//! `str::parse::<f64>`.
//!
//! The standard float parser carries a 10 kB table of powers of five and
//! about 5 kB of code into every page. The numbers faultline reads from
//! links and form fields are short plain decimals, and for those one exact
//! division gives the same `f64` as the standard parser: the digits make an
//! integer below 2⁵³ and the divisor a power of ten below 10²³, both exact
//! in an `f64`, and IEEE division rounds the exact quotient correctly.

/// The largest integer every smaller one of which an `f64` holds exactly.
const EXACT: u64 = 1 << 53;

/// Reads `digits[.digits]` (either side may be empty, not both) as the
/// nearest `f64`, exactly as `str::parse::<f64>` would. Returns `None` for
/// anything else: signs, exponents, spaces, more than one dot, digits
/// whose value (the dot left out) reaches 2⁵³, or more than twenty-two
/// digits after the dot. Links and fields never write those.
pub fn parse(s: &str) -> Option<f64> {
    let (whole, fraction) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 22 {
        return None;
    }
    let mut mantissa: u64 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
        if mantissa >= EXACT {
            return None;
        }
    }
    let scale = (0..fraction.len()).fold(1.0f64, |p, _| p * 10.0);
    Some(mantissa as f64 / scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_forms_links_and_fields_use() {
        assert_eq!(parse("12"), Some(12.0));
        assert_eq!(parse("0.5"), Some(0.5));
        assert_eq!(parse(".5"), Some(0.5));
        assert_eq!(parse("5."), Some(5.0));
        assert_eq!(parse("1234.567"), Some(1234.567));
        assert_eq!(parse("0.1"), Some(0.1));
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for bad in [
            "", ".", "1..2", "1.2.3", "-1", "+1", "1e3", " 1", "1 ", "x", "0x10", "inf", "NaN",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            parse("12345678901234567890"),
            None,
            "more digits than an f64 holds"
        );
    }

    proptest! {
        #[test]
        fn agrees_with_the_standard_parser(whole in "[0-9]{0,8}", fraction in proptest::option::of("[0-9]{0,7}")) {
            let s = match &fraction { Some(f) => format!("{whole}.{f}"), None => whole.clone() };
            let expected = if s.is_empty() || s == "." { None } else { s.parse::<f64>().ok() };
            prop_assert_eq!(parse(&s).map(f64::to_bits), expected.map(f64::to_bits), "{}", s);
        }

        #[test]
        fn agrees_on_times_as_links_write_them(micros in 0u64..10_000_000_000) {
            let s = format!("{}.{:03}", micros / 1000, micros % 1000);
            prop_assert_eq!(parse(&s).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits));
        }
    }
}
