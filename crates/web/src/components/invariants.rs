//! The live invariant panel: green while every invariant holds.

use crate::format;
use crate::snapshot::Snapshot;
use yew::prelude::*;

/// The panel.
pub fn invariants(snapshot: &Snapshot) -> Html {
    let s = snapshot;
    let ok = s.violations.is_empty();
    html! {
        <section class={classes!("panel", "invariants", if ok {"ok"} else {"broken"})} aria-label="Invariants">
            <h3>{ "Invariants" } <span class="badge">{ if ok { "all hold" } else { "violated" } }</span></h3>
            <ul>
                { for s.invariants.iter().map(|name| {
                    let n = s.violations.iter().filter(|v| v.invariant == *name).count();
                    html! {
                        <li class={if n == 0 {"holds"} else {"fails"}} data-invariant={*name}>
                            <span class="mark" aria-hidden="true">{ if n == 0 { "✓" } else { "✗" } }</span>
                            <span>{ *name }</span>
                            if n > 0 { <span class="count">{ format!("{n}×") }</span> }
                        </li>
                    }
                }) }
            </ul>
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
