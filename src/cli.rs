//! The command line: what was typed, nothing resolved. `input::config`
//! turns `InputArgs` plus `cxgap.toml` into the `RunConfig` stages see.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use crate::render::TableFormat;
pub use crate::render::files::FrameFormat;
pub use crate::render::term::ColorChoice;
pub use crate::sample::SampleFormat;

/// Join customer-satisfaction surveys with case event logs and contact counts.
///
/// cxgap puts each survey answer next to the journey that produced it: repeat
/// contacts, broken promises, first-contact resolution, and the gap between
/// what the company's systems say happened and what customers say they lived
/// through.
///
/// Inputs live in a directory with a `cxgap.toml` that maps your export's
/// column and activity names onto cxgap's (run `cxgap init` to write one).
#[derive(Debug, Parser)]
#[command(
    name = "cxgap",
    version,
    max_term_width = 100,
    help_expected = true,
    after_help = "Examples:\n  cxgap report sample-data --out reports/sample\n  cxgap validate sample-data\n  cxgap metrics drivers sample-data\n  cxgap case ISP-1001 sample-data\n\nExit codes:\n  0  success\n  1  an input cannot be read, or a runtime error\n  2  a usage error, or an output refused (not cxgap's own, an input, locked)\n  3  a --fail-if threshold was breached\n  4  a data-quality threshold was breached (too many rejected rows, no usable\n     case, no answer left): nothing is published"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to colour terminal output: auto colours only on a terminal without NO_COLOR
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print nothing on stderr but errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read and check the inputs; print data quality; write nothing
    ///
    /// Every input row is either used or rejected with a reason and its line
    /// number; the summary shows rows read = used + rejected per input, the
    /// rejection reasons, activity names that map to no event type, surveys
    /// that match no case, contact rows that fit no case, and warnings with
    /// their fix. Exits 1 when an input cannot be read at all (a missing
    /// column, an empty file, ...) and 4 when more than --max-reject-share
    /// of an input's rows are rejected, no case is usable or every answer
    /// was rejected.
    #[command(
        after_help = "Examples:\n  cxgap validate sample-data\n  cxgap validate sample-data --rejects rejects.csv\n  cxgap validate . --events tickets.csv --surveys qualtrics.csv"
    )]
    Validate(ValidateArgs),
    /// Recognise export files and write a commented cxgap.toml that runs as written
    ///
    /// Each file is recognised from its columns and first rows: an event log
    /// (one row per event, or XES), a wide ticket or order table (one row
    /// per case with its times, due dates and counts), a case table, survey
    /// answers (Qualtrics, SurveyMonkey, reviews; the score question found
    /// by its answers), contact counts or one row per call, chat or email.
    /// Every mapping is written with its evidence beside it. `--check`
    /// prints what was recognised and what was not, and writes nothing.
    #[command(
        after_help = "Examples:\n  cxgap init exports/ exports/tickets.csv exports/qualtrics.csv\n  cxgap init --check . orders.csv reviews.csv\n  cxgap init . events.csv --force"
    )]
    Init(InitArgs),
    /// Show one journey: timeline, promises, contact counts, features and survey answers
    ///
    /// What a service manager should see before calling the customer back:
    /// every event with the gap since the previous one, each promise and
    /// whether it was kept, the contact-count rows attributed to the case,
    /// the journey features, and the survey answers side by side.
    #[command(
        after_help = "Examples:\n  cxgap case ISP-1001 sample-data\n  cxgap case DLR-2002 sample-data --format json"
    )]
    Case(CaseArgs),
    /// Whom to call back today, and whom to call before they answer
    ///
    /// Two lists over the last --days days, each naming a customer once
    /// (their latest case), for putting things right, never for asking for
    /// a better score. Call back: every unhappy answer (below top-2-box, an
    /// NPS detractor, or "not resolved") with the journey's failures in
    /// words, the comment, the case's owner, whether someone already called
    /// (a contact_out after the answer) and how long the customer has
    /// waited. Call first: cases without an answer whose journey so far
    /// looks like the unhappy ones (a logistic model fitted on the answered
    /// cases), above it how well that model predicted the answers of the
    /// last --days days when fitted on the ones before (AUC, capture).
    /// docs/metrics.md gives every rule.
    #[command(
        after_help = "Examples:\n  cxgap callbacks sample-data\n  cxgap callbacks sample-data --days 7 --top 5\n  cxgap callbacks sample-data --format csv --top 0 > callbacks.csv\n  cxgap callbacks /data/nightly --fail-if \"at_risk>50\""
    )]
    Callbacks(CallbacksArgs),
    /// Build the journeys table (one row per case) and write it as Parquet or CSV, or a dataset
    ///
    /// Columns are named as in docs/metrics.md: opened_at, resolved_at,
    /// inbound_contacts, repeat_contacts, recontacted, fcr, promises_missed,
    /// ..., then the joined survey answer (score, score_norm, satisfied,
    /// customer_resolved) and the case dimensions. Rows are sorted by case_id.
    ///
    /// `--format dataset` writes everything a report needs instead, so the
    /// report can be computed later or elsewhere (`report --journeys DIR`);
    /// with `--part K/N` one customer partition at a time, on as many
    /// machines as there are parts (docs/spark.md runs them on Spark).
    #[command(
        after_help = "Examples:\n  cxgap journeys sample-data --out journeys.parquet\n  cxgap journeys sample-data --out - --format csv | head\n  cxgap journeys sample-data --format dataset --part 0/2 --out parts\n  cxgap journeys sample-data --format dataset --part 1/2 --out parts\n  cxgap report sample-data --journeys parts --out report"
    )]
    Journeys(JourneysArgs),
    /// Write the full report: summary.html, summary.png, charts, tables, journeys, run.json
    ///
    /// Everything lands in OUT at once: summary.html (one self-contained page
    /// for managers: headline figures with n, interval and change, findings
    /// with real journeys, charts, tables, definitions), summary.png (the
    /// headline and top findings on one image), charts/*.png and *.svg, tables/*.csv and *.json for
    /// every table (docs/metrics.md), journeys.parquet, rejects.csv and
    /// run.json (arguments, resolved config, rows read/used/rejected, stage
    /// timings, files). The report is staged beside OUT and swapped in only
    /// when complete, so a failed run leaves the previous report untouched.
    /// The same inputs give byte-identical tables, JSON and HTML.
    #[command(
        after_help = "Examples:\n  cxgap report sample-data --out reports/sample\n  cxgap report sample-data --out reports/by-region --by Region\n  cxgap report /data/nightly --out /srv/cx/today --fail-if \"promise_miss_rate>0.15\""
    )]
    Report(ReportArgs),
    /// Generate realistic inputs of any size with known planted effects
    ///
    /// Writes events, surveys and contacts in an export shape (with a
    /// cxgap.toml that maps it) and truth.json with every planted value:
    /// score effects of repeat contacts, missed promises, reopens, transfers
    /// and escalations; one team's scores inflated beyond its journeys, one
    /// deflated, one that surveys only its good journeys. A small share of
    /// dirty rows exercises validation. The same seed gives the same bytes.
    #[command(
        after_help = "Examples:\n  cxgap sample --cases 10000 --seed 7 --out /tmp/cx\n  cxgap sample --cases 1000000 --out /tmp/cx-big --format parquet\n  cxgap sample --cases 20000 --out /tmp/cx && cxgap report /tmp/cx --out /tmp/cx-report"
    )]
    Sample(SampleArgs),
    /// Print one report table (docs/metrics.md defines each)
    ///
    /// overview (headline figures), score-by-contacts, promises, drivers
    /// (score gaps with Welch intervals and q-values), resolution (log vs
    /// customer), segments (actual vs expected score, shrunken ranking),
    /// trends, who-answers. `--fail-if` turns overview figures into alerts:
    /// a breach exits 3 after printing the table.
    #[command(
        after_help = "Examples:\n  cxgap metrics overview sample-data\n  cxgap metrics drivers sample-data --format markdown\n  cxgap metrics segments sample-data --by Region\n  cxgap metrics overview sample-data --fail-if \"promise_miss_rate>0.15\" --fail-if \"fcr_rate<0.7\""
    )]
    Metrics(MetricsArgs),
    /// Ad-hoc SQL over the tables journeys, events, surveys, contacts and promises
    ///
    /// Polars SQL over the validated inputs and the journeys: `events`
    /// (used event rows, canonical columns), `surveys` (survey rows matched to
    /// a case), `contacts` (count rows attributed to a case), `promises` (the
    /// promise ledger) and `journeys` (one row per case).
    ///
    /// One read-only SELECT: joins, GROUP BY, window functions, CASE, the
    /// usual aggregates and string functions. For periods of a time use
    /// `STRFTIME(opened_at, '%Y-%m')` or `EXTRACT(month FROM opened_at)`;
    /// `DATE_TRUNC` is not among Polars SQL's functions.
    #[command(
        after_help = "Examples:\n  cxgap sql \"SELECT team, AVG(score) AS score FROM journeys GROUP BY team ORDER BY team\" sample-data\n  cxgap sql \"SELECT status, COUNT(*) AS n FROM promises GROUP BY status ORDER BY n DESC\" sample-data --format csv\n  cxgap sql \"SELECT STRFTIME(opened_at, '%Y-%m') AS month, COUNT(*) AS cases FROM journeys GROUP BY month ORDER BY month\" sample-data"
    )]
    Sql(SqlArgs),
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Which table
    #[arg(value_enum)]
    pub table: crate::metrics::TableName,
    #[command(flatten)]
    pub input: InputArgs,
    /// Read the journeys from a dataset (`journeys --format dataset`) instead
    /// of building them: a dataset folder, or a folder of its parts
    #[arg(long, value_name = "PATH")]
    pub journeys: Option<PathBuf>,
    /// Dimension to segment by: team, agent, channel or any unmapped event column
    #[arg(long, value_name = "DIM")]
    pub by: Option<String>,
    /// Trend period
    #[arg(long, value_enum, default_value_t)]
    pub period: crate::metrics::Period,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TableFormat,
    /// Exit 3 when an overview figure meets this condition, e.g.
    /// `promise_miss_rate>0.15`, or its change against the previous period
    /// in the card's units, e.g. `csat_pct.change<-5` (5 points down)
    /// (repeatable)
    #[arg(long = "fail-if", value_name = "EXPR")]
    pub fail_if: Vec<crate::metrics::fail_if::Threshold>,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The query (Polars SQL)
    pub query: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TableFormat,
}

