//! Field parsers and row rules shared by the three inputs, all as lazy
//! expressions: a row's fate is decided by the engine, not a Rust loop.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use polars::prelude::*;

use crate::error::{InputError, Result};
use crate::input::config::{InputSpec, RunConfig};
use crate::input::format::scan::{LINE, Scanned};
use crate::input::format::structure::{DamageKind, RAW_LINE};
use crate::input::rows::timestamp::{self, Choice, Layout, Order, Zone};
use crate::input::shape::columns::ColumnMap;

pub const REASON: &str = "__reason";

/// A user column of the `prepared` scan as text: already trimmed, empty as
/// null (a native number or date is cast).
pub fn text(user_col: &str) -> Expr {
    col(user_col).cast(DataType::String)
}

/// Values that stand for "missing" in real exports (SPEC 1.6), compared
/// after trimming and in any case. Config `missing = [...]` replaces them.
pub const MISSING: &[&str] = &["?", "-", "N/A", "NA", "null", "NULL", "None", "NaN"];

/// What `validate` calls a "not yet" date among the missing values.
pub const NOT_YET: &str = "a not-yet date (1900-01-01, ...)";

/// Cells that meant "missing", by column and by what they held (a marker
/// as the config lists it, or `NOT_YET`), counted as the scan trims them.
#[derive(Debug, Default)]
pub struct Tally(Mutex<BTreeMap<String, BTreeMap<String, u64>>>);

impl Tally {
    fn add(&self, column: &str, counts: BTreeMap<String, u64>) {
        if counts.is_empty() {
            return;
        }
        if let Ok(mut t) = self.0.lock() {
            let by_kind = t.entry(column.to_string()).or_default();
            for (kind, n) in counts {
                *by_kind.entry(kind).or_insert(0) += n;
            }
        }
    }

    /// The counts so far: column -> what the cells held -> cells.
    pub fn take(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        self.0
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default()
    }
}

/// What a cell must not be taken for: the missing markers, and, for time
/// columns, the dates systems write for "not yet"; and where to count them.
#[derive(Clone)]
struct Blanks {
    markers: Arc<Vec<String>>,
    longest: usize,
    sentinels: bool,
    column: String,
    tally: Arc<Tally>,
}

impl Blanks {
    /// Whether a trimmed, non-empty cell is missing: the marker it is (as
    /// the list spells it) or `NOT_YET`.
    fn kind(&self, s: &str) -> Option<&str> {
        if s.len() <= self.longest
            && let Some(m) = self.markers.iter().find(|m| m.eq_ignore_ascii_case(s))
        {
            return Some(m);
        }
        (self.sentinels && timestamp::is_sentinel(s)).then_some(NOT_YET)
    }
}

/// The scan the checks run on, and the tally of its missing cells.
pub struct Prepared {
    pub lf: LazyFrame,
    pub tally: Arc<Tally>,
}

/// The scan the checks run on: every text column trimmed in place, empty
/// cells and missing markers (`cfg.missing`) null, the "not yet" dates of
/// the time columns `times` null too (each counted in the tally), and the
/// untouched originals kept as `__raw_0..` for the rejects. Trimming once
/// here, in a stage of its own, matters: the engine does not share a
/// subexpression across when/then branches, so a rule that trimmed (or
/// parsed) inline would redo the work for every rule reading it.
pub fn prepared(scanned: &Scanned, cfg: &RunConfig, times: &[&str]) -> PolarsResult<Prepared> {
    let tally = Arc::new(Tally::default());
    let markers = Arc::new(cfg.missing.clone());
    let longest = cfg.missing.iter().map(String::len).max().unwrap_or(0);
    let schema = scanned.lf.clone().collect_schema()?;
    let raw: Vec<Expr> = scanned
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| col(c.as_str()).alias(raw_name(i)))
        .collect();
    let trimmed: Vec<Expr> = scanned
        .columns
        .iter()
        .filter(|c| schema.get(c.as_str()) == Some(&DataType::String))
        .map(|c| {
            let blanks = Blanks {
                markers: markers.clone(),
                longest,
                sentinels: times.contains(&c.as_str()),
                column: c.clone(),
                tally: tally.clone(),
            };
            col(c.as_str()).map_with_fmt_str(
                move |c| trim_or_null(c, &blanks),
                |_, f| Ok(f.clone()),
                "trim_or_null",
            )
        })
        .collect();
    Ok(Prepared {
        lf: scanned.lf.clone().with_columns(raw).with_columns(trimmed),
        tally,
    })
}

