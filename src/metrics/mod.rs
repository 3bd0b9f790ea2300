//! The metrics stage: every aggregate of `metrics.md`, defined once in the `.sql` files of
//! `queries/` and run through polars' SQL context over the lake, the clock tables and a few
//! tables derived here in Rust where SQL cannot say the thing (`derive`, `timeline`: each says
//! why).
//!
//! Tables the queries can read (`queries/README.md` lists their columns):
//! - the lake: `tickets`, `ticket_events`, `surveys`, `contracts`, `sla_targets`, `engineers`,
//!   `kb_articles`, `rejects`, `maintenance`, `actions`, and `waivers_filed` (the lake's
//!   `waivers`: `waivers` is the name of the review's query table, see `registered_name`);
//!   every timestamp column `x` also as `x_date` (the local date in the reporting zone) and
//!   `x_period` (its quarter, e.g. `2026Q3`), because polars' SQL has no time-zone conversion,
//!   and `x_after_as_of` (true when `x` is after as_of);
//! - the clocks: `ticket_sla` (with `waived` and `waiver_reason`), `update_windows`,
//!   `ticket_facts`;
//! - derived: `periods`, `goals`, `run_info`, `backlog_daily`, `ticket_moments`,
//!   `open_at_period_end`, `engineer_days`, `contract_periods` (`derive`), and the review's
//!   `escalation_events` and `breach_attribution` (`review`: the state at an escalation's
//!   instant, and a breached row's elapsed time split by who held the ticket).

pub mod derive;
pub mod review;
pub mod sql;
pub mod timeline;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono_tz::Tz;
use polars::prelude::*;
use polars::sql::SQLContext;

use crate::clock::{ClockTables, Prepared};
use crate::error::Hint;
use crate::ingest::IngestError;
use crate::model::config::{Calendar, Goals};
use crate::period::Quarter;
use crate::store::write_table;

/// What can stop the metrics stage: each names the query file, folder or table at fault.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("cannot read the queries folder `{}`", dir.display())]
    QueriesDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("no .sql files in `{}`", dir.display())]
    NoQueries { dir: PathBuf },
    #[error("`{}`: a query file's name becomes its table's name", file.display())]
    QueryName { file: PathBuf },
    #[error("cannot read `{}`", file.display())]
    QueryFile {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("the queries {} read each other in a circle", queries.join(", "))]
    Circle { queries: Vec<String> },
    #[error("`{}`: its name `{name}` is already a table (an input or a built-in table)", file.display())]
    NameTaken { file: PathBuf, name: String },
    /// A query that polars could not plan or run; `tables` are those it could have read.
    #[error("query `{}` failed: {source}", file.display())]
    Query {
        file: PathBuf,
        source: PolarsError,
        tables: Vec<String>,
    },
    #[error("the lake `{}` has no `{table}` table", lake.display())]
    MissingLakeTable { table: &'static str, lake: PathBuf },
    /// A lake table that is there but cannot be scanned.
    #[error("cannot read the lake table `{}`", path.display())]
    LakeTable { path: PathBuf, source: PolarsError },
    /// A table derived here in Rust (not by a query) that could not be built.
    #[error("cannot derive the table `{table}`")]
    Derive {
        table: &'static str,
        source: PolarsError,
    },
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Reading or writing a table through the store.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("the table writer {0}")]
    Writer(&'static str),
}

impl Hint for MetricsError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            MetricsError::QueriesDir { .. } => "pass --queries with a folder of .sql files, or run from the project folder so the bundled `queries/` is found".into(),
            MetricsError::NoQueries { .. } => "the bundled queries are in the project's `queries/` folder".into(),
            MetricsError::QueryName { .. } => "use lower-case letters, digits and `_`, starting with a letter (e.g. `my_table.sql`), or with `_` and a letter for an intermediate that is not written (`_my_base.sql`)".into(),
            MetricsError::Circle { .. } => "a query can read another query's table only if that one does not read it back".into(),
            MetricsError::NameTaken { .. } => "rename the file".into(),
            MetricsError::Query { tables, .. } => format!("the tables it can read are: {}", tables.join(", ")),
            MetricsError::MissingLakeTable { .. } | MetricsError::LakeTable { .. } => {
                "ingest the exports again: `slareview run` writes the lake".into()
            }
            MetricsError::Ingest(e) => return e.hint(),
            MetricsError::Store(e) => return e.hint(),
            MetricsError::QueryFile { .. } | MetricsError::Derive { .. } | MetricsError::Writer(_) => return None,
        })
    }
}

/// Lake tables registered for the queries.
pub const LAKE_TABLES: [&str; 11] = [
    "tickets",
    "ticket_events",
    "surveys",
    "contracts",
    "sla_targets",
    "engineers",
    "kb_articles",
    "rejects",
    "maintenance",
    "waivers",
    "actions",
];

