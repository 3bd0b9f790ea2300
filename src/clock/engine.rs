//! The SLA clocks of one ticket: a pure function from the ticket, its events (in order) and the
//! contract's targets to its `ticket_facts` row, its `ticket_sla` rows and its update windows.
//!
//! One pass over the events replays the ticket's life (status, priority, assignee, replies) and
//! records what the clocks need: active stretches, the first reply, solves, reopens and the
//! update windows. Targets are looked up after the pass, because "the priority in force at t"
//! takes every event at `t` into account, including events later in file order (edge rule 3).
//! Every definition here is `shared/spec/metrics.md`; the numbered edge rules are cited where
//! they decide something.

use crate::model::{Priority, Status};

use super::arith::after;
use super::calendar::BusinessTime;

/// No engineer (unassigned, or no assignee given).
pub const NOBODY: u32 = u32::MAX;

/// One event of a ticket, already parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    AgentReply,
    CustomerReply,
    InternalNote,
    Status(Status),
    /// An engineer (an index the caller keeps), or `NOBODY` for unassigned.
    Assign(u32),
    Priority(Priority),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub at: i64,
    pub kind: EventKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    FirstResponse,
    Update,
    Resolution,
    SystemDown,
}

impl Metric {
    /// The three metrics a contract's targets can name, in `sla_targets` order.
    pub const TARGETED: [Metric; 3] = [Metric::FirstResponse, Metric::Update, Metric::Resolution];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::Update => "update",
            Metric::Resolution => "resolution",
            Metric::SystemDown => "system_down",
        }
    }

    pub fn parse(s: &str) -> Option<Metric> {
        Metric::TARGETED.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Met,
    Breached,
    InProgress,
    NotApplicable,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Met => "met",
            State::Breached => "breached",
            State::InProgress => "in_progress",
            State::NotApplicable => "not_applicable",
        }
    }
}

/// Why an update window ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    AgentReply,
    Paused,
    Solved,
    AsOf,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::AgentReply => "agent_reply",
            EndReason::Paused => "paused",
            EndReason::Solved => "solved",
            EndReason::AsOf => "as_of",
        }
    }
}

/// One promised target, resolved for one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub seconds: i64,
    /// `business` (the contract's calendar) or `calendar` (24x7).
    pub business: bool,
    /// Index of the business-time table to measure on (`24x7` for calendar clocks).
    pub calendar: u32,
}

/// A contract's targets: `[metric][priority]` for the three targeted metrics.
pub type Targets = [[Option<Target>; 4]; 3];

fn target_of(targets: &Targets, metric: Metric, p: Priority) -> Option<Target> {
    targets[metric as usize][p as usize]
}

/// Everything the clocks of one run share.
pub struct Rules<'a> {
    pub as_of: i64,
    /// `system_down_max_hours` × 3600.
    pub system_down_target: i64,
    /// `reopen_window_days` × 86400.
    pub reopen_window: i64,
    /// Business-time tables, indexed by `Target::calendar`.
    pub calendars: &'a [BusinessTime],
    /// Index of `24x7` in `calendars`.
    pub always: u32,
}

/// One ticket as the clocks see it.
pub struct TicketIn<'a> {
    pub created: i64,
    pub priority_filed: Priority,
    pub system_down: bool,
    /// `tickets.status`: used only when the ticket has no events (edge rule 4).
    pub export_status: Status,
    /// `tickets.assignee_id`: the assignee only if no `assign` event exists.
    pub export_assignee: u32,
    /// The targets of the contract the ticket falls in; `None` outside any contract.
    pub targets: Option<&'a Targets>,
    /// Events at or before as_of, ordered by `at`, ties in file order.
    pub events: &'a [Event],
}

