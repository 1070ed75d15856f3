//! The gossip charts, drawn with plotters as SVG: the informed fraction per
//! round against the theory, messages per node, and SWIM's detection times.
//! Each chart is redrawn only when its data changes.

use crate::components::chart::{legend, svg, Drawn, Key, FONT, H, W};
use super::part::GossipPart;
use faultline_core::protocols::gossip::{theory, Mode};
use faultline_core::sim::NodeStatus;
use plotters::prelude::*;
use std::rc::Rc;
use yew::prelude::*;

const RUN: RGBColor = RGBColor(234, 88, 12);
const THEORY: RGBColor = RGBColor(37, 99, 235);
const MARK: RGBColor = RGBColor(100, 116, 139);

/// What the spread chart plots.
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadData {
    /// The run: informed fraction after each round from the start.
    pub run: Vec<f64>,
    /// The mean-field expectation, same indexing.
    pub theory: Vec<f64>,
    /// A named round count to mark (`"log₂N + ln N"`, x).
    pub mark: Option<(&'static str, f64)>,
    /// Rumor mongering: the informed fraction Demers' formula predicts.
    pub ceiling: Option<f64>,
}

/// Everything the charts plot, compared frame to frame.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    /// The spread of the rumor in focus.
    pub spread: Option<SpreadData>,
    /// Messages sent per node, as (bucket start, bucket end, nodes).
    pub sent: Vec<(u64, u64, u32)>,
    /// SWIM: ms from the crash to each observer's detection, sorted.
    pub detection_ms: Vec<f64>,
    /// SWIM's suspicion timeout, ms.
    pub suspicion_ms: Option<f64>,
}

impl ChartData {
    /// The charts' data for a frame of the gossip lab.
    pub fn of(lab: &GossipPart) -> ChartData {
        let p = &lab.params;
        let live = lab
            .dots
            .iter()
            .filter(|d| d.status == NodeStatus::Up)
            .count() as u32;
        let spread = lab
            .focus
            .and_then(|f| lab.rumors.iter().find(|r| r.rumor == f))
            .map(|r| {
                let n = f64::from(live.max(2));
                let rounds = (r.per_round.len() + 4).max(theory::push_rounds(n) as usize + 4);
                SpreadData {
                    run: r.per_round.clone(),
                    theory: match p.stop_after {
                        None => theory::expected_informed(p.mode, p.fanout, live, rounds),
                        Some(_) => Vec::new(),
                    },
                    mark: match (p.mode, p.fanout) {
                        (Mode::Push, 1) => Some(("log₂N + ln N", theory::push_rounds(n))),
                        (Mode::PushPull, 1) => Some(("log₃N", theory::push_pull_rounds(n))),
                        _ => None,
                    },
                    ceiling: p.stop_after.map(|k| 1.0 - theory::residue(k)),
                }
            });
        let sent: Vec<u64> = lab
            .view
            .nodes
            .iter()
            .filter_map(|n| n.state.as_ref().map(|g| g.sent))
            .collect();
        let detection_ms = match lab.crashes.last() {
            Some(&(target, at)) => {
                let mut d: Vec<f64> = lab
                    .detections
                    .iter()
                    .filter(|x| x.target == target && x.at_ms >= at)
                    .map(|x| x.at_ms - at)
                    .collect();
                faultline_core::sorting::sort_by(&mut d, f64::total_cmp);
                d
            }
            None => Vec::new(),
        };
        ChartData {
            spread,
            sent: buckets(&sent, 16),
            detection_ms,
            suspicion_ms: p.swim.map(|s| s.suspicion_ms as f64),
        }
    }
}

/// Groups counts into at most `k` equal-width buckets.
fn buckets(values: &[u64], k: u64) -> Vec<(u64, u64, u32)> {
    let (Some(&lo), Some(&hi)) = (values.iter().min(), values.iter().max()) else {
        return Vec::new();
    };
    let width = ((hi - lo) / k + 1).max(1);
    let mut out: Vec<(u64, u64, u32)> = (0..=(hi - lo) / width)
        .map(|i| (lo + i * width, lo + (i + 1) * width, 0))
        .collect();
    for v in values {
        out[((v - lo) / width) as usize].2 += 1;
    }
    out
}

fn spread_chart(out: &mut String, d: &SpreadData) -> Drawn {
    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_max = d.run.len().max(d.theory.len()).max(2) as f64 - 1.0;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(46)
        .build_cartesian_2d(0f64..x_max, 0f64..1.02)?;
    chart
        .configure_mesh()
        .x_desc("round")
        .y_desc("informed")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(226, 232, 240))
        .label_style((FONT, 12))
        .x_labels(8)
        .y_labels(6)
        .draw()?;
    if let Some((name, x)) = d.mark {
        chart.draw_series(LineSeries::new([(x, 0.0), (x, 1.0)], MARK.stroke_width(1)))?;
        chart.draw_series([Text::new(
            name,
            ((x + 0.2).min(x_max * 0.75), 0.5),
            (FONT, 12).into_font().color(&MARK),
        )])?;
    }
    if let Some(c) = d.ceiling {
        chart.draw_series(LineSeries::new(
            [(0.0, c), (x_max, c)],
            THEORY.stroke_width(1),
        ))?;
        chart.draw_series([Text::new(
            format!("1 − s = {:.1}% (Demers)", c * 100.0),
            (0.3, c - 0.09),
            (FONT, 12).into_font().color(&THEORY),
        )])?;
    }
    let mut keys = Vec::with_capacity(2);
    if !d.theory.is_empty() {
        chart.draw_series(LineSeries::new(
            d.theory.iter().enumerate().map(|(i, y)| (i as f64, *y)),
            THEORY.stroke_width(2),
        ))?;
        keys.push(Key { label: "theory (mean field)", color: THEORY, width: 2 });
    }
    chart.draw_series(LineSeries::new(
        d.run.iter().enumerate().map(|(i, y)| (i as f64, *y)),
        RUN.stroke_width(3),
    ))?;
    keys.push(Key { label: "this run", color: RUN, width: 3 });
    legend(&chart.plotting_area().strip_coord_spec(), false, &keys)?;
    root.present()?;
    Ok(())
}

