//! `cxgap case`: one journey side by side with its survey answers (SPEC 3.9).

use polars::prelude::*;

use crate::cli::CaseArgs;
use crate::commands::Outcome;
use crate::error::{InputError, Result};
use crate::journey::event_store::Kept;
use crate::render;
use crate::render::term::Term;
use crate::report::case_view;

pub fn run(args: &CaseArgs, term: &Term) -> Result<Outcome> {
    let (p, events) = super::prepare_keeping_events(&args.input, Kept::Timeline, term)?;
    let id = args.case_id.as_str();
    // Only this case's events are put in timeline order (read from disk
    // with the case filter pushed down, when they went there).
    let timeline = events.timelines(&[id.to_string()], &p.cfg)?;
    let Some(tables) = case_view::tables(&p.journeys, id, &timeline, p.cfg.keep_personal)? else {
        return Err(InputError::UnknownCase {
            case_id: id.to_string(),
            similar: similar_ids(&p.journeys.cases, id)?,
        }
        .into());
    };
    term.out(render::render(&tables, args.format, term).as_bytes())?;
    Ok(Outcome::Done)
}

/// Up to five case ids sharing the longest prefix with the one asked for.
fn similar_ids(cases: &DataFrame, id: &str) -> PolarsResult<Vec<String>> {
    let ids = cases.column("case_id")?.str()?.clone();
    for len in (2..=id.len().min(8)).rev() {
        let Some(prefix) = id.get(..len) else {
            continue;
        };
        let hits: Vec<String> = ids
            .iter()
            .flatten()
            .filter(|c| c.starts_with(prefix))
            .take(5)
            .map(str::to_string)
            .collect();
        if !hits.is_empty() {
            return Ok(hits);
        }
    }
    Ok(Vec::new())
}
