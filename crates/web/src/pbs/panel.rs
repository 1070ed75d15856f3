//! Probabilistically bounded staleness (Bailis et al., "Probabilistically
//! Bounded Staleness for Practical Partial Quorums", VLDB 2012): a Monte
//! Carlo of their WARS model plots the probability that a read sees a write
//! against the time since the write committed, for N, R and W, under the
//! lab's links or one of the paper's fitted latency profiles, with the
//! closed form for random quorums beside it. The Monte Carlo runs only when
//! its inputs change; the chart redraws only when its curve does.

use super::Settings;
use crate::components::chart::FONT;
use faultline_core::pbs::wars::MAX_N;
use faultline_core::pbs::{
    p_stale_closed_form, Profile, ProfileName, Sampler, StalenessWindows, WarsConfig,
};
use gloo::timers::callback::Timeout;
use plotters::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Monte Carlo trials per curve.
pub const TRIALS: u32 = 100_000;
/// The Monte Carlo's seed: the same inputs always draw the same curve.
const SEED: u64 = 2012;
/// Points on the curve.
const POINTS: usize = 240;
const W: u32 = 560;
const H: u32 = 260;
const CURVE: RGBColor = RGBColor(37, 99, 235);
const CLOSED: RGBColor = RGBColor(234, 88, 12);
const MARK: RGBColor = RGBColor(100, 116, 139);

/// Where the latencies come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The lab's links: uniform one-way latency.
    Links,
    /// One of the paper's fits.
    Fit(ProfileName),
}

impl Source {
    /// Every source, in the menu's order.
    pub const ALL: [Source; 4] = [
        Source::Links,
        Source::Fit(ProfileName::LnkdSsd),
        Source::Fit(ProfileName::LnkdDisk),
        Source::Fit(ProfileName::Ymmr),
    ];

    /// Its name in the menu's values and in the address.
    pub fn value(self) -> &'static str {
        match self {
            Source::Links => "links",
            Source::Fit(p) => p.as_str(),
        }
    }

    /// The source named `s`, if any.
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.value() == s)
    }

    fn label(self) -> &'static str {
        match self {
            Source::Links => "uniform, as the lab's links",
            Source::Fit(ProfileName::LnkdSsd) => "LNKD-SSD (LinkedIn, SSDs)",
            Source::Fit(ProfileName::LnkdDisk) => "LNKD-DISK (LinkedIn, disks)",
            Source::Fit(ProfileName::Ymmr) => "YMMR (Yammer, Riak)",
        }
    }
}

/// PBS panel properties.
#[derive(Properties, PartialEq)]
pub struct PbsPanelProps {
    /// N, R, W, the latencies and the axis, as the page holds them.
    pub settings: Settings,
    /// Called with the settings after an edit.
    pub on_change: Callback<Settings>,
    /// The page's own address, when it is shown in a lab's frame.
    pub alone: Option<String>,
}

/// The curve the chart draws.
#[derive(Clone, Debug, PartialEq)]
struct Curve {
    /// (ms after the commit, probability of a consistent read), from 0 on a
    /// linear axis, from a small positive time on a logarithmic one.
    points: Vec<(f64, f64)>,
    /// The 99.9 % t-visibility, ms.
    t999: f64,
    /// The closed form's probability of a consistent read.
    closed: f64,
    /// Whether the time axis is logarithmic.
    log: bool,
}

/// What one Monte Carlo gave.
struct Outcome {
    /// The N, R and W it ran.
    cfg: WarsConfig,
    windows: StalenessWindows,
    /// The 99.9 % t-visibility, ms.
    t999: f64,
    /// The closed form's probability of a consistent read.
    closed: f64,
    /// Time the Monte Carlo's slices took, ms (the gaps between them left
    /// out).
    took_ms: f64,
}

impl Outcome {
    /// P(consistent) right at the commit.
    fn at_commit(&self) -> f64 {
        self.windows.p_consistent(0.0)
    }

    /// The curve on a linear or a logarithmic time axis, to a quarter past
    /// the 99.9 % t-visibility.
    fn curve(&self, log: bool) -> Curve {
        let end = (self.t999 * 1.25).max(1.0);
        let start = (end / 1000.0).max(0.01);
        let at = |i: usize| {
            let f = i as f64 / POINTS as f64;
            if log {
                start * (end / start).powf(f)
            } else {
                end * f
            }
        };
        Curve {
            points: (0..=POINTS)
                .map(|i| (at(i), self.windows.p_consistent(at(i))))
                .collect(),
            t999: self.t999,
            closed: self.closed,
            log,
        }
    }
}

