//! The guided tour's narration card: step k of n, its title and story, a
//! "now you try" prompt, and Back / Next / Exit.

use crate::tour::Tour;
use std::rc::Rc;
use yew::prelude::*;

/// Tour card properties.
#[derive(Properties, PartialEq)]
pub struct TourCardProps {
    /// The open tour.
    pub tour: Rc<Tour>,
    /// The step shown (0-based; a step past the end shows the last).
    pub index: usize,
    /// Go to a step.
    pub on_go: Callback<usize>,
    /// Leave the tour.
    pub on_exit: Callback<()>,
}

/// The card. The Next button takes the focus when the tour opens, so Enter
/// walks through it; PageDown and PageUp do too, wherever the focus is.
#[function_component(TourCard)]
pub fn tour_card(p: &TourCardProps) -> Html {
    let next_ref = use_node_ref();
    {
        let next_ref = next_ref.clone();
        use_effect_with((), move |_| {
            if let Some(el) = next_ref.cast::<web_sys::HtmlElement>() {
                el.focus().ok();
            }
        });
    }
    let n = p.tour.steps.len();
    let k = p.index.min(n.saturating_sub(1));
    let Some(step) = p.tour.steps.get(k) else {
        return Html::default();
    };
    let last = k + 1 >= n;
    let back = p.on_go.reform(move |_: MouseEvent| k.saturating_sub(1));
    let exit = p.on_exit.reform(|_: MouseEvent| ());
    let next = if last {
        p.on_exit.reform(|_: MouseEvent| ())
    } else {
        p.on_go.reform(move |_: MouseEvent| k + 1)
    };
    html! {
        <section class="panel tour-card" aria-labelledby="tour-step-title">
            <div class="tour-head">
                <span class="tour-kicker">{ format!("Guided tour · step {} of {n}", k + 1) }</span>
                <button class="ghost" onclick={exit} aria-label="Exit the tour" title="Exit the tour">{ "×" }</button>
            </div>
            <p class="tour-name dim">{ p.tour.title.clone() }</p>
            <h2 id="tour-step-title">{ step.title.clone() }</h2>
            <p class="tour-text">{ step.text.clone() }</p>
            <div class="tour-try">
                <strong>{ "Now you try" }</strong>
                <p>{ step.try_this.clone() }</p>
                <p class="dim small">{ "What you change here is discarded when you go to another step: each step replays the same run." }</p>
            </div>
            <div class="tour-nav">
                <button onclick={back} disabled={k == 0}>{ "← Back" }</button>
                <span class="dim small" aria-hidden="true"><kbd>{ "PgUp" }</kbd>{ " " }<kbd>{ "PgDn" }</kbd></span>
                <button class="primary" ref={next_ref} onclick={next}>
                    { if last { "Finish tour" } else { "Next →" } }
                </button>
            </div>
        </section>
    }
}
