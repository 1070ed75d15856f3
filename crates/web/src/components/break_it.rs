//! The "Break it" panel: pick the property, press Find, and a search over
//! Web Workers ([`crate::hunt`]) runs this scenario again and again with
//! random faults added until one run breaks it; the shrunk counterexample
//! is then loaded, paused just before the violating event.

use crate::format;
use crate::hunt::Status;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The budgets offered, in runs.
pub const BUDGETS: [u64; 4] = [300, 1_000, 10_000, 100_000];

/// Break-it panel properties.
pub struct BreakItProps<'a> {
    /// The properties the protocol checks: invariants, then properties of
    /// a whole history.
    pub properties: Vec<&'static str>,
    /// The one looked for (any, if `None`).
    pub property: Option<&'static str>,
    /// Most runs.
    pub budget: u64,
    /// The search's seed (the scenario's).
    pub seed: u64,
    /// Where the search stands.
    pub status: &'a Status,
    /// Choose the property (an index into `properties`; none for any).
    pub on_property: Callback<Option<usize>>,
    /// Choose the budget.
    pub on_budget: Callback<u64>,
    /// Start (true) or stop (false).
    pub on_run: Callback<bool>,
}

/// The panel.
pub fn break_it(p: &BreakItProps) -> Html {
    let running = matches!(p.status, Status::Running { .. });
    let on_property = p.on_property.reform(|e: Event| {
        let i = e
            .target_unchecked_into::<HtmlSelectElement>()
            .selected_index();
        (i > 0).then(|| i as usize - 1)
    });
    let on_budget = p.on_budget.reform(|e: Event| {
        let i = e
            .target_unchecked_into::<HtmlSelectElement>()
            .selected_index();
        BUDGETS[(i.max(0) as usize).min(BUDGETS.len() - 1)]
    });
    let properties = p.properties.iter().map(|&name| {
        html! { <option selected={p.property == Some(name)}>{ name }</option> }
    });
    let budgets = BUDGETS.iter().map(|&b| {
        html! { <option selected={p.budget == b}>{ format!("{b} runs") }</option> }
    });
    let button = if running {
        html! { <button class="stop" onclick={p.on_run.reform(|_| false)}>{ "Stop" }</button> }
    } else {
        html! { <button class="primary" onclick={p.on_run.reform(|_| true)}>{ "Find a counterexample" }</button> }
    };
    html! {
        <details class="panel break-it" open=true aria-label="Break it">
            <summary><h3>{ "Break it" }</h3></summary>
            <p class="dim small">
                { "Runs this scenario again and again, each time with random crashes, pauses, partitions, bad links and clock skew added, until one run breaks a property; then shrinks it to the fewest faults that still do." }
            </p>
            <div class="break-row">
                <label>{ "Property " }
                    <select onchange={on_property} disabled={running} aria-label="Property to break">
                        <option selected={p.property.is_none()}>{ "any" }</option>
                        { for properties }
                    </select>
                </label>
                <label>{ "Budget " }
                    <select onchange={on_budget} disabled={running} aria-label="Most runs">
                        { for budgets }
                    </select>
                </label>
            </div>
            <div class="break-row">
                { button }
                <span class="dim small mono">{ format!("seed {}", p.seed) }</span>
            </div>
            { status(p) }
        </details>
    }
}

/// The progress bar, or what the search found: one line of text (and, while
/// it runs, the bar).
fn status(p: &BreakItProps) -> Html {
    let (text, detail) = match p.status {
        Status::Idle => (
            "Switch on a textbook bug in Parameters to give it something to find.".to_string(),
            None,
        ),
        Status::Running { done, rate } => (
            format!("{done} of {} runs · {rate:.0} runs/s", p.budget),
            None,
        ),
        Status::Found(f) => (
            format!(
                "Found after {} runs: {} breaks at {} ({}). Shrunk from {} to {} commands, loaded and paused just before the violation: press Step (→) to see it, Share to pass it on.",
                f.run + 1,
                f.property,
                format::time(f.at),
                f.detail,
                f.commands_before,
                f.scenario.schedule.len(),
            ),
            Some("found"),
        ),
        Status::Clean { runs } => (format!("No counterexample in {runs} runs."), None),
        Status::Stopped { runs } => (format!("Stopped after {runs} runs: nothing found."), None),
        Status::Failed(why) => (format!("The search could not run: {why}"), Some("field-error")),
    };
    let running = matches!(p.status, Status::Running { .. });
    // The violation's exact time, for tests and scripts.
    let at = match p.status {
        Status::Found(f) => Some(f.at.as_ms().to_string()),
        _ => None,
    };
    html! {
        <div class="break-status" role="status" data-at-ms={at}>
            if let Status::Running { done, .. } = p.status {
                <progress max={p.budget.to_string()} value={done.to_string()} />
            }
            <p class={classes!("small", detail, (!running && detail.is_none()).then_some("dim"))}>{ text }</p>
        </div>
    }
}
