//! Case attributes beside a long log (SPEC 1.5): one row per case (team,
//! product, region, priority), joined onto the journeys by case_id. Every
//! column but the id is a case dimension; team, agent and channel, when
//! the table has them, set the case's owner over what the log says.

use crate::error::Result;
use crate::input::config::{InputSpec, RunConfig};
use crate::input::format::scan::Scanned;
use crate::input::rows::fields::{self, Checked, rule, text, text_or_null};
use crate::input::shape::columns::ColumnMap;

/// The owner columns a case table may set.
pub const OWNERS: [&str; 3] = ["team", "agent", "channel"];

/// Columns of the validated case table, besides its dimensions.
pub const COLUMNS: &[&str] = &["line", "case_id", "team", "agent", "channel"];

/// Its dimensions: every column but the mapped ones.
pub fn dimensions(cols: &ColumnMap) -> Vec<String> {
    super::dimensions(cols, COLUMNS)
}

pub fn check(
    scanned: &Scanned,
    cols: &ColumnMap,
    _spec: &InputSpec,
    cfg: &RunConfig,
) -> Result<Checked> {
    let case = cols.get("case_id").unwrap_or_default().to_string();
    let mut rules = fields::structure_rules(scanned);
    rules.push(rule(text(&case).is_null(), "empty_case_id", &case));
    let mut exprs = vec![fields::line(), text(&case).alias("case_id")];
    exprs.push(text_or_null(cols, "team").alias("team"));
    exprs.push(text_or_null(cols, "agent").alias("agent"));
    exprs.push(fields::lowercase(text_or_null(cols, "channel")).alias("channel"));
    exprs.extend(dimensions(cols).iter().map(|d| text(d).alias(d.as_str())));
    exprs.push(fields::reason_code(&rules));
    exprs.extend(fields::raw_columns(scanned));
    let prepared = fields::prepared(scanned, cfg, &[])?;
    let mut checked = Checked::new(prepared.lf.select(exprs), &rules).counting(prepared.tally);
    // One row per case: a second row for a case is rejected.
    checked.reject_repeated("duplicate_case_id", &case, "case_id");
    Ok(checked)
}
