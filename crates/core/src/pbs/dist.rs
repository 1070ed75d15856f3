//! One-way latency distributions, in milliseconds, sampled by inverse CDF.
//!
//! The paper fits each delay to a mixture of a Pareto and an exponential
//! distribution (Bailis et al. 2012 §5, Production Latency Model Fitting); the
//! simulator's own links draw uniformly from a range. A [`Dist`] is built
//! through constructors that check their parameters, so a value of this type
//! always describes a proper distribution on `[0, ∞)` whose draws are finite
//! (so are sums and differences of draws, which the Monte Carlo takes).

use super::math;
use crate::rng::Rng;

/// The smallest Pareto shape accepted. Smaller shapes have tails so heavy
/// that a draw can exceed `x_m · 10^150`; fitted latencies have shapes above 1.
pub const MIN_PARETO_ALPHA: f64 = 0.1;

/// The largest scale accepted, in milliseconds (about 11.5 days): a Pareto
/// `x_m`, an exponential mean `1 / lambda`, a uniform `hi`. It keeps every
/// draw far from overflow.
pub const MAX_SCALE_MS: f64 = 1e9;

/// A latency distribution on `[0, ∞)`, in milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Dist(Kind);

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    // The reciprocals are kept to multiply rather than divide when sampling.
    Pareto {
        x_m: f64,
        alpha: f64,
        inv_alpha: f64,
    },
    Exponential {
        lambda: f64,
        inv_lambda: f64,
    },
    Uniform {
        lo: f64,
        hi: f64,
    },
    Mixture {
        p: f64,
        first: Box<Dist>,
        second: Box<Dist>,
    },
}

fn in_range(name: &str, v: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{name} must be in [{lo:e}, {hi:e}], got {v}"))
    }
}

impl Dist {
    /// Pareto with scale `x_m` and shape `alpha`: CDF `1 − (x_m / x)^alpha`
    /// for `x ≥ x_m`. Requires `0 < x_m ≤ MAX_SCALE_MS` and
    /// `MIN_PARETO_ALPHA ≤ alpha ≤ 1e6`.
    pub fn pareto(x_m: f64, alpha: f64) -> Result<Dist, String> {
        let x_m = in_range("x_m", x_m, f64::MIN_POSITIVE, MAX_SCALE_MS)?;
        let alpha = in_range("alpha", alpha, MIN_PARETO_ALPHA, 1e6)?;
        Ok(Dist(Kind::Pareto {
            x_m,
            alpha,
            inv_alpha: 1.0 / alpha,
        }))
    }

    /// Exponential with rate `lambda` per millisecond (mean `1 / lambda`):
    /// CDF `1 − e^(−λx)`. Requires `1 / MAX_SCALE_MS ≤ lambda ≤ 1e300`.
    pub fn exponential(lambda: f64) -> Result<Dist, String> {
        let lambda = in_range("lambda", lambda, 1.0 / MAX_SCALE_MS, 1e300)?;
        Ok(Dist(Kind::Exponential {
            lambda,
            inv_lambda: 1.0 / lambda,
        }))
    }

    /// Uniform on `[lo, hi]`, as the simulator's links draw their latency.
    /// Requires `0 ≤ lo ≤ hi ≤ MAX_SCALE_MS`; `lo == hi` is a fixed delay.
    pub fn uniform(lo: f64, hi: f64) -> Result<Dist, String> {
        Dist::uniform_named(lo, hi, ["lo", "hi"])
    }

    /// [`Dist::uniform`], with the bounds called `names` in its errors.
    pub(super) fn uniform_named(lo: f64, hi: f64, names: [&str; 2]) -> Result<Dist, String> {
        let [lo_name, hi_name] = names;
        let lo = in_range(lo_name, lo, 0.0, MAX_SCALE_MS)?;
        if !(lo..=MAX_SCALE_MS).contains(&hi) {
            return Err(format!(
                "{hi_name} must be in [{lo_name} = {lo}, {MAX_SCALE_MS:e}], got {hi}"
            ));
        }
        Ok(Dist(Kind::Uniform { lo, hi }))
    }

    /// With probability `p` a draw from `first`, otherwise from `second`.
    /// `p` must lie in `[0, 1]`.
    pub fn mixture(p: f64, first: Dist, second: Dist) -> Result<Dist, String> {
        if !(0.0..=1.0).contains(&p) {
            return Err(format!("p must be in [0, 1], got {p}"));
        }
        Ok(Dist(Kind::Mixture {
            p,
            first: Box::new(first),
            second: Box::new(second),
        }))
    }

    /// The paper's fitted shape: with probability `p_pareto` a
    /// Pareto(`x_m`, `alpha`) draw, otherwise an Exponential(`lambda`) one.
    pub fn pareto_exponential(
        p_pareto: f64,
        x_m: f64,
        alpha: f64,
        lambda: f64,
    ) -> Result<Dist, String> {
        Dist::mixture(
            p_pareto,
            Dist::pareto(x_m, alpha)?,
            Dist::exponential(lambda)?,
        )
    }

