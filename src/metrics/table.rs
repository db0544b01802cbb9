//! A report table: a title, named columns and JSON-typed rows. Metrics
//! build it once; `render` writes the same values as a terminal table, CSV,
//! JSON, Markdown or HTML, so every format shows the same figures.

use chrono::DateTime;
use polars::prelude::*;
use serde_json::{Map, Value};

/// A titled table of JSON-typed values; the same data in every format.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(name: &str, title: &str, columns: &[&str]) -> Table {
        Table {
            name: name.into(),
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// A small frame as a table (report tables, a case's timeline): one pass
    /// over its rows, never used on the big frames.
    pub fn from_frame(name: &str, title: &str, df: &DataFrame) -> PolarsResult<Table> {
        let columns: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let cols = df.columns();
        let rows = (0..df.height())
            .map(|i| {
                cols.iter()
                    .map(|c| c.get(i).map(|v| to_value(&v)))
                    .collect::<PolarsResult<Vec<Value>>>()
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(Table {
            name: name.into(),
            title: title.into(),
            columns,
            rows,
        })
    }

    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    for (c, v) in self.columns.iter().zip(r) {
                        m.insert(c.clone(), v.clone());
                    }
                    Value::Object(m)
                })
                .collect(),
        )
    }
}

impl Table {
    /// One column as numbers (null where missing or not a number).
    pub fn numbers(&self, column: &str) -> Vec<Option<f64>> {
        let i = self.columns.iter().position(|c| c == column);
        self.rows
            .iter()
            .map(|r| i.and_then(|i| r[i].as_f64()))
            .collect()
    }

    /// One column as text.
    pub fn texts(&self, column: &str) -> Vec<String> {
        let i = self.columns.iter().position(|c| c == column);
        self.rows
            .iter()
            .map(|r| i.map(|i| plain_text(&r[i])).unwrap_or_default())
            .collect()
    }
}

/// A cell as plain text (chart labels): strings as they are, numbers as
/// JSON writes them, null empty.
fn plain_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One rule for turning engine values into table values, so tables, CSV,
/// JSON and HTML agree: datetimes as ISO 8601 UTC, missing and non-finite
/// numbers as null (never `NaN` printed as a number).
pub fn to_value(v: &AnyValue) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String(s.to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(x) => (*x).into(),
        AnyValue::Int16(x) => (*x).into(),
        AnyValue::Int32(x) => (*x).into(),
        AnyValue::Int64(x) => (*x).into(),
        AnyValue::UInt8(x) => (*x).into(),
        AnyValue::UInt16(x) => (*x).into(),
        AnyValue::UInt32(x) => (*x).into(),
        AnyValue::UInt64(x) => (*x).into(),
        AnyValue::Float32(x) => float(*x as f64),
        AnyValue::Float64(x) => float(*x),
        AnyValue::Date(d) => Value::String(
            chrono::NaiveDate::default()
                .checked_add_signed(chrono::Duration::days(*d as i64))
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        AnyValue::Datetime(x, unit, _) | AnyValue::DatetimeOwned(x, unit, _) => {
            let ms = match unit {
                TimeUnit::Milliseconds => *x,
                TimeUnit::Microseconds => x / 1_000,
                TimeUnit::Nanoseconds => x / 1_000_000,
            };
            Value::String(iso(ms))
        }
        other => Value::String(other.to_string()),
    }
}

/// Milliseconds since the epoch as `2026-11-22T15:04:05Z`.
pub fn iso(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn float(x: f64) -> Value {
    serde_json::Number::from_f64(x)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}
