//! The order of the stages of each command, and what came of them: `run` ingests the exports,
//! writes the lake, computes the clocks and the metric tables, renders the documents and swaps
//! the outputs in; each command returns a `Serialize` summary. Nothing here prints: progress
//! goes to a `Progress` the caller gives (the printer), the summary back to the caller.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Hint;
use crate::ingest::{self, Manifest};
use crate::period::{self, Quarter};

/// Everything a command can fail with: one stage's typed error, each carrying its own hint.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Clock(#[from] crate::clock::ClockError),
    #[error(transparent)]
    Metrics(#[from] crate::metrics::MetricsError),
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error(transparent)]
    Generate(#[from] crate::generate::GenerateError),
    #[error(transparent)]
    Polars(#[from] polars::prelude::PolarsError),
    #[error("no ticket was accepted, so there is no as_of to choose a period from")]
    NoTickets { rejects: PathBuf },
    #[error("the clock table writer stopped without finishing (a panic)")]
    WriterPanicked,
}

impl Hint for Error {
    fn hint(&self) -> Option<String> {
        match self {
            Error::Ingest(e) => e.hint(),
            Error::Store(e) => e.hint(),
            Error::Clock(e) => e.hint(),
            Error::Metrics(e) => e.hint(),
            Error::Report(e) => e.hint(),
            Error::Import(e) => e.hint(),
            Error::Generate(e) => e.hint(),
            Error::NoTickets { rejects } => Some(format!(
                "check the rejects in `{}` or pass --period and --as-of",
                rejects.display()
            )),
            Error::Polars(_) | Error::WriterPanicked => None,
        }
    }
}

/// What a pipeline tells the user while it works (the printer implements it).
pub trait Progress {
    /// The exports were read: per-file counts and where as_of came from.
    fn ingested(&self, _manifest: &Manifest) {}
}

/// No progress at all (the library's callers, tests).
pub struct Silent;
impl Progress for Silent {}

/// How the exports are read: the values of `--assume-tz`, `--encoding`, `--as-of`.
pub type ReadOptions = ingest::Options;

/// What `run` writes besides the lake and the tables.
#[derive(Debug, Clone)]
pub struct Documents {
    pub show_engineers: bool,
    pub pdf: bool,
    /// `--lang`: every document in this language.
    pub lang: Option<&'static str>,
    /// The command line as run, for the audit appendix.
    pub command: String,
}

/// What `run` was asked.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub read: ReadOptions,
    pub out: PathBuf,
    /// `--period`; default: the last quarter that ended by as_of.
    pub period: Option<Quarter>,
    pub queries: PathBuf,
    pub documents: Documents,
}

/// One table written and its rows.
#[derive(Debug, Clone, Serialize)]
pub struct TableRows {
    pub name: String,
    pub rows: usize,
}

/// The metric tables of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Tables {
    pub dir: PathBuf,
    /// The quarters the tables cover: the reporting quarter and the three before it.
    pub periods: Vec<String>,
    pub tables: Vec<TableRows>,
}

/// The documents of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Reports {
    pub dir: PathBuf,
    pub portfolio: PathBuf,
    pub team_review: PathBuf,
    pub customers_dir: PathBuf,
    pub customer_reviews: Vec<PathBuf>,
    /// `--pdf`: the PDFs written.
    pub pdf: Option<Pdf>,
}

/// `--pdf`'s outcome: the files, or why there are none.
#[derive(Debug, Clone, Serialize)]
pub struct Pdf {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// Why no PDF was printed (no Chromium, say); `files` is then empty.
    pub note: Option<String>,
}

/// The exports read: per-file counts, as_of and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Ingested {
    pub files: Vec<FileCounts>,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub as_of: Option<String>,
    /// `--as-of`, or the file and line of the row that set it.
    pub as_of_source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileCounts {
    pub file: String,
    pub table: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
}

impl Ingested {
    fn of(m: &Manifest) -> Ingested {
        Ingested {
            files: m
                .files
                .iter()
                .map(|f| FileCounts {
                    file: f.file.clone(),
                    table: f.table.clone(),
                    rows_read: f.rows_read,
                    rows_accepted: f.rows_accepted,
                    rows_rejected: f.rows_rejected,
                })
                .collect(),
            rows_read: m.rows_read,
            rows_accepted: m.rows_accepted,
            rows_rejected: m.rows_rejected,
            as_of: m.as_of.clone(),
            as_of_source: as_of_source(m),
        }
    }
}

