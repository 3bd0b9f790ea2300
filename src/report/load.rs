//! The tables the documents read, one typed loader per table: named row structs, and the
//! values the documents compare (`Priority`, `Metric`, `State`) as enums rather than text.
//! Loaders only read and filter: every figure is a column of a table in `<out>/tables`
//! (written by `queries/` or the Rust stages), never a second computation. The one exception
//! left is `sla_pooled` (the team's SLA table), which becomes a loader of `sla_summary` when
//! that table is written.
//!
//! `check` runs before anything is written: a missing table stops the documents with its name
//! and what to do, instead of a polars error halfway through.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use chrono_tz::Tz;
use polars::prelude::*;

use super::tables::{self as t, of_period, read, read_cols};
use super::{ReportError, Result};

/// A ticket priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }

    /// 0 for P1 .. 3 for P4: the column of a by-priority table.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// An SLA metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    FirstResponse,
    Update,
    Resolution,
    SystemDown,
}

impl Metric {
    /// The metrics a contract commits to, in the documents' order.
    pub const COMMITTED: [Metric; 3] = [Metric::FirstResponse, Metric::Update, Metric::Resolution];

    pub fn parse(s: &str) -> Option<Metric> {
        [
            Metric::FirstResponse,
            Metric::Update,
            Metric::Resolution,
            Metric::SystemDown,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::Update => "update",
            Metric::Resolution => "resolution",
            Metric::SystemDown => "system_down",
        }
    }

    pub fn label(self) -> &'static str {
        super::contract::metric_label(self.as_str())
    }
}

/// A ticket-metric's state at as_of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Met,
    Breached,
    InProgress,
    NotApplicable,
}

impl State {
    pub fn parse(s: &str) -> Option<State> {
        match s {
            "met" => Some(State::Met),
            "breached" => Some(State::Breached),
            "in_progress" => Some(State::InProgress),
            "not_applicable" => Some(State::NotApplicable),
            _ => None,
        }
    }

    /// As printed: `in progress`.
    pub fn label(self) -> &'static str {
        match self {
            State::Met => "met",
            State::Breached => "breached",
            State::InProgress => "in progress",
            State::NotApplicable => "not applicable",
        }
    }
}

/// A table the documents need, and where it comes from (for the error when it is missing).
struct Needed {
    name: &'static str,
    from: &'static str,
    documents: &'static str,
}

const QUERY: &str = "a query of `queries/`";
const RUST: &str = "the metrics stage";
pub(super) const ALL: &str = "every document";
const CUSTOMER: &str = "the customer reviews";
const TEAM: &str = "the team review";

/// Every table in `<out>/tables` a document reads.
const NEEDED: &[Needed] = &[
    Needed {
        name: "run_info",
        from: RUST,
        documents: ALL,
    },
    Needed {
        name: "periods",
        from: RUST,
        documents: CUSTOMER,
    },
    Needed {
        name: "contract_periods",
        from: RUST,
        documents: CUSTOMER,
    },
    Needed {
        name: "contract_review",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "csat_summary",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "ticket_facts",
        from: RUST,
        documents: ALL,
    },
    Needed {
        name: "ticket_sla",
        from: RUST,
        documents: ALL,
    },
    Needed {
        name: "backlog_daily",
        from: RUST,
        documents: CUSTOMER,
    },
    Needed {
        name: "open_at_period_end",
        from: RUST,
        documents: CUSTOMER,
    },
    Needed {
        name: "csat",
        from: QUERY,
        documents: CUSTOMER,
    },
    Needed {
        name: "low_ratings",
        from: QUERY,
        documents: CUSTOMER,
    },
    Needed {
        name: "fcr_summary",
        from: QUERY,
        documents: CUSTOMER,
    },
    Needed {
        name: "ticket_volume",
        from: QUERY,
        documents: CUSTOMER,
    },
    Needed {
        name: "weekly_flow",
        from: QUERY,
        documents: CUSTOMER,
    },
    Needed {
        name: "response_times",
        from: QUERY,
        documents: CUSTOMER,
    },
    Needed {
        name: "backlog_aging",
        from: QUERY,
        documents: "the customer and team reviews",
    },
    Needed {
        name: "goal_scorecard",
        from: QUERY,
        documents: TEAM,
    },
    Needed {
        name: "backlog_trend",
        from: QUERY,
        documents: TEAM,
    },
    Needed {
        name: "engineer_load",
        from: QUERY,
        documents: TEAM,
    },
    Needed {
        name: "sla_summary",
        from: QUERY,
        documents: TEAM,
    },
    Needed {
        name: "escalations",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "escalation_counts",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "breach_attribution",
        from: RUST,
        documents: ALL,
    },
    Needed {
        name: "themes",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "recurring_problems",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "resolution_mix",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "major_incidents",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "maintenance_review",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "maintenance_summary",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "waivers",
        from: QUERY,
        documents: ALL,
    },
    Needed {
        name: "actions_review",
        from: QUERY,
        documents: ALL,
    },
];

/// Lake tables the documents read (`engineers` is optional).
const NEEDED_LAKE: [&str; 2] = ["tickets", "contracts"];