/// The ticket-level facts (`ticket_facts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub priority: Priority,
    pub first_reply_at: Option<i64>,
    pub first_solved_at: Option<i64>,
    pub final_solved_at: Option<i64>,
    pub agent_replies: u32,
    pub reopens: u32,
    pub one_touch: bool,
    pub assignee_at_first_solve: u32,
    pub status_at_as_of: Status,
    /// For `data_quality` (edge rule 4): no events at all, or the last status event differs
    /// from `tickets.status`.
    pub no_events: bool,
    pub export_status_differs: bool,
}

/// One `ticket_sla` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaRow {
    pub metric: Metric,
    pub priority: Priority,
    pub target_seconds: i64,
    pub business: bool,
    pub calendar: u32,
    pub elapsed: i64,
    pub state: State,
    pub breached_at: Option<i64>,
    pub stopped_at: Option<i64>,
    /// For `update` only: windows and breached windows.
    pub windows: Option<(u32, u32)>,
}

/// One `update_windows` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub window_no: u32,
    pub started_at: i64,
    pub ended_at: i64,
    pub end_reason: EndReason,
    pub priority: Priority,
    pub target_seconds: i64,
    pub business: bool,
    pub calendar: u32,
    pub elapsed: i64,
    pub breached: bool,
    pub breached_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketOut {
    pub facts: Facts,
    pub sla: Vec<SlaRow>,
    pub windows: Vec<Window>,
}

/// How the first-response clock ended, if it did.
#[derive(Clone, Copy)]
enum FirstStop {
    Reply(i64),
    /// Settled at the first solve with no reply before it (edge rule 6).
    Solve(i64),
}

/// A value that changes at instants: the value in force at `t` is the last change at or before
/// `t` (edge rule 3), else `initial`.
struct Changes<T: Copy> {
    initial: T,
    at: Vec<(i64, T)>,
}

impl<T: Copy> Changes<T> {
    fn at(&self, t: i64) -> T {
        let n = self.at.partition_point(|(a, _)| *a <= t);
        if n == 0 {
            self.initial
        } else {
            self.at[n - 1].1
        }
    }
    fn last(&self) -> T {
        self.at.last().map_or(self.initial, |x| x.1)
    }
}

/// The state a ticket starts in at `created_at`, before its events: the exported status if it
/// has no events at all (edge rule 4), else `new`; `tickets.assignee_id` if no `assign` event
/// exists, else unassigned (metrics.md, Backlog).
pub fn initial_state(t: &TicketIn) -> (Status, u32) {
    let status = if t.events.is_empty() {
        t.export_status
    } else {
        Status::New
    };
    let has_assign = t
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Assign(_)));
    (
        status,
        if has_assign {
            NOBODY
        } else {
            t.export_assignee
        },
    )
}

/// The clocks of one ticket.
pub fn ticket_clocks(t: &TicketIn, rules: &Rules) -> TicketOut {
    ticket_clocks_traced(t, rules).0
}

