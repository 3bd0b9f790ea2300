//! The metric tables on a small folder whose figures are worked out by hand below (not by the
//! code under test). Reporting zone UTC and 24x7 clocks, so every figure is plain arithmetic;
//! the local-midnight rule in another zone has its own test.
//!
//! The folder (as_of 2026-10-01T00:00:00Z, report period 2026Q3):
//! - T1 C1/K1 P2, created 07-01 10:00, E1; reply + solved 10:30. First response 1800 s <= 3600:
//!   met. Reply and solve at one instant: no update window, so update not applicable.
//!   Resolution 1800 s: met. One reply before the solve, no reopen: one-touch. Survey 5.
//! - T2 C1/K1 P2, created 07-01 12:00, E1; reply 14:00 (7200 s > 3600: first response breached)
//!   and pending at once (zero-length window); customer reply + open 07-03 12:00 (window from
//!   here); reply + solved 07-06 12:00 (window 259200 s > 86400: breached); reopened 07-08 09:00
//!   (window), reply + solved 10:00 (3600 s: met). Update: 2 windows, 1 breached: breached.
//!   Resolution = 7200 + 259200 + 3600 = 270000 s > 172800: breached. Two replies and a reopen:
//!   not one-touch. Surveys 2 (07-07) then 4 (07-09): the 4 replaces the 2.
//! - T3 C1/K1 P2, created 09-30 20:00, E2, nothing by as_of: first response 14400 s > 3600
//!   breached; update in progress (no window, not done); resolution 14400 s: in progress.
//! - T4 C1/K1 P1 system-down, created 08-01 00:00, exported with E1 but it has an assign event,
//!   so it is unassigned until then (metrics.md, Backlog); reply 00:10 (600 s <= 1800: met);
//!   assigned to E2 at 08-02 00:00; solved 08-04 00:00: 72 h > 48 h, over goal, credited to E2 (assigned
//!   at 08-03 00:00 when the goal passed). One reply before the solve: one-touch.
//! - T5 C1/K1 P3 (no P3 targets), created 06-30 23:00 (2026Q2), exported open with E1, no events:
//!   listed in data_quality, open every day of 2026Q3 on E1's backlog.
//! - T6 C2 P2, created 07-15 09:00, but K2 ended 2025-12-31: outside any contract, no SLA rows;
//!   reply + solved 10:00 by E1: one-touch. Survey 3.
//! - A survey rated 7 is rejected.
//! - E1 active all quarter (92 days, 66 weekdays); E2 from 07-16 (77 days, 55 weekdays). KB: E1
//!   three articles in the quarter; E2 one on 07-10 (before E2 was active: not counted) and one
//!   on 08-01.

mod common;

use std::path::Path;

use common::*;

const CONTRACTS: &str = "\
contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee
K1,C1,Acme,gold,2026-01-01,2026-12-31,,USD,120000
K2,C2,Globex,gold,2025-01-01,2025-12-31,,USD,50000
";

const TARGETS: &str = "\
plan,contract_id,priority,metric,target_minutes,clock
gold,,P1,first_response,30,calendar
gold,,P2,first_response,60,calendar
gold,,P2,update,1440,calendar
gold,,P2,resolution,2880,calendar
";

const TICKETS: &str = "\
ticket_id,customer_id,created_at,priority,severity,status,assignee_id
T1,C1,2026-07-01T10:00:00Z,P2,normal,solved,E1
T2,C1,2026-07-01T12:00:00Z,P2,normal,solved,E1
T3,C1,2026-09-30T20:00:00Z,P2,normal,new,E2
T4,C1,2026-08-01T00:00:00Z,P1,system_down,solved,E1
T5,C1,2026-06-30T23:00:00Z,P3,normal,open,E1
T6,C2,2026-07-15T09:00:00Z,P2,normal,solved,E1
";

