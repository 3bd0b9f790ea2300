//! Charts as SVG text, drawn with plotters' SVG backend: inline in HTML, files beside the
//! Markdown. Three shapes cover every chart of the documents: grouped bars (with optional
//! per-bar markers and a goal line), lines over labelled points, and horizontal bars against a
//! goal. Category labels and legends are placed by hand, so long or non-Latin labels land where
//! they belong; plotters' SVG text escapes `<`, `>`, `&` and quotes, so a label from the inputs
//! stays text, and every invisible character of a label is shown by its code point
//! (`format::visible`), so a right-to-left override cannot turn the figures around it. The
//! output depends only on the figures (no time, no randomness): two runs give
//! the same bytes.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Colour-blind-safe (Okabe-Ito) colours, dark enough on white and in greyscale print.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
];
const INK: RGBColor = RGBColor(40, 40, 40);
const GRID: RGBColor = RGBColor(225, 225, 225);
const GOAL: RGBColor = RGBColor(200, 30, 30);
const FONT: &str = "sans-serif";

/// One named series of values, one per category or point; `None` draws nothing.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

impl Series {
    pub fn new(name: impl Into<String>, values: Vec<Option<f64>>) -> Series {
        Series {
            name: name.into(),
            values,
        }
    }
}

/// A horizontal reference line: a goal, a commitment.
#[derive(Debug, Clone)]
pub struct Goal {
    pub label: String,
    pub value: f64,
}

/// Grouped vertical bars: one group per category, one bar per series.
#[derive(Debug, Clone)]
pub struct Bars {
    pub title: String,
    pub y_label: String,
    /// Written across an empty chart, in the document's language.
    pub no_data: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// A tick drawn across each bar (e.g. the commitment of that priority and metric), same
    /// shape as `series`, with its legend label.
    pub markers: Option<(String, Vec<Vec<Option<f64>>>)>,
    pub goal: Option<Goal>,
    /// Fixed top of the value axis (100 for percentages); else from the data.
    pub y_max: Option<f64>,
    /// Write each bar's value above it with this many decimals.
    pub value_labels: Option<usize>,
}

/// Lines over labelled points (periods, days).
#[derive(Debug, Clone)]
pub struct Lines {
    pub title: String,
    pub y_label: String,
    /// Written across an empty chart, in the document's language.
    pub no_data: String,
    pub points: Vec<String>,
    pub series: Vec<Series>,
    pub goal: Option<Goal>,
    pub y_max: Option<f64>,
    /// Label every n-th point only (long day axes).
    pub label_every: usize,
}

/// Horizontal bars, one per label, against a goal line.
#[derive(Debug, Clone)]
pub struct HBars {
    pub title: String,
    pub x_label: String,
    /// Written across an empty chart, in the document's language.
    pub no_data: String,
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    pub goal: Option<Goal>,
}

type Result<T> = std::result::Result<T, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart drawing failed: {e:?}")
}

fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * mag >= max * 1.05 {
            return step * mag;
        }
    }
    10.0 * mag
}

