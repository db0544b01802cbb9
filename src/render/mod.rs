//! Rendering tables: built once as a `Table` (from a small DataFrame), then
//! written as a terminal table, CSV, JSON or Markdown by one function.

pub mod chart;
pub mod files;
pub mod folder;
pub mod html;
pub mod labels;
pub mod lock;
pub mod page;
pub mod summary_png;
pub mod target;
pub mod term;
pub mod units;
pub mod value;

use comfy_table::{Cell, ContentArrangement, presets};
use serde_json::{Map, Value};

use term::Term;

pub use crate::metrics::table::Table;
pub use value::cell_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum TableFormat {
    /// Aligned terminal table
    #[default]
    Table,
    /// Comma-separated values with a header row
    Csv,
    /// A JSON document
    Json,
    /// A GitHub-flavoured Markdown table
    Markdown,
}

/// Render several tables in one format. JSON is one object keyed by table
/// name (a single table is just its array); CSV and Markdown separate tables
/// with their titles.
pub fn render(tables: &[Table], format: TableFormat, term: &Term) -> String {
    match format {
        TableFormat::Json => {
            let v = if tables.len() == 1 {
                tables[0].json()
            } else {
                let mut m = Map::new();
                for t in tables {
                    m.insert(t.name.clone(), t.json());
                }
                Value::Object(m)
            };
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        TableFormat::Csv => {
            let mut out = String::new();
            for (i, t) in tables.iter().enumerate() {
                if tables.len() > 1 {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&format!("# {}\n", t.name));
                }
                out.push_str(&csv_text(t));
            }
            out
        }
        TableFormat::Markdown => tables.iter().map(markdown).collect::<Vec<_>>().join("\n"),
        TableFormat::Table => tables
            .iter()
            .map(|t| terminal(t, term))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

pub fn csv_text(t: &Table) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&t.columns);
    for r in &t.rows {
        let _ = w.write_record(r.iter().map(|v| cell_text(v, false)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A row as people read it: figure and factor names as their labels.
pub fn human_row(t: &Table, row: &[Value]) -> Vec<String> {
    t.columns
        .iter()
        .zip(row)
        .map(|(c, v)| match v {
            Value::String(s) if labels::names_a_label(c) => labels::words(s).into_owned(),
            _ => cell_text(v, true),
        })
        .collect()
}

fn markdown(t: &Table) -> String {
    let esc = |s: String| s.replace('|', "\\|");
    let mut out = format!("### {}\n\n| {} |\n|", t.title, t.columns.join(" | "));
    for _ in &t.columns {
        out.push_str("---|");
    }
    out.push('\n');
    for r in &t.rows {
        let cells: Vec<String> = r.iter().map(|v| esc(cell_text(v, true))).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

fn terminal(t: &Table, term: &Term) -> String {
    let title = if term.color {
        format!("\x1b[1m{}\x1b[0m", t.title)
    } else {
        t.title.clone()
    };
    // An empty table says so in a word rather than drawing a header over
    // nothing.
    if t.rows.is_empty() {
        return format!("{title}\n  none\n");
    }
    let mut table = comfy_table::Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // Our policy, not comfy-table's own tty check, decides styling and width.
    if term.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let header: Vec<Cell> = t
        .columns
        .iter()
        .map(|c| {
            let cell = Cell::new(labels::words(c));
            if term.color {
                cell.add_attribute(comfy_table::Attribute::Bold)
            } else {
                cell
            }
        })
        .collect();
    table.set_header(header);
    for r in &t.rows {
        table.add_row(human_row(t, r));
    }
    format!("{title}\n{table}\n")
}
