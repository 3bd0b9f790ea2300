//! Hand-worked clock tests: one per rule of `metrics.md` ("Clocks", "Edge rules"). Every
//! expected number is worked out by hand in the comment above it, never taken from the code.

use chrono::NaiveDate;
use slareview::clock::engine::{
    ticket_clocks, EndReason, Event, EventKind, Metric, Rules, SlaRow, State, Target, Targets,
    TicketIn, TicketOut, NOBODY,
};
use slareview::clock::BusinessTime;
use slareview::model::config::parse_calendars;
use slareview::model::{parse_timestamp, Priority, Priority::*, Status};

const CALENDARS: &str = r#"
[calendars.seoul_office]
timezone = "Asia/Seoul"
holidays = ["2026-09-24", "2026-09-25", "2026-09-26"]
[calendars.seoul_office.hours]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]

[calendars.seoul_split]
timezone = "Asia/Seoul"
[calendars.seoul_split.hours]
mon = ["09:00-12:00", "13:00-18:00"]
tue = ["09:00-12:00", "13:00-18:00"]
wed = ["09:00-12:00", "13:00-18:00"]
thu = ["09:00-12:00", "13:00-18:00"]
fri = ["09:00-12:00", "13:00-18:00"]

[calendars.ny_daily]
timezone = "America/New_York"
[calendars.ny_daily.hours]
mon = ["09:00-17:00"]
tue = ["09:00-17:00"]
wed = ["09:00-17:00"]
thu = ["09:00-17:00"]
fri = ["09:00-17:00"]
sat = ["09:00-17:00"]
sun = ["09:00-17:00"]

[calendars.ny_always]
timezone = "America/New_York"
[calendars.ny_always.hours]
mon = ["00:00-24:00"]
tue = ["00:00-24:00"]
wed = ["00:00-24:00"]
thu = ["00:00-24:00"]
fri = ["00:00-24:00"]
sat = ["00:00-24:00"]
sun = ["00:00-24:00"]

[calendars.berlin_night]
timezone = "Europe/Berlin"
[calendars.berlin_night.hours]
sun = ["02:30-06:00"]

[calendars.berlin_ambiguous]
timezone = "Europe/Berlin"
[calendars.berlin_ambiguous.hours]
sun = ["02:30-04:00"]
"#;

const IDS: [&str; 7] = [
    "24x7",
    "seoul_office",
    "seoul_split",
    "ny_daily",
    "ny_always",
    "berlin_night",
    "berlin_ambiguous",
];

fn calendars() -> Vec<BusinessTime> {
    let map = parse_calendars(CALENDARS, "calendars.toml").unwrap();
    let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    IDS.iter()
        .map(|id| BusinessTime::new(&map[*id], first, last))
        .collect()
}

fn t(s: &str) -> i64 {
    parse_timestamp(s, None).unwrap()
}

fn cal(id: &str) -> u32 {
    IDS.iter().position(|c| *c == id).unwrap() as u32
}

/// Targets from (metric, priority, minutes, calendar); calendar `24x7` is a calendar clock.
fn targets(rows: &[(Metric, Priority, i64, &str)]) -> Targets {
    let mut out: Targets = Default::default();
    for &(m, p, minutes, c) in rows {
        out[m as usize][p as usize] = Some(Target {
            seconds: minutes * 60,
            business: c != "24x7",
            calendar: cal(c),
        });
    }
    out
}

fn reply(at: &str) -> Event {
    Event {
        at: t(at),
        kind: EventKind::AgentReply,
    }
}
fn customer(at: &str) -> Event {
    Event {
        at: t(at),
        kind: EventKind::CustomerReply,
    }
}
fn status(at: &str, s: &str) -> Event {
    Event {
        at: t(at),
        kind: EventKind::Status(Status::parse(s).unwrap()),
    }
}
fn priority(at: &str, p: Priority) -> Event {
    Event {
        at: t(at),
        kind: EventKind::Priority(p),
    }
}
fn assign(at: &str, who: u32) -> Event {
    Event {
        at: t(at),
        kind: EventKind::Assign(who),
    }
}

struct Case<'a> {
    created: &'a str,
    filed: Priority,
    system_down: bool,
    export_status: Status,
    export_assignee: u32,
    targets: Option<Targets>,
    events: Vec<Event>,
    as_of: &'a str,
}