fn fmt_value(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

fn axis_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The SVG with the invisible characters of its labels shown (`format::visible`); the SVG
/// plotters writes holds none of its own.
fn shown(svg: String) -> String {
    match super::format::visible(&svg) {
        std::borrow::Cow::Borrowed(_) => svg,
        std::borrow::Cow::Owned(s) => s,
    }
}

/// Draws a legend in one row below the title: a swatch and a name per entry.
fn legend(
    root: &DrawingArea<SVGBackend, Shift>,
    entries: &[(String, RGBColor, bool)],
    y: i32,
) -> Result<()> {
    let mut x = 60;
    for (name, color, is_line) in entries {
        if *is_line {
            root.draw(&PathElement::new(
                vec![(x, y + 6), (x + 14, y + 6)],
                color.stroke_width(3),
            ))
            .map_err(err)?;
        } else {
            root.draw(&Rectangle::new([(x, y), (x + 12, y + 12)], color.filled()))
                .map_err(err)?;
        }
        root.draw(&Text::new(
            name.clone(),
            (x + 18, y + 6),
            (FONT, 17)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        x += 34 + 9 * text_width(name) as i32;
    }
    Ok(())
}

/// Category or point labels under the axis at pixel columns `at`, every `every`-th one.
fn axis_labels(
    root: &DrawingArea<SVGBackend, Shift>,
    labels: &[String],
    at: &[i32],
    axis_y: i32,
    every: usize,
    size: u32,
) -> Result<()> {
    for (i, (label, x)) in labels.iter().zip(at).enumerate() {
        if i % every != 0 {
            continue;
        }
        root.draw(&Text::new(
            label.clone(),
            (*x, axis_y + 8),
            (FONT, size)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// A label's width in half-width characters: Hangul, Han and other wide characters take two,
/// so Korean and Chinese legends are spaced as wide as they are drawn.
fn text_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// One legend entry per series, in the palette's order.
fn legend_entries(series: &[Series], lines: bool) -> Vec<(String, RGBColor, bool)> {
    series
        .iter()
        .enumerate()
        .map(|(j, s)| (s.name.clone(), PALETTE[j % PALETTE.len()], lines))
        .collect()
}

fn no_data(root: &DrawingArea<SVGBackend, Shift>, w: u32, h: u32, text: &str) -> Result<()> {
    root.draw(&Text::new(
        text.to_string(),
        (w as i32 / 2, h as i32 / 2),
        (FONT, 17)
            .into_font()
            .color(&RGBColor(110, 110, 110))
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(err)
}

/// A chart with values up the side and category labels (drawn by the caller) along the bottom:
/// the frame bars and lines share.
fn vertical<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    title: &str,
    y_label: &str,
    x: std::ops::Range<f64>,
    y_max: f64,
    margin_right: u32,
) -> Result<ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22).into_font().color(&INK))
        .margin_top(8)
        .margin_left(10)
        .margin_right(margin_right)
        .margin_bottom(6)
        .x_label_area_size(58)
        .y_label_area_size(56)
        .build_cartesian_2d(x, 0f64..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|v| axis_label(*v))
        .y_desc(y_label)
        .axis_desc_style((FONT, 17).into_font().color(&INK))
        .label_style((FONT, 16).into_font().color(&INK))
        .max_light_lines(0)
        .bold_line_style(GRID)
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Grouped bars as SVG.
pub fn bars(c: &Bars) -> Result<String> {
    draw_bars(c).map(shown)
}

fn draw_bars(c: &Bars) -> Result<String> {
    let (w, h) = (760u32, 340u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = c.categories.len();
        let data_max = c
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .chain(
                c.markers
                    .iter()
                    .flat_map(|(_, m)| m.iter().flatten().flatten()),
            )
            .copied()
            .chain(c.goal.iter().map(|g| g.value))
            .fold(0.0f64, f64::max);
        let has_data = c
            .series
            .iter()
            .any(|s| s.values.iter().any(|v| v.is_some()));
        let y_max = c.y_max.unwrap_or_else(|| nice_max(data_max));
        let mut chart = vertical(
            &root,
            &c.title,
            &c.y_label,
            0f64..(n.max(1) as f64),
            y_max,
            20,
        )?;
        if !has_data {
            no_data(&root, w, h, &c.no_data)?;
            root.present().map_err(err)?;
            drop(chart);
            drop(root);
            return Ok(svg);
        }
        let k = c.series.len().max(1) as f64;
        let width = 0.8 / k;
        for (j, s) in c.series.iter().enumerate() {
            let color = PALETTE[j % PALETTE.len()];
            for (i, v) in s.values.iter().enumerate() {
                let Some(v) = *v else { continue };
                let x0 = i as f64 + 0.1 + j as f64 * width;
                let x1 = x0 + width * 0.92;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x0, 0.0), (x1, v.min(y_max))],
                        color.filled(),
                    )))
                    .map_err(err)?;
                if let Some(d) = c.value_labels {
                    // Inside a tall bar at half its height (clear of a commitment or goal
                    // tick near its top), above a short one.
                    let inside = v >= y_max * 0.15;
                    let at = if inside { v.min(y_max) / 2.0 } else { v };
                    let (px, py) = chart.backend_coord(&((x0 + x1) / 2.0, at));
                    let style = (FONT, 15).into_font();
                    let style = if inside {
                        style.color(&WHITE).pos(Pos::new(HPos::Center, VPos::Top))
                    } else {
                        style.color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom))
                    };
                    root.draw(&Text::new(
                        fmt_value(v, d),
                        (px, if inside { py } else { py - 3 }),
                        style,
                    ))
                    .map_err(err)?;
                }
                if let Some((_, marks)) = &c.markers {
                    if let Some(Some(m)) = marks.get(j).and_then(|m| m.get(i)) {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(x0 - 0.01, *m), (x1 + 0.01, *m)],
                                BLACK.stroke_width(3),
                            )))
                            .map_err(err)?;
                    }
                }
            }
        }
        if let Some(g) = &c.goal {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, g.value), (n as f64, g.value)],
                    GOAL.stroke_width(2),
                )))
                .map_err(err)?;
        }
        let at: Vec<i32> = (0..n)
            .map(|i| chart.backend_coord(&(i as f64 + 0.5, 0.0)).0)
            .collect();
        axis_labels(
            &root,
            &c.categories,
            &at,
            chart.backend_coord(&(0.0, 0.0)).1,
            1,
            17,
        )?;
        let mut entries = legend_entries(&c.series, false);
        if let Some((label, _)) = &c.markers {
            entries.push((label.clone(), BLACK, true));
        }
        if let Some(g) = &c.goal {
            entries.push((g.label.clone(), GOAL, true));
        }
        legend(&root, &entries, h as i32 - 22)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Lines as SVG.
