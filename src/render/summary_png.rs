//! summary.png: the headline figures and the top findings on one image, for
//! e-mail and chat. Drawn with plotters and the bundled font, like the
//! charts, so it looks the same on every machine.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::Result;
use crate::render::chart::{FAMILY, draw_error, register_font, wrap};
use crate::render::page::{Card, Tone};

const WIDTH: u32 = 1200;
const MARGIN: i32 = 40;
const PER_ROW: usize = 4;
const CARD_H: i32 = 146;
const GAP: i32 = 14;
const FINDING_SIZE: u32 = 19;
const INK: RGBColor = RGBColor(29, 35, 41);
const MUTED: RGBColor = RGBColor(91, 101, 112);
const CARD_BG: RGBColor = RGBColor(246, 248, 250);
const ACCENT: RGBColor = RGBColor(46, 109, 164);

fn tone_colour(t: Tone) -> RGBColor {
    match t {
        Tone::Better => RGBColor(26, 127, 55),
        Tone::Worse => RGBColor(198, 40, 40),
        Tone::Level => MUTED,
    }
}

/// Cut to fit a card.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

pub fn draw(
    path: &Path,
    title: &str,
    subtitle: &str,
    cards: &[Card],
    findings: &[&str],
    call_back: &[String],
) -> Result<()> {
    register_font();
    let inner = WIDTH as i32 - 2 * MARGIN;
    let card_w = (inner - GAP * (PER_ROW as i32 - 1)) / PER_ROW as i32;
    let rows = cards.len().div_ceil(PER_ROW) as i32;
    let cards_top = 110;
    let findings_top = cards_top + rows * (CARD_H + GAP) + 30;
    let wrapped: Vec<Vec<String>> = findings
        .iter()
        .map(|f| wrap(f, (inner - 30) as f64, FINDING_SIZE))
        .collect();
    let calls: Vec<Vec<String>> = call_back
        .iter()
        .map(|c| wrap(c, (inner - 30) as f64, FINDING_SIZE))
        .collect();
    let line_h = FINDING_SIZE as i32 + 8;
    let block_h = |blocks: &[Vec<String>]| {
        blocks
            .iter()
            .map(|l| l.len() as i32 * line_h + 12)
            .sum::<i32>()
            + 50
    };
    let findings_h = block_h(&wrapped) + if calls.is_empty() { 0 } else { block_h(&calls) };
    let height = (findings_top + findings_h + MARGIN) as u32;

    let root = BitMapBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let top_left = Pos::new(HPos::Left, VPos::Top);
    let text = |s: &str, x: i32, y: i32, size: u32, colour: RGBColor| {
        root.draw(&Text::new(
            s.to_string(),
            (x, y),
            (FAMILY, size).into_font().color(&colour).pos(top_left),
        ))
        .map_err(draw_error)
    };
    text(title, MARGIN, 28, 30, INK)?;
    text(subtitle, MARGIN, 70, 17, MUTED)?;
    for (i, c) in cards.iter().enumerate() {
        let x = MARGIN + (i % PER_ROW) as i32 * (card_w + GAP);
        let y = cards_top + (i / PER_ROW) as i32 * (CARD_H + GAP);
        root.draw(&Rectangle::new(
            [(x, y), (x + card_w, y + CARD_H)],
            CARD_BG.filled(),
        ))
        .map_err(draw_error)?;
        root.draw(&Rectangle::new(
            [(x, y), (x + 4, y + CARD_H)],
            ACCENT.filled(),
        ))
        .map_err(draw_error)?;
        let chars = (card_w as f64 / 8.5) as usize;
        text(&fit(&c.label, chars), x + 14, y + 10, 16, MUTED)?;
        text(&fit(&c.value, chars / 2), x + 14, y + 34, 34, INK)?;
        if !c.details.is_empty() {
            text(
                &fit(&c.details.join(" · "), chars + 4),
                x + 14,
                y + 78,
                14,
                MUTED,
            )?;
        }
        if let Some(ch) = &c.change {
            // A change too long for one line ("… ▲ +12.4 pts (n<30)") puts
            // its note on a second line rather than losing it.
            let (first, second) = match ch.text.rsplit_once(" (") {
                Some((a, b)) if ch.text.chars().count() > chars + 4 => (a, Some(format!("({b}"))),
                _ => (ch.text.as_str(), None),
            };
            let colour = tone_colour(ch.tone);
            text(&fit(first, chars + 4), x + 14, y + 100, 14, colour)?;
            if let Some(second) = second {
                text(&fit(&second, chars + 4), x + 14, y + 119, 14, colour)?;
            }
        }
    }
    text("Top findings", MARGIN, findings_top, 22, INK)?;
    let mut y = findings_top + 40;
    for (i, lines) in wrapped.iter().enumerate() {
        text(&format!("{}.", i + 1), MARGIN, y, FINDING_SIZE, ACCENT)?;
        for line in lines {
            text(line, MARGIN + 30, y, FINDING_SIZE, INK)?;
            y += line_h;
        }
        y += 12;
    }
    if !calls.is_empty() {
        y += 18;
        text("Call back", MARGIN, y, 22, INK)?;
        y += 40;
        for lines in &calls {
            text("•", MARGIN, y, FINDING_SIZE, ACCENT)?;
            for line in lines {
                text(line, MARGIN + 30, y, FINDING_SIZE, INK)?;
                y += line_h;
            }
            y += 12;
        }
    }
    root.present().map_err(draw_error)?;
    Ok(())
}
