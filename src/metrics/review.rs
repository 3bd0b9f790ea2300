//! The review's ticket-level tables that need a ticket's replay (review.md: escalations, "why it
//! breached"), derived here because SQL cannot say them:
//! - `escalation_events`: each escalation with the priority and assignee in force at its
//!   instant (edge rule 3), which is a lookup in the ticket's replayed state, not a join;
//! - `breach_attribution`: each breached ticket-metric with the holder when the target passed
//!   and its elapsed time split by who held the ticket, in seconds of the row's own clock. The
//!   split cuts the stretches the clock engine measured (`clock::engine::measured`) at the
//!   assignee's changes and measures each piece on the same business-time table, so the three
//!   parts add up to `elapsed_seconds` exactly (business seconds are differences of one
//!   cumulative count, so pieces of a stretch add up to the stretch).

use std::collections::HashMap;

use chrono_tz::Tz;
use polars::prelude::*;
use rayon::prelude::*;

use super::derive::Span;
use super::timeline::ticket_timeline;
use crate::clock::engine::{assignee_steps, measured, ticket_clocks_traced, Metric, NOBODY};
use crate::clock::{datetime, secs_col, str_col, strings, strs, Prepared};
use crate::model::days_from_epoch;
use crate::period::{local_date, Quarter};

/// `engineer_id` -> `team` from the lake's engineers (empty teams left out).
pub fn teams(engineers: Option<&DataFrame>) -> PolarsResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    if let Some(e) = engineers {
        let ids = str_col(e, "engineer_id")?;
        let team = str_col(e, "team")?;
        for (id, t) in ids.iter().zip(team.iter()) {
            if let (Some(id), Some(t)) = (id, t) {
                if !t.is_empty() {
                    out.insert(id.to_string(), t.to_string());
                }
            }
        }
    }
    Ok(out)
}

fn ints(name: &str, v: Vec<i64>) -> Column {
    Series::new(name.into(), v).into()
}

