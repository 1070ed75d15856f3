//! A range or number input that keeps what the reader is typing or dragging.
//!
//! Yew writes an input's `value` back into the DOM on every render, and a
//! playing lab renders every frame: a plain controlled input would snap a
//! dragged slider back, or undo "25" before "256" is typed. This one holds
//! the reader's value from the first `input` event until the `change` that
//! commits it, and only then follows its props again.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// [`DraftInput`] properties.
#[derive(Properties, PartialEq)]
pub struct DraftInputProps {
    /// `"range"` or `"number"`.
    pub kind: AttrValue,
    /// The smallest value.
    pub min: AttrValue,
    /// The largest value.
    pub max: AttrValue,
    /// The step.
    pub step: AttrValue,
    /// The committed value, as its text.
    pub value: AttrValue,
    /// The accessible name.
    pub label: AttrValue,
    /// The reader's new value, on `change` (a slider let go, a number field
    /// left or entered).
    pub on_commit: Callback<String>,
    /// Every `input` event, for a live echo of a moving slider.
    #[prop_or_default]
    pub on_input: Option<Callback<InputEvent>>,
}

/// The input.
#[function_component(DraftInput)]
pub fn draft_input(p: &DraftInputProps) -> Html {
    let draft = use_state_eq(|| None::<String>);
    let value_of = |target: Option<HtmlInputElement>| target.map(|i| i.value());
    let oninput = {
        let (draft, echo) = (draft.clone(), p.on_input.clone());
        Callback::from(move |e: InputEvent| {
            draft.set(value_of(e.target_dyn_into()));
            if let Some(echo) = &echo {
                echo.emit(e);
            }
        })
    };
    let onchange = {
        let (draft, commit) = (draft.clone(), p.on_commit.clone());
        Callback::from(move |e: Event| {
            if let Some(v) = value_of(e.target_dyn_into()) {
                commit.emit(v);
            }
            draft.set(None);
        })
    };
    let value = (*draft)
        .clone()
        .map_or_else(|| p.value.clone(), AttrValue::from);
    html! {
        <input type={p.kind.clone()} min={p.min.clone()} max={p.max.clone()} step={p.step.clone()}
            {value} {oninput} {onchange} aria-label={p.label.clone()} />
    }
}
