//! `cxgap validate`: read and check the inputs, print data quality.

use crate::Outcome;
use crate::cli::ValidateArgs;
use crate::error::Result;
use crate::metrics::quality;
use crate::render::{self, files};
use crate::term::Term;

pub fn run(args: &ValidateArgs, term: &Term) -> Result<Outcome> {
    let p = super::prepare(&args.input)?;
    let q = quality::quality(&p.cfg, &p.inputs, &p.journeys)?;
    term.out(render::render(&q.tables(), args.format, term).as_bytes())?;
    if let Some(path) = &args.rejects {
        let mut rejects = p.inputs.rejects()?;
        files::write_atomic(path, |w| {
            Ok(files::write_frame(
                &mut rejects,
                crate::cli::FrameFormat::Csv,
                w,
            )?)
        })?;
        term.note(&format!(
            "wrote {} rejected rows to {}",
            rejects.height(),
            path.display()
        ));
    }
    Ok(Outcome::Done)
}