const EVENTS: &str = "\
ticket_id,at,kind,actor_id,value
T1,2026-07-01T10:30:00Z,agent_reply,E1,
T1,2026-07-01T10:30:00Z,status,E1,solved
T2,2026-07-01T14:00:00Z,agent_reply,E1,
T2,2026-07-01T14:00:00Z,status,E1,pending
T2,2026-07-03T12:00:00Z,customer_reply,,
T2,2026-07-03T12:00:00Z,status,,open
T2,2026-07-06T12:00:00Z,agent_reply,E1,
T2,2026-07-06T12:00:00Z,status,E1,solved
T2,2026-07-08T09:00:00Z,status,,open
T2,2026-07-08T10:00:00Z,agent_reply,E1,
T2,2026-07-08T10:00:00Z,status,E1,solved
T3,2026-10-01T00:00:00Z,internal_note,E2,
T4,2026-08-01T00:10:00Z,agent_reply,E1,
T4,2026-08-02T00:00:00Z,assign,,E2
T4,2026-08-04T00:00:00Z,status,E2,solved
T6,2026-07-15T10:00:00Z,agent_reply,E1,
T6,2026-07-15T10:00:00Z,status,E1,solved
";

const SURVEYS: &str = "\
survey_id,ticket_id,responded_at,rating
S1,T1,2026-07-02T09:00:00Z,5
S2a,T2,2026-07-07T09:00:00Z,2
S2b,T2,2026-07-09T09:00:00Z,4
S6,T6,2026-07-16T09:00:00Z,3
S9,T1,2026-07-20T09:00:00Z,7
";

const ENGINEERS: &str = "\
engineer_id,name,active_from,active_to
E1,Kim,,
E2,Lee,2026-07-16,
";

const KB: &str = "\
article_id,author_id,published_at,title
A1,E1,2026-07-05T09:00:00Z,One
A2,E1,2026-08-05T09:00:00Z,Two
A3,E1,2026-09-05T09:00:00Z,Three
A4,E2,2026-07-10T09:00:00Z,Before E2 started
A5,E2,2026-08-01T09:00:00Z,Five
";

const GOALS: &str = "reporting_timezone = \"UTC\"\n";

fn folder(dir: &Path) {
    write_folder(
        dir,
        &[
            ("contracts.csv", CONTRACTS),
            ("sla_targets.csv", TARGETS),
            ("tickets.csv", TICKETS),
            ("ticket_events.csv", EVENTS),
            ("surveys.csv", SURVEYS),
            ("engineers.csv", ENGINEERS),
            ("kb_articles.csv", KB),
            ("goals.toml", GOALS),
        ],
    );
}

fn close(r: &Row, col: &str, want: f64) {
    let got = num(r, col);
    assert!(
        (got - want).abs() < 1e-6,
        "{col}: got {got}, want {want} in {r:?}"
    );
}

fn run_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tmp();
    let data = t.path().join("data");
    let out = t.path().join("out");
    folder(&data);
    run_ok(&data, &out, &["--as-of", "2026-10-01T00:00:00Z"]);
    (t, out)
}

#[test]
fn sla_compliance_counts_every_state() {
    let (_t, out) = run_folder();
    let rows = table(&out, "sla_compliance");
    let k = |p, m| {
        row(
            &rows,
            &[
                ("period", "2026Q3"),
                ("contract_id", "K1"),
                ("priority", p),
                ("metric", m),
            ],
        )
    };
    let fr = k("P2", "first_response");
    assert_eq!(
        (&fr["tickets"][..], &fr["met"][..], &fr["breached"][..]),
        ("3", "1", "2")
    );
    close(fr, "compliance_pct", 100.0 / 3.0);

    let up = k("P2", "update");
    let counts = [
        "met",
        "breached",
        "in_progress",
        "not_applicable",
        "windows",
        "breached_windows",
    ]
    .map(|c| up[c].clone());
    assert_eq!(counts, ["0", "1", "1", "1", "2", "1"]);
    close(up, "compliance_pct", 0.0);

    let res = k("P2", "resolution");
    let counts = ["met", "breached", "in_progress"].map(|c| res[c].clone());
    assert_eq!(counts, ["1", "1", "1"]);
    close(res, "compliance_pct", 50.0);

    assert_eq!(k("P1", "first_response")["met"], "1");
    let sd = k("P1", "system_down");
    assert_eq!((&sd["breached"][..], &sd["tickets"][..]), ("1", "1"));
    // T6 is outside any contract and not system-down: no SLA rows at all; T5 has no targets.
    assert!(rows.iter().all(|r| r["customer_id"] != "C2"));
    assert!(rows.iter().all(|r| r["priority"] != "P3"));
}