/// Fails, naming the first missing table and what to do, unless every table a document reads
/// is in `tables` and every lake table in `lake`. Runs before any document is written.
pub fn check(tables: &Path, lake: &Path) -> Result<()> {
    for n in NEEDED {
        if !tables.join(format!("{}.parquet", n.name)).exists() {
            let fix = if n.from == QUERY {
                format!(
                    "the bundled `queries/{0}.sql` writes it: run with the bundled queries, or copy `queries/{0}.sql` into the folder given to --queries",
                    n.name
                )
            } else {
                "run `slareview run` again: the metrics stage writes it".to_string()
            };
            return Err(ReportError::MissingTable {
                table: n.name,
                dir: tables.to_path_buf(),
                documents: n.documents,
                from: n.from,
                fix,
            });
        }
    }
    for name in NEEDED_LAKE {
        if !lake.join(format!("{name}.parquet")).exists() {
            return Err(ReportError::MissingLakeTable {
                table: name,
                lake: lake.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Does `df` have the column `name`? (Columns added later are read when present.)
pub fn has(df: &DataFrame, name: &str) -> bool {
    df.column(name).is_ok()
}

/// `run_info`: the run's as_of and zone.
pub struct RunInfo {
    pub as_of: String,
    pub as_of_secs: i64,
    pub as_of_day: NaiveDate,
    pub timezone: String,
    pub tz: Tz,
}

pub fn run_info(tables: &Path) -> Result<RunInfo> {
    let df = read(tables, "run_info", None)?;
    let bad = |column, problem: String| ReportError::BadValue {
        path: tables.join("run_info.parquet"),
        column,
        problem,
        hint: "the metrics stage writes `run_info`: run `slareview run` again",
    };
    let as_of = t::instants(&df, "as_of")
        .map_err(|e| e.in_table("run_info"))?
        .first()
        .copied()
        .flatten()
        .ok_or_else(|| bad("as_of", "has no value".into()))?;
    let timezone = t::texts(&df, "reporting_timezone")
        .map_err(|e| e.in_table("run_info"))?
        .first()
        .cloned()
        .flatten()
        .ok_or_else(|| bad("reporting_timezone", "has no value".into()))?;
    let tz: Tz = timezone.parse().map_err(|_| ReportError::BadValue {
        path: tables.join("run_info.parquet"),
        column: "reporting_timezone",
        problem: format!("`{timezone}` is not a time zone"),
        hint: "the zone comes from `reporting_timezone` in goals.toml: write an IANA zone there (e.g. Asia/Seoul) and run `slareview run` again",
    })?;
    Ok(RunInfo {
        as_of: t::local(&tz, Some(as_of)),
        as_of_secs: as_of,
        as_of_day: crate::period::local_date(&tz, as_of),
        timezone,
        tz,
    })
}

/// Does the lake hold `name` (an optional input such as `kb_articles`)?
pub fn lake_has(lake: &Path, name: &str) -> bool {
    lake.join(format!("{name}.parquet")).exists()
}

/// Accepted rows of each customer in the lake tables that belong to a customer: `tickets`,
/// `ticket_events`, `surveys` and `waivers` (through their ticket), `contracts`, `maintenance` and
/// `actions` (through their contract). customer -> table ->
/// rows.
pub fn customer_rows(lake: &Path) -> Result<BTreeMap<String, BTreeMap<&'static str, i64>>> {
    let mut out: BTreeMap<String, BTreeMap<&'static str, i64>> = BTreeMap::new();
    let mut add = |table: &'static str, counts: DataFrame| -> Result<()> {
        let customers = t::text(&counts, "customer_id")?;
        let rows = t::counts(&counts, "rows")?;
        for (c, n) in customers.into_iter().zip(rows) {
            *out.entry(c).or_default().entry(table).or_default() += n;
        }
        Ok(())
    };
    // Counted by polars over the key column alone: the events table is millions of rows.
    let count = |lf: LazyFrame| -> Result<DataFrame> {
        Ok(lf
            .group_by([col("customer_id")])
            .agg([len().cast(DataType::Int64).alias("rows")])
            .collect()?)
    };
    // Rows of `tables` counted for the customer that owns their `key` in `owners`.
    let mut owned_by = |owners: &DataFrame, key: &str, tables: &[&'static str]| -> Result<()> {
        for &table in tables {
            if !lake_has(lake, table) {
                continue;
            }
            let ids = read_cols(lake, table, &[key], None)?;
            let owned = ids.lazy().join(
                owners.clone().lazy(),
                [col(key)],
                [col(key)],
                JoinArgs::new(JoinType::Inner),
            );
            add(table, count(owned)?)?;
        }
        Ok(())
    };
    let owners = read_cols(lake, "tickets", &["ticket_id", "customer_id"], None)?;
    let contract_owners = read_cols(lake, "contracts", &["contract_id", "customer_id"], None)?;
    // Rows that belong to a customer through their ticket (review.md's waivers too), and
    // review.md's maintenance and actions, through their contract.
    owned_by(
        &owners,
        "ticket_id",
        &["ticket_events", "surveys", "waivers"],
    )?;
    owned_by(&contract_owners, "contract_id", &["maintenance", "actions"])?;
    add("tickets", count(owners.lazy())?)?;
    add("contracts", count(contract_owners.lazy())?)?;
    Ok(out)
}

/// `periods`: days of each period (cut at as_of's day).
pub fn period_days(tables: &Path) -> Result<BTreeMap<String, i64>> {
    of_table("periods", || {
        let df = read(tables, "periods", None)?;
        Ok(t::text(&df, "period")?
            .into_iter()
            .zip(t::counts(&df, "days")?)
            .collect())
    })
}

/// `column` of `table` in `dir` for the tickets in `wanted`: ticket_id -> value (empty when the
/// table has no such column). Only the two columns are read, and only the wanted tickets are
/// kept: a document needs the subjects and solvers of a quarter's breaches, not of every ticket.
pub fn ticket_column(
    dir: &Path,
    table: &str,
    column: &str,
    wanted: &HashSet<String>,
) -> Result<BTreeMap<String, String>> {
    if !t::has_column(dir, table, column)? {
        return Ok(BTreeMap::new());
    }
    let df = read_cols(dir, table, &["ticket_id", column], None)?;
    let ids = df
        .column("ticket_id")?
        .as_materialized_series()
        .cast(&DataType::String)?;
    let values = df
        .column(column)?
        .as_materialized_series()
        .cast(&DataType::String)?;
    Ok(ids
        .str()?
        .iter()
        .zip(values.str()?.iter())
        .filter_map(|(id, v)| {
            let id = id?;
            wanted
                .contains(id)
                .then(|| (id.to_string(), v.unwrap_or_default().to_string()))
        })
        .collect())
}

/// The lake's engineers: engineer_id -> name (empty when the file is absent).
pub fn engineer_names(lake: &Path) -> Result<BTreeMap<String, String>> {
    of_table("engineers", || {
        if !lake.join("engineers.parquet").exists() {
            return Ok(BTreeMap::new());
        }
        let df = read(lake, "engineers", None)?;
        let ids = t::text(&df, "engineer_id")?;
        let names = if has(&df, "name") {
            t::text(&df, "name")?
        } else {
            vec![String::new(); df.height()]
        };
        Ok(ids.into_iter().zip(names).collect())
    })
}

/// A row of `ticket_sla`.
#[derive(Debug, Clone)]
pub struct SlaTicket {
    pub ticket_id: String,
    pub customer_id: String,
    pub contract_id: Option<String>,
    /// As in the table (printed as it is).
    pub priority: String,
    pub metric: Metric,
    pub target: Option<i64>,
    pub elapsed: Option<i64>,
    pub clock: String,
    pub calendar: String,
    pub state: Option<State>,
    pub breached_at: Option<i64>,
    /// An approved waiver takes the row out of compliance (review.md).
    pub waived: bool,
}

/// `ticket_sla` rows of `period`, in the table's order; `metric` keeps one metric only.
pub fn ticket_sla(tables: &Path, period: &str, metric: Option<Metric>) -> Result<Vec<SlaTicket>> {
    of_table("ticket_sla", || {
        let mut filter = of_period(period);
        if let Some(m) = metric {
            filter = filter.and(col("metric").eq(lit(m.as_str())));
        }
        let df = read(tables, "ticket_sla", Some(filter))?;
        let ticket = t::text(&df, "ticket_id")?;
        let customer = t::text(&df, "customer_id")?;
        let contract = t::texts(&df, "contract_id")?;
        let priority = t::text(&df, "priority")?;
        let metric = t::text(&df, "metric")?;
        let target = t::ints(&df, "target_seconds")?;
        let elapsed = t::ints(&df, "elapsed_seconds")?;
        let clock = t::text(&df, "clock")?;
        let calendar = t::text(&df, "calendar_id")?;
        let state = t::text(&df, "state")?;
        let breached = t::instants(&df, "breached_at")?;
        let waived: Vec<bool> = match df.column("waived") {
            Ok(c) => c.bool()?.iter().map(|v| v.unwrap_or(false)).collect(),
            Err(_) => vec![false; df.height()],
        };
        Ok((0..df.height())
            .filter_map(|i| {
                Some(SlaTicket {
                    waived: waived[i],
                    ticket_id: ticket[i].clone(),
                    customer_id: customer[i].clone(),
                    contract_id: contract[i].clone(),
                    priority: priority[i].clone(),
                    metric: Metric::parse(&metric[i])?,
                    target: target[i],
                    elapsed: elapsed[i],
                    clock: clock[i].clone(),
                    calendar: calendar[i].clone(),
                    state: State::parse(&state[i]),
                    breached_at: breached[i],
                })
            })
            .collect())
    })
}

/// A row of `response_times`.
#[derive(Debug, Clone)]
pub struct ResponseTime {
    pub key: String,
    pub priority: Priority,
    pub metric: Metric,
    pub tickets: i64,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

/// Runs the loader of the table `name`: an error that does not yet say which table it was
/// reading (a column's, or polars') says so.
fn of_table<T>(name: &str, load: impl FnOnce() -> Result<T>) -> Result<T> {
    load().map_err(|e| e.in_table(name))
}

/// Rows of a table of one period and one `dimension`.
fn of_key_grain(tables: &Path, name: &str, period: &str, dimension: &str) -> Result<DataFrame> {
    Ok(read(
        tables,
        name,
        Some(of_period(period).and(col("dimension").eq(lit(dimension.to_string())))),
    )?)
}

pub fn response_times(tables: &Path, period: &str, dimension: &str) -> Result<Vec<ResponseTime>> {
    of_table("response_times", || {
        let df = of_key_grain(tables, "response_times", period, dimension)?;
        let key = t::text(&df, "key")?;
        let priority = t::text(&df, "priority")?;
        let metric = t::text(&df, "metric")?;
        let tickets = t::counts(&df, "tickets")?;
        let median = t::ints(&df, "median_seconds")?;
        let p90 = t::ints(&df, "p90_seconds")?;
        Ok((0..df.height())
            .filter_map(|i| {
                Some(ResponseTime {
                    key: key[i].clone(),
                    priority: Priority::parse(&priority[i])?,
                    metric: Metric::parse(&metric[i])?,
                    tickets: tickets[i],
                    median_seconds: median[i],
                    p90_seconds: p90[i],
                })
            })
            .collect())
    })
}

/// A row of `weekly_flow`.
#[derive(Debug, Clone)]
pub struct WeekFlow {
    pub key: String,
    pub week_start: NaiveDate,
    pub created: i64,
    pub solved: i64,
}

/// A date column of `<tables>/<table>`; a value that is not a date is an error naming the
/// table, the column and the value (a null stays `None`).
fn dates(
    tables: &Path,
    table: &str,
    df: &DataFrame,
    name: &'static str,
) -> Result<Vec<Option<NaiveDate>>> {
    t::texts(df, name)
        .map_err(|e| e.in_table(table))?
        .into_iter()
        .map(|d| match d {
            None => Ok(None),
            Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ReportError::BadValue {
                    path: tables.join(format!("{table}.parquet")),
                    column: name,
                    problem: format!("`{d}` is not a date (YYYY-MM-DD)"),
                    hint: "run `slareview run` again: it writes the tables the documents read",
                }),
        })
        .collect()
}

pub fn weekly_flow(tables: &Path, period: &str, dimension: &str) -> Result<Vec<WeekFlow>> {
    of_table("weekly_flow", || {
        let df = of_key_grain(tables, "weekly_flow", period, dimension)?;
        let key = t::text(&df, "key")?;
        let week = dates(tables, "weekly_flow", &df, "week_start")?;
        let created = t::counts(&df, "created")?;
        let solved = t::counts(&df, "solved")?;
        Ok((0..df.height())
            .filter_map(|i| {
                Some(WeekFlow {
                    key: key[i].clone(),
                    week_start: week[i]?,
                    created: created[i],
                    solved: solved[i],
                })
            })
            .collect())
    })
}

/// A row of `ticket_volume`.
#[derive(Debug, Clone)]
pub struct Volume {
    pub key: String,
    /// `priority`, `channel` or `product`.
    pub by: String,
    pub value: String,
    pub tickets: i64,
    pub share_pct: Option<f64>,
}

pub fn ticket_volume(tables: &Path, period: &str, dimension: &str) -> Result<Vec<Volume>> {
    of_table("ticket_volume", || {
        let df = of_key_grain(tables, "ticket_volume", period, dimension)?;
        let key = t::text(&df, "key")?;
        let by = t::text(&df, "by")?;
        let value = t::text(&df, "value")?;
        let tickets = t::counts(&df, "tickets")?;
        let share = t::floats(&df, "share_pct")?;
        Ok((0..df.height())
            .map(|i| Volume {
                key: key[i].clone(),
                by: by[i].clone(),
                value: value[i].clone(),
                tickets: tickets[i],
                share_pct: share[i],
            })
            .collect())
    })
}

/// A row of `low_ratings`.
#[derive(Debug, Clone)]
pub struct LowRating {
    pub customer_id: String,
    pub contract_id: Option<String>,
    pub ticket_id: String,
    pub rating: i64,
    pub responded_at: Option<i64>,
    pub comment: String,
}

pub fn low_ratings(tables: &Path, period: &str) -> Result<Vec<LowRating>> {
    of_table("low_ratings", || {
        let df = read(tables, "low_ratings", Some(of_period(period)))?;
        let customer = t::text(&df, "customer_id")?;
        let contract = t::texts(&df, "contract_id")?;
        let ticket = t::text(&df, "ticket_id")?;
        let rating = t::counts(&df, "rating")?;
        let at = t::instants(&df, "responded_at")?;
        let comment = t::text(&df, "comment")?;
        Ok((0..df.height())
            .map(|i| LowRating {
                customer_id: customer[i].clone(),
                contract_id: contract[i].clone(),
                ticket_id: ticket[i].clone(),
                rating: rating[i],
                responded_at: at[i],
                comment: comment[i].clone(),
            })
            .collect())
    })
}

/// A row of `fcr_summary`.
#[derive(Debug, Clone)]
pub struct Fcr {
    pub fcr_tickets: i64,
    pub one_touch: i64,
    pub solved: i64,
    pub reopened: i64,
    pub fcr_pct: Option<f64>,
    pub reopen_pct: Option<f64>,
}

/// `fcr_summary` of one period and dimension, by key.
pub fn fcr_summary(tables: &Path, period: &str, dimension: &str) -> Result<BTreeMap<String, Fcr>> {
    of_table("fcr_summary", || {
        let df = of_key_grain(tables, "fcr_summary", period, dimension)?;
        let key = t::text(&df, "key")?;
        let n = t::counts(&df, "fcr_tickets")?;
        let one = t::counts(&df, "one_touch")?;
        let solved = t::counts(&df, "solved")?;
        let reopened = t::counts(&df, "reopened")?;
        let fcr = t::floats(&df, "fcr_pct")?;
        let reopen = t::floats(&df, "reopen_pct")?;
        Ok((0..df.height())
            .map(|i| {
                (
                    key[i].clone(),
                    Fcr {
                        fcr_tickets: n[i],
                        one_touch: one[i],
                        solved: solved[i],
                        reopened: reopened[i],
                        fcr_pct: fcr[i],
                        reopen_pct: reopen[i],
                    },
                )
            })
            .collect())
    })
}

/// `csat` of a period: customer -> rating -> counted surveys.
pub fn ratings(tables: &Path, period: &str) -> Result<BTreeMap<String, BTreeMap<i64, i64>>> {
    of_table("csat", || {
        let df = read(tables, "csat", Some(of_period(period)))?;
        let customer = t::text(&df, "customer_id")?;
        let rating = t::counts(&df, "rating")?;
        let mut out: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
        for (c, r) in customer.into_iter().zip(rating) {
            *out.entry(c).or_default().entry(r).or_default() += 1;
        }
        Ok(out)
    })
}

/// `backlog_daily` of a period: customer -> date -> tickets open at the day's end.
pub fn daily_backlog(
    tables: &Path,
    period: &str,
) -> Result<BTreeMap<String, BTreeMap<NaiveDate, i64>>> {
    of_table("backlog_daily", || {
        let df = read(tables, "backlog_daily", Some(of_period(period)))?;
        let date = dates(tables, "backlog_daily", &df, "date")?;
        let customer = t::text(&df, "customer_id")?;
        let backlog = t::counts(&df, "backlog")?;
        let mut out: BTreeMap<String, BTreeMap<NaiveDate, i64>> = BTreeMap::new();
        for i in 0..df.height() {
            let Some(d) = date[i] else { continue };
            *out.entry(customer[i].clone())
                .or_default()
                .entry(d)
                .or_default() += backlog[i];
        }
        Ok(out)
    })
}

/// A row of `backlog_aging`.
#[derive(Debug, Clone)]
pub struct AgingCount {
    pub customer_id: String,
    pub bucket_order: i64,
    pub bucket: String,
    pub priority: Priority,
    pub tickets: i64,
}

pub fn backlog_aging(tables: &Path, period: &str) -> Result<Vec<AgingCount>> {
    of_table("backlog_aging", || {
        let df = read(tables, "backlog_aging", Some(of_period(period)))?;
        let customer = t::text(&df, "customer_id")?;
        let bucket = t::text(&df, "age_bucket")?;
        let order = t::counts(&df, "bucket_order")?;
        let priority = t::text(&df, "priority")?;
        let tickets = t::counts(&df, "tickets")?;
        Ok((0..df.height())
            .filter_map(|i| {
                Some(AgingCount {
                    customer_id: customer[i].clone(),
                    bucket_order: order[i],
                    bucket: bucket[i].clone(),
                    priority: Priority::parse(&priority[i])?,
                    tickets: tickets[i],
                })
            })
            .collect())
    })
}

/// A row of `open_at_period_end`.
#[derive(Debug, Clone)]
pub struct OpenTicket {
    pub ticket_id: String,
    pub customer_id: String,
    pub status: String,
    pub priority: String,
    pub engineer_id: String,
    pub created_at: Option<i64>,
    pub age_days: i64,
}

pub fn open_at_period_end(tables: &Path, period: &str) -> Result<Vec<OpenTicket>> {
    of_table("open_at_period_end", || {
        let df = read(tables, "open_at_period_end", Some(of_period(period)))?;
        let ticket = t::text(&df, "ticket_id")?;
        let customer = t::text(&df, "customer_id")?;
        let status = t::text(&df, "status")?;
        let priority = t::text(&df, "priority")?;
        let engineer = t::text(&df, "engineer_id")?;
        let created = t::instants(&df, "created_at")?;
        let age = t::counts(&df, "age_days")?;
        Ok((0..df.height())
            .map(|i| OpenTicket {
                ticket_id: ticket[i].clone(),
                customer_id: customer[i].clone(),
                status: status[i].clone(),
                priority: priority[i].clone(),
                engineer_id: engineer[i].clone(),
                created_at: created[i],
                age_days: age[i],
            })
            .collect())
    })
}

/// A row of `goal_scorecard`. `unit`, `better` and `trend` (the table's `direction` of the
/// change) are read when the table has them.
#[derive(Debug, Clone)]
pub struct Score {
    pub goal: String,
    pub description: String,
    pub figure: Option<f64>,
    pub goal_value: Option<f64>,
    /// How the figure is held to the goal: `at least`, `at most`, `none`.
    pub direction: String,
    pub status: String,
    pub detail: String,
    /// How many items the figure stands on (surveys, tickets, engineers).
    pub basis: Option<i64>,
    pub too_few: bool,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub goal_order: i64,
    pub unit: Option<String>,
    pub better: Option<String>,
    pub trend: Option<String>,
}

/// `goal_scorecard` of a period, in goal order.
pub fn goal_scorecard(tables: &Path, period: &str) -> Result<Vec<Score>> {
    of_table("goal_scorecard", || {
        let df = read(tables, "goal_scorecard", Some(of_period(period)))?;
        let goal = t::text(&df, "goal")?;
        let desc = t::text(&df, "description")?;
        let figure = t::floats(&df, "figure")?;
        let goal_value = t::floats(&df, "goal_value")?;
        let direction = t::text(&df, "direction")?;
        let status = t::text(&df, "status")?;
        let detail = t::text(&df, "detail")?;
        let basis = if has(&df, "basis") {
            t::ints(&df, "basis")?
        } else {
            vec![None; df.height()]
        };
        let too_few = t::bools(&df, "too_few")?;
        let previous = t::floats(&df, "previous_figure")?;
        let change = t::floats(&df, "change")?;
        let order = t::counts(&df, "goal_order")?;
        // Added by issue 13: read when present.
        let optional = |name: &str| -> Result<Vec<Option<String>>> {
            if has(&df, name) {
                t::texts(&df, name)
            } else {
                Ok(vec![None; df.height()])
            }
        };
        let unit = optional("unit")?;
        let better = optional("better")?;
        // The issue-13 `direction` (better / worse / same) lands beside the goal's own
        // `direction` (at least / at most): it is the one whose values say better or worse.
        let trend = if direction
            .iter()
            .any(|d| matches!(d.as_str(), "better" | "worse" | "same"))
        {
            direction.iter().map(|d| Some(d.clone())).collect()
        } else {
            optional("change_direction")?
        };
        let mut rows: Vec<Score> = (0..df.height())
            .map(|i| Score {
                goal: goal[i].clone(),
                description: desc[i].clone(),
                figure: figure[i],
                goal_value: goal_value[i],
                direction: direction[i].clone(),
                status: status[i].clone(),
                detail: detail[i].clone(),
                basis: basis[i],
                too_few: too_few[i].unwrap_or(false),
                previous: previous[i],
                change: change[i],
                goal_order: order[i],
                unit: unit[i].clone(),
                better: better[i].clone(),
                trend: trend[i].clone().filter(|d| !d.is_empty()),
            })
            .collect();
        rows.sort_by_key(|r| r.goal_order);
        Ok(rows)
    })
}

/// A row of `backlog_trend`.
pub struct BacklogDay {
    pub date: String,
    pub backlog: i64,
    pub inflow: i64,
    pub outflow: i64,
}

pub fn backlog_trend(tables: &Path, period: &str) -> Result<Vec<BacklogDay>> {
    of_table("backlog_trend", || {
        let df = read(tables, "backlog_trend", Some(of_period(period)))?;
        let date = t::text(&df, "date")?;
        let backlog = t::counts(&df, "backlog")?;
        let inflow = t::counts(&df, "inflow")?;
        let outflow = t::counts(&df, "outflow")?;
        Ok((0..df.height())
            .map(|i| BacklogDay {
                date: date[i].clone(),
                backlog: backlog[i],
                inflow: inflow[i],
                outflow: outflow[i],
            })
            .collect())
    })
}

/// A row of `engineer_load`.
pub struct EngineerLoad {
    pub engineer_id: String,
    pub working_days: i64,
    pub solved: i64,
    pub solved_per_working_day: Option<f64>,
    pub solved_goal_met: Option<bool>,
    pub avg_backlog: Option<f64>,
    pub backlog_goal_met: Option<bool>,
    pub system_down_over_goal: i64,
    pub kb_per_week: Option<f64>,
    pub kb_goal_met: Option<bool>,
    pub csat_satisfied_pct: Option<f64>,
    pub csat_responses: i64,
}

pub fn engineer_load(tables: &Path, period: &str) -> Result<Vec<EngineerLoad>> {
    of_table("engineer_load", || {
        let df = read(tables, "engineer_load", Some(of_period(period)))?;
        let id = t::text(&df, "engineer_id")?;
        let wd = t::counts(&df, "working_days")?;
        let solved = t::counts(&df, "solved")?;
        let spd = t::floats(&df, "solved_per_working_day")?;
        let spd_ok = t::bools(&df, "solved_goal_met")?;
        let bl = t::floats(&df, "avg_backlog")?;
        let bl_ok = t::bools(&df, "backlog_goal_met")?;
        let sd = t::counts(&df, "system_down_over_goal")?;
        let kb = t::floats(&df, "kb_per_week")?;
        let kb_ok = t::bools(&df, "kb_goal_met")?;
        let csat = t::floats(&df, "csat_satisfied_pct")?;
        let resp = t::counts(&df, "csat_responses")?;
        Ok((0..df.height())
            .map(|i| EngineerLoad {
                engineer_id: id[i].clone(),
                working_days: wd[i],
                solved: solved[i],
                solved_per_working_day: spd[i],
                solved_goal_met: spd_ok[i],
                avg_backlog: bl[i],
                backlog_goal_met: bl_ok[i],
                system_down_over_goal: sd[i],
                kb_per_week: kb[i],
                kb_goal_met: kb_ok[i],
                csat_satisfied_pct: csat[i],
                csat_responses: resp[i],
            })
            .collect())
    })
}

/// The team's SLA counts for one priority and metric.
#[derive(Debug, Clone, Copy, Default)]
pub struct SlaCounts {
    pub tickets: i64,
    pub met: i64,
    pub breached: i64,
    pub in_progress: i64,
    pub not_applicable: i64,
    pub waived: i64,
}

impl SlaCounts {
    pub fn compliance_pct(&self) -> Option<f64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| 100.0 * self.met as f64 / decided as f64)
    }
}

/// The team's SLA by priority and metric: `sla_summary`'s `priority` rows of the period
/// (`sla_compliance` pooled over customers and contracts by its query).
pub fn sla_pooled(tables: &Path, period: &str) -> Result<BTreeMap<(Priority, Metric), SlaCounts>> {
    of_table("sla_summary", || {
        let df = read(
            tables,
            "sla_summary",
            Some(of_period(period).and(col("dimension").eq(lit("priority")))),
        )?;
        let priority = t::text(&df, "key")?;
        let metric = t::text(&df, "metric")?;
        let tickets = t::counts(&df, "tickets")?;
        let met = t::counts(&df, "met")?;
        let breached = t::counts(&df, "breached")?;
        let in_progress = t::counts(&df, "in_progress")?;
        let na = t::counts(&df, "not_applicable")?;
        let waived = t::counts(&df, "waived")?;
        let mut pooled: BTreeMap<(Priority, Metric), SlaCounts> = BTreeMap::new();
        for i in 0..df.height() {
            let (Some(p), Some(m)) = (Priority::parse(&priority[i]), Metric::parse(&metric[i]))
            else {
                continue;
            };
            if !Metric::COMMITTED.contains(&m) {
                continue;
            }
            pooled.insert(
                (p, m),
                SlaCounts {
                    tickets: tickets[i],
                    met: met[i],
                    breached: breached[i],
                    in_progress: in_progress[i],
                    not_applicable: na[i],
                    waived: waived[i],
                },
            );
        }
        Ok(pooled)
    })
}

/// One input file of the lake's manifest.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub file: String,
    pub table: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub sha256: String,
}

