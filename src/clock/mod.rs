//! The clock engine: from the lake's tickets, events, contracts and targets to the three
//! ticket-level tables of `metrics.md` ("Output tables"): `ticket_sla`, `update_windows` and
//! `ticket_facts`.
//!
//! Three stages, timed separately by the benchmark:
//! 1. `prepare`: columns out of polars into plain vectors; events grouped by ticket (a stable
//!    counting sort, so same-instant events keep file order), contracts and targets resolved per
//!    ticket, one business-time table per calendar over the data's days.
//! 2. `compute`: `engine::ticket_clocks` for every ticket, in parallel with rayon. It is pure,
//!    so the order of work cannot change a result.
//! 3. `tables`: the results as DataFrames (ids gathered by index, timestamps as UTC datetimes),
//!    written as Parquet and CSV (through the store) by `write_tables`.
//!
//! Tickets created after as_of do not exist yet and get no rows; events after as_of are ignored
//! ("nothing after as_of exists").

pub mod arith;
pub mod calendar;
pub mod engine;

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use crate::model::config::{Calendar, Goals, CALENDAR_24X7};
use crate::model::{days_from_epoch, Priority, Status};
use crate::period::{local_date, Quarter};
use crate::store::{self, StoreError};

/// Why the clocks cannot run: the lake does not hold what ingest writes, or an instant lies
/// outside what the clocks accept. The lake is written by ingest, so the fix is there.
#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("`lake`: {message}")]
    Lake { message: String, hint: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
}

impl crate::error::Hint for ClockError {
    fn hint(&self) -> Option<String> {
        match self {
            ClockError::Lake { hint, .. } => Some(hint.to_string()),
            ClockError::Store(e) => crate::error::Hint::hint(e),
            ClockError::Polars(_) => None,
        }
    }
}

pub use calendar::BusinessTime;
pub use engine::{ticket_clocks, Event, EventKind, Metric, Rules, State, TicketIn, TicketOut};
use engine::{Target, Targets, NOBODY};

/// The lake tables the clocks read.
pub struct ClockInputs {
    pub tickets: DataFrame,
    pub events: DataFrame,
    pub contracts: DataFrame,
    pub sla_targets: DataFrame,
}

impl ClockInputs {
    /// Reads the four tables from a lake folder written by `slareview ingest`.
    pub fn read_lake(lake: &Path) -> Result<ClockInputs, ClockError> {
        let read = |name: &str| -> Result<DataFrame, StoreError> {
            store::read_parquet(&lake.join(format!("{name}.parquet")))
        };
        Ok(ClockInputs {
            tickets: read("tickets")?,
            events: read("ticket_events")?,
            contracts: read("contracts")?,
            sla_targets: read("sla_targets")?,
        })
    }
}

/// A contract as the clocks need it.
pub(crate) struct ContractRef {
    id: String,
    customer: String,
    start: i32,
    end: i32,
    targets: Targets,
}

/// Everything `compute` needs, out of polars.
pub struct Prepared {
    pub as_of: i64,
    pub(crate) tickets: DataFrame,
    /// Lake rows of tickets that exist at as_of, in lake order.
    pub(crate) rows: Vec<u32>,
    pub(crate) created: Vec<i64>,
    pub(crate) priority: Vec<Priority>,
    pub(crate) system_down: Vec<bool>,
    pub(crate) status: Vec<Status>,
    pub(crate) assignee: Vec<u32>,
    pub(crate) contract: Vec<Option<u32>>,
    pub(crate) period: Vec<u16>,
    /// Events of ticket `k` (in `rows` order) are `events[offsets[k]..offsets[k + 1]]`.
    pub(crate) offsets: Vec<usize>,
    pub(crate) events: Vec<Event>,
    pub(crate) contracts: Vec<ContractRef>,
    pub(crate) engineers: Vec<String>,
    pub(crate) periods: Vec<String>,
    pub(crate) calendars: Vec<BusinessTime>,
    pub(crate) always: u32,
    pub(crate) system_down_target: i64,
    pub(crate) reopen_window: i64,
}

