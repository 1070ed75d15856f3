//! `ln` and `exp` in plain `f64` arithmetic, for the samplers' hot path.
//!
//! Two reasons not to call `f64::ln`, `f64::exp` and `f64::powf` there:
//! - speed in the browser: on `wasm32-unknown-unknown` they are software
//!   routines, and `powf` cost about 160 ns a call under Node 20, which put
//!   10^5 WARS trials (12 draws each at N = 3) near 200 ms, twice the
//!   budget; with these the same run takes 40–50 ms;
//! - reproducibility: the platform's routines may differ in the last bit
//!   between targets, while these use only `+ − × ÷` and bit operations
//!   (which Rust never fuses), so a seed gives the same samples natively
//!   and in the browser.
//!
//! Both are within 2 units in the last place of the standard library's over
//! the ranges the samplers use (see the tests).

/// `ln 2`, split so that `k · LN2_HI` is exact for `|k| < 2^21`
/// (the classic Cody–Waite constants: `LN2_HI` has 21 trailing zero bits).
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
/// `ln 2 − LN2_HI`.
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);

/// `1 / (2i + 3)` for i in 0..10: the atanh series' coefficients `1/3 … 1/21`.
const INV_ODD: [f64; 10] = {
    let mut c = [0.0; 10];
    let mut i = 0;
    while i < 10 {
        c[i] = 1.0 / (2 * i + 3) as f64;
        i += 1;
    }
    c
};

/// `1 / i!` for i in 0..14: the exponential's Taylor coefficients.
const INV_FACTORIAL: [f64; 14] = {
    let mut c = [1.0; 14];
    let mut i = 1;
    while i < 14 {
        c[i] = c[i - 1] / i as f64;
        i += 1;
    }
    c
};

/// `ln x` for a positive normal `x` (not zero, subnormal, infinite or NaN).
///
/// `x = 2^e · m` with `m` in `[√½, √2)`, and `ln m = 2 atanh s` with
/// `s = (m − 1) / (m + 1)`, `|s| ≤ 0.1716`, summed as
/// `2 (s + s³/3 + … + s²¹/21)`; the next term is below 2⁻⁵⁵ relative.
pub(super) fn ln(x: f64) -> f64 {
    // Without a branch (its outcome would be a coin flip): adding
    // `1 − √½` in the bit pattern carries into the exponent exactly when the
    // significand is at least √2; the significand bits then get `√½` added
    // back, which yields `m` in [√½, √2) with the matching `e`.
    const SQRT_HALF: u64 = 0x3FE6_A09E_667F_3BCD;
    let shifted = x.to_bits() + (1.0f64.to_bits() - SQRT_HALF);
    let e = (shifted >> 52) as i32 - 1023;
    let m = f64::from_bits((shifted & 0x000F_FFFF_FFFF_FFFF) + SQRT_HALF);
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    // 1/3 + z/5 + z²/7 + … + z⁹/21, by Estrin's scheme: terms paired so
    // the chain of dependent operations is 4 deep rather than Horner's 10.
    let c = &INV_ODD;
    let (z2, z4) = (z * z, z * z * (z * z));
    let series = (c[0] + c[1] * z)
        + (c[2] + c[3] * z) * z2
        + ((c[4] + c[5] * z) + (c[6] + c[7] * z) * z2) * z4
        + (c[8] + c[9] * z) * (z4 * z4);
    let ln_m = 2.0 * s + 2.0 * s * z * series;
    let e = f64::from(e);
    e * LN2_HI + (e * LN2_LO + ln_m)
}

/// `e^y` for `|y| ≤ 700` (the result stays a normal number).
///
/// `y = k ln 2 + r` with integer `k` and `|r| ≤ ½ ln 2`, `e^r` by its Taylor
/// series to `r¹³/13!` (the next term is below 2⁻⁵⁷), then scaled by `2^k`
/// through the exponent bits.
pub(super) fn exp(y: f64) -> f64 {
    // Rounded to the nearest integer by adding and removing 1.5 · 2⁵²: in
    // plain arithmetic, without a call to `round` (a library routine on
    // baseline x86-64).
    const ROUNDER: f64 = 6_755_399_441_055_744.0;
    let k = (y * std::f64::consts::LOG2_E + ROUNDER) - ROUNDER;
    let r = (y - k * LN2_HI) - k * LN2_LO;
    // Σ r^i / i! for i ≤ 13, by Estrin's scheme (see `ln`).
    let c = &INV_FACTORIAL;
    let (r2, r4) = (r * r, r * r * (r * r));
    let sum = ((c[0] + c[1] * r) + (c[2] + c[3] * r) * r2)
        + ((c[4] + c[5] * r) + (c[6] + c[7] * r) * r2) * r4
        + (((c[8] + c[9] * r) + (c[10] + c[11] * r) * r2) + (c[12] + c[13] * r) * r4) * (r4 * r4);
    // 1023 + k lies in 13..=2033 for |y| ≤ 700: a valid biased exponent.
    let scale = f64::from_bits(((1023 + k as i64) as u64) << 52);
    sum * scale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Distance in units of the last place (both arguments positive).
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn split_ln2_sums_to_ln2() {
        assert_eq!(LN2_HI + LN2_LO, std::f64::consts::LN_2);
        assert!(LN2_HI.to_bits().trailing_zeros() >= 21);
    }

    #[test]
    fn ln_matches_std_within_a_few_ulps() {
        let mut rng = Rng::new(5);
        // The samplers' domain, 1 − u for u in [0, 1), with extra weight
        // near 1 (where ln is small) and at the smallest value, plus
        // arguments above 1.
        let mut xs: Vec<f64> = (0..200_000).map(|_| 1.0 - rng.unit()).collect();
        xs.extend((0..50_000).map(|_| 1.0 - rng.unit() * 1e-6));
        xs.extend((0..50_000).map(|_| 1.0 + rng.unit() * 1e6));
        xs.extend([1.0, 0.5, 2.0, f64::EPSILON / 2.0, 1.0 - f64::EPSILON / 2.0]);
        for x in xs {
            let (got, want) = (ln(x), x.ln());
            if want == 0.0 {
                assert_eq!(got, 0.0);
                continue;
            }
            let err = ulps(got.abs(), want.abs());
            assert!(
                err <= 2 && got.signum() == want.signum(),
                "ln({x}) = {got}, std {want}, {err} ulps"
            );
        }
    }

    #[test]
    fn exp_matches_std_within_a_few_ulps() {
        let mut rng = Rng::new(6);
        let mut ys: Vec<f64> = (0..300_000).map(|_| (rng.unit() - 0.5) * 1400.0).collect();
        ys.extend((0..100_000).map(|_| (rng.unit() - 0.5) * 2.0));
        ys.extend([0.0, 1.0, -1.0, 700.0, -700.0, 0.5 * std::f64::consts::LN_2]);
        for y in ys {
            let (got, want) = (exp(y), y.exp());
            let err = ulps(got, want);
            assert!(err <= 2, "exp({y}) = {got}, std {want}, {err} ulps");
        }
    }
}
