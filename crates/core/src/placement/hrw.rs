//! The weighted rendezvous score, computed the same way on every target.
//!
//! Weighted rendezvous hashing gives node `i` the score `-w_i / ln(u_i)`,
//! where `u_i` in `(0, 1)` is its hash of the key scaled to the unit
//! interval. `-ln(u_i)` is exponentially distributed, so the score is the
//! reciprocal of an exponential variable of rate `w_i`, and the node with
//! the highest score is node `i` with probability `w_i / Σw` (Schindelhauer
//! & Schomaker 2005, "Weighted Distributed Hash Tables"; the logarithmic
//! method). `f64::ln` calls the platform's math library, which is not
//! required to round the same way everywhere, so [`ln`] is written here out
//! of IEEE-exact `+ - * /` only.

/// `ln(2)` rounded to the nearest double.
const LN_2: f64 = std::f64::consts::LN_2;
/// `sqrt(2)` rounded to the nearest double.
const SQRT_2: f64 = std::f64::consts::SQRT_2;

/// `1 / (2k + 1)` for `k` in `0..12`: the coefficients of `atanh(s) / s`
/// in powers of `s²`.
const ATANH_SERIES: [f64; 12] = [
    1.0,
    1.0 / 3.0,
    1.0 / 5.0,
    1.0 / 7.0,
    1.0 / 9.0,
    1.0 / 11.0,
    1.0 / 13.0,
    1.0 / 15.0,
    1.0 / 17.0,
    1.0 / 19.0,
    1.0 / 21.0,
    1.0 / 23.0,
];

/// The weighted score of a node whose hash of the key is `hash`.
pub(crate) fn score(hash: u64, weight: f64) -> f64 {
    -weight / ln(unit(hash))
}

/// `hash` mapped to `(0, 1)`: the top 52 bits, plus one half, over `2^52`.
/// Every value is exact (53 significant bits), never 0 or 1, so the
/// logarithm is finite and negative. (With the top 53 bits, `2^53 - 1/2`
/// would round up to `2^53`, giving 1.)
fn unit(hash: u64) -> f64 {
    ((hash >> 12) as f64 + 0.5) / (1_u64 << 52) as f64
}

/// The natural logarithm of a positive normal `x`, to within a few ulp,
/// from basic arithmetic only (so it is bit-identical on every target).
///
/// With `x = m · 2^e` and `m` in `[sqrt(1/2), sqrt(2))`:
/// `ln x = e · ln 2 + 2 · atanh(s)` where `s = (m - 1) / (m + 1)`, so
/// `|s| < 0.1716`, and `atanh(s) = s + s³/3 + s⁵/5 + …`; twelve terms leave
/// a truncation error below `s²⁴/25 < 10⁻¹⁹` relative.
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m >= SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    // Horner form of 1 + s²/3 + s⁴/5 + … + s²²/23.
    let series = ATANH_SERIES.iter().rev().fold(0.0, |acc, c| acc * s2 + c);
    e as f64 * LN_2 + 2.0 * s * series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_matches_the_platform_logarithm_closely() {
        let mut x = 1.0_f64;
        let mut worst = 0.0_f64;
        // Every binade the unit scaling can produce, and points inside it.
        while x > 1e-17 {
            for step in 0..64 {
                let v = x * (1.0 - f64::from(step) / 128.0);
                let (got, want) = (ln(v), v.ln());
                let err = if want == 0.0 {
                    got.abs()
                } else {
                    ((got - want) / want).abs()
                };
                worst = worst.max(err);
            }
            x *= 0.5;
        }
        assert!(worst < 1e-15, "worst relative error {worst:e}");
        assert_eq!(ln(1.0), 0.0);
        assert!((ln(0.5) + LN_2).abs() < 1e-16);
    }

    #[test]
    fn unit_stays_strictly_inside_zero_and_one() {
        for h in [0, 1, u64::MAX, u64::MAX - 1, 1 << 63] {
            let u = unit(h);
            assert!(u > 0.0 && u < 1.0, "{h:#x} -> {u}");
            assert!(score(h, 1.0).is_finite() && score(h, 1.0) > 0.0);
        }
    }

    #[test]
    fn score_grows_with_the_hash_and_with_the_weight() {
        let hashes = [
            1_u64 << 20,
            1 << 40,
            1 << 62,
            u64::MAX >> 1,
            u64::MAX - (1 << 12),
        ];
        for pair in hashes.windows(2) {
            assert!(score(pair[0], 1.0) < score(pair[1], 1.0));
        }
        assert!(score(1 << 62, 2.0) > score(1 << 62, 1.0));
    }
}
