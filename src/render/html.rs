//! summary.html: one self-contained page (inline CSS and SVG, no script, no
//! external request), readable on a phone and printable. Every figure comes
//! from the same `Table` values the CSV and JSON files hold.

use std::fmt::Write as _;

use crate::render::{Table, cell_text};

pub struct Page<'a> {
    pub title: &'a str,
    pub headline: &'a Table,
    pub findings: &'a [String],
    /// (title, inline SVG document)
    pub charts: &'a [(String, String)],
    pub sections: &'a [(&'a str, Vec<&'a Table>)],
    pub definitions: &'a [(String, String)],
    pub version: &'a str,
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = "\
:root{--ink:#1d2329;--muted:#5b6570;--line:#d9dee3;--accent:#2e6da4;--bg:#f6f8fa}\
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#fff}\
main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:2px solid var(--accent);padding-bottom:.2em}\
h3{font-size:1em;margin:1.2em 0 .4em;color:var(--muted)}\
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}\
.card{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px}\
.card .v{font-size:1.5em;font-weight:600}.card .k{color:var(--muted);font-size:.85em}\
ul.findings li{margin:.35em 0}\
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\
table{border-collapse:collapse;font-size:.85em;margin:.3em 0 1em;min-width:100%}\
th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;white-space:nowrap}th{background:var(--bg)}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
figure{margin:0 0 1em}figure svg{max-width:100%;height:auto;border:1px solid var(--line)}\
footer{margin-top:2em;color:var(--muted);font-size:.85em;border-top:1px solid var(--line);padding-top:.5em}\
@media print{main{max-width:none}.scroll{overflow:visible}h2{break-after:avoid}figure,table{break-inside:avoid}}";

fn table_html(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        "<h3>{}</h3><div class=\"scroll\"><table><thead><tr>",
        escape(&t.title)
    );
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        out.push_str("<tr>");
        for v in r {
            let class = if v.is_number() { " class=\"n\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", escape(&cell_text(v, true)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

/// An SVG document ready to inline: no XML prolog, and no namespace
/// attribute (HTML5 needs none), so the page names no outside address.
fn inline_svg(svg: &str) -> String {
    let body = svg.find("<svg").map(|i| &svg[i..]).unwrap_or(svg);
    body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

pub fn render(p: &Page) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body><main><h1>{}</h1>",
        escape(p.title),
        escape(p.title)
    );
    out.push_str("<section><h2>Headline figures</h2><div class=\"cards\">");
    let fig = p
        .headline
        .columns
        .iter()
        .position(|c| c == "figure")
        .unwrap_or(0);
    let val = p
        .headline
        .columns
        .iter()
        .position(|c| c == "value")
        .unwrap_or(1);
    for r in &p.headline.rows {
        let value = cell_text(&r[val], true);
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
            escape(if value.is_empty() { "n/a" } else { &value }),
            escape(&cell_text(&r[fig], true).replace('_', " "))
        );
    }
    out.push_str("</div></section>");
    if !p.findings.is_empty() {
        out.push_str("<section><h2>Findings</h2><ul class=\"findings\">");
        for f in p.findings {
            let _ = write!(out, "<li>{}</li>", escape(f));
        }
        out.push_str("</ul></section>");
    }
    out.push_str("<section><h2>Charts</h2>");
    for (title, svg) in p.charts {
        let _ = write!(
            out,
            "<figure aria-label=\"{}\">{}</figure>",
            escape(title),
            inline_svg(svg)
        );
    }
    out.push_str("</section>");
    for (heading, tables) in p.sections {
        let _ = write!(out, "<section><h2>{}</h2>", escape(heading));
        for t in tables {
            table_html(&mut out, t);
        }
        out.push_str("</section>");
    }
    out.push_str("<footer><p>Computed under: ");
    let defs: Vec<String> = p
        .definitions
        .iter()
        .map(|(k, v)| format!("{} = {}", escape(k), escape(v)))
        .collect();
    out.push_str(&defs.join("; "));
    let _ = writeln!(
        out,
        ".</p><p>Definitions follow the cxgap specification (SPEC sections 2 and 3); generated by cxgap {}.</p></footer></main></body></html>",
        escape(p.version)
    );
    out
}