#[test]
fn csat_keeps_the_latest_survey_and_summarises_with_wilson_intervals() {
    let (_t, out) = run_folder();
    let csat = table(&out, "csat");
    let ids: Vec<&str> = csat.iter().map(|r| r["survey_id"].as_str()).collect();
    assert_eq!(
        ids,
        ["S1", "S2b", "S6"],
        "S2a replaced, S9 rejected (rating 7)"
    );
    let s2 = row(&csat, &[("survey_id", "S2b")]);
    assert_eq!(
        (
            &s2["engineer_id"][..],
            &s2["priority"][..],
            &s2["period"][..],
            &s2["satisfied"][..],
            &s2["very_satisfied"][..]
        ),
        ("E1", "P2", "2026Q3", "true", "false")
    );

    let sum = table(&out, "csat_summary");
    let all = row(&sum, &[("period", "2026Q3"), ("dimension", "all")]);
    assert_eq!((&all["responses"][..], &all["too_few"][..]), ("3", "true"));
    // 2 of 3 satisfied: Wilson 95%: centre (2/3 + 1.96²/6) / (1 + 1.96²/3) = 0.57309,
    // half-width 1.96·sqrt((2/3)(1/3)/3 + 1.96²/36) / (1 + 1.96²/3) = 0.36543.
    close(all, "satisfied_pct", 200.0 / 3.0);
    assert!((num(all, "satisfied_low") - 20.7655).abs() < 1e-3);
    assert!((num(all, "satisfied_high") - 93.8510).abs() < 1e-3);
    // 1 of 3 very satisfied: the mirror image.
    close(all, "very_satisfied_pct", 100.0 / 3.0);
    assert!((num(all, "very_satisfied_low") - 6.1490).abs() < 1e-3);
    assert!((num(all, "very_satisfied_high") - 79.2345).abs() < 1e-3);
    assert_eq!(all["satisfied_goal_met"], "false");
    // Tickets with a solve in 2026Q3: T1, T2, T4, T6; 3 surveys.
    assert_eq!(all["solved_tickets"], "4");
    close(all, "response_rate_pct", 75.0);
    let by = |dim, key| {
        row(
            &sum,
            &[("period", "2026Q3"), ("dimension", dim), ("key", key)],
        )
    };
    // By engineer at the first solve: E1 solved T1, T2, T6 first; T4's first solve was E2's.
    let e1 = by("engineer", "E1");
    assert_eq!(
        (&e1["responses"][..], &e1["solved_tickets"][..]),
        ("3", "3")
    );
    let e2 = by("engineer", "E2");
    assert_eq!(
        (&e2["responses"][..], &e2["solved_tickets"][..]),
        ("0", "1")
    );
    let c2 = by("customer", "C2");
    close(c2, "satisfied_pct", 0.0);
}

#[test]
fn fcr_counts_one_touch_and_reopens() {
    let (_t, out) = run_folder();
    let fcr = table(&out, "fcr");
    let p2 = row(
        &fcr,
        &[
            ("period", "2026Q3"),
            ("customer_id", "C1"),
            ("priority", "P2"),
        ],
    );
    let got = ["tickets", "fcr_tickets", "one_touch", "solved", "reopened"].map(|c| p2[c].clone());
    // T1, T2, T3 created; T1 and T2 done with a reply; T1 one-touch; T2 reopened.
    assert_eq!(got, ["3", "2", "1", "2", "1"]);
    close(p2, "fcr_pct", 50.0);
    close(p2, "reopen_pct", 50.0);
    let p1 = row(
        &fcr,
        &[
            ("period", "2026Q3"),
            ("customer_id", "C1"),
            ("priority", "P1"),
        ],
    );
    close(p1, "fcr_pct", 100.0);
    // T5 belongs to 2026Q2 and is not done.
    let q2 = row(
        &fcr,
        &[
            ("period", "2026Q2"),
            ("customer_id", "C1"),
            ("priority", "P3"),
        ],
    );
    assert_eq!((&q2["tickets"][..], &q2["fcr_tickets"][..]), ("1", "0"));
    assert_eq!(q2["fcr_pct"], "");
}

