//! The command line: clap definitions (their doc comments are the `--help` text) and the
//! commands, each returning the process exit code (0 fine, 1 ran but found violations,
//! 2 could not run).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;
use clap::{Parser, Subcommand};

use crate::ingest::{self, Encoding, Options};
use crate::period::{self, Quarter};

#[derive(Debug, Parser)]
#[command(
    name = "slareview",
    version,
    about = "Support analytics and contract review: helpdesk exports to a validated Parquet lake, SLA figures and quarterly service reviews"
)]
pub struct Cli {
    /// More logging on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// How exports are read; shared by every command that reads them.
#[derive(Debug, clap::Args, Clone)]
pub struct ReadArgs {
    /// Zone of timestamps written without an offset (e.g. Asia/Seoul); without it they are rejects.
    #[arg(long, value_name = "ZONE")]
    pub assume_tz: Option<String>,
    /// Encoding of CSV/NDJSON exports: utf-8 or cp949 (EUC-KR). Detected when not given.
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// The instant the exports were taken (RFC 3339). Default: the latest accepted timestamp in
    /// tickets and events, printed with the file and line that set it.
    #[arg(long, value_name = "RFC3339")]
    pub as_of: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: ingest the exports, write the lake and the period's documents.
    Run {
        /// Folder holding the exports.
        #[arg(long, default_value = "sample_data")]
        data: PathBuf,
        /// Folder for the lake, tables and documents. They are written into
        /// <out>/.slareview-staging and swapped in only when all are written; a folder in it
        /// holding files slareview did not write is refused, never emptied.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Reporting quarter, e.g. 2026Q3. Default: the last quarter that ended by as_of.
        /// Metric tables cover it and the three quarters before it.
        #[arg(long)]
        period: Option<String>,
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
        #[arg(long)]
        data: PathBuf,
        /// Folder for the lake: new, empty, or a lake slareview wrote (replaced whole, never
        /// merged; a folder holding other files is refused).
        #[arg(long)]
        lake: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Ingest without writing anything; exit 1 when any row is rejected.
    Validate {
        #[arg(long)]
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
        #[arg(long)]
        out: PathBuf,
        /// Zone of timestamps written without an offset.
        #[arg(long, value_name = "ZONE")]
        assume_tz: Option<String>,
        /// The export column that names the customer (default: the mapping's).
        #[arg(long, value_name = "COLUMN")]
        customer_from: Option<String>,
    },
    /// Write synthetic exports in the canonical format (deterministic per seed).
    Generate {
        /// Number of tickets.
        #[arg(long, default_value_t = 10_000)]
        tickets: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        /// Share of rows made deliberately malformed (0.001 = one in a thousand), so the reject
        /// path has something to show.
        #[arg(long, default_value_t = 0.0)]
        defect_rate: f64,
    },
}

impl ReadArgs {
    fn options(&self, data: &Path) -> Result<Options> {
        let assume_tz = match &self.assume_tz {
            Some(z) => Some(z.parse::<Tz>().map_err(|_| {
                anyhow::anyhow!("unknown time zone `{z}` for --assume-tz\nhint: use an IANA zone name such as Asia/Seoul or America/New_York")
            })?),
            None => None,
        };
        let encoding = match &self.encoding {
            Some(e) => Some(Encoding::parse(e).ok_or_else(|| {
                anyhow::anyhow!("unknown encoding `{e}` for --encoding\nhint: use utf-8 or cp949")
            })?),
            None => None,
        };
        let as_of = match &self.as_of {
            Some(s) => Some(crate::model::parse_timestamp(s, None).map_err(|_| {
                anyhow::anyhow!("--as-of `{s}` is not an RFC 3339 timestamp with an offset\nhint: e.g. --as-of 2026-10-05T09:00:00+09:00")
            })?),
            None => None,
        };
        Ok(Options {
            data_dir: data.to_path_buf(),
            assume_tz,
            encoding,
            as_of,
        })
    }
}

/// Runs a command; returns the exit code.
pub fn execute(cli: Cli) -> Result<u8> {
    // Per-file counts on stderr, unless --quiet.
    let print_counts = |m: &ingest::Manifest| {
        if !cli.quiet {
            eprint_counts(m)
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
            let queries = queries.unwrap_or_else(bundled_queries);
            run(
                &data,
                &out,
                period.as_deref(),
                &queries,
                &read,
                Documents {
                    show_engineers,
                    pdf,
                    lang,
                },
                &print_counts,
                cli.quiet,
            )
        }
        Command::Import {
            mapping,
            file,
            out,
            assume_tz,
            customer_from,
        } => {
            let assume_tz = match assume_tz {
                Some(z) => Some(z.parse::<Tz>().map_err(|_| {
                    anyhow::anyhow!("unknown time zone `{z}` for --assume-tz\nhint: use an IANA zone name such as America/Sao_Paulo or UTC")
                })?),
                None => None,
            };
            let m = crate::import::Mapping::load(&mapping)?;
            let s = crate::import::import(
                &m,
                &file,
                &out,
                &crate::import::Options {
                    assume_tz,
                    customer_from,
                },
            )?;
            if !cli.quiet {
                eprintln!(
                    "{}: read {} rows, used {}, rejected {}; {} tickets, {} events, {} contracts",
                    s.file,
                    s.rows_read,
                    s.rows_used,
                    s.rows_rejected,
                    s.tickets,
                    s.events,
                    s.contracts
                );
                for (reason, n) in &s.rejects_by_reason {
                    eprintln!("  rejected {n:>7}  {reason}");
                }
            }
            for p in crate::import::written(&out) {
                println!("{}", p.display());
            }
            println!(
                "next: slareview run --data {} --out <folder>",
                out.display()
            );
            Ok(0)
        }
        Command::Ingest { data, lake, read } => {
            let opts = read.options(&data)?;
            let (_, manifest) = ingest::ingest_to_lake(&opts, &lake)?;
            print_counts(&manifest);
            println!("lake: {}", lake.display());
            Ok(0)
        }
        Command::Validate { data, read } => {
            let opts = read.options(&data)?;
            let ing = ingest::ingest(&opts)?;
            let manifest = ingest::Manifest::new(&ing);
            print_counts(&manifest);
            let rejects = ing.rejects_in_order();
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for r in &rejects {
                let _ = writeln!(
                    out,
                    "{}:{}: {}{}",
                    r.file,
                    r.line,
                    r.column
                        .as_deref()
                        .map(|c| format!("`{c}`: "))
                        .unwrap_or_default(),
                    r.reason
                );
            }
            Ok(if rejects.is_empty() { 0 } else { 1 })
        }
        Command::Generate {
            tickets,
            seed,
            out,
            defect_rate,
        } => {
            if !(0.0..=0.5).contains(&defect_rate) {
                bail!("--defect-rate must be between 0 and 0.5");
            }
            let stats = crate::generate::generate(
                &crate::generate::Params {
                    tickets,
                    seed,
                    defect_rate,
                },
                &out,
            )?;
            println!(
                "wrote {} tickets, {} events, {} surveys to {}",
                stats.tickets,
                stats.events,
                stats.surveys,
                out.display()
            );
            Ok(0)
        }
    }
}

/// An error as one message: the chain of causes, each once (an error that already quotes its
/// cause, an I/O error naming its file say, is not followed by the same cause again).
pub fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let c = cause.to_string();
        if !text.contains(&c) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&c);
        }
    }
    text
}