pub fn lines(c: &Lines) -> Result<String> {
    draw_lines(c).map(shown)
}

fn draw_lines(c: &Lines) -> Result<String> {
    let (w, h) = (760u32, 320u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = c.points.len();
        let data_max = c
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .copied()
            .chain(c.goal.iter().map(|g| g.value))
            .fold(0.0f64, f64::max);
        let has_data = c
            .series
            .iter()
            .any(|s| s.values.iter().any(|v| v.is_some()));
        let y_max = c.y_max.unwrap_or_else(|| nice_max(data_max));
        let mut chart = vertical(
            &root,
            &c.title,
            &c.y_label,
            -0.5f64..(n.max(1) as f64 - 0.5),
            y_max,
            30,
        )?;
        if !has_data {
            no_data(&root, w, h, &c.no_data)?;
            root.present().map_err(err)?;
            drop(chart);
            drop(root);
            return Ok(svg);
        }
        for (j, s) in c.series.iter().enumerate() {
            let color = PALETTE[j % PALETTE.len()];
            // A gap (None) breaks the line; a lone point is drawn as a dot.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let mut flush = |run: &mut Vec<(f64, f64)>| -> Result<()> {
                if run.len() > 1 {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            run.clone(),
                            color.stroke_width(2),
                        )))
                        .map_err(err)?;
                }
                if n <= 16 || run.len() == 1 {
                    chart
                        .draw_series(
                            run.iter()
                                .map(|p| Circle::new(*p, 3, color.filled()))
                                .collect::<Vec<_>>(),
                        )
                        .map_err(err)?;
                }
                run.clear();
                Ok(())
            };
            for (i, v) in s.values.iter().enumerate() {
                match v {
                    Some(v) => run.push((i as f64, v.min(y_max))),
                    None => flush(&mut run)?,
                }
            }
            flush(&mut run)?;
        }
        if let Some(g) = &c.goal {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(-0.5, g.value), (n as f64 - 0.5, g.value)],
                    GOAL.stroke_width(2),
                )))
                .map_err(err)?;
        }
        let at: Vec<i32> = (0..n)
            .map(|i| chart.backend_coord(&(i as f64, 0.0)).0)
            .collect();
        let base = chart.backend_coord(&(0.0, 0.0)).1;
        axis_labels(&root, &c.points, &at, base, c.label_every.max(1), 16)?;
        let mut entries = legend_entries(&c.series, true);
        if let Some(g) = &c.goal {
            entries.push((g.label.clone(), GOAL, true));
        }
        legend(&root, &entries, h as i32 - 22)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Horizontal bars as SVG; a bar over the goal is drawn in the warning colour.
pub fn hbars(c: &HBars) -> Result<String> {
    draw_hbars(c).map(shown)
}