impl<'a> Case<'a> {
    fn new(created: &'a str, filed: Priority, targets: Targets, as_of: &'a str) -> Case<'a> {
        Case {
            created,
            filed,
            system_down: false,
            export_status: Status::Open,
            export_assignee: NOBODY,
            targets: Some(targets),
            events: Vec::new(),
            as_of,
        }
    }
    fn events(mut self, events: Vec<Event>) -> Self {
        self.events = events;
        self
    }
    fn run(&self) -> TicketOut {
        let cals = calendars();
        let rules = Rules {
            as_of: t(self.as_of),
            system_down_target: 48 * 3600,
            reopen_window: 7 * 86_400,
            calendars: &cals,
            always: 0,
        };
        ticket_clocks(
            &TicketIn {
                created: t(self.created),
                priority_filed: self.filed,
                system_down: self.system_down,
                export_status: self.export_status,
                export_assignee: self.export_assignee,
                targets: self.targets.as_ref(),
                events: &self.events,
            },
            &rules,
        )
    }
}

fn row(out: &TicketOut, m: Metric) -> &SlaRow {
    out.sla
        .iter()
        .find(|r| r.metric == m)
        .unwrap_or_else(|| panic!("no {} row in {:?}", m.as_str(), out.sla))
}

fn has_row(out: &TicketOut, m: Metric) -> bool {
    out.sla.iter().any(|r| r.metric == m)
}

use Metric::*;

/// The worked example of metrics.md, every number of it.
#[test]
fn worked_example_of_the_spec() {
    let tg = targets(&[
        (FirstResponse, P2, 120, "seoul_office"),
        (Update, P2, 1440, "seoul_office"),
        (Resolution, P2, 2880, "seoul_office"),
    ]);
    let out = Case::new(
        "2026-07-03T17:00:00+09:00",
        P2,
        tg,
        "2026-07-10T00:00:00+09:00",
    )
    .events(vec![
        reply("2026-07-06T10:30:00+09:00"),
        status("2026-07-06T11:00:00+09:00", "pending"),
        customer("2026-07-07T14:00:00+09:00"),
        status("2026-07-07T14:00:00+09:00", "open"),
        reply("2026-07-09T10:00:00+09:00"),
        status("2026-07-09T10:00:00+09:00", "solved"),
    ])
    .run();

    // first_response: Fri 1 h + Mon 1.5 h = 9000 s > 7200 s: breached; due Mon 10:00.
    let fr = row(&out, FirstResponse);
    assert_eq!(fr.elapsed, 9000);
    assert_eq!(fr.target_seconds, 7200);
    assert_eq!(fr.state, State::Breached);
    assert_eq!(fr.breached_at, Some(t("2026-07-06T10:00:00+09:00")));
    assert_eq!(fr.stopped_at, Some(t("2026-07-06T10:30:00+09:00")));

    // Window 1: Mon 10:30-11:00 = 1800 s, ended by the pause. Window 2: Tue 14:00 to Thu 10:00
    // = Tue 4 h + Wed 9 h + Thu 1 h = 50400 s, ended by the reply. The reply and the solve at
    // Thu 10:00 leave a zero-length window, which is not a window.
    assert_eq!(out.windows.len(), 2);
    let w1 = &out.windows[0];
    assert_eq!(
        (
            w1.window_no,
            w1.started_at,
            w1.ended_at,
            w1.end_reason,
            w1.elapsed,
            w1.breached
        ),
        (
            1,
            t("2026-07-06T10:30:00+09:00"),
            t("2026-07-06T11:00:00+09:00"),
            EndReason::Paused,
            1800,
            false
        )
    );
    let w2 = &out.windows[1];
    assert_eq!(
        (
            w2.window_no,
            w2.started_at,
            w2.ended_at,
            w2.end_reason,
            w2.elapsed,
            w2.breached
        ),
        (
            2,
            t("2026-07-07T14:00:00+09:00"),
            t("2026-07-09T10:00:00+09:00"),
            EndReason::AgentReply,
            50400,
            false
        )
    );
    let up = row(&out, Update);
    assert_eq!(up.state, State::Met);
    assert_eq!(up.elapsed, 50400);
    assert_eq!(up.windows, Some((2, 0)));
    assert_eq!(up.breached_at, None);
    assert_eq!(up.stopped_at, Some(t("2026-07-09T10:00:00+09:00")));

    // Resolution: Fri 1 h + Mon 2 h + Tue 4 h + Wed 9 h + Thu 1 h = 61200 s <= 172800 s: met.
    let res = row(&out, Resolution);
    assert_eq!(res.elapsed, 61200);
    assert_eq!(res.state, State::Met);
    assert_eq!(res.stopped_at, Some(t("2026-07-09T10:00:00+09:00")));
    assert_eq!(res.breached_at, None);

    assert_eq!(
        out.facts.first_reply_at,
        Some(t("2026-07-06T10:30:00+09:00"))
    );
    assert_eq!(out.facts.agent_replies, 2);
    assert_eq!(out.facts.reopens, 0);
    assert_eq!(out.facts.status_at_as_of, Status::Solved);
}