/// Where as_of came from, so that a row that moved it is seen: `ticket_events.csv line 76941`,
/// or `--as-of`.
pub fn as_of_source(m: &Manifest) -> String {
    match (&m.as_of, &m.as_of_origin) {
        (Some(_), Some(o)) => format!("{} line {}", o.file, o.line),
        (Some(_), None) => m.as_of_source.clone(),
        (None, _) => "no tickets".to_string(),
    }
}

/// What `run` wrote, at the paths where it now is.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub command: &'static str,
    pub ingest: Ingested,
    pub lake: PathBuf,
    pub manifest: PathBuf,
    pub rejects: PathBuf,
    pub period: String,
    /// None when no ticket was accepted.
    pub tables: Option<Tables>,
    pub summary: PathBuf,
    pub reports: Option<Reports>,
}

/// What `ingest` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct IngestSummary {
    pub command: &'static str,
    pub ingest: Ingested,
    pub lake: PathBuf,
}

/// What `validate` found: the counts and every rejected row, in file and line order.
#[derive(Debug, Clone, Serialize)]
pub struct ValidateSummary {
    pub command: &'static str,
    pub ingest: Ingested,
    pub rejects: Vec<ingest::Reject>,
}

/// What `import` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub command: &'static str,
    #[serde(flatten)]
    pub counts: crate::import::Summary,
    pub out: PathBuf,
    pub written: Vec<PathBuf>,
    /// The command to run next.
    pub next: String,
}

/// What `generate` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct GenerateSummary {
    pub command: &'static str,
    pub tickets: u64,
    pub events: u64,
    pub surveys: u64,
    pub out: PathBuf,
}

/// `run`: the main job.
pub fn run(req: &RunRequest, progress: &dyn Progress) -> Result<RunSummary, Error> {
    let out = req.out.as_path();
    // Everything is written into a staging folder and swapped in at the end (src/store/staging.rs):
    // a crash leaves the previous outputs, and nothing slareview did not write is replaced.
    let staging = crate::store::staging::Staging::begin(out)?;
    crate::store::staging::check_items(
        out,
        &[
            crate::store::staging::Item::folder("lake"),
            crate::store::staging::Item::folder("tables"),
        ],
    )?;
    let stage = staging.dir().to_path_buf();
    let ing = ingest::ingest(&req.read)?;
    let manifest = Manifest::new(&ing);
    let lake = stage.join("lake");
    ingest::lake::write_files(&lake, &ing, &manifest)?;
    progress.ingested(&manifest);
    let tz = ing.goals.reporting_tz();
    let quarter = match req.period {
        Some(q) => q,
        None => {
            let Some(as_of) = ing.as_of else {
                // The lake (with its rejects) is still worth having: it says why.
                staging.commit(&[crate::store::staging::Item::folder("lake")])?;
                return Err(Error::NoTickets {
                    rejects: out.join("lake").join("rejects.csv"),
                });
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
    let mut written = match ing.as_of {
        Some(as_of) => clocks_and_metrics(req, &ing, &lake, &tables_dir, quarter, as_of)?,
        None => Vec::new(),
    };
    let docs = &req.documents;
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
                command: docs.command.clone(),
            },
        )?)
    };
    if let Some(r) = &reports {
        written.extend(r.tables.iter().cloned());
    }
    let lang = crate::report::i18n::choose(docs.lang, None, ing.goals.language.as_deref());
    let view = crate::report::summary::build(&ing, &manifest, quarter, lang)?;
    let html = crate::report::summary::render_html(&view, lang).map_err(|source| {
        crate::report::ReportError::Template {
            name: "summary.html.j2".to_string(),
            source,
        }
    })?;
    let staged_summary = stage.join(&summary_item);
    std::fs::write(&staged_summary, html).map_err(crate::store::io(&staged_summary))?;

    let mut items = vec![crate::store::staging::Item::folder("lake")];
    if !written.is_empty() {
        items.push(crate::store::staging::Item::folder("tables"));
    }
    if reports.is_some() {
        items.push(crate::store::staging::Item::folder(reports_item.as_str()));
    }
    items.push(crate::store::staging::Item::file(summary_item.as_str()));
    // Where each staged file will be once swapped in.
    let reports = reports.map(|r| {
        let f = |p: &Path| staging.final_path(p);
        let dir = f(&r.dir);
        Reports {
            portfolio: f(&r.portfolio),
            team_review: f(&r.team_review),
            customers_dir: dir.join("customers"),
            customer_reviews: r.customer_reviews.iter().map(|p| f(p)).collect(),
            pdf: r.pdf.as_ref().map(|pdf| match pdf {
                Ok(files) => Pdf {
                    dir: dir.join("pdf"),
                    files: files.iter().map(|p| f(p)).collect(),
                    note: None,
                },
                Err(why) => Pdf {
                    dir: dir.join("pdf"),
                    files: Vec::new(),
                    note: Some(why.clone()),
                },
            }),
            dir,
        }
    });
    staging.commit(&items)?;
    let lake = out.join("lake");
    let tables = (!written.is_empty()).then(|| Tables {
        dir: out.join("tables"),
        periods: crate::metrics::derive::quarters_written(quarter)
            .iter()
            .map(|q| q.label())
            .collect(),
        tables: written
            .into_iter()
            .map(|(name, rows)| TableRows { name, rows })
            .collect(),
    });
    Ok(RunSummary {
        command: "run",
        ingest: Ingested::of(&manifest),
        manifest: lake.join(ingest::lake::MANIFEST),
        rejects: lake.join("rejects.csv"),
        lake,
        period: quarter.label(),
        tables,
        summary: out.join(&summary_item),
        reports,
    })
}

