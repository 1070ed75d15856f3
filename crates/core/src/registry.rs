//! The protocol registry: the one list of protocols.
//!
//! [`protocols`](crate::protocols) invokes [`registry!`] once, with one line
//! per protocol. From that line come the protocol's module (compiled only
//! with its cargo feature), its [`ProtocolName`](crate::ProtocolName)
//! variant and name in scenarios and routes, its [`AnySim`](crate::AnySim)
//! variant, and its [`Info`]: invariant names, node limits, report and
//! benchmark workload. Nothing else in the crate lists protocols; adding one
//! is its folder under `protocols/`, an [`Entry`] impl there, and one line.

use crate::node::Protocol;
use crate::sim::Sim;

/// What the registry needs of a protocol beyond the node API: its report
/// and its benchmark workload. Implemented in the protocol's own folder.
pub trait Entry: Protocol {
    /// The protocol's figures in a run's report (`metrics`).
    fn metrics(sim: &Sim<Self>) -> serde_json::Value;
    /// What a benchmark workload's size counts (`"nodes"`).
    const WORKLOAD_UNIT: &'static str;
    /// The benchmark workload sizes, smallest first.
    const WORKLOAD_SIZES: [u32; 3];
    /// The benchmark workload of `size`, as scenario JSON.
    fn workload(size: u32) -> String;
    /// Properties of a whole run's history, checked when a run ends rather
    /// than after every event (the quorum store's `linearizable`); none by
    /// default.
    const HISTORY_PROPERTIES: &'static [&'static str] = &[];
    /// The first of [`Entry::HISTORY_PROPERTIES`] the run so far breaks.
    fn history_violation(_sim: &Sim<Self>) -> Option<crate::invariant::Violation> {
        None
    }
    /// Facts a tour may claim of a run over time ("eventually a leader",
    /// "sometimes a stale read"): named predicates on the state.
    const CLAIMS: &'static [Claim<Self>] = &[];
}

/// A named predicate on a run's state, for claims over time: `eventually`
/// (every run reaches a state where it holds) and `sometimes` (some run
/// does), as stateright's properties say them.
pub struct Claim<P: Protocol> {
    /// Its name in a tour (`"a leader"`).
    pub name: &'static str,
    /// Whether it holds in this state.
    pub holds: fn(&Sim<P>) -> bool,
}

/// Typed access to the simulator inside an [`AnySim`](crate::AnySim): the
/// registry implements it for every protocol compiled in.
pub trait Variant: Entry {
    /// The simulator inside, if it runs this protocol.
    fn of(sim: &crate::AnySim) -> Option<&Sim<Self>>;
    /// The simulator inside, if it runs this protocol.
    fn of_mut(sim: &mut crate::AnySim) -> Option<&mut Sim<Self>>;
}

/// What every part of the crate (and the UI) may ask of a protocol without
/// naming it.
#[derive(Clone, Copy, Debug)]
pub struct Info {
    /// The protocol's name in scenarios, routes and reports (`"raft"`).
    pub name: &'static str,
    /// The names of its invariants, in the order they are checked.
    pub invariants: &'static [&'static str],
    /// Properties of a whole run's history, checked when it ends.
    pub history_properties: &'static [&'static str],
    /// The largest cluster a scenario may start.
    pub max_nodes: u32,
    /// Whether nodes may join or leave while it runs.
    pub dynamic_membership: bool,
    /// Whether its checker names the kinds of state a run reaches, so
    /// the counterexample search also makes guided runs.
    pub guided: bool,
    /// Its main parameters as controls.
    pub knobs: &'static [crate::knob::Knob],
    /// The textbook bugs its `params.bugs` can switch on.
    pub bugs: &'static [crate::bug::Bug],
    /// What a benchmark workload's size counts.
    pub workload_unit: &'static str,
    /// The benchmark workload sizes, smallest first.
    pub workload_sizes: [u32; 3],
    /// The benchmark workload of a size, as scenario JSON.
    pub workload: fn(u32) -> String,
}

impl Info {
    /// The registry's facts about protocol `P`.
    pub const fn of<P: Entry>() -> Info {
        Info {
            name: P::NAME,
            invariants: <P::Checker as crate::invariant::Checker<P>>::NAMES,
            history_properties: P::HISTORY_PROPERTIES,
            max_nodes: P::MAX_NODES,
            dynamic_membership: P::DYNAMIC_MEMBERSHIP,
            guided: <P::Checker as crate::invariant::Checker<P>>::GUIDES,
            knobs: P::KNOBS,
            bugs: P::BUGS,
            workload_unit: P::WORKLOAD_UNIT,
            workload_sizes: P::WORKLOAD_SIZES,
            workload: P::workload,
        }
    }
}

