//! The ticket-level and day-level tables the metric queries stand on, where SQL cannot say them
//! (see each function for why): `periods`, `backlog_daily`, `ticket_moments`,
//! `open_at_period_end` and `engineer_days`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::timeline::{ticket_timeline, Class, MomentKind, Timeline};
use crate::clock::engine::NOBODY;
use crate::clock::{datetime, str_col, strings, strs, Prepared};
use crate::model::config::{Calendar, Goals, CALENDAR_24X7};
use crate::model::{days_from_epoch, Priority};
use crate::period::{local_date, midnight, Quarter};

/// One reporting period, its days cut at the day containing as_of (edge rule 2).
#[derive(Debug, Clone)]
pub struct Span {
    pub quarter: Quarter,
    pub first_day: NaiveDate,
    /// The last day that exists: the quarter's last day, or as_of's day if earlier. Before
    /// `first_day` when the whole quarter lies after as_of.
    pub last_day: NaiveDate,
}

impl Span {
    pub fn new(q: Quarter, as_of_day: NaiveDate) -> Span {
        let end = q.end_day().pred_opt().unwrap();
        Span {
            quarter: q,
            first_day: q.first_day(),
            last_day: end.min(as_of_day),
        }
    }
    pub fn days(&self) -> i64 {
        ((self.last_day - self.first_day).num_days() + 1).max(0)
    }
    pub fn label(&self) -> String {
        self.quarter.label()
    }
}

/// The quarters a run writes: the report period and the three before it, oldest first.
pub fn quarters_written(report: Quarter) -> Vec<Quarter> {
    let mut qs = vec![report];
    for _ in 0..3 {
        let prev = qs.last().unwrap().prev();
        qs.push(prev);
    }
    qs.reverse();
    qs
}

/// The quarters written, with their days cut at as_of's day.
pub fn spans(report: Quarter, tz: &Tz, as_of: i64) -> Vec<Span> {
    let as_of_day = local_date(tz, as_of);
    quarters_written(report)
        .into_iter()
        .map(|q| Span::new(q, as_of_day))
        .collect()
}

/// A text column from a small dictionary and one index per row (a gather, not a string per
/// row).
fn gather(
    name: &str,
    dict: &[Option<&str>],
    idx: impl Iterator<Item = u32>,
) -> PolarsResult<Column> {
    let dict = StringChunked::from_iter_options(name.into(), dict.iter().copied()).into_series();
    let idx: Vec<IdxSize> = idx.map(|i| i as IdxSize).collect();
    let idx = IdxCa::from_vec("".into(), idx);
    Ok(dict.take(&idx)?.into())
}

fn date_col(name: &str, days: Vec<Option<i32>>) -> PolarsResult<Column> {
    Ok(Series::new(name.into(), days).cast(&DataType::Date)?.into())
}

/// `periods`: one row per period written, for the queries to join on.
pub fn periods_table(spans: &[Span], report: Quarter) -> PolarsResult<DataFrame> {
    let prev: Vec<Option<String>> = spans
        .iter()
        .map(|s| Some(s.quarter.prev().label()))
        .collect();
    DataFrame::new_infer_height(vec![
        strings(
            "period",
            spans
                .iter()
                .map(|s| Some(s.label()))
                .collect::<Vec<_>>()
                .iter()
                .map(|s| s.as_deref()),
        ),
        date_col(
            "first_day",
            spans
                .iter()
                .map(|s| Some(days_from_epoch(s.first_day)))
                .collect(),
        )?,
        date_col(
            "last_day",
            spans
                .iter()
                .map(|s| Some(days_from_epoch(s.last_day)))
                .collect(),
        )?,
        Series::new(
            "days".into(),
            spans.iter().map(|s| s.days()).collect::<Vec<_>>(),
        )
        .into(),
        strings("previous_period", prev.iter().map(|s| s.as_deref())),
        Series::new(
            "is_report_period".into(),
            spans
                .iter()
                .map(|s| s.quarter == report)
                .collect::<Vec<_>>(),
        )
        .into(),
    ])
}

/// The days backlog is counted on: every existing day of the periods, and each day's end.
struct Days {
    first: NaiveDate,
    /// UTC instant of each day's end (the next local midnight).
    ends: Vec<i64>,
    /// UTC instant of the first day's start.
    start: i64,
}