fn eprint_counts(m: &ingest::Manifest) {
    for f in &m.files {
        eprintln!(
            "{:<20} read {:>10}  accepted {:>10}  rejected {:>8}",
            f.file, f.rows_read, f.rows_accepted, f.rows_rejected
        );
    }
    // Where as_of came from, so that a row that moved it is seen: `as of 2026-10-04T23:14:42Z
    // (ticket_events.csv line 76941)`, or `(--as-of)`.
    match (&m.as_of, &m.as_of_origin) {
        (Some(t), Some(o)) => eprintln!("as of {t} ({} line {})", o.file, o.line),
        (Some(t), None) => eprintln!("as of {t} ({})", m.as_of_source),
        (None, _) => eprintln!("as of (no tickets)"),
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

fn run(
    data: &Path,
    out: &Path,
    period: Option<&str>,
    queries: &Path,
    read: &ReadArgs,
    docs: Documents,
    print_counts: &dyn Fn(&ingest::Manifest),
    _quiet: bool,
) -> Result<u8> {
    let opts = read.options(data)?;
    let quarter = match period {
        Some(p) => Some(Quarter::parse(p).ok_or_else(|| {
            anyhow::anyhow!("--period `{p}` is not a quarter\nhint: write it as 2026Q3")
        })?),
        None => None,
    };
    // Everything is written into a staging folder and swapped in at the end
    // (src/store/staging.rs): a crash leaves the previous outputs, and nothing slareview did not
    // write is replaced.
    let staging = crate::store::staging::Staging::begin(out)?;
    crate::store::staging::check_items(
        out,
        &[
            crate::store::staging::Item::folder("lake"),
            crate::store::staging::Item::folder("tables"),
        ],
    )?;
    let stage = staging.dir().to_path_buf();
    let ing = ingest::ingest(&opts)?;
    let manifest = ingest::Manifest::new(&ing);
    let lake = stage.join("lake");
    ingest::lake::write_files(&lake, &ing, &manifest)?;
    print_counts(&manifest);
    let tz = ing.goals.reporting_tz();
    let quarter = match quarter {
        Some(q) => q,
        None => {
            let Some(as_of) = ing.as_of else {
                // The lake (with its rejects) is still worth having: it says why.
                staging.commit(&[crate::store::staging::Item::folder("lake")])?;
                bail!("no ticket was accepted, so there is no as_of to choose a period from\nhint: check the rejects in `{}` or pass --period and --as-of", out.join("lake").join("rejects.csv").display());
            };
            let tickets = ing.table("tickets");
            let created = tickets.col("created_at");
            let earliest = (0..tickets.len())
                .filter(|&i| tickets.keep[i])
                .filter_map(|i| tickets.ts(created, i))
                .min();
            period::default_quarter(&tz, as_of, earliest)
        }
    };
    let reports_item = format!("reports/{}", quarter.label());
    let summary_item = format!("summary_{}.html", quarter.label());
    // Refused before the long work, not after it.
    crate::store::staging::check_items(
        out,
        &[
            crate::store::staging::Item::folder(reports_item.as_str()),
            crate::store::staging::Item::file(summary_item.as_str()),
        ],
    )?;
    // The clocks read the lake just written: the validated tables are their only input.
    let tables_dir = stage.join("tables");
    let written = match ing.as_of {
        Some(as_of) => {
            let inputs = crate::clock::ClockInputs::read_lake(&lake)?;
            let prepared = crate::clock::prepare(inputs, &ing.calendars, &ing.goals, as_of)?;
            let outs = crate::clock::compute(&prepared);
            let mut tables = crate::clock::tables(&prepared, &outs)?;
            crate::clock::apply_waivers(&mut tables, &lake)?;
            let mut written = vec![
                ("ticket_sla".to_string(), tables.ticket_sla.height()),
                ("update_windows".to_string(), tables.update_windows.height()),
                ("ticket_facts".to_string(), tables.ticket_facts.height()),
            ];
            // The clock tables are written on a thread of their own while the metrics run
            // from the same frames in memory (a clone shares the columns); both are done
            // before any document reads a table back.
            let mut to_write = crate::clock::ClockTables {
                ticket_sla: tables.ticket_sla.clone(),
                update_windows: tables.update_windows.clone(),
                ticket_facts: tables.ticket_facts.clone(),
            };
            std::fs::create_dir_all(&tables_dir)
                .with_context(|| format!("cannot create `{}`", tables_dir.display()))?;
            let (m, clock_written) = std::thread::scope(|scope| {
                let writer = scope.spawn(|| crate::clock::write_tables(&tables_dir, &mut to_write));
                let m = crate::metrics::run(
                    &crate::metrics::Inputs {
                        lake: &lake,
                        prepared: &prepared,
                        clock: &tables,
                        calendars: &ing.calendars,
                        goals: &ing.goals,
                        report: quarter,
                        queries,
                    },
                    &tables_dir,
                );
                (m, writer.join())
            });
            clock_written.map_err(|_| anyhow::anyhow!("the clock table writer panicked"))??;
            let m = m?;
            written.extend(m.tables);
            written
        }
        None => Vec::new(),
    };
    let reports = if written.is_empty() {
        None
    } else {
        Some(crate::report::review::write_all(
            &crate::report::review::Options {
                out: &stage,
                report: quarter,
                goals: &ing.goals,
                calendars: &ing.calendars,
                show_engineers: docs.show_engineers,
                pdf: docs.pdf,
                lang: docs.lang,
                command: command_line(),
            },
        )?)
    };
    let mut written = written;
    if let Some(r) = &reports {
        written.extend(r.tables.iter().cloned());
    }
    let lang = crate::report::i18n::choose(docs.lang, None, ing.goals.language.as_deref());
    let view = crate::report::summary::build(&ing, &manifest, quarter, lang)?;
    let html = crate::report::summary::render_html(&view, lang)?;
    let staged_summary = stage.join(&summary_item);
    std::fs::write(&staged_summary, html)
        .with_context(|| format!("cannot write `{}`", staged_summary.display()))?;

    let mut items = vec![crate::store::staging::Item::folder("lake")];
    if !written.is_empty() {
        items.push(crate::store::staging::Item::folder("tables"));
    }
    if reports.is_some() {
        items.push(crate::store::staging::Item::folder(reports_item.as_str()));
    }
    items.push(crate::store::staging::Item::file(summary_item.as_str()));
    let final_path = |p: &Path| staging.final_path(p);
    let reports = reports.map(|mut r| {
        r.portfolio = final_path(&r.portfolio);
        r.team_review = final_path(&r.team_review);
        r.dir = final_path(&r.dir);
        for p in r.customer_reviews.iter_mut() {
            *p = final_path(p);
        }
        if let Some(Ok(pdfs)) = r.pdf.as_mut() {
            for p in pdfs.iter_mut() {
                *p = final_path(p);
            }
        }
        r
    });
    staging.commit(&items)?;
    let lake = out.join("lake");
    let tables_dir = out.join("tables");
    let summary_path = out.join(&summary_item);

    println!("lake:     {}", lake.display());
    println!("manifest: {}", lake.join(ingest::lake::MANIFEST).display());
    println!(
        "rejects:  {} ({} rows)",
        lake.join("rejects.csv").display(),
        manifest.rows_rejected
    );
    if !written.is_empty() {
        let periods: Vec<String> = crate::metrics::derive::quarters_written(quarter)
            .iter()
            .map(|q| q.label())
            .collect();
        println!(
            "tables:   {} ({} tables for {})",
            tables_dir.display(),
            written.len(),
            periods.join(", ")
        );
        for (name, rows) in &written {
            println!("          {name:<20} {rows:>9} rows");
        }
    }
    println!("summary:  {}", summary_path.display());
    if let Some(r) = &reports {
        println!("reports:  {}", r.dir.display());
        println!("          portfolio        {}", r.portfolio.display());
        println!("          team review      {}", r.team_review.display());
        println!(
            "          customer reviews {} ({} contracts; .html, and .md with charts beside)",
            r.dir.join("customers").display(),
            r.customer_reviews.len()
        );
        match &r.pdf {
            Some(Ok(pdfs)) => println!(
                "          pdf              {} ({} files)",
                r.dir.join("pdf").display(),
                pdfs.len()
            ),
            Some(Err(why)) => eprintln!("note: {why}"),
            None => {}
        }
    }
    Ok(0)
}

/// What `run` writes besides the tables.
pub struct Documents {
    pub show_engineers: bool,
    pub pdf: bool,
    /// `--lang`: every document in this language.
    pub lang: Option<&'static str>,
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
            let text = error_text(&anyhow::Error::new(err));
            assert!(text.contains("`/dev/full`"), "{text}");
            assert_eq!(text.matches("No space left on device").count(), 1, "{text}");
        }
    }

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::other("disk on fire");
        let e = anyhow::Error::new(ingest::IngestError::Io {
            path: "t/x.csv".into(),
            source: io,
        });
        assert_eq!(
            error_text(&e),
            "cannot read or write `t/x.csv`: disk on fire"
        );
        let e = anyhow::anyhow!("inner").context("outer");
        assert_eq!(error_text(&e), "outer: inner");
    }
}
