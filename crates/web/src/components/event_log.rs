//! The event log, newest first, bounded.

use crate::format;
use crate::snapshot::Snapshot;
use std::rc::Rc;
use yew::prelude::*;

/// Event log properties.
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
}

/// The log.
#[function_component(EventLog)]
pub fn event_log(p: &EventLogProps) -> Html {
    // The newest leader change, announced to screen readers.
    let announcement = p
        .snapshot
        .log
        .iter()
        .find(|l| l.class == "leader")
        .map(|l| l.text.clone())
        .unwrap_or_default();
    html! {
        <section class="panel events" aria-label="Event log">
            <div class="sr-only" aria-live="polite">{ announcement }</div>
            <h3>{ "Events" } <span class="dim small">{ p.snapshot.log_note }</span></h3>
            <ol class="log" tabindex="0" aria-label="Events, newest first">
                { for p.snapshot.log.iter().map(|l| html! {
                    <li key={l.seq} class={l.class}>
                        <span class="mono at">{ format::time(l.at) }</span>
                        <span>{ &l.text }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