/// Parses a quorum size typed in the form.
fn whole(field: &str, text: &str) -> Result<u32, String> {
    text.trim().parse::<u32>().map_err(|_| {
        format!(
            "{field} must be a whole number from 1 up, not “{}”",
            text.trim()
        )
    })
}

/// N, R and W as typed, checked: each error names its field.
fn config(texts: &[String; 3]) -> Result<WarsConfig, String> {
    let n = whole("N", &texts[0])?;
    let r = whole("R", &texts[1])?;
    let w = whole("W", &texts[2])?;
    if !(1..=MAX_N).contains(&n) {
        return Err(format!("N must be between 1 and {MAX_N}, not {n}"));
    }
    for (name, v) in [("R", r), ("W", w)] {
        if !(1..=n).contains(&v) {
            return Err(format!("{name} must be between 1 and N ({n}), not {v}"));
        }
    }
    let cfg = WarsConfig { n, r, w };
    cfg.validate()?;
    Ok(cfg)
}

/// Trials run in one slice of a frame at most: the Monte Carlo runs in
/// slices of about this many milliseconds, one per turn of the event loop,
/// so typing N = 1000 never holds a frame (issue 17).
const SLICE_MS: f64 = 8.0;

/// A Monte Carlo under way.
struct Job {
    cfg: WarsConfig,
    sampler: Sampler,
    busy_ms: f64,
}

/// The panel's Monte Carlo: the last outcome, and how far the running one
/// has got.
#[derive(Clone, Default)]
struct Mc {
    /// The latest finished outcome (or why there is none).
    done: Option<Result<Rc<Outcome>, String>>,
    /// While one runs: the percentage of its trials done.
    running: Option<u32>,
}

/// A Monte Carlo of `cfg` under `source`, none of it run yet.
fn start(cfg: WarsConfig, source: Source, latency_us: (u64, u64)) -> Result<Job, String> {
    let profile = match source {
        Source::Links => {
            Profile::uniform(latency_us.0 as f64 / 1000.0, latency_us.1 as f64 / 1000.0)?
        }
        Source::Fit(p) => p.profile(),
    };
    Ok(Job {
        cfg,
        sampler: Sampler::new(cfg, profile, TRIALS, SEED)?,
        busy_ms: 0.0,
    })
}

/// Runs one slice of `job` (a `faultline-pbs` measure), then hands the
/// outcome to `mc`, or the progress and the next slice to the event loop.
fn slice(mut job: Job, mc: UseStateHandle<Mc>, cancel: Rc<Cell<bool>>) {
    if cancel.get() {
        return;
    }
    let begin = crate::perf::wall_ms();
    // A batch is about a millisecond of trials whatever N is.
    let batch = (20_000 / job.cfg.n).max(1);
    let done = crate::perf::measure("faultline-pbs", || loop {
        if job.sampler.run(batch) {
            break true;
        }
        if crate::perf::wall_ms() - begin > SLICE_MS {
            break false;
        }
    });
    job.busy_ms += crate::perf::wall_ms() - begin;
    if done {
        let (cfg, took_ms) = (job.cfg, job.busy_ms);
        let outcome = outcome(cfg, job.sampler.finish(), took_ms).map(Rc::new);
        mc.set(Mc {
            done: Some(outcome),
            running: None,
        });
        return;
    }
    let (run, of) = job.sampler.progress();
    mc.set(Mc {
        done: mc.done.clone(),
        running: Some((u64::from(run) * 100 / u64::from(of)) as u32),
    });
    Timeout::new(0, move || slice(job, mc, cancel)).forget();
}

/// The outcome of a finished Monte Carlo.
fn outcome(cfg: WarsConfig, windows: StalenessWindows, took_ms: f64) -> Result<Outcome, String> {
    Ok(Outcome {
        cfg,
        t999: windows.t_visibility(0.999)?,
        closed: 1.0 - p_stale_closed_form(cfg.n, cfg.r, cfg.w)?,
        windows,
        took_ms,
    })
}

