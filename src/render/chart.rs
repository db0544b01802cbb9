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
pub(crate) const FAMILY: &str = "sans-serif";
/// Chart files and the page's wide view.
pub const WIDE: u32 = 900;
/// The page's phone view: drawn narrow rather than shrunk, so text stays
/// readable.
pub const NARROW: u32 = 420;
const BAR: RGBColor = RGBColor(46, 109, 164);
/// Bars resting on fewer than min_n cases.
const THIN: RGBColor = RGBColor(178, 184, 190);
const WHISKER: RGBColor = RGBColor(30, 30, 30);

pub(crate) fn register_font() {
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
    /// Bars resting on fewer than min_n cases, drawn grey.
    pub thin: Vec<bool>,
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

    pub fn title(&self) -> &str {
        match self {
            Chart::Bars(b) => &b.title,
            Chart::Line(l) => &l.title,
        }
    }

    fn height(&self, width: u32) -> u32 {
        match self {
            Chart::Bars(b) => (110 + 34 * b.labels.len() as u32).max(320),
            Chart::Line(_) => 420 * width.max(NARROW) / WIDE + 60,
        }
    }

    /// The chart as an SVG document `width` pixels wide.
    pub fn svg(&self, width: u32) -> Result<String> {
        register_font();
        let mut out = String::new();
        {
            let root =
                SVGBackend::with_string(&mut out, (width, self.height(width))).into_drawing_area();
            self.draw(&root, width).map_err(draw_error)?;
            root.present().map_err(draw_error)?;
        }
        Ok(out)
    }

    /// Write the chart as a PNG file, drawn wide.
    pub fn png(&self, path: &Path) -> Result<()> {
        register_font();
        let root = BitMapBackend::new(path, (WIDE, self.height(WIDE))).into_drawing_area();
        self.draw(&root, WIDE).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
        Ok(())
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        width: u32,
    ) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        match self {
            Chart::Bars(b) => draw_bars(root, b, width),
            Chart::Line(l) => draw_line(root, l, width),
        }
    }
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

pub(crate) fn draw_error<E: std::error::Error + Send + Sync>(
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

/// A label cut to `max` characters, so a narrow chart keeps room for bars.
fn cut(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Words wrapped to lines that fit `width` pixels at `size` points (an
/// average glyph of the bundled font is about 0.55 em wide).
pub(crate) fn wrap(text: &str, width: f64, size: u32) -> Vec<String> {
    let per_line = (width / (size as f64 * 0.55)).max(10.0) as usize;
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= per_line => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Draw the title (wrapped) and return the area under it.
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    width: u32,
) -> std::result::Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let size = if width < WIDE { 18 } else { 22 };
    let lines = wrap(title, width as f64 - 20.0, size);
    let line_height = size as i32 + 6;
    for (i, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (width as i32 / 2, 10 + i as i32 * line_height),
            (FAMILY, size)
                .into_font()
                .color(&BLACK)
                .pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Top,
                )),
        ))?;
    }
    let (_, rest) = root.split_vertically(14 + lines.len() as i32 * line_height);
    Ok(rest)
}

fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    b: &Bars,
    width: u32,
) -> DrawResult<DB> {
    let n = b.labels.len().max(1);
    let all = b
        .values
        .iter()
        .flatten()
        .copied()
        .chain(b.whiskers.iter().flatten().flat_map(|(l, h)| [*l, *h]));
    let (lo, hi) = span(all, b.range, b.range.is_none());
    // At most about 40% of the width for labels.
    let max_chars = ((width as f64 * 0.4 - 16.0) / 8.0) as usize;
    let labels: Vec<String> = b.labels.iter().map(|l| cut(l, max_chars)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32;
    let area = titled(root, &b.title, width)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(longest * 8 + 16)
        .build_cartesian_2d(lo..hi, -0.5f64..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        // A light major grid is enough; plotters' minor lines crowd it.
        .max_light_lines(0)
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
        let colour = if b.thin.get(i).copied().unwrap_or(false) {
            THIN
        } else {
            BAR
        };
        Some(Rectangle::new(
            [(base, y - 0.32), (v, y + 0.32)],
            colour.filled(),
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

fn draw_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    l: &Line,
    width: u32,
) -> DrawResult<DB> {
    let n = l.labels.len().max(1);
    let (lo, hi) = span(l.values.iter().flatten().copied(), l.range, false);
    let area = titled(root, &l.title, width)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(14)
        .x_label_area_size(60)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)?;
    let labels = l.labels.clone();
    // At most about ten period labels (four on a phone), evenly spaced.
    let fit = if width < WIDE { 4 } else { 10 };
    let step = n.div_ceil(fit).max(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
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