/// Where the inputs are and the windows they are judged under.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Directory holding cxgap.toml and the inputs (default: the current directory)
    pub dir: Option<PathBuf>,
    /// Config file to use instead of DIR/cxgap.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Events file (overrides the config)
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Surveys file (overrides the config)
    #[arg(long, value_name = "FILE")]
    pub surveys: Option<PathBuf>,
    /// Contact-counts file (overrides the config)
    #[arg(long, value_name = "FILE")]
    pub contacts: Option<PathBuf>,
    /// The moment "now" for pending judgments (default: the latest event timestamp)
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Repeat/recontact window W in days (default 7; config
    /// `repeat_window_days`)
    #[arg(
        long = "repeat-window-days",
        visible_alias = "repeat-window",
        value_name = "DAYS"
    )]
    pub repeat_window: Option<f64>,
    /// Survey window S in days for joining surveys by customer (default 14;
    /// config `[surveys] window_days`)
    #[arg(
        long = "survey-window-days",
        visible_alias = "survey-window",
        value_name = "DAYS"
    )]
    pub survey_window: Option<f64>,
    /// Time zone of naive timestamps, an IANA name (default UTC)
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Minimum group size before a figure is flagged as thin (default 30)
    #[arg(long, value_name = "N")]
    pub min_n: Option<usize>,
    /// Largest share of an input's rows that may be rejected before the run
    /// stops with exit 4 and publishes nothing (default 0.05)
    #[arg(long, value_name = "SHARE")]
    pub max_reject_share: Option<f64>,
    /// Go on when a file's last line is cut short (an incomplete download):
    /// the cut row is rejected and the rest used. Without it such a file
    /// stops the run with exit 4, whatever the share of rejected rows
    #[arg(long)]
    pub allow_truncated: bool,
    /// Show e-mail addresses and long numbers (phone, account, card) in
    /// customers' comments as written. By default every output a person
    /// reads shows them as [email] and [number]; journeys.parquet always
    /// keeps the comment as it came
    #[arg(long)]
    pub keep_personal: bool,
    /// Memory the run should stay under, e.g. `8GiB` or `500MB` (default:
    /// three quarters of the machine's memory). Past it, the event log goes
    /// to a temporary folder (TMPDIR) as it is read and the journeys are
    /// built one customer partition at a time; the figures are the same
    /// either way
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub memory_limit: Option<u64>,
    /// Build the journeys in exactly N customer partitions (default: as many
    /// as --memory-limit needs, usually 1)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub partitions: Option<u32>,
}

