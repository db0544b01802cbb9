//! One rule for turning engine values into output values, so tables, CSV,
//! JSON and HTML agree: datetimes as ISO 8601 UTC, missing and non-finite
//! numbers as null (never `NaN` printed as a number).

use chrono::DateTime;
use polars::prelude::*;
use serde_json::Value;

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
