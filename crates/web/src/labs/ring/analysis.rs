//! What the ring lab computes from the placement alone, once per
//! membership change (not per frame): the ring's points, a sample of keys
//! with their owners, loads and balance, every strategy's movement for the
//! last change, and balance against the number of virtual nodes.

use faultline_core::placement::hash::hash_key;
use faultline_core::placement::{stats, Member, Movement, Placement, Strategy};

/// Most keys drawn as dots on the ring.
pub const SAMPLE_KEYS: u64 = 1_500;
/// Keys used for the balance-against-vnodes curve and for comparing
/// strategies: keys are numbered and hashed, so the first 20,000 are a
/// uniform sample, and ten placements of them fit in a frame or two where
/// ten of 100,000 keys would stall the page for a tenth of a second.
const SAMPLE_LIMIT: u64 = 20_000;
/// The vnode counts of the curve.
pub const CURVE_VNODES: &[u32] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// An angle on the ring (radians from the top, clockwise) for a 64-bit position.
pub fn angle(pos: u64) -> f64 {
    pos as f64 / 18_446_744_073_709_551_616.0 * std::f64::consts::TAU
}

/// One strategy's movement for the last change.
#[derive(Clone, Debug, PartialEq)]
pub struct StrategyMove {
    /// The strategy.
    pub strategy: Strategy,
    /// Its movement.
    pub movement: Movement,
}

/// The last membership change, compared across strategies on the same keys.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Members before and after.
    pub before: usize,
    /// Members after.
    pub after: usize,
    /// Keys compared (the first ones, a uniform sample).
    pub keys: u64,
    /// Keys in the run.
    pub total: u64,
    /// Each strategy's movement.
    pub rows: Vec<StrategyMove>,
}

impl Comparison {
    /// The ideal fraction: 1/(n+1) for a join, 1/n for a leave (the
    /// departing or arriving node's fair share).
    pub fn ideal(&self) -> f64 {
        1.0 / self.before.max(self.after).max(1) as f64
    }
}

/// The placement-derived picture of the ring.
#[derive(Clone, Debug, PartialEq)]
pub struct RingAnalysis {
    /// The live members it was computed for.
    pub members: Vec<u32>,
    /// Ring points (angle, node), for strategies with a ring.
    pub points: Vec<(f64, u32)>,
    /// Sampled keys: (key, angle, owner).
    pub sample: Vec<(u64, f64, u32)>,
    /// Keys per member.
    pub loads: Vec<(u32, u64)>,
    /// Coefficient of variation of the loads.
    pub cv: f64,
    /// The most loaded member over the mean.
    pub max_over_avg: f64,
    /// The last change under every strategy (on at most 20,000 keys).
    pub comparison: Option<Comparison>,
    /// (vnodes, cv, max/avg) on the ring strategy, same members.
    pub curve: Vec<(u32, f64, f64)>,
    /// Whether the comparison and the curve are complete (they are
    /// computed over a few frames).
    pub complete: bool,
}

/// The run's placement settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// The strategy.
    pub strategy: Strategy,
    /// Virtual nodes per node.
    pub vnodes: u32,
    /// Keys.
    pub keys: u64,
    /// Bounded loads' slack.
    pub epsilon: f64,
}

fn placement(strategy: Strategy, members: &[u32], s: &Settings) -> Option<Placement> {
    let members: Vec<Member> = members.iter().map(|&n| Member::new(n)).collect();
    let epsilon = if s.epsilon > 0.0 { s.epsilon } else { 0.25 };
    Placement::new(strategy, &members, s.vnodes, epsilon).ok()
}

impl RingAnalysis {
    /// The placement of `members` under the run's strategy (what the ring
    /// draws); with `previous`, the change from it is to be compared under
    /// every strategy. The comparison and the balance curve are left to
    /// [`Pending::advance`], a piece at a time: at 100,000 keys they take
    /// tens of milliseconds, more than one frame should carry.
    pub fn start(
        s: &Settings,
        members: &[u32],
        previous: Option<&[u32]>,
    ) -> Option<(RingAnalysis, Pending)> {
        let p = placement(s.strategy, members, s)?;
        let owners = p.assign(s.keys);
        let loads_map = stats::loads(&owners, members);
        let every = (s.keys / SAMPLE_KEYS).max(1) as usize;
        let sample = owners
            .iter()
            .enumerate()
            .step_by(every)
            .map(|(k, &o)| (k as u64, angle(hash_key(k as u64)), o))
            .collect();
        let has_ring = matches!(s.strategy, Strategy::Ring | Strategy::Bounded);
        let points = if has_ring {
            p.ring_points()
                .iter()
                .map(|&(pos, n)| (angle(pos), n))
                .collect()
        } else {
            Vec::new()
        };
        let previous = previous.filter(|prev| *prev != members);
        let compared = s.keys.min(SAMPLE_LIMIT);
        let comparison = previous.map(|prev| Comparison {
            before: prev.len(),
            after: members.len(),
            keys: compared,
            total: s.keys,
            rows: Vec::new(),
        });
        let analysis = RingAnalysis {
            members: members.to_vec(),
            points,
            sample,
            cv: stats::cv(&loads_map),
            max_over_avg: stats::max_over_avg(&loads_map),
            loads: loads_map.into_iter().collect(),
            comparison,
            curve: Vec::new(),
            complete: false,
        };
        let pending = Pending {
            settings: *s,
            previous: previous.map(<[u32]>::to_vec),
            strategies: 0,
            curve: 0,
        };
        Some((analysis, pending))
    }
}

