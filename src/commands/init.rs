//! `cxgap init`: recognise export files and write a commented cxgap.toml
//! that runs as written; `--check` prints what was recognised and what
//! could not be, and writes nothing.

use std::fmt::Write as _;
use std::path::Path;

use crate::cli::InitArgs;
use crate::commands::Outcome;
use crate::error::{Error, OutputError, Result};
use crate::input::config::{CONFIG_FILE, SurveyKind};
use crate::input::recognise::{self, Guess, Recognised, Role};
use crate::input::rows::events::EVENT_TYPES;
use crate::render::files::write_output;
use crate::render::target::{self, FileKind};
use crate::render::term::Term;

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

/// A TOML key: bare when it can be, quoted otherwise.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        toml_str(s)
    }
}

/// The files that make the config: one per section, in section order.
struct Chosen<'a> {
    events: Option<&'a Recognised>,
    surveys: Option<&'a Recognised>,
    contacts: Option<&'a Recognised>,
    cases: Option<&'a Recognised>,
    /// Files recognised but not used, with why.
    unused: Vec<(&'a Recognised, String)>,
}

fn choose(found: &[Recognised]) -> Chosen<'_> {
    let mut c = Chosen {
        events: None,
        surveys: None,
        contacts: None,
        cases: None,
        unused: Vec::new(),
    };
    // A long log is the events; a wide table beside one is case attributes.
    let long = found.iter().find(|r| r.role == Some(Role::LongEvents));
    for r in found {
        let slot = match r.role {
            Some(Role::LongEvents) => &mut c.events,
            Some(Role::WideEvents) if long.is_none() => &mut c.events,
            Some(Role::WideEvents) | Some(Role::CaseTable) => &mut c.cases,
            Some(Role::Surveys) => &mut c.surveys,
            Some(Role::ContactCounts) | Some(Role::Interactions) => &mut c.contacts,
            None => {
                c.unused.push((r, "not recognised".into()));
                continue;
            }
        };
        match slot {
            // Two exports of one table (the same role, the case id in the
            // same column): the later holds the cases' current states.
            Some(first) if same_table(first, r) && r.latest_ms > first.latest_ms => {
                let why = format!("an earlier export of the table in {}", r.path.display());
                c.unused.push((first, why));
                *slot = Some(r);
            }
            Some(first) => {
                let why = if same_table(first, r) {
                    format!("an earlier export of the table in {}", first.path.display())
                } else {
                    format!(
                        "also {}; keeping {}",
                        r.role.map(Role::describe).unwrap_or_default(),
                        first.path.display()
                    )
                };
                c.unused.push((r, why));
            }
            None => *slot = Some(r),
        }
    }
    // Case attributes whose ids start otherwise than the cases' name
    // something else (tasks beside incidents).
    if let (Some(cases), Some(events)) = (c.cases, c.events)
        && let (Some(a), Some(b)) = (&cases.id_prefix, &events.id_prefix)
        && a != b
    {
        let why = format!("its ids start `{a}`, the cases' `{b}`: they name something else");
        c.unused.push((cases, why));
        c.cases = None;
    }
    c
}

/// Whether two files are exports of one table: one role, the case id in
/// a column of the same name.
fn same_table(a: &Recognised, b: &Recognised) -> bool {
    let case = |r: &Recognised| {
        r.columns
            .iter()
            .find(|g| g.key == "case_id")
            .map(|g| g.value.clone())
    };
    a.role == b.role && case(a).is_some() && case(a) == case(b)
}

/// One guessed `key = value` line with its evidence; `prefix` "# " writes
/// it commented out.
fn guess_line(out: &mut String, prefix: &str, g: &Guess) {
    let prefix = if g.commented { "# " } else { prefix };
    let _ = writeln!(
        out,
        "{prefix}{} = {}   # {}",
        key(&g.key),
        toml_str(&g.value),
        g.why
    );
}

fn columns(out: &mut String, section: &str, guesses: &[Guess], missing: &[String]) {
    let _ = writeln!(out, "\n[{section}.columns]");
    for g in guesses {
        guess_line(out, "", g);
    }
    for m in missing {
        let _ = writeln!(out, "# {m} = \"\"   # needed, and no column fits: map it");
    }
}

