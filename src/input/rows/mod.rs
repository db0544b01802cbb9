//! The rules per value and per row: what is missing, what a timestamp
//! reads as, and each input's own checks.

pub mod cases;
pub mod contacts;
pub mod events;
pub mod fields;
pub mod surveys;
pub mod timestamp;

use crate::input::shape::columns::ColumnMap;

/// An input's unmapped columns that become dimensions: all but those that
/// would shadow a column of its validated frame (`canonical`) and a blank
/// header's placeholder (`column_N`).
fn dimensions(cols: &ColumnMap, canonical: &[&str]) -> Vec<String> {
    cols.extra
        .iter()
        .filter(|c| !canonical.contains(&c.as_str()) && !c.starts_with("column_"))
        .cloned()
        .collect()
}