#[test]
fn backlog_daily_is_the_state_just_before_each_midnight() {
    let (_t, out) = run_folder();
    let b = table(&out, "backlog_daily");
    let at = |date, p, c, e| {
        row(
            &b,
            &[
                ("date", date),
                ("priority", p),
                ("customer_id", c),
                ("engineer_id", e),
            ],
        )
    };
    let cols = [
        "backlog", "active", "paused", "inflow", "outflow", "reopens",
    ];
    let get = |r: &Row| cols.map(|c| r[c].parse::<i64>().unwrap());
    // 07-01: T1 in and out; T2 in, pending at midnight; T5 open since 06-30.
    assert_eq!(get(at("2026-07-01", "P2", "C1", "E1")), [1, 0, 1, 2, 1, 0]);
    assert_eq!(get(at("2026-07-01", "P3", "C1", "E1")), [1, 1, 0, 0, 0, 0]);
    // 07-03: T2 open again.
    assert_eq!(get(at("2026-07-03", "P2", "C1", "E1")), [1, 1, 0, 0, 0, 0]);
    // 07-06: T2 solved; 07-08: reopened and solved again.
    assert_eq!(get(at("2026-07-06", "P2", "C1", "E1")), [0, 0, 0, 0, 1, 0]);
    assert_eq!(get(at("2026-07-08", "P2", "C1", "E1")), [0, 0, 0, 0, 1, 1]);
    // T4: assigned at exactly 08-02 00:00, which belongs to 08-02, so at the end of 08-01 it is
    // still unassigned (edge rule 12: empty engineer_id); E2 at the ends of 08-02 and 08-03;
    // solved at 08-04 00:00.
    assert_eq!(get(at("2026-08-01", "P1", "C1", "")), [1, 1, 0, 1, 0, 0]);
    assert_eq!(get(at("2026-08-02", "P1", "C1", "E2")), [1, 1, 0, 0, 0, 0]);
    assert_eq!(get(at("2026-08-03", "P1", "C1", "E2")), [1, 1, 0, 0, 0, 0]);
    assert_eq!(get(at("2026-08-04", "P1", "C1", "E2")), [0, 0, 0, 0, 1, 0]);
    assert!(b.iter().all(|r| !(r["date"] == "2026-08-02"
        && r["engineer_id"] == "E1"
        && r["priority"] == "P1")));
    // T6 (no contract) still counts: in and out on 07-15.
    assert_eq!(get(at("2026-07-15", "P2", "C2", "E1")), [0, 0, 0, 1, 1, 0]);
    // The days stop at the periods' end: as_of is 10-01 00:00, 2026Q4 is not written.
    assert!(b.iter().all(|r| r["date"].as_str() <= "2026-09-30"));
    // Totals: the identity backlog(d) = backlog(d-1) + inflow - outflow + reopens, every day.
    let trend = table(&out, "backlog_trend");
    let mut prev = 0;
    for r in &trend {
        let [backlog, _, _, inflow, outflow, reopens] = get(r);
        assert_eq!(backlog, prev + inflow - outflow + reopens, "{r:?}");
        prev = backlog;
    }
    let last = row(&trend, &[("date", "2026-09-30")]);
    assert_eq!(
        last["backlog"], "2",
        "T3 and T5 open at the end of the quarter"
    );
}

#[test]
fn aging_at_period_end() {
    let (_t, out) = run_folder();
    let a = table(&out, "backlog_aging");
    let q3: Vec<(&str, &str, &str)> = a
        .iter()
        .filter(|r| r["period"] == "2026Q3")
        .map(|r| {
            (
                r["age_bucket"].as_str(),
                r["engineer_id"].as_str(),
                r["tickets"].as_str(),
            )
        })
        .collect();
    // T3: 4 hours old; T5: created 06-30 23:00, 92 days and an hour at 10-01 00:00.
    assert_eq!(q3, [("0-2", "E2", "1"), ("over 90", "E1", "1")]);
    // At the end of 2026Q2 T5 was an hour old.
    let q2 = row(&a, &[("period", "2026Q2")]);
    assert_eq!((&q2["age_bucket"][..], &q2["priority"][..]), ("0-2", "P3"));
}