fn events_section(out: &mut String, r: &Recognised, dir: &Path, surveys_elsewhere: bool) {
    let wide = r.role == Some(Role::WideEvents);
    let _ = writeln!(
        out,
        "\n[events]\npath = {}   # {}: {}",
        toml_str(&relative(&r.path, dir)),
        r.role.map(Role::describe).unwrap_or_default(),
        r.why
    );
    encoding_line(out, r);
    if wide {
        out.push_str("shape = \"wide\"\n");
    }
    if let Some(why) = &r.snapshots {
        let _ = writeln!(out, "shape = \"snapshots\"   # {why}");
    }
    if let Some(why) = &r.newest_first {
        let _ = writeln!(out, "order = \"newest_first\"   # {why}");
    }
    // A joined time is mapped by its parts, once.
    let joined_name = r.joined.as_ref().map(|j| j.0.as_str());
    let plain: Vec<Guess> = r
        .columns
        .iter()
        .filter(|g| Some(g.value.as_str()) != joined_name)
        .cloned()
        .collect();
    columns(out, "events", &plain, &r.missing);
    if let Some((name, parts)) = &r.joined {
        let parts: Vec<String> = parts.iter().map(|p| toml_str(p)).collect();
        let _ = writeln!(
            out,
            "timestamp = [{}]   # a date and a time of day in two columns, read as one: `{name}`",
            parts.join(", ")
        );
    }
    if !r.dimensions.is_empty() {
        let _ = writeln!(
            out,
            "# kept as dimensions (--by): {}",
            r.dimensions.join(", ")
        );
    }
    if wide {
        out.push_str("\n[events.timestamps]   # column -> the event it times (a type, or an activity name)\n");
        for g in &r.timestamps {
            guess_line(out, "", g);
        }
        if let Some(s) = &r.state {
            let _ = writeln!(
                out,
                "\n[events.state]   # {}\ncolumn = {}\nat = {}",
                s.why,
                toml_str(&s.column),
                toml_str(&s.at)
            );
            out.push_str("\n[events.activities]   # the states that end a case; any other is its last step\n");
            activity_lines(out, r);
        }
        if let Some(d) = &r.duration {
            out.push_str(
                "\n[events.durations]   # column -> the event that long after the opening\n",
            );
            let line = format!(
                "{} = {{ event = {}, unit = {} }}",
                toml_str(&d.column),
                toml_str(d.event),
                toml_str(d.unit.map_or("seconds", |u| u.name()))
            );
            let hash = if d.unit.is_some() { "" } else { "# " };
            let _ = writeln!(out, "{hash}{line}   # {}", d.why);
        }
        if !r.due_dates.is_empty() {
            out.push_str("\n[events.due_dates]   # due-date column -> the promise it records\n");
            for d in &r.due_dates {
                let mut parts = vec![match &d.kind_column {
                    Some(k) => format!("kind_column = {}", toml_str(k)),
                    None => format!("kind = {}", toml_str(&d.kind)),
                }];
                if let Some(m) = &d.made {
                    parts.push(format!("made = {}", toml_str(m)));
                }
                if let Some(k) = &d.kept {
                    parts.push(format!("kept = {}", toml_str(k)));
                }
                let _ = writeln!(
                    out,
                    "{} = {{ {} }}   # {}",
                    key(&d.column),
                    parts.join(", "),
                    d.why
                );
            }
        }
        count_lines(out, r, "count column -> the event type it counts");
        if !r.survey.is_empty() {
            let prefix = if surveys_elsewhere { "# " } else { "" };
            let note = if surveys_elsewhere {
                "   (the survey file below is used instead)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "\n{prefix}[events.survey]   # the survey on the case row{note}"
            );
            for g in &r.survey {
                guess_line(out, prefix, g);
            }
        }
        return;
    }
    let _ = writeln!(
        out,
        "\n[events.activities]\n# canonical types: {}\n# Unmapped names become `other`; `cxgap validate` lists them.",
        EVENT_TYPES.join(", ")
    );
    if let Some(why) = &r.ending {
        let _ = writeln!(out, "# resolved: {why}");
    }
    activity_lines(out, r);
    for n in &r.unmapped {
        let _ = writeln!(out, "# {} -> ?", toml_str(n));
    }
    count_lines(
        out,
        r,
        "running count on every row -> the event type it counts (its rises, never a sum)",
    );
}

