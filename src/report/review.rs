//! The three documents of reports.md: a customer service review per contract active in the
//! period, the team review and the portfolio. Each is a plain view struct built from the metric
//! tables in `<out>/tables` (every figure is traceable to a row there), rendered by the
//! templates of `report_templates/` as self-contained HTML and as Markdown with its charts as
//! SVG files beside it, and optionally printed to PDF by headless Chromium.
//!
//! Files, under `<out>/reports/<period>/`:
//! - `portfolio.html`, `portfolio.md`;
//! - `team_review.html`, `team_review.md`, `team_review/*.svg`;
//! - `customers/<contract>.html`, `customers/<contract>.md`, `customers/<contract>/*.svg`, the
//!   contract id made file-safe by `format::safe_name`;
//! - with `--pdf`, `pdf/` holding one PDF per HTML document.
//!
//! Nothing in a document depends on the wall clock: the same inputs and command give the same
//! bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;

use super::chart::{self, Goal, Series};
use super::contract::{self, metric_label, ContractPeriod, CustomerCsat, Note, Ranked};
use super::format::{duration, money, number as trim, pct, safe_name};
use super::tables::{self as t, of_period, read};
use crate::model::config::{Calendar, Goals};
use crate::period::Quarter;

const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];
const METRICS: [&str; 3] = ["first_response", "update", "resolution"];

/// What the documents need besides the tables.
pub struct Options<'a> {
    pub out: &'a Path,
    pub report: Quarter,
    pub goals: &'a Goals,
    /// The contracts' calendars: a customer review gives instants in its contract calendar's
    /// zone.
    pub calendars: &'a BTreeMap<String, Calendar>,
    pub show_engineers: bool,
    pub pdf: bool,
    /// The command line as run, for the audit appendix.
    pub command: String,
}

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub dir: PathBuf,
    pub portfolio: PathBuf,
    pub team_review: PathBuf,
    pub customer_reviews: Vec<PathBuf>,
    /// PDFs written, or why none were.
    pub pdf: Option<std::result::Result<Vec<PathBuf>, String>>,
    pub tables: Vec<(String, usize)>,
}

/// The heading facts every document carries.
#[derive(Debug, Clone, Serialize)]
pub struct DocInfo {
    pub period: String,
    pub period_from: String,
    pub period_to: String,
    pub as_of: String,
    pub reporting_timezone: String,
    /// The zone of the instants printed (a customer review: its contract calendar's).
    pub times_in: String,
    pub tool: String,
    pub command: String,
}

