//! `cxgap journeys`: the journeys table to a Parquet or CSV file (or stdout).

use crate::cli::{FrameFormat, JourneysArgs};
use crate::commands::Outcome;
use crate::error::{Error, Result};
use crate::render::files::{write_frame, write_output};
use crate::render::target::{self, FileKind};
use crate::render::term::Term;

pub fn run(args: &JourneysArgs, term: &Term) -> Result<Outcome> {
    let to_stdout = args.out.as_os_str() == "-";
    let format = args.format.unwrap_or_else(|| {
        let csv = args
            .out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv || to_stdout {
            FrameFormat::Csv
        } else {
            FrameFormat::Parquet
        }
    });
    if to_stdout && format == FrameFormat::Parquet {
        return Err(Error::usage(
            "Parquet cannot be written to standard output",
            Some("use `--format csv` with `--out -`, or name a .parquet file".into()),
        ));
    }
    let cfg = super::config(&args.input)?;
    let inputs = cfg.input_paths();
    if !to_stdout {
        // Refuse a target that is not ours before the work, and again
        // (under the lock) before writing.
        target::check_file(&args.out, FileKind::Journeys, &inputs, args.force)?;
    }
    let mut prepared = super::prepare_from(cfg, term)?;
    let df = &mut prepared.journeys.cases;
    if to_stdout {
        let mut buf = Vec::new();
        write_frame(df, format, &mut buf)?;
        term.out(&buf)?;
    } else {
        write_output(
            &args.out,
            FileKind::Journeys,
            &inputs,
            args.force,
            super::lock_wait(args.lock_wait),
            |w| Ok(write_frame(df, format, w)?),
        )?;
        term.note(&format!(
            "wrote {} cases to {}",
            df.height(),
            args.out.display()
        ));
    }
    Ok(Outcome::Done)
}
