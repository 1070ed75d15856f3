//! The ring charts, drawn with plotters: keys per node against the mean,
//! and balance (coefficient of variation, max/avg) against the number of
//! virtual nodes, with 1/√v drawn.

use crate::components::chart::{legend, svg, Drawn, Key, FONT, H, W};
use super::canvas::node_color;
use super::analysis::RingAnalysis;
use plotters::prelude::*;
use std::rc::Rc;
use yew::prelude::*;

const THEORY: RGBColor = RGBColor(37, 99, 235);
const RUN: RGBColor = RGBColor(234, 88, 12);

fn color(hex: &str) -> RGBColor {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

fn loads_chart(out: &mut String, loads: &[(u32, u64)]) -> Drawn {
    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let n = loads.len().max(1);
    let max = loads.iter().map(|l| l.1).max().unwrap_or(1) as f64 * 1.15;
    let mean = loads.iter().map(|l| l.1).sum::<u64>() as f64 / n as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(52)
        .build_cartesian_2d(0f64..n as f64, 0f64..max.max(1.0))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("node")
        .y_desc("keys")
        .x_labels(n.min(16))
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            loads
                .get(i)
                .map(|l| format!("n{}", l.0))
                .unwrap_or_default()
        })
        .y_label_formatter(&|y| format!("{y:.0}"))
        .bold_line_style(RGBColor(226, 232, 240))
        .light_line_style(WHITE)
        .label_style((FONT, 12))
        .draw()?;
    chart.draw_series(loads.iter().enumerate().map(|(i, &(node, load))| {
        Rectangle::new(
            [(i as f64 + 0.15, 0.0), (i as f64 + 0.85, load as f64)],
            color(node_color(node)).filled(),
        )
    }))?;
    chart.draw_series(LineSeries::new(
        [(0.0, mean), (n as f64, mean)],
        RGBColor(15, 23, 42).stroke_width(2),
    ))?;
    chart.draw_series([Text::new(
        format!("mean {mean:.0}"),
        (0.1, mean * 1.04 + max * 0.02),
        (FONT, 12).into_font(),
    )])?;
    root.present()?;
    Ok(())
}

fn balance_chart(out: &mut String, curve: &[(u32, f64, f64)], vnodes: u32) -> Drawn {
    let root = SVGBackend::with_string(out, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let y_max = curve.iter().map(|c| c.1).fold(1.0f64, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(46)
        .build_cartesian_2d(0f64..9.0, 0f64..y_max)?;
    chart
        .configure_mesh()
        .x_desc("virtual nodes per node")
        .y_desc("load CV")
        .x_labels(10)
        .x_label_formatter(&|x| format!("{}", 1u32 << (x.round() as u32).min(9)))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .bold_line_style(RGBColor(226, 232, 240))
        .light_line_style(WHITE)
        .label_style((FONT, 12))
        .draw()?;
    let lg = |v: u32| f64::from(v).log2();
    chart
        .draw_series(LineSeries::new(
            (0..=90).map(|i| {
                let x = f64::from(i) / 10.0;
                (x, 1.0 / 2f64.powf(x).sqrt())
            }),
            THEORY.stroke_width(2),
        ))?;
    chart.draw_series(LineSeries::new(
        curve.iter().map(|&(v, cv, _)| (lg(v), cv)),
        RUN.stroke_width(3),
    ))?;
    chart.draw_series(
        curve
            .iter()
            .filter(|c| c.0 == vnodes)
            .map(|&(v, cv, _)| Circle::new((lg(v), cv), 5, RUN.filled())),
    )?;
    legend(
        &chart.plotting_area().strip_coord_spec(),
        true,
        &[
            Key { label: "1/√v", color: THEORY, width: 2 },
            Key { label: "these nodes (ring)", color: RUN, width: 3 },
        ],
    )?;
    root.present()?;
    Ok(())
}

/// Loads chart properties.
#[derive(Properties, PartialEq)]
struct LoadsProps {
    loads: Vec<(u32, u64)>,
}

#[function_component(LoadsChart)]
fn loads(p: &LoadsProps) -> Html {
    svg(|out| loads_chart(out, &p.loads))
}

/// Balance chart properties.
#[derive(Properties, PartialEq)]
struct BalanceProps {
    curve: Vec<(u32, f64, f64)>,
    vnodes: u32,
}

#[function_component(BalanceChart)]
fn balance(p: &BalanceProps) -> Html {
    svg(|out| balance_chart(out, &p.curve, p.vnodes))
}

/// Ring charts properties.
#[derive(Properties, PartialEq)]
pub struct RingChartsProps {
    /// The placement picture.
    pub analysis: Rc<RingAnalysis>,
    /// The run's vnodes (marked on the curve).
    pub vnodes: u32,
}

/// The charts panel.
#[function_component(RingCharts)]
pub fn ring_charts(p: &RingChartsProps) -> Html {
    let a = &p.analysis;
    let h_n: f64 = (1..=a.members.len()).map(|i| 1.0 / i as f64).sum();
    html! {
        <section class="panel charts" aria-label="Charts">
            <div class="charts-grid">
                <figure class="chart" data-chart="loads">
                    <figcaption>{ format!("Keys per node · CV {:.3} · max/avg {:.2}", a.cv, a.max_over_avg) }</figcaption>
                    { crate::components::save_as::save_as("loads", true) }
                    <LoadsChart loads={a.loads.clone()} />
                </figure>
                <figure class="chart" data-chart="balance">
                    <figcaption>{ format!("Balance against virtual nodes (with one each, max/avg ≈ Hₙ = {h_n:.2}){}",
                        if a.complete { "" } else { " · placing…" }) }</figcaption>
                    { crate::components::save_as::save_as("balance", true) }
                    <BalanceChart curve={a.curve.clone()} vnodes={p.vnodes} />
                </figure>
            </div>
        </section>
    }
}
