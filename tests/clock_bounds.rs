//! Bounded work and checked arithmetic in the clocks (issue 15): a far as_of with a calendar of
//! many windows keeps only the days the tickets touch, instants past year 9999 are refused
//! with a message, and durations of i64's size saturate instead of overflowing. Expected
//! numbers are worked out by hand in the comments.

mod common;

use chrono::NaiveDate;
use common::*;
use polars::prelude::*;
use slareview::clock::calendar::TableSize;
use slareview::clock::engine::{ticket_clocks, Event, EventKind, Metric, Rules, State, TicketIn};
use slareview::clock::{self, BusinessTime, ClockInputs};
use slareview::ingest::config::read_configs;
use slareview::metrics::timeline::ticket_timeline;
use slareview::model::config::Goals;
use slareview::model::{parse_timestamp, Priority, Status};

fn t(s: &str) -> i64 {
    parse_timestamp(s, None).unwrap()
}

/// `seoul_office` (K1's calendar) as 24 half-hour windows Monday to Friday, 00:00-00:30,
/// 01:00-01:30, ..., 23:00-23:30: none touch, so each is an interval of its own, and a working
/// day holds 12 hours.
fn half_hour_calendars() -> String {
    let windows: Vec<String> = (0..24)
        .map(|h| format!("\"{h:02}:00-{h:02}:30\""))
        .collect();
    let mut text =
        "[calendars.seoul_office]\ntimezone = \"Asia/Seoul\"\n[calendars.seoul_office.hours]\n"
            .to_string();
    for day in ["mon", "tue", "wed", "thu", "fri"] {
        text.push_str(&format!("{day} = [{}]\n", windows.join(", ")));
    }
    text
}

/// The valid folder with the half-hour calendar, ingested; its inputs and configuration.
fn half_hour_lake() -> (
    tempfile::TempDir,
    ClockInputs,
    std::collections::BTreeMap<String, slareview::model::config::Calendar>,
    Goals,
) {
    let (dir, data, lake) = valid_folder();
    std::fs::write(data.join("calendars.toml"), half_hour_calendars()).unwrap();
    ingest_ok(&data, &lake, &[]);
    let (cals, goals, _) = read_configs(&data).unwrap();
    (dir, ClockInputs::read_lake(&lake).unwrap(), cals, goals)
}

#[test]
fn far_future_as_of_with_half_hour_windows_keeps_only_the_days_the_tickets_touch() {
    let (_dir, inputs, cals, goals) = half_hour_lake();
    let as_of = t("2099-12-31T12:00:00Z");
    let p = clock::prepare(inputs, &cals, &goals, as_of).unwrap();
    let bt = p.business_time("seoul_office").unwrap();
    // Instants (UTC days): created 2026-07-03, 07-06, 08-01; events 07-06, 07-07, 07-09,
    // 08-01; as_of 2099-12-31. Each day ± 2, runs closer than 31 days joined:
    // 2026-07-01..2026-08-03 (34 days, 24 of them Monday to Friday) and
    // 2099-12-29..2100-01-02 (5 days: Tue 29, Wed 30, Thu 31, Fri 1 are working days).
    // Intervals: (24 + 4) working days x 24 windows, plus the first window of Tue 2026-08-04
    // (it starts at 00:00, the first run's very end, so it meets the run and is kept), plus
    // one end marker per run: 672 + 1 + 2 = 675.
    // The 26,810 days between (2026-08-04..2099-12-28) are summed, with a checkpoint every
    // 64 days: ceil(26810 / 64) = 419. Kept whole, the same span would be 19,000+ working
    // days x 24 = 460,000+ intervals.
    assert_eq!(
        bt.size(),
        TableSize {
            days: 39,
            intervals: 675,
            blocks: 2,
            checkpoints: 419,
        }
    );
    // The clocks themselves run on it.
    let outs = clock::compute(&p);
    assert_eq!(outs.len(), 3);

    // Across the gap: Mon 2026-07-06 00:00 to Wed 2099-12-30 00:00 (Seoul) is 3834 whole
    // weeks to Mon 2099-12-28 (26,838 days / 7) plus Mon and Tue: (3834 x 5 + 2) working days
    // x 12 h = 19,172 x 43,200 s.
    let a = t("2026-07-06T00:00:00+09:00");
    let b = t("2099-12-30T00:00:00+09:00");
    assert_eq!(bt.between(a, b), 19_172 * 43_200);
    // The same on a table that keeps every day.
    let dense = BusinessTime::new(
        &cals["seoul_office"],
        NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        NaiveDate::from_ymd_opt(2100, 1, 2).unwrap(),
    );
    assert!(dense.size().intervals > 460_000, "{:?}", dense.size());
    assert_eq!(dense.between(a, b), 19_172 * 43_200);

    // A due instant inside the gap is found by replaying from a checkpoint: 500 working days
    // (100 weeks) from Mon 2026-07-06 00:00 are used up at the end of the last window of the
    // 100th week's Friday, 2028-06-02 23:30 (the window's end, not the next start).
    let hundred_weeks = 500 * 43_200;
    let fri = t("2028-06-02T23:30:00+09:00");
    assert_eq!(bt.add(a, hundred_weeks), Some(fri));
    assert_eq!(dense.add(a, hundred_weeks), Some(fri));
    // 15 minutes more: Monday 2028-06-05, a quarter into its first window.
    let mon = t("2028-06-05T00:15:00+09:00");
    assert_eq!(bt.add(a, hundred_weeks + 900), Some(mon));
    assert_eq!(dense.add(a, hundred_weeks + 900), Some(mon));
    // Into the second run: 19,172 working days from `a` end at Tue 2099-12-29 23:30.
    assert_eq!(
        bt.add(a, 19_172 * 43_200),
        Some(t("2099-12-29T23:30:00+09:00"))
    );
    // Three working days more: Wed 30, Thu 31, Fri 2100-01-01, used up at 23:30 that Friday,
    // the last working day of the table (it ends with Sat 2100-01-02). A fourth: none.
    assert_eq!(
        bt.add(a, 19_175 * 43_200),
        Some(t("2100-01-01T23:30:00+09:00"))
    );
    assert_eq!(bt.add(a, 19_176 * 43_200), None);
}

