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
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use chrono_tz::Tz;
use polars::prelude::*;
use polars::sql::SQLContext;

use crate::clock::{ClockTables, Prepared};
use crate::model::config::{Calendar, Goals};
use crate::period::Quarter;
use crate::store::write_table;

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
fn scan_lake_table(lake: &Path, name: &str) -> Result<Option<LazyFrame>> {
    let path = lake.join(format!("{name}.parquet"));
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(crate::store::scan(&path)?))
}

/// A lake table with `x_date`, `x_period` and `x_after_as_of` beside every timestamp column `x`. Lazy: a column
/// no query reads is never computed.
fn with_local_dates(mut lf: LazyFrame, tz: &Tz, as_of: i64) -> Result<LazyFrame> {
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
pub fn run(inputs: &Inputs, out: &Path) -> Result<Written> {
    let started = Instant::now();
    let p = inputs.prepared;
    let tz = inputs.goals.reporting_tz();
    let queries = sql::read_folder(inputs.queries)?;
    let spans = derive::spans(inputs.report, &tz, p.as_of);

    let lake: Vec<(&str, Option<LazyFrame>)> = LAKE_TABLES
        .iter()
        .map(|&n| Ok((n, scan_lake_table(inputs.lake, n)?)))
        .collect::<Result<_>>()?;
    // The two small tables the Rust side needs whole.
    let eager = |n: &str| -> Result<Option<DataFrame>> {
        match lake
            .iter()
            .find(|(m, _)| *m == n)
            .and_then(|(_, d)| d.clone())
        {
            Some(lf) => Ok(Some(lf.collect()?)),
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

    let t = Instant::now();
    let derived = derive::replay(p, &spans, &tz)?;
    tracing::info!(
        "replayed every ticket for backlog and moments: {:.2?}",
        t.elapsed()
    );
    // Everyone who can be credited with anything: assignees, event actors named by assign
    // events (both in the clock's engineer list) and article authors.
    let mut others: BTreeSet<String> = p.engineers.iter().cloned().collect();
    if let Some(kb) = &kb_articles {
        for a in kb.column("author_id")?.str()?.iter().flatten() {
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
    )?;
    let periods = derive::periods_table(&spans, inputs.report)?;
    let contract_periods = match &contracts {
        Some(c) => derive::contract_periods(c, &spans)?,
        None => anyhow::bail!("the lake has no contracts table; ingest the exports again"),
    };
    let goals = derive::goals_table(inputs.goals)?;
    let t = Instant::now();
    let teams = review::teams(engineers.as_ref())?;
    let escalation_events = match ticket_events {
        Some(e) => review::escalation_events(p, e, &tz)?,
        None => anyhow::bail!("the lake has no ticket_events table; ingest the exports again"),
    };
    let breach_attribution =
        review::breach_attribution(p, &inputs.clock.ticket_sla, &spans, &teams)?;
    tracing::info!("escalations and breach attribution: {:.2?}", t.elapsed());
    let run_info = DataFrame::new_infer_height(vec![
        crate::clock::datetime("as_of", vec![Some(p.as_of)])?,
        Series::new("reporting_timezone".into(), [tz.name()]).into(),
        Series::new("report_period".into(), [inputs.report.label()]).into(),
    ])?;
    let derive_secs = started.elapsed().as_secs_f64();

    let ctx = SQLContext::new();
    for (name, lf) in lake {
        if let Some(lf) = lf {
            ctx.register(registered_name(name), with_local_dates(lf, &tz, p.as_of)?);
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
        let writer = scope.spawn(move || -> Result<()> {
            for (name, mut df) in receive {
                let t = Instant::now();
                write_table(out, &name, &mut df)?;
                tracing::info!("wrote `{name}` ({} rows): {:.2?}", df.height(), t.elapsed());
            }
            Ok(())
        });
        let work = || -> Result<Vec<(String, usize)>> {
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
                    with_local_dates(df.clone().lazy(), &tz, p.as_of)?
                } else {
                    df.clone().lazy()
                };
                ctx.register(name, lf);
                send.send((name.to_string(), df))?;
            }
            let mut write = |name: &str, df: &mut DataFrame| -> Result<()> {
                send.send((name.to_string(), df.clone()))?;
                Ok(())
            };
            written.extend(sql::run_all(&mut ctx, &queries, &mut write)?);
            Ok(written)
        };
        let written = work();
        drop(send);
        let writer_result = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the table writer panicked")));
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
