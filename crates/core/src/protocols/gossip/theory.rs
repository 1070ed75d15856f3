//! What the theory predicts for gossip, drawn beside every run.

use super::params::Mode;

/// Rounds for push with fanout 1 to inform all `n` nodes: log₂n + ln n
/// (Pittel, "On spreading a rumor", 1987; the O(1) term is left out).
pub fn push_rounds(n: f64) -> f64 {
    n.log2() + n.ln()
}

/// Rounds for push-pull: about log₃n (Karp, Schindelhauer, Shenker,
/// Vöcking, "Randomized rumor spreading", 2000; plus O(log log n)).
pub fn push_pull_rounds(n: f64) -> f64 {
    n.ln() / 3f64.ln()
}

/// The expected informed fraction after each of `rounds` synchronous
/// rounds, starting from one informed node of `n`, in the mean-field
/// approximation: an uninformed node stays so when no informed node pushes
/// to it, (1 − f/(n−1))^I, and (for pull) when the f peers it asks are all
/// uninformed, ((U−1)/(n−1))^f. Index 0 is the start.
pub fn expected_informed(mode: Mode, fanout: u32, n: u32, rounds: usize) -> Vec<f64> {
    let n = f64::from(n.max(2));
    let f = f64::from(fanout).min(n - 1.0);
    let miss_push = 1.0 - f / (n - 1.0);
    let mut informed = 1.0;
    let mut out = Vec::with_capacity(rounds + 1);
    out.push(informed / n);
    for _ in 0..rounds {
        let u = n - informed;
        let mut stay = 1.0;
        if mode != Mode::Pull {
            stay *= miss_push.powf(informed);
        }
        if mode != Mode::Push {
            stay *= ((u - 1.0).max(0.0) / (n - 1.0)).powf(f);
        }
        informed = n - u * stay;
        out.push(informed / n);
    }
    out
}

/// The fraction of nodes a rumor never reaches under rumor mongering with
/// feedback, losing interest with probability 1/k at each contact that
/// already knew it: the root in (0, 1) of s = e^−(k+1)(1−s) (Demers et al.,
/// "Epidemic Algorithms for Replicated Database Maintenance", 1987, §1.4).
pub fn residue(k: u32) -> f64 {
    let c = f64::from(k) + 1.0;
    // Iterating from 0 climbs monotonically to the smaller root.
    let mut s = 0.0f64;
    for _ in 0..200 {
        s = (-c * (1.0 - s)).exp();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Demers §1.4: k = 1 leaves about 20 % uninformed, k = 2 about 6 %,
    /// k = 3 about 2 % (the fixed points of s = e^−(k+1)(1−s)).
    #[test]
    fn residue_solves_the_fixed_point() {
        for (k, want) in [(1, 0.2032), (2, 0.0595), (3, 0.0198)] {
            let s = residue(k);
            assert!((s - want).abs() < 5e-4, "k={k}: {s}");
            let c = f64::from(k) + 1.0;
            assert!((s - (-c * (1.0 - s)).exp()).abs() < 1e-12);
        }
    }

    #[test]
    fn curves_rise_to_one_and_push_pull_is_fastest() {
        let push = expected_informed(Mode::Push, 1, 1000, 30);
        let pp = expected_informed(Mode::PushPull, 1, 1000, 30);
        assert!(push.windows(2).all(|w| w[1] >= w[0]));
        assert!(push[29] > 0.999);
        let half = |c: &[f64]| c.iter().position(|&x| x >= 0.5).unwrap();
        assert!(half(&pp) < half(&push));
        assert!((push_rounds(1024.0) - (10.0 + 1024f64.ln())).abs() < 1e-9);
        assert!((push_pull_rounds(81.0) - 4.0).abs() < 1e-9);
    }
}