#[test]
fn calendars_no_business_target_uses_get_no_table() {
    let (dir, data, lake) = valid_folder();
    let mut text = half_hour_calendars();
    text.push_str("[calendars.unused]\ntimezone = \"UTC\"\n[calendars.unused.hours]\nmon = [\"09:00-17:00\"]\n");
    std::fs::write(data.join("calendars.toml"), text).unwrap();
    ingest_ok(&data, &lake, &[]);
    let (cals, goals, _) = read_configs(&data).unwrap();
    let inputs = ClockInputs::read_lake(&lake).unwrap();
    let p = clock::prepare(inputs, &cals, &goals, t("2099-12-31T12:00:00Z")).unwrap();
    // One kept day (as_of's, a Thursday in UTC) and no Monday in it: no interval but the
    // end marker.
    let size = p.business_time("unused").unwrap().size();
    assert_eq!((size.days, size.intervals, size.blocks), (1, 1, 1));
    drop(dir);
}

#[test]
fn as_of_past_year_9999_is_an_error_not_a_hang() {
    let (_dir, inputs, cals, goals) = half_hour_lake();
    // 10000-01-01T00:00:00Z.
    let err = clock::prepare(inputs, &cals, &goals, 253_402_300_800)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("as_of (253402300800 seconds after 1970-01-01T00:00:00Z) is outside the instants the clocks accept (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)"),
        "{err}"
    );
}

#[test]
fn as_of_at_the_end_of_year_9999_finishes_with_two_runs_of_days() {
    let (_dir, inputs, cals, goals) = half_hour_lake();
    let p = clock::prepare(inputs, &cals, &goals, t("9999-12-31T23:59:59Z")).unwrap();
    let size = p.business_time("seoul_office").unwrap().size();
    // 2026-07-01..2026-08-03 (34 days) and 9999-12-29..10000-01-02 (5 days).
    assert_eq!((size.days, size.blocks), (39, 2));
    assert!(size.intervals < 39 * 24 + 2, "{size:?}");
    assert_eq!(clock::compute(&p).len(), 3);
}

#[test]
fn target_minutes_of_i64_max_saturate_instead_of_overflowing() {
    let (dir, data, lake) = valid_folder();
    ingest_ok(&data, &lake, &[]);
    let (cals, goals, _) = read_configs(&data).unwrap();
    let mut inputs = ClockInputs::read_lake(&lake).unwrap();
    let h = inputs.sla_targets.height();
    inputs
        .sla_targets
        .with_column(Column::new("target_minutes".into(), vec![i64::MAX; h]))
        .unwrap();
    let p = clock::prepare(inputs, &cals, &goals, t("2026-08-02T00:00:00+09:00")).unwrap();
    let outs = clock::compute(&p);
    let mut rows = 0;
    for o in &outs {
        for r in o.sla.iter().filter(|r| r.metric != Metric::SystemDown) {
            rows += 1;
            // 9223372036854775807 minutes x 60 does not fit: the target is "never".
            assert_eq!(r.target_seconds, i64::MAX);
            assert_ne!(r.state, State::Breached);
            assert_eq!(r.breached_at, None);
        }
    }
    // 00123 (K1, P2: first_response, update, resolution), T2 (K2, P1 first_response).
    assert_eq!(rows, 4);
    clock::tables(&p, &outs).unwrap();
    drop(dir);
}