/// A chart: the SVG inline (HTML) and the file it is written to (Markdown).
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    pub title: String,
    pub svg: String,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentView {
    pub priority: String,
    pub metric: String,
    pub target: String,
    pub clock: String,
    pub commitment: String,
    pub tickets: i64,
    pub met: i64,
    pub breached: i64,
    pub in_progress: i64,
    pub not_applicable: i64,
    pub compliance: String,
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContractView {
    pub contract_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub plan: String,
    pub start_date: String,
    pub end_date: String,
    pub renewal_date: String,
    pub active_from: String,
    pub active_to: String,
    pub annual_fee: String,
    pub period_fee: String,
    pub fee_basis: String,
    pub credit_rule: String,
    pub credit_pct: String,
    pub credit_amount: String,
    pub credit_due: bool,
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub tickets_created: i64,
    pub included_cases: String,
    pub entitlement_used: String,
    pub cost_per_case: String,
    pub commitments: Vec<CommitmentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub period: String,
    pub contract_id: String,
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub credit: String,
    pub tickets_created: i64,
    pub compliance: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub label: String,
    pub tickets: i64,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekRow {
    pub week: String,
    pub inflow: i64,
    pub outflow: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimesRow {
    pub priority: String,
    pub first_response_n: usize,
    pub first_response_median: String,
    pub first_response_p90: String,
    pub resolution_n: usize,
    pub resolution_median: String,
    pub resolution_p90: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CsatView {
    pub responses: i64,
    pub satisfied: String,
    pub satisfied_interval: String,
    pub very_satisfied: String,
    pub very_satisfied_interval: String,
    pub too_few: bool,
    pub response_rate: String,
    pub solved_tickets: i64,
    pub satisfied_goal: String,
    pub very_satisfied_goal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FcrView {
    pub fcr: String,
    pub fcr_basis: String,
    pub reopen: String,
    pub reopen_basis: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentRow {
    #[serde(skip)]
    pub at: Option<i64>,
    pub ticket_id: String,
    pub rating: i64,
    pub responded: String,
    pub comment: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgingRow {
    pub bucket: String,
    pub by_priority: Vec<i64>,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenRow {
    #[serde(skip)]
    pub created_at: Option<i64>,
    pub ticket_id: String,
    pub priority: String,
    pub status: String,
    pub created: String,
    pub age_days: i64,
    pub subject: String,
    pub engineer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreachRow {
    pub ticket_id: String,
    pub priority: String,
    pub metric: String,
    pub target: String,
    pub elapsed: String,
    /// Elapsed minus target: a breach by seconds reads `1d 0h` in both columns otherwise.
    pub over_by: String,
    pub clock: String,
    pub breached_at: String,
    pub subject: String,
    pub engineer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    pub file: String,
    pub table: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub term: &'static str,
    pub text: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerReview {
    pub doc: DocInfo,
    pub contract: ContractView,
    pub trend: Vec<TrendRow>,
    pub by_priority: Vec<Count>,
    pub by_channel: Vec<Count>,
    pub by_product: Vec<Count>,
    pub weeks: Vec<WeekRow>,
    pub times: Vec<TimesRow>,
    pub csat: Option<CsatView>,
    pub fcr: Option<FcrView>,
    pub ratings: Vec<Count>,
    pub comments: Vec<CommentRow>,
    pub aging: Vec<AgingRow>,
    pub open: Vec<OpenRow>,
    pub notes: Vec<Note>,
    pub breaches: Vec<BreachRow>,
    pub definitions: Vec<Definition>,
    pub files: Vec<FileView>,
    pub show_engineers: bool,
    pub charts: BTreeMap<String, ChartView>,
    pub chart_dir: String,
    pub priorities: Vec<&'static str>,
    pub metrics: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub goal: String,
    pub description: String,
    pub figure: String,
    pub goal_value: String,
    pub direction: String,
    pub status: String,
    pub previous: String,
    pub change: String,
    pub detail: String,
    pub too_few: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngineerRow {
    pub engineer_id: String,
    pub name: String,
    pub working_days: i64,
    pub solved: i64,
    pub solved_per_working_day: String,
    /// `ok`, `bad`, or empty when the goal does not apply (no working days).
    pub solved_goal_met: &'static str,
    pub avg_backlog: String,
    /// `ok`, `bad`, or empty when the goal does not apply (no working days).
    pub backlog_goal_met: &'static str,
    pub system_down_over_goal: i64,
    pub kb_per_week: String,
    /// `ok`, `bad`, or empty when the goal does not apply (no working days).
    pub kb_goal_met: &'static str,
    pub csat: String,
    pub csat_responses: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlaRow {
    pub priority: String,
    pub metric: String,
    pub tickets: i64,
    pub met: i64,
    pub breached: i64,
    pub in_progress: i64,
    pub not_applicable: i64,
    pub compliance: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemDownRow {
    pub ticket_id: String,
    pub customer_id: String,
    pub priority: String,
    pub elapsed: String,
    pub state: String,
    pub breached_at: String,
    pub engineer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamReview {
    pub doc: DocInfo,
    pub scorecard: Vec<ScoreRow>,
    pub aging: Vec<AgingRow>,
    pub engineers: Vec<EngineerRow>,
    pub sla: Vec<SlaRow>,
    pub system_down: Vec<SystemDownRow>,
    pub backlog_goal: String,
    pub charts: BTreeMap<String, ChartView>,
    pub chart_dir: String,
    pub priorities: Vec<&'static str>,
    pub definitions: Vec<Definition>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortfolioRow {
    pub rank: usize,
    pub risk_score: i64,
    pub contract_id: String,
    pub customer_name: String,
    pub plan: String,
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub credit: String,
    pub credit_due: bool,
    pub csat: String,
    pub csat_below_goal: bool,
    pub tickets: String,
    pub renewal_date: String,
    pub notes: Vec<Note>,
    pub link: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortfolioView {
    pub doc: DocInfo,
    pub rows: Vec<PortfolioRow>,
    pub credits: Vec<String>,
}

/// The definitions printed in the documents' appendices: metrics.md in this project's words.
pub const DEFINITIONS: &[Definition] = &[
    Definition { term: "Period", text: "A calendar quarter in the reporting time zone. Days after the day containing as_of do not exist yet; a ticket belongs to the period in which it was created." },
    Definition { term: "Business clock", text: "Counts only the contract calendar's working hours, outside its holidays; a calendar clock counts every second. Clocks stop while the ticket waits on the customer (pending, on hold)." },
    Definition { term: "First response", text: "From creation to the first public agent reply. If the ticket is solved before any reply, it is not applicable when solved within the target, breached otherwise." },
    Definition { term: "Update", text: "While the customer waits on support, each stretch from the later of the last agent reply or the wait's start to the next reply, pause or solve must stay within the target. A ticket meets update only if every window did; the ticket's row reports its longest window." },
    Definition { term: "Resolution", text: "Clock time from creation to the final solve, excluding waits on the customer." },
    Definition { term: "Met, breached, in progress, not applicable", text: "Met: the clock stopped within the target (a reply at the very second is met). Breached: the target passed; the breach instant is when it passed. In progress: still running at as_of below the target. Not applicable: the metric did not arise." },
    Definition { term: "Compliance", text: "Met / (met + breached). Tickets in progress or not applicable are counted and shown but decide nothing." },
    Definition { term: "Commitment", text: "A contract target (priority x metric) with its commitment percentage: kept when compliance reaches it, missed when it does not, no tickets when no ticket was met or breached." },
    Definition { term: "Service credit", text: "min(credit cap, missed commitments x credit per missed commitment) % of the period's fee; the period's fee is the annual fee x the contract's days in the period / days of that contract year." },
    Definition { term: "Entitlement and cost per case", text: "Tickets created in the period against the included cases per quarter; cost per case = the period's fee / tickets created." },
    Definition { term: "CSAT", text: "Latest survey per ticket; satisfied or better = rating 4 or 5, very satisfied = 5. Intervals are 95% Wilson score intervals; under 10 responses the figure is flagged as too few." },
    Definition { term: "First-contact resolution and reopen rate", text: "FCR: tickets done at as_of, with a reply, solved after exactly one agent reply and not reopened within the reopen window. Reopen rate: tickets with a reopen by as_of / tickets with a solve." },
    Definition { term: "Response and resolution times", text: "Elapsed time on the contract's clock of tickets whose first-response or resolution clock has stopped (met or breached); median and 90th percentile by the nearest-rank method." },
    Definition { term: "Backlog and aging", text: "Tickets not solved or closed just before local midnight; age in whole days from creation to the period's end (or as_of)." },
];

fn doc_info(opts: &Options, run: &RunInfo) -> DocInfo {
    let q = opts.report;
    DocInfo {
        period: q.label(),
        period_from: q.first_day().to_string(),
        period_to: q.end_day().pred_opt().unwrap().to_string(),
        as_of: run.as_of.clone(),
        reporting_timezone: run.timezone.clone(),
        times_in: run.timezone.clone(),
        tool: format!("slareview {}", env!("CARGO_PKG_VERSION")),
        command: opts.command.clone(),
    }
}

struct RunInfo {
    as_of: String,
    as_of_secs: i64,
    as_of_day: NaiveDate,
    timezone: String,
    tz: Tz,
}

fn run_info(tables: &Path) -> Result<RunInfo> {
    let df = read(tables, "run_info", None)?;
    let as_of = t::instants(&df, "as_of")?[0].unwrap_or(0);
    let timezone = t::text(&df, "reporting_timezone")?[0].clone();
    let tz: Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    Ok(RunInfo {
        as_of: t::local(&tz, Some(as_of)),
        as_of_secs: as_of,
        as_of_day: crate::period::local_date(&tz, as_of),
        timezone,
        tz,
    })
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Most tickets first; past `most` rows, the rest are one row `other (N values)`, so a
/// product list of fifty categories stays readable.
fn counts_view(map: BTreeMap<String, i64>, total: i64, most: usize) -> Vec<Count> {
    let share = |n: i64| pct((total > 0).then(|| 100.0 * n as f64 / total as f64));
    let mut v: Vec<(String, i64)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rest: Vec<(String, i64)> = if v.len() > most {
        v.split_off(most - 1)
    } else {
        Vec::new()
    };
    let mut out: Vec<Count> = v
        .into_iter()
        .map(|(label, n)| Count {
            share: share(n),
            label,
            tickets: n,
        })
        .collect();
    if !rest.is_empty() {
        let n = rest.iter().map(|r| r.1).sum();
        out.push(Count {
            label: format!("other ({} values)", rest.len()),
            tickets: n,
            share: share(n),
        });
    }
    out
}

fn contract_view(cp: &ContractPeriod) -> ContractView {
    let cur = &cp.currency;
    ContractView {
        contract_id: cp.contract_id.clone(),
        customer_id: cp.customer_id.clone(),
        customer_name: cp.customer_name.clone(),
        plan: cp.plan.clone(),
        start_date: cp.start_date.clone(),
        end_date: cp.end_date.clone(),
        renewal_date: cp.renewal_date.clone(),
        active_from: cp.active_from.clone(),
        active_to: cp.active_to.clone(),
        annual_fee: money(Some(cp.annual_fee), cur),
        period_fee: money(Some(cp.period_fee), cur),
        fee_basis: format!(
            "{} x ({}) days of the contract year",
            money(Some(cp.annual_fee), cur),
            cp.fee_days
        ),
        credit_rule: format!(
            "{}% per missed commitment, at most {}%",
            trim(cp.credit_pct_per_missed_target),
            trim(cp.credit_cap_pct)
        ),
        credit_pct: format!("{}%", trim(cp.credit_pct)),
        credit_amount: money(Some(cp.credit_amount), cur),
        credit_due: cp.credit_amount > 0.0,
        kept: cp.kept,
        missed: cp.missed,
        no_tickets: cp.no_tickets,
        tickets_created: cp.tickets_created,
        included_cases: cp
            .included_cases
            .map(|n| n.to_string())
            .unwrap_or_else(|| "unlimited".into()),
        entitlement_used: pct(cp.entitlement_used_pct),
        cost_per_case: money(cp.cost_per_case, cur),
        commitments: cp
            .commitments
            .iter()
            .map(|c| CommitmentView {
                priority: c.priority.clone(),
                metric: metric_label(&c.metric).to_string(),
                target: duration(Some(crate::clock::arith::seconds(c.target_minutes, 60))),
                clock: c.clock.clone(),
                commitment: format!("{}%", trim(c.commitment_pct)),
                tickets: c.tickets,
                met: c.met,
                breached: c.breached,
                in_progress: c.in_progress,
                not_applicable: c.not_applicable,
                compliance: pct(c.compliance_pct),
                outcome: c.outcome.replace('_', " "),
            })
            .collect(),
    }
}

/// Pooled compliance of a set of commitments for one metric.
fn pooled(cps: &[&ContractPeriod], metric: &str) -> Option<f64> {
    let (mut met, mut decided) = (0i64, 0i64);
    for cp in cps {
        for c in cp.commitments.iter().filter(|c| c.metric == metric) {
            met += c.met;
            decided += c.met + c.breached;
        }
    }
    (decided > 0).then(|| 100.0 * met as f64 / decided as f64)
}

fn chart_view(
    title: &str,
    svg: std::result::Result<String, String>,
    dir: &str,
    name: &str,
) -> ChartView {
    ChartView {
        title: title.to_string(),
        svg: svg.unwrap_or_else(|e| format!("<p>{e}</p>")),
        file: format!("{dir}/{name}.svg"),
    }
}

/// Everything the customer reviews read, loaded once for all contracts.
struct CustomerData {
    /// Report-period ticket facts per contract: (ticket_id, priority as filed).
    tickets: BTreeMap<String, Vec<(String, String)>>,
    /// ticket_id -> (channel, product, subject).
    ticket_text: BTreeMap<String, (String, String, String)>,
    /// ticket_id -> engineer at first solve.
    solver: BTreeMap<String, String>,
    /// ticket_sla rows of the period per contract.
    sla: BTreeMap<String, Vec<SlaTicket>>,
    /// customer -> date -> (backlog, inflow, outflow).
    days: BTreeMap<String, BTreeMap<NaiveDate, (i64, i64, i64)>>,
    csat: BTreeMap<String, CustomerCsat>,
    /// customer -> (fcr_tickets, one_touch, solved, reopened).
    fcr: BTreeMap<String, (i64, i64, i64, i64)>,
    /// customer -> rating -> surveys.
    ratings: BTreeMap<String, BTreeMap<i64, i64>>,
    /// customer -> low-rated comments.
    comments: BTreeMap<String, Vec<CommentRow>>,
    aging: Aging,
    open: BTreeMap<String, Vec<OpenRow>>,
}

struct SlaTicket {
    ticket_id: String,
    priority: String,
    metric: String,
    target: Option<i64>,
    elapsed: Option<i64>,
    clock: String,
    calendar: String,
    state: String,
    breached_at: Option<i64>,
}

fn priority_index(p: &str) -> Option<usize> {
    PRIORITIES.iter().position(|x| *x == p)
}

fn load_customer_data(
    tables: &Path,
    lake: &Path,
    period: &str,
    names: &BTreeMap<String, String>,
    show_engineers: bool,
    // The customers' CSAT, read once by `write_all` for the renewal notes too.
    csat: BTreeMap<String, CustomerCsat>,
) -> Result<CustomerData> {
    let engineer = |id: &str| -> String {
        if show_engineers {
            engineer_label(names, id)
        } else {
            String::new()
        }
    };
    // Every ticket's engineer at its first solve (breaches of the period may be solved later,
    // and the team review's system-down list needs them too); the period's tickets by contract.
    let facts = read(tables, "ticket_facts", None)?;
    let ids = t::text(&facts, "ticket_id")?;
    let contracts = t::texts(&facts, "contract_id")?;
    let periods = t::text(&facts, "period")?;
    let filed = t::text(&facts, "priority_filed")?;
    let solvers = t::text(&facts, "assignee_at_first_solve")?;
    let mut tickets: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for i in 0..facts.height() {
        if let (Some(c), true) = (&contracts[i], periods[i] == period) {
            tickets
                .entry(c.clone())
                .or_default()
                .push((ids[i].clone(), filed[i].clone()));
        }
    }
    let solver: BTreeMap<String, String> = ids.into_iter().zip(solvers).collect();

    let lake_tickets = read(lake, "tickets", None)?;
    let tid = t::text(&lake_tickets, "ticket_id")?;
    let opt_col = |name: &str| -> Result<Vec<String>> {
        if lake_tickets.column(name).is_ok() {
            t::text(&lake_tickets, name)
        } else {
            Ok(vec![String::new(); lake_tickets.height()])
        }
    };
    let channel = opt_col("channel")?;
    let product = opt_col("product")?;
    let subject = opt_col("subject")?;
    let ticket_text = (0..lake_tickets.height())
        .map(|i| {
            (
                tid[i].clone(),
                (channel[i].clone(), product[i].clone(), subject[i].clone()),
            )
        })
        .collect();

    let sla_df = read(tables, "ticket_sla", Some(of_period(period)))?;
    let s_contract = t::texts(&sla_df, "contract_id")?;
    let s_ticket = t::text(&sla_df, "ticket_id")?;
    let s_priority = t::text(&sla_df, "priority")?;
    let s_metric = t::text(&sla_df, "metric")?;
    let s_target = t::ints(&sla_df, "target_seconds")?;
    let s_elapsed = t::ints(&sla_df, "elapsed_seconds")?;
    let s_clock = t::text(&sla_df, "clock")?;
    let s_cal = t::text(&sla_df, "calendar_id")?;
    let s_state = t::text(&sla_df, "state")?;
    let s_breached = t::instants(&sla_df, "breached_at")?;
    let mut sla: BTreeMap<String, Vec<SlaTicket>> = BTreeMap::new();
    for i in 0..sla_df.height() {
        let Some(c) = &s_contract[i] else { continue };
        if s_metric[i] == "system_down" {
            continue;
        }
        sla.entry(c.clone()).or_default().push(SlaTicket {
            ticket_id: s_ticket[i].clone(),
            priority: s_priority[i].clone(),
            metric: s_metric[i].clone(),
            target: s_target[i],
            elapsed: s_elapsed[i],
            clock: s_clock[i].clone(),
            calendar: s_cal[i].clone(),
            state: s_state[i].clone(),
            breached_at: s_breached[i],
        });
    }

    let bd = read(tables, "backlog_daily", Some(of_period(period)))?;
    let b_date = t::texts(&bd, "date")?;
    let b_customer = t::text(&bd, "customer_id")?;
    let b_backlog = t::counts(&bd, "backlog")?;
    let b_in = t::counts(&bd, "inflow")?;
    let b_out = t::counts(&bd, "outflow")?;
    let mut days: BTreeMap<String, BTreeMap<NaiveDate, (i64, i64, i64)>> = BTreeMap::new();
    for i in 0..bd.height() {
        let Some(d) = b_date[i]
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            continue;
        };
        let e = days
            .entry(b_customer[i].clone())
            .or_default()
            .entry(d)
            .or_default();
        e.0 += b_backlog[i];
        e.1 += b_in[i];
        e.2 += b_out[i];
    }

    let fcr_df = read(tables, "fcr", Some(of_period(period)))?;
    let f_customer = t::text(&fcr_df, "customer_id")?;
    let f_tickets = t::counts(&fcr_df, "fcr_tickets")?;
    let f_one = t::counts(&fcr_df, "one_touch")?;
    let f_solved = t::counts(&fcr_df, "solved")?;
    let f_reopened = t::counts(&fcr_df, "reopened")?;
    let mut fcr: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
    for i in 0..fcr_df.height() {
        let e = fcr.entry(f_customer[i].clone()).or_default();
        e.0 += f_tickets[i];
        e.1 += f_one[i];
        e.2 += f_solved[i];
        e.3 += f_reopened[i];
    }

    let cs = read(tables, "csat", Some(of_period(period)))?;
    let c_customer = t::text(&cs, "customer_id")?;
    let c_rating = t::counts(&cs, "rating")?;
    let c_survey = t::text(&cs, "survey_id")?;
    let c_ticket = t::text(&cs, "ticket_id")?;
    let c_at = t::instants(&cs, "responded_at")?;
    let mut ratings: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
    for i in 0..cs.height() {
        *ratings
            .entry(c_customer[i].clone())
            .or_default()
            .entry(c_rating[i])
            .or_default() += 1;
    }
    // Comments of the counted surveys rated 3 or lower, from the lake's survey rows.
    let surveys = read(lake, "surveys", None)?;
    let mut comments: BTreeMap<String, Vec<CommentRow>> = BTreeMap::new();
    if surveys.column("comment").is_ok() {
        let sid = t::text(&surveys, "survey_id")?;
        let scomment = t::text(&surveys, "comment")?;
        let by_id: BTreeMap<&str, &str> = sid
            .iter()
            .map(String::as_str)
            .zip(scomment.iter().map(String::as_str))
            .collect();
        for i in 0..cs.height() {
            let Some(text) = by_id.get(c_survey[i].as_str()) else {
                continue;
            };
            if c_rating[i] <= 3 && !text.trim().is_empty() {
                comments
                    .entry(c_customer[i].clone())
                    .or_default()
                    .push(CommentRow {
                        at: c_at[i],
                        ticket_id: c_ticket[i].clone(),
                        rating: c_rating[i],
                        // Written in the contract calendar's zone by `customer_review`.
                        responded: String::new(),
                        comment: text.to_string(),
                    });
            }
        }
        for v in comments.values_mut() {
            v.sort_by(|a, b| a.at.cmp(&b.at).then(a.ticket_id.cmp(&b.ticket_id)));
        }
    }

    let aging = read_aging(tables, period)?;

    let op = read(tables, "open_at_period_end", Some(of_period(period)))?;
    let o_ticket = t::text(&op, "ticket_id")?;
    let o_customer = t::text(&op, "customer_id")?;
    let o_status = t::text(&op, "status")?;
    let o_priority = t::text(&op, "priority")?;
    let o_engineer = t::text(&op, "engineer_id")?;
    let o_created = t::instants(&op, "created_at")?;
    let o_age = t::counts(&op, "age_days")?;
    let mut open: BTreeMap<String, Vec<OpenRow>> = BTreeMap::new();
    for i in 0..op.height() {
        open.entry(o_customer[i].clone())
            .or_default()
            .push(OpenRow {
                created_at: o_created[i],
                ticket_id: o_ticket[i].clone(),
                priority: o_priority[i].clone(),
                status: o_status[i].clone(),
                // Written in the contract calendar's zone by `customer_review`.
                created: String::new(),
                age_days: o_age[i],
                subject: String::new(),
                engineer: engineer(&o_engineer[i]),
            });
    }
    for v in open.values_mut() {
        v.sort_by(|a, b| {
            b.age_days
                .cmp(&a.age_days)
                .then(a.ticket_id.cmp(&b.ticket_id))
        });
    }
    let mut data = CustomerData {
        tickets,
        ticket_text,
        solver,
        sla,
        days,
        csat,
        fcr,
        ratings,
        comments,
        aging,
        open,
    };
    for v in data.open.values_mut() {
        for r in v {
            if let Some((_, _, s)) = data.ticket_text.get(&r.ticket_id) {
                r.subject = s.clone();
            }
        }
    }
    Ok(data)
}

/// `backlog_aging` of a period: per customer, (bucket order, bucket) -> tickets by priority.
type Aging = BTreeMap<String, BTreeMap<(i64, String), [i64; 4]>>;

fn read_aging(tables: &Path, period: &str) -> Result<Aging> {
    let ag = read(tables, "backlog_aging", Some(of_period(period)))?;
    let a_customer = t::text(&ag, "customer_id")?;
    let a_bucket = t::text(&ag, "age_bucket")?;
    let a_order = t::counts(&ag, "bucket_order")?;
    let a_priority = t::text(&ag, "priority")?;
    let a_tickets = t::counts(&ag, "tickets")?;
    let mut aging = Aging::new();
    for i in 0..ag.height() {
        let Some(p) = priority_index(&a_priority[i]) else {
            continue;
        };
        aging
            .entry(a_customer[i].clone())
            .or_default()
            .entry((a_order[i], a_bucket[i].clone()))
            .or_default()[p] += a_tickets[i];
    }
    Ok(aging)
}

fn aging_rows(map: Option<&BTreeMap<(i64, String), [i64; 4]>>) -> Vec<AgingRow> {
    map.map(|m| {
        m.iter()
            .map(|((_, bucket), counts)| AgingRow {
                bucket: bucket.clone(),
                by_priority: counts.to_vec(),
                total: counts.iter().sum(),
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The Monday of `d`'s week.
fn week_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(d.weekday().num_days_from_monday() as i64)
}

#[allow(clippy::too_many_arguments)]
fn customer_review(
    opts: &Options,
    run: &RunInfo,
    r: &Ranked,
    history: &[&ContractPeriod],
    data: &CustomerData,
    files: &[FileView],
    names: &BTreeMap<String, String>,
    chart_dir: &str,
    tz: Tz,
) -> Result<CustomerReview> {
    let cp = &r.contract;
    let cid = &cp.contract_id;
    let customer = &cp.customer_id;
    let period = opts.report.label();
    let engineer = |id: &str| -> String {
        if opts.show_engineers {
            engineer_label(names, id)
        } else {
            String::new()
        }
    };

    // Trend: the customer's records of the periods written, oldest first.
    let trend: Vec<TrendRow> = history
        .iter()
        .map(|h| TrendRow {
            period: h.period.clone(),
            contract_id: h.contract_id.clone(),
            kept: h.kept,
            missed: h.missed,
            no_tickets: h.no_tickets,
            credit: money(Some(h.credit_amount), &h.currency),
            tickets_created: h.tickets_created,
            compliance: METRICS.iter().map(|m| pct(pooled(&[*h], m))).collect(),
        })
        .collect();
    let period_list: Vec<String> = crate::metrics::derive::quarters_written(opts.report)
        .iter()
        .map(|q| q.label())
        .collect();
    let trend_series: Vec<Series> = METRICS
        .iter()
        .map(|m| {
            Series::new(
                metric_label(m),
                period_list
                    .iter()
                    .map(|p| {
                        let in_p: Vec<&ContractPeriod> =
                            history.iter().copied().filter(|h| &h.period == p).collect();
                        pooled(&in_p, m)
                    })
                    .collect(),
            )
        })
        .collect();

    // Volume.
    let empty = Vec::new();
    let tickets = data.tickets.get(cid).unwrap_or(&empty);
    let total = tickets.len() as i64;
    let mut by_priority: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_product: BTreeMap<String, i64> = BTreeMap::new();
    for (id, p) in tickets {
        *by_priority.entry(p.clone()).or_default() += 1;
        let (ch, pr, _) = data.ticket_text.get(id).cloned().unwrap_or_default();
        let or_none = |s: String| {
            if s.is_empty() {
                "(none)".to_string()
            } else {
                s
            }
        };
        *by_channel.entry(or_none(ch)).or_default() += 1;
        *by_product.entry(or_none(pr)).or_default() += 1;
    }
    let mut by_priority = counts_view(by_priority, total, usize::MAX);
    by_priority.sort_by(|a, b| a.label.cmp(&b.label));

    // Weekly inflow / outflow and daily backlog of the customer.
    let no_days = BTreeMap::new();
    let days = data.days.get(customer).unwrap_or(&no_days);
    let first = opts.report.first_day();
    let last = (opts.report.end_day().pred_opt().unwrap()).min(run.as_of_day);
    let mut weeks: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    let mut d = first;
    let mut day_labels = Vec::new();
    let mut backlog = Vec::new();
    while d <= last {
        let (b, i, o) = days.get(&d).copied().unwrap_or_default();
        let w = weeks.entry(week_of(d)).or_default();
        w.0 += i;
        w.1 += o;
        day_labels.push(d.format("%m-%d").to_string());
        backlog.push(Some(b as f64));
        d = d.succ_opt().unwrap();
    }
    let weeks: Vec<WeekRow> = weeks
        .into_iter()
        .map(|(w, (i, o))| WeekRow {
            week: w.format("%m-%d").to_string(),
            inflow: i,
            outflow: o,
        })
        .collect();

    // Response and resolution times on the contract's clocks.
    let no_sla = Vec::new();
    let sla = data.sla.get(cid).unwrap_or(&no_sla);
    let mut times = Vec::new();
    let mut med = [Vec::new(), Vec::new()];
    let mut p90 = [Vec::new(), Vec::new()];
    for p in PRIORITIES {
        let settled = |m: &str| -> Vec<i64> {
            let mut v: Vec<i64> = sla
                .iter()
                .filter(|s| {
                    s.priority == p && s.metric == m && (s.state == "met" || s.state == "breached")
                })
                .filter_map(|s| s.elapsed)
                .collect();
            v.sort_unstable();
            v
        };
        let fr = settled("first_response");
        let rs = settled("resolution");
        if fr.is_empty() && rs.is_empty() {
            for k in 0..2 {
                med[k].push(None);
                p90[k].push(None);
            }
            continue;
        }
        for (k, v) in [&fr, &rs].iter().enumerate() {
            med[k].push(percentile(v, 50.0).map(|s| s as f64 / 3600.0));
            p90[k].push(percentile(v, 90.0).map(|s| s as f64 / 3600.0));
        }
        times.push(TimesRow {
            priority: p.to_string(),
            first_response_n: fr.len(),
            first_response_median: duration(percentile(&fr, 50.0)),
            first_response_p90: duration(percentile(&fr, 90.0)),
            resolution_n: rs.len(),
            resolution_median: duration(percentile(&rs, 50.0)),
            resolution_p90: duration(percentile(&rs, 90.0)),
        });
    }

    // Breaches, for the audit appendix.
    let metric_order = |m: &str| METRICS.iter().position(|x| *x == m).unwrap_or(9);
    let mut breached: Vec<&SlaTicket> = sla.iter().filter(|s| s.state == "breached").collect();
    breached.sort_by(|a, b| {
        (a.ticket_id.as_str(), metric_order(&a.metric))
            .cmp(&(b.ticket_id.as_str(), metric_order(&b.metric)))
    });
    let breaches: Vec<BreachRow> = breached
        .into_iter()
        .map(|s| BreachRow {
            ticket_id: s.ticket_id.clone(),
            priority: s.priority.clone(),
            metric: metric_label(&s.metric).to_string(),
            target: duration(s.target),
            elapsed: duration(s.elapsed),
            over_by: duration(s.elapsed.zip(s.target).map(|(e, t)| e - t)),
            clock: if s.clock == "business" {
                format!("business ({})", s.calendar)
            } else {
                s.clock.clone()
            },
            breached_at: t::local(&tz, s.breached_at),
            subject: data
                .ticket_text
                .get(&s.ticket_id)
                .map(|x| x.2.clone())
                .unwrap_or_default(),
            engineer: engineer(
                data.solver
                    .get(&s.ticket_id)
                    .map(String::as_str)
                    .unwrap_or(""),
            ),
        })
        .collect();

    // Satisfaction.
    let g = &opts.goals.csat;
    let csat = data.csat.get(customer).map(|c| CsatView {
        responses: c.responses,
        satisfied: pct(c.satisfied_pct),
        satisfied_interval: format!("{} – {}", pct(c.satisfied_low), pct(c.satisfied_high)),
        very_satisfied: pct(c.very_satisfied_pct),
        very_satisfied_interval: format!(
            "{} – {}",
            pct(c.very_satisfied_low),
            pct(c.very_satisfied_high)
        ),
        too_few: c.too_few,
        response_rate: pct(c.response_rate_pct),
        solved_tickets: c.solved_tickets,
        satisfied_goal: format!("{}%", trim(g.satisfied_or_better_pct)),
        very_satisfied_goal: format!("{}%", trim(g.very_satisfied_pct)),
    });
    let fcr = data
        .fcr
        .get(customer)
        .map(|&(n, one, solved, reopened)| FcrView {
            fcr: pct((n > 0).then(|| 100.0 * one as f64 / n as f64)),
            fcr_basis: format!("{one} of {n} tickets"),
            reopen: pct((solved > 0).then(|| 100.0 * reopened as f64 / solved as f64)),
            reopen_basis: format!("{reopened} of {solved} tickets"),
        });
    let no_ratings = BTreeMap::new();
    let rating_counts = data.ratings.get(customer).unwrap_or(&no_ratings);
    let rated: i64 = rating_counts.values().sum();
    let ratings: Vec<Count> = (1..=5)
        .map(|r| {
            let n = rating_counts.get(&r).copied().unwrap_or(0);
            Count {
                label: r.to_string(),
                tickets: n,
                share: pct((rated > 0).then(|| 100.0 * n as f64 / rated as f64)),
            }
        })
        .collect();

    // Charts.
    let mut charts = BTreeMap::new();
    let sla_series: Vec<Series> = METRICS
        .iter()
        .map(|m| {
            Series::new(
                metric_label(m),
                PRIORITIES
                    .iter()
                    .map(|p| {
                        cp.commitments
                            .iter()
                            .find(|c| c.priority == *p && c.metric == *m)
                            .and_then(|c| c.compliance_pct)
                    })
                    .collect(),
            )
        })
        .collect();
    let marks: Vec<Vec<Option<f64>>> = METRICS
        .iter()
        .map(|m| {
            PRIORITIES
                .iter()
                .map(|p| {
                    cp.commitments
                        .iter()
                        .find(|c| c.priority == *p && c.metric == *m)
                        .map(|c| c.commitment_pct)
                })
                .collect()
        })
        .collect();
    let title = format!("SLA compliance by priority, {period}");
    charts.insert(
        "sla".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: "% of decided tickets met".into(),
                categories: PRIORITIES.iter().map(|s| s.to_string()).collect(),
                series: sla_series,
                markers: Some(("commitment".into(), marks)),
                goal: None,
                y_max: Some(100.0),
                value_labels: Some(1),
            }),
            chart_dir,
            "sla_compliance",
        ),
    );
    let title = "Compliance over the last four quarters".to_string();
    charts.insert(
        "trend".to_string(),
        chart_view(
            &title,
            chart::lines(&chart::Lines {
                title: title.clone(),
                y_label: "% met, all priorities".into(),
                points: period_list.clone(),
                series: trend_series,
                goal: None,
                y_max: Some(100.0),
                label_every: 1,
            }),
            chart_dir,
            "trend",
        ),
    );
    let title = format!("Tickets in and out per week (week from Monday), {period}");
    charts.insert(
        "weekly".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: "tickets".into(),
                categories: weeks.iter().map(|w| w.week.clone()).collect(),
                series: vec![
                    Series::new(
                        "created",
                        weeks.iter().map(|w| Some(w.inflow as f64)).collect(),
                    ),
                    Series::new(
                        "solved",
                        weeks.iter().map(|w| Some(w.outflow as f64)).collect(),
                    ),
                ],
                markers: None,
                goal: None,
                y_max: None,
                value_labels: None,
            }),
            chart_dir,
            "weekly_flow",
        ),
    );
    let title = format!("Open tickets at the end of each day, {period}");
    charts.insert(
        "backlog".to_string(),
        chart_view(
            &title,
            chart::lines(&chart::Lines {
                title: title.clone(),
                y_label: "open tickets".into(),
                points: day_labels,
                series: vec![Series::new("open tickets", backlog)],
                goal: None,
                y_max: None,
                label_every: 14,
            }),
            chart_dir,
            "backlog",
        ),
    );
    for (k, (name, label)) in [
        ("first_response", "First response"),
        ("resolution", "Resolution"),
    ]
    .iter()
    .enumerate()
    {
        let title = format!("{label} times by priority (hours on the contract clock)");
        charts.insert(
            format!("times_{name}"),
            chart_view(
                &title,
                chart::bars(&chart::Bars {
                    title: title.clone(),
                    y_label: "hours".into(),
                    categories: PRIORITIES.iter().map(|s| s.to_string()).collect(),
                    series: vec![
                        Series::new("median", med[k].clone()),
                        Series::new("90th percentile", p90[k].clone()),
                    ],
                    markers: None,
                    goal: None,
                    y_max: None,
                    value_labels: Some(1),
                }),
                chart_dir,
                &format!("times_{name}"),
            ),
        );
    }
    let title = format!("Survey ratings, {period}");
    charts.insert(
        "ratings".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: "surveys".into(),
                categories: (1..=5).map(|r| format!("rating {r}")).collect(),
                series: vec![Series::new(
                    "surveys",
                    ratings.iter().map(|c| Some(c.tickets as f64)).collect(),
                )],
                markers: None,
                goal: None,
                y_max: None,
                value_labels: Some(0),
            }),
            chart_dir,
            "ratings",
        ),
    );

    let mut doc = doc_info(opts, run);
    doc.as_of = t::local(&tz, Some(run.as_of_secs));
    doc.times_in = tz.name().to_string();
    let mut comments = data.comments.get(customer).cloned().unwrap_or_default();
    for c in &mut comments {
        c.responded = t::local(&tz, c.at);
    }
    let mut open = data.open.get(customer).cloned().unwrap_or_default();
    for o in &mut open {
        o.created = t::local(&tz, o.created_at);
    }
    Ok(CustomerReview {
        doc,
        contract: contract_view(cp),
        trend,
        by_priority,
        by_channel: counts_view(by_channel, total, 10),
        by_product: counts_view(by_product, total, 10),
        weeks,
        times,
        csat,
        fcr,
        ratings,
        comments,
        aging: aging_rows(data.aging.get(customer)),
        open,
        notes: r.notes.clone(),
        breaches,
        definitions: DEFINITIONS.to_vec(),
        files: files.to_vec(),
        show_engineers: opts.show_engineers,
        charts,
        chart_dir: chart_dir.to_string(),
        priorities: PRIORITIES.to_vec(),
        metrics: METRICS.to_vec(),
    })
}

/// `solver`: ticket id -> engineer at the first solve (read once for all documents).
fn team_review(
    opts: &Options,
    run: &RunInfo,
    tables: &Path,
    names: &BTreeMap<String, String>,
    solver: &BTreeMap<String, String>,
) -> Result<TeamReview> {
    let period = opts.report.label();
    let sc = read(tables, "goal_scorecard", Some(of_period(&period)))?;
    let goal = t::text(&sc, "goal")?;
    let desc = t::text(&sc, "description")?;
    let figure = t::floats(&sc, "figure")?;
    let goal_value = t::floats(&sc, "goal_value")?;
    let direction = t::text(&sc, "direction")?;
    let status = t::text(&sc, "status")?;
    let detail = t::text(&sc, "detail")?;
    let too_few = t::bools(&sc, "too_few")?;
    let previous = t::floats(&sc, "previous_figure")?;
    let change = t::floats(&sc, "change")?;
    let order = t::counts(&sc, "goal_order")?;
    let mut idx: Vec<usize> = (0..sc.height()).collect();
    idx.sort_by_key(|&i| order[i]);
    let fmt_fig = |g: &str, v: Option<f64>| -> String {
        match v {
            None => "–".into(),
            Some(v) if g.ends_with("_pct") || g.starts_with("fcr") => pct(Some(v)),
            Some(v) if g.ends_with("_hours") => duration(Some((v * 3600.0).round() as i64)),
            Some(v) => format!("{v:.2}"),
        }
    };
    let scorecard = idx
        .into_iter()
        .map(|i| ScoreRow {
            goal: goal[i].clone(),
            description: desc[i].clone(),
            figure: fmt_fig(&goal[i], figure[i]),
            goal_value: fmt_fig(&goal[i], goal_value[i]),
            direction: direction[i].clone(),
            // The table's code `no_data` is printed "no data", as the documents always have.
            status: status[i].replace('_', " "),
            previous: fmt_fig(&goal[i], previous[i]),
            change: match change[i] {
                None => "–".into(),
                Some(c) if goal[i].ends_with("_pct") || goal[i].starts_with("fcr") => {
                    format!("{c:+.1} pt")
                }
                Some(c) if goal[i].ends_with("_hours") => format!("{c:+.1} h"),
                Some(c) => format!("{c:+.2}"),
            },
            detail: detail[i].clone(),
            too_few: too_few[i].unwrap_or(false),
        })
        .collect();

    let bt = read(tables, "backlog_trend", Some(of_period(&period)))?;
    let b_date = t::text(&bt, "date")?;
    let b_backlog = t::counts(&bt, "backlog")?;
    let b_in = t::counts(&bt, "inflow")?;
    let b_out = t::counts(&bt, "outflow")?;
    let labels: Vec<String> = b_date
        .iter()
        .map(|d| d.get(5..).unwrap_or(d).to_string())
        .collect();
    let mut charts = BTreeMap::new();
    let chart_dir = "team_review".to_string();
    let title = format!("Backlog, inflow and outflow per day, {period}");
    charts.insert(
        "backlog".to_string(),
        chart_view(
            &title,
            chart::lines(&chart::Lines {
                title: title.clone(),
                y_label: "tickets".into(),
                points: labels,
                series: vec![
                    Series::new(
                        "open at day's end",
                        b_backlog.iter().map(|v| Some(*v as f64)).collect(),
                    ),
                    Series::new("created", b_in.iter().map(|v| Some(*v as f64)).collect()),
                    Series::new("solved", b_out.iter().map(|v| Some(*v as f64)).collect()),
                ],
                goal: None,
                y_max: None,
                label_every: 14,
            }),
            &chart_dir,
            "backlog",
        ),
    );

    // The team's aging: every customer's buckets added up.
    let mut aging: BTreeMap<(i64, String), [i64; 4]> = BTreeMap::new();
    for buckets in read_aging(tables, &period)?.into_values() {
        for (bucket, counts) in buckets {
            let e = aging.entry(bucket).or_default();
            for (a, b) in e.iter_mut().zip(counts) {
                *a += b;
            }
        }
    }

    let el = read(tables, "engineer_load", Some(of_period(&period)))?;
    let e_id = t::text(&el, "engineer_id")?;
    let e_wd = t::counts(&el, "working_days")?;
    let e_solved = t::counts(&el, "solved")?;
    let e_spd = t::floats(&el, "solved_per_working_day")?;
    let e_spd_ok = t::bools(&el, "solved_goal_met")?;
    let e_bl = t::floats(&el, "avg_backlog")?;
    let e_bl_ok = t::bools(&el, "backlog_goal_met")?;
    let e_sd = t::counts(&el, "system_down_over_goal")?;
    let e_kb = t::floats(&el, "kb_per_week")?;
    let e_kb_ok = t::bools(&el, "kb_goal_met")?;
    let e_csat = t::floats(&el, "csat_satisfied_pct")?;
    let e_resp = t::counts(&el, "csat_responses")?;
    let f2 = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
    let engineers: Vec<EngineerRow> = (0..el.height())
        .map(|i| EngineerRow {
            engineer_id: e_id[i].clone(),
            name: names.get(&e_id[i]).cloned().unwrap_or_default(),
            working_days: e_wd[i],
            solved: e_solved[i],
            solved_per_working_day: f2(e_spd[i]),
            solved_goal_met: status_class(e_spd_ok[i]),
            avg_backlog: f2(e_bl[i]),
            backlog_goal_met: status_class(e_bl_ok[i]),
            system_down_over_goal: e_sd[i],
            kb_per_week: f2(e_kb[i]),
            kb_goal_met: status_class(e_kb_ok[i]),
            csat: pct(e_csat[i]),
            csat_responses: e_resp[i],
        })
        .collect();
    let goal_backlog = opts.goals.engineer.max_avg_backlog;
    let title = format!("Average backlog per engineer, {period}");
    charts.insert(
        "engineer_backlog".to_string(),
        chart_view(
            &title,
            chart::hbars(&chart::HBars {
                title: title.clone(),
                x_label: "average open tickets per day".into(),
                labels: (0..el.height())
                    .map(|i| engineer_label(names, &e_id[i]))
                    .collect(),
                values: e_bl.iter().map(|v| v.unwrap_or(0.0)).collect(),
                goal: Some(Goal {
                    label: format!("goal: at most {}", trim(goal_backlog)),
                    value: goal_backlog,
                }),
            }),
            &chart_dir,
            "engineer_backlog",
        ),
    );

    let sl = read(tables, "sla_compliance", Some(of_period(&period)))?;
    let s_p = t::text(&sl, "priority")?;
    let s_m = t::text(&sl, "metric")?;
    let s_n = t::counts(&sl, "tickets")?;
    let s_met = t::counts(&sl, "met")?;
    let s_br = t::counts(&sl, "breached")?;
    let s_ip = t::counts(&sl, "in_progress")?;
    let s_na = t::counts(&sl, "not_applicable")?;
    let mut pooled: BTreeMap<(usize, usize), [i64; 5]> = BTreeMap::new();
    for i in 0..sl.height() {
        let (Some(p), Some(m)) = (
            priority_index(&s_p[i]),
            METRICS.iter().position(|x| *x == s_m[i]),
        ) else {
            continue;
        };
        let e = pooled.entry((p, m)).or_default();
        e[0] += s_n[i];
        e[1] += s_met[i];
        e[2] += s_br[i];
        e[3] += s_ip[i];
        e[4] += s_na[i];
    }
    let comp = |e: &[i64; 5]| (e[1] + e[2] > 0).then(|| 100.0 * e[1] as f64 / (e[1] + e[2]) as f64);
    let sla: Vec<SlaRow> = pooled
        .iter()
        .map(|(&(p, m), e)| SlaRow {
            priority: PRIORITIES[p].to_string(),
            metric: metric_label(METRICS[m]).to_string(),
            tickets: e[0],
            met: e[1],
            breached: e[2],
            in_progress: e[3],
            not_applicable: e[4],
            compliance: pct(comp(e)),
        })
        .collect();
    let g = &opts.goals.sla;
    let team_goal = |m: usize| match m {
        0 => Some(g.first_response_met_pct),
        1 => Some(g.update_met_pct),
        _ => None,
    };
    let title = format!("SLA compliance by priority, all customers, {period}");
    charts.insert(
        "sla".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: "% of decided tickets met".into(),
                categories: PRIORITIES.iter().map(|s| s.to_string()).collect(),
                series: (0..3)
                    .map(|m| {
                        Series::new(
                            metric_label(METRICS[m]),
                            (0..4).map(|p| pooled.get(&(p, m)).and_then(comp)).collect(),
                        )
                    })
                    .collect(),
                markers: Some((
                    "team goal".into(),
                    (0..3).map(|m| vec![team_goal(m); 4]).collect(),
                )),
                goal: None,
                y_max: Some(100.0),
                value_labels: Some(1),
            }),
            &chart_dir,
            "sla_compliance",
        ),
    );

    let sd = read(
        tables,
        "ticket_sla",
        Some(of_period(&period).and(col("metric").eq(lit("system_down")))),
    )?;
    let d_t = t::text(&sd, "ticket_id")?;
    let d_c = t::text(&sd, "customer_id")?;
    let d_p = t::text(&sd, "priority")?;
    let d_e = t::ints(&sd, "elapsed_seconds")?;
    let d_s = t::text(&sd, "state")?;
    let d_b = t::instants(&sd, "breached_at")?;
    let mut system_down: Vec<SystemDownRow> = (0..sd.height())
        .map(|i| SystemDownRow {
            ticket_id: d_t[i].clone(),
            customer_id: d_c[i].clone(),
            priority: d_p[i].clone(),
            elapsed: duration(d_e[i]),
            state: d_s[i].replace('_', " "),
            breached_at: t::local(&run.tz, d_b[i]),
            engineer: solver.get(&d_t[i]).cloned().unwrap_or_default(),
        })
        .collect();
    system_down.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id));

    Ok(TeamReview {
        doc: doc_info(opts, run),
        scorecard,
        aging: aging_rows(Some(&aging)),
        engineers,
        sla,
        system_down,
        backlog_goal: trim(goal_backlog),
        charts,
        chart_dir,
        priorities: PRIORITIES.to_vec(),
        definitions: DEFINITIONS.to_vec(),
    })
}

/// `Name (E001)`, the id alone without a name, nothing for no one.
fn engineer_label(names: &BTreeMap<String, String>, id: &str) -> String {
    match names.get(id) {
        _ if id.is_empty() => String::new(),
        Some(n) if !n.is_empty() => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}

fn status_class(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "ok",
        Some(false) => "bad",
        None => "",
    }
}

fn manifest_files(lake: &Path) -> Result<Vec<FileView>> {
    let path = lake.join(crate::ingest::lake::MANIFEST);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not the manifest JSON", path.display()))?;
    let s = |f: &serde_json::Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    let n = |f: &serde_json::Value, k: &str| f[k].as_u64().unwrap_or(0);
    let mut out: Vec<FileView> = v["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| FileView {
                    file: s(f, "file"),
                    table: s(f, "table"),
                    rows_read: n(f, "rows_read"),
                    rows_accepted: n(f, "rows_accepted"),
                    rows_rejected: n(f, "rows_rejected"),
                    sha256: s(f, "sha256"),
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(cfg) = v["config_files"].as_array() {
        for f in cfg {
            out.push(FileView {
                file: s(f, "file"),
                table: "configuration".into(),
                rows_read: 0,
                rows_accepted: 0,
                rows_rejected: 0,
                sha256: s(f, "sha256"),
            });
        }
    }
    Ok(out)
}

fn engineer_names(lake: &Path) -> Result<BTreeMap<String, String>> {
    if !lake.join("engineers.parquet").exists() {
        return Ok(BTreeMap::new());
    }
    let df = read(lake, "engineers", None)?;
    let ids = t::text(&df, "engineer_id")?;
    let names = if df.column("name").is_ok() {
        t::text(&df, "name")?
    } else {
        vec![String::new(); df.height()]
    };
    Ok(ids.into_iter().zip(names).collect())
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write `{}`", path.display()))
}

fn write_charts(dir: &Path, charts: &BTreeMap<String, ChartView>) -> Result<()> {
    for c in charts.values() {
        write(&dir.join(&c.file), &c.svg)?;
    }
    Ok(())
}

/// Builds and writes every document of the report period; also writes the `renewal_notes`
/// and `portfolio` tables beside the metric tables.
pub fn write_all(opts: &Options) -> Result<Written> {
    let started = std::time::Instant::now();
    let tables = opts.out.join("tables");
    let lake = opts.out.join("lake");
    let period = opts.report.label();
    let dir = opts.out.join("reports").join(&period);
    let run = run_info(&tables)?;
    let env = super::environment();

    let all = contract::load(&tables)?;
    let csat = contract::load_csat(&tables, &period, "customer")?;
    let contracts = contract::load_contract_dates(&lake)?;
    let ranked = contract::rank(
        &all,
        opts.report,
        &csat,
        opts.goals.csat.satisfied_or_better_pct,
        &contracts,
    );
    let (mut notes_df, mut portfolio_df) = contract::tables(&ranked)?;
    crate::clock::write_table(&tables, "renewal_notes", &mut notes_df)?;
    crate::clock::write_table(&tables, "portfolio", &mut portfolio_df)?;

    let names = engineer_names(&lake)?;
    let files = manifest_files(&lake)?;
    let data = load_customer_data(&tables, &lake, &period, &names, opts.show_engineers, csat)?;
    tracing::info!("documents: tables read: {:.2?}", started.elapsed());

    // A fresh folder each run: no document of an earlier run is left to be mistaken for this
    // one's.
    // `dir` is new: `run` writes into a staging folder and swaps the whole period folder in
    // (src/output.rs), so nothing is cleared here.
    let mut written = Written {
        dir: dir.clone(),
        tables: vec![
            ("renewal_notes".into(), notes_df.height()),
            ("portfolio".into(), portfolio_df.height()),
        ],
        ..Default::default()
    };
    let customers_dir = dir.join("customers");
    let mut links = BTreeMap::new();
    for r in &ranked {
        let cp = &r.contract;
        let name = safe_name(&cp.contract_id);
        let history: Vec<&ContractPeriod> = all
            .iter()
            .filter(|h| h.customer_id == cp.customer_id && h.period <= period)
            .collect();
        // Instants in the zone of the contract's calendar (the customer's office hours), else
        // the reporting zone.
        let tz = contracts
            .iter()
            .find(|c| c.contract_id == cp.contract_id)
            .filter(|c| c.calendar_id != crate::model::config::CALENDAR_24X7)
            .and_then(|c| opts.calendars.get(&c.calendar_id))
            .map(|c| c.tz)
            .unwrap_or(run.tz);
        let view = customer_review(opts, &run, r, &history, &data, &files, &names, &name, tz)?;
        let html = env
            .get_template("customer_review.html.j2")?
            .render(minijinja::context! { r => minijinja::Value::from_serialize(&view) })?;
        let md = env
            .get_template("customer_review.md.j2")?
            .render(minijinja::context! { r => minijinja::Value::from_serialize(&view) })?;
        let html_path = customers_dir.join(format!("{name}.html"));
        write(&html_path, &html)?;
        write(&customers_dir.join(format!("{name}.md")), &md)?;
        write_charts(&customers_dir, &view.charts)?;
        links.insert(cp.contract_id.clone(), format!("customers/{name}.html"));
        written.customer_reviews.push(html_path);
    }

    let team = team_review(opts, &run, &tables, &names, &data.solver)?;
    let html = env
        .get_template("team_review.html.j2")?
        .render(minijinja::context! { r => minijinja::Value::from_serialize(&team) })?;
    let md = env
        .get_template("team_review.md.j2")?
        .render(minijinja::context! { r => minijinja::Value::from_serialize(&team) })?;
    written.team_review = dir.join("team_review.html");
    write(&written.team_review, &html)?;
    write(&dir.join("team_review.md"), &md)?;
    write_charts(&dir, &team.charts)?;

    let mut credits: BTreeMap<String, f64> = BTreeMap::new();
    for r in &ranked {
        *credits.entry(r.contract.currency.clone()).or_default() += r.contract.credit_amount;
    }
    let portfolio = PortfolioView {
        doc: doc_info(opts, &run),
        rows: ranked
            .iter()
            .map(|r| {
                let cp = &r.contract;
                PortfolioRow {
                    rank: r.rank,
                    risk_score: r.risk_score,
                    contract_id: cp.contract_id.clone(),
                    customer_name: cp.customer_name.clone(),
                    plan: cp.plan.clone(),
                    kept: cp.kept,
                    missed: cp.missed,
                    no_tickets: cp.no_tickets,
                    credit: money(Some(cp.credit_amount), &cp.currency),
                    credit_due: cp.credit_amount > 0.0,
                    csat: pct(r.csat.as_ref().and_then(|c| c.satisfied_pct)),
                    csat_below_goal: r.notes.iter().any(|n| n.kind == "csat_below_goal"),
                    tickets: match cp.included_cases {
                        Some(inc) => format!("{} / {}", cp.tickets_created, inc),
                        None => format!("{} / unlimited", cp.tickets_created),
                    },
                    renewal_date: cp.renewal_date.clone(),
                    notes: r.notes.clone(),
                    link: links.get(&cp.contract_id).cloned().unwrap_or_default(),
                }
            })
            .collect(),
        credits: credits.iter().map(|(c, a)| money(Some(*a), c)).collect(),
    };
    let html = env
        .get_template("portfolio.html.j2")?
        .render(minijinja::context! { r => minijinja::Value::from_serialize(&portfolio) })?;
    let md = env
        .get_template("portfolio.md.j2")?
        .render(minijinja::context! { r => minijinja::Value::from_serialize(&portfolio) })?;
    written.portfolio = dir.join("portfolio.html");
    write(&written.portfolio, &html)?;
    write(&dir.join("portfolio.md"), &md)?;

    tracing::info!(
        "documents: {} customer reviews, team review and portfolio written: {:.2?}",
        written.customer_reviews.len(),
        started.elapsed()
    );
    if opts.pdf {
        let mut docs = vec![written.portfolio.clone(), written.team_review.clone()];
        docs.extend(written.customer_reviews.iter().cloned());
        written.pdf = Some(super::pdf::print_all(&docs, &dir.join("pdf")));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_count_lists_end_in_one_other_row() {
        let map: BTreeMap<String, i64> = (1..=12).map(|i| (format!("c{i:02}"), i)).collect();
        let total: i64 = map.values().sum(); // 78
        let v = counts_view(map.clone(), total, 10);
        assert_eq!(v.len(), 10);
        assert_eq!((v[0].label.as_str(), v[0].tickets), ("c12", 12));
        // c12..c04 are listed; c03, c02, c01 (3 + 2 + 1) become one row.
        assert_eq!(
            (v[9].label.as_str(), v[9].tickets, v[9].share.as_str()),
            ("other (3 values)", 6, "7.7%")
        );
        assert_eq!(v.iter().map(|c| c.tickets).sum::<i64>(), total);
        // Short lists are untouched.
        assert_eq!(counts_view(map, total, usize::MAX).len(), 12);
    }
}