impl Days {
    fn new(spans: &[Span], tz: &Tz) -> Days {
        let first = spans[0].first_day;
        let last = spans.iter().map(|s| s.last_day).max().unwrap();
        let n = ((last - first).num_days() + 1).max(0);
        let ends = (0..n)
            .map(|i| midnight(tz, first + chrono::Duration::days(i + 1)))
            .collect();
        Days {
            first,
            ends,
            start: midnight(tz, first),
        }
    }
    fn len(&self) -> usize {
        self.ends.len()
    }
    /// The day containing instant `t` (an event at 00:00:00 belongs to the day it starts).
    fn of(&self, t: i64) -> Option<usize> {
        if t < self.start {
            return None;
        }
        let i = self.ends.partition_point(|&e| e <= t);
        (i < self.len()).then_some(i)
    }
    /// Days whose end falls in (from, to]: the days at whose end a stretch [from, to) is in
    /// force (edge rule 12: the state just before midnight).
    fn ending_in(&self, from: i64, to: i64) -> (usize, usize) {
        (
            self.ends.partition_point(|&e| e <= from),
            self.ends.partition_point(|&e| e <= to),
        )
    }
    fn date(&self, i: usize) -> NaiveDate {
        self.first + chrono::Duration::days(i as i64)
    }
}

/// Per day of one (priority, customer, engineer): changes of the active and paused counts at
/// day ends, and the day's inflow, outflow and reopens.
#[derive(Clone, Copy, Default)]
struct DayCounts {
    active_delta: i32,
    paused_delta: i32,
    inflow: i32,
    outflow: i32,
    reopens: i32,
}

type Key = (Priority, u32, u32);

/// What one piece of the tickets contributes: sparse day changes per key, moments, and open
/// tickets at each period's end.
#[derive(Default)]
struct Acc {
    cells: Vec<(Key, u32, DayCounts)>,
    /// (ticket, moment), for `ticket_moments`.
    moments: Vec<(u32, super::timeline::Moment)>,
    /// (period index, ticket, status, priority, assignee, age seconds).
    open: Vec<(u16, u32, crate::model::Status, Priority, u32, i64)>,
}

/// The derived tables of one run.
pub struct Derived {
    pub backlog_daily: DataFrame,
    pub ticket_moments: DataFrame,
    pub open_at_period_end: DataFrame,
}