/// What is left of an analysis: the strategies still to compare, then the
/// vnode counts of the curve still to place.
#[derive(Clone, Debug)]
pub struct Pending {
    settings: Settings,
    previous: Option<Vec<u32>>,
    strategies: usize,
    curve: usize,
}

impl Pending {
    /// Adds one piece to `a` (one strategy's movement, or one point of the
    /// curve); returns whether any is left.
    pub fn advance(&mut self, a: &mut RingAnalysis) -> bool {
        let s = &self.settings;
        let members = &a.members;
        if let (Some(prev), Some(c)) = (&self.previous, &mut a.comparison) {
            if let Some(&strategy) = Strategy::ALL.get(self.strategies) {
                self.strategies += 1;
                let before = placement(strategy, prev, s).map(|p| p.assign(c.keys));
                let after = placement(strategy, members, s).map(|p| p.assign(c.keys));
                if let (Some(before), Some(after)) = (before, after) {
                    c.rows.push(StrategyMove {
                        strategy,
                        movement: stats::movement(&before, &after, prev, members),
                    });
                }
                return true;
            }
        }
        if let Some(&v) = CURVE_VNODES.get(self.curve) {
            self.curve += 1;
            let settings = Settings { vnodes: v, ..*s };
            if let Some(p) = placement(Strategy::Ring, members, &settings) {
                let l = stats::loads(&p.assign(s.keys.min(SAMPLE_LIMIT)), members);
                a.curve.push((v, stats::cv(&l), stats::max_over_avg(&l)));
            }
            return true;
        }
        a.complete = true;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysis for `members`, complete.
    fn of(s: &Settings, members: &[u32], previous: Option<&[u32]>) -> Option<RingAnalysis> {
        let (mut a, mut rest) = RingAnalysis::start(s, members, previous)?;
        while rest.advance(&mut a) {}
        Some(a)
    }

    fn settings(strategy: Strategy) -> Settings {
        Settings {
            strategy,
            vnodes: 64,
            keys: 10_000,
            epsilon: 0.25,
        }
    }

    #[test]
    fn a_join_is_compared_under_every_strategy() {
        let before: Vec<u32> = (0..8).collect();
        let after: Vec<u32> = (0..9).collect();
        let a = of(&settings(Strategy::Ring), &after, Some(&before)).unwrap();
        let c = a.comparison.unwrap();
        assert_eq!(c.rows.len(), Strategy::ALL.len());
        let moved = |s: Strategy| c.rows.iter().find(|r| r.strategy == s).unwrap().movement;
        // Karger et al. 1997: about 1/(n+1) of the keys move on a join.
        let ring = moved(Strategy::Ring).moved as f64 / 10_000.0;
        assert!((ring - c.ideal()).abs() < 0.05, "{ring}");
        assert!(moved(Strategy::Mod).moved > 7_000);
        assert_eq!(a.loads.iter().map(|l| l.1).sum::<u64>(), 10_000);
        assert_eq!(a.curve.len(), CURVE_VNODES.len());
        assert!(a.curve[0].1 > a.curve[9].1, "more vnodes, better balance");
        assert!(a.complete);
    }

    /// Started, the analysis draws at once and is completed a piece at a
    /// time: one strategy's movement or one point of the curve per step,
    /// ending as the whole analysis does.
    #[test]
    fn an_analysis_is_completed_a_piece_at_a_time() {
        let before: Vec<u32> = (0..8).collect();
        let after: Vec<u32> = (0..9).collect();
        let s = settings(Strategy::Ring);
        let (mut a, mut rest) = RingAnalysis::start(&s, &after, Some(&before)).unwrap();
        assert!(!a.complete && a.curve.is_empty());
        assert_eq!(a.loads.iter().map(|l| l.1).sum::<u64>(), 10_000);
        let mut steps = 0;
        while rest.advance(&mut a) {
            steps += 1;
            let rows = a.comparison.as_ref().unwrap().rows.len();
            assert_eq!(rows + a.curve.len(), steps, "one piece a step");
        }
        assert_eq!(steps, Strategy::ALL.len() + CURVE_VNODES.len());
        assert_eq!(Some(a), of(&s, &after, Some(&before)));
    }
}
