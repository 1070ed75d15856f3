//! The event log, newest first, bounded.

use crate::format;
use crate::snapshot::Snapshot;
use yew::prelude::*;

/// The log.
pub fn event_log(snapshot: &Snapshot) -> Html {
    // The newest leader change, announced to screen readers.
    let announcement = snapshot
        .log
        .iter()
        .find(|l| l.class == "leader")
        .map(|l| l.text.clone())
        .unwrap_or_default();
    html! {
        <section class="panel events" aria-label="Event log">
            <div class="sr-only" aria-live="polite">{ announcement }</div>
            <h3>{ "Events" } <span class="dim small">{ snapshot.log_note }</span></h3>
            <ol class="log" tabindex="0" aria-label="Events, newest first">
                { for snapshot.log.iter().map(|l| html! {
                    <li key={l.seq} class={l.class}>
                        <span class="mono at">{ format::time(l.at) }</span>
                        <span>{ &l.text }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