/// A text column trimmed, empty and missing cells null. A clean column
/// (the usual case) comes back as it is, sharing its buffers: the check
/// reads every value once and allocates nothing, where the engine's
/// strip-then-compare would copy every column twice. Only a column with a
/// padded, empty or missing cell is rebuilt.
fn trim_or_null(c: Column, blanks: &Blanks) -> PolarsResult<Column> {
    let ca = c.str()?;
    let clean = ca.iter().all(|v| {
        v.is_none_or(|s| !s.is_empty() && s.trim().len() == s.len() && blanks.kind(s).is_none())
    });
    if clean {
        return Ok(c);
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let out: StringChunked = ca
        .iter()
        .map(|v| {
            v.map(str::trim).filter(|s| match blanks.kind(s) {
                _ if s.is_empty() => false,
                Some(kind) => {
                    *counts.entry(kind.to_string()).or_insert(0) += 1;
                    false
                }
                None => true,
            })
        })
        .collect();
    blanks.tally.add(&blanks.column, counts);
    Ok(out.with_name(ca.name().clone()).into_column())
}

/// Text in lower case. A column already in lower case (the usual case for
/// channels and kinds) comes back as it is; the engine's own lowercase
/// rebuilds every string char by char, 0.7 s per column of 8.5M rows.
pub fn lowercase(text: Expr) -> Expr {
    text.map_with_fmt_str(lowercase_column, |_, f| Ok(f.clone()), "lowercase")
}

fn has_upper(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        s.chars().any(char::is_uppercase)
    }
}

fn lowercase_column(c: Column) -> PolarsResult<Column> {
    let ca = c.str()?;
    if !ca.iter().flatten().any(has_upper) {
        return Ok(c);
    }
    let out: StringChunked = ca.iter().map(|v| v.map(str::to_lowercase)).collect();
    Ok(out.with_name(ca.name().clone()).into_column())
}

/// Each value looked up case-insensitively in `map` (keys in lower case);
/// values it lacks become `default`. A column holds a handful of distinct
/// names, so each is lowercased and looked up once and remembered.
pub fn map_names(text: Expr, map: BTreeMap<String, String>, default: &'static str) -> Expr {
    let map = Arc::new(map);
    text.map_with_fmt_str(
        move |c: Column| {
            let ca = c.str()?;
            let mut seen: HashMap<&str, &str> = HashMap::new();
            let out: StringChunked = ca
                .iter()
                .map(|v| {
                    v.map(|s| {
                        *seen.entry(s).or_insert_with(|| {
                            map.get(&s.to_lowercase())
                                .map(String::as_str)
                                .unwrap_or(default)
                        })
                    })
                })
                .collect();
            Ok(out.with_name(ca.name().clone()).into_column())
        },
        |_, f| Ok(f.clone()),
        "map_names",
    )
}

/// A text column of few distinct values (activities, channels, teams) as
/// a categorical: 4 bytes a row instead of a 16-byte string view, so the
/// event log takes less memory and sorts and gathers move less.
pub fn categorical(text: Expr) -> Expr {
    text.cast(DataType::from_categories(Categories::global()))
}

/// Optional canonical text column: the user's column or all-null.
pub fn text_or_null(cols: &ColumnMap, canon: &str) -> Expr {
    match cols.get(canon) {
        Some(u) => text(u),
        None => lit(NULL).cast(DataType::String),
    }
}

