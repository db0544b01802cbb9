//! `cxgap metrics`: one report table to stdout, with optional thresholds.

use crate::Outcome;
use crate::cli::MetricsArgs;
use crate::error::Result;
use crate::metrics::{Ctx, overview};
use crate::render;
use crate::term::Term;

pub fn run(args: &MetricsArgs, term: &Term) -> Result<Outcome> {
    let p = super::prepare(&args.input)?;
    let ctx = Ctx {
        cfg: &p.cfg,
        journeys: &p.journeys,
        by: args.by.as_deref(),
        period: args.period,
    };
    let verdicts = super::judge_thresholds(&args.fail_if, &overview::figures(&ctx)?)?;
    let tables = args.table.compute(&ctx)?;
    term.out(render::render(&tables, args.format, term).as_bytes())?;
    Ok(super::announce(&verdicts, term))
}