/// The clocks of one ticket, and the active stretches `[from, to)` the resolution clock counted
/// (in order, up to the final solve or as_of), for tables that split a row's elapsed time
/// (`measured`).
pub fn ticket_clocks_traced(t: &TicketIn, rules: &Rules) -> (TicketOut, Vec<(i64, i64)>) {
    let as_of = rules.as_of;
    let no_events = t.events.is_empty();

    // Edge rule 4: a ticket with no events has its exported status from created_at on.
    let (mut status, first_assignee) = initial_state(t);
    let mut active_since = status.is_active().then_some(t.created);
    let mut active: Vec<(i64, i64)> = Vec::new();

    let mut solves: Vec<i64> = Vec::new();
    let mut first_reopen_after_solve: Option<i64> = None;
    let mut reopens = 0u32;
    let mut agent_replies = 0u32;
    let mut replies_before_first_solve = 0u32;
    let mut first_reply_at: Option<i64> = None;
    let mut first_stop: Option<FirstStop> = None;
    let mut last_status_event: Option<Status> = None;

    let mut priority = Changes {
        initial: t.priority_filed,
        at: Vec::new(),
    };
    let mut assignee = Changes {
        initial: first_assignee,
        at: Vec::new(),
    };

    // Update windows as (start, end, reason), before targets are known.
    let mut windows: Vec<(i64, i64, EndReason)> = Vec::new();
    let mut open_window: Option<i64> = None;
    let close = |open: &mut Option<i64>, w: &mut Vec<(i64, i64, EndReason)>, at, why| {
        if let Some(s) = open.take() {
            // Edge rule 7: zero calendar length is not a window.
            if at > s {
                w.push((s, at, why));
            }
        }
    };

    if no_events && status.is_done() {
        solves.push(t.created);
        first_stop = Some(FirstStop::Solve(t.created));
    }

    for e in t.events {
        let at = e.at;
        match e.kind {
            EventKind::AgentReply => {
                agent_replies += 1;
                if solves.is_empty() {
                    replies_before_first_solve += 1;
                }
                if first_reply_at.is_none() {
                    first_reply_at = Some(at);
                }
                if first_stop.is_none() {
                    first_stop = Some(FirstStop::Reply(at));
                }
                if status.is_active() {
                    close(&mut open_window, &mut windows, at, EndReason::AgentReply);
                    open_window = Some(at);
                }
            }
            EventKind::CustomerReply | EventKind::InternalNote => {}
            EventKind::Assign(who) => assignee.at.push((at, who)),
            EventKind::Priority(p) => priority.at.push((at, p)),
            EventKind::Status(new) => {
                last_status_event = Some(new);
                if new == status {
                    continue;
                }
                if let Some(s) = active_since.take() {
                    active.push((s, at));
                }
                if new.is_active() {
                    active_since = Some(at);
                }
                if !status.is_done() && new.is_done() {
                    if solves.is_empty() && first_stop.is_none() {
                        first_stop = Some(FirstStop::Solve(at));
                    }
                    solves.push(at);
                    close(&mut open_window, &mut windows, at, EndReason::Solved);
                } else if status.is_done() && !new.is_done() {
                    reopens += 1;
                    if first_reopen_after_solve.is_none() {
                        first_reopen_after_solve = Some(at);
                    }
                }
                if new.is_paused() {
                    close(&mut open_window, &mut windows, at, EndReason::Paused);
                }
                // Becoming active again after a pause or a solve restarts the update clock.
                if new.is_active() && !status.is_active() && first_reply_at.is_some() {
                    open_window = Some(at);
                }
                status = new;
            }
        }
    }
    if let Some(s) = active_since.take() {
        if as_of > s {
            active.push((s, as_of));
        }
    }
    close(&mut open_window, &mut windows, as_of, EndReason::AsOf);

    let done = status.is_done();
    let first_solved_at = solves.first().copied();
    let final_solved_at = if done { solves.last().copied() } else { None };
    // The instant the resolution clock stops for good, or as_of.
    let stop_or_as_of = final_solved_at.unwrap_or(as_of);

    let one_touch = match first_solved_at {
        Some(s) => {
            replies_before_first_solve == 1
                && first_reopen_after_solve.is_none_or(|r| r > after(s, rules.reopen_window))
        }
        None => false,
    };
    let facts = Facts {
        priority: priority.last(),
        first_reply_at,
        first_solved_at,
        final_solved_at,
        agent_replies,
        reopens,
        one_touch,
        assignee_at_first_solve: first_solved_at.map_or(NOBODY, |s| assignee.at(s)),
        status_at_as_of: status,
        no_events,
        export_status_differs: last_status_event.is_some_and(|s| s != t.export_status),
    };

    let mut sla = Vec::with_capacity(4);
    let mut out_windows = Vec::new();
    if let Some(targets) = t.targets {
        let measure =
            |tg: &Target, a: i64, b: i64| rules.calendars[tg.calendar as usize].between(a, b);
        let due = |tg: &Target, a: i64, n: i64| rules.calendars[tg.calendar as usize].add(a, n);

        // first_response: the priority as filed.
        if let Some(tg) = target_of(targets, Metric::FirstResponse, t.priority_filed) {
            let (stop, state_if_within) = match first_stop {
                Some(FirstStop::Reply(r)) => (Some(r), State::Met),
                Some(FirstStop::Solve(s)) => (Some(s), State::NotApplicable),
                None => (None, State::InProgress),
            };
            let elapsed = measure(&tg, t.created, stop.unwrap_or(as_of));
            let breached = elapsed > tg.seconds;
            sla.push(SlaRow {
                metric: Metric::FirstResponse,
                priority: t.priority_filed,
                target_seconds: tg.seconds,
                business: tg.business,
                calendar: tg.calendar,
                elapsed,
                state: if breached {
                    State::Breached
                } else {
                    state_if_within
                },
                breached_at: if breached {
                    due(&tg, t.created, tg.seconds)
                } else {
                    None
                },
                stopped_at: stop,
                windows: None,
            });
        }

        // update: each window under the priority in force at its start (edge rule 8).
        let mut longest: Option<usize> = None;
        let mut breached_windows = 0u32;
        let mut earliest_breach: Option<i64> = None;
        for &(start, end, reason) in &windows {
            let p = priority.at(start);
            let Some(tg) = target_of(targets, Metric::Update, p) else {
                continue;
            };
            let elapsed = measure(&tg, start, end);
            let breached = elapsed > tg.seconds;
            let breached_at = if breached {
                due(&tg, start, tg.seconds)
            } else {
                None
            };
            if breached {
                breached_windows += 1;
                earliest_breach = match (earliest_breach, breached_at) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            out_windows.push(Window {
                window_no: out_windows.len() as u32 + 1,
                started_at: start,
                ended_at: end,
                end_reason: reason,
                priority: p,
                target_seconds: tg.seconds,
                business: tg.business,
                calendar: tg.calendar,
                elapsed,
                breached,
                breached_at,
            });
            let i = out_windows.len() - 1;
            if longest.is_none_or(|l| out_windows[l].elapsed < elapsed) {
                longest = Some(i);
            }
        }
        let update_state = if breached_windows > 0 {
            State::Breached
        } else if !done {
            State::InProgress
        } else if !out_windows.is_empty() {
            State::Met
        } else {
            State::NotApplicable
        };
        let counts = Some((out_windows.len() as u32, breached_windows));
        if let Some(l) = longest {
            let w = &out_windows[l];
            sla.push(SlaRow {
                metric: Metric::Update,
                priority: w.priority,
                target_seconds: w.target_seconds,
                business: w.business,
                calendar: w.calendar,
                elapsed: w.elapsed,
                state: update_state,
                breached_at: earliest_breach,
                stopped_at: final_solved_at,
                windows: counts,
            });
        } else if windows.is_empty() {
            // No window at all: judged under the priority at the final solve or as_of.
            let p = priority.at(stop_or_as_of);
            if let Some(tg) = target_of(targets, Metric::Update, p) {
                sla.push(SlaRow {
                    metric: Metric::Update,
                    priority: p,
                    target_seconds: tg.seconds,
                    business: tg.business,
                    calendar: tg.calendar,
                    elapsed: 0,
                    state: update_state,
                    breached_at: None,
                    stopped_at: final_solved_at,
                    windows: counts,
                });
            }
        }

        // resolution: active time only, under the priority at the final stop.
        let p = priority.at(stop_or_as_of);
        if let Some(tg) = target_of(targets, Metric::Resolution, p) {
            let cal = &rules.calendars[tg.calendar as usize];
            let mut elapsed = 0i64;
            // Edge rule 5: the earliest instant at which the active time reached the target,
            // which may be the end of an active stretch followed by a pause.
            let mut reached_at = None;
            for &(a, b) in &active {
                let part = cal.between(a, b);
                if reached_at.is_none() && elapsed + part >= tg.seconds {
                    reached_at = cal.add(a, tg.seconds.saturating_sub(elapsed));
                }
                elapsed += part;
            }
            let breached_at = reached_at.filter(|_| elapsed > tg.seconds);
            let state = if elapsed > tg.seconds {
                State::Breached
            } else if done {
                State::Met
            } else {
                State::InProgress
            };
            sla.push(SlaRow {
                metric: Metric::Resolution,
                priority: p,
                target_seconds: tg.seconds,
                business: tg.business,
                calendar: tg.calendar,
                elapsed,
                state,
                breached_at,
                stopped_at: final_solved_at,
                windows: None,
            });
        }
    }

    // system_down: calendar time to the first solve, in or out of a contract (edge rule 10).
    if t.system_down {
        let stop = first_solved_at.unwrap_or(as_of);
        let elapsed = stop - t.created;
        let target = rules.system_down_target;
        let breached = elapsed > target;
        sla.push(SlaRow {
            metric: Metric::SystemDown,
            priority: priority.at(stop),
            target_seconds: target,
            business: false,
            calendar: rules.always,
            elapsed,
            state: if breached {
                State::Breached
            } else if first_solved_at.is_some() {
                State::Met
            } else {
                State::InProgress
            },
            breached_at: breached.then_some(after(t.created, target)),
            stopped_at: first_solved_at,
            windows: None,
        });
    }

    (
        TicketOut {
            facts,
            sla,
            windows: out_windows,
        },
        active,
    )
}

/// The real-time stretches `[from, to)` over which `row`'s `elapsed_seconds` was measured, on
/// the row's own calendar (`row.calendar`): `between` summed over them is exactly the row's
/// elapsed. `out` and `active` are `ticket_clocks_traced`'s for the same ticket.
/// - first_response: created_at to the first reply, the settling solve (edge rule 6) or as_of;
/// - update: the reported window, the longest (the first on a tie, edge rule 9); none when the
///   row has no window;
/// - resolution: the active stretches (paused and done time is not counted);
/// - system_down: created_at to the first solve or as_of (calendar time).
pub fn measured(
    t: &TicketIn,
    rules: &Rules,
    row: &SlaRow,
    out: &TicketOut,
    active: &[(i64, i64)],
) -> Vec<(i64, i64)> {
    match row.metric {
        Metric::FirstResponse | Metric::SystemDown => {
            vec![(t.created, row.stopped_at.unwrap_or(rules.as_of))]
        }
        Metric::Update => {
            let mut longest: Option<&Window> = None;
            for w in &out.windows {
                if longest.is_none_or(|l| l.elapsed < w.elapsed) {
                    longest = Some(w);
                }
            }
            longest
                .map(|w| vec![(w.started_at, w.ended_at)])
                .unwrap_or_default()
        }
        Metric::Resolution => active.to_vec(),
    }
}

/// The assignee as a step function: `(from, engineer)` pairs in order, the first at created_at
/// (the assignee `initial_state` gives), then one per instant with `assign` events, holding the
/// value after the last of them (edge rule 3: the assignee at `t` is the value after every event
/// with `at` <= t). An instant that leaves the assignee unchanged is kept; `NOBODY` is
/// unassigned.
pub fn assignee_steps(t: &TicketIn) -> Vec<(i64, u32)> {
    let (_, first) = initial_state(t);
    let mut steps = vec![(t.created, first)];
    for e in t.events {
        if let EventKind::Assign(who) = e.kind {
            // Ingest rejects events before created_at; one that came another way counts from
            // created_at, as for the engine's `Changes`.
            let at = e.at.max(t.created);
            match steps.last_mut() {
                Some(last) if last.0 == at => last.1 = who,
                _ => steps.push((at, who)),
            }
        }
    }
    steps
}
