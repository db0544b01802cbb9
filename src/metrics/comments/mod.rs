//! What customers write (SPEC 3.11), next to what the log recorded: themes
//! checked against the journey facts they speak of, and the words that set
//! unhappy comments apart from happy ones.

pub mod log_odds;
pub mod themes;
pub mod words;

use std::collections::{BTreeMap, HashSet};

use polars::prelude::*;
use serde_json::{Value, json};

use super::callbacks::unhappy;
use super::stats::{self, Summary};
use super::{Ctx, cell, num, ratio, round};
use crate::error::Result;
use crate::metrics::table::Table;
use themes::Theme;

/// One commented answer: its case, score, side, words and, per theme, the
/// journey fact (None for a theme without one).
struct Commented {
    case_id: String,
    score: f64,
    unhappy: bool,
    words: Vec<String>,
    facts: Vec<Option<bool>>,
}

/// A theme's row, kept typed for the finding.
pub struct ThemeRow {
    pub theme: String,
    pub mentions: usize,
    pub unseen_by_log: Option<f64>,
    /// Cases whose comment mentions the theme and whose log does not show
    /// its fact, by case_id.
    pub unseen_cases: Vec<String>,
}

/// Everything the comments give: the two tables and the typed rows.
pub struct Comments {
    pub themes: Table,
    pub words: Table,
    pub rows: Vec<ThemeRow>,
    /// Answers with a comment.
    pub commented: usize,
}

/// The commented surveyed cases with what the themes need.
fn commented(ctx: &Ctx, themes: &[Theme]) -> Result<Vec<Commented>> {
    let median = ctx
        .surveyed()
        .filter(col("resolved_at").is_not_null())
        .select([col("resolution_hours").median().alias("m")])
        .collect()?;
    let median = cell(&median, "m", 0);
    let mut select = vec![
        col("case_id"),
        col("score").cast(DataType::Float64),
        unhappy(&ctx.cfg.survey).alias("unhappy"),
        col("comment"),
    ];
    for (i, t) in themes.iter().enumerate() {
        if let Some(f) = themes::fact(&t.name, median) {
            select.push(f.alias(format!("fact_{i}")));
        }
    }
    let df = ctx
        .surveyed()
        .filter(col("comment").is_not_null())
        .select(select)
        .sort(["case_id"], SortMultipleOptions::default())
        .collect()?;
    let (ids, scores, sides, texts) = (
        df.column("case_id")?.str()?,
        df.column("score")?.f64()?,
        df.column("unhappy")?.bool()?,
        df.column("comment")?.str()?,
    );
    let facts: Vec<Option<&BooleanChunked>> = (0..themes.len())
        .map(|i| {
            df.column(&format!("fact_{i}"))
                .ok()
                .and_then(|c| c.bool().ok())
        })
        .collect();
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(id), Some(score), Some(text)) = (ids.get(i), scores.get(i), texts.get(i)) else {
            continue;
        };
        if !words::is_comment(text, &ctx.cfg.missing) {
            continue;
        }
        out.push(Commented {
            case_id: id.to_string(),
            score,
            unhappy: sides.get(i).unwrap_or(false),
            words: words::words(text),
            facts: facts
                .iter()
                .map(|f| f.map(|f| f.get(i).unwrap_or(false)))
                .collect(),
        });
    }
    Ok(out)
}

fn summary(scores: impl Iterator<Item = f64>) -> Summary {
    let (mut n, mut sum, mut sq) = (0.0, 0.0, 0.0);
    for s in scores {
        n += 1.0;
        sum += s;
        sq += s * s;
    }
    Summary {
        n,
        mean: ratio(sum, n),
        var: stats::variance(n, sum, sq),
    }
}

pub fn comments(ctx: &Ctx) -> Result<Comments> {
    let themes = themes::themes(&ctx.cfg.comments.themes);
    let rows = commented(ctx, &themes)?;
    let mentions: Vec<Vec<bool>> = rows
        .iter()
        .map(|r| themes.iter().map(|t| t.mentioned_in(&r.words)).collect())
        .collect();
    let (table, typed) = theme_table(ctx, &themes, &rows, &mentions);
    Ok(Comments {
        themes: table,
        words: words_table(ctx, &rows),
        rows: typed,
        commented: rows.len(),
    })
}

