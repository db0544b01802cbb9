//! `cxgap init`: sniff export headers and write a commented starter config.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::Outcome;
use crate::cli::InitArgs;
use crate::error::{InputKind, OutputError, Result};
use crate::input::columns::{self, Canon};
use crate::input::config::{CONFIG_FILE, InputSpec};
use crate::input::events::EVENT_TYPES;
use crate::input::scan;
use crate::render::files::write_output;
use crate::render::target::{self, FileKind};
use crate::render::term::Term;

/// Keywords that suggest a canonical event type, most specific first.
const ACTIVITY_HINTS: &[(&str, &[&str])] = &[
    (
        "promise_kept",
        &["promise kept", "promisekept", "fulfil", "kept"],
    ),
    ("promise", &["promise", "commit", "eta given", "scheduled"]),
    ("reopened", &["reopen", "re-open"]),
    (
        "case_opened",
        &["open", "created", "new ticket", "new case", "logged"],
    ),
    (
        "contact_in",
        &[
            "inbound",
            "customer call",
            "customer email",
            "customer chat",
            "call in",
            "incoming",
            "customer contact",
            "walk-in",
            "visit",
        ],
    ),
    (
        "contact_out",
        &[
            "outbound",
            "callback",
            "call back",
            "outgoing",
            "agent call",
            "follow-up call",
            "followup",
        ],
    ),
    ("transfer", &["transfer", "reassign", "handoff", "hand-off"]),
    ("escalation", &["escalat", "supervisor"]),
    (
        "resolved",
        &["resolv", "fixed", "solved", "completed", "done"],
    ),
    ("closed", &["close"]),
    (
        "identify",
        &["verif", "authent", "identif", "security question"],
    ),
    ("survey_sent", &["survey"]),
];

fn guess_activity(name: &str) -> Option<&'static str> {
    let low = name.to_lowercase();
    if EVENT_TYPES.contains(&low.as_str()) {
        return None; // canonical already: no mapping needed
    }
    ACTIVITY_HINTS
        .iter()
        .find(|(_, keys)| keys.iter().any(|k| low.contains(k)))
        .map(|(t, _)| *t)
}

struct Sniffed {
    kind: InputKind,
    path: PathBuf,
    header: Vec<String>,
    shape: crate::input::detect::ExportShape,
    score: usize,
}

/// How well a header fits an input kind: required columns count double.
fn fit(canons: &[Canon], header: &[String]) -> usize {
    let mut taken: Vec<&str> = Vec::new();
    let mut score = 0;
    for c in canons {
        if let Some(g) = columns::guess(c, header, &taken) {
            taken.push(g);
            score += if c.required { 2 } else { 1 };
        }
    }
    score
}

fn sniff_file(path: &Path, scratch: &Path) -> Result<Sniffed> {
    // Sniff as surveys so Qualtrics and SurveyMonkey shapes are recognised.
    let spec = InputSpec::bare(InputKind::Surveys, path);
    let scanned = scan::scan(&spec, scratch)?;
    let header = scanned.columns.clone();
    let (kind, score) = InputKind::ALL
        .iter()
        .map(|k| (*k, fit(columns::canon_for(*k), &header)))
        // Ties go to the earlier kind: events, surveys, contacts.
        .fold((InputKind::Events, 0), |best, cur| {
            if cur.1 > best.1 { cur } else { best }
        });
    Ok(Sniffed {
        kind,
        path: path.to_path_buf(),
        header,
        shape: scanned.sniffed.shape,
        score,
    })
}