impl Prepared {
    pub fn tickets(&self) -> usize {
        self.rows.len()
    }
    pub fn events(&self) -> usize {
        self.events.len()
    }
    pub fn rules(&self) -> Rules<'_> {
        Rules {
            as_of: self.as_of,
            system_down_target: self.system_down_target,
            reopen_window: self.reopen_window,
            calendars: &self.calendars,
            always: self.always,
        }
    }
    /// The business-time table of calendar `id`, as built for this run.
    pub fn business_time(&self, id: &str) -> Option<&BusinessTime> {
        self.calendars.iter().find(|c| c.id() == id)
    }
    /// The contract ticket `k` falls in (its created_at inside the contract's dates).
    pub fn contract_id(&self, k: usize) -> Option<&str> {
        self.contract[k].map(|c| self.contracts[c as usize].id.as_str())
    }
    /// The period (quarter of created_at) of ticket `k`.
    pub fn period_of(&self, k: usize) -> &str {
        &self.periods[self.period[k] as usize]
    }
    /// An engineer's id by the number events and tickets use; `None` for `NOBODY`.
    pub fn engineer_id(&self, e: u32) -> Option<&str> {
        (e != NOBODY).then(|| self.engineers[e as usize].as_str())
    }
    /// Ticket number by ticket id, for tickets that exist at as_of.
    pub fn ticket_numbers(&self) -> PolarsResult<FxHashMap<&str, usize>> {
        let ids = strs(str_col(&self.tickets, "ticket_id")?);
        let mut out = FxHashMap::default();
        out.reserve(self.rows.len());
        for (k, &r) in self.rows.iter().enumerate() {
            if let Some(id) = ids[r as usize] {
                out.insert(id, k);
            }
        }
        Ok(out)
    }
    /// The clock input of ticket `k`.
    pub fn ticket(&self, k: usize) -> TicketIn<'_> {
        TicketIn {
            created: self.created[k],
            priority_filed: self.priority[k],
            system_down: self.system_down[k],
            export_status: self.status[k],
            export_assignee: self.assignee[k],
            targets: self.contract[k].map(|c| &self.contracts[c as usize].targets),
            events: &self.events[self.offsets[k]..self.offsets[k + 1]],
        }
    }
}

pub(crate) fn str_col<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<&'a StringChunked> {
    df.column(name)?.str()
}

/// A text column as a vector, read in one sequential pass.
pub(crate) fn strs(ca: &StringChunked) -> Vec<Option<&str>> {
    ca.iter().collect()
}

/// A datetime column as its physical UTC milliseconds (Int64).
fn utc_millis(df: &DataFrame, name: &str) -> PolarsResult<Series> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Datetime(
            TimeUnit::Milliseconds,
            Some(TimeZone::UTC),
        ))?;
    Ok(s.to_physical_repr().into_owned())
}

/// A datetime column as whole UTC seconds.
pub(crate) fn secs_col(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(utc_millis(df, name)?
        .i64()?
        .iter()
        .map(|v| v.map(|ms| ms.div_euclid(1000)))
        .collect())
}

/// A date column as days since the epoch.
pub(crate) fn days_col(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i32>>> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Date)?;
    let phys = s.to_physical_repr();
    Ok(phys.i32()?.iter().collect())
}

fn bad(message: String) -> ClockError {
    ClockError::Lake {
        message,
        hint: "the lake is written by `slareview ingest`; ingest the exports again",
    }
}