/// Declares the protocols: for each line `Variant = "name" => module::Type;`
/// (with doc comments), the module `module` behind the cargo feature
/// `name`, the [`ProtocolName`](crate::ProtocolName) variant (every name
/// is known to every build, so a scenario of a protocol left out of a
/// build gets a clear message), and the [`AnySim`](crate::AnySim) variant.
macro_rules! registry {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal => $module:ident :: $ty:ident; )*) => {
        $(
            $(#[doc = $doc])*
            #[cfg(feature = $name)]
            pub mod $module;
        )*

        /// Which protocol a scenario runs.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize,
        )]
        pub enum ProtocolName {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                $variant,
            )*
        }

        impl ProtocolName {
            /// Every protocol, in registry order (compiled into this build
            /// or not).
            pub const ALL: &'static [ProtocolName] = &[$(ProtocolName::$variant),*];

            /// The name used in scenarios, routes and reports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProtocolName::$variant => $name,)*
                }
            }

            /// The protocol with this name, compiled in or not.
            pub fn parse(name: &str) -> Option<ProtocolName> {
                ProtocolName::ALL.iter().copied().find(|p| p.as_str() == name)
            }

            /// The registry's facts about the protocol, when this build
            /// includes it.
            pub fn info(self) -> Option<&'static $crate::registry::Info> {
                match self {
                    $(
                        ProtocolName::$variant => {
                            #[cfg(feature = $name)]
                            {
                                const INFO: $crate::registry::Info =
                                    $crate::registry::Info::of::<$module::$ty>();
                                Some(&INFO)
                            }
                            #[cfg(not(feature = $name))]
                            {
                                None
                            }
                        }
                    )*
                }
            }
        }

        $(
            #[cfg(feature = $name)]
            impl $crate::registry::Variant for $module::$ty {
                fn of(sim: &AnySim) -> Option<&$crate::sim::Sim<Self>> {
                    #[allow(unreachable_patterns)]
                    match sim {
                        AnySim::$variant(s) => Some(s),
                        _ => None,
                    }
                }
                fn of_mut(sim: &mut AnySim) -> Option<&mut $crate::sim::Sim<Self>> {
                    #[allow(unreachable_patterns)]
                    match sim {
                        AnySim::$variant(s) => Some(s),
                        _ => None,
                    }
                }
            }
        )*

        /// A simulation of any protocol compiled into this build.
        #[derive(Clone, Debug)]
        pub enum AnySim {
            $(
                $(#[doc = $doc])*
                #[cfg(feature = $name)]
                $variant($crate::sim::Sim<$module::$ty>),
            )*
        }

        impl AnySim {
            /// A simulation of `scenario`.
            pub fn new(
                scenario: &$crate::scenario::Scenario,
                config: $crate::sim::SimConfig,
            ) -> Result<AnySim, $crate::scenario::ScenarioError> {
                match scenario.protocol {
                    $(
                        ProtocolName::$variant => {
                            #[cfg(feature = $name)]
                            {
                                Ok(AnySim::$variant($crate::sim::Sim::from_scenario(
                                    scenario, config,
                                )?))
                            }
                            #[cfg(not(feature = $name))]
                            {
                                let _ = config;
                                Err($crate::registry::not_in_build(scenario.protocol))
                            }
                        }
                    )*
                }
            }

            /// Which protocol runs.
            pub fn protocol(&self) -> ProtocolName {
                match self {
                    $(
                        #[cfg(feature = $name)]
                        AnySim::$variant(_) => ProtocolName::$variant,
                    )*
                }
            }

            /// The first property of the whole history the run so far
            /// breaks (see [`Entry::history_violation`]). A match rather
            /// than a trait object's method, so a page that never asks
            /// carries none of it.
            pub fn history_violation(&self) -> Option<$crate::invariant::Violation> {
                match self {
                    $(
                        #[cfg(feature = $name)]
                        AnySim::$variant(s) => <$module::$ty as $crate::registry::Entry>::history_violation(s),
                    )*
                }
            }

            /// Whether claim `name` (see [`Entry::CLAIMS`]) holds now;
            /// `None` if the protocol states no such claim.
            pub fn holds(&self, name: &str) -> Option<bool> {
                match self {
                    $(
                        #[cfg(feature = $name)]
                        AnySim::$variant(s) => <$module::$ty as $crate::registry::Entry>::CLAIMS
                            .iter()
                            .find(|c| c.name == name)
                            .map(|c| (c.holds)(s)),
                    )*
                }
            }

            /// The simulator inside, whatever its protocol.
            pub(crate) fn erased(&self) -> &dyn $crate::any::Erased {
                match self {
                    $(
                        #[cfg(feature = $name)]
                        AnySim::$variant(s) => s,
                    )*
                }
            }

            /// The simulator inside, whatever its protocol.
            pub(crate) fn erased_mut(&mut self) -> &mut dyn $crate::any::Erased {
                match self {
                    $(
                        #[cfg(feature = $name)]
                        AnySim::$variant(s) => s,
                    )*
                }
            }
        }
    };
}

