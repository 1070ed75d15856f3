//! Playback: play/pause, step, speed, reset, and the timeline scrubber.

use crate::format;
use crate::math;
use crate::running::SPEED_RANGE;
use faultline_core::Time;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Controls properties.
pub struct ControlsProps {
    /// Whether time runs.
    pub playing: bool,
    /// Speed as log10 of the factor.
    pub speed_exp: f64,
    /// Virtual time.
    pub now: Time,
    /// Latest time reached.
    pub horizon: Time,
    /// Events processed.
    pub events: u64,
    /// The trace hash so far.
    pub trace_hash: String,
    /// Play or pause.
    pub on_toggle: Callback<()>,
    /// Play / pause and restart only (embedded, `controls=minimal`).
    pub minimal: bool,
    /// One event.
    pub on_step: Callback<()>,
    /// New speed (log10).
    pub on_speed: Callback<f64>,
    /// Go to a time (ms).
    pub on_seek: Callback<f64>,
    /// Reset (`true`: new seed).
    pub on_reset: Callback<bool>,
}

fn input_value(e: &InputEvent) -> Option<f64> {
    let v = e.target_dyn_into::<HtmlInputElement>()?.value_as_number();
    (!v.is_nan()).then_some(v)
}

/// The playback bar and scrubber.
pub fn controls(p: &ControlsProps) -> Html {
    let on_speed = p.on_speed.clone();
    let speed_input = Callback::from(move |e: InputEvent| {
        if let Some(v) = input_value(&e) {
            on_speed.emit(v);
        }
    });
    let on_seek = p.on_seek.clone();
    let seek_input = Callback::from(move |e: InputEvent| {
        if let Some(v) = input_value(&e) {
            on_seek.emit(v);
        }
    });
    let toggle = p.on_toggle.reform(|_: MouseEvent| ());
    let step = p.on_step.reform(|_: MouseEvent| ());
    let new_seed = p.on_reset.reform(|_: MouseEvent| true);
    let same_seed = p.on_reset.reform(|_: MouseEvent| false);
    let factor = math::exp10(p.speed_exp);
    let horizon = p.horizon.as_ms().max(1.0);
    let clock = html! {
        <span class="clock mono" aria-label="Virtual time" data-now-ms={format!("{:.3}", p.now.as_ms())}
            data-trace-hash={p.trace_hash.clone()} data-events={p.events.to_string()}>
            { format!("t = {}", format::time(p.now)) }
        </span>
    };
    let play = html! {
        <button class="primary play" onclick={toggle} aria-label={if p.playing {"Pause"} else {"Play"}}
            title="Space">
            { if p.playing { "❚❚ Pause" } else { "▶ Play" } }
        </button>
    };
    if p.minimal {
        return html! {
            <div class="controls minimal">
                <div class="row">
                    { play }
                    { clock }
                    <span class="spacer" />
                    <button onclick={same_seed} title="Run this seed again from the start">{ "Restart" }</button>
                </div>
            </div>
        };
    }
    html! {
        <div class="controls">
            <div class="row">
                { play }
                <button onclick={step} title="S" aria-label="Step one event">{ "Step" }</button>
                <label class="speed">
                    <span>{ "Speed" }</span>
                    <input type="range" min={SPEED_RANGE.0.to_string()} max={SPEED_RANGE.1.to_string()} step="0.01"
                        value={p.speed_exp.to_string()} oninput={speed_input} aria-label="Speed" />
                    <output class="mono">{ format::speed(factor) }</output>
                </label>
                { clock }
                <span class="spacer" />
                <button onclick={same_seed} title="Run this seed again from the start">{ "Restart run" }</button>
                <button class="new-seed" onclick={new_seed} title="R">{ "New seed" }</button>
            </div>
            <div class="row scrub">
                <input class="scrubber" type="range" min="0" max={format!("{horizon:.3}")} step="any"
                    value={format!("{:.3}", p.now.as_ms())} oninput={seek_input} aria-label="Timeline" />
                <span class="mono dim">{ format!("{} event{}", p.events, if p.events == 1 { "" } else { "s" }) }</span>
            </div>
            if p.now < p.horizon {
                <p class="past" role="status">
                    { format!("Viewing the past: {} of later history is kept and replays as you play. Changing anything now discards it.",
                        format::time(faultline_core::Time(p.horizon.0 - p.now.0))) }
                </p>
            }
        </div>
    }
}
