//! Terminal policy, decided once: colour, table width, and where text goes.
//! stdout carries only the requested output; messages go to stderr.

use std::io::{IsTerminal, Write};

use crate::error::{Error, OutputError, Result};

#[derive(Debug, Clone)]
pub struct Term {
    /// Colour on stdout (tables).
    pub color: bool,
    /// Colour on stderr (messages).
    pub color_err: bool,
    pub quiet: bool,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set or TERM is dumb
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

fn decide(choice: ColorChoice, tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color_env(),
    }
}

impl Term {
    pub fn new(color: ColorChoice, quiet: bool) -> Term {
        Term {
            color: decide(color, std::io::stdout().is_terminal()),
            color_err: decide(color, std::io::stderr().is_terminal()),
            quiet,
        }
    }

    /// Write the requested output to stdout. A closed pipe (`| head`) is not
    /// an error.
    pub fn out(&self, bytes: &[u8]) -> Result<()> {
        self.out_with(|w| Ok(w.write_all(bytes)?))
    }

    /// Stream the requested output to stdout as `write` produces it, so a
    /// long table is never held whole as bytes. A closed pipe ends it
    /// quietly; any other failure to write is the output's error, not the
    /// engine's.
    pub fn out_with(
        &self,
        write: impl FnOnce(&mut dyn Write) -> polars::prelude::PolarsResult<()>,
    ) -> Result<()> {
        let mut out = PipeOut {
            inner: std::io::BufWriter::new(std::io::stdout().lock()),
            closed: false,
            failed: None,
        };
        let written = write(&mut out);
        let flushed = out.flush();
        if let Some(e) = out.failed.take() {
            return Err(OutputError::Stdout(e).into());
        }
        written?;
        flushed.map_err(|e| OutputError::Stdout(e).into())
    }

    /// A note for the human on stderr (suppressed by -q).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    /// An alert on stderr that -q does not hide (a breached threshold).
    pub fn error_line(&self, text: &str) {
        let prefix = paint("error:", "31;1", self.color_err);
        let _ = writeln!(std::io::stderr(), "{prefix} {text}");
    }

    /// A warning on stderr (suppressed by -q).
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let prefix = paint("warning:", "33;1", self.color_err);
            let _ = writeln!(std::io::stderr(), "{prefix} {text}");
        }
    }
}

fn paint(text: &str, sgr: &str, on: bool) -> String {
    if on {
        format!("\x1b[{sgr}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The one error renderer: `error: ...`, its causes, then `hint: ...`.
pub fn print_error(err: &Error) {
    let color = std::io::stderr().is_terminal() && !no_color_env();
    let mut text = format!("{} {err}\n", paint("error:", "31;1", color));
    let mut source = std::error::Error::source(err);
    // `transparent` wrappers repeat their inner message; skip identical ones.
    let mut last = err.to_string();
    while let Some(s) = source {
        let msg = s.to_string();
        if msg != last {
            text.push_str(&format!("  Caused by: {msg}\n"));
        }
        last = msg;
        source = s.source();
    }
    if let Some(hint) = err.hint() {
        text.push_str(&format!("\n{} {hint}\n", paint("hint:", "36;1", color)));
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Standard output that treats a closed pipe as the end of the output
/// (later writes are dropped) and remembers any other failure, which the
/// engine would report as its own.
struct PipeOut<W: Write> {
    inner: W,
    closed: bool,
    failed: Option<std::io::Error>,
}

impl<W: Write> Write for PipeOut<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            Err(e) => {
                self.failed = Some(std::io::Error::new(e.kind(), e.to_string()));
                Err(e)
            }
            ok => ok,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}
