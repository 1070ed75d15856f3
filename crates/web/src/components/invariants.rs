//! The live invariant panel: green while every invariant holds.

use crate::format;
use crate::snapshot::Snapshot;
use faultline_core::Time;
use yew::prelude::*;

/// The panel; `next` is a violation the run is about to show (the
/// counterexample a search found, paused just before it).
pub fn invariants(snapshot: &Snapshot, next: Option<(&str, Time)>) -> Html {
    let s = snapshot;
    let ok = s.violations.is_empty();
    let next_name = next.map(|(p, _)| p);
    html! {
        <section class={classes!("panel", "invariants", if ok {"ok"} else {"broken"})} aria-label="Invariants">
            <h3>{ "Invariants" } <span class="badge">{ if ok { "all hold" } else { "violated" } }</span></h3>
            <ul>
                { for s.invariants.iter().map(|name| {
                    let n = s.violations.iter().filter(|v| v.invariant == *name).count();
                    html! {
                        <li class={classes!(if n == 0 {"holds"} else {"fails"}, (next_name == Some(*name)).then_some("next"))} data-invariant={*name}>
                            <span class="mark" aria-hidden="true">{ if n == 0 { "✓" } else { "✗" } }</span>
                            <span>{ *name }</span>
                            if n > 0 { <span class="count">{ format!("{n}×") }</span> }
                        </li>
                    }
                }) }
            </ul>
            if let Some((property, at)) = next {
                <p class="next-violation" role="status">
                    { "▶ The next event breaks " }<b>{ property }</b>{ format!(" at {}: press Step (→).", format::time(at)) }
                </p>
            }
            if !ok {
                <ol class="violations">
                    { for s.violations.iter().take(5).map(|v| html! {
                        <li><span class="mono">{ format::time(v.at) }</span>{ " " }<b>{ v.invariant }</b>{ ": " }{ &v.detail }</li>
                    }) }
                </ol>
            }
        </section>
    }
}