fn calendar_targets(p: Priority, fr: i64, up: i64, res: i64) -> Targets {
    targets(&[
        (FirstResponse, p, fr, "24x7"),
        (Update, p, up, "24x7"),
        (Resolution, p, res, "24x7"),
    ])
}

#[test]
fn pause_and_resume_stop_the_resolution_clock() {
    // Active 00:00-02:00, pending 02:00-10:00, active 10:00-12:00: 4 h of a 3 h target.
    // The target is used up at 11:00 (2 h before the pause + 1 h after it).
    let out = Case::new(
        "2026-07-01T00:00:00Z",
        P2,
        calendar_targets(P2, 60, 600, 180),
        "2026-07-02T00:00:00Z",
    )
    .events(vec![
        reply("2026-07-01T00:30:00Z"),
        status("2026-07-01T02:00:00Z", "pending"),
        status("2026-07-01T10:00:00Z", "open"),
        status("2026-07-01T12:00:00Z", "solved"),
    ])
    .run();
    let res = row(&out, Resolution);
    assert_eq!(res.elapsed, 4 * 3600);
    assert_eq!(res.state, State::Breached);
    assert_eq!(res.breached_at, Some(t("2026-07-01T11:00:00Z")));
    // Paused time does not stop first_response, but the reply came at 30 min: met.
    assert_eq!(row(&out, FirstResponse).state, State::Met);
    // Update windows: 00:30-02:00 (paused) and 10:00-12:00 (solved).
    let w: Vec<(i64, EndReason)> = out
        .windows
        .iter()
        .map(|w| (w.elapsed, w.end_reason))
        .collect();
    assert_eq!(
        w,
        vec![(5400, EndReason::Paused), (7200, EndReason::Solved)]
    );
}

#[test]
fn resolution_target_used_up_exactly_at_a_pause_is_due_then() {
    // Active 00:00-03:00 exactly uses a 3 h target; the pause follows; active again later.
    // Edge rule 5: due at 03:00, the earliest instant elapsed equals the target.
    let out = Case::new(
        "2026-07-01T00:00:00Z",
        P2,
        calendar_targets(P2, 60, 600, 180),
        "2026-07-02T00:00:00Z",
    )
    .events(vec![
        reply("2026-07-01T00:10:00Z"),
        status("2026-07-01T03:00:00Z", "on_hold"),
        status("2026-07-01T05:00:00Z", "open"),
        status("2026-07-01T05:00:01Z", "solved"),
    ])
    .run();
    let res = row(&out, Resolution);
    assert_eq!(res.elapsed, 3 * 3600 + 1);
    assert_eq!(res.breached_at, Some(t("2026-07-01T03:00:00Z")));
}

#[test]
fn reopened_ticket_adds_its_time_active_again() {
    // Active 00:00-01:00, solved 01:00, reopened day 3 00:00 (within 7 days), solved 02:00.
    // Resolution = 1 h + 2 h; final solve = the second; one_touch false (reopened in window).
    let out = Case::new(
        "2026-07-01T00:00:00Z",
        P2,
        calendar_targets(P2, 60, 600, 240),
        "2026-07-10T00:00:00Z",
    )
    .events(vec![
        reply("2026-07-01T00:20:00Z"),
        status("2026-07-01T01:00:00Z", "solved"),
        customer("2026-07-03T00:00:00Z"),
        status("2026-07-03T00:00:00Z", "open"),
        status("2026-07-03T02:00:00Z", "solved"),
    ])
    .run();
    let res = row(&out, Resolution);
    assert_eq!(res.elapsed, 3 * 3600);
    assert_eq!(res.state, State::Met);
    assert_eq!(res.stopped_at, Some(t("2026-07-03T02:00:00Z")));
    assert_eq!(out.facts.first_solved_at, Some(t("2026-07-01T01:00:00Z")));
    assert_eq!(out.facts.final_solved_at, Some(t("2026-07-03T02:00:00Z")));
    assert_eq!(out.facts.reopens, 1);
    assert!(!out.facts.one_touch);
    // The reopen restarts the update clock: windows 00:20-01:00 and day 3 00:00-02:00.
    let w: Vec<(i64, EndReason)> = out
        .windows
        .iter()
        .map(|w| (w.elapsed, w.end_reason))
        .collect();
    assert_eq!(
        w,
        vec![(2400, EndReason::Solved), (7200, EndReason::Solved)]
    );
}