/// Backlog per day, the crediting moments and the open tickets at each period's end, from one
/// replay of every ticket (in parallel; the merge is a sum, so the order of work cannot change
/// a figure).
pub fn replay(p: &Prepared, spans: &[Span], tz: &Tz) -> PolarsResult<Derived> {
    let t0 = std::time::Instant::now();
    let days = Days::new(spans, tz);
    let n_days = days.len();
    let as_of = p.as_of;
    // Each period's end: the end of its last existing day.
    let period_ends: Vec<Option<usize>> = spans
        .iter()
        .map(|s| (s.days() > 0).then(|| (s.last_day - days.first).num_days() as usize))
        .collect();

    // Customers by number.
    let customers_all = strs(str_col(&p.tickets, "customer_id")?);
    let mut customer_names: Vec<&str> = Vec::new();
    let mut customer_index: FxHashMap<&str, u32> = FxHashMap::default();
    let customer: Vec<u32> = p
        .rows
        .iter()
        .map(|&r| {
            let c = customers_all[r as usize].unwrap_or_default();
            *customer_index.entry(c).or_insert_with(|| {
                customer_names.push(c);
                (customer_names.len() - 1) as u32
            })
        })
        .collect();

    let pieces = rayon::current_num_threads() * 4;
    let n = p.tickets();
    let parts: Vec<Acc> = (0..pieces)
        .into_par_iter()
        .map(|piece| {
            let mut acc = Acc::default();
            for k in n * piece / pieces..n * (piece + 1) / pieces {
                let t = p.ticket(k);
                let tl: Timeline = ticket_timeline(&t, as_of, p.system_down_target);
                let c = customer[k];
                for (i, s) in tl.stretches.iter().enumerate() {
                    let class = Class::of(s.status);
                    if class == Class::Done {
                        continue;
                    }
                    let to = tl.stretches.get(i + 1).map_or(i64::MAX, |n| n.from);
                    let (lo, hi) = days.ending_in(s.from, to);
                    if lo < hi {
                        let key = (s.priority, c, s.assignee);
                        let (a, b) = match class {
                            Class::Active => (1, 0),
                            _ => (0, 1),
                        };
                        let delta = |x, y| DayCounts {
                            active_delta: x,
                            paused_delta: y,
                            ..Default::default()
                        };
                        acc.cells.push((key, lo as u32, delta(a, b)));
                        acc.cells.push((key, hi as u32, delta(-a, -b)));
                    }
                }
                // Inflow takes the priority and assignee at created_at (edge rule 12).
                if let (Some(d), Some(s)) = (days.of(t.created), tl.at(t.created)) {
                    let one = DayCounts {
                        inflow: 1,
                        ..Default::default()
                    };
                    acc.cells.push(((s.priority, c, s.assignee), d as u32, one));
                }
                for m in &tl.moments {
                    let d = days.of(m.at);
                    match (m.kind, d) {
                        (MomentKind::Solve, Some(d)) => {
                            let one = DayCounts {
                                outflow: 1,
                                ..Default::default()
                            };
                            acc.cells.push(((m.priority, c, m.assignee), d as u32, one));
                        }
                        (MomentKind::Reopen, Some(d)) => {
                            let one = DayCounts {
                                reopens: 1,
                                ..Default::default()
                            };
                            acc.cells.push(((m.priority, c, m.assignee), d as u32, one));
                        }
                        _ => {}
                    }
                    acc.moments.push((k as u32, *m));
                }
                for (pi, end) in period_ends.iter().enumerate() {
                    let Some(end) = end else { continue };
                    let e = days.ends[*end];
                    if let Some(s) = tl.before(e) {
                        if Class::of(s.status) != Class::Done {
                            let age = e.min(as_of) - t.created;
                            acc.open
                                .push((pi as u16, k as u32, s.status, s.priority, s.assignee, age));
                        }
                    }
                }
            }
            acc
        })
        .collect();
    tracing::debug!("replay: timelines {:.2?}", t0.elapsed());
    let mut acc = Acc::default();
    for part in parts {
        acc.cells.extend(part.cells);
        acc.moments.extend(part.moments);
        acc.open.extend(part.open);
    }

    let ids = strs(str_col(&p.tickets, "ticket_id")?);
    let ticket_id = |k: u32| ids[p.rows[k as usize] as usize];
    let engineer = |e: u32| (e != NOBODY).then(|| p.engineers[e as usize].as_str());

    // backlog_daily: running sums of the deltas; a row per day and combination with anything
    // to show, sorted so the file is the same whatever the thread count.
    // Keys packed into one integer that sorts as (priority, customer id, engineer id with
    // unassigned first): no string comparison or hashing per cell.
    let mut by_name: Vec<u32> = (0..customer_names.len() as u32).collect();
    by_name.sort_by_key(|&c| customer_names[c as usize]);
    let mut rank_c = vec![0u32; customer_names.len()];
    for (r, &c) in by_name.iter().enumerate() {
        rank_c[c as usize] = r as u32;
    }
    let mut eng_by_name: Vec<u32> = (0..p.engineers.len() as u32).collect();
    eng_by_name.sort_by_key(|&e| p.engineers[e as usize].as_str());
    // Rank 0 is unassigned.
    let mut rank_e = vec![0u32; p.engineers.len()];
    for (r, &e) in eng_by_name.iter().enumerate() {
        rank_e[e as usize] = r as u32 + 1;
    }
    let pack = |k: Key| -> u64 {
        let e = if k.2 == NOBODY {
            0
        } else {
            rank_e[k.2 as usize]
        };
        ((k.0 as u64) << 48) | ((rank_c[k.1 as usize] as u64) << 24) | e as u64
    };
    let mut cells: Vec<(u64, u32, DayCounts)> = acc
        .cells
        .into_par_iter()
        .map(|(k, d, c)| (pack(k), d, c))
        .collect();
    cells.par_sort_unstable_by_key(|c| (c.0, c.1));
    struct Row {
        day: u32,
        key: u64,
        active: i32,
        paused: i32,
        c: DayCounts,
    }
    // Each key's days are walked on their own, so the cells are cut into pieces at key
    // boundaries and walked in parallel.
    let pieces = rayon::current_num_threads() * 4;
    let mut cuts = vec![0usize];
    for j in 1..pieces {
        let mut at = (cells.len() * j / pieces).max(*cuts.last().unwrap());
        while at > 0 && at < cells.len() && cells[at].0 == cells[at - 1].0 {
            at += 1;
        }
        cuts.push(at);
    }
    cuts.push(cells.len());
    let walk = |cells: &[(u64, u32, DayCounts)]| -> Vec<Row> {
        let mut rows = Vec::new();
        let mut i = 0;
        while i < cells.len() {
            let key = cells[i].0;
            let (mut active, mut paused) = (0i32, 0i32);
            let mut d = cells[i].1 as usize;
            // From the key's first change while anything is open or changes remain.
            while d < n_days {
                let mut c = DayCounts::default();
                while i < cells.len() && cells[i].0 == key && cells[i].1 as usize == d {
                    let x = cells[i].2;
                    c.active_delta += x.active_delta;
                    c.paused_delta += x.paused_delta;
                    c.inflow += x.inflow;
                    c.outflow += x.outflow;
                    c.reopens += x.reopens;
                    i += 1;
                }
                active += c.active_delta;
                paused += c.paused_delta;
                if active != 0 || paused != 0 || c.inflow != 0 || c.outflow != 0 || c.reopens != 0 {
                    rows.push(Row {
                        day: d as u32,
                        key,
                        active,
                        paused,
                        c,
                    });
                }
                let more = i < cells.len() && cells[i].0 == key;
                if active == 0 && paused == 0 {
                    if !more {
                        break;
                    }
                    d = cells[i].1 as usize;
                } else {
                    d += 1;
                }
            }
            // Changes at the end marker (day n_days) close stretches running past the last day.
            while i < cells.len() && cells[i].0 == key {
                i += 1;
            }
        }
        rows
    };
    let parts: Vec<Vec<Row>> = cuts
        .windows(2)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|w| walk(&cells[w[0]..w[1]]))
        .collect();
    drop(cells);
    let mut rows: Vec<Row> = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        rows.extend(part);
    }
    tracing::debug!("replay: backlog rows {:.2?}", t0.elapsed());
    rows.par_sort_unstable_by_key(|r| (r.day, r.key));
    let priorities = ["P1", "P2", "P3", "P4"].map(Some);
    let customers_sorted: Vec<Option<&str>> = by_name
        .iter()
        .map(|&c| Some(customer_names[c as usize]))
        .collect();
    let engineers_sorted: Vec<Option<&str>> = std::iter::once(None)
        .chain(
            eng_by_name
                .iter()
                .map(|&e| Some(p.engineers[e as usize].as_str())),
        )
        .collect();
    let day_periods: Vec<String> = (0..n_days)
        .map(|d| Quarter::containing(days.date(d)).label())
        .collect();
    let day_periods: Vec<Option<&str>> = day_periods.iter().map(|s| Some(s.as_str())).collect();
    let first_epoch = days_from_epoch(days.first);
    let ints = |name: &str, f: &(dyn Fn(&Row) -> i32 + Sync)| -> PolarsResult<Column> {
        Ok(Series::new(
            name.into(),
            rows.iter().map(|r| f(r) as i64).collect::<Vec<_>>(),
        )
        .into())
    };
    let columns: Vec<Column> = (0..11)
        .into_par_iter()
        .map(|i| match i {
            0 => date_col(
                "date",
                rows.iter()
                    .map(|r| Some(first_epoch + r.day as i32))
                    .collect(),
            ),
            1 => gather(
                "priority",
                &priorities,
                rows.iter().map(|r| (r.key >> 48) as u32),
            ),
            2 => gather(
                "customer_id",
                &customers_sorted,
                rows.iter().map(|r| ((r.key >> 24) & 0xFF_FFFF) as u32),
            ),
            3 => gather(
                "engineer_id",
                &engineers_sorted,
                rows.iter().map(|r| (r.key & 0xFF_FFFF) as u32),
            ),
            4 => ints("backlog", &|r| r.active + r.paused),
            5 => ints("active", &|r| r.active),
            6 => ints("paused", &|r| r.paused),
            7 => ints("inflow", &|r| r.c.inflow),
            8 => ints("outflow", &|r| r.c.outflow),
            9 => ints("reopens", &|r| r.c.reopens),
            _ => gather("period", &day_periods, rows.iter().map(|r| r.day)),
        })
        .collect::<PolarsResult<_>>()?;
    let backlog_daily = DataFrame::new_infer_height(columns)?;
    drop(rows);

    tracing::debug!("replay: backlog frame {:.2?}", t0.elapsed());
    // ticket_moments, in ticket order then time.
    let mut moments = acc.moments;
    moments.sort_by_key(|(k, m)| (*k, m.at, m.kind as u8));
    // Local dates through the day table where it covers the instant (no zone lookup per row).
    let m_dates: Vec<NaiveDate> = moments
        .par_iter()
        .map(|(_, m)| match days.of(m.at) {
            Some(d) => days.date(d),
            None => local_date(tz, m.at),
        })
        .collect();
    let mut quarter_labels: Vec<String> = Vec::new();
    let mut quarter_index: HashMap<Quarter, u32> = HashMap::new();
    let m_quarters: Vec<u32> = m_dates
        .iter()
        .map(|d| {
            let q = Quarter::containing(*d);
            *quarter_index.entry(q).or_insert_with(|| {
                quarter_labels.push(q.label());
                quarter_labels.len() as u32 - 1
            })
        })
        .collect();
    let quarter_labels: Vec<Option<&str>> =
        quarter_labels.iter().map(|s| Some(s.as_str())).collect();
    let kinds = ["solve", "reopen", "system_down_over_goal"].map(Some);
    let customers_by_index: Vec<Option<&str>> = customer_names.iter().map(|c| Some(*c)).collect();
    let ticket_moments = DataFrame::new_infer_height(vec![
        strings("ticket_id", moments.iter().map(|(k, _)| ticket_id(*k))),
        gather(
            "customer_id",
            &customers_by_index,
            moments.iter().map(|(k, _)| customer[*k as usize]),
        )?,
        gather("kind", &kinds, moments.iter().map(|(_, m)| m.kind as u32))?,
        datetime("at", moments.iter().map(|(_, m)| Some(m.at)).collect())?,
        date_col(
            "date",
            m_dates.iter().map(|d| Some(days_from_epoch(*d))).collect(),
        )?,
        gather("period", &quarter_labels, m_quarters.into_iter())?,
        strings(
            "priority",
            moments.iter().map(|(_, m)| Some(m.priority.as_str())),
        ),
        strings(
            "engineer_id",
            moments.iter().map(|(_, m)| engineer(m.assignee)),
        ),
    ])?;

    tracing::debug!("replay: moments frame {:.2?}", t0.elapsed());
    // open_at_period_end
    let mut open = acc.open;
    open.sort_by_key(|o| (o.0, o.1));
    let labels: Vec<String> = spans.iter().map(|s| s.label()).collect();
    let created = &p.created;
    let open_at_period_end = DataFrame::new_infer_height(vec![
        strings(
            "period",
            open.iter().map(|o| Some(labels[o.0 as usize].as_str())),
        ),
        strings("ticket_id", open.iter().map(|o| ticket_id(o.1))),
        strings(
            "customer_id",
            open.iter()
                .map(|o| Some(customer_names[customer[o.1 as usize] as usize])),
        ),
        strings("status", open.iter().map(|o| Some(o.2.as_str()))),
        strings("priority", open.iter().map(|o| Some(o.3.as_str()))),
        strings("engineer_id", open.iter().map(|o| engineer(o.4))),
        datetime(
            "created_at",
            open.iter().map(|o| Some(created[o.1 as usize])).collect(),
        )?,
        Series::new(
            "age_days".into(),
            open.iter()
                .map(|o| o.5.div_euclid(86_400))
                .collect::<Vec<_>>(),
        )
        .into(),
    ])?;

    Ok(Derived {
        backlog_daily,
        ticket_moments,
        open_at_period_end,
    })
}