/// The clocks, then the metric queries, writing their tables into `tables_dir`; returns each
/// table written and its rows.
fn clocks_and_metrics(
    req: &RunRequest,
    ing: &ingest::Ingested,
    lake: &Path,
    tables_dir: &Path,
    quarter: Quarter,
    as_of: i64,
) -> Result<Vec<(String, usize)>, Error> {
    let inputs = crate::clock::ClockInputs::read_lake(lake)?;
    let prepared = crate::clock::prepare(inputs, &ing.calendars, &ing.goals, as_of)?;
    let outs = crate::clock::compute(&prepared);
    let mut tables = crate::clock::tables(&prepared, &outs)?;
    crate::clock::apply_waivers(&mut tables, lake)?;
    let mut written = vec![
        ("ticket_sla".to_string(), tables.ticket_sla.height()),
        ("update_windows".to_string(), tables.update_windows.height()),
        ("ticket_facts".to_string(), tables.ticket_facts.height()),
    ];
    // The clock tables are written on a thread of their own while the metrics run from the
    // same frames in memory (a clone shares the columns); both are done before any document
    // reads a table back.
    let mut to_write = crate::clock::ClockTables {
        ticket_sla: tables.ticket_sla.clone(),
        update_windows: tables.update_windows.clone(),
        ticket_facts: tables.ticket_facts.clone(),
    };
    std::fs::create_dir_all(tables_dir).map_err(crate::store::io(tables_dir))?;
    let (m, clock_written) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| crate::clock::write_tables(tables_dir, &mut to_write));
        let m = crate::metrics::run(
            &crate::metrics::Inputs {
                lake,
                prepared: &prepared,
                clock: &tables,
                calendars: &ing.calendars,
                goals: &ing.goals,
                report: quarter,
                queries: &req.queries,
            },
            tables_dir,
        );
        (m, writer.join())
    });
    clock_written.map_err(|_| Error::WriterPanicked)??;
    written.extend(m?.tables);
    Ok(written)
}

/// `ingest`: the exports into a lake, nothing more.
pub fn ingest(
    read: &ReadOptions,
    lake: &Path,
    progress: &dyn Progress,
) -> Result<IngestSummary, Error> {
    let (_, manifest) = ingest::ingest_to_lake(read, lake)?;
    progress.ingested(&manifest);
    Ok(IngestSummary {
        command: "ingest",
        ingest: Ingested::of(&manifest),
        lake: lake.to_path_buf(),
    })
}

/// `validate`: ingest without writing anything.
pub fn validate(read: &ReadOptions, progress: &dyn Progress) -> Result<ValidateSummary, Error> {
    let ing = ingest::ingest(read)?;
    let manifest = Manifest::new(&ing);
    progress.ingested(&manifest);
    Ok(ValidateSummary {
        command: "validate",
        ingest: Ingested::of(&manifest),
        rejects: ing.rejects_in_order().into_iter().cloned().collect(),
    })
}

/// `import`: a helpdesk's export into the canonical files.
pub fn import(
    mapping: &str,
    file: &Path,
    out: &Path,
    opts: &crate::import::Options,
) -> Result<ImportSummary, Error> {
    let m = crate::import::Mapping::load(mapping)?;
    let counts = crate::import::import(&m, file, out, opts)?;
    Ok(ImportSummary {
        command: "import",
        counts,
        out: out.to_path_buf(),
        written: crate::import::written(out),
        next: format!("slareview run --data {} --out <folder>", out.display()),
    })
}

/// `generate`: synthetic exports.
pub fn generate(params: &crate::generate::Params, out: &Path) -> Result<GenerateSummary, Error> {
    let stats = crate::generate::generate(params, out)?;
    Ok(GenerateSummary {
        command: "generate",
        tickets: stats.tickets,
        events: stats.events,
        surveys: stats.surveys,
        out: out.to_path_buf(),
    })
}