/// The Monte Carlo of the panel's inputs, run in slices; a change of input
/// drops the one under way and starts another.
#[hook]
fn use_monte_carlo(
    source: Source,
    cfg: Option<WarsConfig>,
    latency: Result<(u64, u64), String>,
) -> UseStateHandle<Mc> {
    let mc = use_state(Mc::default);
    {
        let mc = mc.clone();
        use_effect_with((source, cfg, latency), move |(source, cfg, latency)| {
            let cancel = Rc::new(Cell::new(false));
            match (cfg, latency) {
                (Some(cfg), Ok(latency)) => match start(*cfg, *source, *latency) {
                    Ok(job) => slice(job, mc, cancel.clone()),
                    Err(e) => mc.set(Mc {
                        done: Some(Err(e)),
                        running: None,
                    }),
                },
                _ => mc.set(Mc::default()),
            }
            move || cancel.set(true)
        });
    }
    mc
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn draw(out: &mut String, c: &Curve) -> Drawn {
    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_lo = c.points.first().map_or(0.0, |p| p.0);
    let x_hi = c.points.last().map_or(1.0, |p| p.0).max(x_lo + 1e-3);
    let lowest = c.points.first().map_or(0.0, |p| p.1).min(c.closed).min(0.9);
    // A little room under the lowest line, so it does not lie on the axis.
    let y_min = ((lowest - 0.04).max(0.0) * 10.0).floor() / 10.0;
    let builder = || {
        let mut b = ChartBuilder::on(&root);
        b.margin(12).x_label_area_size(34).y_label_area_size(52);
        b
    };
    if c.log {
        let chart = builder().build_cartesian_2d((x_lo..x_hi).log_scale(), y_min..1.005)?;
        plot(chart, c, (x_lo, x_hi), y_min)?;
    } else {
        let chart = builder().build_cartesian_2d(x_lo..x_hi, y_min..1.005)?;
        plot(chart, c, (x_lo, x_hi), y_min)?;
    }
    root.present()?;
    Ok(())
}

/// Draws the mesh and the lines on a linear or logarithmic time axis.
fn plot<X>(
    mut chart: ChartContext<
        '_,
        SVGBackend<'_>,
        Cartesian2d<X, plotters::coord::types::RangedCoordf64>,
    >,
    c: &Curve,
    (x_lo, x_hi): (f64, f64),
    y_min: f64,
) -> Drawn
where
    X: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let fine = c.log || x_hi < 5.0;
    chart
        .configure_mesh()
        .x_desc(if c.log {
            "ms after the write committed (log scale)"
        } else {
            "ms after the write committed"
        })
        .y_desc("P(consistent read)")
        .x_label_formatter(&|x| {
            if fine && *x < 10.0 {
                format!("{}", (x * 100.0).round() / 100.0)
            } else {
                format!("{x:.0}")
            }
        })
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(226, 232, 240))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 13))
        .x_labels(8)
        .y_labels(6)
        .draw()?;
    let mid = y_min + (1.0 - y_min) * 0.5;
    if c.t999 > x_lo {
        chart.draw_series(LineSeries::new(
            [(c.t999, y_min), (c.t999, 1.0)],
            MARK.stroke_width(1),
        ))?;
        // Left of the marker, halfway up: the curve hugs the top and the
        // closed form is a horizontal line; the legend is under the chart.
        let x = if c.log {
            (c.t999 / 2.2).max(x_lo)
        } else {
            (c.t999 - x_hi * 0.12).max(x_hi * 0.01)
        };
        chart.draw_series([Text::new(
            "99.9 %",
            (x, mid),
            (FONT, 13).into_font().color(&MARK),
        )])?;
    } else {
        let x = if c.log {
            x_lo * (x_hi / x_lo).powf(0.25)
        } else {
            x_hi * 0.3
        };
        // Past 99.9 % at the commit: every read, or nearly.
        let every = c.points.first().is_some_and(|p| p.1 >= 1.0);
        chart.draw_series([Text::new(
            if every {
                "Every read is consistent at once"
            } else {
                "Over 99.9 % of reads are consistent at once"
            },
            (x, mid),
            (FONT, 14).into_font().color(&MARK),
        )])?;
    }
    if c.closed >= y_min {
        chart.draw_series(LineSeries::new(
            [(x_lo, c.closed), (x_hi, c.closed)],
            CLOSED.stroke_width(2),
        ))?;
    }
    chart.draw_series(LineSeries::new(
        c.points.iter().copied(),
        CURVE.stroke_width(3),
    ))?;
    Ok(())
}

/// Chart properties.
#[derive(Properties, PartialEq)]
struct ChartProps {
    curve: Curve,
}

/// The chart: redrawn only when the curve changes.
#[function_component(PbsChart)]
fn pbs_chart(p: &ChartProps) -> Html {
    let mut out = String::new();
    match crate::perf::measure("faultline-chart", || draw(&mut out, &p.curve)) {
        Ok(()) => Html::from_html_unchecked(AttrValue::from(out)),
        Err(e) => html! { <p class="dim">{ format!("The chart could not be drawn: {e}") }</p> },
    }
}

fn percent(p: f64) -> String {
    format!("{:.1} %", p * 100.0)
}

