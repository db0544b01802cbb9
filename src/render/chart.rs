//! Charts with plotters, drawn once per backend: SVG (inlined in the HTML)
//! and PNG. Text uses DejaVu Sans bundled in the binary, so PNGs look the
//! same on every machine. Two shapes cover the report: labelled horizontal
//! bars (optionally with interval whiskers) and a line over periods.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{OutputError, Result};

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
const WIDTH: u32 = 900;
const BAR: RGBColor = RGBColor(46, 109, 164);
const WHISKER: RGBColor = RGBColor(30, 30, 30);

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a known-good TTF compiled into the binary.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// Horizontal bars: one per label, with optional (low, high) whiskers.
pub struct Bars {
    pub name: String,
    pub title: String,
    pub x_label: String,
    pub labels: Vec<String>,
    pub values: Vec<Option<f64>>,
    pub whiskers: Vec<Option<(f64, f64)>>,
    /// Force the value axis to include this range (e.g. the score scale).
    pub range: Option<(f64, f64)>,
}

/// A line over ordered period labels.
pub struct Line {
    pub name: String,
    pub title: String,
    pub y_label: String,
    pub labels: Vec<String>,
    pub values: Vec<Option<f64>>,
    pub range: Option<(f64, f64)>,
}

pub enum Chart {
    Bars(Bars),
    Line(Line),
}

impl Chart {
    pub fn name(&self) -> &str {
        match self {
            Chart::Bars(b) => &b.name,
            Chart::Line(l) => &l.name,
        }
    }

    fn height(&self) -> u32 {
        match self {
            Chart::Bars(b) => (110 + 34 * b.labels.len() as u32).max(320),
            Chart::Line(_) => 420,
        }
    }

    /// The chart as an SVG document.
    pub fn svg(&self) -> Result<String> {
        register_font();
        let mut out = String::new();
        {
            let root =
                SVGBackend::with_string(&mut out, (WIDTH, self.height())).into_drawing_area();
            self.draw(&root).map_err(draw_error)?;
            root.present().map_err(draw_error)?;
        }
        Ok(out)
    }

    /// Write the chart as a PNG file.
    pub fn png(&self, path: &Path) -> Result<()> {
        register_font();
        let root = BitMapBackend::new(path, (WIDTH, self.height())).into_drawing_area();
        self.draw(&root).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
        Ok(())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        match self {
            Chart::Bars(b) => draw_bars(root, b),
            Chart::Line(l) => draw_line(root, l),
        }
    }
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw_error<E: std::error::Error + Send + Sync>(
    e: DrawingAreaErrorKind<E>,
) -> crate::error::Error {
    OutputError::Chart(e.to_string()).into()
}

/// The axis range covering the values, whiskers, zero and any forced range,
/// with a little air.
fn span(
    values: impl Iterator<Item = f64>,
    forced: Option<(f64, f64)>,
    include_zero: bool,
) -> (f64, f64) {
    let (mut lo, mut hi) = forced.unwrap_or((f64::INFINITY, f64::NEG_INFINITY));
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    (lo - if forced.is_some() { 0.0 } else { pad }, hi + pad)
}

fn draw_bars<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, b: &Bars) -> DrawResult<DB> {
    let n = b.labels.len().max(1);
    let all = b
        .values
        .iter()
        .flatten()
        .copied()
        .chain(b.whiskers.iter().flatten().flat_map(|(l, h)| [*l, *h]));
    let (lo, hi) = span(all, b.range, b.range.is_none());
    let longest = b
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(4) as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(&b.title, (FAMILY, 22))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size((longest * 8 + 16).min(340))
        .build_cartesian_2d(lo..hi, -0.5f64..(n as f64 - 0.5))?;
    let labels = b.labels.clone();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 {
                labels
                    .get(n - 1 - (i as usize).min(n - 1))
                    .cloned()
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_desc(b.x_label.as_str())
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    let base = if b.range.is_some() { lo } else { 0.0 };
    // The first label reads at the top.
    let row = |i: usize| (n - 1 - i) as f64;
    chart.draw_series(b.values.iter().enumerate().filter_map(|(i, v)| {
        let v = (*v)?;
        let y = row(i);
        Some(Rectangle::new(
            [(base, y - 0.32), (v, y + 0.32)],
            BAR.filled(),
        ))
    }))?;
    chart.draw_series(b.whiskers.iter().enumerate().filter_map(|(i, w)| {
        let (l, h) = (*w)?;
        Some(PathElement::new(
            vec![(l, row(i)), (h, row(i))],
            WHISKER.stroke_width(2),
        ))
    }))?;
    chart.draw_series(b.whiskers.iter().enumerate().flat_map(|(i, w)| {
        w.iter()
            .flat_map(move |(l, h)| {
                [*l, *h].map(|x| {
                    PathElement::new(
                        vec![(x, row(i) - 0.15), (x, row(i) + 0.15)],
                        WHISKER.stroke_width(2),
                    )
                })
            })
            .collect::<Vec<_>>()
    }))?;
    if b.range.is_none() && lo < 0.0 && hi > 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))?;
    }
    Ok(())
}

fn draw_line<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, l: &Line) -> DrawResult<DB> {
    let n = l.labels.len().max(1);
    let (lo, hi) = span(l.values.iter().flatten().copied(), l.range, false);
    let mut chart = ChartBuilder::on(root)
        .caption(&l.title, (FAMILY, 22))
        .margin(14)
        .x_label_area_size(60)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)?;
    let labels = l.labels.clone();
    // At most about ten period labels, evenly spaced.
    let step = n.div_ceil(10).max(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n * 2 + 1)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize).is_multiple_of(step) {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc(l.y_label.as_str())
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .draw()?;
    let points: Vec<(f64, f64)> = l
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
        .collect();
    chart.draw_series(LineSeries::new(points.clone(), BAR.stroke_width(3)))?;
    chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, BAR.filled())))?;
    Ok(())
}