/// Interns engineer ids.
#[derive(Default)]
struct Engineers {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Engineers {
    fn get(&mut self, id: Option<&str>) -> u32 {
        let Some(id) = id.filter(|s| !s.is_empty()) else {
            return NOBODY;
        };
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(id.to_string());
        self.index.insert(id.to_string(), i);
        i
    }
}

/// Resolves each contract's targets: its plan's rows, then its own rows over them.
fn contract_targets(
    inputs: &ClockInputs,
    calendars: &BTreeMap<String, Calendar>,
    cal_index: &HashMap<String, u32>,
    always: u32,
) -> Result<Vec<ContractRef>, ClockError> {
    let c = &inputs.contracts;
    let ids = str_col(c, "contract_id")?;
    let customers = str_col(c, "customer_id")?;
    let plans = str_col(c, "plan")?;
    let cal_ids = str_col(c, "calendar_id")?;
    let starts = days_col(c, "start_date")?;
    let ends = days_col(c, "end_date")?;

    let t = &inputs.sla_targets;
    let t_plan = str_col(t, "plan")?;
    let t_contract = str_col(t, "contract_id")?;
    let t_priority = str_col(t, "priority")?;
    let t_metric = str_col(t, "metric")?;
    let t_clock = str_col(t, "clock")?;
    let t_minutes = t
        .column("target_minutes")?
        .as_materialized_series()
        .cast(&DataType::Int64)?;
    let t_minutes = t_minutes.i64()?;

    let mut out = Vec::with_capacity(c.height());
    for i in 0..c.height() {
        let id = ids.get(i).unwrap_or_default();
        let cal_id = cal_ids.get(i).unwrap_or(CALENDAR_24X7);
        let Some(&business_cal) = cal_index.get(cal_id) else {
            return Err(bad(format!(
                "contract `{id}` names calendar `{cal_id}`, which calendars.toml does not define (known: {})",
                calendars.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        };
        let mut targets: Targets = Default::default();
        // Two passes: plan rows first, then this contract's own rows override them.
        for own in [false, true] {
            for r in 0..t.height() {
                let applies = match (own, t_contract.get(r)) {
                    (true, Some(cid)) => cid == id,
                    (false, None) => t_plan.get(r) == plans.get(i),
                    _ => false,
                };
                if !applies {
                    continue;
                }
                let (Some(p), Some(m), Some(minutes)) = (
                    t_priority.get(r).and_then(Priority::parse),
                    t_metric.get(r).and_then(Metric::parse),
                    t_minutes.get(r),
                ) else {
                    continue;
                };
                let business = t_clock.get(r) == Some("business");
                targets[m as usize][p as usize] = Some(Target {
                    seconds: arith::seconds(minutes, 60),
                    business,
                    calendar: if business { business_cal } else { always },
                });
            }
        }
        out.push(ContractRef {
            id: id.to_string(),
            customer: customers.get(i).unwrap_or_default().to_string(),
            start: starts[i].unwrap_or(i32::MAX),
            end: ends[i].unwrap_or(i32::MIN),
            targets,
        });
    }
    Ok(out)
}

/// Events of one slice of the events table, decoded.
struct EventSlice {
    ticket: Vec<u32>,
    events: Vec<Event>,
    /// Engineer ids of this slice: `EventKind::Assign` holds an index into it.
    engineers: Vec<String>,
}

/// Reads the lake's canonical spellings fast, and anything else through the full parsers.
fn status_of(s: &str) -> Option<Status> {
    Some(match s {
        "new" => Status::New,
        "open" => Status::Open,
        "pending" => Status::Pending,
        "on_hold" => Status::OnHold,
        "solved" => Status::Solved,
        "closed" => Status::Closed,
        _ => return Status::parse(s),
    })
}

fn priority_of(s: &str) -> Option<Priority> {
    Some(match s {
        "P1" => Priority::P1,
        "P2" => Priority::P2,
        "P3" => Priority::P3,
        "P4" => Priority::P4,
        _ => return Priority::parse(s),
    })
}

/// Decodes a slice of `ticket_events`: events after as_of and of tickets that do not exist at
/// as_of are left out.
fn decode_events(
    e: &DataFrame,
    id_index: &FxHashMap<&str, u32>,
    as_of: i64,
) -> PolarsResult<EventSlice> {
    let tickets = str_col(e, "ticket_id")?;
    let at = utc_millis(e, "at")?;
    let at = at.i64()?;
    let kinds = str_col(e, "kind")?;
    let values = str_col(e, "value")?;
    let mut out = EventSlice {
        ticket: Vec::with_capacity(e.height()),
        events: Vec::with_capacity(e.height()),
        engineers: Vec::new(),
    };
    let mut local: FxHashMap<&str, u32> = FxHashMap::default();
    let mut last_id: Option<&str> = None;
    let mut last_k = u32::MAX;
    for (((tid, at), kind), value) in tickets
        .iter()
        .zip(at.iter())
        .zip(kinds.iter())
        .zip(values.iter())
    {
        let Some(at) = at.map(|ms| ms.div_euclid(1000)) else {
            continue;
        };
        if at > as_of {
            continue;
        }
        let k = if tid.is_some() && tid == last_id {
            last_k
        } else {
            let k = tid
                .and_then(|s| id_index.get(s).copied())
                .unwrap_or(u32::MAX);
            last_id = tid;
            last_k = k;
            k
        };
        if k == u32::MAX {
            continue;
        }
        let kind = match kind.unwrap_or_default() {
            "agent_reply" => EventKind::AgentReply,
            "customer_reply" => EventKind::CustomerReply,
            "internal_note" => EventKind::InternalNote,
            "status" => match value.and_then(status_of) {
                Some(s) => EventKind::Status(s),
                None => continue,
            },
            "priority" => match value.and_then(priority_of) {
                Some(p) => EventKind::Priority(p),
                None => continue,
            },
            "assign" => EventKind::Assign(match value.filter(|v| !v.is_empty()) {
                None => NOBODY,
                Some(v) => *local.entry(v).or_insert_with(|| {
                    out.engineers.push(v.to_string());
                    (out.engineers.len() - 1) as u32
                }),
            }),
            // review.md: an escalation is neither a reply nor a status change; no clock
            // starts or stops on it. Other kinds never reach the lake (ingest rejects them).
            "escalate" => continue,
            _ => continue,
        };
        out.ticket.push(k);
        out.events.push(Event { at, kind });
    }
    Ok(out)
}

/// Stage 1: the lake's columns as plain vectors, events grouped and ordered per ticket.
pub fn prepare(
    inputs: ClockInputs,
    calendars: &BTreeMap<String, Calendar>,
    goals: &Goals,
    as_of: i64,
) -> Result<Prepared, ClockError> {
    let reporting = goals.reporting_tz();
    check_instant("as_of", as_of)?;
    // Every calendar gets a number; `24x7` is always there, calendars.toml or not.
    let mut cal_ids: Vec<String> = calendars.keys().cloned().collect();
    if !calendars.contains_key(CALENDAR_24X7) {
        cal_ids.push(CALENDAR_24X7.to_string());
    }
    let cal_index: HashMap<String, u32> = cal_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i as u32))
        .collect();
    let always = cal_index[CALENDAR_24X7];
    let contracts = contract_targets(&inputs, calendars, &cal_index, always)?;

    let t = &inputs.tickets;
    // Sequential iteration: `ChunkedArray::get(i)` looks up the chunk on every call.
    let ids = strs(str_col(t, "ticket_id")?);
    let customers = strs(str_col(t, "customer_id")?);
    let created_all = secs_col(t, "created_at")?;
    let priorities = strs(str_col(t, "priority")?);
    let severities = strs(str_col(t, "severity")?);
    let statuses = strs(str_col(t, "status")?);
    let assignees = strs(str_col(t, "assignee_id")?);

    let mut engineers = Engineers::default();
    let mut by_customer: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, c) in contracts.iter().enumerate() {
        by_customer
            .entry(c.customer.as_str())
            .or_default()
            .push(i as u32);
    }

    let n_all = t.height();
    let mut rows = Vec::with_capacity(n_all);
    let mut created = Vec::with_capacity(n_all);
    let mut priority = Vec::with_capacity(n_all);
    let mut system_down = Vec::with_capacity(n_all);
    let mut status = Vec::with_capacity(n_all);
    let mut assignee = Vec::with_capacity(n_all);
    let mut contract = Vec::with_capacity(n_all);
    let mut period = Vec::with_capacity(n_all);
    let mut periods: Vec<String> = Vec::new();
    let mut period_index: HashMap<Quarter, u16> = HashMap::new();
    // Lake row -> ticket number (u32::MAX: does not exist at as_of).
    let mut ticket_of_row = vec![u32::MAX; n_all];

    for i in 0..n_all {
        let Some(c) = created_all[i] else {
            return Err(bad(format!("tickets row {i} has no created_at")));
        };
        if c > as_of {
            continue;
        }
        check_instant("a ticket's created_at", c)?;
        let p = priorities[i].and_then(priority_of).ok_or_else(|| {
            bad(format!(
                "ticket `{}` has no valid priority",
                ids[i].unwrap_or_default()
            ))
        })?;
        let st = statuses[i].and_then(status_of).ok_or_else(|| {
            bad(format!(
                "ticket `{}` has no valid status",
                ids[i].unwrap_or_default()
            ))
        })?;
        let day = local_date(&reporting, c);
        let days = days_from_epoch(day);
        let customer = customers[i].unwrap_or_default();
        let k = by_customer.get(customer).and_then(|list| {
            list.iter().copied().find(|&ci| {
                contracts[ci as usize].start <= days && days <= contracts[ci as usize].end
            })
        });
        let q = Quarter::containing(day);
        let pi = *period_index.entry(q).or_insert_with(|| {
            periods.push(q.label());
            (periods.len() - 1) as u16
        });
        ticket_of_row[i] = rows.len() as u32;
        rows.push(i as u32);
        created.push(c);
        priority.push(p);
        system_down.push(severities[i] == Some("system_down"));
        status.push(st);
        assignee.push(engineers.get(assignees[i]));
        contract.push(k);
        period.push(pi);
    }
    let n = rows.len();

    // Events: decoded in parallel slices, each finding its tickets through the ids (consecutive
    // events of one ticket, the usual export order, skip the lookup) and naming engineers by a
    // slice-local number that is mapped to the shared one afterwards.
    let mut id_index: FxHashMap<&str, u32> = FxHashMap::default();
    id_index.reserve(n_all);
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            id_index.insert(id, ticket_of_row[i]);
        }
    }
    // Same-instant events keep file order: the lake is in file order, but make sure.
    let mut e = inputs.events;
    if let Ok(col) = e.column("source_line") {
        let lines = col.as_materialized_series().cast(&DataType::Int64)?;
        let lines = lines.i64()?;
        if !lines.iter().zip(lines.iter().skip(1)).all(|(a, b)| a <= b) {
            e = e.sort(
                ["source_line"],
                SortMultipleOptions::default().with_maintain_order(true),
            )?;
        }
    }
    let slices = (rayon::current_num_threads() * 4).max(1);
    let h = e.height();
    let parts: Vec<EventSlice> = (0..slices)
        .into_par_iter()
        .map(|s| {
            let (a, b) = (h * s / slices, h * (s + 1) / slices);
            decode_events(&e.slice(a as i64, b - a), &id_index, as_of)
        })
        .collect::<PolarsResult<_>>()?;
    // Stable counting sort by ticket (slices in order keep file order), then a stable sort by
    // instant within each ticket.
    let mut counts = vec![0usize; n];
    for part in &parts {
        for &k in &part.ticket {
            counts[k as usize] += 1;
        }
    }
    let mut offsets = vec![0usize; n + 1];
    for k in 0..n {
        offsets[k + 1] = offsets[k] + counts[k];
    }
    let mut next = offsets.clone();
    let mut events = vec![
        Event {
            at: 0,
            kind: EventKind::InternalNote
        };
        offsets[n]
    ];
    for part in parts {
        let global: Vec<u32> = part
            .engineers
            .iter()
            .map(|name| engineers.get(Some(name)))
            .collect();
        for (mut x, k) in part.events.into_iter().zip(part.ticket) {
            if let EventKind::Assign(who) = &mut x.kind {
                if *who != NOBODY {
                    *who = global[*who as usize];
                }
            }
            events[next[k as usize]] = x;
            next[k as usize] += 1;
        }
    }
    {
        let mut rest: &mut [Event] = &mut events;
        let mut slices: Vec<&mut [Event]> = Vec::with_capacity(n);
        for k in 0..n {
            let (head, tail) = rest.split_at_mut(offsets[k + 1] - offsets[k]);
            slices.push(head);
            rest = tail;
        }
        slices.par_iter_mut().for_each(|s| {
            if !s.is_sorted_by_key(|e| e.at) {
                s.sort_by_key(|e| e.at);
            }
        });
    }

    // Business-time tables that keep the days the clocks ask about (each ticket's creation,
    // its events and as_of, with a margin for zones), and only the totals of the days between.
    let min_event = events.iter().map(|e| e.at).min().unwrap_or(as_of);
    check_instant("an event's instant", min_event)?;
    let runs = day_runs(
        created.iter().copied().chain(events.iter().map(|e| e.at)),
        as_of,
    );
    // Only calendars a business target measures on need a table; the others get an empty one.
    let mut used = vec![false; cal_ids.len()];
    for c in &contracts {
        for t in c.targets.iter().flatten().flatten() {
            used[t.calendar as usize] = true;
        }
    }
    let as_of_day = local_date(&chrono_tz::UTC, as_of);
    let calendars_vec: Vec<BusinessTime> = cal_ids
        .par_iter()
        .enumerate()
        .map(|(i, id)| match calendars.get(id) {
            Some(c) if used[i] => BusinessTime::for_days(c, &runs),
            Some(c) => BusinessTime::new(c, as_of_day, as_of_day),
            None => BusinessTime::always(),
        })
        .collect();
    for bt in &calendars_vec {
        tracing::debug!("business-time table `{}`: {:?}", bt.id(), bt.size());
    }

    Ok(Prepared {
        as_of,
        tickets: inputs.tickets,
        rows,
        created,
        priority,
        system_down,
        status,
        assignee,
        contract,
        period,
        offsets,
        events,
        contracts,
        engineers: engineers.names,
        periods,
        calendars: calendars_vec,
        always,
        system_down_target: goals.system_down_target_seconds(),
        reopen_window: goals.reopen_window_seconds(),
    })
}