#[test]
fn reopen_after_the_window_keeps_one_touch() {
    // Solved day 1 01:00 with one reply; reopened exactly 7 days later (inclusive: not one
    // touch), or 7 days and 1 s later (one touch).
    let base = |reopen: &str| {
        Case::new(
            "2026-07-01T00:00:00Z",
            P2,
            calendar_targets(P2, 60, 600, 240),
            "2026-07-20T00:00:00Z",
        )
        .events(vec![
            reply("2026-07-01T00:20:00Z"),
            status("2026-07-01T01:00:00Z", "solved"),
            status(reopen, "open"),
        ])
        .run()
    };
    assert!(!base("2026-07-08T01:00:00Z").facts.one_touch);
    assert!(base("2026-07-08T01:00:01Z").facts.one_touch);
}

#[test]
fn same_instant_events_apply_in_file_order() {
    let tg = calendar_targets(P2, 60, 600, 240);
    // Reply, then solve, at one instant: the reply stops first_response (met, 10 min).
    let out = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-02T00:00:00Z")
        .events(vec![
            reply("2026-07-01T00:10:00Z"),
            status("2026-07-01T00:10:00Z", "solved"),
        ])
        .run();
    assert_eq!(row(&out, FirstResponse).state, State::Met);
    assert!(out.facts.one_touch);
    // Solve, then reply: first_response was settled by the solve (not applicable, edge rule 6),
    // and the reply came after the first solve, so this is not one touch.
    let out = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-02T00:00:00Z")
        .events(vec![
            status("2026-07-01T00:10:00Z", "solved"),
            reply("2026-07-01T00:10:00Z"),
        ])
        .run();
    let fr = row(&out, FirstResponse);
    assert_eq!(fr.state, State::NotApplicable);
    assert_eq!(fr.elapsed, 600);
    assert!(!out.facts.one_touch);
    assert_eq!(out.facts.first_reply_at, Some(t("2026-07-01T00:10:00Z")));
}

#[test]
fn zero_length_windows_are_not_windows() {
    // A reply immediately followed by a move to pending opens no window; solved later while
    // pending, the ticket had no window: update is not applicable.
    let out = Case::new(
        "2026-07-01T00:00:00Z",
        P2,
        calendar_targets(P2, 60, 600, 240),
        "2026-07-05T00:00:00Z",
    )
    .events(vec![
        reply("2026-07-01T00:10:00Z"),
        status("2026-07-01T00:10:00Z", "pending"),
        status("2026-07-02T00:00:00Z", "solved"),
    ])
    .run();
    assert!(out.windows.is_empty());
    let up = row(&out, Update);
    assert_eq!(up.state, State::NotApplicable);
    assert_eq!(up.windows, Some((0, 0)));
    assert_eq!(up.elapsed, 0);
    // Resolution: active only 00:00-00:10.
    assert_eq!(row(&out, Resolution).elapsed, 600);
}

#[test]
fn weekend_window_on_a_business_clock_is_still_a_window() {
    // Edge rule 7: a window with calendar length but no business seconds is a window.
    // Reply Sat 10:00, pending Sat 11:00 (Seoul office hours are Mon-Fri).
    let tg = targets(&[(Update, P2, 60, "seoul_office")]);
    let out = Case::new(
        "2026-07-04T09:00:00+09:00",
        P2,
        tg,
        "2026-07-05T00:00:00+09:00",
    )
    .events(vec![
        reply("2026-07-04T10:00:00+09:00"),
        status("2026-07-04T11:00:00+09:00", "pending"),
    ])
    .run();
    assert_eq!(out.windows.len(), 1);
    assert_eq!(out.windows[0].elapsed, 0);
    // Not breached, not done: in progress.
    assert_eq!(row(&out, Update).state, State::InProgress);
}

