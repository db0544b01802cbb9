//! `cxgap validate`: read and check the inputs, print data quality, and
//! exit 4 when the data breaches a quality threshold (SPEC 5).

use crate::cli::{FrameFormat, ValidateArgs};
use crate::commands::Outcome;
use crate::error::Result;
use crate::input::settle::gate;
use crate::input::settle::load::{self, EventRows};
use crate::journey;
use crate::metrics::quality;
use crate::render::target::{self, FileKind};
use crate::render::term::Term;
use crate::render::{self, files};

pub fn run(args: &ValidateArgs, term: &Term) -> Result<Outcome> {
    let cfg = super::config(&args.input)?;
    if let Some(path) = &args.rejects {
        target::check_file(path, FileKind::Rejects, &cfg.input_paths(), args.force)?;
    }
    let inputs = load::load(&cfg, EventRows::MaySpool)?;
    let journeys = journey::build(inputs, &cfg)?;
    let q = quality::quality(&cfg, &journeys)?;
    term.out(render::render(&q.tables(), args.format, term).as_bytes())?;
    super::warn_all(&q.warnings, term);
    if let Some(path) = &args.rejects {
        let mut rejects = journeys.inputs.rejects.clone();
        files::write_output(
            path,
            FileKind::Rejects,
            &cfg.input_paths(),
            args.force,
            super::lock_wait(args.lock_wait),
            |w| Ok(files::write_frame(&mut rejects, FrameFormat::Csv, w)?),
        )?;
        term.note(&format!(
            "wrote {} rejected rows to {}",
            rejects.height(),
            path.display()
        ));
    }
    gate::check(&journeys.inputs, &cfg)?;
    Ok(Outcome::Done)
}
