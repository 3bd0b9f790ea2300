//! The command line: clap definitions (their doc comments are the `--help` text), flag values
//! parsed once by typed `value_parser`s (one message and one hint each), and `execute`, which
//! hands each command to the pipeline and its summary to the printer.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use clap::{Parser, Subcommand};

use crate::ingest::{Encoding, Options};
use crate::period::Quarter;
use crate::pipeline::{self, Documents, Error, RunRequest};
use crate::printer::Printer;

#[derive(Debug, Parser)]
#[command(
    name = "slareview",
    bin_name = "slareview",
    version,
    about = "Support analytics and contract review: helpdesk exports to a validated Parquet lake, SLA figures and quarterly service reviews",
    after_help = "Exit status: 0 done, 1 ran but found violations (validate: rejected rows), 2 could not run.\nEnvironment: SLAREVIEW_CHROMIUM (the Chromium binary for --pdf), RUST_LOG (log filter); README.md, \"Commands\", lists every variable slareview reads."
)]
pub struct Cli {
    /// More logging on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = "Global options")]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,
    /// The command's summary on stdout as one JSON object (an error as {"error", "hint"}),
    /// instead of text.
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// How exports are read; shared by every command that reads them.
#[derive(Debug, clap::Args, Clone)]
pub struct ReadArgs {
    /// Zone of timestamps written without an offset (e.g. Asia/Seoul); without it they are rejects.
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    pub assume_tz: Option<Tz>,
    /// Encoding of CSV/NDJSON exports: utf-8 or cp949 (EUC-KR). Detected when not given.
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,
    /// The instant the exports were taken (RFC 3339 with an offset). Default: the latest
    /// accepted timestamp in tickets and events, printed with the file and line that set it.
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
    pub as_of: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: ingest the exports, write the lake and the period's documents.
    Run {
        /// Folder holding the exports (tickets, ticket_events, surveys, contracts, sla_targets,
        /// calendars.toml, goals.toml; see shared/spec/inputs.md).
        #[arg(long, value_name = "DIR", default_value = "sample_data")]
        data: PathBuf,
        /// Folder for the lake, tables and documents. They are written into
        /// <out>/.slareview-staging and swapped in only when all are written; a folder in it
        /// holding files slareview did not write is refused, never emptied.
        #[arg(long, value_name = "DIR", default_value = "out")]
        out: PathBuf,
        /// Reporting quarter, e.g. 2026Q3. Default: the last quarter that ended by as_of.
        /// Metric tables cover it and the three quarters before it.
        #[arg(long, value_name = "QUARTER", value_parser = parse_quarter)]
        period: Option<Quarter>,
        /// Folder of metric queries: one `.sql` file, one table in <out>/tables. Default:
        /// `queries/` in the current directory, else the bundled `queries/` of this project.
        #[arg(long, value_name = "DIR")]
        queries: Option<PathBuf>,
        /// Name engineers in the customer service reviews (by default a customer's review
        /// names no engineer).
        #[arg(long)]
        show_engineers: bool,
        /// Also print every HTML document to PDF with headless Chromium (when installed).
        #[arg(long)]
        pdf: bool,
        /// Language of every document: ko, en or zh. Default: each customer review in its
        /// contract's `language`, the other documents in goals.toml's `language`, else en.
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<&'static str>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Ingest the exports into the Parquet lake only.
    Ingest {
        /// Folder holding the exports.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Folder for the lake: new, empty, or a lake slareview wrote (replaced whole, never
        /// merged; a folder holding other files is refused).
        #[arg(long, value_name = "DIR")]
        lake: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Ingest without writing anything: print every rejected row as `file:line: reason`;
    /// exit 1 when any row is rejected.
    Validate {
        /// Folder holding the exports.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Turn a helpdesk's own export into the canonical exports, through a column mapping:
    /// `slareview import servicenow incident_event_log.csv.gz --out sn --assume-tz UTC`.
    Import {
        /// A bundled mapping (`servicenow`) or a mapping file (.toml; see mappings/README.md).
        mapping: String,
        /// The export: CSV, optionally gzip-compressed (.gz).
        file: PathBuf,
        /// Folder for the canonical files (then: slareview run --data DIR).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Zone of timestamps written without an offset (e.g. UTC, Asia/Seoul).
        #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
        assume_tz: Option<Tz>,
        /// The export column that names the customer (default: the mapping's).
        #[arg(long, value_name = "COLUMN")]
        customer_from: Option<String>,
    },
    /// Write synthetic exports in the canonical format (deterministic per seed).
    Generate {
        /// Number of tickets.
        #[arg(long, value_name = "N", default_value_t = 10_000)]
        tickets: usize,
        /// Seed of the random generator: the same seed and ticket count write the same files.
        #[arg(long, value_name = "N", default_value_t = 42)]
        seed: u64,
        /// Folder for the generated exports (then: slareview run --data DIR).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Share of rows made deliberately malformed, from 0 to 0.5 (0.001 = one in a
        /// thousand), so the reject path has something to show.
        #[arg(long, value_name = "SHARE", default_value_t = 0.0, value_parser = parse_defect_rate)]
        defect_rate: f64,
    },
}

/// How a command ended: the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ExitStatus {
    /// 0: done.
    Success,
    /// 1: ran, but found violations (`validate`: rejected rows).
    Violations,
    /// 2: could not run.
    Failure,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        std::process::ExitCode::from(match s {
            ExitStatus::Success => 0,
            ExitStatus::Violations => 1,
            ExitStatus::Failure => 2,
        })
    }
}

impl ReadArgs {
    fn options(&self, data: &Path) -> Options {
        Options {
            data_dir: data.to_path_buf(),
            assume_tz: self.assume_tz,
            encoding: self.encoding,
            as_of: self.as_of,
        }
    }
}

impl Cli {
    /// How results are printed: `--json`, `--quiet`.
    pub fn printer(&self) -> Printer {
        Printer {
            json: self.json,
            quiet: self.quiet,
        }
    }
}

/// Runs a command: the pipeline does the work, the printer tells of it.
pub fn execute(cli: Cli) -> Result<ExitStatus, Error> {
    let printer = cli.printer();
    // A summary that cannot be printed (stdout closed) is not worth failing the run over.
    let print = |r: std::io::Result<()>| {
        if let Err(e) = r {
            tracing::warn!("cannot print the summary: {e}");
        }
    };
    match cli.command {
        Command::Run {
            data,
            out,
            period,
            queries,
            show_engineers,
            pdf,
            lang,
            read,
        } => {
            let req = RunRequest {
                read: read.options(&data),
                out,
                period,
                queries: queries.unwrap_or_else(bundled_queries),
                documents: Documents {
                    show_engineers,
                    pdf,
                    lang,
                    command: command_line(),
                },
            };
            let s = pipeline::run(&req, &printer)?;
            print(printer.summary(&s));
            Ok(ExitStatus::Success)
        }
        Command::Import {
            mapping,
            file,
            out,
            assume_tz,
            customer_from,
        } => {
            let opts = crate::import::Options {
                assume_tz,
                customer_from,
            };
            let s = pipeline::import(&mapping, &file, &out, &opts)?;
            print(printer.summary(&s));
            Ok(ExitStatus::Success)
        }
        Command::Ingest { data, lake, read } => {
            let s = pipeline::ingest(&read.options(&data), &lake, &printer)?;
            print(printer.summary(&s));
            Ok(ExitStatus::Success)
        }
        Command::Validate { data, read } => {
            let s = pipeline::validate(&read.options(&data), &printer)?;
            print(printer.summary(&s));
            Ok(if s.rejects.is_empty() {
                ExitStatus::Success
            } else {
                ExitStatus::Violations
            })
        }
        Command::Generate {
            tickets,
            seed,
            out,
            defect_rate,
        } => {
            let params = crate::generate::Params {
                tickets,
                seed,
                defect_rate,
            };
            let s = pipeline::generate(&params, &out)?;
            print(printer.summary(&s));
            Ok(ExitStatus::Success)
        }
    }
}

/// The default queries folder: `queries/` of the current directory (a clone's own, when run
/// from its root as the README does), else the project folder this binary was built from. Not
/// the build path alone: clones sharing one target directory share one binary.
pub fn bundled_queries() -> PathBuf {
    let here = Path::new("queries");
    if here.is_dir() {
        return here.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("queries")
}

/// `--assume-tz`: an IANA time zone.
fn parse_zone(s: &str) -> Result<Tz, String> {
    s.parse::<Tz>().map_err(|_| {
        "not an IANA time zone\nhint: use a zone name such as Asia/Seoul, America/New_York or UTC"
            .to_string()
    })
}

/// `--encoding`: utf-8 or cp949.
fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::parse(s).ok_or_else(|| {
        "not an encoding slareview reads\nhint: use utf-8, or cp949 (EUC-KR) for files from Korean Excel"
            .to_string()
    })
}

/// `--as-of`: an RFC 3339 instant with its offset.
fn parse_instant(s: &str) -> Result<i64, String> {
    crate::model::parse_timestamp(s, None).map_err(|_| {
        "not an RFC 3339 timestamp with an offset\nhint: e.g. --as-of 2026-10-05T09:00:00+09:00"
            .to_string()
    })
}

/// `--period`: a quarter, `2026Q3`.
fn parse_quarter(s: &str) -> Result<Quarter, String> {
    Quarter::parse(s).ok_or_else(|| "not a quarter\nhint: write it as 2026Q3".to_string())
}

/// `--defect-rate`: a share from 0 to 0.5.
fn parse_defect_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=0.5).contains(&r) => Ok(r),
        _ => Err(
            "not a share from 0 to 0.5\nhint: e.g. --defect-rate 0.001 (one row in a thousand)"
                .to_string(),
        ),
    }
}