/// `engineer_days`: per engineer and period, the days inside `active_from..active_to` and how
/// many of them are working days in the engineer's calendar. Rust because a working day is a
/// calendar fact (weekly hours and holidays from calendars.toml), not a table the SQL can see.
/// Listed: everyone in engineers.csv, plus anyone the tickets, events or articles name.
pub fn engineer_days(
    roster: Option<&DataFrame>,
    others: &BTreeSet<String>,
    calendars: &BTreeMap<String, Calendar>,
    goals: &Goals,
    spans: &[Span],
) -> PolarsResult<DataFrame> {
    struct Eng {
        id: String,
        in_roster: bool,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        calendar: Option<String>,
    }
    let mut list: Vec<Eng> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    if let Some(r) = roster {
        let ids = strs(str_col(r, "engineer_id")?);
        let cals = strs(str_col(r, "calendar_id")?);
        let from = crate::clock::days_col(r, "active_from")?;
        let to = crate::clock::days_col(r, "active_to")?;
        for i in 0..r.height() {
            let Some(id) = ids[i] else { continue };
            seen.insert(id.to_string());
            list.push(Eng {
                id: id.to_string(),
                in_roster: true,
                from: from[i].map(crate::model::date_from_days),
                to: to[i].map(crate::model::date_from_days),
                calendar: cals[i].map(str::to_string),
            });
        }
    }
    for id in others {
        if !seen.contains(id) {
            list.push(Eng {
                id: id.clone(),
                in_roster: false,
                from: None,
                to: None,
                calendar: None,
            });
        }
    }
    list.sort_by(|a, b| a.id.cmp(&b.id));

    let mon_fri = {
        let mut c = Calendar::always(chrono_tz::UTC);
        c.id = "mon-fri".into();
        for d in 5..7 {
            c.week[d].clear();
        }
        c
    };
    let always = Calendar::always(chrono_tz::UTC);
    let resolve = |e: &Eng| -> &Calendar {
        let id = e.calendar.as_deref().or(goals.team_calendar.as_deref());
        match id {
            Some(CALENDAR_24X7) => &always,
            Some(id) => calendars.get(id).unwrap_or(&mon_fri),
            None => &mon_fri,
        }
    };

    let mut out_id = Vec::new();
    let mut out_period = Vec::new();
    let mut out_roster = Vec::new();
    let mut out_cal = Vec::new();
    let mut out_active = Vec::new();
    let mut out_working = Vec::new();
    for e in &list {
        let cal = resolve(e);
        for s in spans {
            let (mut active, mut working) = (0i64, 0i64);
            let mut d = s.first_day;
            while d <= s.last_day {
                let inside = e.from.is_none_or(|f| d >= f) && e.to.is_none_or(|t| d <= t);
                if inside {
                    active += 1;
                    let wd = d.weekday().num_days_from_monday() as usize;
                    if !cal.week[wd].is_empty() && cal.holidays.binary_search(&d).is_err() {
                        working += 1;
                    }
                }
                d = d.succ_opt().unwrap();
            }
            out_id.push(e.id.clone());
            out_period.push(s.label());
            out_roster.push(e.in_roster);
            out_cal.push(cal.id.clone());
            out_active.push(active);
            out_working.push(working);
        }
    }
    DataFrame::new_infer_height(vec![
        strings("engineer_id", out_id.iter().map(|s| Some(s.as_str()))),
        strings("period", out_period.iter().map(|s| Some(s.as_str()))),
        Series::new("in_roster".into(), out_roster).into(),
        strings("calendar_id", out_cal.iter().map(|s| Some(s.as_str()))),
        Series::new("active_days".into(), out_active).into(),
        Series::new("working_days".into(), out_working).into(),
    ])
}