/// The first instant the clocks accept: 0001-01-01T00:00:00Z.
pub const FIRST_INSTANT: i64 = -62_135_596_800;
/// The first instant past what the clocks accept: 10000-01-01T00:00:00Z. Years 0001 to 9999
/// are what RFC 3339 (and so the exports) can write; ingest's plausibility window keeps the
/// data far inside, this bound is for data that reached the lake another way.
pub const END_INSTANT: i64 = 253_402_300_800;

fn check_instant(what: &str, t: i64) -> Result<(), ClockError> {
    if (FIRST_INSTANT..END_INSTANT).contains(&t) {
        return Ok(());
    }
    Err(ClockError::Lake {
        message: format!(
            "{what} ({t} seconds after 1970-01-01T00:00:00Z) is outside the instants the clocks accept (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"
        ),
        hint: "an instant this far off is a placeholder or a typo: correct or remove its row and ingest the exports again",
    })
}

/// Margin, in days, kept around the UTC day of each instant: a local day is at most one day
/// off the UTC day, and a window ending at 24:00 reads the next day.
const PAD_DAYS: i64 = 2;
/// Runs of kept days closer than this are joined: a short gap saves little.
const JOIN_DAYS: i64 = 31;

/// The runs of days the business-time tables keep: every UTC day holding an instant the
/// clocks ask about (`instants`, and `as_of`, the latest), ± `PAD_DAYS`, runs closer than
/// `JOIN_DAYS` joined. The instants must lie in `FIRST_INSTANT..END_INSTANT`. Their days are
/// marked in a bit set over the span (one bit a day: 57 KB for a thousand years).
pub(crate) fn day_runs(
    instants: impl Iterator<Item = i64> + Clone,
    as_of: i64,
) -> Vec<(chrono::NaiveDate, chrono::NaiveDate)> {
    let day = |t: i64| t.div_euclid(86_400);
    let first = instants
        .clone()
        .map(day)
        .min()
        .unwrap_or(day(as_of))
        .min(day(as_of))
        - PAD_DAYS;
    let last = day(as_of) + PAD_DAYS;
    let n = (last - first + 1) as usize;
    let mut bits = vec![0u64; n.div_ceil(64)];
    for d in instants.map(day).chain([day(as_of)]) {
        let i = (d - first) as usize;
        if i < n {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            let i = w * 64 + word.trailing_zeros() as usize;
            word &= word - 1;
            let d = first + i as i64;
            let (lo, hi) = (d - PAD_DAYS, d + PAD_DAYS);
            match runs.last_mut() {
                Some(r) if lo <= r.1 + JOIN_DAYS => r.1 = r.1.max(hi),
                _ => runs.push((lo, hi)),
            }
        }
    }
    let date = |d: i64| {
        // 1970-01-01 is day 719163 of the common era.
        chrono::NaiveDate::from_num_days_from_ce_opt((d + 719_163) as i32).expect("date in range")
    };
    runs.into_iter().map(|(a, b)| (date(a), date(b))).collect()
}