/// `escalation_events`: one row per `escalate` event of a ticket that exists at as_of, at or
/// before as_of: ticket_id, customer_id, contract_id (the ticket's), at, date and period (of
/// `at` in the reporting zone), level (the event's `value`), raised_by (`actor_id`, empty =
/// the customer), priority and engineer_id in force at `at` (the values after every event with
/// `at` <= the escalation's, edge rule 3; empty = unassigned), source_line (file order). Sorted
/// by at, ticket_id, source_line. `events` is the lake's ticket_events.
pub fn escalation_events(p: &Prepared, events: LazyFrame, tz: &Tz) -> PolarsResult<DataFrame> {
    let e = events
        .filter(col("kind").eq(lit("escalate")))
        .select([
            col("ticket_id"),
            col("at"),
            col("actor_id"),
            col("value"),
            col("source_line").cast(DataType::Int64),
        ])
        .collect()?;
    let ids = strs(str_col(&e, "ticket_id")?);
    let at = secs_col(&e, "at")?;
    let actor = strs(str_col(&e, "actor_id")?);
    let value = strs(str_col(&e, "value")?);
    let line: Vec<Option<i64>> = e.column("source_line")?.i64()?.iter().collect();
    // Most exports have no escalation: no index of every ticket then.
    let numbers = if e.height() > 0 {
        p.ticket_numbers()?
    } else {
        Default::default()
    };
    let ticket_ids = strs(str_col(&p.tickets, "ticket_id")?);
    let customers = strs(str_col(&p.tickets, "customer_id")?);

    struct Row {
        k: usize,
        at: i64,
        i: usize,
        priority: &'static str,
        engineer: u32,
    }
    let mut rows: Vec<Row> = Vec::new();
    for i in 0..e.height() {
        let (Some(id), Some(t)) = (ids[i], at[i]) else {
            continue;
        };
        let Some(&k) = numbers.get(id) else { continue };
        if t > p.as_of {
            continue;
        }
        let tl = ticket_timeline(&p.ticket(k), p.as_of, p.system_down_target);
        // An event before created_at (ingest rejects them) takes the state at created_at.
        let s = tl.at(t).or(tl.stretches.first());
        let (priority, engineer) = match s {
            Some(s) => (s.priority.as_str(), s.assignee),
            None => (p.priority[k].as_str(), NOBODY),
        };
        rows.push(Row {
            k,
            at: t,
            i,
            priority,
            engineer,
        });
    }
    let tid = |k: usize| ticket_ids[p.rows[k] as usize];
    rows.sort_by(|a, b| (a.at, tid(a.k), line[a.i]).cmp(&(b.at, tid(b.k), line[b.i])));
    let dates: Vec<chrono::NaiveDate> = rows.iter().map(|r| local_date(tz, r.at)).collect();
    let periods: Vec<String> = dates
        .iter()
        .map(|d| Quarter::containing(*d).label())
        .collect();
    DataFrame::new_infer_height(vec![
        strings("ticket_id", rows.iter().map(|r| tid(r.k))),
        strings(
            "customer_id",
            rows.iter().map(|r| customers[p.rows[r.k] as usize]),
        ),
        strings("contract_id", rows.iter().map(|r| p.contract_id(r.k))),
        datetime("at", rows.iter().map(|r| Some(r.at)).collect())?,
        Series::new(
            "date".into(),
            dates
                .iter()
                .map(|d| Some(days_from_epoch(*d)))
                .collect::<Vec<Option<i32>>>(),
        )
        .cast(&DataType::Date)?
        .into(),
        strings("period", periods.iter().map(|s| Some(s.as_str()))),
        strings("level", rows.iter().map(|r| value[r.i])),
        strings(
            "raised_by",
            rows.iter().map(|r| actor[r.i].filter(|a| !a.is_empty())),
        ),
        strings("priority", rows.iter().map(|r| Some(r.priority))),
        strings(
            "engineer_id",
            rows.iter().map(|r| p.engineer_id(r.engineer)),
        ),
        Series::new(
            "source_line".into(),
            rows.iter().map(|r| line[r.i]).collect::<Vec<Option<i64>>>(),
        )
        .into(),
    ])
}

/// Which part of a breached row's elapsed time a stretch of the ticket's life belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// No engineer assigned (before any reassignment).
    Unassigned = 0,
    /// With the first engineer the ticket ever had.
    WithSupport = 1,
    /// From the first change from one engineer to another on, whoever holds it.
    AfterReassignment = 2,
}

/// The assignee's steps labelled with their part, and the instants of the reassignments: an
/// assignment to an engineer other than the last engineer the ticket had (A -> B, and A ->
/// unassigned -> B; not A -> unassigned -> A).
fn parts_of(steps: &[(i64, u32)]) -> (Vec<Part>, Vec<i64>) {
    let mut last: Option<u32> = None;
    let mut reassignments = Vec::new();
    let mut parts = Vec::with_capacity(steps.len());
    for &(at, who) in steps {
        if who != NOBODY {
            if last.is_some_and(|l| l != who) {
                reassignments.push(at);
            }
            last = Some(who);
        }
        parts.push(if !reassignments.is_empty() {
            Part::AfterReassignment
        } else if who == NOBODY {
            Part::Unassigned
        } else {
            Part::WithSupport
        });
    }
    (parts, reassignments)
}

/// One breached row's attribution.
struct Attributed {
    holder: u32,
    reassignments: i64,
    seconds: [i64; 3],
}