/// Sampled values of one column, to choose its timestamp layouts from.
pub fn sample(scanned: &Scanned, user_col: &str) -> PolarsResult<Vec<String>> {
    let df = scanned
        .lf
        .clone()
        .select([col(user_col)
            .cast(DataType::String)
            .str()
            .strip_chars(lit(NULL))
            .alias("v")])
        .limit(2000)
        .drop_nulls(None)
        .collect()?;
    Ok(df
        .column("v")?
        .str()?
        .iter()
        .flatten()
        .filter(|v| !v.is_empty() && !timestamp::is_sentinel(v))
        .map(str::to_string)
        .collect())
}

/// The column's type when the file stores it as a date or datetime.
fn native_temporal(scanned: &Scanned, user_col: &str) -> Option<DataType> {
    scanned
        .lf
        .clone()
        .collect_schema()
        .ok()
        .and_then(|s| s.get(user_col).cloned())
        .filter(|dt| dt.is_temporal())
}

/// A parsed timestamp column plus the column as it came (text, or a native
/// datetime), so a rule can tell "empty" (raw is null) from "unreadable".
pub struct Stamp {
    /// Only ever tested for null: a native column is not formatted as text.
    pub raw: Expr,
    pub parsed: Expr,
}

/// The parsed timestamp column `user_col` (canonical name `canon`) of the
/// input `spec`, in its one layout (see `timestamp`). A format pinned for
/// the column, or for the whole input, wins.
pub fn stamp(
    scanned: &Scanned,
    spec: &InputSpec,
    canon: &str,
    user_col: &str,
    zone: Zone,
) -> Result<Stamp> {
    // Native Parquet/NDJSON datetimes pass straight through: zoned ones are
    // converted, naive ones are read in the configured time zone.
    if let Some(dtype) = native_temporal(scanned, user_col) {
        let c = col(user_col);
        let parsed = match dtype {
            DataType::Datetime(_, Some(_)) => c
                .dt()
                .convert_time_zone(TimeZone::UTC)
                .dt()
                .cast_time_unit(TimeUnit::Milliseconds),
            _ => timestamp::localize(
                c.cast(DataType::Datetime(TimeUnit::Milliseconds, None)),
                zone,
            ),
        };
        return Ok(Stamp {
            raw: col(user_col),
            parsed,
        });
    }
    let layout = layout(scanned, spec, canon, user_col)?;
    Ok(Stamp {
        raw: text(user_col),
        parsed: timestamp::parse_expr(text(user_col), &layout, zone),
    })
}

/// The one layout `user_col` is read in: pinned, or chosen from a sample
/// and, when day-first and month-first tie there, from the whole column.
pub fn layout(scanned: &Scanned, spec: &InputSpec, canon: &str, user_col: &str) -> Result<Layout> {
    let pinned = spec
        .timestamp_formats
        .get(canon)
        .or(spec.timestamp_format.as_ref())
        .map(String::as_str);
    let sampled = sample(scanned, user_col)?;
    let layout = match timestamp::choose(&sampled, pinned) {
        Choice::Layout(l) => l,
        Choice::DayOrMonthFirst => decide_day_or_month(scanned, spec, canon, user_col, &sampled)?,
    };
    scanned
        .layouts
        .borrow_mut()
        .insert(user_col.to_string(), layout.describe(&sampled));
    Ok(layout)
}

