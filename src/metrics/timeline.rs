//! One ticket's life as a step function: from `created_at` on, the status class, priority and
//! assignee in force, and the instants that move a count (solves, reopens, the instant a
//! system-down ticket passed its goal). Backlog, aging and engineer load are sums over these.
//!
//! This is Rust rather than SQL because "the state just before each local midnight" is a range
//! lookup per ticket and day: in SQL it is a non-equi join of every state stretch against every
//! day, which polars' SQL cannot plan without materialising the cross product (about 10⁹ rows for
//! a million tickets over four quarters). Here it is a binary search per stretch.
//!
//! The replay follows `clock::engine` (the same edge rules): before any status event a ticket is
//! `new`; a ticket with no events has its exported status from `created_at` (edge rule 4); a status
//! event to the status already in force changes nothing; the priority and assignee at `t` are
//! the values after every event at or before `t` (edge rule 3).

use crate::clock::engine::initial_state;
use crate::clock::{EventKind, TicketIn};
use crate::model::{Priority, Status};

/// Active, paused or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Active,
    Paused,
    Done,
}

impl Class {
    pub fn of(s: Status) -> Class {
        if s.is_active() {
            Class::Active
        } else if s.is_paused() {
            Class::Paused
        } else {
            Class::Done
        }
    }
}

/// The state in force from `from` until the next stretch (or for ever: nothing happens after
/// as_of).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stretch {
    pub from: i64,
    pub status: Status,
    pub priority: Priority,
    pub assignee: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentKind {
    Solve,
    Reopen,
    /// A system-down ticket still not solved `system_down_max_hours` after creation.
    SystemDownOverGoal,
}

impl MomentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MomentKind::Solve => "solve",
            MomentKind::Reopen => "reopen",
            MomentKind::SystemDownOverGoal => "system_down_over_goal",
        }
    }
}

/// An instant that credits an engineer, with the priority and assignee at that instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub at: i64,
    pub kind: MomentKind,
    pub priority: Priority,
    pub assignee: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Ordered by `from`, the first at `created_at`; consecutive stretches differ.
    pub stretches: Vec<Stretch>,
    pub moments: Vec<Moment>,
}

impl Timeline {
    /// The stretch in force just before `t` (the state after every event strictly before `t`),
    /// `None` if the ticket did not exist yet.
    pub fn before(&self, t: i64) -> Option<&Stretch> {
        let n = self.stretches.partition_point(|s| s.from < t);
        n.checked_sub(1).map(|i| &self.stretches[i])
    }
    /// The stretch in force at `t` (after every event at or before `t`).
    pub fn at(&self, t: i64) -> Option<&Stretch> {
        let n = self.stretches.partition_point(|s| s.from <= t);
        n.checked_sub(1).map(|i| &self.stretches[i])
    }
}

/// The timeline of one ticket; `system_down_target` is `system_down_max_hours` in seconds.
pub fn ticket_timeline(t: &TicketIn, as_of: i64, system_down_target: i64) -> Timeline {
    let no_events = t.events.is_empty();
    let (status, assignee) = initial_state(t);
    let mut state = Stretch {
        from: t.created,
        status,
        priority: t.priority_filed,
        assignee,
    };
    let mut out = Timeline::default();
    // Moments found in the current group of same-instant events; their priority and assignee
    // are those after the whole group (edge rule 3).
    let mut pending: Vec<MomentKind> = Vec::new();
    if no_events && state.status.is_done() {
        pending.push(MomentKind::Solve);
    }
    let mut first_solve: Option<i64> = None;

    let flush = |out: &mut Timeline, state: &Stretch, at: i64, pending: &mut Vec<MomentKind>| {
        for kind in pending.drain(..) {
            out.moments.push(Moment {
                at,
                kind,
                priority: state.priority,
                assignee: state.assignee,
            });
        }
        let s = Stretch { from: at, ..*state };
        match out.stretches.last_mut() {
            // A group at the same instant as the previous stretch (events at created_at).
            Some(last) if last.from == at => *last = s,
            Some(last)
                if (last.status, last.priority, last.assignee)
                    == (s.status, s.priority, s.assignee) => {}
            _ => out.stretches.push(s),
        }
    };

    let mut i = 0;
    let events = t.events;
    let mut group_at = t.created;
    // The group at created_at (possibly empty) is folded into the first stretch.
    loop {
        while i < events.len() && events[i].at == group_at {
            let e = events[i];
            match e.kind {
                EventKind::Status(new) if new != state.status => {
                    if !state.status.is_done() && new.is_done() {
                        pending.push(MomentKind::Solve);
                        first_solve.get_or_insert(e.at);
                    } else if state.status.is_done() && !new.is_done() {
                        pending.push(MomentKind::Reopen);
                    }
                    state.status = new;
                }
                EventKind::Priority(p) => state.priority = p,
                EventKind::Assign(who) => state.assignee = who,
                _ => {}
            }
            i += 1;
        }
        flush(&mut out, &state, group_at, &mut pending);
        if i >= events.len() {
            break;
        }
        group_at = events[i].at;
    }
    if no_events && state.status.is_done() {
        first_solve = Some(t.created);
    }

    // Edge rule 15: a system-down ticket over goal is credited to the assignee at the instant
    // the goal was passed (duration stops at the first solve, edge rule 10).
    if t.system_down {
        let due = crate::clock::arith::after(t.created, system_down_target);
        let over = match first_solve {
            Some(s) => s > due,
            None => as_of > due,
        };
        if over {
            let s = out.at(due).copied().unwrap_or(state);
            out.moments.push(Moment {
                at: due,
                kind: MomentKind::SystemDownOverGoal,
                priority: s.priority,
                assignee: s.assignee,
            });
        }
    }
    out
}
