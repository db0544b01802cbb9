//! `cxgap sample`: generate inputs with planted effects.

use crate::Outcome;
use crate::cli::SampleArgs;
use crate::error::Result;
use crate::sample;
use crate::term::Term;

pub fn run(args: &SampleArgs, term: &Term) -> Result<Outcome> {
    let truth = sample::generate(args.cases, args.seed, &args.out, args.format)?;
    term.note(&format!(
        "wrote {} cases (seed {}) to {}; planted effects in truth.json",
        truth.cases,
        truth.seed,
        args.out.display()
    ));
    Ok(Outcome::Done)
}