#[test]
fn engineer_load_per_engineer() {
    let (_t, out) = run_folder();
    let l = table(&out, "engineer_load");
    let e1 = row(&l, &[("period", "2026Q3"), ("engineer_id", "E1")]);
    // Solves: T1, T2 twice, T6. Backlog: T5 all 92 days + T2 5 days (07-01..07-05); T4 was
    // unassigned on 08-01, not E1's.
    let got = [
        "working_days",
        "active_days",
        "solved",
        "backlog_days",
        "system_down_over_goal",
        "kb_articles",
        "csat_responses",
    ]
    .map(|c| e1[c].clone());
    assert_eq!(got, ["66", "92", "4", "97", "0", "3", "3"]);
    close(e1, "solved_per_working_day", 4.0 / 66.0);
    close(e1, "avg_backlog", 97.0 / 92.0);
    close(e1, "kb_per_week", 3.0 * 7.0 / 92.0);
    assert_eq!(
        (&e1["solved_goal_met"][..], &e1["backlog_goal_met"][..]),
        ("false", "true")
    );
    let e2 = row(&l, &[("period", "2026Q3"), ("engineer_id", "E2")]);
    // From 07-16: 77 days, 55 weekdays. T4's solve; T4 on 08-02 and 08-03; T3 on 09-30; T4 over
    // the system-down goal on E2's watch; one article (A4 predates E2's start).
    let got = [
        "working_days",
        "active_days",
        "solved",
        "backlog_days",
        "system_down_over_goal",
        "kb_articles",
    ]
    .map(|c| e2[c].clone());
    assert_eq!(got, ["55", "77", "1", "3", "1", "1"]);
    close(e2, "avg_backlog", 3.0 / 77.0);
    close(e2, "kb_per_week", 7.0 / 77.0);
    // Before 07-16 E2 had no days at all: listed (in engineers.csv) with nothing.
    let q2 = row(&l, &[("period", "2026Q2"), ("engineer_id", "E2")]);
    assert_eq!((&q2["active_days"][..], &q2["avg_backlog"][..]), ("0", ""));
}

#[test]
fn goal_scorecard_judges_every_goal() {
    let (_t, out) = run_folder();
    let s = table(&out, "goal_scorecard");
    let g = |goal| row(&s, &[("period", "2026Q3"), ("goal", goal)]);
    let status = |goal| g(goal)["status"].clone();
    close(g("csat.satisfied_or_better_pct"), "figure", 200.0 / 3.0);
    assert_eq!(g("csat.satisfied_or_better_pct")["too_few"], "true");
    close(g("csat.very_satisfied_pct"), "figure", 100.0 / 3.0);
    // First response: met T1, T4; breached T2, T3.
    close(g("sla.first_response_met_pct"), "figure", 50.0);
    close(g("sla.update_met_pct"), "figure", 0.0);
    // Team: (97 + 3) backlog days / (92 + 77) active days; 5 solves / (66 + 55) working days;
    // 4 articles / (169 / 7) weeks.
    close(g("engineer.max_avg_backlog"), "figure", 100.0 / 169.0);
    close(
        g("engineer.min_solved_per_working_day"),
        "figure",
        5.0 / 121.0,
    );
    close(
        g("engineer.min_kb_articles_per_week"),
        "figure",
        4.0 * 7.0 / 169.0,
    );
    close(g("engineer.system_down_max_hours"), "figure", 72.0);
    // FCR: T1, T4, T6 one-touch of T1, T2, T4, T6.
    close(g("fcr.reopen_window_days"), "figure", 75.0);
    let got = [
        "csat.satisfied_or_better_pct",
        "csat.very_satisfied_pct",
        "sla.first_response_met_pct",
        "sla.update_met_pct",
        "engineer.max_avg_backlog",
        "engineer.min_solved_per_working_day",
        "engineer.system_down_max_hours",
        "engineer.min_kb_articles_per_week",
        "fcr.reopen_window_days",
    ]
    .map(status);
    assert_eq!(
        got,
        ["missed", "missed", "missed", "missed", "met", "missed", "missed", "missed", "info"]
    );
    // Goals are the spec's defaults (goals.toml sets only the zone).
    close(g("csat.very_satisfied_pct"), "goal_value", 86.0);
    close(g("engineer.min_solved_per_working_day"), "goal_value", 1.5);
    // Change from 2026Q2: in Q2 nobody solved anything, so 5/121 - 0.
    close(
        g("engineer.min_solved_per_working_day"),
        "change",
        5.0 / 121.0,
    );
    // 2025Q4 has no previous period written: empty change.
    let first = row(&s, &[("period", "2025Q4"), ("goal", "sla.update_met_pct")]);
    assert_eq!(
        (&first["change"][..], &first["status"][..]),
        ("", "no_data")
    );
}

