//! The rules of `inputs.md` that a single cell cannot decide: rules within a row (an event's
//! value must fit its kind) and rules across rows and tables (unique ids, references,
//! overlapping contracts, plans without targets, events before their ticket).

use std::collections::{BTreeMap, HashMap, HashSet};

use polars::prelude::PlHashMap;

use super::{Table, Val};
use crate::model::config::{Calendar, CALENDAR_24X7};
use crate::model::schema::TableSpec;
use crate::model::{self as m};

/// Rules within one row, after its cells were read, with the columns they look at found once
/// per table rather than once per row.
pub(super) enum RowRule {
    /// `end_date` not before `start_date`; `renewal_date` defaults to `end_date` + 1 day.
    Contracts {
        start: usize,
        end: usize,
        renewal: usize,
    },
    /// `plan` or `contract_id`.
    Targets {
        plan: usize,
        contract: usize,
    },
    /// A `status` or `priority` event's value must be one.
    Events {
        kind: usize,
        value: usize,
    },
    /// `active_to` not before `active_from`.
    Engineers {
        from: usize,
        to: usize,
    },
    /// `done_at` not before `released_at` (a patch cannot be applied before it exists).
    Maintenance {
        released: usize,
        done: usize,
    },
    None,
}

impl RowRule {
    pub(super) fn for_spec(spec: &TableSpec) -> RowRule {
        match spec.name {
            "contracts" => RowRule::Contracts {
                start: spec.col("start_date"),
                end: spec.col("end_date"),
                renewal: spec.col("renewal_date"),
            },
            "sla_targets" => RowRule::Targets {
                plan: spec.col("plan"),
                contract: spec.col("contract_id"),
            },
            "ticket_events" => RowRule::Events {
                kind: spec.col("kind"),
                value: spec.col("value"),
            },
            "engineers" => RowRule::Engineers {
                from: spec.col("active_from"),
                to: spec.col("active_to"),
            },
            "maintenance" => RowRule::Maintenance {
                released: spec.col("released_at"),
                done: spec.col("done_at"),
            },
            _ => RowRule::None,
        }
    }

    /// Returns the column to blame and why.
    pub(super) fn check(&self, vals: &mut [Val]) -> Result<(), (&'static str, String)> {
        match *self {
            RowRule::Contracts {
                start,
                end,
                renewal,
            } => {
                if let (Some(a), Some(b)) = (vals[start].as_date(), vals[end].as_date()) {
                    if b < a {
                        return Err((
                            "end_date",
                            format!(
                                "`end_date` {} is before `start_date` {}",
                                m::date_from_days(b),
                                m::date_from_days(a)
                            ),
                        ));
                    }
                    // inputs.md: renewal_date defaults to end_date + 1 day; filled here so every
                    // later stage reads one column.
                    if vals[renewal] == Val::Null {
                        vals[renewal] = Val::Date(b + 1);
                    }
                }
            }
            RowRule::Targets { plan, contract } => {
                if vals[plan] == Val::Null && vals[contract] == Val::Null {
                    return Err(("plan", "either `plan` or `contract_id` is required".into()));
                }
            }
            RowRule::Events { kind, value } => {
                let kind = match vals[kind] {
                    Val::Static(s) => s,
                    _ => "",
                };
                match kind {
                    "status" => {
                        let Some(raw) = vals[value].as_str() else {
                            return Err((
                                "value",
                                "a `status` event needs the new status in `value`".into(),
                            ));
                        };
                        let st = m::Status::parse(raw).ok_or_else(|| {
                            (
                                "value",
                                format!("unknown status `{raw}`: expected new, open, pending, on_hold, solved or closed"),
                            )
                        })?;
                        vals[value] = Val::Static(st.as_str());
                    }
                    "priority" => {
                        let Some(raw) = vals[value].as_str() else {
                            return Err((
                                "value",
                                "a `priority` event needs the new priority in `value`".into(),
                            ));
                        };
                        let p = m::Priority::parse(raw).ok_or_else(|| {
                            (
                                "value",
                                format!("unknown priority `{raw}`: expected P1..P4, 1..4, urgent/high/normal/low or critical"),
                            )
                        })?;
                        vals[value] = Val::Static(p.as_str());
                    }
                    // The value of an `assign` event is an engineer id: the same rule as ids.
                    "assign" => {
                        if let Some(raw) = vals[value].as_str() {
                            if let Some(c) = m::hidden_char(raw) {
                                return Err(("value", super::hidden_char_reason("value", raw, c)));
                            }
                        }
                    }
                    _ => {}
                }
            }
            RowRule::Engineers { from, to } => {
                if let (Some(a), Some(b)) = (vals[from].as_date(), vals[to].as_date()) {
                    if b < a {
                        return Err((
                            "active_to",
                            format!(
                                "`active_to` {} is before `active_from` {}",
                                m::date_from_days(b),
                                m::date_from_days(a)
                            ),
                        ));
                    }
                }
            }
            RowRule::Maintenance { released, done } => {
                if let (Val::Ts(r), Val::Ts(d)) = (&vals[released], &vals[done]) {
                    if d < r {
                        return Err((
                            "done_at",
                            format!(
                                "`done_at` {} is before `released_at` {}: work cannot be done before its release; fix one of them",
                                m::format_utc(*d),
                                m::format_utc(*r)
                            ),
                        ));
                    }
                }
            }
            RowRule::None => {}
        }
        Ok(())
    }
}