fn sent_chart(out: &mut String, b: &[(u64, u64, u32)]) -> Drawn {
    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let x0 = b.first().map_or(0, |x| x.0) as f64;
    let x1 = b.last().map_or(1, |x| x.1) as f64;
    let y1 = b.iter().map(|x| x.2).max().unwrap_or(1) as f64 * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(46)
        .build_cartesian_2d(x0..x1, 0f64..y1.max(1.0))?;
    chart
        .configure_mesh()
        .x_desc("messages sent")
        .y_desc("nodes")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(226, 232, 240))
        .label_style((FONT, 12))
        .x_labels(8)
        .y_labels(6)
        .draw()?;
    chart.draw_series(b.iter().map(|&(lo, hi, n)| {
        Rectangle::new(
            [(lo as f64, 0.0), (hi as f64, f64::from(n))],
            RGBColor(13, 148, 136).filled(),
        )
    }))?;
    root.present()?;
    Ok(())
}

fn detection_chart(out: &mut String, d: &[f64], suspicion: Option<f64>) -> Drawn {
    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let x1 = d
        .last()
        .copied()
        .unwrap_or(1.0)
        .max(suspicion.unwrap_or(0.0))
        * 1.1;
    let n = d.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(46)
        .build_cartesian_2d(0f64..x1.max(1.0), 0f64..1.02)?;
    chart
        .configure_mesh()
        .x_desc("ms after the crash")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_desc("observers")
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(226, 232, 240))
        .label_style((FONT, 12))
        .x_labels(8)
        .y_labels(6)
        .draw()?;
    if let Some(s) = suspicion {
        chart.draw_series(LineSeries::new([(s, 0.0), (s, 1.0)], MARK.stroke_width(1)))?;
        chart.draw_series([Text::new(
            "suspicion timeout",
            (s, 0.06),
            (FONT, 12).into_font().color(&MARK),
        )])?;
    }
    chart.draw_series(LineSeries::new(
        d.iter()
            .enumerate()
            .flat_map(|(i, &t)| [(t, i as f64 / n), (t, (i + 1) as f64 / n)]),
        RGBColor(220, 38, 38).stroke_width(3),
    ))?;
    root.present()?;
    Ok(())
}

/// Spread chart properties.
#[derive(Properties, PartialEq)]
struct SpreadProps {
    data: SpreadData,
}

#[function_component(SpreadChart)]
fn spread(p: &SpreadProps) -> Html {
    svg(|out| spread_chart(out, &p.data))
}

/// Messages-per-node chart properties.
#[derive(Properties, PartialEq)]
struct SentProps {
    buckets: Vec<(u64, u64, u32)>,
}

#[function_component(SentChart)]
fn sent(p: &SentProps) -> Html {
    svg(|out| sent_chart(out, &p.buckets))
}

/// Detection chart properties.
#[derive(Properties, PartialEq)]
struct DetectionProps {
    ms: Vec<f64>,
    suspicion: Option<f64>,
}

#[function_component(DetectionChart)]
fn detection(p: &DetectionProps) -> Html {
    svg(|out| detection_chart(out, &p.ms, p.suspicion))
}

/// Chart properties.
#[derive(Properties, PartialEq)]
pub struct GossipChartsProps {
    /// What to plot.
    pub data: Rc<ChartData>,
}

/// The charts panel; each chart redraws only when its own data changes.
#[function_component(GossipCharts)]
pub fn gossip_charts(p: &GossipChartsProps) -> Html {
    let d = &p.data;
    html! {
        <section class="panel charts" aria-label="Charts">
            <div class="charts-grid">
                if let Some(s) = &d.spread {
                    <figure class="chart" data-chart="spread">
                        <figcaption>{ "Informed per round: this run against the theory" }</figcaption>
                    { crate::components::save_as::save_as("spread", true) }
                        <SpreadChart data={s.clone()} />
                    </figure>
                }
                if !d.sent.is_empty() {
                    <figure class="chart" data-chart="sent">
                        <figcaption>{ "Messages sent per node" }</figcaption>
                    { crate::components::save_as::save_as("sent", true) }
                        <SentChart buckets={d.sent.clone()} />
                    </figure>
                }
                if !d.detection_ms.is_empty() {
                    <figure class="chart" data-chart="detection">
                        <figcaption>{ "SWIM: when each member learned of the crash" }</figcaption>
                    { crate::components::save_as::save_as("detection", true) }
                        <DetectionChart ms={d.detection_ms.clone()} suspicion={d.suspicion_ms} />
                    </figure>
                }
            </div>
        </section>
    }
}
