//! `cxgap sql`: ad-hoc Polars SQL over the validated inputs and journeys.

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::Outcome;
use crate::cli::SqlArgs;
use crate::error::{Error, Result};
use crate::render::{self, Table};
use crate::term::Term;

pub fn run(args: &SqlArgs, term: &Term) -> Result<Outcome> {
    let p = super::prepare(&args.input)?;
    let j = &p.journeys;
    let mut ctx = SQLContext::new();
    ctx.register("journeys", j.cases.clone().lazy());
    ctx.register("events", p.inputs.events.rows());
    ctx.register("surveys", j.matched_surveys.clone().lazy());
    ctx.register("contacts", j.attributed_contacts.clone().lazy());
    ctx.register("promises", j.promises.clone().lazy());
    let df = ctx
        .execute(&args.query)
        .and_then(LazyFrame::collect)
        .map_err(|e| {
            Error::usage(
                format!(
                    "the query failed: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ),
                Some(
                    "tables: journeys, events, surveys, contacts, promises; see `cxgap sql --help`"
                        .into(),
                ),
            )
        })?;
    let table = Table::from_frame("result", "Query result", &df)?;
    term.out(render::render(&[table], args.format, term).as_bytes())?;
    Ok(Outcome::Done)
}