/// The lake's manifest: the input files and the configuration files read.
pub fn manifest(lake: &Path) -> Result<Vec<InputFile>> {
    let path = lake.join(crate::store::MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|source| ReportError::ReadManifest {
        path: path.clone(),
        source,
    })?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| ReportError::ManifestJson {
            path: path.clone(),
            source,
        })?;
    let wrong = |key: String, problem| ReportError::ManifestKey {
        path: path.clone(),
        key,
        problem,
    };
    // Every key the ingest writes, read as written: a missing one is an error naming it, not
    // an empty name or a count of 0 in a customer's document.
    let s = |list: &str, i: usize, f: &serde_json::Value, k: &str| -> Result<String> {
        f[k].as_str()
            .map(str::to_string)
            .ok_or_else(|| wrong(format!("{list}[{i}].{k}"), "is not a text"))
    };
    let n = |i: usize, f: &serde_json::Value, k: &str| -> Result<u64> {
        f[k].as_u64()
            .ok_or_else(|| wrong(format!("files[{i}].{k}"), "is not a count"))
    };
    let mut out = Vec::new();
    let files = v["files"]
        .as_array()
        .ok_or_else(|| wrong("files".into(), "is not a list"))?;
    let config_files = v["config_files"]
        .as_array()
        .ok_or_else(|| wrong("config_files".into(), "is not a list"))?;
    for (i, f) in files.iter().enumerate() {
        out.push(InputFile {
            file: s("files", i, f, "file")?,
            table: s("files", i, f, "table")?,
            rows_read: n(i, f, "rows_read")?,
            rows_accepted: n(i, f, "rows_accepted")?,
            rows_rejected: n(i, f, "rows_rejected")?,
            sha256: s("files", i, f, "sha256")?,
        });
    }
    for (i, f) in config_files.iter().enumerate() {
        out.push(InputFile {
            file: s("config_files", i, f, "file")?,
            table: "configuration".into(),
            rows_read: 0,
            rows_accepted: 0,
            rows_rejected: 0,
            sha256: s("config_files", i, f, "sha256")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Hint;

    /// `run_info` as the metrics stage writes it, with the given as_of and zone.
    fn run_info_table(dir: &Path, as_of: Option<i64>, zone: &str) {
        let mut df = DataFrame::new_infer_height(vec![
            crate::clock::datetime("as_of", vec![as_of]).unwrap(),
            Series::new("reporting_timezone".into(), [zone]).into(),
            Series::new("report_period".into(), ["2026Q3"]).into(),
        ])
        .unwrap();
        crate::store::write_table(dir, "run_info", &mut df).unwrap();
    }

    #[test]
    fn a_missing_column_names_its_table() {
        // `periods` without its `days`: the loader says which table and column.
        let dir = tempfile::tempdir().unwrap();
        let mut df = DataFrame::new_infer_height(vec![
            Series::new("period".into(), ["2026Q3"]).into(),
            Series::new("day_count".into(), [92i64]).into(),
        ])
        .unwrap();
        crate::store::write_table(dir.path(), "periods", &mut df).unwrap();
        let e = period_days(dir.path()).err().unwrap().to_string();
        assert!(e.starts_with("table `periods`, column `days`: "), "{e}");
    }

    #[test]
    fn text_in_a_count_column_is_an_error_not_zero() {
        let dir = tempfile::tempdir().unwrap();
        let mut df = DataFrame::new_infer_height(vec![
            Series::new("period".into(), ["2026Q3"]).into(),
            Series::new("days".into(), ["ninety-two"]).into(),
        ])
        .unwrap();
        crate::store::write_table(dir.path(), "periods", &mut df).unwrap();
        let e = period_days(dir.path()).err().unwrap().to_string();
        assert!(e.starts_with("table `periods`, column `days`: "), "{e}");
    }

    #[test]
    fn a_polars_error_in_a_loader_names_its_table() {
        let e = ReportError::Polars(PolarsError::ColumnNotFound("waived".into()))
            .in_table("ticket_sla")
            .to_string();
        assert!(e.starts_with("table `ticket_sla`: "), "{e}");
        assert!(e.contains("waived"), "{e}");
    }

    #[test]
    fn run_info_reads_the_zone_it_was_written_with() {
        let dir = tempfile::tempdir().unwrap();
        run_info_table(dir.path(), Some(1_791_072_000), "Asia/Seoul");
        let r = run_info(dir.path()).unwrap();
        assert_eq!(r.tz, chrono_tz::Asia::Seoul);
        assert_eq!(r.as_of_secs, 1_791_072_000);
    }

    /// A zone read back that is not a zone is an error naming the table, the column and the
    /// value (it used to become UTC, moving every instant of the documents by hours).
    #[test]
    fn a_bad_zone_in_run_info_is_an_error_naming_table_column_and_value() {
        let dir = tempfile::tempdir().unwrap();
        run_info_table(dir.path(), Some(1_791_072_000), "Mars/Olympus");
        let e = run_info(dir.path()).err().unwrap();
        assert_eq!(
            e.to_string(),
            format!(
                "`{}`: `reporting_timezone` `Mars/Olympus` is not a time zone",
                dir.path().join("run_info.parquet").display()
            )
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("the zone comes from `reporting_timezone` in goals.toml: write an IANA zone there (e.g. Asia/Seoul) and run `slareview run` again")
        );
    }

    #[test]
    fn a_missing_as_of_in_run_info_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        run_info_table(dir.path(), None, "UTC");
        let e = run_info(dir.path()).err().unwrap();
        assert_eq!(
            e.to_string(),
            format!(
                "`{}`: `as_of` has no value",
                dir.path().join("run_info.parquet").display()
            )
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("the metrics stage writes `run_info`: run `slareview run` again")
        );
    }

    /// The check before any document: the first table missing is named, with what the
    /// documents need it for and what writes it.
    #[test]
    fn a_missing_table_is_named_with_what_writes_it() {
        let dir = tempfile::tempdir().unwrap();
        let (tables, lake) = (dir.path().join("tables"), dir.path().join("lake"));
        let e = check(&tables, &lake).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "the table `run_info` is missing from `{}`: every document needs it (it comes from the metrics stage)",
                tables.display()
            )
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("run `slareview run` again: the metrics stage writes it")
        );
        // A table a query writes: the hint names the query file.
        std::fs::create_dir_all(&tables).unwrap();
        for n in NEEDED.iter().filter(|n| n.name != "weekly_flow") {
            std::fs::write(tables.join(format!("{}.parquet", n.name)), "").unwrap();
        }
        let e = check(&tables, &lake).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "the table `weekly_flow` is missing from `{}`: the customer reviews need it (it comes from a query of `queries/`)",
                tables.display()
            )
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("the bundled `queries/weekly_flow.sql` writes it: run with the bundled queries, or copy `queries/weekly_flow.sql` into the folder given to --queries")
        );
        // Every table there, the lake's missing.
        std::fs::write(tables.join("weekly_flow.parquet"), "").unwrap();
        let e = check(&tables, &lake).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "the lake table `tickets` is missing from `{}`: the documents need it",
                lake.display()
            )
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("run `slareview run` again to ingest the exports")
        );
    }

    /// A manifest without a key the ingest writes is an error naming the key, not a count of 0.
    #[test]
    fn a_manifest_key_missing_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::ingest::lake::MANIFEST);
        std::fs::write(
            &path,
            r#"{"files": [{"file": "t.csv", "table": "tickets", "rows_read": 3, "rows_accepted": 3, "sha256": "ab"}], "config_files": []}"#,
        )
        .unwrap();
        let e = manifest(dir.path()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "`{}`: `files[0].rows_rejected` is not a count",
                path.display()
            )
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("run `slareview run` again: its ingest writes the lake's manifest")
        );
        std::fs::write(&path, "not json").unwrap();
        let e = manifest(dir.path()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("`{}` is not the manifest JSON", path.display())
        );
    }
}