#[test]
fn data_quality_lists_what_was_set_aside() {
    let (_t, out) = run_folder();
    let d = table(&out, "data_quality");
    let mut got: Vec<(String, String)> = d
        .iter()
        .map(|r| {
            (
                r["check"].clone(),
                format!("{}{}", r["ticket_id"], r["item_id"]),
            )
        })
        .collect();
    got.sort();
    let want = [
        ("rejected_row", ""),
        ("survey_replaced", "T2S2a"),
        ("ticket_outside_contract", "T6"),
        ("ticket_without_events", "T5"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(got, want);
    let rejected = row(&d, &[("check", "rejected_row")]);
    assert_eq!(
        (&rejected["file"][..], &rejected["line"][..]),
        ("surveys.csv", "6")
    );
}

#[test]
fn days_and_periods_follow_the_reporting_zone() {
    // The same folder reported in Asia/Seoul (UTC+9): T5, created 06-30 23:00 UTC, is
    // 07-01 08:00 in Seoul, so it belongs to 2026Q3 and flows in on 07-01; T3, created
    // 09-30 20:00 UTC, is 10-01 05:00 in Seoul: 2026Q4, outside the periods written.
    let t = tmp();
    let data = t.path().join("data");
    let out = t.path().join("out");
    folder(&data);
    std::fs::write(
        data.join("goals.toml"),
        "reporting_timezone = \"Asia/Seoul\"\n",
    )
    .unwrap();
    run_ok(
        &data,
        &out,
        &["--as-of", "2026-10-01T00:00:00Z", "--period", "2026Q3"],
    );
    let b = table(&out, "backlog_daily");
    let t5 = row(&b, &[("date", "2026-07-01"), ("priority", "P3")]);
    assert_eq!((&t5["inflow"][..], &t5["backlog"][..]), ("1", "1"));
    assert!(
        b.iter().all(|r| r["date"].as_str() >= "2026-07-01"),
        "nothing before T5"
    );
    let facts = table(&out, "ticket_facts");
    assert_eq!(row(&facts, &[("ticket_id", "T5")])["period"], "2026Q3");
    assert_eq!(row(&facts, &[("ticket_id", "T3")])["period"], "2026Q4");
    let sla = table(&out, "sla_compliance");
    let fr = row(
        &sla,
        &[
            ("period", "2026Q3"),
            ("priority", "P2"),
            ("metric", "first_response"),
            ("contract_id", "K1"),
        ],
    );
    assert_eq!(
        (&fr["tickets"][..], &fr["breached"][..]),
        ("2", "1"),
        "T1 met, T2 breached"
    );
    // as_of is 10-01 09:00 in Seoul, so 10-01 exists, but 2026Q4 is not a period written here.
    assert!(b.iter().all(|r| r["date"].as_str() <= "2026-09-30"));
}

#[test]
fn a_query_dropped_into_the_folder_is_a_new_table() {
    let t = tmp();
    let data = t.path().join("data");
    let out = t.path().join("out");
    let queries = t.path().join("queries");
    folder(&data);
    std::fs::create_dir_all(&queries).unwrap();
    let bundled = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"));
    for e in std::fs::read_dir(bundled).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "sql") {
            std::fs::copy(&p, queries.join(p.file_name().unwrap())).unwrap();
        }
    }
    // A new table reading a bundled one (so it must run after it) and a lake table.
    std::fs::write(
        queries.join("breaches_by_engineer.sql"),
        "-- breached first responses per engineer at the first solve\n\
         select f.assignee_at_first_solve as engineer_id, count(*) as breaches\n\
         from ticket_sla s join ticket_facts f on s.ticket_id = f.ticket_id\n\
         join sla_compliance c on c.contract_id = s.contract_id and c.period = s.period\n\
             and c.priority = s.priority and c.metric = s.metric\n\
         where s.state = 'breached' and s.metric = 'first_response'\n\
         group by f.assignee_at_first_solve order by engineer_id;\n",
    )
    .unwrap();
    let o = run_ok(
        &data,
        &out,
        &[
            "--as-of",
            "2026-10-01T00:00:00Z",
            "--queries",
            queries.to_str().unwrap(),
        ],
    );
    assert!(
        stdout(&o).contains("breaches_by_engineer"),
        "{}",
        stdout(&o)
    );
    let rows = table(&out, "breaches_by_engineer");
    // T2 (E1 at its first solve) and T3 (never solved: no engineer; nulls sort last).
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["engineer_id"].as_str(), r["breaches"].as_str()))
        .collect();
    assert_eq!(got, [("E1", "1"), ("", "1")]);
    assert!(out.join("tables/breaches_by_engineer.parquet").exists());
}