fn draw_hbars(c: &HBars) -> Result<String> {
    let n = c.labels.len();
    let (w, h) = (760u32, (120 + 26 * n.max(2)) as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let data_max = c
            .values
            .iter()
            .copied()
            .chain(c.goal.iter().map(|g| g.value))
            .fold(0.0f64, f64::max);
        let x_max = nice_max(data_max);
        let label_width = c
            .labels
            .iter()
            .map(|l| text_width(l))
            .max()
            .unwrap_or(4)
            .clamp(4, 28) as u32
            * 9
            + 12;
        let mut chart = ChartBuilder::on(&root)
            .caption(&c.title, (FONT, 22).into_font().color(&INK))
            .margin_top(8)
            .margin_left(10)
            .margin_right(30)
            .margin_bottom(6)
            .x_label_area_size(64)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0f64..x_max, 0f64..(n.max(1) as f64))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&|v| axis_label(*v))
            .x_desc(c.x_label.as_str())
            .axis_desc_style((FONT, 17).into_font().color(&INK))
            .label_style((FONT, 16).into_font().color(&INK))
            .max_light_lines(0)
            .bold_line_style(GRID)
            .draw()
            .map_err(err)?;
        if n == 0 {
            no_data(&root, w, h, &c.no_data)?;
            root.present().map_err(err)?;
            drop(chart);
            drop(root);
            return Ok(svg);
        }
        for (i, (label, v)) in c.labels.iter().zip(&c.values).enumerate() {
            // The first label at the top.
            let y = (n - 1 - i) as f64;
            let over = c.goal.as_ref().is_some_and(|g| *v > g.value);
            let color = if over { PALETTE[5] } else { PALETTE[0] };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.15), (*v, y + 0.85)],
                    color.filled(),
                )))
                .map_err(err)?;
            let (px, py) = chart.backend_coord(&(*v, y + 0.5));
            root.draw(&Text::new(
                format!("{v:.1}"),
                (px + 4, py),
                (FONT, 15)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
            let (lx, ly) = chart.backend_coord(&(0.0, y + 0.5));
            root.draw(&Text::new(
                label.clone(),
                (lx - 6, ly),
                (FONT, 16)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err)?;
        }
        if let Some(g) = &c.goal {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(g.value, 0.0), (g.value, n as f64)],
                    GOAL.stroke_width(2),
                )))
                .map_err(err)?;
            legend(&root, &[(g.label.clone(), GOAL, true)], h as i32 - 22)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_bars() -> Bars {
        Bars {
            title: "SLA compliance <by> priority".into(),
            y_label: "% met".into(),
            no_data: "no data in this period".into(),
            categories: vec!["P1".into(), "P2".into()],
            series: vec![
                Series::new("first response", vec![Some(50.0), Some(97.5)]),
                Series::new("resolution", vec![None, Some(80.0)]),
            ],
            markers: Some((
                "commitment".into(),
                vec![vec![Some(95.0), Some(95.0)], vec![None, Some(85.0)]],
            )),
            goal: None,
            y_max: Some(100.0),
            value_labels: Some(1),
        }
    }

    #[test]
    fn bars_hold_their_labels_values_and_markers() {
        let svg = bars(&sample_bars()).unwrap();
        std::fs::write("/tmp/chart_test.svg", &svg).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    }

    #[test]
    fn same_figures_same_bytes() {
        assert_eq!(bars(&sample_bars()).unwrap(), bars(&sample_bars()).unwrap());
    }

    #[test]
    fn labels_show_their_invisible_characters() {
        let hostile = "Acme \u{202E}0001\u{0}\u{200B}";
        let mut b = sample_bars();
        b.categories[0] = hostile.into();
        b.series[0].name = hostile.into();
        let l = Lines {
            title: hostile.into(),
            y_label: "%".into(),
            no_data: "no data".into(),
            points: vec![hostile.into(), "2026Q3".into()],
            series: vec![Series::new(hostile, vec![Some(1.0), Some(2.0)])],
            goal: Some(Goal {
                label: hostile.into(),
                value: 1.5,
            }),
            y_max: None,
            label_every: 1,
        };
        let h = HBars {
            title: "t".into(),
            x_label: "x".into(),
            no_data: "no data".into(),
            labels: vec![hostile.into()],
            values: vec![3.0],
            goal: None,
        };
        for svg in [bars(&b).unwrap(), lines(&l).unwrap(), hbars(&h).unwrap()] {
            assert!(!svg.contains(['\u{202E}', '\u{0}', '\u{200B}']), "{svg}");
            assert!(svg.contains("Acme ⟨U+202E⟩0001⟨U+0000⟩⟨U+200B⟩"), "{svg}");
        }
    }

    #[test]
    fn nice_axis_tops() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(9.0), 10.0);
        assert_eq!(nice_max(96.0), 100.0);
        assert_eq!(nice_max(130.0), 150.0);
    }
}
