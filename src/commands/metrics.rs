//! `cxgap metrics`: one report table to stdout, with optional thresholds.

use crate::cli::MetricsArgs;
use crate::commands::Outcome;
use crate::error::{QualityError, Result};
use crate::metrics::{Ctx, TableName, callbacks, comments, overview, warnings};
use crate::render;
use crate::render::term::Term;

pub fn run(args: &MetricsArgs, term: &Term) -> Result<Outcome> {
    super::check_thresholds(&args.fail_if)?;
    let p = super::prepare_or_read(&args.input, args.journeys.as_deref(), term)?;
    let ctx = Ctx {
        cfg: &p.cfg,
        journeys: &p.journeys,
        by: args.by.as_deref(),
        period: args.period,
    };
    ctx.check_by()?;
    let mut figures = overview::figures(&ctx)?;
    figures.extend(overview::reject_shares(&p.journeys.inputs.stats));
    // The call-back lists' row counts, only when a threshold names them.
    if args
        .fail_if
        .iter()
        .any(|t| matches!(t.figure.as_str(), "callbacks" | "at_risk"))
    {
        figures.extend(callbacks::figures(&callbacks::lists(&ctx)?));
    }
    let periods = if crate::metrics::fail_if::wants_change(&args.fail_if) {
        crate::metrics::change::change(&ctx)?
    } else {
        None
    };
    let verdicts = super::judge_thresholds(&args.fail_if, &figures, periods.as_ref())?;
    // A table of score comparisons without a single answer would print
    // empty and exit 0: say why instead.
    if args.table.needs_answers()
        && let Some(missing) = warnings::no_answers(&p.cfg, &p.journeys)?.pop()
    {
        return Err(QualityError {
            summary: format!(
                "`{}` compares survey answers, but {}",
                args.table.cli_name(),
                missing.message
            ),
            details: String::new(),
            hint: missing.fix,
        }
        .into());
    }
    // Comment tables of surveys without a comment would print zeros: say
    // why instead.
    if matches!(args.table, TableName::Comments | TableName::CommentWords)
        && comments::comments(&ctx)?.commented == 0
    {
        return Err(QualityError {
            summary: format!(
                "`{}` reads survey comments, but no answer carries one",
                args.table.cli_name()
            ),
            details: String::new(),
            hint: "map the survey's free-text column in cxgap.toml: [surveys.columns] comment = \"...\""
                .into(),
        }
        .into());
    }
    let tables = args.table.compute(&ctx)?;
    term.out(render::render(&tables, args.format, term).as_bytes())?;
    Ok(super::announce(&verdicts, term))
}