/// A memory size: bytes, or a number with a unit (KiB, MiB, GiB; KB, MB, GB).
fn parse_size(text: &str) -> Result<u64, String> {
    let size: bytesize::ByteSize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. `8GiB`, `500MiB` or `2GB`"))?;
    if size.as_u64() == 0 {
        return Err("a memory limit must be more than 0".into());
    }
    Ok(size.as_u64())
}

impl InputArgs {
    /// What these flags set over the config file.
    pub fn overrides(&self) -> crate::input::config::Overrides {
        crate::input::config::Overrides {
            dir: self.dir.clone(),
            config: self.config.clone(),
            events: self.events.clone(),
            surveys: self.surveys.clone(),
            contacts: self.contacts.clone(),
            as_of: self.as_of.clone(),
            repeat_window: self.repeat_window,
            survey_window: self.survey_window,
            timezone: self.timezone.clone(),
            min_n: self.min_n,
            max_reject_share: self.max_reject_share,
            allow_truncated: self.allow_truncated,
            keep_personal: self.keep_personal,
            callback_days: None,
            scale: crate::input::config::Scale {
                memory_limit: self.memory_limit,
                partitions: self.partitions,
            },
            inputs_optional: false,
        }
    }
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format of the data-quality summary
    #[arg(long, value_enum, default_value_t)]
    pub format: TableFormat,
    /// Also write every rejected row to this CSV file
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Replace an existing file at --rejects that cxgap did not write (never an input)
    #[arg(long)]
    pub force: bool,
    /// Seconds to wait for another cxgap run writing the same output before giving up (exit 2)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_wait: u64,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write cxgap.toml into
    pub dir: PathBuf,
    /// Export files to sniff (events, surveys and contacts are told apart by their columns)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Overwrite an existing cxgap.toml (never an input)
    #[arg(long)]
    pub force: bool,
    /// Print what each file was recognised as, each guess with its evidence, and what could not be found; write nothing
    #[arg(long)]
    pub check: bool,
    /// Seconds to wait for another cxgap run writing the same output before giving up (exit 2)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_wait: u64,
}

