//! `cxgap sample`: generate inputs with planted effects, into a folder
//! that appears whole (and only where cxgap may write).

use crate::cli::SampleArgs;
use crate::commands::Outcome;
use crate::error::Result;
use crate::render::folder::Staging;
use crate::render::target::FolderKind;
use crate::render::term::Term;
use crate::sample;

pub fn run(args: &SampleArgs, term: &Term) -> Result<Outcome> {
    let out = Staging::new(
        &args.out,
        FolderKind::Sample,
        &[],
        super::lock_wait(args.lock_wait),
    )?;
    let truth = sample::generate(
        args.cases,
        args.seed,
        out.dir(),
        args.format,
        args.shape,
        !args.no_journey_effects,
    )?;
    out.commit()?;
    term.note(&format!(
        "wrote {} cases (seed {}) to {}; planted effects in truth.json",
        truth.cases,
        truth.seed,
        args.out.display()
    ));
    Ok(Outcome::Done)
}