/// Stage 2: every ticket's clocks, in parallel; results in ticket order.
pub fn compute(p: &Prepared) -> Vec<TicketOut> {
    let rules = p.rules();
    (0..p.tickets())
        .into_par_iter()
        .with_min_len(1024)
        .map(|k| ticket_clocks(&p.ticket(k), &rules))
        .collect()
}

/// The three output tables.
pub struct ClockTables {
    pub ticket_sla: DataFrame,
    pub update_windows: DataFrame,
    pub ticket_facts: DataFrame,
}

pub(crate) fn datetime(name: &str, v: Vec<Option<i64>>) -> PolarsResult<Column> {
    let ms: Vec<Option<i64>> = v.into_iter().map(|s| s.map(arith::millis)).collect();
    Ok(Series::new(name.into(), ms)
        .cast(&DataType::Datetime(
            TimeUnit::Milliseconds,
            Some(TimeZone::UTC),
        ))?
        .into())
}

pub(crate) fn strings<'a>(name: &str, v: impl Iterator<Item = Option<&'a str>>) -> Column {
    StringChunked::from_iter_options(name.into(), v)
        .into_series()
        .into()
}

/// Stage 3: the results as DataFrames, rows in ticket order.
pub fn tables(p: &Prepared, outs: &[TicketOut]) -> PolarsResult<ClockTables> {
    let ids = strs(str_col(&p.tickets, "ticket_id")?);
    let customers = strs(str_col(&p.tickets, "customer_id")?);
    let severities = strs(str_col(&p.tickets, "severity")?);
    let row_ids: Vec<Option<&str>> = p.rows.iter().map(|&r| ids[r as usize]).collect();
    let row_customers: Vec<Option<&str>> = p.rows.iter().map(|&r| customers[r as usize]).collect();
    let engineer = |e: u32| (e != NOBODY).then(|| p.engineers[e as usize].as_str());
    let contract_id = |k: usize| p.contract[k].map(|c| p.contracts[c as usize].id.as_str());
    let calendar_id = |c: u32| Some(p.calendars[c as usize].id());
    let clock = |b: bool| Some(if b { "business" } else { "calendar" });

    // ticket_sla
    let sla_rows: Vec<(usize, &engine::SlaRow)> = outs
        .iter()
        .enumerate()
        .flat_map(|(k, o)| o.sla.iter().map(move |r| (k, r)))
        .collect();
    let ticket_sla = DataFrame::new_infer_height(vec![
        strings("ticket_id", sla_rows.iter().map(|(k, _)| row_ids[*k])),
        strings(
            "customer_id",
            sla_rows.iter().map(|(k, _)| row_customers[*k]),
        ),
        strings("contract_id", sla_rows.iter().map(|(k, _)| contract_id(*k))),
        strings(
            "priority",
            sla_rows.iter().map(|(_, r)| Some(r.priority.as_str())),
        ),
        strings(
            "metric",
            sla_rows.iter().map(|(_, r)| Some(r.metric.as_str())),
        ),
        strings(
            "period",
            sla_rows
                .iter()
                .map(|(k, _)| Some(p.periods[p.period[*k] as usize].as_str())),
        ),
        Series::new(
            "target_seconds".into(),
            sla_rows
                .iter()
                .map(|(_, r)| r.target_seconds)
                .collect::<Vec<i64>>(),
        )
        .into(),
        strings("clock", sla_rows.iter().map(|(_, r)| clock(r.business))),
        strings(
            "calendar_id",
            sla_rows.iter().map(|(_, r)| calendar_id(r.calendar)),
        ),
        Series::new(
            "elapsed_seconds".into(),
            sla_rows
                .iter()
                .map(|(_, r)| r.elapsed)
                .collect::<Vec<i64>>(),
        )
        .into(),
        strings(
            "state",
            sla_rows.iter().map(|(_, r)| Some(r.state.as_str())),
        ),
        datetime(
            "breached_at",
            sla_rows.iter().map(|(_, r)| r.breached_at).collect(),
        )?,
        datetime(
            "stopped_at",
            sla_rows.iter().map(|(_, r)| r.stopped_at).collect(),
        )?,
        Series::new(
            "windows".into(),
            sla_rows
                .iter()
                .map(|(_, r)| r.windows.map(|w| w.0 as i64))
                .collect::<Vec<Option<i64>>>(),
        )
        .into(),
        Series::new(
            "breached_windows".into(),
            sla_rows
                .iter()
                .map(|(_, r)| r.windows.map(|w| w.1 as i64))
                .collect::<Vec<Option<i64>>>(),
        )
        .into(),
    ])?;

    // update_windows
    let wins: Vec<(usize, &engine::Window)> = outs
        .iter()
        .enumerate()
        .flat_map(|(k, o)| o.windows.iter().map(move |w| (k, w)))
        .collect();
    let update_windows = DataFrame::new_infer_height(vec![
        strings("ticket_id", wins.iter().map(|(k, _)| row_ids[*k])),
        Series::new(
            "window_no".into(),
            wins.iter()
                .map(|(_, w)| w.window_no as i64)
                .collect::<Vec<i64>>(),
        )
        .into(),
        datetime(
            "started_at",
            wins.iter().map(|(_, w)| Some(w.started_at)).collect(),
        )?,
        datetime(
            "ended_at",
            wins.iter().map(|(_, w)| Some(w.ended_at)).collect(),
        )?,
        strings(
            "end_reason",
            wins.iter().map(|(_, w)| Some(w.end_reason.as_str())),
        ),
        Series::new(
            "elapsed_seconds".into(),
            wins.iter().map(|(_, w)| w.elapsed).collect::<Vec<i64>>(),
        )
        .into(),
        Series::new(
            "target_seconds".into(),
            wins.iter()
                .map(|(_, w)| w.target_seconds)
                .collect::<Vec<i64>>(),
        )
        .into(),
        Series::new(
            "breached".into(),
            wins.iter().map(|(_, w)| w.breached).collect::<Vec<bool>>(),
        )
        .into(),
        strings(
            "priority",
            wins.iter().map(|(_, w)| Some(w.priority.as_str())),
        ),
        strings("clock", wins.iter().map(|(_, w)| clock(w.business))),
        strings(
            "calendar_id",
            wins.iter().map(|(_, w)| calendar_id(w.calendar)),
        ),
        datetime(
            "breached_at",
            wins.iter().map(|(_, w)| w.breached_at).collect(),
        )?,
    ])?;

    // ticket_facts
    let n = outs.len();
    let f = |k: usize| &outs[k].facts;
    let ticket_facts = DataFrame::new_infer_height(vec![
        strings("ticket_id", row_ids.iter().copied()),
        strings("customer_id", row_customers.iter().copied()),
        strings("contract_id", (0..n).map(contract_id)),
        strings(
            "period",
            (0..n).map(|k| Some(p.periods[p.period[k] as usize].as_str())),
        ),
        strings("priority", (0..n).map(|k| Some(f(k).priority.as_str()))),
        strings(
            "priority_filed",
            (0..n).map(|k| Some(p.priority[k].as_str())),
        ),
        strings("severity", p.rows.iter().map(|&r| severities[r as usize])),
        datetime("created_at", p.created.iter().map(|&c| Some(c)).collect())?,
        datetime(
            "first_reply_at",
            (0..n).map(|k| f(k).first_reply_at).collect(),
        )?,
        datetime(
            "first_solved_at",
            (0..n).map(|k| f(k).first_solved_at).collect(),
        )?,
        datetime(
            "final_solved_at",
            (0..n).map(|k| f(k).final_solved_at).collect(),
        )?,
        Series::new(
            "agent_replies".into(),
            (0..n)
                .map(|k| f(k).agent_replies as i64)
                .collect::<Vec<i64>>(),
        )
        .into(),
        Series::new(
            "reopens".into(),
            (0..n).map(|k| f(k).reopens as i64).collect::<Vec<i64>>(),
        )
        .into(),
        Series::new(
            "one_touch".into(),
            (0..n).map(|k| f(k).one_touch).collect::<Vec<bool>>(),
        )
        .into(),
        strings(
            "assignee_at_first_solve",
            (0..n).map(|k| engineer(f(k).assignee_at_first_solve)),
        ),
        strings(
            "status_at_as_of",
            (0..n).map(|k| Some(f(k).status_at_as_of.as_str())),
        ),
        Series::new(
            "no_events".into(),
            (0..n).map(|k| f(k).no_events).collect::<Vec<bool>>(),
        )
        .into(),
        Series::new(
            "export_status_differs".into(),
            (0..n)
                .map(|k| f(k).export_status_differs)
                .collect::<Vec<bool>>(),
        )
        .into(),
    ])?;
    Ok(ClockTables {
        ticket_sla,
        update_windows,
        ticket_facts,
    })
}

