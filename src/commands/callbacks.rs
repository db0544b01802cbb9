//! `cxgap callbacks`: the two close-the-loop lists (SPEC 3.10) for the
//! terminal or a CRM import, with the back-test that says how far to trust
//! the second.

use crate::cli::CallbacksArgs;
use crate::commands::Outcome;
use crate::error::Result;
use crate::metrics::callbacks;
use crate::metrics::{Ctx, Period, overview};
use crate::render;
use crate::render::term::Term;
use crate::report::call_back;

pub fn run(args: &CallbacksArgs, term: &Term) -> Result<Outcome> {
    super::check_thresholds(&args.fail_if)?;
    let mut overrides = args.input.overrides();
    overrides.callback_days = args.days;
    overrides.inputs_optional = args.journeys.is_some();
    let cfg = crate::input::config::RunConfig::resolve(&overrides)?;
    let p = match &args.journeys {
        Some(path) => {
            let (journeys, _) = super::read_dataset(&cfg, path)?;
            super::Prepared { cfg, journeys }
        }
        None => super::prepare_from(cfg, term)?,
    };
    let ctx = Ctx {
        cfg: &p.cfg,
        journeys: &p.journeys,
        by: None,
        period: Period::Week,
    };
    let lists = callbacks::lists(&ctx)?;
    let mut figures = overview::figures(&ctx)?;
    figures.extend(callbacks::figures(&lists));
    let verdicts = super::judge_thresholds(&args.fail_if, &figures, None)?;
    term.note(&summary(&lists));
    let mut tables = lists.into_tables();
    if args.top > 0 {
        for t in tables.iter_mut().take(2) {
            t.rows.truncate(args.top);
        }
    }
    // The check first: how far to trust the list under it.
    tables.swap(0, 2);
    tables.swap(1, 2);
    term.out(render::render(&tables[..3], args.format, term).as_bytes())?;
    Ok(super::announce(&verdicts, term))
}

/// The lists in one sentence, with the share of unhappy answers the log
/// shows no cause for.
fn summary(lists: &callbacks::Lists) -> String {
    let (unexplained, listed) = call_back::unexplained(&lists.callbacks);
    format!(
        "{listed} customers to call back ({unexplained} with no failure in the log: the cause lies outside it), {} to call first; {}",
        lists.at_risk.rows.len(),
        lists.verdict.sentence()
    )
}