/// `goals`: every goal of goals.toml as (goal, value), for the scorecard to join on.
pub fn goals_table(g: &Goals) -> PolarsResult<DataFrame> {
    let rows: [(&str, f64); 9] = [
        (
            "csat.satisfied_or_better_pct",
            g.csat.satisfied_or_better_pct,
        ),
        ("csat.very_satisfied_pct", g.csat.very_satisfied_pct),
        ("sla.first_response_met_pct", g.sla.first_response_met_pct),
        ("sla.update_met_pct", g.sla.update_met_pct),
        ("engineer.max_avg_backlog", g.engineer.max_avg_backlog),
        (
            "engineer.min_solved_per_working_day",
            g.engineer.min_solved_per_working_day,
        ),
        (
            "engineer.system_down_max_hours",
            g.engineer.system_down_max_hours,
        ),
        (
            "engineer.min_kb_articles_per_week",
            g.engineer.min_kb_articles_per_week,
        ),
        ("fcr.reopen_window_days", g.fcr.reopen_window_days as f64),
    ];
    DataFrame::new_infer_height(vec![
        strings("goal", rows.iter().map(|r| Some(r.0))),
        Series::new("value".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()).into(),
    ])
}

/// `contract_periods`: one row per contract and period written in which the contract is active
/// (its dates meet the period's existing days), with the period's fee.
///
/// The fee is prorated by contract year, which SQL cannot say without a calendar of
/// anniversaries: period fee = Σ over the contract years the period touches of `annual_fee` ×
/// (days of the contract inside the period and that year) / (days of that contract year). A
/// contract year runs from an anniversary of `start_date` to the day before the next one (365
/// or 366 days; a contract starting on 29 February has its anniversaries on 28 February), also
/// for a last year the contract ends inside. Days after as_of's day do not exist (edge rule 2),
/// so a period still running is charged up to as_of.
pub fn contract_periods(contracts: &DataFrame, spans: &[Span]) -> PolarsResult<DataFrame> {
    use crate::model::date_from_days;
    let ids = str_col(contracts, "contract_id")?;
    let customers = str_col(contracts, "customer_id")?;
    let starts = crate::clock::days_col(contracts, "start_date")?;
    let ends = crate::clock::days_col(contracts, "end_date")?;
    let fee = contracts
        .column("annual_fee")?
        .as_materialized_series()
        .cast(&DataType::Float64)?;
    let fee = fee.f64()?;

    let mut period = Vec::new();
    let mut contract = Vec::new();
    let mut customer = Vec::new();
    let (mut from, mut to, mut days, mut years, mut fees) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in spans {
        for i in 0..contracts.height() {
            let (Some(start), Some(end)) = (starts[i], ends[i]) else {
                continue;
            };
            let (start, end) = (date_from_days(start), date_from_days(end));
            let lo = start.max(s.first_day);
            let hi = end.min(s.last_day);
            if hi < lo {
                continue;
            }
            let annual = fee.get(i).unwrap_or(0.0);
            let mut share = 0.0;
            let mut year_days = Vec::new();
            for k in 0u32.. {
                let Some(y0) = start.checked_add_months(chrono::Months::new(12 * k)) else {
                    break;
                };
                if y0 > hi {
                    break;
                }
                let y1 = start
                    .checked_add_months(chrono::Months::new(12 * (k + 1)))
                    .map(|d| d.pred_opt().unwrap())
                    .unwrap_or(NaiveDate::MAX);
                let a = lo.max(y0);
                let b = hi.min(y1);
                if b >= a {
                    let inside = (b - a).num_days() + 1;
                    let length = (y1 - y0).num_days() + 1;
                    share += inside as f64 / length as f64;
                    year_days.push(format!("{inside}/{length}"));
                }
            }
            period.push(s.label());
            contract.push(ids.get(i).unwrap_or_default().to_string());
            customer.push(customers.get(i).unwrap_or_default().to_string());
            from.push(Some(days_from_epoch(lo)));
            to.push(Some(days_from_epoch(hi)));
            days.push((hi - lo).num_days() + 1);
            years.push(year_days.join(" + "));
            fees.push(annual * share);
        }
    }
    DataFrame::new_infer_height(vec![
        Series::new("period".into(), period).into(),
        Series::new("contract_id".into(), contract).into(),
        Series::new("customer_id".into(), customer).into(),
        date_col("active_from", from)?,
        date_col("active_to", to)?,
        Series::new("contract_days".into(), days).into(),
        Series::new("fee_days".into(), years).into(),
        Series::new("period_fee".into(), fees).into(),
    ])
}
