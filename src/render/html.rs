//! HTML pieces the page is made of: escaping, tables as people read them
//! (labels for machine names, thin rows greyed), inline SVG. Every figure
//! comes from the same `Table` values the CSV and JSON files hold.

use std::fmt::Write as _;

use crate::render::{Table, human_row, labels};

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Whether a row rests on fewer than min_n cases (the tables mark such
/// rows `n<min_n` in their thin or flag column).
fn is_thin(row: &[serde_json::Value]) -> bool {
    row.iter()
        .any(|v| v.as_str().is_some_and(|s| s.contains("n<min_n")))
}

pub fn table_html(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        "<h3>{}</h3><div class=\"scroll\"><table data-table=\"{}\"><thead><tr>",
        escape(&t.title),
        escape(&t.name)
    );
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", escape(&labels::words(c)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        if is_thin(r) {
            out.push_str("<tr class=\"thin\" title=\"fewer than min_n cases\">");
        } else {
            out.push_str("<tr>");
        }
        for ((v, text), column) in r.iter().zip(human_row(t, r)).zip(&t.columns) {
            let class = if v.is_number() { " class=\"n\"" } else { "" };
            // "Miss rate 33.3%", not 0.3333.
            let text = match v.as_f64() {
                Some(x) if labels::is_share(column) => format!("{:.1}%", x * 100.0),
                _ => text,
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&text));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

/// An SVG document ready to inline: no XML prolog, and no namespace
/// attribute (HTML5 needs none), so the page names no outside address.
pub fn inline_svg(svg: &str) -> String {
    let body = svg.find("<svg").map(|i| &svg[i..]).unwrap_or(svg);
    body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}