fn theme_table(
    ctx: &Ctx,
    themes: &[Theme],
    rows: &[Commented],
    mentions: &[Vec<bool>],
) -> (Table, Vec<ThemeRow>) {
    let mut t = Table::new(
        "comments",
        "What customers wrote: themes, and whether the log shows them",
        &[
            "theme",
            "checked_against",
            "comments",
            "share",
            "mean_with",
            "mean_without",
            "gap",
            "gap_ci_low",
            "gap_ci_high",
            "confirmed",
            "unseen_by_log",
            "unsaid",
            "thin",
        ],
    );
    let total = rows.len() as f64;
    let mut typed = Vec::new();
    for (j, theme) in themes.iter().enumerate() {
        let says = |i: usize| mentions[i][j];
        let with = summary((0..rows.len()).filter(|&i| says(i)).map(|i| rows[i].score));
        let without = summary((0..rows.len()).filter(|&i| !says(i)).map(|i| rows[i].score));
        let welch = stats::welch(with, without);
        let gap = with.mean.zip(without.mean).map(|(a, b)| a - b);
        let has_fact = themes::fact_words(&theme.name).is_some();
        let fact = |i: usize| rows[i].facts[j].unwrap_or(false);
        let mentioned = with.n;
        let (confirmed, unseen, unsaid, unseen_cases) = if has_fact {
            let shown = (0..rows.len()).filter(|&i| says(i) && fact(i)).count() as f64;
            let with_fact = (0..rows.len()).filter(|&i| fact(i)).count() as f64;
            let unsaid = (0..rows.len()).filter(|&i| fact(i) && !says(i)).count() as f64;
            let unseen_cases: Vec<String> = (0..rows.len())
                .filter(|&i| says(i) && !fact(i))
                .map(|i| rows[i].case_id.clone())
                .collect();
            (
                ratio(shown, mentioned),
                ratio(mentioned - shown, mentioned),
                ratio(unsaid, with_fact),
                unseen_cases,
            )
        } else {
            (None, None, None, Vec::new())
        };
        let thin = (mentioned < ctx.cfg.min_n as f64).then(|| json!("n<min_n"));
        t.push(vec![
            json!(theme.name),
            themes::fact_words(&theme.name)
                .map(|w| json!(w))
                .unwrap_or(Value::Null),
            num(Some(mentioned)),
            num(round(ratio(mentioned, total), 4)),
            num(round(with.mean, 2)),
            num(round(without.mean, 2)),
            num(round(gap, 2)),
            num(round(welch.map(|w| w.ci_low), 2)),
            num(round(welch.map(|w| w.ci_high), 2)),
            num(round(confirmed, 4)),
            num(round(unseen, 4)),
            num(round(unsaid, 4)),
            thin.unwrap_or(Value::Null),
        ]);
        typed.push(ThemeRow {
            theme: theme.name.clone(),
            mentions: mentioned as usize,
            unseen_by_log: unseen,
            unseen_cases,
        });
    }
    (t, typed)
}

fn words_table(ctx: &Ctx, rows: &[Commented]) -> Table {
    let stop: HashSet<String> = match &ctx.cfg.comments.stop_words {
        Some(own) => own.iter().map(|w| w.to_lowercase()).collect(),
        None => words::STOP_WORDS.iter().map(|w| w.to_string()).collect(),
    };
    let mut unhappy: BTreeMap<String, f64> = BTreeMap::new();
    let mut happy: BTreeMap<String, f64> = BTreeMap::new();
    for r in rows {
        let side = if r.unhappy { &mut unhappy } else { &mut happy };
        for w in &r.words {
            if w.chars().count() > 1 && !stop.contains(w) {
                *side.entry(w.clone()).or_default() += 1.0;
            }
        }
    }
    let scored = log_odds::score(&unhappy, &happy, ctx.cfg.comments.min_count as f64);
    let (top, bottom) = log_odds::sides(scored);
    let mut t = Table::new(
        "comment_words",
        "Words that set unhappy comments apart from happy ones",
        &[
            "side",
            "rank",
            "word",
            "count",
            "unhappy_count",
            "happy_count",
            "delta",
            "sigma",
            "z",
        ],
    );
    for (side, list) in [("unhappy", top), ("happy", bottom)] {
        for (rank, s) in list.into_iter().enumerate() {
            t.push(vec![
                json!(side),
                json!(rank + 1),
                json!(s.word),
                num(Some(s.count)),
                num(Some(s.unhappy)),
                num(Some(s.happy)),
                num(round(Some(s.delta), 4)),
                num(round(Some(s.sigma), 4)),
                num(round(Some(s.z), 4)),
            ]);
        }
    }
    t
}
