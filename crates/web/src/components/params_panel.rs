//! The parameters panel: the running protocol's main `params` (its
//! [knobs](faultline_core::knob)) and the cluster size as sliders, switches
//! and menus. Setting one restarts the run from 0 with the same seed and
//! commands; a value the scenario refuses is shown under its control, and
//! the run goes on unchanged.

use super::draft_input::DraftInput;
use faultline_core::knob::{show, Knob, KnobKind};
use serde_json::Value;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The key of the cluster-size control: the scenario's `nodes`, not a
/// field of `params`.
pub const NODES: &str = "nodes";

/// The key under which a refused bug switch is explained.
pub const BUGS: &str = "bugs";

/// A range with at most this many steps is a slider; a longer one is a
/// number field.
const MAX_SLIDER_STEPS: f64 = 200.0;

/// The cluster-size control of a protocol that starts at most `max` nodes.
pub fn nodes_knob(max: u32) -> Knob {
    Knob::count(
        NODES,
        "Nodes",
        "How many nodes the run starts with",
        (1, max, 1),
        "",
    )
}

/// Parameters panel properties.
pub struct ParamsPanelProps {
    /// The controls, the cluster size first.
    pub knobs: Vec<Knob>,
    /// The run's `params` as its scenario writes them, with `nodes` added.
    pub values: Rc<Value>,
    /// The control whose last value was refused, and why.
    pub error: Option<(&'static str, String)>,
    /// A control's new value, as its text (`"12"`, `"true"`, `"lww"`).
    pub on_set: Callback<(&'static str, String)>,
    /// The textbook bugs the protocol can run with.
    pub bugs: &'static [faultline_core::bug::Bug],
    /// Switch a bug on or off.
    pub on_bug: Callback<(&'static faultline_core::bug::Bug, bool)>,
}

/// The panel.
pub fn params_panel(props: &ParamsPanelProps) -> Html {
    let rows = props.knobs.iter().map(|k| {
        let value = if k.key == NODES {
            props.values.get(NODES).cloned().unwrap_or(Value::Null)
        } else {
            k.value(&props.values)
        };
        let error = props
            .error
            .as_ref()
            .filter(|(key, _)| *key == k.key)
            .map(|(_, e)| html! { <p class="field-error" role="alert">{ e.clone() }</p> });
        html! {
            <div class="knob" data-knob={k.key} title={k.help}>
                { control(k, &value, &props.on_set) }
                { for error }
            </div>
        }
    });
    html! {
        <details class="panel params" open=true aria-label="Parameters">
            <summary><h3>{ "Parameters" }</h3></summary>
            { for rows }
            { bug_switches(props) }
            <p class="dim small">{ "Changing one restarts this run from 0 with the same seed and commands." }</p>
        </details>
    }
}

/// The textbook bugs as switches, each with what it breaks (none for a
/// protocol without bugs).
fn bug_switches(props: &ParamsPanelProps) -> Html {
    if !crate::labs::HAS_BUGS || props.bugs.is_empty() {
        return Html::default();
    }
    let on = faultline_core::bug::switched_on(&props.values);
    let rows = props.bugs.iter().map(|bug| {
        let checked = on.contains(&bug.name);
        let name = bug.name;
        let onchange = props.on_bug.reform(move |_: Event| (bug, !checked));
        html! {
            <li data-bug={name} title={bug.about}>
                <label class="check">
                    <input type="checkbox" {checked} {onchange} />
                    { " " }<span class="mono">{ name }</span>
                </label>
                <span class="dim small">{ format!(" breaks {}", bug.breaks.join(", ")) }</span>
            </li>
        }
    });
    let error = props
        .error
        .as_ref()
        .filter(|(key, _)| *key == BUGS)
        .map(|(_, e)| html! { <p class="field-error" role="alert">{ e.clone() }</p> });
    html! {
        <div class="bugs">
            <h4>{ "Textbook bugs" }</h4>
            <ul>{ for rows }</ul>
            { for error }
        </div>
    }
}

/// The control for one knob holding `value`.
fn control(k: &Knob, value: &Value, on_set: &Callback<(&'static str, String)>) -> Html {
    let key = k.key;
    let label = k.label;
    match k.kind {
        KnobKind::Switch => {
            let on = value.as_bool().unwrap_or(false);
            let onchange = on_set.reform(move |_: Event| (key, (!on).to_string()));
            html! {
                <label class="check">
                    <input type="checkbox" checked={on} {onchange} />
                    { " " }{ label }
                </label>
            }
        }
        KnobKind::Choice(names) => {
            let current = value.as_str().unwrap_or_default().to_string();
            let onchange = on_set.reform(move |e: Event| {
                let v = e
                    .target_dyn_into::<HtmlSelectElement>()
                    .map(|s| s.value())
                    .unwrap_or_default();
                (key, v)
            });
            html! {
                <label class="choice">
                    <span>{ label }</span>
                    <select {onchange} aria-label={label}>
                        { for names.iter().map(|&n| html! {
                            <option value={n} selected={n == current}>{ n }</option>
                        }) }
                    </select>
                </label>
            }
        }
        KnobKind::Number {
            min,
            max,
            step,
            unit,
        } => {
            let shown = value.as_f64().map(show).unwrap_or_default();
            let on_commit = on_set.reform(move |v: String| (key, v));
            let slider = (max - min) / step <= MAX_SLIDER_STEPS;
            let kind = if slider { "range" } else { "number" };
            // A slider shows its value as it moves, before it is let go.
            let oninput = slider.then(|| Callback::from(move |e: InputEvent| echo(&e, unit)));
            html! {
                <label class={classes!("number", slider.then_some("slider"))}>
                    <span>{ label }</span>
                    <DraftInput {kind} min={show(min)} max={show(max)} step={show(step)}
                        value={shown.clone()} {label} {on_commit} on_input={oninput} />
                    if slider {
                        <output class="mono">{ with_unit(&shown, unit) }</output>
                    } else if !unit.is_empty() {
                        <span class="dim">{ unit }</span>
                    }
                </label>
            }
        }
    }
}

/// `12 ms`, or `12` without a unit.
fn with_unit(value: &str, unit: &str) -> String {
    if unit.is_empty() {
        value.to_string()
    } else {
        format!("{value} {unit}")
    }
}

/// Writes a moving slider's value into the `output` beside it.
fn echo(e: &InputEvent, unit: &str) {
    let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
        return;
    };
    if let Some(output) = input.next_element_sibling() {
        output.set_text_content(Some(&with_unit(&input.value(), unit)));
    }
}