#[test]
fn reply_exactly_at_the_target_is_met() {
    // 60 min target, reply at 60 min 0 s: met, no breached_at. One second later: breached,
    // due at 60 min.
    let tg = calendar_targets(P1, 60, 1440, 1440);
    let at = |r: &str| {
        Case::new("2026-07-01T00:00:00Z", P1, tg, "2026-07-02T00:00:00Z")
            .events(vec![reply(r)])
            .run()
    };
    let fr = at("2026-07-01T01:00:00Z");
    let fr = row(&fr, FirstResponse);
    assert_eq!(
        (fr.elapsed, fr.state, fr.breached_at),
        (3600, State::Met, None)
    );
    let late = at("2026-07-01T01:00:01Z");
    let fr = row(&late, FirstResponse);
    assert_eq!(
        (fr.elapsed, fr.state, fr.breached_at),
        (3601, State::Breached, Some(t("2026-07-01T01:00:00Z")))
    );
}

#[test]
fn clock_still_running_at_as_of() {
    // No reply after 30 min of a 60 min target: in progress, measured to as_of, not stopped.
    let tg = calendar_targets(P1, 60, 1440, 1440);
    let out = Case::new("2026-07-01T00:00:00Z", P1, tg, "2026-07-01T00:30:00Z").run();
    let fr = row(&out, FirstResponse);
    assert_eq!(
        (fr.elapsed, fr.state, fr.stopped_at),
        (1800, State::InProgress, None)
    );
    let res = row(&out, Resolution);
    assert_eq!(
        (res.elapsed, res.state, res.stopped_at),
        (1800, State::InProgress, None)
    );
    // The update clock has not started (no reply yet) and the ticket is not done.
    assert_eq!(row(&out, Update).state, State::InProgress);
    // Two hours in, still no reply: breached, due at 01:00, still not stopped.
    let out = Case::new("2026-07-01T00:00:00Z", P1, tg, "2026-07-01T02:00:00Z").run();
    let fr = row(&out, FirstResponse);
    assert_eq!(
        (fr.elapsed, fr.state, fr.breached_at, fr.stopped_at),
        (7200, State::Breached, Some(t("2026-07-01T01:00:00Z")), None)
    );
    // An update window open at as_of breaches only once it has passed its target.
    let out = Case::new(
        "2026-07-01T00:00:00Z",
        P1,
        calendar_targets(P1, 60, 120, 1440),
        "2026-07-01T02:10:00Z",
    )
    .events(vec![reply("2026-07-01T00:05:00Z")])
    .run();
    let w = &out.windows[0];
    assert_eq!(
        (w.elapsed, w.end_reason, w.breached),
        (7500, EndReason::AsOf, true)
    );
    assert_eq!(w.breached_at, Some(t("2026-07-01T02:05:00Z")));
}

#[test]
fn solved_without_a_reply_is_not_applicable() {
    let tg = calendar_targets(P2, 60, 600, 240);
    let out = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-02T00:00:00Z")
        .events(vec![status("2026-07-01T00:40:00Z", "solved")])
        .run();
    let fr = row(&out, FirstResponse);
    assert_eq!(
        (fr.elapsed, fr.state, fr.stopped_at),
        (2400, State::NotApplicable, Some(t("2026-07-01T00:40:00Z")))
    );
    assert_eq!(row(&out, Update).state, State::NotApplicable);
    // Solved after the target passed, still without a reply: breached (measured to the solve),
    // and a reply after a reopen does not revive it.
    let out = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-05T00:00:00Z")
        .events(vec![
            status("2026-07-01T02:00:00Z", "solved"),
            status("2026-07-02T00:00:00Z", "open"),
            reply("2026-07-02T00:05:00Z"),
        ])
        .run();
    let fr = row(&out, FirstResponse);
    assert_eq!(
        (fr.elapsed, fr.state, fr.breached_at),
        (7200, State::Breached, Some(t("2026-07-01T01:00:00Z")))
    );
}