/// `--lang`: a language documents can be written in (a catalog of `locales/`).
fn parse_lang(s: &str) -> Result<&'static str, String> {
    crate::report::i18n::check_language(s)
}

/// The command as typed, for the documents' audit appendix: the program as `slareview` (not
/// the path it was started from, so a build directory does not leak into the reports) and each
/// argument quoted for a POSIX shell when it needs it.
fn command_line() -> String {
    let mut parts = vec!["slareview".to_string()];
    for a in std::env::args_os().skip(1) {
        let a = a.to_string_lossy().into_owned();
        let plain = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c));
        parts.push(if plain {
            a
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        });
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Hint;
    use crate::ingest;
    use crate::printer::error_text;

    /// A full disk: writing to /dev/full fails with ENOSPC at the first flush.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_names_the_file_and_says_the_os_error_once() {
        use polars::prelude::*;
        let mut df = df!("a" => (0..100_000i64).collect::<Vec<_>>()).unwrap();
        for err in [
            crate::store::write_parquet(&mut df, Path::new("/dev/full")).unwrap_err(),
            crate::store::write_csv(&df, Path::new("/dev/full")).unwrap_err(),
        ] {
            assert!(
                err.hint().is_some_and(|h| h.contains("free space")),
                "{err:?}"
            );
            let text = error_text(&err);
            assert!(text.contains("`/dev/full`"), "{text}");
            assert_eq!(text.matches("No space left on device").count(), 1, "{text}");
        }
    }

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::other("disk on fire");
        let e = ingest::IngestError::Io {
            path: "t/x.csv".into(),
            source: io,
        };
        assert_eq!(
            error_text(&e),
            "cannot read or write `t/x.csv`: disk on fire"
        );
        // A transparent stage error is its cause's message, once.
        let e = Error::Ingest(ingest::IngestError::Io {
            path: "t/y.csv".into(),
            source: std::io::Error::other("no"),
        });
        assert_eq!(error_text(&e), "cannot read or write `t/y.csv`: no");
    }
}