#[test]
fn a_broken_query_names_its_file_and_the_tables_it_can_read() {
    let t = tmp();
    let data = t.path().join("data");
    let queries = t.path().join("queries");
    folder(&data);
    std::fs::create_dir_all(&queries).unwrap();
    std::fs::write(queries.join("oops.sql"), "select nope from ticket_sla").unwrap();
    let o = slareview(&[
        "run",
        "--data",
        data.to_str().unwrap(),
        "--out",
        t.path().join("out").to_str().unwrap(),
        "--queries",
        queries.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("oops.sql") && e.contains("nope"), "{e}");
    assert!(e.contains("hint:") && e.contains("ticket_facts"), "{e}");
}

#[test]
fn without_the_optional_files_everyone_credited_is_listed_for_every_day() {
    // No engineers.csv, kb_articles.csv or surveys.csv: E1 and E2 are still listed, for every
    // day of the quarter (edge rule 15), and data_quality says they are not in a roster.
    let t = tmp();
    let data = t.path().join("data");
    let out = t.path().join("out");
    folder(&data);
    for f in ["engineers.csv", "kb_articles.csv", "surveys.csv"] {
        std::fs::remove_file(data.join(f)).unwrap();
    }
    run_ok(&data, &out, &["--as-of", "2026-10-01T00:00:00Z"]);
    let l = table(&out, "engineer_load");
    let e2 = row(&l, &[("period", "2026Q3"), ("engineer_id", "E2")]);
    let got = [
        "in_roster",
        "active_days",
        "working_days",
        "backlog_days",
        "kb_articles",
        "csat_responses",
    ]
    .map(|c| e2[c].clone());
    assert_eq!(got, ["false", "92", "66", "3", "0", "0"]);
    // Nobody is listed for a quarter in which they were credited with nothing.
    assert!(l.iter().all(|r| r["period"] != "2025Q4"), "{l:?}");
    let d = table(&out, "data_quality");
    let unknown: Vec<&str> = d
        .iter()
        .filter(|r| r["check"] == "engineer_not_in_roster" && r["period"] == "2026Q3")
        .map(|r| r["item_id"].as_str())
        .collect();
    assert_eq!(unknown, ["E1", "E2"]);
    let s = table(&out, "csat_summary");
    let all = row(&s, &[("period", "2026Q3"), ("dimension", "all")]);
    assert_eq!(
        (&all["responses"][..], &all["solved_tickets"][..]),
        ("0", "4")
    );
}