#[test]
fn priority_raised_and_lowered() {
    // Plan: P3 has first_response 240 min and resolution 2880 min, no update target; P1 has
    // first_response 15, update 60, resolution 240.
    let tg = targets(&[
        (FirstResponse, P3, 240, "24x7"),
        (Resolution, P3, 2880, "24x7"),
        (FirstResponse, P1, 15, "24x7"),
        (Update, P1, 60, "24x7"),
        (Resolution, P1, 240, "24x7"),
    ]);
    // Filed P3 (a P1 event at the same instant as created_at does not change first_response),
    // raised to P1 at 01:00. Reply 00:30 opens a window under P3 (no update target: not an SLA
    // window). Reply 01:30 opens a window under P1, which runs to the solve at 02:40 (70 min >
    // 60: breached at 02:30). Resolution judged as P1 (at the solve): 160 min <= 240: met.
    let out = Case::new("2026-07-01T00:00:00Z", P3, tg, "2026-07-02T00:00:00Z")
        .events(vec![
            priority("2026-07-01T00:00:00Z", P3),
            reply("2026-07-01T00:30:00Z"),
            priority("2026-07-01T01:00:00Z", P1),
            reply("2026-07-01T01:30:00Z"),
            status("2026-07-01T02:40:00Z", "solved"),
        ])
        .run();
    let fr = row(&out, FirstResponse);
    assert_eq!(
        (fr.priority, fr.target_seconds, fr.state),
        (P3, 240 * 60, State::Met)
    );
    assert_eq!(out.windows.len(), 1);
    let w = &out.windows[0];
    assert_eq!(
        (
            w.window_no,
            w.priority,
            w.elapsed,
            w.breached,
            w.breached_at
        ),
        (1, P1, 4200, true, Some(t("2026-07-01T02:30:00Z")))
    );
    let up = row(&out, Update);
    assert_eq!(
        (up.priority, up.state, up.windows),
        (P1, State::Breached, Some((1, 1)))
    );
    let res = row(&out, Resolution);
    assert_eq!(
        (res.priority, res.elapsed, res.state),
        (P1, 9600, State::Met)
    );
    assert_eq!(out.facts.priority, P1);

    // Filed P1, rightly lowered to P3 at 00:05 and solved after 10 h: judged as P3 (2880 min),
    // met; as P1 (240 min) it would have breached. First response stays P1 (15 min).
    let tg = targets(&[
        (FirstResponse, P1, 15, "24x7"),
        (Resolution, P1, 240, "24x7"),
        (Resolution, P3, 2880, "24x7"),
    ]);
    let out = Case::new("2026-07-01T00:00:00Z", P1, tg, "2026-07-02T00:00:00Z")
        .events(vec![
            priority("2026-07-01T00:05:00Z", P3),
            reply("2026-07-01T00:10:00Z"),
            status("2026-07-01T10:00:00Z", "solved"),
        ])
        .run();
    assert_eq!(row(&out, FirstResponse).priority, P1);
    let res = row(&out, Resolution);
    assert_eq!(
        (res.priority, res.target_seconds, res.state),
        (P3, 2880 * 60, State::Met)
    );
    assert_eq!(out.facts.priority, P3);
}

#[test]
fn a_priority_without_a_target_has_no_row() {
    // Edge rule 11: raised to P1, which this contract gives no resolution target.
    let tg = targets(&[
        (FirstResponse, P3, 240, "24x7"),
        (Resolution, P3, 2880, "24x7"),
    ]);
    let out = Case::new("2026-07-01T00:00:00Z", P3, tg, "2026-07-02T00:00:00Z")
        .events(vec![priority("2026-07-01T01:00:00Z", P1)])
        .run();
    assert!(has_row(&out, FirstResponse));
    assert!(!has_row(&out, Resolution));
    assert!(!has_row(&out, Update));
}

#[test]
fn ticket_outside_any_contract_gets_only_system_down() {
    let mut case = Case::new(
        "2026-07-01T00:00:00Z",
        P1,
        Default::default(),
        "2026-07-04T00:00:00Z",
    );
    case.targets = None;
    case.system_down = true;
    case.events = vec![
        priority("2026-07-01T00:00:00Z", P2),
        status("2026-07-03T01:00:00Z", "solved"),
        status("2026-07-03T02:00:00Z", "open"),
    ];
    let out = case.run();
    assert_eq!(out.sla.len(), 1);
    // Duration to the first solve: 49 h > 48 h, breached at created + 48 h; priority at the
    // first solve; the reopen does not restart it (edge rule 10).
    let sd = row(&out, SystemDown);
    assert_eq!(
        (sd.priority, sd.elapsed, sd.target_seconds, sd.state),
        (P2, 49 * 3600, 48 * 3600, State::Breached)
    );
    assert_eq!(sd.breached_at, Some(t("2026-07-03T00:00:00Z")));
    assert_eq!(sd.stopped_at, Some(t("2026-07-03T01:00:00Z")));
}

