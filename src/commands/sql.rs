//! `cxgap sql`: ad-hoc Polars SQL over the validated inputs and journeys.
//!
//! The query sees only the tables cxgap registers. Before Polars runs it,
//! its statement and every table it reads are checked: one read-only query
//! (`SELECT`, `WITH`, `EXPLAIN`, `SHOW TABLES`), tables that are registered
//! or defined by its own `WITH`, and no table function — Polars SQL would
//! otherwise read any file on the machine (`read_csv('/etc/passwd')`) or
//! drop and create tables.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use polars::prelude::*;
use polars::sql::SQLContext;
use sqlparser::ast::{Query, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserOptions};

use crate::cli::SqlArgs;
use crate::commands::Outcome;
use crate::error::{Error, Result};
use crate::journey::event_store::Kept;
use crate::render::term::Term;
use crate::render::{self, Table};

/// The tables a query may read.
pub const TABLES: [&str; 5] = ["journeys", "events", "surveys", "contacts", "promises"];

fn refused(message: String) -> Error {
    Error::usage(
        message,
        Some(format!(
            "`cxgap sql` runs one read-only query over the tables {}; see `cxgap sql --help`",
            TABLES.join(", ")
        )),
    )
}

/// Names defined by `WITH` anywhere in the query, lower case.
#[derive(Default)]
struct Ctes(BTreeSet<String>);

impl Visitor for Ctes {
    type Break = ();
    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.0.insert(cte.alias.name.value.to_lowercase());
            }
        }
        ControlFlow::Continue(())
    }
}

/// The first table reference that is not allowed, as a message.
struct Tables<'a> {
    allowed: &'a BTreeSet<String>,
}

impl Visitor for Tables<'_> {
    type Break = String;
    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<String> {
        match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => ControlFlow::Break(format!(
                "`{name}(...)` is a table function; cxgap sql reads no files, only its own tables"
            )),
            TableFactor::Table { name, .. } => {
                let known = name.0.len() == 1
                    && name.0[0]
                        .as_ident()
                        .is_some_and(|i| self.allowed.contains(&i.value.to_lowercase()));
                if known {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(format!("there is no table `{name}`"))
                }
            }
            TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. }
            | TableFactor::UNNEST { .. } => ControlFlow::Continue(()),
            other => ControlFlow::Break(format!(
                "`{other}` reads from outside cxgap's tables, which cxgap sql does not allow"
            )),
        }
    }
}

/// Refuse anything but one read-only query over cxgap's tables.
pub fn check(query: &str) -> Result<()> {
    let statements = Parser::new(&GenericDialect)
        .with_options(ParserOptions {
            trailing_commas: true,
            ..Default::default()
        })
        .try_with_sql(query)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| refused(format!("the query does not parse: {e}")))?;
    let [statement] = statements.as_slice() else {
        return Err(refused(format!(
            "give exactly one statement (found {})",
            statements.len()
        )));
    };
    let read_only = match statement {
        Statement::Query(_) | Statement::ShowTables { .. } => true,
        Statement::Explain { statement, .. } => matches!(**statement, Statement::Query(_)),
        _ => false,
    };
    if !read_only {
        let verb = statement
            .to_string()
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_uppercase();
        return Err(refused(format!(
            "`{verb}` statements are refused: cxgap sql only reads (SELECT, WITH, EXPLAIN, SHOW TABLES)"
        )));
    }
    let mut ctes = Ctes::default();
    let _ = statement.visit(&mut ctes);
    let mut allowed = ctes.0;
    allowed.extend(TABLES.iter().map(|t| t.to_string()));
    if let ControlFlow::Break(message) = statement.visit(&mut Tables { allowed: &allowed }) {
        return Err(refused(message));
    }
    Ok(())
}

pub fn run(args: &SqlArgs, term: &Term) -> Result<Outcome> {
    // Refused before any input is read.
    check(&args.query)?;
    let (p, events) = super::prepare_keeping_events(&args.input, Kept::All, term)?;
    let j = &p.journeys;
    let mut ctx = SQLContext::new();
    ctx.register("journeys", j.cases.clone().lazy());
    ctx.register("events", events.public()?);
    ctx.register("surveys", j.matched_surveys.lazy()?);
    ctx.register("contacts", j.attributed_contacts.lazy()?);
    ctx.register("promises", j.promises.lazy()?);
    let df = ctx
        .execute(&args.query)
        .and_then(LazyFrame::collect)
        .map_err(|e| {
            Error::usage(
                format!(
                    "the query failed: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ),
                Some(format!(
                    "tables: {}; see `cxgap sql --help`",
                    TABLES.join(", ")
                )),
            )
        })?;
    let table = Table::from_frame("result", "Query result", &df)?;
    term.out(render::render(&[table], args.format, term).as_bytes())?;
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn only_reads_of_own_tables() {
        assert!(check("SELECT team, COUNT(*) FROM journeys GROUP BY team").is_ok());
        assert!(
            check("WITH t AS (SELECT * FROM events) SELECT * FROM t JOIN journeys USING (case_id)")
                .is_ok()
        );
        assert!(check("SELECT * FROM (SELECT * FROM promises) p").is_ok());
        assert!(check("SELECT * FROM read_csv('/etc/passwd')").is_err());
        assert!(check("SELECT * FROM secrets").is_err());
        assert!(check("DROP TABLE journeys").is_err());
        assert!(check("COPY journeys TO 'x.csv'").is_err());
        assert!(check("CREATE TABLE x AS SELECT * FROM journeys").is_err());
        assert!(check("SELECT 1; SELECT 2").is_err());
    }
}
