//! How a table value reads as text in the terminal, CSV and Markdown.

use serde_json::Value;

/// Text of a cell: empty for null; with `pretty`, floats get two decimals.
pub fn cell_text(v: &Value, pretty: bool) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        // Up to four decimals, trailing zeros dropped, never "-0".
        Value::Number(n) if pretty && n.is_f64() => {
            let f = n.as_f64().unwrap_or_default();
            let text = format!("{f:.4}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            if text == "-0" {
                "0".into()
            } else {
                text.to_string()
            }
        }
        // Whole floats print as integers in text formats ("7", not "7.0").
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or_default();
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                n.to_string()
            }
        }
        other => other.to_string(),
    }
}