/// What the metrics stage needs.
pub struct Inputs<'a> {
    pub lake: &'a Path,
    pub prepared: &'a Prepared,
    pub clock: &'a ClockTables,
    pub calendars: &'a BTreeMap<String, Calendar>,
    pub goals: &'a Goals,
    pub report: Quarter,
    pub queries: &'a Path,
}

/// Rows written per table, in the order written, and the stage's timings.
pub struct Written {
    pub tables: Vec<(String, usize)>,
    pub derive_secs: f64,
    pub queries_secs: f64,
}

/// The name a lake table is registered under for the queries: its own, except `waivers`, whose
/// name is the queries' table of waivers with the SLA rows they apply to (`queries/waivers.sql`,
/// docs/review_tables.md): the lake's rows, as filed, are `waivers_filed`.
pub fn registered_name(lake_table: &str) -> &str {
    match lake_table {
        "waivers" => "waivers_filed",
        other => other,
    }
}

/// A lake table as a lazy scan: a query that does not read it costs nothing, and one that
/// filters it reads only what it needs.
fn scan_lake_table(lake: &Path, name: &str) -> Result<Option<LazyFrame>, MetricsError> {
    let path = lake.join(format!("{name}.parquet"));
    if !path.exists() {
        return Ok(None);
    }
    let failed = |source| MetricsError::LakeTable {
        path: path.clone(),
        source,
    };
    Ok(Some(crate::store::scan(&path).map_err(failed)?))
}

/// A lake table with `x_date`, `x_period` and `x_after_as_of` beside every timestamp column `x`. Lazy: a column
/// no query reads is never computed.
fn with_local_dates(mut lf: LazyFrame, tz: &Tz, as_of: i64) -> PolarsResult<LazyFrame> {
    let zone = TimeZone::from_chrono(tz);
    let mut extra = Vec::new();
    let schema = lf.collect_schema()?;
    for (name, dtype) in schema.iter() {
        if let DataType::Datetime(_, _) = dtype {
            let name = name.as_str();
            let local = col(name).dt().convert_time_zone(zone.clone());
            extra.push(local.clone().dt().date().alias(format!("{name}_date")));
            // "Nothing after as_of exists": a flag rather than a cross join with run_info, which
            // polars would materialise before filtering.
            extra.push(
                col(name)
                    .gt(lit(as_of * 1000).cast(DataType::Datetime(
                        TimeUnit::Milliseconds,
                        Some(TimeZone::UTC),
                    )))
                    .alias(format!("{name}_after_as_of")),
            );
            extra.push(
                concat_str(
                    [
                        local.clone().dt().year().cast(DataType::String),
                        lit("Q"),
                        local.dt().quarter().cast(DataType::String),
                    ],
                    "",
                    false,
                )
                .alias(format!("{name}_period")),
            );
        }
    }
    Ok(lf.with_columns(extra))
}

