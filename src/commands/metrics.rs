//! `cxgap metrics`: one report table to stdout, with optional thresholds.

use crate::Outcome;
use crate::cli::MetricsArgs;
use crate::error::{Error, Result};
use crate::metrics::fail_if::{self, Verdict};
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
    let tables = args.table.compute(&ctx)?;
    term.out(render::render(&tables, args.format, term).as_bytes())?;
    if args.fail_if.is_empty() {
        return Ok(Outcome::Done);
    }
    let figures = overview::figures(&ctx)?;
    let mut breached = false;
    for t in &args.fail_if {
        match fail_if::judge(t, &figures).map_err(|m| Error::usage(m, None))? {
            Verdict::Breached(msg) => {
                breached = true;
                term.error_line(&msg);
            }
            Verdict::Unknown(msg) => term.warn(&msg),
            Verdict::Ok => {}
        }
    }
    Ok(if breached {
        Outcome::ThresholdBreached
    } else {
        Outcome::Done
    })
}