/// The closed form in words: `C(2, 1) / C(3, 1) = 66.7 % stale`.
fn closed_form(cfg: WarsConfig) -> Html {
    let Ok(stale) = p_stale_closed_form(cfg.n, cfg.r, cfg.w) else {
        return Html::default();
    };
    let strict = cfg.is_strict();
    html! {
        <div class="closed-form" data-p-stale={format!("{stale:.6}")}>
            <div class="dim small">{ "Closed form, random quorums (§2, Eq. 1)" }</div>
            <div class="mono formula">{ "p = C(N−W, R) / C(N, R)" }</div>
            if strict {
                <div class="mono">{ format!("R + W = {} > N = {}: every read quorum meets every write quorum", cfg.r + cfg.w, cfg.n) }</div>
                <div class="big mono">{ "0 % stale" }</div>
            } else {
                <div class="mono">{ format!("= C({}, {}) / C({}, {})", cfg.n - cfg.w, cfg.r, cfg.n, cfg.r) }</div>
                <div class="big mono">{ format!("{} stale", percent(stale)) }</div>
                <div class="dim small">{ format!("{} consistent, if the write reached only W replicas", percent(1.0 - stale)) }</div>
            }
        </div>
    }
}

/// The panel: the settings come from the page, and every edit goes back
/// to it.
#[function_component(PbsPanel)]
pub fn pbs_panel(p: &PbsPanelProps) -> Html {
    let settings = &p.settings;
    let cfg = config(&settings.texts);
    let mc = use_monte_carlo(
        settings.source,
        cfg.clone().ok(),
        settings.latency_us.clone(),
    );
    let outcome = &mc.done;
    let change = |f: fn(&mut Settings, &Event)| {
        let settings = settings.clone();
        p.on_change.reform(move |e: Event| {
            let mut s = settings.clone();
            f(&mut s, &e);
            s
        })
    };
    let edit = |k: usize| {
        let settings = settings.clone();
        p.on_change.reform(move |e: InputEvent| {
            let mut s = settings.clone();
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                s.texts[k] = i.value();
            }
            s
        })
    };
    let on_source = change(|s, e| {
        if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
            s.source = Source::parse(&select.value()).unwrap_or(Source::Links);
        }
    });
    let on_log = change(|s, e| {
        if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            s.log = i.checked();
        }
    });
    let field = |label: &'static str, k: usize| {
        html! {
            <label class="inline">
                <span>{ label }</span>
                <input class="num" type="text" inputmode="numeric" value={settings.texts[k].clone()}
                    oninput={edit(k)} aria-label={format!("PBS {label}")} />
            </label>
        }
    };
    let links_note = match (settings.source, &settings.latency_us) {
        (Source::Links, Ok((lo, hi))) => format!(
            "Every one-way delay uniform on {}–{} ms, as the links are set now; loss is not modelled.",
            crate::format::ms(*lo),
            crate::format::ms(*hi)
        ),
        (Source::Links, Err(_)) => String::new(),
        (Source::Fit(_), _) => {
            "The paper's Pareto/exponential fits of production latencies (§5).".into()
        }
    };
    let error = match (&cfg, &settings.latency_us, outcome.as_ref()) {
        (Err(e), _, _) => Some(e.clone()),
        (_, Err(e), _) if settings.source == Source::Links => Some(e.clone()),
        (_, _, Some(Err(e))) => Some(e.clone()),
        _ => None,
    };
    // Always one paragraph, so a progress line coming and going never makes
    // Yew rebuild (and blur) the inputs above it.
    let progress = mc.running.map(|pct| {
        html! {
            <span class="pbs-progress" data-progress={pct.to_string()}>
                { format!("Sampling 100,000 trials… {pct} %") }
            </span>
        }
    });
    let body = match (error, outcome.as_ref()) {
        (Some(e), _) => html! { <p class="form-error" role="alert">{ e }</p> },
        (None, Some(Ok(o))) => {
            let cfg = &o.cfg;
            let curve = o.curve(settings.log);
            html! {
            <div class="pbs-body">
                <figure class="chart" data-chart="pbs">
                    <figcaption>{ format!("P(consistent read) against time since the commit, N = {}, R = {}, W = {}", cfg.n, cfg.r, cfg.w) }</figcaption>
                    { crate::components::save_as::save_as("pbs", true) }
                    <PbsChart {curve} />
                    <ul class="legend">
                        <li><span class="swatch wars" />{ "WARS Monte Carlo" }</li>
                        <li><span class="swatch closed" />{ "closed form, random quorums" }</li>
                        <li><span class="swatch mark" />{ "99.9 % consistent" }</li>
                    </ul>
                </figure>
                <div class="pbs-side">
                    { closed_form(*cfg) }
                    <dl class="facts">
                        <dt>{ "at commit" }</dt><dd class="mono" data-at-commit={format!("{:.4}", o.at_commit())}>{ format!("{} consistent", percent(o.at_commit())) }</dd>
                        <dt>{ "99.9 %" }</dt><dd class="mono">{ format!("after {:.1} ms", o.t999) }</dd>
                        <dt>{ "trials" }</dt><dd class="mono" data-took-ms={format!("{:.1}", o.took_ms)}>{ format!("100,000 in {:.0} ms", o.took_ms) }</dd>
                    </dl>
                    if !cfg.is_strict() {
                        <p class="dim small">{ "The Monte Carlo is consistent more often than the closed form: by the time W replicas acknowledge, the write is usually on more of them." }</p>
                    }
                </div>
            </div>
            }
        }
        _ => Html::default(),
    };
    html! {
        <section class="panel pbs" aria-label="Probabilistic staleness">
            <h3>
                { "Probabilistically bounded staleness" }
                <span class="dim small">{ "Bailis et al., VLDB 2012 · WARS model" }</span>
                if let Some(alone) = &p.alone {
                    <a class="small open-alone" href={alone.clone()} target="_blank" rel="noopener">{ "open on its own page ↗" }</a>
                }
            </h3>
            <div class="row wrap pbs-inputs">
                <label class="inline">
                    <span>{ "latencies" }</span>
                    <select onchange={on_source} aria-label="Latency profile">
                        { for Source::ALL.iter().map(|s| html! {
                            <option value={s.value()} selected={*s == settings.source}>{ s.label() }</option>
                        }) }
                    </select>
                </label>
                { field("N", 0) }
                { field("R", 1) }
                { field("W", 2) }
                <label class="inline">
                    <input type="checkbox" checked={settings.log} onchange={on_log} />
                    <span>{ "log time axis" }</span>
                </label>
            </div>
            <p class="dim small">{ links_note }</p>
            <p class="dim small" role="status">{ for progress }</p>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &str, r: &str, w: &str) -> [String; 3] {
        [n.into(), r.into(), w.into()]
    }

    #[test]
    fn the_inputs_are_checked_with_clear_messages() {
        assert_eq!(
            config(&texts("3", " 1 ", "1")),
            Ok(WarsConfig { n: 3, r: 1, w: 1 })
        );
        let err = |n, r, w| config(&texts(n, r, w)).unwrap_err();
        assert_eq!(
            err("3", "x", "1"),
            "R must be a whole number from 1 up, not “x”"
        );
        assert_eq!(err("3", "5", "1"), "R must be between 1 and N (3), not 5");
        assert_eq!(err("3", "1", "0"), "W must be between 1 and N (3), not 0");
        assert_eq!(err("0", "1", "1"), "N must be between 1 and 1000, not 0");
        assert!(err("-1", "1", "1").starts_with("N must be a whole number"));
        assert!(err("", "1", "1").starts_with("N must be a whole number"));
    }

    #[test]
    fn the_uniform_links_give_a_rising_curve_below_one_for_partial_quorums() {
        let cfg = WarsConfig { n: 3, r: 1, w: 1 };
        let outcome = |cfg: WarsConfig, source| {
            let mut job = start(cfg, source, (5_000, 20_000)).unwrap();
            assert!(job.sampler.run(TRIALS));
            outcome(cfg, job.sampler.finish(), 0.0).unwrap()
        };
        let o = outcome(cfg, Source::Links);
        let (curve, at_commit) = (o.curve(false), o.at_commit());
        let p: Vec<f64> = curve.points.iter().map(|p| p.1).collect();
        assert!(p.windows(2).all(|w| w[0] <= w[1]), "monotone");
        assert!(at_commit > 1.0 / 3.0 && at_commit < 1.0, "{at_commit}");
        assert!((curve.closed - 1.0 / 3.0).abs() < 1e-12);
        assert!(*p.last().unwrap() >= 0.999);
        let strict = WarsConfig { n: 3, r: 2, w: 2 };
        let o = outcome(strict, Source::Links);
        assert_eq!((o.at_commit(), o.t999), (1.0, 0.0));
        let ymmr = outcome(cfg, Source::Fit(ProfileName::Ymmr));
        assert!(ymmr.t999 > 100.0, "YMMR's long tail: {}", ymmr.t999);
        let log = ymmr.curve(true);
        assert!(log.points[0].0 > 0.0 && log.points.windows(2).all(|w| w[0].0 < w[1].0));
        assert!((log.points[POINTS].0 - ymmr.t999 * 1.25).abs() < 1e-6);
    }
}