/// Derives the Rust tables, runs every query of `inputs.queries`, and writes each table to
/// `out` as Parquet and CSV.
pub fn run(inputs: &Inputs, out: &Path) -> Result<Written, MetricsError> {
    let started = Instant::now();
    let p = inputs.prepared;
    let tz = inputs.goals.reporting_tz();
    let queries = sql::read_folder(inputs.queries)?;
    let spans = derive::spans(inputs.report, &tz, p.as_of);

    let lake: Vec<(&str, Option<LazyFrame>)> = LAKE_TABLES
        .iter()
        .map(|&n| Ok((n, scan_lake_table(inputs.lake, n)?)))
        .collect::<Result<_, MetricsError>>()?;
    // The two small tables the Rust side needs whole.
    let eager = |n: &str| -> Result<Option<DataFrame>, MetricsError> {
        match lake
            .iter()
            .find(|(m, _)| *m == n)
            .and_then(|(_, d)| d.clone())
        {
            Some(lf) => Ok(Some(lf.collect().map_err(|source| {
                MetricsError::LakeTable {
                    path: inputs.lake.join(format!("{n}.parquet")),
                    source,
                }
            })?)),
            None => Ok(None),
        }
    };
    let engineers = eager("engineers")?;
    let ticket_events = lake
        .iter()
        .find(|(m, _)| *m == "ticket_events")
        .and_then(|(_, d)| d.clone());
    let kb_articles = eager("kb_articles")?;
    let contracts = eager("contracts")?;
    let missing = |table| MetricsError::MissingLakeTable {
        table,
        lake: inputs.lake.to_path_buf(),
    };
    let deriving = |table| move |source| MetricsError::Derive { table, source };

    let t = Instant::now();
    let derived = derive::replay(p, &spans, &tz).map_err(deriving("backlog_daily"))?;
    tracing::info!(
        "replayed every ticket for backlog and moments: {:.2?}",
        t.elapsed()
    );
    // Everyone who can be credited with anything: assignees, event actors named by assign
    // events (both in the clock's engineer list) and article authors.
    let mut others: BTreeSet<String> = p.engineers.iter().cloned().collect();
    if let Some(kb) = &kb_articles {
        let authors = kb
            .column("author_id")
            .and_then(|c| c.str())
            .map_err(|source| MetricsError::LakeTable {
                path: inputs.lake.join("kb_articles.parquet"),
                source,
            })?;
        for a in authors.iter().flatten() {
            if !a.is_empty() {
                others.insert(a.to_string());
            }
        }
    }
    let engineer_days = derive::engineer_days(
        engineers.as_ref(),
        &others,
        inputs.calendars,
        inputs.goals,
        &spans,
    )
    .map_err(deriving("engineer_days"))?;
    let periods = derive::periods_table(&spans, inputs.report).map_err(deriving("periods"))?;
    let contract_periods = match &contracts {
        Some(c) => derive::contract_periods(c, &spans).map_err(deriving("contract_periods"))?,
        None => return Err(missing("contracts")),
    };
    let goals = derive::goals_table(inputs.goals).map_err(deriving("goals"))?;
    let t = Instant::now();
    let teams = review::teams(engineers.as_ref()).map_err(deriving("breach_attribution"))?;
    let escalation_events = match ticket_events {
        Some(e) => review::escalation_events(p, e, &tz).map_err(deriving("escalation_events"))?,
        None => return Err(missing("ticket_events")),
    };
    let breach_attribution =
        review::breach_attribution(p, &inputs.clock.ticket_sla, &spans, &teams)
            .map_err(deriving("breach_attribution"))?;
    tracing::info!("escalations and breach attribution: {:.2?}", t.elapsed());
    let run_info = (|| {
        DataFrame::new_infer_height(vec![
            crate::clock::datetime("as_of", vec![Some(p.as_of)])?,
            Series::new("reporting_timezone".into(), [tz.name()]).into(),
            Series::new("report_period".into(), [inputs.report.label()]).into(),
        ])
    })()
    .map_err(deriving("run_info"))?;
    let derive_secs = started.elapsed().as_secs_f64();

    let ctx = SQLContext::new();
    for (name, lf) in lake {
        if let Some(lf) = lf {
            let lf =
                with_local_dates(lf, &tz, p.as_of).map_err(|source| MetricsError::LakeTable {
                    path: inputs.lake.join(format!("{name}.parquet")),
                    source,
                })?;
            ctx.register(registered_name(name), lf);
        }
    }
    let clock = inputs.clock;
    for (name, df) in [
        ("ticket_sla", &clock.ticket_sla),
        ("update_windows", &clock.update_windows),
        ("ticket_facts", &clock.ticket_facts),
        ("goals", &goals),
    ] {
        ctx.register(name, df.clone().lazy());
    }
    let mut ctx = ctx;
    // Tables are written on a thread of their own while the next queries run: the queries are
    // mostly small and leave cores idle that the Parquet and CSV encoders can use. A frame is
    // shared, not copied (polars columns are reference-counted).
    let (send, receive) = std::sync::mpsc::channel::<(String, DataFrame)>();
    let started = Instant::now();
    let (written, writer_result) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(), MetricsError> {
            for (name, mut df) in receive {
                let t = Instant::now();
                write_table(out, &name, &mut df)?;
                tracing::info!("wrote `{name}` ({} rows): {:.2?}", df.height(), t.elapsed());
            }
            Ok(())
        });
        let work = || -> Result<Vec<(String, usize)>, MetricsError> {
            let mut written = Vec::new();
            for (name, df) in [
                ("periods", periods),
                ("backlog_daily", derived.backlog_daily),
                ("ticket_moments", derived.ticket_moments),
                ("open_at_period_end", derived.open_at_period_end),
                ("engineer_days", engineer_days),
                ("contract_periods", contract_periods),
                ("run_info", run_info),
                ("escalation_events", escalation_events),
                ("breach_attribution", breach_attribution),
            ] {
                written.push((name.to_string(), df.height()));
                // `run_info` also gets `as_of_date` (as_of's day in the reporting zone) and
                // `as_of_period`, like a lake timestamp: "planned before as_of's date" and
                // "days overdue" need that day, and SQL cannot convert zones. The table
                // written keeps its three columns.
                let lf = if name == "run_info" {
                    with_local_dates(df.clone().lazy(), &tz, p.as_of)
                        .map_err(deriving("run_info"))?
                } else {
                    df.clone().lazy()
                };
                ctx.register(name, lf);
                send.send((name.to_string(), df)).map_err(|_| {
                    MetricsError::Writer("ended before every table was handed to it")
                })?;
            }
            let mut write = |name: &str, df: &mut DataFrame| -> Result<(), MetricsError> {
                send.send((name.to_string(), df.clone()))
                    .map_err(|_| MetricsError::Writer("ended before every table was handed to it"))
            };
            written.extend(sql::run_all(&mut ctx, &queries, &mut write)?);
            Ok(written)
        };
        let written = work();
        drop(send);
        let writer_result = writer
            .join()
            .unwrap_or(Err(MetricsError::Writer("panicked")));
        (written, writer_result)
    });
    writer_result?;
    let written = written?;
    Ok(Written {
        tables: written,
        derive_secs,
        queries_secs: started.elapsed().as_secs_f64(),
    })
}