fn idx(tables: &[Table], name: &str) -> usize {
    tables
        .iter()
        .position(|t| t.spec.name == name)
        .expect("known table")
}

/// The tables `check_front` needs and checks: they can be checked while the others are read.
pub(super) const FRONT: [&str; 3] = ["contracts", "sla_targets", "tickets"];

/// The rules across rows and tables that involve only contracts, targets and tickets, in
/// reference order. `tables` holds exactly the `FRONT` tables.
pub(super) fn check_front(tables: &mut [Table], calendars: &BTreeMap<String, Calendar>) {
    let contracts = idx(tables, "contracts");
    let targets = idx(tables, "sla_targets");
    let tickets = idx(tables, "tickets");

    // contracts: unique ids, known calendars, no overlap within a customer
    unique_key(&mut tables[contracts], "contract_id");
    calendar_refs(&mut tables[contracts], calendars);
    overlapping_contracts(&mut tables[contracts]);

    // sla_targets: references to accepted contracts, one row per scope, priority and metric
    target_rules(tables, contracts, targets);
    // contracts whose plan has no targets (checked after the targets themselves)
    plans_without_targets(tables, contracts, targets);

    let started = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!("table pass: {what} at {:.2?}", started.elapsed());
    // tickets: unique ids (newer updated_at wins), customer must hold a contract
    duplicate_tickets(&mut tables[tickets]);
    lap("duplicate tickets");
    let customers: HashSet<String> = accepted_values(&tables[contracts], "customer_id")
        .into_iter()
        .collect();
    let rejected_customers: HashMap<String, u64> = rejected_keys(&tables[contracts], "customer_id");
    {
        let t = &mut tables[tickets];
        let col = t.spec.col("customer_id");
        for i in 0..t.len() {
            if !t.keep[i] {
                continue;
            }
            if customers.contains(t.str(col, i).unwrap_or_default()) {
                continue;
            }
            let cid = t.owned(col, i).unwrap_or_default();
            let reason = match rejected_customers.get(&cid) {
                Some(line) => format!("customer `{cid}` has no accepted contract (its contract on contracts line {line} was rejected)"),
                None => format!("customer `{cid}` has no contract in contracts"),
            };
            t.reject_row(i, "customer_id", Some(cid), reason);
        }
    }

    lap("customers");
}

