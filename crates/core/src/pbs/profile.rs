//! Latency profiles: the four WARS delay distributions of one deployment.
//!
//! The named profiles are the fits published by Bailis et al. 2012 (§5,
//! Production Latency Model Fitting, the table of distribution fits) for
//! LinkedIn's Voldemort on SSDs and on spinning disks and for Yammer's Riak;
//! [`Profile::uniform`] describes the simulator's own links.

use super::dist::Dist;
use serde::{Deserialize, Serialize};

/// The one-way delays of the WARS model (Bailis et al. 2012 §4), each drawn
/// independently per replica and per operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// Write request, coordinator to replica (includes the replica's write).
    pub w: Dist,
    /// Write acknowledgement, replica to coordinator.
    pub a: Dist,
    /// Read request, coordinator to replica.
    pub r: Dist,
    /// Read response, replica to coordinator.
    pub s: Dist,
}

/// The paper's fitted production profiles, by the names used in scenarios
/// and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileName {
    /// LinkedIn Voldemort on SSDs (`lnkd-ssd`): every delay is the same fast
    /// mixture.
    LnkdSsd,
    /// LinkedIn Voldemort on spinning disks (`lnkd-disk`): slow, heavy-tailed
    /// writes; other delays as LNKD-SSD.
    LnkdDisk,
    /// Yammer's Riak (`ymmr`): a long exponential tail on writes and a
    /// lighter one on the other delays.
    Ymmr,
}

impl ProfileName {
    /// Every named profile, in a fixed order.
    pub const ALL: [ProfileName; 3] = [
        ProfileName::LnkdSsd,
        ProfileName::LnkdDisk,
        ProfileName::Ymmr,
    ];

    /// The name used in scenarios and routes (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileName::LnkdSsd => "lnkd-ssd",
            ProfileName::LnkdDisk => "lnkd-disk",
            ProfileName::Ymmr => "ymmr",
        }
    }

    /// The profile's distributions.
    pub fn profile(self) -> Profile {
        // Bailis et al. 2012 §5, the table of distribution fits: each delay is
        // a Pareto/exponential mixture, here (Pareto share, x_m, alpha, lambda),
        // in milliseconds.
        let fit = |p, x_m, alpha, lambda| {
            Dist::pareto_exponential(p, x_m, alpha, lambda)
                .expect("the published parameters are valid")
        };
        let ssd = fit(0.9122, 0.235, 10.0, 1.66);
        match self {
            ProfileName::LnkdSsd => Profile::same(ssd),
            ProfileName::LnkdDisk => Profile {
                w: fit(0.38, 1.05, 1.51, 0.183),
                ..Profile::same(ssd)
            },
            ProfileName::Ymmr => Profile {
                w: fit(0.939, 3.0, 3.35, 0.0028),
                ..Profile::same(fit(0.982, 1.5, 3.8, 0.0217))
            },
        }
    }
}

impl Profile {
    /// Every delay drawn from `d`.
    pub fn same(d: Dist) -> Profile {
        Profile {
            w: d.clone(),
            a: d.clone(),
            r: d.clone(),
            s: d,
        }
    }

    /// The simulator's network: every one-way delay uniform on
    /// `[lo_ms, hi_ms]` (see [`NetPreset`](crate::net::NetPreset)). Loss is
    /// not modelled: WARS assumes every message arrives.
    pub fn uniform(lo_ms: f64, hi_ms: f64) -> Result<Profile, String> {
        Ok(Profile::same(Dist::uniform_named(
            lo_ms,
            hi_ms,
            ["lo_ms", "hi_ms"],
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for name in ProfileName::ALL {
            let json = serde_json::to_string(&name).unwrap();
            assert_eq!(json, format!("\"{}\"", name.as_str()));
            assert_eq!(serde_json::from_str::<ProfileName>(&json).unwrap(), name);
        }
        assert!(serde_json::from_str::<ProfileName>("\"lnkd_ssd\"").is_err());
    }

    #[test]
    fn lnkd_disk_shares_everything_but_writes_with_lnkd_ssd() {
        // Bailis et al. 2012 §5: LNKD-DISK differs from LNKD-SSD only in W.
        let ssd = ProfileName::LnkdSsd.profile();
        let disk = ProfileName::LnkdDisk.profile();
        assert_ne!(disk.w, ssd.w);
        assert_eq!((&disk.a, &disk.r, &disk.s), (&ssd.a, &ssd.r, &ssd.s));
    }

    #[test]
    fn uniform_profile_checks_its_range() {
        assert!(Profile::uniform(5.0, 15.0).is_ok());
        let e = Profile::uniform(15.0, 5.0).unwrap_err();
        assert!(e.starts_with("hi_ms"), "{e}");
        let e = Profile::uniform(-1.0, 5.0).unwrap_err();
        assert!(e.starts_with("lo_ms"), "{e}");
    }
}