/// review.md's waivers: marks each `ticket_sla` row that an accepted waiver names (its ticket
/// and its metric, or `all`) with `waived` = true and the waiver's `reason` in `waiver_reason`.
/// The row's state is unchanged; compliance and credits leave waived rows out. Ingest rejects
/// every waiver that conflicts with another of the same ticket and metric (or `all`), so at most
/// one waiver matches a row. Without a waivers table (a lake of schema 1) nothing is waived.
pub fn apply_waivers(t: &mut ClockTables, lake: &Path) -> Result<(), ClockError> {
    let path = lake.join("waivers.parquet");
    let mut by_ticket: HashMap<String, Vec<(String, String)>> = HashMap::new();
    if path.exists() {
        let w = store::read_parquet(&path)?;
        let ids = str_col(&w, "ticket_id")?;
        let metrics = str_col(&w, "metric")?;
        let reasons = str_col(&w, "reason")?;
        for ((id, metric), reason) in ids.iter().zip(metrics.iter()).zip(reasons.iter()) {
            if let (Some(id), Some(metric)) = (id, metric) {
                by_ticket
                    .entry(id.to_string())
                    .or_default()
                    .push((metric.to_string(), reason.unwrap_or_default().to_string()));
            }
        }
    }
    let sla = &t.ticket_sla;
    let ids = str_col(sla, "ticket_id")?;
    let metrics = str_col(sla, "metric")?;
    let mut waived = Vec::with_capacity(sla.height());
    let mut reason: Vec<Option<&str>> = Vec::with_capacity(sla.height());
    for (id, metric) in ids.iter().zip(metrics.iter()) {
        let hit = id.and_then(|id| by_ticket.get(id)).and_then(|ws| {
            ws.iter()
                .find(|(m, _)| m == "all" || Some(m.as_str()) == metric)
        });
        waived.push(hit.is_some());
        reason.push(hit.map(|(_, r)| r.as_str()));
    }
    let waived: Column = Series::new("waived".into(), waived).into();
    let reason = strings("waiver_reason", reason.into_iter());
    let mut sla = t.ticket_sla.clone();
    sla.with_column(waived)?;
    sla.with_column(reason)?;
    t.ticket_sla = sla;
    Ok(())
}

/// Writes each table as `<dir>/<name>.parquet` and `<dir>/<name>.csv`. In the CSV, instants
/// are RFC 3339 in UTC (`2026-07-03T08:00:00Z`), as in the exports.
pub fn write_tables(dir: &Path, t: &mut ClockTables) -> Result<(), ClockError> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    for (name, df) in [
        ("ticket_sla", &mut t.ticket_sla),
        ("update_windows", &mut t.update_windows),
        ("ticket_facts", &mut t.ticket_facts),
    ] {
        store::write_table(dir, name, df)?;
    }
    Ok(())
}