/// The rest of the rules across tables, after `check_front`: events and surveys against the
/// accepted tickets, unique survey, engineer and article ids.
pub(super) fn check_rest(tables: &mut [Table], calendars: &BTreeMap<String, Calendar>) {
    let tickets = idx(tables, "tickets");
    let events = idx(tables, "ticket_events");
    let surveys = idx(tables, "surveys");
    let engineers = idx(tables, "engineers");
    let kb = idx(tables, "kb_articles");
    let started = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!("table pass: {what} at {:.2?}", started.elapsed());
    // events and surveys point at accepted tickets; events not before their ticket
    let ticket_rejected = rejected_keys(&tables[tickets], "ticket_id");
    unique_key(&mut tables[surveys], "survey_id");
    lap("rejected tickets, unique surveys");
    {
        // Borrow the tickets while the events and surveys are checked against them (the tables
        // are in ALL_TABLES order: tickets, then events, then surveys).
        assert!(tickets < events && events < surveys);
        let (left, right) = tables.split_at_mut(events);
        let ticket_created = ticket_index(&left[tickets]);
        lap("ticket index");
        ticket_refs(&mut right[0], &ticket_created, &ticket_rejected, Some("at"));
        lap("events");
        ticket_refs(
            &mut right[surveys - events],
            &ticket_created,
            &ticket_rejected,
            None,
        );
    }

    lap("surveys");
    unique_key(&mut tables[engineers], "engineer_id");
    calendar_refs(&mut tables[engineers], calendars);
    unique_key(&mut tables[kb], "article_id");
    lap("engineers, kb");

    // review.md's optional files: maintenance and actions point at accepted contracts and
    // have unique ids; waivers point at accepted tickets, one per ticket and metric.
    let contracts = idx(tables, "contracts");
    let maintenance = idx(tables, "maintenance");
    let waivers = idx(tables, "waivers");
    let actions = idx(tables, "actions");
    unique_key(&mut tables[maintenance], "maintenance_id");
    contract_refs(tables, contracts, maintenance);
    unique_key(&mut tables[actions], "action_id");
    contract_refs(tables, contracts, actions);
    {
        assert!(tickets < waivers);
        let (left, right) = tables.split_at_mut(waivers);
        let ticket_created = ticket_index(&left[tickets]);
        ticket_refs(&mut right[0], &ticket_created, &ticket_rejected, None);
    }
    duplicate_waivers(&mut tables[waivers]);
    lap("maintenance, waivers, actions");
}

/// Rows of table `at` whose `contract_id` is not an accepted contract are rejects, saying so
/// when that contract was itself rejected.
fn contract_refs(tables: &mut [Table], contracts: usize, at: usize) {
    if tables[at].is_empty() {
        return;
    }
    let accepted: HashSet<String> = accepted_values(&tables[contracts], "contract_id")
        .into_iter()
        .collect();
    let rejected = rejected_keys(&tables[contracts], "contract_id");
    let t = &mut tables[at];
    let cid = t.spec.col("contract_id");
    let what = t.spec.name;
    for i in 0..t.len() {
        if !t.keep[i] {
            continue;
        }
        let Some(c) = t.owned(cid, i) else {
            continue;
        };
        if !accepted.contains(&c) {
            let reason = match rejected.get(&c) {
                Some(line) => format!("contract `{c}` was rejected (contracts line {line}), so this {what} row cannot be kept"),
                None => format!("contract `{c}` not found in contracts"),
            };
            t.reject_row(i, "contract_id", Some(c), reason);
        }
    }
}

/// A ticket waived twice for one metric, or waived for `all` and for anything else, has two
/// reasons and approvals for one exclusion: which is right would be a guess, so all its rows
/// in conflict are rejected.
fn duplicate_waivers(t: &mut Table) {
    let (tid, met) = (t.spec.col("ticket_id"), t.spec.col("metric"));
    let mut by_ticket: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in 0..t.len() {
        if t.keep[i] {
            by_ticket
                .entry(t.owned(tid, i).unwrap_or_default())
                .or_default()
                .push(i);
        }
    }
    let mut bad: Vec<(usize, String)> = Vec::new();
    for (ticket, rows) in by_ticket.into_iter().filter(|(_, r)| r.len() > 1) {
        let metric = |r: usize| t.str(met, r).unwrap_or_default();
        let has_all = rows.iter().any(|&r| metric(r) == "all");
        for &r in &rows {
            let others: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|&o| o != r && (has_all || metric(o) == metric(r)))
                .collect();
            if others.is_empty() {
                continue;
            }
            let lines: Vec<String> = others.iter().map(|&o| t.line(o).to_string()).collect();
            let what = if has_all {
                format!(
                    "has a waiver for `all` metrics and another waiver (line {})",
                    lines.join(", ")
                )
            } else {
                format!(
                    "is waived for `{}` more than once (line {})",
                    metric(r),
                    lines.join(", ")
                )
            };
            bad.push((
                r,
                format!(
                    "ticket `{ticket}` {what}: cannot tell which reason and approval is right; keep one"
                ),
            ));
        }
    }
    for (r, reason) in bad {
        let v = t.owned(met, r);
        t.reject_row(r, "metric", v, reason);
    }
}

fn accepted_values(t: &Table, col: &str) -> Vec<String> {
    let c = t.col(col);
    (0..t.len())
        .filter(|&i| t.keep[i])
        .filter_map(|i| t.owned(c, i))
        .collect()
}