#[derive(Debug, Args)]
pub struct CaseArgs {
    /// The case to show
    pub case_id: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct JourneysArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output file (new, or one cxgap wrote), `-` for standard output (CSV
    /// only), or with `--format dataset` a folder
    #[arg(long, short, value_name = "PATH")]
    pub out: PathBuf,
    /// Output format (default: from the extension, else parquet). `dataset`:
    /// a folder with every frame the metrics read and a manifest, for
    /// `report --journeys` and `metrics --journeys`
    #[arg(long, value_enum)]
    pub format: Option<JourneysFormat>,
    /// Build only part K of N customer partitions (counting from 0), as a
    /// dataset: run it for K = 0..N-1, into one folder, on one or several
    /// machines; the parts together give the report of one run
    #[arg(long = "part", alias = "partition", value_name = "K/N", value_parser = parse_part)]
    pub partition: Option<(u32, u32)>,
    /// With --part: the inputs hold part K's rows only, already routed
    /// by a cluster (spark/cxgap_spark.py); all of them are built, as part K
    /// with their own counts, and the quality gate waits for the report
    #[arg(long, requires = "partition")]
    pub routed: bool,
    /// With --routed: the latest event timestamp of the whole run (from
    /// `--format keys`), the as_of of every part when none is configured.
    /// Unlike --as-of, it sets no later row aside (SPEC 2)
    #[arg(
        long,
        value_name = "TIME",
        requires = "routed",
        conflicts_with = "as_of"
    )]
    pub run_latest_event: Option<String>,
    /// Replace an existing file at --out that cxgap did not write (never an input)
    #[arg(long)]
    pub force: bool,
    /// Seconds to wait for another cxgap run writing the same output before giving up (exit 2)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_wait: u64,
}