/// `[events.counts]`, when any column counts events.
fn count_lines(out: &mut String, r: &Recognised, what: &str) {
    if !r.counts.is_empty() {
        let _ = writeln!(out, "\n[events.counts]   # {what}");
        for g in &r.counts {
            guess_line(out, "", g);
        }
    }
}

/// `type = ["Activity", ...]`, one line per event type.
fn activity_lines(out: &mut String, r: &Recognised) {
    for (t, names) in &r.activities {
        let names: Vec<String> = names.iter().map(|n| toml_str(n)).collect();
        let _ = writeln!(out, "{t} = [{}]", names.join(", "));
    }
}

/// `encoding = ...` for a file that is not UTF-8, with why.
fn encoding_line(out: &mut String, r: &Recognised) {
    if let Some(e) = &r.encoding {
        let _ = writeln!(
            out,
            "encoding = {}   # its bytes are not UTF-8: an export saved as Windows-1252 or Latin-1",
            toml_str(e)
        );
    }
}

fn section(out: &mut String, name: &str, r: &Recognised, dir: &Path) {
    let _ = writeln!(
        out,
        "\n[{name}]\npath = {}   # {}: {}",
        toml_str(&relative(&r.path, dir)),
        r.role.map(Role::describe).unwrap_or_default(),
        r.why
    );
    encoding_line(out, r);
    match r.role {
        Some(Role::Surveys) => {
            let (kind, why) = r
                .survey_kind
                .clone()
                .unwrap_or((SurveyKind::Csat, "no score column; the default".into()));
            let _ = writeln!(
                out,
                "kind = \"{}\"   # {why}; csat (1-5), nps (0-10), ces (1-7) or custom with scale = [min, max]",
                kind.name()
            );
        }
        Some(Role::Interactions) => {
            out.push_str(
                "shape = \"interactions\"   # one row per call, chat or email: cxgap counts them\n",
            );
        }
        _ => {}
    }
    columns(out, name, &r.columns, &r.missing);
}

/// The config text for the chosen files.
fn config(c: &Chosen, dir: &Path) -> String {
    let mut out = String::from(
        "# cxgap configuration, written by `cxgap init`. Every mapping is a guess\n\
         # with its evidence beside it: check them, then run `cxgap validate`.\n\
         # Canonical names need no mapping; unmapped columns are kept as dimensions.\n\n\
         timezone = \"UTC\"          # time zone of timestamps without an offset (IANA name)\n\
         # repeat_window_days = 7  # W: how long after resolution a contact counts as a recontact\n\
         # min_n = 30              # groups smaller than this are flagged as thin\n",
    );
    if let Some(why) = c.events.and_then(|r| r.reopen_on_activity.clone()) {
        let _ = writeln!(
            out,
            "reopen_on_activity = true   # {why}: work after a resolution counts as a reopen"
        );
    }
    if let Some(r) = c.events {
        events_section(&mut out, r, dir, c.surveys.is_some());
        // A score on the case row: its scale is the survey section's.
        if c.surveys.is_none()
            && !r.survey.is_empty()
            && let Some((kind, why)) = &r.survey_kind
        {
            let _ = writeln!(
                out,
                "\n[surveys]   # the survey on the case rows\nkind = \"{}\"   # {why}",
                kind.name()
            );
        }
    }
    if let Some(r) = c.surveys {
        section(&mut out, "surveys", r, dir);
    }
    if let Some(r) = c.contacts {
        section(&mut out, "contacts", r, dir);
    }
    if let Some(r) = c.cases {
        section(&mut out, "cases", r, dir);
    }
    out
}