/// Values of `col` in rejected rows that no accepted row carries, with the first line of such a
/// rejected row, so a cascading reject can say where it started.
fn rejected_keys(t: &Table, col: &str) -> HashMap<String, u64> {
    let ci = t.spec.col(col);
    let mut out: HashMap<String, u64> = HashMap::new();
    let mut note = |v: &str, line: u64| {
        let e = out.entry(v.to_string()).or_insert(line);
        *e = (*e).min(line);
    };
    for i in 0..t.len() {
        if !t.keep[i] {
            if let Some(v) = t.str(ci, i) {
                note(v, t.line(i));
            }
        }
    }
    for (c, v, line) in &t.rejected_ids {
        if *c == ci {
            note(v, *line);
        }
    }
    if !out.is_empty() {
        for i in 0..t.len() {
            if t.keep[i] {
                if let Some(v) = t.str(ci, i) {
                    out.remove(v);
                }
            }
        }
    }
    out
}

/// Rows sharing a key are all rejected: which of them is right would be a guess.
fn unique_key(t: &mut Table, key: &str) {
    let col = t.spec.col(key);
    let groups = duplicate_groups(t, col);
    for rows in groups {
        let k = t.owned(col, rows[0]).unwrap_or_default();
        let lines: Vec<String> = rows.iter().map(|&r| t.line(r).to_string()).collect();
        for &r in &rows {
            let reason = format!(
                "duplicate {key} `{k}` (lines {}): cannot tell which row is right; keep one",
                lines.join(", ")
            );
            t.reject_row(r, key, Some(k.clone()), reason);
        }
    }
}

