//! summary.html, the page a manager reads: headline figures in their units
//! with n, interval and change, findings each followed by real journeys,
//! charts that stay legible from phone to print, the tables, the example
//! cases in full, and the definitions. One self-contained document: inline
//! CSS and SVG, no script, no external request.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::render::Table;
use crate::render::html::{escape, inline_svg, table_html};
use crate::render::labels;

/// Whether a change is good news, by the figure's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Better,
    Worse,
    Level,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Better => "better",
            Tone::Worse => "worse",
            Tone::Level => "level",
        }
    }
}

/// A change against the previous period.
pub struct Change {
    /// "▲ +3.2 pts on the 2 weeks before"
    pub text: String,
    pub tone: Tone,
    /// The windows compared, in words.
    pub windows: String,
    /// Either window rests on fewer than min_n cases: greyed.
    pub thin: bool,
}

/// A headline figure.
pub struct Card {
    /// The machine name, kept as a data attribute for checks.
    pub name: String,
    pub label: String,
    pub value: String,
    /// "n = 45", "95% CI 3.52–4.12"
    pub details: Vec<String>,
    pub change: Option<Change>,
    pub definition: String,
}

/// One step of a compact timeline.
pub struct Step {
    pub when: String,
    pub what: String,
}

/// A real journey under a finding.
pub struct Example {
    pub case_id: String,
    /// "phone · Customer Care · eve.c"
    pub headline: String,
    pub steps: Vec<Step>,
    /// Steps left out of the compact view.
    pub more: usize,
}

pub struct FindingView {
    pub text: String,
    pub examples: Vec<Example>,
}

/// One customer on a call-back list (SPEC 3.10), as the page shows it.
pub struct CallItem {
    pub case_id: String,
    /// "C-1001 · Field Dispatch · tech.okafor"
    pub headline: String,
    /// When they answered and how long they have waited, or the risk.
    pub status: String,
    /// The journey's failures, one per line.
    pub failures: Vec<String>,
    /// The customer's comment (masked unless --keep-personal).
    pub quote: Option<String>,
}

/// A list of the "Call back" section: its heading, the sentence under it,
/// its first rows and how many it holds in all.
pub struct CallList {
    pub heading: String,
    pub note: String,
    pub items: Vec<CallItem>,
    pub total: usize,
    /// Where the whole list is.
    pub file: &'static str,
}

/// The "Call back" section: whom to call back and whom to call first.
pub struct CallBackView {
    pub lists: Vec<CallList>,
}

/// "What customers wrote" (SPEC 3.11): the theme table and the words that
/// set unhappy comments apart from happy ones.
pub struct CommentsView<'a> {
    /// "34 of 45 answers carry a comment."
    pub note: String,
    /// Whether any answer carries a comment: without one the section
    /// says so and shows no table of zeros.
    pub has_comments: bool,
    pub themes: &'a Table,
    pub unhappy_words: Vec<String>,
    pub happy_words: Vec<String>,
}

/// An example case in full: the tables `cxgap case` prints.
pub struct CaseView {
    pub case_id: String,
    pub tables: Vec<Table>,
}

/// A chart drawn twice: narrow for phones, wide for screens and print.
pub struct ChartView {
    pub title: String,
    pub narrow: String,
    pub wide: String,
}

pub struct Page<'a> {
    pub title: &'a str,
    pub subtitle: String,
    pub cards: &'a [Card],
    /// What the cards' changes compare, under them.
    pub cards_note: Option<&'a str>,
    pub call_back: Option<&'a CallBackView>,
    pub findings: &'a [FindingView],
    pub comments: Option<&'a CommentsView<'a>>,
    pub charts: &'a [ChartView],
    pub sections: &'a [(&'a str, Vec<&'a Table>)],
    /// Each example case's full view, in order of first appearance.
    pub cases: &'a [CaseView],
    /// (term, one-line definition) for every figure and factor shown.
    pub glossary: &'a [(String, String)],
    /// The settings the run was computed under.
    pub definitions: &'a [(String, String)],
    pub version: &'a str,
}