/// `breach_attribution`: one row per `ticket_sla` row with state `breached` whose period is one
/// of `spans` (waived rows included, flagged): the row's keys and clock, the holder at
/// breached_at (assignee after every event at or before it, edge rule 3) and their team,
/// the reassignments at or before breached_at, and the row's elapsed seconds split into
/// unassigned / with the first engineer / after the first reassignment (see `Part`). Sorted by
/// period, ticket_id, metric (first_response, update, resolution, system_down).
pub fn breach_attribution(
    p: &Prepared,
    sla: &DataFrame,
    spans: &[Span],
    teams: &HashMap<String, String>,
) -> PolarsResult<DataFrame> {
    let labels: Vec<String> = spans.iter().map(|s| s.label()).collect();
    // The breached rows of the periods first (a small share of the table), then their columns.
    let mask: BooleanChunked = str_col(sla, "state")?
        .iter()
        .zip(str_col(sla, "period")?.iter())
        .map(|(state, period)| {
            Some(state == Some("breached") && period.is_some_and(|p| labels.iter().any(|l| l == p)))
        })
        .collect();
    let sla = &sla.filter(&mask)?;
    tracing::debug!(
        "breach attribution: {} breached rows in the periods",
        sla.height()
    );
    let ids = strs(str_col(sla, "ticket_id")?);
    let customers = strs(str_col(sla, "customer_id")?);
    let contracts = strs(str_col(sla, "contract_id")?);
    let priorities = strs(str_col(sla, "priority")?);
    let metrics = strs(str_col(sla, "metric")?);
    let periods = strs(str_col(sla, "period")?);
    let clocks = strs(str_col(sla, "clock")?);
    let states = strs(str_col(sla, "state")?);
    let target: Vec<Option<i64>> = sla.column("target_seconds")?.i64()?.iter().collect();
    let elapsed: Vec<Option<i64>> = sla.column("elapsed_seconds")?.i64()?.iter().collect();
    let breached_at = secs_col(sla, "breached_at")?;
    let waived: Vec<bool> = match sla.column("waived") {
        Ok(c) => c.bool()?.iter().map(|v| v.unwrap_or(false)).collect(),
        Err(_) => vec![false; sla.height()],
    };
    let numbers = p.ticket_numbers()?;

    let metric_of = |m: Option<&str>| -> Option<Metric> {
        match m? {
            "system_down" => Some(Metric::SystemDown),
            m => Metric::parse(m),
        }
    };
    // (row, ticket number, metric), rows of one ticket together.
    let mut picked: Vec<(usize, usize, Metric)> = Vec::new();
    for i in 0..sla.height() {
        if states[i] != Some("breached") {
            continue;
        }
        let (Some(k), Some(m)) = (ids[i].and_then(|id| numbers.get(id)), metric_of(metrics[i]))
        else {
            continue;
        };
        picked.push((i, *k, m));
    }
    picked.sort_by_key(|&(i, k, m)| (k, m, i));

    // Each ticket's clocks once, in parallel.
    let rules = p.rules();
    let mut groups: Vec<&[(usize, usize, Metric)]> = Vec::new();
    let mut rest: &[(usize, usize, Metric)] = &picked;
    while let Some(&(_, k, _)) = rest.first() {
        let n = rest.iter().take_while(|r| r.1 == k).count();
        let (g, r) = rest.split_at(n);
        groups.push(g);
        rest = r;
    }
    let results: Vec<Vec<(usize, Attributed)>> = groups
        .par_iter()
        .map(|g| {
            let k = g[0].1;
            let t = p.ticket(k);
            let (out, active) = ticket_clocks_traced(&t, &rules);
            let steps = assignee_steps(&t);
            let (parts, reassigned) = parts_of(&steps);
            g.iter()
                .filter_map(|&(i, _, m)| {
                    let row = out.sla.iter().find(|r| r.metric == m)?;
                    let due = row.breached_at?;
                    let cal = &rules.calendars[row.calendar as usize];
                    let mut seconds = [0i64; 3];
                    for (a, b) in measured(&t, &rules, row, &out, &active) {
                        for (j, &(from, _)) in steps.iter().enumerate() {
                            let to = steps.get(j + 1).map_or(i64::MAX, |s| s.0);
                            let (lo, hi) = (a.max(from), b.min(to));
                            if lo < hi {
                                seconds[parts[j] as usize] += cal.between(lo, hi);
                            }
                        }
                    }
                    debug_assert_eq!(
                        seconds.iter().sum::<i64>(),
                        row.elapsed,
                        "breach attribution of row {i} does not add up"
                    );
                    let n = steps.partition_point(|s| s.0 <= due);
                    let holder = n.checked_sub(1).map_or(NOBODY, |j| steps[j].1);
                    Some((
                        i,
                        Attributed {
                            holder,
                            reassignments: reassigned.iter().filter(|&&r| r <= due).count() as i64,
                            seconds,
                        },
                    ))
                })
                .collect()
        })
        .collect();
    let mut rows: Vec<(usize, Metric, Attributed)> = Vec::new();
    for (g, r) in groups.iter().zip(results) {
        for (i, a) in r {
            let m = g.iter().find(|x| x.0 == i).map(|x| x.2).unwrap();
            rows.push((i, m, a));
        }
    }
    rows.sort_by(|a, b| (periods[a.0], ids[a.0], a.1).cmp(&(periods[b.0], ids[b.0], b.1)));

    let holder = |a: &Attributed| p.engineer_id(a.holder);
    DataFrame::new_infer_height(vec![
        strings("period", rows.iter().map(|r| periods[r.0])),
        strings("ticket_id", rows.iter().map(|r| ids[r.0])),
        strings("customer_id", rows.iter().map(|r| customers[r.0])),
        strings("contract_id", rows.iter().map(|r| contracts[r.0])),
        strings("priority", rows.iter().map(|r| priorities[r.0])),
        strings("metric", rows.iter().map(|r| metrics[r.0])),
        strings("clock", rows.iter().map(|r| clocks[r.0])),
        Series::new(
            "target_seconds".into(),
            rows.iter().map(|r| target[r.0]).collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "elapsed_seconds".into(),
            rows.iter().map(|r| elapsed[r.0]).collect::<Vec<_>>(),
        )
        .into(),
        datetime(
            "breached_at",
            rows.iter().map(|r| breached_at[r.0]).collect(),
        )?,
        strings("holder_engineer_id", rows.iter().map(|r| holder(&r.2))),
        strings(
            "holder_team",
            rows.iter()
                .map(|r| holder(&r.2).and_then(|e| teams.get(e)).map(String::as_str)),
        ),
        ints(
            "reassignments",
            rows.iter().map(|r| r.2.reassignments).collect(),
        ),
        ints(
            "unassigned_seconds",
            rows.iter().map(|r| r.2.seconds[0]).collect(),
        ),
        ints(
            "with_support_seconds",
            rows.iter().map(|r| r.2.seconds[1]).collect(),
        ),
        ints(
            "after_reassignment_seconds",
            rows.iter().map(|r| r.2.seconds[2]).collect(),
        ),
        Series::new(
            "waived".into(),
            rows.iter().map(|r| waived[r.0]).collect::<Vec<bool>>(),
        )
        .into(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_the_first_engineer_and_the_first_change() {
        // unassigned, A, unassigned, A, B, unassigned, A
        let steps = [
            (0, NOBODY),
            (10, 1),
            (20, NOBODY),
            (30, 1),
            (40, 2),
            (50, NOBODY),
            (60, 1),
        ];
        let (parts, re) = parts_of(&steps);
        use Part::*;
        assert_eq!(
            parts,
            vec![
                Unassigned,
                WithSupport,
                Unassigned,
                WithSupport,
                AfterReassignment,
                AfterReassignment,
                AfterReassignment
            ]
        );
        // A -> B at 40, B -> (nobody) -> A at 60.
        assert_eq!(re, vec![40, 60]);
        // A -> unassigned -> B is a reassignment.
        let (_, re) = parts_of(&[(0, 1), (5, NOBODY), (9, 2)]);
        assert_eq!(re, vec![9]);
    }
}