/// Groups of accepted rows sharing a value of `col`, in order of first appearance. Borrows the
/// values (no copy per row), and only ids seen twice get a group.
fn duplicate_groups(t: &Table, col: usize) -> Vec<Vec<usize>> {
    let mut first: PlHashMap<&str, usize> =
        PlHashMap::with_capacity_and_hasher(t.len(), Default::default());
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (start, p) in t.parts_at() {
        let c = p.cols[col].str();
        for j in 0..c.len() {
            let i = start + j;
            if !t.keep[i] {
                continue;
            }
            let Some(k) = c.get(j) else { continue };
            let f = *first.entry(k).or_insert(i);
            if f != i {
                groups.entry(f).or_insert_with(|| vec![f]).push(i);
            }
        }
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    out.sort_by_key(|g| g[0]);
    out
}

fn calendar_refs(t: &mut Table, calendars: &BTreeMap<String, Calendar>) {
    let col = t.spec.col("calendar_id");
    for i in 0..t.len() {
        let Some(cal) = t.owned(col, i) else {
            continue;
        };
        if cal != CALENDAR_24X7 && !calendars.contains_key(&cal) {
            t.reject_row(
                i,
                "calendar_id",
                Some(cal.clone()),
                format!("unknown calendar `{cal}`: define it in calendars.toml or use `24x7`"),
            );
        }
    }
}

fn overlapping_contracts(t: &mut Table) {
    let (cust, id, start, end) = (
        t.spec.col("customer_id"),
        t.spec.col("contract_id"),
        t.spec.col("start_date"),
        t.spec.col("end_date"),
    );
    let mut by_customer: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in 0..t.len() {
        if t.keep[i] {
            by_customer
                .entry(t.owned(cust, i).unwrap_or_default())
                .or_default()
                .push(i);
        }
    }
    let mut bad: Vec<(usize, String)> = Vec::new();
    for rows in by_customer.values() {
        for (a_pos, &a) in rows.iter().enumerate() {
            for &b in &rows[a_pos + 1..] {
                let (sa, ea) = (t.date(start, a).unwrap(), t.date(end, a).unwrap());
                let (sb, eb) = (t.date(start, b).unwrap(), t.date(end, b).unwrap());
                if sa <= eb && sb <= ea {
                    let name = |r: usize| t.owned(id, r).unwrap_or_default();
                    let customer = t.owned(cust, a).unwrap_or_default();
                    for (me, other) in [(a, b), (b, a)] {
                        bad.push((
                            me,
                            format!(
                                "contracts of customer `{customer}` overlap: `{}` (line {}) and `{}` (line {}); a customer's contracts must not overlap, so fix the dates of one",
                                name(me), t.line(me), name(other), t.line(other)
                            ),
                        ));
                    }
                }
            }
        }
    }
    for (r, reason) in bad {
        let v = t.owned(id, r);
        t.reject_row(r, "start_date", v, reason);
    }
}

fn target_rules(tables: &mut [Table], contracts: usize, targets: usize) {
    let accepted: HashSet<String> = accepted_values(&tables[contracts], "contract_id")
        .into_iter()
        .collect();
    let rejected = rejected_keys(&tables[contracts], "contract_id");
    let t = &mut tables[targets];
    let (plan, cid, pri, met) = (
        t.spec.col("plan"),
        t.spec.col("contract_id"),
        t.spec.col("priority"),
        t.spec.col("metric"),
    );
    for i in 0..t.len() {
        let Some(c) = t.owned(cid, i) else {
            continue;
        };
        if !accepted.contains(&c) {
            let reason = match rejected.get(&c) {
                Some(line) => format!("contract `{c}` was rejected (contracts line {line}), so its target cannot apply"),
                None => format!("contract `{c}` not found in contracts"),
            };
            t.reject_row(i, "contract_id", Some(c), reason);
        }
    }
    // One row per (scope, priority, metric): two would be two different promises.
    let mut seen: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
    for i in 0..t.len() {
        if !t.keep[i] {
            continue;
        }
        let scope = match t.str(cid, i) {
            Some(c) => format!("contract `{c}`"),
            None => format!("plan `{}`", t.owned(plan, i).unwrap_or_default()),
        };
        let key = (
            scope,
            t.str(pri, i).unwrap().to_string(),
            t.str(met, i).unwrap().to_string(),
        );
        seen.entry(key).or_default().push(i);
    }
    let mut dups: Vec<_> = seen.into_iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort_by_key(|(_, rows)| rows[0]);
    for ((scope, p, mt), rows) in dups {
        let lines: Vec<String> = rows.iter().map(|&r| t.line(r).to_string()).collect();
        for &r in &rows {
            t.reject_row(
                r,
                "metric",
                Some(mt.clone()),
                format!(
                    "{scope} has more than one {p} `{mt}` target (lines {}); keep one",
                    lines.join(", ")
                ),
            );
        }
    }
}

fn plans_without_targets(tables: &mut [Table], contracts: usize, targets: usize) {
    let tg = &tables[targets];
    let mut plans: HashSet<String> = HashSet::new();
    let mut own: HashSet<String> = HashSet::new();
    for i in 0..tg.len() {
        if !tg.keep[i] {
            continue;
        }
        match (tg.str(tg.col("contract_id"), i), tg.str(tg.col("plan"), i)) {
            (Some(c), _) => {
                own.insert(c.to_string());
            }
            (None, Some(p)) => {
                plans.insert(p.to_string());
            }
            (None, None) => {}
        }
    }
    let t = &mut tables[contracts];
    let (plan, id) = (t.spec.col("plan"), t.spec.col("contract_id"));
    for i in 0..t.len() {
        let p = t.owned(plan, i).unwrap_or_default();
        let c = t.owned(id, i).unwrap_or_default();
        if !plans.contains(&p) && !own.contains(&c) {
            t.reject_row(
                i,
                "plan",
                Some(p.clone()),
                format!("plan `{p}` has no targets in sla_targets and contract `{c}` has none of its own; add the plan's targets"),
            );
        }
    }
}

fn duplicate_tickets(t: &mut Table) {
    let (id, upd) = (t.spec.col("ticket_id"), t.spec.col("updated_at"));
    for rows in duplicate_groups(t, id) {
        let k = t.owned(id, rows[0]).unwrap_or_default();
        let stamps: Vec<Option<i64>> = rows.iter().map(|&r| t.ts(upd, r)).collect();
        let newest = stamps.iter().flatten().max().copied();
        let winners: Vec<usize> = match newest {
            Some(n) if stamps.iter().all(|s| s.is_some()) => rows
                .iter()
                .zip(&stamps)
                .filter(|(_, s)| **s == Some(n))
                .map(|(r, _)| *r)
                .collect(),
            _ => Vec::new(),
        };
        if winners.len() == 1 {
            let w = winners[0];
            for &r in rows.iter().filter(|&&r| r != w) {
                t.reject_row(
                    r,
                    "ticket_id",
                    Some(k.clone()),
                    format!(
                        "duplicate ticket_id `{k}`: superseded by line {}, whose updated_at is newer",
                        t.line(w)
                    ),
                );
            }
        } else {
            let lines: Vec<String> = rows.iter().map(|&r| t.line(r).to_string()).collect();
            for &r in &rows {
                t.reject_row(
                    r,
                    "ticket_id",
                    Some(k.clone()),
                    format!(
                        "duplicate ticket_id `{k}` (lines {}) and updated_at does not tell which is newer; keep one",
                        lines.join(", ")
                    ),
                );
            }
        }
    }
}

/// Accepted tickets' created_at by id (borrowed from the tickets table).
fn ticket_index(t: &Table) -> PlHashMap<&str, i64> {
    let (id, created) = (t.col("ticket_id"), t.col("created_at"));
    let mut ok = PlHashMap::with_capacity_and_hasher(t.len(), Default::default());
    for (start, p) in t.parts_at() {
        let (ids, at) = (p.cols[id].str(), p.cols[created].ts());
        for j in 0..ids.len() {
            if t.keep[start + j] {
                if let (Some(k), Some(c)) = (ids.get(j), at.get(j)) {
                    ok.insert(k, c);
                }
            }
        }
    }
    ok
}

/// Rows of `t` must point at an accepted ticket and, for events, not come before it. The
/// verdicts are computed in parallel over borrowed ids; only rejects allocate.
fn ticket_refs(
    t: &mut Table,
    created: &PlHashMap<&str, i64>,
    rejected: &HashMap<String, u64>,
    not_before: Option<&str>,
) {
    use rayon::prelude::*;
    let id = t.spec.col("ticket_id");
    let at = not_before.map(|c| t.spec.col(c));
    let verdicts: Vec<(usize, &'static str, String, String)> = {
        let keep = &t.keep;
        // Part by part in parallel, reading each part's columns directly.
        t.parts_at()
            .into_par_iter()
            .flat_map_iter(|(start, p)| {
                let (ids, ats) = (p.cols[id].str(), at.map(|a| p.cols[a].ts()));
                // Rows of one ticket usually come together: the last lookup is kept.
                let mut last: Option<(&str, Option<i64>)> = None;
                (0..p.lines.len()).filter_map(move |j| {
                    let i = start + j;
                    if !keep[i] {
                        return None;
                    }
                    let k = ids.get(j).unwrap_or_default();
                    let found = match last {
                        Some((lk, v)) if lk == k => v,
                        _ => {
                            let v = created.get(k).copied();
                            last = Some((k, v));
                            v
                        }
                    };
                    match found {
                        None => {
                            let reason = match rejected.get(k) {
                                Some(line) => format!(
                                    "ticket `{k}` was rejected (tickets line {line}), so this row cannot be kept"
                                ),
                                None => format!("ticket `{k}` not found in tickets"),
                            };
                            Some((i, "ticket_id", k.to_string(), reason))
                        }
                        Some(c) => {
                            let when = ats.and_then(|a| a.get(j))?;
                            (when < c).then(|| {
                                (
                                    i,
                                    "at",
                                    m::format_utc(when),
                                    format!(
                                        "event at {} is before its ticket `{k}` was created ({}); check the export's time zones",
                                        m::format_utc(when),
                                        m::format_utc(c)
                                    ),
                                )
                            })
                        }
                    }
                })
            })
            .collect()
    };
    for (i, column, value, reason) in verdicts {
        t.reject_row(i, column, Some(value), reason);
    }
}

/// Edge rule 1: the latest of `tickets.created_at`, `tickets.updated_at` and `ticket_events.at`
/// among accepted rows, with the file, line and column it came from (the first such cell in
/// that order of columns and in file order, when several hold the same instant).
pub(super) fn latest_instant(tables: &[Table]) -> Option<(i64, super::AsOfOrigin)> {
    // (instant, table, column, row)
    let mut best: Option<(i64, usize, &'static str, usize)> = None;
    for (table, cols) in [
        ("tickets", &["created_at", "updated_at"][..]),
        ("ticket_events", &["at"][..]),
    ] {
        let ti = idx(tables, table);
        let t = &tables[ti];
        for &name in cols {
            let c = t.col(name);
            for (start, p) in t.parts_at() {
                let ts = p.cols[c].ts();
                for j in 0..ts.len() {
                    if let (true, Some(x)) = (t.keep[start + j], ts.get(j)) {
                        if best.is_none_or(|b| x > b.0) {
                            best = Some((x, ti, name, start + j));
                        }
                    }
                }
            }
        }
    }
    best.map(|(x, ti, column, row)| {
        let t = &tables[ti];
        (
            x,
            super::AsOfOrigin {
                file: t.file_name(),
                line: t.line(row),
                column,
            },
        )
    })
}