const CSS: &str = "\
:root{--ink:#1d2329;--muted:#5b6570;--line:#d9dee3;--accent:#2e6da4;--bg:#f6f8fa;--good:#1a7f37;--bad:#c62828}\
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}\
body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#fff}\
main{max-width:1100px;margin:0 auto;padding:12px}\
h1{font-size:1.5em;margin:.2em 0}.sub{color:var(--muted);margin:0 0 .8em}\
h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:2px solid var(--accent);padding-bottom:.2em}\
h3{font-size:1em;margin:1.2em 0 .4em;color:var(--muted)}\
p,li,dd{overflow-wrap:anywhere}\
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}\
.card{position:relative;min-width:0;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;outline:none}\
.card:focus{border-color:var(--accent)}\
.card .k{font-size:.85em;color:var(--muted)}.card .v{font-size:1.5em;font-weight:600;font-variant-numeric:tabular-nums}\
.card .d{font-size:.75em;color:var(--muted)}.card .c{font-size:.8em;font-weight:600;margin-top:.2em}\
.better{color:var(--good)}.worse{color:var(--bad)}.level,.card .c.thin{color:#8a939c}\
.card .tip{display:none;position:absolute;z-index:2;left:0;right:0;top:100%;margin-top:4px;background:var(--ink);color:#fff;font-size:.8em;padding:6px 8px;border-radius:4px}\
.card:hover .tip,.card:focus .tip{display:block}\
ol.findings{padding-left:1.3em}ol.findings>li{margin:.8em 0}\
.examples{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:8px;margin:.5em 0}\
.example{min-width:0;border-left:3px solid var(--accent);background:var(--bg);padding:6px 8px;font-size:.85em}\
.example .h{font-weight:600}.example .h span{font-weight:400;color:var(--muted)}\
.example ol{list-style:none;margin:.3em 0 0;padding:0}.example li{display:flex;gap:.5em}\
.example .t{flex:0 0 7.5em;color:var(--muted);font-variant-numeric:tabular-nums}.example .w{min-width:0;overflow-wrap:anywhere}\
.call ul{margin:.3em 0 0;padding-left:1.1em}.call blockquote{margin:.4em 0 0;font-style:italic;overflow-wrap:anywhere}\
a{color:var(--accent)}.periods{color:var(--muted);font-size:.85em;margin:.4em 0 0}\
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}\
table{border-collapse:collapse;font-size:.85em;margin:.3em 0 1em;min-width:100%}\
th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;white-space:nowrap}th{background:var(--bg)}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
tr.thin td{color:#8a939c;background:#fafafa}\
figure{margin:0 0 1.2em}figure svg{display:block;width:100%;height:auto;border:1px solid var(--line)}\
.wide{display:none}@media (min-width:700px){.narrow{display:none}.wide{display:block}}\
details.case{border-top:1px solid var(--line);margin-top:.6em}details.case summary{cursor:pointer}details.case summary h3{display:inline}\
dl{margin:0}dt{font-weight:600;margin-top:.5em}dd{margin:0 0 0 1em;color:var(--muted)}\
footer{margin-top:2em;color:var(--muted);font-size:.85em;border-top:1px solid var(--line);padding-top:.5em}\
@media print{body{font-size:11pt}main{max-width:none;padding:0}.scroll{overflow:visible}\
.narrow{display:none}.wide{display:block}.card .tip{display:none!important}\
.cards{grid-template-columns:repeat(4,1fr)}h2{break-after:avoid}\
details.case::details-content{content-visibility:visible;display:block}\
figure,table,.card,.example,details.case{break-inside:avoid}a{color:inherit;text-decoration:none}}";

fn cards_html(out: &mut String, cards: &[Card], note: Option<&str>) {
    out.push_str("<section><h2>Headline figures</h2><div class=\"cards\">");
    for c in cards {
        let _ = write!(
            out,
            "<div class=\"card\" tabindex=\"0\" data-figure=\"{}\"><div class=\"k\">{}</div><div class=\"v\">{}</div>",
            escape(&c.name),
            escape(&c.label),
            escape(&c.value)
        );
        for d in &c.details {
            let _ = write!(out, "<div class=\"d\">{}</div>", escape(d));
        }
        if let Some(ch) = &c.change {
            let _ = write!(
                out,
                "<div class=\"c {}{}\" title=\"{}\">{}</div>",
                ch.tone.class(),
                if ch.thin { " thin" } else { "" },
                escape(&ch.windows),
                escape(&ch.text)
            );
        }
        let _ = write!(
            out,
            "<div class=\"tip\" role=\"tooltip\">{}</div></div>",
            escape(&c.definition)
        );
    }
    out.push_str("</div>");
    if let Some(note) = note {
        let _ = write!(out, "<p class=\"periods\">{}</p>", escape(note));
    }
    out.push_str("</section>");
}

fn findings_html(out: &mut String, findings: &[FindingView], anchors: &BTreeMap<&str, String>) {
    if findings.is_empty() {
        return;
    }
    out.push_str("<section><h2>Findings</h2><ol class=\"findings\">");
    for f in findings {
        let _ = write!(out, "<li><p>{}</p>", escape(&f.text));
        if !f.examples.is_empty() {
            out.push_str("<div class=\"examples\">");
            for e in &f.examples {
                example_html(out, e, anchors.get(e.case_id.as_str()));
            }
            out.push_str("</div>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ol></section>");
}

/// "Case X", linked to its full view when the page holds one. `id` is
/// already escaped.
fn case_link(id: &str, anchor: Option<&String>) -> String {
    match anchor {
        Some(a) => format!("<a href=\"#{a}\">Case {id}</a>"),
        None => format!("Case {id}"),
    }
}

fn example_html(out: &mut String, e: &Example, anchor: Option<&String>) {
    let id = escape(&e.case_id);
    let name = case_link(&id, anchor);
    let _ = write!(
        out,
        "<div class=\"example\" data-case=\"{id}\"><div class=\"h\">{name} <span>{}</span></div><ol>",
        escape(&e.headline)
    );
    for s in &e.steps {
        let _ = write!(
            out,
            "<li><span class=\"t\">{}</span><span class=\"w\">{}</span></li>",
            escape(&s.when),
            escape(&s.what)
        );
    }
    if e.more > 0 {
        let more = match anchor {
            Some(a) => format!("<a href=\"#{a}\">and {} more events</a>", e.more),
            None => format!("and {} more events", e.more),
        };
        let _ = write!(
            out,
            "<li><span class=\"t\"></span><span class=\"w\">{more}</span></li>"
        );
    }
    out.push_str("</ol></div>");
}

/// What the lists are for comes first: putting things right.
const CALL_BACK_PURPOSE: &str = "For putting things right: call with the journey in hand, never to ask for a better score. Each case opens its journey in full further down.";

fn call_back_html(out: &mut String, view: &CallBackView, anchors: &BTreeMap<&str, String>) {
    let _ = write!(
        out,
        "<section id=\"call-back\"><h2>Call back</h2><p class=\"periods\">{}</p>",
        escape(CALL_BACK_PURPOSE)
    );
    for list in &view.lists {
        let _ = write!(
            out,
            "<h3>{}</h3><p>{}</p>",
            escape(&list.heading),
            escape(&list.note)
        );
        if list.items.is_empty() {
            continue;
        }
        out.push_str("<div class=\"examples\">");
        for item in &list.items {
            call_item_html(out, item, anchors.get(item.case_id.as_str()));
        }
        out.push_str("</div>");
        if list.total > list.items.len() {
            let _ = write!(
                out,
                "<p class=\"periods\">and {} more in {}</p>",
                list.total - list.items.len(),
                list.file
            );
        }
    }
    out.push_str("</section>");
}

fn call_item_html(out: &mut String, item: &CallItem, anchor: Option<&String>) {
    let id = escape(&item.case_id);
    let name = case_link(&id, anchor);
    let _ = write!(
        out,
        "<div class=\"example call\" data-case=\"{id}\"><div class=\"h\">{name} <span>{}</span></div><div>{}</div><ul>",
        escape(&item.headline),
        escape(&item.status)
    );
    for f in &item.failures {
        let _ = write!(out, "<li>{}</li>", escape(f));
    }
    out.push_str("</ul>");
    if let Some(q) = &item.quote {
        let _ = write!(out, "<blockquote>“{}”</blockquote>", escape(q));
    }
    out.push_str("</div>");
}

fn comments_html(out: &mut String, view: &CommentsView) {
    let _ = write!(
        out,
        "<section id=\"comments\"><h2>What customers wrote</h2><p>{}</p>",
        escape(&view.note)
    );
    if !view.has_comments {
        out.push_str("</section>");
        return;
    }
    table_html(out, view.themes);
    for (side, words) in [
        ("Words unhappy customers used more", &view.unhappy_words),
        ("Words happy customers used more", &view.happy_words),
    ] {
        let list = if words.is_empty() {
            "none stands out yet".to_string()
        } else {
            words.join(", ")
        };
        let _ = write!(out, "<p><b>{}:</b> {}</p>", escape(side), escape(&list));
    }
    out.push_str("</section>");
}

fn charts_html(out: &mut String, charts: &[ChartView]) {
    out.push_str("<section><h2>Charts</h2>");
    for c in charts {
        let _ = write!(
            out,
            "<figure aria-label=\"{}\"><div class=\"narrow\">{}</div><div class=\"wide\">{}</div></figure>",
            escape(&c.title),
            inline_svg(&c.narrow),
            inline_svg(&c.wide)
        );
    }
    out.push_str("</section>");
}

fn definitions_html(out: &mut String, p: &Page) {
    out.push_str("<section id=\"definitions\"><h2>Definitions</h2><dl>");
    for (term, text) in p.glossary {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(text));
    }
    out.push_str("</dl></section>");
}

pub fn render(p: &Page) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body><main><h1>{}</h1><p class=\"sub\">{}</p>",
        escape(p.title),
        escape(p.title),
        escape(&p.subtitle)
    );
    // Anchors by order of appearance: case ids may hold any character.
    let anchors: BTreeMap<&str, String> = p
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.case_id.as_str(), format!("case-{}", i + 1)))
        .collect();
    cards_html(&mut out, p.cards, p.cards_note);
    if let Some(view) = p.call_back {
        call_back_html(&mut out, view, &anchors);
    }
    findings_html(&mut out, p.findings, &anchors);
    if let Some(view) = p.comments {
        comments_html(&mut out, view);
    }
    charts_html(&mut out, p.charts);
    for (heading, tables) in p.sections {
        let _ = write!(out, "<section><h2>{}</h2>", escape(heading));
        for t in tables {
            table_html(&mut out, t);
        }
        out.push_str("</section>");
    }
    if !p.cases.is_empty() {
        out.push_str("<section><h2>The example journeys in full</h2><p class=\"periods\">Each opens on a tap, or from its link above.</p>");
        for c in p.cases {
            let anchor = anchors.get(c.case_id.as_str()).cloned().unwrap_or_default();
            // Folded: the page stays short on a phone, and a link to the
            // case opens it (a fragment inside a closed <details> reveals
            // it); print opens them all.
            let _ = write!(
                out,
                "<details class=\"case\"><summary><h3>Case {}</h3></summary><div id=\"{anchor}\">",
                escape(&c.case_id)
            );
            for t in &c.tables {
                table_html(&mut out, t);
            }
            out.push_str("</div></details>");
        }
        out.push_str("</section>");
    }
    definitions_html(&mut out, p);
    out.push_str("<footer><p>Computed under: ");
    let defs: Vec<String> = p
        .definitions
        .iter()
        .map(|(k, v)| format!("{} = {}", escape(k), escape(v)))
        .collect();
    out.push_str(&defs.join("; "));
    let _ = writeln!(
        out,
        ".</p><p>Rows marked grey rest on fewer than min_n cases: read them with care. Every figure is defined in cxgap's docs/metrics.md; generated by cxgap {}.</p></footer></main></body></html>",
        escape(p.version)
    );
    out
}

/// The glossary entry of a figure or factor name, if it has one.
pub fn glossary_entry(name: &str) -> Option<(String, String)> {
    if let Some(f) = labels::figure(name) {
        return Some((f.label.to_string(), f.definition.to_string()));
    }
    labels::factor(name).map(|(l, d)| (l.to_string(), d.to_string()))
}