/// Day-first and month-first read the same sampled values: count over the
/// whole column the values only one of them reads (a day or a month above
/// 12). The larger count wins; a column where neither has one stops the
/// run whatever else it holds (unreadable values, missing markers), showing
/// both readings and the pin for each.
fn decide_day_or_month(
    scanned: &Scanned,
    spec: &InputSpec,
    canon: &str,
    user_col: &str,
    sampled: &[String],
) -> Result<Layout> {
    let v = col(user_col)
        .cast(DataType::String)
        .str()
        .strip_chars(lit(NULL));
    let evidence = timestamp::day_month_evidence(v);
    let only = |code: u32| evidence.clone().eq(lit(code)).sum().cast(DataType::UInt64);
    let counts = scanned
        .lf
        .clone()
        .select([only(1).alias("day"), only(2).alias("month")])
        .collect()
        .map_err(|e| InputError::Unparseable {
            path: spec.path.clone(),
            detail: e.to_string(),
        })?;
    let get = |c: &str| {
        counts
            .column(c)
            .ok()
            .and_then(|c| c.u64().ok()?.get(0))
            .unwrap_or(0)
    };
    let (day, month) = (get("day"), get("month"));
    if day == 0 && month == 0 {
        let a = timestamp::ambiguity(sampled);
        return Err(InputError::AmbiguousDates {
            path: spec.path.clone(),
            kind: spec.kind,
            canon: canon.to_string(),
            column: user_col.to_string(),
            example: a.example,
            as_day: a.as_day,
            as_month: a.as_month,
            day_format: a.day_format,
            month_format: a.month_format,
        }
        .into());
    }
    Ok(Layout::Dates(if day >= month {
        Order::Dmy
    } else {
        Order::Mdy
    }))
}

/// A parsed time more than a day after the moment of the run (SPEC 1.4:
/// the day allows for time zones). Due dates are not checked: promises may
/// fall due in the future.
pub fn in_future(parsed: Expr, cfg: &RunConfig) -> Expr {
    let limit = cfg.now.timestamp_millis() + crate::engine::DAY_MS;
    parsed
        .dt()
        .timestamp(TimeUnit::Milliseconds)
        .gt(lit(limit))
        .fill_null(lit(false))
}

/// A parsed time after an explicit `--as-of` (SPEC 2): the report reads as
/// it would have at that moment, so the row is set aside (`after_as_of`),
/// not used and not counted as a reject. Never true when as_of is the
/// latest event.
pub fn after_as_of(parsed: Expr, cfg: &RunConfig) -> Expr {
    match cfg.as_of {
        Some(t) => parsed
            .dt()
            .timestamp(TimeUnit::Milliseconds)
            .gt(lit(t.timestamp_millis()))
            .fill_null(lit(false)),
        None => lit(false),
    }
}

/// A count: a whole number from 0 to `max`, written as digits. "2" and
/// "2.0" pass; "2.5", "-1", "1e3" and counts beyond `max` (typed wrongly,
/// or too large to be one customer's) do not. `text` is the trimmed cell,
/// `value` the same cell as a number.
pub fn count_ok(text: Expr, value: Expr, max: u64) -> Expr {
    text.str()
        .contains(lit(r"^[0-9]+(\.0*)?$"), true)
        .and(value.lt_eq(lit(max as f64)))
}

/// One reason a row is rejected, checked in order; the first that holds wins.
pub struct Rule {
    pub when: Expr,
    pub reason: &'static str,
    /// The user's column the reason is about.
    pub column: String,
}

pub fn rule(when: Expr, reason: &'static str, column: &str) -> Rule {
    Rule {
        when,
        reason,
        column: column.to_string(),
    }
}

/// `__reason`: the index of the first rule that holds, null for a used row.
/// A small integer, not the reason's text: a text column built from
/// literals would be as long as the input, and only rejects need the words.
pub fn reason_code(rules: &[Rule]) -> Expr {
    // Nested from the last rule outwards, so the first rule that holds wins.
    rules
        .iter()
        .enumerate()
        .rev()
        .fold(lit(NULL).cast(DataType::Int32), |rest, (i, r)| {
            when(r.when.clone()).then(lit(i as i32)).otherwise(rest)
        })
        .alias(REASON)
}