/// What `cxgap journeys` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JourneysFormat {
    /// Apache Parquet: the journeys table
    Parquet,
    /// Comma-separated values: the journeys table
    Csv,
    /// A folder: every frame the metrics read, events and rejects, and a manifest
    Dataset,
    /// CSV: each case's partition key (its customer, else the case) and
    /// latest event time, for a cluster routing rows (spark/cxgap_spark.py)
    Keys,
}

/// `K/N`: part K (from 0) of N.
fn parse_part(text: &str) -> Result<(u32, u32), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not K/N (say `0/4` for the first of four parts)"))?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{k}` is not a part number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number of parts"))?;
    if n == 0 || n > 4096 || k >= n {
        return Err(format!(
            "part {k} of {n}: N must be 1 to 4096 and K from 0 to N-1"
        ));
    }
    Ok((k, n))
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Read the journeys from a dataset (`journeys --format dataset`) instead
    /// of building them: a dataset folder, or a folder of its parts
    #[arg(long, value_name = "PATH")]
    pub journeys: Option<PathBuf>,
    /// Report folder: new, empty, or an earlier cxgap report (replaced as a whole when the run succeeds)
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Dimension for the segment, resolution and who-answers tables (default team)
    #[arg(long, value_name = "DIM")]
    pub by: Option<String>,
    /// Exit 3 when an overview figure meets this condition, e.g.
    /// `promise_miss_rate>0.15`, or its change against the previous period
    /// in the card's units, e.g. `csat_pct.change<-5` (repeatable)
    #[arg(long = "fail-if", value_name = "EXPR")]
    pub fail_if: Vec<crate::metrics::fail_if::Threshold>,
    /// Test hook: fail right after the named stage, to prove atomic output
    #[arg(long, hide = true, value_name = "STAGE")]
    pub fail_after_stage: Option<String>,
    /// Test hook: sleep SECONDS after the named stage (`tables:5`), to kill
    /// a run mid-write or race two writers
    #[arg(long, hide = true, value_name = "STAGE:SECONDS")]
    pub pause_after_stage: Option<String>,
    /// Seconds to wait for another cxgap run writing the same output before giving up (exit 2)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_wait: u64,
}

#[derive(Debug, Args)]
pub struct CallbacksArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Read the journeys from a dataset (`journeys --format dataset`) instead
    /// of building them
    #[arg(long, value_name = "PATH")]
    pub journeys: Option<PathBuf>,
    /// Days back from as_of that the lists look (default: `[callbacks] days`, else 14)
    #[arg(long, value_name = "DAYS")]
    pub days: Option<f64>,
    /// Rows of each list to print; 0 prints them all
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TableFormat,
    /// Exit 3 when a list is longer than this, e.g. `at_risk>50` or
    /// `callbacks>20`; overview figures work too (repeatable)
    #[arg(long = "fail-if", value_name = "EXPR")]
    pub fail_if: Vec<crate::metrics::fail_if::Threshold>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Number of cases
    #[arg(long, default_value_t = 10_000)]
    pub cases: u64,
    /// Random seed: the same seed and size give byte-identical files
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write: new, empty, or earlier `cxgap sample` output (replaced whole)
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// File format of the three inputs
    #[arg(long, value_enum, default_value_t)]
    pub format: SampleFormat,
    /// Export shape of the events and contacts: the same cases and planted truth in each
    #[arg(long, value_enum, default_value_t)]
    pub shape: crate::sample::SampleShape,
    /// Plant no journey effect on scores (repeat contacts, missed promises,
    /// reopens, transfers, escalations): journeys then predict nothing, as
    /// a check of the at-risk back-test
    #[arg(long)]
    pub no_journey_effects: bool,
    /// Seconds to wait for another cxgap run writing the same output before giving up (exit 2)
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_wait: u64,
}
