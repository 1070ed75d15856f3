//! Hybrid logical clocks (Kulkarni et al. 2014; as in CockroachDB): the
//! physical part follows the node's (possibly skewed) clock, the logical
//! counter orders events within one physical tick and across messages.

use serde::{Deserialize, Serialize};

/// A hybrid timestamp: physical microseconds and a logical counter.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Hlc {
    /// The largest physical time seen (µs of some node's clock).
    pub physical: u64,
    /// Orders events that share `physical`.
    pub logical: u32,
}

impl Hlc {
    /// A local or send event at physical time `pt`.
    pub fn tick(&mut self, pt: u64) -> Hlc {
        if pt > self.physical {
            self.physical = pt;
            self.logical = 0;
        } else {
            self.logical += 1;
        }
        *self
    }

    /// A receive of `m` at physical time `pt`.
    pub fn receive(&mut self, m: Hlc, pt: u64) -> Hlc {
        let l = self.physical.max(m.physical).max(pt);
        self.logical = if l == self.physical && l == m.physical {
            self.logical.max(m.logical) + 1
        } else if l == self.physical {
            self.logical + 1
        } else if l == m.physical {
            m.logical + 1
        } else {
            0
        };
        self.physical = l;
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_follow_physical_time_and_count_within_a_tick() {
        let mut h = Hlc::default();
        assert_eq!(
            h.tick(10),
            Hlc {
                physical: 10,
                logical: 0
            }
        );
        assert_eq!(
            h.tick(10),
            Hlc {
                physical: 10,
                logical: 1
            }
        );
        // A clock that went backwards does not move the HLC back.
        assert_eq!(
            h.tick(5),
            Hlc {
                physical: 10,
                logical: 2
            }
        );
        assert_eq!(
            h.tick(20),
            Hlc {
                physical: 20,
                logical: 0
            }
        );
    }

    #[test]
    fn a_receive_is_after_both_the_local_state_and_the_message() {
        let mut h = Hlc {
            physical: 10,
            logical: 3,
        };
        let m = Hlc {
            physical: 10,
            logical: 7,
        };
        let r = h.receive(m, 8);
        assert!(
            r > m
                && r > Hlc {
                    physical: 10,
                    logical: 3
                }
        );
        assert_eq!(
            r,
            Hlc {
                physical: 10,
                logical: 8
            }
        );
        let r2 = h.receive(
            Hlc {
                physical: 50,
                logical: 2,
            },
            20,
        );
        assert_eq!(
            r2,
            Hlc {
                physical: 50,
                logical: 3
            }
        );
    }
}