/// A checked input: the frame with canonical columns, `__reason` and the
/// raw columns, plus what each reason code means.
pub struct Checked {
    pub lf: LazyFrame,
    /// (reason, user column) by code.
    reasons: Vec<(&'static str, String)>,
    /// Cells rejected in used rows: (reason, user column, flag column).
    cells: Vec<(&'static str, String, String)>,
    /// The missing cells the scan found, filled as the plan runs.
    pub tally: Arc<Tally>,
}

/// Reasons that reject one value of a row that is otherwise used (SPEC
/// 1.6: in a case table an out-of-order time is rejected, not the case).
pub const CELL_REASONS: &[&str] = &["before_case_opened", "resolved_before_first_response"];

/// One value of a used row to reject: when `when` holds, the checked
/// column `checked` (the value as read) becomes null, and the file's
/// `column` is listed among the rejects with `reason`.
pub struct CellRule {
    pub when: Expr,
    pub reason: &'static str,
    pub column: String,
    pub checked: String,
}

impl Checked {
    pub fn new(lf: LazyFrame, rules: &[Rule]) -> Checked {
        Checked {
            lf,
            reasons: rules.iter().map(|r| (r.reason, r.column.clone())).collect(),
            cells: Vec::new(),
            tally: Arc::default(),
        }
    }

    /// Count the missing cells in `tally` (the one `prepared` filled).
    pub fn counting(mut self, tally: Arc<Tally>) -> Checked {
        self.tally = tally;
        self
    }

    /// Reject cells of used rows, one rule after another: a cell a rule
    /// rejects is null for the rules after it, so a value is rejected once.
    pub fn reject_cells(&mut self, rules: Vec<CellRule>) {
        for r in rules {
            debug_assert!(CELL_REASONS.contains(&r.reason));
            let flag = format!("__cell_{}", self.cells.len());
            let lf = std::mem::take(&mut self.lf)
                .with_column(
                    col(REASON)
                        .is_null()
                        .and(r.when.fill_null(lit(false)))
                        .alias(flag.as_str()),
                )
                .with_column(
                    when(col(flag.as_str()))
                        .then(lit(NULL))
                        .otherwise(col(r.checked.as_str()))
                        .alias(r.checked.as_str()),
                );
            self.lf = lf;
            self.cells.push((r.reason, r.column, flag));
        }
    }

    /// The flag columns of the cell rules, to drop from the used rows.
    pub fn cell_flags(&self) -> Vec<String> {
        self.cells.iter().map(|c| c.2.clone()).collect()
    }

    /// Per cell rule: its flag column and the reject row of a flagged
    /// used row (input, line, reason, column, value, values).
    pub fn cell_rejects(
        &self,
        input: &'static str,
        scanned: &Scanned,
        types: &Schema,
    ) -> Vec<(String, Vec<Expr>)> {
        self.cells
            .iter()
            .map(|(reason, column, flag)| {
                let value = match scanned.columns.iter().position(|c| c == column) {
                    Some(i) => raw_text(i, types.get(column.as_str())),
                    None => lit(NULL).cast(DataType::String),
                };
                let row = vec![
                    lit(input).alias("input"),
                    col("line"),
                    lit(*reason).alias("reason"),
                    lit(column.clone()).alias("column"),
                    value.alias("value"),
                    original_values(scanned, types).alias("values"),
                ];
                (flag.clone(), row)
            })
            .collect()
    }

    /// The code a further reason, judged after the rules, gets.
    pub fn add_reason(&mut self, reason: &'static str, column: &str) -> i32 {
        self.reasons.push((reason, column.to_string()));
        (self.reasons.len() - 1) as i32
    }

    /// Reject `reason` every row whose `id` repeats one of an earlier valid
    /// row: duplicates are judged among otherwise valid rows, so the first
    /// valid row stays. `column` is the file's column the reason is about.
    pub fn reject_repeated(&mut self, reason: &'static str, column: &str, id: &str) {
        let code = self.add_reason(reason, column);
        let valid_id = when(col(REASON).is_null())
            .then(col(id))
            .otherwise(lit(NULL).cast(DataType::String));
        let repeated = col(REASON)
            .is_null()
            .and(valid_id.is_first_distinct().not());
        self.lf = std::mem::take(&mut self.lf).with_column(
            when(repeated)
                .then(lit(code))
                .otherwise(col(REASON))
                .alias(REASON),
        );
    }

    /// The rejected row's value in the column its reason is about, as it
    /// was in the file (null for a reason about the whole row).
    pub fn value(&self, columns: &[String], types: &Schema) -> Expr {
        self.reasons
            .iter()
            .enumerate()
            .rev()
            .fold(
                lit(NULL).cast(DataType::String),
                |rest, (code, (_, column))| match columns.iter().position(|c| c == column) {
                    Some(i) => when(col(REASON).eq(lit(code as i32)))
                        .then(raw_text(i, types.get(column.as_str())))
                        .otherwise(rest),
                    None => rest,
                },
            )
            .alias("value")
    }

    /// The reason and the user column of a rejected row, as text.
    pub fn decode(&self) -> [Expr; 2] {
        let codes: Vec<i32> = (0..self.reasons.len() as i32).collect();
        let to = |name: &str, values: Vec<String>| {
            col(REASON)
                .replace_strict(
                    lit(Series::new("code".into(), codes.clone())),
                    lit(Series::new(name.into(), values)),
                    None,
                    Some(DataType::String),
                )
                .alias(name)
        };
        [
            to(
                "reason",
                self.reasons.iter().map(|r| r.0.to_string()).collect(),
            ),
            to("column", self.reasons.iter().map(|r| r.1.clone()).collect()),
        ]
    }
}

fn raw_name(i: usize) -> String {
    format!("__raw_{i}")
}

/// The untouched user columns `prepared` kept (and a damaged record's
/// original text), to carry through a select.
pub fn raw_columns(scanned: &Scanned) -> Vec<Expr> {
    raw_names(scanned).into_iter().map(col).collect()
}

/// The names of `raw_columns`.
pub fn raw_names(scanned: &Scanned) -> Vec<String> {
    let mut v: Vec<String> = (0..scanned.columns.len()).map(raw_name).collect();
    if !scanned.damage.is_empty() {
        v.push(RAW_LINE.to_string());
    }
    v
}

/// Rejects for damaged records (`structure`), before any other rule: a
/// record the file's structure broke cannot be read field by field.
pub fn structure_rules(scanned: &Scanned) -> Vec<Rule> {
    let first = scanned.first_line;
    DamageKind::ALL
        .iter()
        .filter_map(|kind| {
            let lines: Vec<i64> = scanned
                .damage
                .iter()
                .filter(|d| d.kind == *kind)
                .map(|d| d.record as i64 + first)
                .collect();
            (!lines.is_empty()).then(|| {
                let is_damaged = col(LINE)
                    .cast(DataType::Int64)
                    .is_in(lit(Series::new("d".into(), lines)).implode(false), false);
                rule(is_damaged, kind.reason(), "")
            })
        })
        .collect()
}

/// The original values of a row, `name=value; ...`, for rejects.csv (a
/// damaged record: its text as it was). Built from the raw columns after
/// the rejected rows are filtered out, so only those rows pay for the
/// string.
pub fn original_values(scanned: &Scanned, types: &Schema) -> Expr {
    let fields = fields_text(&scanned.columns, types);
    if scanned.damage.is_empty() {
        fields
    } else {
        coalesce(&[col(RAW_LINE), fields])
    }
}

/// Raw column `i` as rejects.csv shows it. A time reads at the precision
/// it carries (no fraction for whole seconds), whatever unit the file
/// stores, so a moment reads the same from every writer of the format.
fn raw_text(i: usize, dtype: Option<&DataType>) -> Expr {
    match dtype {
        Some(DataType::Datetime(..)) => col(raw_name(i)).dt().to_string("%Y-%m-%d %H:%M:%S%.f"),
        _ => col(raw_name(i)).cast(DataType::String),
    }
}

fn fields_text(columns: &[String], types: &Schema) -> Expr {
    let parts: Vec<Expr> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            concat_str(
                [
                    lit(format!("{c}=")),
                    raw_text(i, types.get(c.as_str())).fill_null(lit("")),
                ],
                "",
                false,
            )
        })
        .collect();
    concat_str(parts, "; ", false)
}

/// The line column as Int64, named `line`.
pub fn line() -> Expr {
    col(LINE).cast(DataType::Int64).alias("line")
}