#[test]
fn new_york_spring_forward() {
    // ny_daily counts 09:00-17:00 local every day. Sat 2026-03-07 16:00 EST to Sun 03-08
    // 10:00 EDT: Sat 1 h + Sun 1 h (09:00 EDT = 13:00Z). Read with Saturday's offset, Sunday
    // would start at 14:00Z and count nothing.
    let tg = targets(&[(FirstResponse, P2, 90, "ny_daily")]);
    let out = Case::new(
        "2026-03-07T16:00:00-05:00",
        P2,
        tg,
        "2026-03-09T00:00:00-04:00",
    )
    .events(vec![reply("2026-03-08T10:00:00-04:00")])
    .run();
    let fr = row(&out, FirstResponse);
    assert_eq!(fr.elapsed, 7200);
    // 90 min: Sat 16:00-17:00 EST, then 30 min from Sun 09:00 EDT.
    assert_eq!(fr.breached_at, Some(t("2026-03-08T09:30:00-04:00")));
    // ny_always (00:00-24:00 every day): Sat 23:00 EST to Mon 01:00 EDT = 1 + 23 + 1 h.
    let tg = targets(&[(Resolution, P2, 6000, "ny_always")]);
    let out = Case::new(
        "2026-03-07T23:00:00-05:00",
        P2,
        tg,
        "2026-03-10T00:00:00-04:00",
    )
    .events(vec![status("2026-03-09T01:00:00-04:00", "solved")])
    .run();
    assert_eq!(row(&out, Resolution).elapsed, 25 * 3600);
}

#[test]
fn new_york_fall_back() {
    // Sat 2026-10-31 16:00 EDT to Sun 11-01 10:00 EST: Sat 1 h + Sun 09:00-10:00 EST 1 h.
    let tg = targets(&[(FirstResponse, P2, 90, "ny_daily")]);
    let out = Case::new(
        "2026-10-31T16:00:00-04:00",
        P2,
        tg,
        "2026-11-02T00:00:00-05:00",
    )
    .events(vec![reply("2026-11-01T10:00:00-05:00")])
    .run();
    assert_eq!(row(&out, FirstResponse).elapsed, 7200);
    // ny_always: Sat 23:00 EDT to Mon 01:00 EST = 1 + 25 + 1 h.
    let tg = targets(&[(Resolution, P2, 6000, "ny_always")]);
    let out = Case::new(
        "2026-10-31T23:00:00-04:00",
        P2,
        tg,
        "2026-11-03T00:00:00-05:00",
    )
    .events(vec![status("2026-11-02T01:00:00-05:00", "solved")])
    .run();
    assert_eq!(row(&out, Resolution).elapsed, 27 * 3600);
}

#[test]
fn berlin_spring_forward_window_edge_in_the_gap() {
    // berlin_night: Sunday 02:30-06:00. On 2026-03-29 clocks jump 02:00 CET -> 03:00 CEST, so
    // 02:30 is read with the offset before the gap (+01:00): 01:30Z = 03:30 CEST. The window is
    // 03:30-06:00 CEST (2.5 h). Created Sun 00:00 CET, 60 min target: due 04:30 CEST; reply at
    // 05:00 CEST: elapsed 1.5 h, breached.
    let tg = targets(&[(FirstResponse, P2, 60, "berlin_night")]);
    let out = Case::new(
        "2026-03-29T00:00:00+01:00",
        P2,
        tg,
        "2026-03-30T00:00:00+02:00",
    )
    .events(vec![reply("2026-03-29T05:00:00+02:00")])
    .run();
    let fr = row(&out, FirstResponse);
    assert_eq!(fr.elapsed, 5400);
    assert_eq!(fr.state, State::Breached);
    assert_eq!(fr.breached_at, Some(t("2026-03-29T04:30:00+02:00")));
}

#[test]
fn berlin_fall_back_ambiguous_edge_takes_the_earlier() {
    // berlin_ambiguous: Sunday 02:30-04:00. On 2026-10-25 clocks go 03:00 CEST -> 02:00 CET;
    // 02:30 happens twice and the earlier (CEST, 00:30Z) counts; 04:00 CET is 03:00Z: 2.5 h.
    let tg = targets(&[(FirstResponse, P2, 600, "berlin_ambiguous")]);
    let out = Case::new(
        "2026-10-25T00:00:00+02:00",
        P2,
        tg,
        "2026-10-26T00:00:00+01:00",
    )
    .events(vec![reply("2026-10-25T05:00:00+01:00")])
    .run();
    assert_eq!(row(&out, FirstResponse).elapsed, 9000);
}

#[test]
fn korean_holiday_is_not_business_time() {
    // Chuseok 2026-09-24..26 (Thu-Sat). Wed 09-23 17:00 to Mon 09-28 10:30 KST: Wed 1 h + Mon
    // 1.5 h = 9000 s; the 2 h target is due Mon 10:00.
    let tg = targets(&[(FirstResponse, P2, 120, "seoul_office")]);
    let out = Case::new(
        "2026-09-23T17:00:00+09:00",
        P2,
        tg,
        "2026-09-29T00:00:00+09:00",
    )
    .events(vec![reply("2026-09-28T10:30:00+09:00")])
    .run();
    let fr = row(&out, FirstResponse);
    assert_eq!(fr.elapsed, 9000);
    assert_eq!(fr.breached_at, Some(t("2026-09-28T10:00:00+09:00")));
}