/// What was recognised and what not, for `--check` (and the notes of a
/// plain run).
fn report(c: &Chosen, found: &[Recognised], dir: &Path) -> String {
    let mut out = String::new();
    for r in found {
        let role = match r.role {
            Some(role) => format!("{} ({})", role.kind().name(), role.describe()),
            None => "not recognised".into(),
        };
        let _ = writeln!(
            out,
            "{}: {role}\n  because {}",
            relative(&r.path, dir),
            r.why
        );
        for g in &r.columns {
            let _ = writeln!(out, "  {} <- `{}`: {}", g.key, g.value, g.why);
        }
        for g in r.timestamps.iter().chain(&r.counts) {
            let _ = writeln!(out, "  `{}` -> {}: {}", g.key, g.value, g.why);
        }
        if let Some(s) = &r.state {
            let _ = writeln!(out, "  state `{}` as of `{}`: {}", s.column, s.at, s.why);
        }
        if let Some(why) = &r.newest_first {
            let _ = writeln!(out, "  order newest_first: {why}");
        }
        if let Some(d) = &r.duration {
            let _ = writeln!(
                out,
                "  `{}` -> {} that long after the opening: {}",
                d.column, d.event, d.why
            );
        }
        for d in &r.due_dates {
            let _ = writeln!(out, "  `{}` -> {} promise: {}", d.column, d.kind, d.why);
        }
        for g in &r.survey {
            let _ = writeln!(out, "  survey {} <- `{}`: {}", g.key, g.value, g.why);
        }
        if let Some((kind, why)) = &r.survey_kind {
            let _ = writeln!(out, "  survey kind {}: {why}", kind.name());
        }
        for m in &r.missing {
            let _ = writeln!(out, "  could not find: {m}");
        }
        if !r.unmapped.is_empty() {
            let _ = writeln!(
                out,
                "  activities with no type (kept as `other`): {}",
                r.unmapped.join(", ")
            );
        }
        if let Some(why) = &r.reopen_on_activity {
            let _ = writeln!(out, "  reopen_on_activity: {why}");
        }
    }
    for (r, why) in &c.unused {
        let _ = writeln!(out, "not used: {} ({why})", relative(&r.path, dir));
    }
    if c.events.is_none() {
        out.push_str("could not find an event log or a case table: cxgap needs one\n");
    }
    out
}

pub fn run(args: &InitArgs, term: &Term) -> Result<Outcome> {
    let target = args.dir.join(CONFIG_FILE);
    if !args.check {
        target::check_file(&target, FileKind::Config, &args.files, args.force)?;
    }
    if let Some(f) = args.files.iter().find(|f| !f.is_file()) {
        return Err(Error::usage(
            format!("{}: not an export file (a folder, or missing)", f.display()),
            Some(
                "name each export file: `cxgap init DIR DIR/tickets.csv DIR/survey.csv ...`".into(),
            ),
        ));
    }
    let scratch = tempfile::tempdir().map_err(|source| OutputError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let found: Vec<Recognised> = args
        .files
        .iter()
        .map(|f| recognise::recognise(f, scratch.path()))
        .collect::<Result<_>>()?;
    let chosen = choose(&found);
    let summary = report(&chosen, &found, &args.dir);
    if args.check {
        term.out(summary.as_bytes())?;
        return Ok(Outcome::Done);
    }
    if chosen.events.is_none() {
        // Each file's reason, so a refusal says why without a second run.
        let reasons: Vec<String> = found
            .iter()
            .map(|r| {
                let role = r.role.map_or("not recognised".to_string(), |role| {
                    role.kind().name().to_string()
                });
                format!("\n  {}: {role}: {}", r.path.display(), r.why)
            })
            .collect();
        return Err(Error::usage(
            format!(
                "none of these files is an event log or a case table; cxgap needs one{}",
                reasons.concat()
            ),
            Some("`cxgap init --check DIR FILES...` shows what each file looked like".into()),
        ));
    }
    for (r, why) in &chosen.unused {
        term.warn(&format!("{}: {why}", r.path.display()));
    }
    let text = config(&chosen, &args.dir);
    write_output(
        &target,
        FileKind::Config,
        &args.files,
        args.force,
        super::lock_wait(args.lock_wait),
        |w| {
            w.write_all(text.as_bytes()).map_err(|source| {
                OutputError::Write {
                    path: target.clone(),
                    source,
                }
                .into()
            })
        },
    )?;
    let kinds: Vec<&str> = [chosen.events, chosen.surveys, chosen.contacts, chosen.cases]
        .iter()
        .flatten()
        .filter_map(|r| r.role.map(|role| role.kind().name()))
        .collect();
    term.note(&format!(
        "wrote {} ({}); check the guesses (`cxgap init --check` explains them), then run `cxgap validate {}`",
        target.display(),
        kinds.join(", "),
        args.dir.display()
    ));
    Ok(Outcome::Done)
}