pub(crate) use registry;

/// The error for a scenario of a protocol this build leaves out.
pub fn not_in_build(protocol: crate::ProtocolName) -> crate::scenario::ScenarioError {
    crate::scenario::ScenarioError {
        path: "protocol".into(),
        message: format!(
            "{} is not part of this build (it has its own lab page)",
            protocol.as_str()
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::ProtocolName;

    #[test]
    fn every_registered_protocol_names_itself_consistently() {
        for &p in ProtocolName::ALL {
            assert_eq!(ProtocolName::parse(p.as_str()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            // In the default build every protocol is compiled in.
            let info = p.info().expect("compiled in by default");
            assert_eq!(
                info.name,
                p.as_str(),
                "the registry line and Protocol::NAME"
            );
            assert!(
                !info.invariants.is_empty(),
                "{} names its invariants",
                info.name
            );
            let scenario = crate::Scenario::from_json(&(info.workload)(info.workload_sizes[0]))
                .expect("the workload parses");
            assert_eq!(scenario.protocol, p);
        }
        assert_eq!(ProtocolName::parse("paxos-x"), None);
    }

    /// Every knob of every protocol fits its default, and setting it to
    /// each end of its range (each choice, on and off) either runs, with
    /// the value read back from the run's scenario, or is refused with a
    /// message that names the field or the one it must agree with.
    #[test]
    fn every_knob_round_trips_through_a_scenario() {
        use crate::knob::{check, KnobKind};
        use crate::{AnySim, SimConfig};
        use serde_json::Value;
        for &p in ProtocolName::ALL {
            let info = p.info().expect("compiled in by default");
            let json = format!(r#"{{"protocol": "{}", "nodes": 3}}"#, info.name);
            let base = AnySim::from_json(&json, SimConfig::default()).unwrap();
            let defaults = base.to_scenario().params;
            check(info.knobs, &defaults).unwrap_or_else(|e| panic!("{}: {e}", info.name));
            for knob in info.knobs {
                let values: Vec<Value> = match knob.kind {
                    KnobKind::Switch => vec![true.into(), false.into()],
                    KnobKind::Number { min, max, .. } => vec![knob.off(), Value::from(max as u64)]
                        .into_iter()
                        .chain((min.fract() != 0.0).then(|| Value::from(min)))
                        .collect(),
                    KnobKind::Choice(names) => names.iter().map(|&n| Value::from(n)).collect(),
                };
                for v in values {
                    let mut scenario = base.to_scenario();
                    knob.set(&mut scenario.params, v.clone()).unwrap();
                    match AnySim::new(&scenario, SimConfig::default()) {
                        Ok(sim) => {
                            let back = knob.value(&sim.to_scenario().params);
                            assert_eq!(
                                back.as_f64().or(back.as_bool().map(f64::from)),
                                v.as_f64().or(v.as_bool().map(f64::from)),
                                "{} {} = {v}",
                                info.name,
                                knob.key
                            );
                            assert_eq!(back.as_str(), v.as_str());
                        }
                        // Refused: the message names the field, or the one
                        // it must agree with (R and N, heartbeat and
                        // election timeout).
                        Err(e) => assert!(
                            info.knobs.iter().any(|k| e
                                .to_string()
                                .contains(k.key[1..].split('/').next().unwrap())),
                            "{} {} = {v}: {e}",
                            info.name,
                            knob.key
                        ),
                    }
                }
            }
        }
    }
}