#[test]
fn split_day_skips_lunch() {
    // seoul_split: 09:00-12:00 and 13:00-18:00. Created Mon 11:00; 2 h target: 11:00-12:00
    // then 13:00-14:00, due 14:00. Reply 13:30: 1.5 h, met.
    let tg = targets(&[
        (FirstResponse, P2, 120, "seoul_split"),
        (Resolution, P2, 60, "seoul_split"),
    ]);
    let out = Case::new(
        "2026-07-06T11:00:00+09:00",
        P2,
        tg,
        "2026-07-07T00:00:00+09:00",
    )
    .events(vec![
        reply("2026-07-06T13:30:00+09:00"),
        status("2026-07-06T15:00:00+09:00", "solved"),
    ])
    .run();
    let fr = row(&out, FirstResponse);
    assert_eq!((fr.elapsed, fr.state), (5400, State::Met));
    // Resolution 60 min used up at 12:00, the end of the morning window (not 13:00): edge
    // rule 5. Elapsed 11:00-12:00 + 13:00-15:00 = 3 h.
    let res = row(&out, Resolution);
    assert_eq!(res.elapsed, 3 * 3600);
    assert_eq!(res.breached_at, Some(t("2026-07-06T12:00:00+09:00")));
}

#[test]
fn ticket_without_events_keeps_its_export_status() {
    // Edge rule 4: solved with no events is a solve at created_at.
    let tg = calendar_targets(P2, 60, 600, 240);
    let mut case = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-02T00:00:00Z");
    case.export_status = Status::Solved;
    case.export_assignee = 3;
    let out = case.run();
    assert!(out.facts.no_events);
    assert_eq!(out.facts.first_solved_at, Some(t("2026-07-01T00:00:00Z")));
    assert_eq!(out.facts.assignee_at_first_solve, 3);
    assert_eq!(row(&out, FirstResponse).state, State::NotApplicable);
    assert_eq!(row(&out, Resolution).elapsed, 0);
    assert_eq!(row(&out, Resolution).state, State::Met);
    // Pending with no events: paused from created_at, so resolution does not run.
    let mut case = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-02T00:00:00Z");
    case.export_status = Status::Pending;
    let out = case.run();
    let res = row(&out, Resolution);
    assert_eq!((res.elapsed, res.state), (0, State::InProgress));
    // First response does not pause: a day without a reply breaches it.
    assert_eq!(row(&out, FirstResponse).state, State::Breached);
}

#[test]
fn assignee_at_the_first_solve() {
    // With assign events, the export's assignee is ignored; before the first assign event the
    // ticket is unassigned. A reassignment at the solve's instant counts (edge rule 3).
    let tg = calendar_targets(P2, 60, 600, 240);
    let mut case = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-02T00:00:00Z");
    case.export_assignee = 9;
    case.events = vec![
        assign("2026-07-01T00:01:00Z", 1),
        status("2026-07-01T01:00:00Z", "solved"),
        assign("2026-07-01T01:00:00Z", 2),
    ];
    assert_eq!(case.run().facts.assignee_at_first_solve, 2);
    case.events = vec![status("2026-07-01T01:00:00Z", "solved")];
    assert_eq!(case.run().facts.assignee_at_first_solve, 9);
}

#[test]
fn last_status_event_wins_over_the_export_and_is_flagged() {
    // Edge rule 4: the export says `open`, the events end in `solved`: the events win (done,
    // final solve at 01:00), and the disagreement is flagged for data_quality.
    let tg = calendar_targets(P2, 60, 600, 240);
    let mut case = Case::new("2026-07-01T00:00:00Z", P2, tg, "2026-07-02T00:00:00Z");
    case.export_status = Status::Open;
    case.events = vec![
        reply("2026-07-01T00:10:00Z"),
        status("2026-07-01T01:00:00Z", "solved"),
    ];
    let out = case.run();
    assert_eq!(out.facts.status_at_as_of, Status::Solved);
    assert_eq!(out.facts.final_solved_at, Some(t("2026-07-01T01:00:00Z")));
    assert!(out.facts.export_status_differs);
    assert!(!out.facts.no_events);
    case.export_status = Status::Solved;
    assert!(!case.run().facts.export_status_differs);
}