/// Distinct activity names in the first rows of the events file.
fn activities(path: &Path, column: &str, scratch: &Path) -> Result<Vec<String>> {
    let spec = InputSpec::bare(InputKind::Events, path);
    let scanned = scan::scan(&spec, scratch)?;
    let df = scanned
        .lf
        .limit(50_000)
        .select([col(column).cast(DataType::String).alias("a")])
        .drop_nulls(None)
        .unique_stable(None, UniqueKeepStrategy::First)
        .limit(60)
        .collect()?;
    Ok(df
        .column("a")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

fn relative(path: &Path, dir: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    abs(path)
        .strip_prefix(abs(dir))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| abs(path))
        .display()
        .to_string()
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

pub fn run(args: &InitArgs, term: &Term) -> Result<Outcome> {
    let target = args.dir.join(CONFIG_FILE);
    target::check_file(&target, FileKind::Config, &args.files, args.force)?;
    let scratch = tempfile::tempdir().map_err(|source| OutputError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let mut found: Vec<Sniffed> = Vec::new();
    for f in &args.files {
        let s = sniff_file(f, scratch.path())?;
        // Keep the best-fitting file per kind.
        match found.iter_mut().find(|x| x.kind == s.kind) {
            Some(prev) if prev.score >= s.score => {
                term.warn(&format!(
                    "{} also looks like {} input; keeping {}",
                    f.display(),
                    s.kind,
                    prev.path.display()
                ));
            }
            Some(prev) => *prev = s,
            None => found.push(s),
        }
    }
    found.sort_by_key(|s| s.kind);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# cxgap configuration, written by `cxgap init` from these headers:"
    );
    for s in &found {
        let _ = writeln!(
            out,
            "#   {:<9} {} ({})",
            s.kind.name(),
            relative(&s.path, &args.dir),
            s.shape.label()
        );
    }
    out.push_str(
        "# Every mapping below is a guess: check it, then run `cxgap validate`.\n\
         # Canonical names need no mapping; unmapped columns are kept as dimensions.\n\n\
         timezone = \"UTC\"          # time zone of timestamps without an offset (IANA name)\n\
         # attribution = \"last\"    # case team/agent/channel: the last (final owner) or first value\n\
         # repeat_window_days = 7  # W: how long after resolution a contact counts as a recontact\n\
         # min_n = 30              # groups smaller than this are flagged as thin\n",
    );
    for s in &found {
        let kind = s.kind.name();
        let _ = write!(
            out,
            "\n[{kind}]\npath = {}\n# format = \"csv\"            # csv, parquet or ndjson (default: from the extension)\n# timestamp_format = \"%Y-%m-%d %H:%M\"  # pin one layout instead of detecting it\n",
            toml_str(&relative(&s.path, &args.dir))
        );
        match s.kind {
            InputKind::Surveys => out.push_str(
                "kind = \"csat\"               # csat (1-5), nps (0-10), ces (1-7) or custom with scale = [min, max]\n# pick = \"first\"            # several answers on one case: first, last or mean\n# window_days = 14          # S: how long after resolution a survey joins by customer\n",
            ),
            InputKind::Contacts => out.push_str(
                "# overlap = \"add\"          # add: counts are contacts the log lacks; max: counts include them\n",
            ),
            InputKind::Events | InputKind::Cases => {}
        }
        let _ = writeln!(out, "\n[{kind}.columns]");
        let mut taken: Vec<&str> = Vec::new();
        let mut event_col = None;
        for c in columns::canon_for(s.kind) {
            match columns::guess(c, &s.header, &taken) {
                Some(g) => {
                    taken.push(g);
                    if c.name == "event" {
                        event_col = Some(g.to_string());
                    }
                    let _ = writeln!(out, "{} = {}", c.name, toml_str(g));
                }
                None => {
                    let need = if c.required {
                        "required, not found"
                    } else {
                        "optional, not found"
                    };
                    let _ = writeln!(out, "# {} = \"\"   # {need}", c.name);
                }
            }
        }
        let rest: Vec<&String> = s
            .header
            .iter()
            .filter(|h| !taken.contains(&h.as_str()))
            .collect();
        if !rest.is_empty() {
            let names: Vec<&str> = rest.iter().map(|h| h.as_str()).collect();
            let _ = writeln!(out, "# kept as dimensions: {}", names.join(", "));
        }
        if let (InputKind::Events, Some(ev)) = (s.kind, event_col) {
            let names = activities(&s.path, &ev, scratch.path())?;
            let _ = writeln!(
                out,
                "\n[events.activities]\n# canonical types: {}\n# Unmapped names become `other`; `cxgap validate` lists them.",
                EVENT_TYPES.join(", ")
            );
            for t in EVENT_TYPES {
                let mine: Vec<String> = names
                    .iter()
                    .filter(|n| guess_activity(n) == Some(*t))
                    .map(|n| toml_str(n))
                    .collect();
                if !mine.is_empty() {
                    let _ = writeln!(out, "{t} = [{}]", mine.join(", "));
                }
            }
            for n in names.iter().filter(|n| guess_activity(n).is_none()) {
                if !EVENT_TYPES.contains(&n.to_lowercase().as_str()) {
                    let _ = writeln!(out, "# {} -> ?", toml_str(n));
                }
            }
        }
    }
    write_output(
        &target,
        FileKind::Config,
        &args.files,
        args.force,
        super::lock_wait(args.lock_wait),
        |w| {
            w.write_all(out.as_bytes()).map_err(|source| {
                OutputError::Write {
                    path: target.clone(),
                    source,
                }
                .into()
            })
        },
    )?;
    term.note(&format!(
        "wrote {}; check the guesses, then run `cxgap validate {}`",
        target.display(),
        args.dir.display()
    ));
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn activity_guesses() {
        use super::guess_activity as g;
        assert_eq!(g("Ticket created"), Some("case_opened"));
        assert_eq!(g("Ticket reopened"), Some("reopened"));
        assert_eq!(g("Inbound call"), Some("contact_in"));
        assert_eq!(g("Promise kept"), Some("promise_kept"));
        assert_eq!(g("Escalated to supervisor"), Some("escalation"));
        assert_eq!(g("resolved"), None);
    }
}
