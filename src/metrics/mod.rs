//! The metrics stage: every aggregate of `metrics.md`, defined once in the `.sql` files of
//! `queries/` and run through polars' SQL context over the lake, the clock tables and a few
//! tables derived here in Rust where SQL cannot say the thing (`derive`, `timeline`: each says
//! why).
//!
//! Tables the queries can read (`queries/README.md` lists their columns):
//! - the lake: `tickets`, `ticket_events`, `surveys`, `contracts`, `sla_targets`, `engineers`,
//!   `kb_articles`, `rejects`; every timestamp column `x` also as `x_date` (the local date in the
//!   reporting zone) and `x_period` (its quarter, e.g. `2026Q3`), because polars' SQL has no
//!   time-zone conversion;
//! - the clocks: `ticket_sla`, `update_windows`, `ticket_facts`;
//! - derived: `periods`, `goals`, `run_info`, `backlog_daily`, `ticket_moments`,
//!   `open_at_period_end`, `engineer_days`.

pub mod derive;
pub mod sql;
pub mod timeline;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use chrono_tz::Tz;
use polars::prelude::*;
use polars::sql::SQLContext;

use crate::clock::{write_table, ClockTables, Prepared};
use crate::model::config::{Calendar, Goals};
use crate::period::Quarter;

/// Lake tables registered for the queries.
pub const LAKE_TABLES: [&str; 8] = [
    "tickets",
    "ticket_events",
    "surveys",
    "contracts",
    "sla_targets",
    "engineers",
    "kb_articles",
    "rejects",
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

fn read_lake_table(lake: &Path, name: &str) -> Result<Option<DataFrame>> {
    let path = lake.join(format!("{name}.parquet"));
    if !path.exists() {
        return Ok(None);
    }
    let file = std::fs::File::open(&path)?;
    Ok(Some(ParquetReader::new(file).finish()?))
}

/// A lake table with `x_date` and `x_period` beside every timestamp column `x`. Lazy: a column
/// no query reads is never computed.
fn with_local_dates(df: DataFrame, tz: &Tz) -> LazyFrame {
    let zone = TimeZone::from_chrono(tz);
    let mut extra = Vec::new();
    for c in df.columns() {
        if let DataType::Datetime(_, _) = c.dtype() {
            let name = c.name().as_str();
            let local = col(name).dt().convert_time_zone(zone.clone());
            extra.push(local.clone().dt().date().alias(format!("{name}_date")));
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
    df.lazy().with_columns(extra)
}

/// Derives the Rust tables, runs every query of `inputs.queries`, and writes each table to
/// `out` as Parquet and CSV.
pub fn run(inputs: &Inputs, out: &Path) -> Result<Written> {
    let started = Instant::now();
    let p = inputs.prepared;
    let tz = inputs.goals.reporting_tz();
    let queries = sql::read_folder(inputs.queries)?;
    let spans = derive::spans(inputs.report, &tz, p.as_of);

    let lake: Vec<(&str, Option<DataFrame>)> = LAKE_TABLES
        .iter()
        .map(|&n| Ok((n, read_lake_table(inputs.lake, n)?)))
        .collect::<Result<_>>()?;
    let lake_df = |n: &str| {
        lake.iter()
            .find(|(m, _)| *m == n)
            .and_then(|(_, d)| d.as_ref())
    };

    let derived = derive::replay(p, &spans, &tz)?;
    // Everyone who can be credited with anything: assignees, event actors named by assign
    // events (both in the clock's engineer list) and article authors.
    let mut others: BTreeSet<String> = p.engineers.iter().cloned().collect();
    if let Some(kb) = lake_df("kb_articles") {
        for a in kb.column("author_id")?.str()?.iter().flatten() {
            if !a.is_empty() {
                others.insert(a.to_string());
            }
        }
    }
    let engineer_days = derive::engineer_days(
        lake_df("engineers"),
        &others,
        inputs.calendars,
        inputs.goals,
        &spans,
    )?;
    let periods = derive::periods_table(&spans, inputs.report)?;
    let goals = derive::goals_table(inputs.goals)?;
    let run_info = DataFrame::new_infer_height(vec![
        crate::clock::datetime("as_of", vec![Some(p.as_of)])?,
        Series::new("reporting_timezone".into(), [tz.name()]).into(),
        Series::new("report_period".into(), [inputs.report.label()]).into(),
    ])?;
    let derive_secs = started.elapsed().as_secs_f64();

    let ctx = SQLContext::new();
    for (name, df) in &lake {
        if let Some(df) = df {
            ctx.register(name, with_local_dates(df.clone(), &tz));
        }
    }
    let clock = inputs.clock;
    let mut written = Vec::new();
    let mut write = |name: &str, df: &mut DataFrame| -> Result<()> {
        write_table(out, name, df)?;
        Ok(())
    };
    for (name, df) in [
        ("ticket_sla", &clock.ticket_sla),
        ("update_windows", &clock.update_windows),
        ("ticket_facts", &clock.ticket_facts),
        ("goals", &goals),
        ("run_info", &run_info),
    ] {
        ctx.register(name, df.clone().lazy());
    }
    for (name, mut df) in [
        ("periods", periods),
        ("backlog_daily", derived.backlog_daily),
        ("ticket_moments", derived.ticket_moments),
        ("open_at_period_end", derived.open_at_period_end),
        ("engineer_days", engineer_days),
    ] {
        write(name, &mut df)?;
        written.push((name.to_string(), df.height()));
        ctx.register(name, df.lazy());
    }
    let mut ctx = ctx;
    let started = Instant::now();
    let ran = sql::run_all(&mut ctx, &queries, &mut write)?;
    written.extend(ran);
    Ok(Written {
        tables: written,
        derive_secs,
        queries_secs: started.elapsed().as_secs_f64(),
    })
}