#[test]
fn goals_beyond_their_ranges_built_in_code_saturate_in_the_clocks() {
    // parse_goals refuses these (tests/config_ranges.rs); a Goals built in code is the last
    // line, and must give a plain figure, not a panic.
    let mut goals = Goals::default();
    goals.engineer.system_down_max_hours = f64::INFINITY;
    goals.fcr.reopen_window_days = i64::MAX;
    assert_eq!(goals.system_down_target_seconds(), i64::MAX);
    assert_eq!(goals.reopen_window_seconds(), i64::MAX);
    goals.engineer.system_down_max_hours = 1e300;
    assert_eq!(goals.system_down_target_seconds(), i64::MAX);
    goals.engineer.system_down_max_hours = 48.0;
    assert_eq!(goals.system_down_target_seconds(), 172_800);

    // A system-down ticket solved, reopened a day later, still open 30 days on.
    let created = t("2026-07-01T00:00:00Z");
    let events = [
        Event {
            at: created + 3600,
            kind: EventKind::AgentReply,
        },
        Event {
            at: created + 7200,
            kind: EventKind::Status(Status::Solved),
        },
        Event {
            at: created + 86_400,
            kind: EventKind::Status(Status::Open),
        },
    ];
    let ticket = TicketIn {
        created,
        priority_filed: Priority::P1,
        system_down: true,
        export_status: Status::Open,
        export_assignee: clock::engine::NOBODY,
        targets: None,
        events: &events,
    };
    let calendars = [BusinessTime::always()];
    let as_of = created + 30 * 86_400;
    let rules = Rules {
        as_of,
        system_down_target: i64::MAX,
        reopen_window: i64::MAX,
        calendars: &calendars,
        always: 0,
    };
    let out = ticket_clocks(&ticket, &rules);
    let down = &out.sla[0];
    assert_eq!(down.metric, Metric::SystemDown);
    // Solved 2 h after creation, within a target that never ends.
    assert_eq!((down.elapsed, down.state), (7200, State::Met));
    assert_eq!(down.breached_at, None);
    // The reopen a day later is within a window that never ends: not one touch.
    assert!(!out.facts.one_touch);
    // The metrics' replay of the same ticket: no over-goal moment.
    let tl = ticket_timeline(&ticket, as_of, i64::MAX);
    assert_eq!(tl.moments.len(), 2, "{:?}", tl.moments);
}

#[test]
fn adding_past_the_end_of_time_is_none() {
    let always = BusinessTime::always();
    assert_eq!(always.add(i64::MAX - 5, 10), None);
    assert_eq!(always.add(0, i64::MAX), Some(i64::MAX));
    let cal = slareview::model::config::parse_calendars(&half_hour_calendars(), "calendars.toml")
        .unwrap();
    let bt = BusinessTime::new(
        &cal["seoul_office"],
        NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 7, 31).unwrap(),
    );
    let a = t("2026-07-06T00:00:00+09:00");
    assert_eq!(bt.add(a, i64::MAX), None);
    assert_eq!(bt.add(a, i64::MAX - 1), None);
}

#[test]
fn run_with_an_event_in_year_9999_and_half_hour_windows_keeps_few_days() {
    // The reproducer: one event dated 9999-12-31 (it becomes as_of unless ingest
    // rejects it as implausible) and a calendar of 24 half-hour windows Monday to Friday.
    // Before, the table held every day from 2026 to 10001 (on these three tickets: 12 s and
    // 1.5 GB; on 300, killed at 24 GB). The run reports the size of each table it built
    // (debug log): `seoul_office` keeps the days around the tickets of 2026 (34) and, if the
    // event is taken, the 5 around as_of.
    let (t, data, _) = valid_folder();
    std::fs::write(data.join("calendars.toml"), half_hour_calendars()).unwrap();
    let mut events = std::fs::read_to_string(data.join("ticket_events.csv")).unwrap();
    events.push_str("T3,9999-12-31T00:00:00Z,internal_note,E1,\n");
    std::fs::write(data.join("ticket_events.csv"), events).unwrap();
    let out = t.path().join("out");
    let o = run_ok(&data, &out, &["-vv"]);
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("business-time table `seoul_office`"))
        .unwrap_or_else(|| panic!("no table size in the log:\n{err}"));
    let days: usize = line
        .split("days: ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(days <= 39, "{line}");
    assert!(out.join("tables/ticket_sla.csv").is_file());
}
