//! Stepping back: the presenter's PageUp outside a tour.
//!
//! The simulator seeks by time, so "back one event" goes to the instant
//! before the latest event: everything due at that same microsecond is
//! undone together (usually one event).

use faultline_core::{AnySim, Time};

/// The instant before the latest event at or before now: seeking there
/// undoes that event. `None` at the very start.
pub fn previous_instant(sim: &AnySim) -> Option<Time> {
    let now = sim.now();
    let mut times = sim.trace().rev().map(|e| e.at).filter(|t| *t <= now);
    let last = times.next()?;
    if last == Time::ZERO {
        return None;
    }
    Some(times.find(|t| *t < last).unwrap_or(Time::ZERO))
}

/// Goes back one event (see the module's notes); returns whether it moved.
pub fn step_back(sim: &mut AnySim) -> bool {
    match previous_instant(sim) {
        Some(t) => {
            sim.seek(t);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_undoes_the_last_step_exactly() {
        let scenario =
            crate::presets::read(&crate::presets::default_id(crate::labs::first().protocol))
                .unwrap();
        let mut sim = crate::running::build(&scenario).unwrap();
        sim.run_until(Time::from_ms(300));
        let mut seen = Vec::new();
        for _ in 0..20 {
            seen.push((sim.now(), sim.trace_hash()));
            sim.step();
        }
        let events = sim.events();
        assert!(step_back(&mut sim));
        assert!(sim.events() < events, "an event was undone");
        assert!(
            seen.iter().any(|(_, h)| *h == sim.trace_hash()),
            "back lands on a state seen on the way forward"
        );
        let mut fresh = crate::running::build(&scenario).unwrap();
        assert!(!step_back(&mut fresh), "nothing before the start");
    }
}