    /// `P(X ≤ x)`.
    pub fn cdf(&self, x: f64) -> f64 {
        match &self.0 {
            Kind::Pareto { x_m, alpha, .. } => {
                if x < *x_m {
                    0.0
                } else {
                    1.0 - (x_m / x).powf(*alpha)
                }
            }
            Kind::Exponential { lambda, .. } => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0 - (-lambda * x).exp()
                }
            }
            Kind::Uniform { lo, hi } => {
                if x < *lo {
                    0.0
                } else if x >= *hi {
                    1.0
                } else {
                    (x - lo) / (hi - lo)
                }
            }
            Kind::Mixture { p, first, second } => p * first.cdf(x) + (1.0 - p) * second.cdf(x),
        }
    }

    /// One draw. A mixture spends one uniform choosing its component; every
    /// component is drawn by its inverse CDF from one [`Rng::unit`] value.
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match &self.0 {
            // `1 − u` lies in [2⁻⁵³, 1]: a positive normal number, as `ln`
            // requires, with `|ln(1 − u)| ≤ 36.8`. Pareto: `x_m · v^(−1/α)`
            // with `v = 1 − u`, and `36.8 / MIN_PARETO_ALPHA` lies inside
            // `exp`'s domain; the largest draw is below 1e9 · e^368 ≈ 1e169.
            Kind::Pareto { x_m, inv_alpha, .. } => {
                x_m * math::exp(-math::ln(1.0 - rng.unit()) * inv_alpha)
            }
            Kind::Exponential { inv_lambda, .. } => -math::ln(1.0 - rng.unit()) * inv_lambda,
            Kind::Uniform { lo, hi } => lo + (hi - lo) * rng.unit(),
            Kind::Mixture { p, first, second } => {
                if rng.unit() < *p {
                    first.sample(rng)
                } else {
                    second.sample(rng)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest distance between the empirical CDF of `n` draws and `cdf`
    /// (the Kolmogorov–Smirnov statistic), checked at the draws themselves.
    fn ks_distance(d: &Dist, n: usize, seed: u64) -> f64 {
        let mut rng = Rng::new(seed);
        let mut xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        crate::sorting::sort_by(&mut xs, f64::total_cmp);
        xs.iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = d.cdf(x);
                (f - i as f64 / n as f64)
                    .abs()
                    .max((f - (i + 1) as f64 / n as f64).abs())
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn samples_follow_their_cdf() {
        // Bailis et al. 2012 §5: the LNKD-DISK write fit, a heavy mixture.
        let dists = [
            Dist::pareto(0.235, 10.0).unwrap(),
            Dist::exponential(0.183).unwrap(),
            Dist::uniform(5.0, 15.0).unwrap(),
            Dist::pareto_exponential(0.38, 1.05, 1.51, 0.183).unwrap(),
        ];
        // With 20 000 draws the KS statistic of a correct sampler exceeds
        // 1.95 / sqrt(20 000) = 0.0138 with probability 0.1 %; a wrong sampler
        // (say, the wrong tail exponent) is far off.
        for (i, d) in dists.iter().enumerate() {
            let ks = ks_distance(d, 20_000, 11 + i as u64);
            assert!(ks < 0.0138, "{d:?}: KS distance {ks}");
        }
    }

    #[test]
    fn uniform_with_equal_bounds_is_a_fixed_delay() {
        let d = Dist::uniform(3.0, 3.0).unwrap();
        let mut rng = Rng::new(1);
        assert!((0..100).all(|_| d.sample(&mut rng) == 3.0));
        assert_eq!(d.cdf(3.0), 1.0);
        assert_eq!(d.cdf(2.999), 0.0);
    }

    #[test]
    fn bad_parameters_are_named() {
        let named = |r: Result<Dist, String>, field: &str| {
            let e = r.unwrap_err();
            assert!(e.starts_with(&format!("{field} must")), "{e}");
        };
        named(Dist::pareto(0.0, 1.0), "x_m");
        named(Dist::pareto(2e9, 1.0), "x_m");
        named(Dist::pareto(1.0, f64::NAN), "alpha");
        named(Dist::pareto(1.0, 0.05), "alpha");
        named(Dist::exponential(-1.0), "lambda");
        named(Dist::exponential(1e-12), "lambda");
        named(Dist::exponential(f64::INFINITY), "lambda");
        named(Dist::uniform(-1.0, 2.0), "lo");
        named(Dist::uniform(2.0, 1.0), "hi");
        named(Dist::uniform(0.0, f64::INFINITY), "hi");
        let e = Dist::exponential(1.0).unwrap();
        named(Dist::mixture(1.5, e.clone(), e), "p");
    }

    #[test]
    fn extreme_parameters_still_draw_finite_values() {
        // The Monte Carlo adds and subtracts draws; none may overflow.
        let dists = [
            Dist::pareto(MAX_SCALE_MS, MIN_PARETO_ALPHA).unwrap(),
            Dist::exponential(1.0 / MAX_SCALE_MS).unwrap(),
            Dist::pareto(f64::MIN_POSITIVE, 1e6).unwrap(),
            Dist::exponential(1e300).unwrap(),
        ];
        let mut rng = Rng::new(8);
        for d in &dists {
            for _ in 0..10_000 {
                let (x, y) = (d.sample(&mut rng), d.sample(&mut rng));
                assert!(
                    x >= 0.0 && (x + y).is_finite() && (x - y).is_finite(),
                    "{d:?}: {x}"
                );
            }
        }
    }
}
