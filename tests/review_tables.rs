//! The review's tables (review.md, docs/review_tables.md) on hand-built folders whose figures are
//! worked out below by hand, not by the code under test: waivers in compliance and credits,
//! escalations per customer and engineer, and the split of a breached row's elapsed time by
//! who held the ticket. Every run: as_of 2026-10-01T00:00:00Z, report period 2026Q3.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Runs `slareview run` on the files in `root/data` into `root/out`.
fn run(root: &Path, files: &[(&str, &str)]) -> PathBuf {
    let data = root.join("data");
    write_folder(&data, files);
    let out = root.join("out");
    run_ok(
        &data,
        &out,
        &["--as-of", "2026-10-01T00:00:00Z", "--period", "2026Q3"],
    );
    out
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 1e-6, "{what}: got {got}, want {want}");
}

/// Every sla_compliance and sla_summary row reconciles: each row is exactly one of met,
/// breached, in progress, not applicable or waived.
fn reconciles(out: &Path) {
    for name in ["sla_compliance", "sla_summary"] {
        for r in table(out, name) {
            let parts: f64 = ["met", "breached", "in_progress", "not_applicable", "waived"]
                .iter()
                .map(|c| num(&r, c))
                .sum();
            assert_eq!(num(&r, "tickets"), parts, "{name}: {r:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (a) and (d): waivers.
//
// Plan `gold` (24x7): P1 first response 60 min, commitment 75%; P2 first response 60 min, 100%.
// Plan `silver` (24x7): P3 first response 60 min, update 120 min, resolution 480 min (90% each).
// KW (customer CW, gold, USD 36,500/yr, 2026-01-01..2026-12-31, 50 cases a quarter, 5% per
// missed commitment, cap 8%): 2026Q3 = 92 days of the 365-day contract year -> fee
// 36,500 x 92/365 = 9,200.00.
// - W1, W2, W3 (P1) replied after 30 min: met. W4, W5 (P1) replied after 2 h: breached
//   (7200 s > 3600 s; breached_at = created + 1 h). W6 (P2) replied after 2 h: breached.
// - Without waivers: P1 3 met of 5 = 60% < 75 -> missed; P2 0 of 1 -> missed. 2 missed x 5% =
//   10%, capped at 8% -> credit 9,200 x 8% = 736.00.
// - With W5's first response waived (customer_caused): P1 met 3, breached 1, waived 1: 3 of 4 =
//   75% >= 75 -> kept; P2 still missed. 1 missed x 5% = 5% -> credit 460.00.
// - The team's goal (sla.first_response_met_pct) keeps every ticket: W1-W3 and Y1 met, W4-W6
//   breached = 4 of 7 = 57.14% with and without the waivers: goal_scorecard is the same table in
//   both runs.
// - Entitlement: 6 tickets of KW's 50 cases (92 of 92 days: prorated 50.0) = 12%. KX (CX,
//   92 cases, from 2026-08-15: 08-15..09-30 = 17 + 30 = 47 days of 92) -> 92 x 47/92 = 47.0.
//   KY (CY, unlimited) -> empty.
// - W6's waiver of `resolution` matches no row (P2 has no resolution target in gold): listed in
//   `waivers` with empty row columns, changes nothing.
// (d) KY (CY, silver): Y1, P3, system down, created 2026-07-10T09:00Z, replied 09:30, solved
//   20:00: first response 1800 s met; update window 09:30-20:00 = 37800 s > 7200 s breached;
//   resolution 11 h = 39600 s > 28800 s breached; system_down 11 h <= 48 h met. A waiver of
//   `all` marks all four rows: each counts in `waived` only.
// ---------------------------------------------------------------------------------------------

const W_CONTRACTS: &str = "\
contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct,renewal_date
KW,CW,Wayne,gold,2026-01-01,2026-12-31,,USD,36500,50,5,8,
KX,CX,Xeno,gold,2026-08-15,2027-08-14,,USD,36500,92,5,8,
KY,CY,Ypsilon,silver,2026-01-01,2026-12-31,,USD,36500,,5,8,
";

const W_TARGETS: &str = "\
plan,contract_id,priority,metric,target_minutes,clock,commitment_pct
gold,,P1,first_response,60,calendar,75
gold,,P2,first_response,60,calendar,100
silver,,P3,first_response,60,calendar,90
silver,,P3,update,120,calendar,90
silver,,P3,resolution,480,calendar,90
";

const W_TICKETS: &str = "\
ticket_id,customer_id,created_at,priority,severity,status,subject
W1,CW,2026-07-01T10:00:00Z,P1,normal,solved,Login fails
W2,CW,2026-07-02T10:00:00Z,P1,normal,solved,Checkout down
W3,CW,2026-07-03T10:00:00Z,P1,normal,solved,Search down
W4,CW,2026-07-06T10:00:00Z,P1,normal,solved,API errors
W5,CW,2026-07-07T10:00:00Z,P1,normal,solved,Wrong phone number
W6,CW,2026-07-08T10:00:00Z,P2,normal,solved,Slow export
Y1,CY,2026-07-10T09:00:00Z,P3,system_down,solved,Power outage
";

const W_EVENTS: &str = "\
ticket_id,at,kind,actor_id,value
W1,2026-07-01T10:30:00Z,agent_reply,E1,
W1,2026-07-01T11:00:00Z,status,E1,solved
W2,2026-07-02T10:30:00Z,agent_reply,E1,
W2,2026-07-02T11:00:00Z,status,E1,solved
W3,2026-07-03T10:30:00Z,agent_reply,E1,
W3,2026-07-03T11:00:00Z,status,E1,solved
W4,2026-07-06T12:00:00Z,agent_reply,E1,
W4,2026-07-06T12:30:00Z,status,E1,solved
W5,2026-07-07T12:00:00Z,agent_reply,E1,
W5,2026-07-07T12:30:00Z,status,E1,solved
W6,2026-07-08T12:00:00Z,agent_reply,E1,
W6,2026-07-08T12:30:00Z,status,E1,solved
Y1,2026-07-10T09:30:00Z,agent_reply,E1,
Y1,2026-07-10T20:00:00Z,status,E1,solved
";

const W_WAIVERS: &str = "\
ticket_id,metric,reason,approved_by,note
W5,first_response,customer_caused,Kim (Wayne IT),The customer gave a wrong phone number
W6,resolution,third_party,Kim (Wayne IT),
Y1,all,force_majeure,Ops director,Regional power outage
";

fn waiver_files(with_waivers: bool) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![
        ("contracts.csv", W_CONTRACTS),
        ("sla_targets.csv", W_TARGETS),
        ("tickets.csv", W_TICKETS),
        ("ticket_events.csv", W_EVENTS),
        ("goals.toml", "reporting_timezone = \"UTC\"\n"),
    ];
    if with_waivers {
        f.push(("waivers.csv", W_WAIVERS));
    }
    f
}

#[test]
fn a_waiver_turns_a_missed_commitment_into_a_kept_one_and_lowers_the_credit() {
    let t = tmp();
    let before = run(&t.path().join("before"), &waiver_files(false));
    let after = run(&t.path().join("after"), &waiver_files(true));

    let commitment = |out: &Path, p: &str| -> Row {
        let rows = table(out, "contract_review");
        row(
            &rows,
            &[
                ("period", "2026Q3"),
                ("contract_id", "KW"),
                ("priority", p),
                ("metric", "first_response"),
            ],
        )
        .clone()
    };
    // Before: 3 met, 2 breached = 60% < 75: missed; with P2, 2 missed -> 8% (capped) of 9,200.
    let b1 = commitment(&before, "P1");
    assert_eq!(
        (
            b1["met"].as_str(),
            b1["breached"].as_str(),
            b1["waived"].as_str()
        ),
        ("3", "2", "0")
    );
    close(num(&b1, "compliance_pct"), 60.0, "P1 compliance before");
    assert_eq!(b1["outcome"], "missed");
    assert_eq!(b1["missed_commitments"], "2");
    close(num(&b1, "period_fee"), 9200.0, "fee");
    close(num(&b1, "credit_pct"), 8.0, "credit % before (capped)");
    close(num(&b1, "credit_amount"), 736.0, "credit before");

    // After: W5 waived: 3 met of 4 = 75% >= 75: kept; only P2 missed -> 5% -> 460.00.
    let a1 = commitment(&after, "P1");
    assert_eq!(
        (
            a1["tickets"].as_str(),
            a1["met"].as_str(),
            a1["breached"].as_str(),
            a1["waived"].as_str()
        ),
        ("5", "3", "1", "1")
    );
    close(num(&a1, "compliance_pct"), 75.0, "P1 compliance after");
    assert_eq!(a1["outcome"], "kept");
    assert_eq!(a1["kept_commitments"], "1");
    assert_eq!(a1["missed_commitments"], "1");
    close(num(&a1, "credit_pct"), 5.0, "credit % after");
    close(num(&a1, "credit_amount"), 460.0, "credit after");
    let a2 = commitment(&after, "P2");
    assert_eq!(
        (
            a2["breached"].as_str(),
            a2["waived"].as_str(),
            a2["outcome"].as_str()
        ),
        ("1", "0", "missed")
    );

    // Entitlement against the prorated cases.
    assert_eq!(a1["tickets_created"], "6");
    close(num(&a1, "included_cases_prorated"), 50.0, "KW prorated");
    close(num(&a1, "entitlement_used_pct"), 12.0, "KW used");
    let cr = table(&after, "contract_review");
    let kx = cr
        .iter()
        .find(|r| r["period"] == "2026Q3" && r["contract_id"] == "KX")
        .unwrap();
    assert_eq!(kx["contract_days"], "47");
    close(num(kx, "included_cases_prorated"), 47.0, "KX prorated");
    close(num(kx, "entitlement_used_pct"), 0.0, "KX used");
    let ky = cr
        .iter()
        .find(|r| r["period"] == "2026Q3" && r["contract_id"] == "KY")
        .unwrap();
    assert_eq!(ky["included_cases_prorated"], "", "unlimited");
    assert_eq!(ky["entitlement_used_pct"], "", "unlimited");

    // sla_compliance and the pooled summary show the waived row.
    let sc = table(&after, "sla_compliance");
    let p1 = row(
        &sc,
        &[
            ("period", "2026Q3"),
            ("contract_id", "KW"),
            ("priority", "P1"),
            ("metric", "first_response"),
        ],
    );
    assert_eq!(
        [
            "tickets",
            "met",
            "breached",
            "in_progress",
            "not_applicable",
            "waived"
        ]
        .map(|c| p1[c].as_str()),
        ["5", "3", "1", "0", "0", "1"]
    );
    let summary = table(&after, "sla_summary");
    let all = row(
        &summary,
        &[
            ("period", "2026Q3"),
            ("dimension", "all"),
            ("key", "all"),
            ("metric", "first_response"),
        ],
    );
    // W1-W6 and Y1: met W1-W3; breached W4, W6; waived W5, Y1 -> 3 / 5 = 60%.
    assert_eq!(
        ["tickets", "met", "breached", "waived"].map(|c| all[c].as_str()),
        ["7", "3", "2", "2"]
    );
    close(num(all, "compliance_pct"), 60.0, "all first response");
    let pr = row(
        &summary,
        &[
            ("period", "2026Q3"),
            ("dimension", "priority"),
            ("key", "P1"),
            ("metric", "first_response"),
        ],
    );
    close(num(pr, "compliance_pct"), 75.0, "P1 first response");
    reconciles(&before);
    reconciles(&after);

    // Team goals keep every ticket: the scorecard is unchanged by the waivers.
    assert_eq!(
        table(&before, "goal_scorecard"),
        table(&after, "goal_scorecard")
    );
    let goals = table(&after, "goal_scorecard");
    let fr = row(
        &goals,
        &[("period", "2026Q3"), ("goal", "sla.first_response_met_pct")],
    );
    // W1-W3 met; W4, W5, W6 breached (Y1 met): 4 of 7 = 57.14...%.
    close(num(fr, "figure"), 400.0 / 7.0, "team first response");

    // The waivers table: one row per waiver and row; W6's waiver matches no row.
    let w = table(&after, "waivers");
    let w5 = row(&w, &[("ticket_id", "W5")]);
    assert_eq!(
        [
            "period",
            "customer_id",
            "contract_id",
            "waiver_metric",
            "metric",
            "reason",
            "approved_by",
            "state",
            "target_seconds",
            "elapsed_seconds",
            "breached_at"
        ]
        .map(|c| w5[c].as_str()),
        [
            "2026Q3",
            "CW",
            "KW",
            "first_response",
            "first_response",
            "customer_caused",
            "Kim (Wayne IT)",
            "breached",
            "3600",
            "7200",
            "2026-07-07T11:00:00Z"
        ]
    );
    let w6 = row(&w, &[("ticket_id", "W6")]);
    assert_eq!(w6["waiver_metric"], "resolution");
    assert_eq!(
        ["metric", "state", "elapsed_seconds"].map(|c| w6[c].as_str()),
        ["", "", ""]
    );
    assert_eq!(table(&before, "waivers").len(), 0);
}

#[test]
fn d_a_waiver_of_all_marks_every_metric_row_of_the_ticket() {
    let t = tmp();
    let out = run(t.path(), &waiver_files(true));
    let sla = table(&out, "ticket_sla");
    let y1: Vec<&Row> = sla.iter().filter(|r| r["ticket_id"] == "Y1").collect();
    let states: Vec<(&str, &str, &str, &str)> = y1
        .iter()
        .map(|r| {
            (
                r["metric"].as_str(),
                r["state"].as_str(),
                r["waived"].as_str(),
                r["waiver_reason"].as_str(),
            )
        })
        .collect();
    // The state stays what the clock says; the waiver only marks the row.
    assert_eq!(
        states,
        vec![
            ("first_response", "met", "true", "force_majeure"),
            ("update", "breached", "true", "force_majeure"),
            ("resolution", "breached", "true", "force_majeure"),
            ("system_down", "met", "true", "force_majeure"),
        ]
    );
    // Rows of other tickets are not waived by it.
    assert!(sla
        .iter()
        .filter(|r| r["waived"] == "true")
        .all(|r| r["ticket_id"] == "Y1" || r["ticket_id"] == "W5"));

    // In sla_compliance each of Y1's rows counts in `waived` only.
    let sc = table(&out, "sla_compliance");
    for m in ["first_response", "update", "resolution", "system_down"] {
        let r = row(
            &sc,
            &[("period", "2026Q3"), ("customer_id", "CY"), ("metric", m)],
        );
        assert_eq!(
            [
                "tickets",
                "met",
                "breached",
                "in_progress",
                "not_applicable",
                "waived"
            ]
            .map(|c| r[c].as_str()),
            ["1", "0", "0", "0", "0", "1"],
            "{m}"
        );
        assert_eq!(r["compliance_pct"], "", "{m}: nothing met or breached");
    }
    reconciles(&out);
    // The audit list: four rows for the one waiver of `all`.
    let w = table(&out, "waivers");
    let listed: Vec<&str> = w
        .iter()
        .filter(|r| r["ticket_id"] == "Y1")
        .map(|r| {
            assert_eq!(r["waiver_metric"], "all");
            r["metric"].as_str()
        })
        .collect();
    assert_eq!(
        listed,
        vec!["first_response", "update", "resolution", "system_down"]
    );
    // Its breached rows are still attributed, flagged as waived.
    let ba = table(&out, "breach_attribution");
    let y: Vec<(&str, &str)> = ba
        .iter()
        .filter(|r| r["ticket_id"] == "Y1")
        .map(|r| (r["metric"].as_str(), r["waived"].as_str()))
        .collect();
    assert_eq!(y, vec![("update", "true"), ("resolution", "true")]);
}

// ---------------------------------------------------------------------------------------------
// (b) Escalations. Contract KE (customer CE); CF's contract KF starts 2026-09-01, so its ticket
// X3 (2026-08-01) is outside any contract. Engineers E1 (team
// Seoul), E2 (Americas), E3 (no team).
// - X1 (CE, assigned E1) escalated 2026-04-11 by the customer: 2026Q2, E1.
// - X4 (CE, created 2026-06-28, assigned E3) escalated 2026-07-01T12:00: counted in 2026Q3 (the
//   escalation's instant), not the ticket's 2026Q2; E3 has no team.
// - X2 (CE, P2) assigned E1 at 07-01T09:05, escalated 07-02T10:00 (E1, management); at
//   07-03T08:00 escalated by AM1 (executive), then in file order reassigned to E2 and raised
//   to P1 at the same instant: the state at that instant is after every event at it (edge rule
//   3), so the escalation is E2's (team Americas) at P1. Escalated again 07-05 (E2). An
//   escalation on 2026-10-05 is after as_of: it does not exist.
// - X3 (CF, unassigned) escalated 2026-08-02: engineer empty.
// 2026Q3: all 5 escalations of 3 tickets, previous 1 -> change +4; CE 4 (X2 x3, X4) of 2
// tickets, previous 1 -> +3; CF 1 -> +1; contract KE 4 -> +3 (CF's has none); engineers E1 1
// (previous 1 -> 0), E2 2 of 1 ticket (+2), E3 1 (+1), unassigned 1 (+1).
// 2026Q2: all 1, previous 0 -> +1.
// ---------------------------------------------------------------------------------------------

const E_CONTRACTS: &str = "\
contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct,renewal_date
KE,CE,Echo,gold,2026-01-01,2026-12-31,,USD,36500,50,5,8,
KF,CF,Foxtrot,gold,2026-09-01,2026-12-31,,USD,36500,50,5,8,
";

const E_TARGETS: &str = "\
plan,contract_id,priority,metric,target_minutes,clock,commitment_pct
gold,,P1,first_response,60,calendar,75
gold,,P2,first_response,60,calendar,75
";

const E_ENGINEERS: &str = "\
engineer_id,name,team,active_from,active_to,calendar_id
E1,Kim,Seoul,,,
E2,Lopez,Americas,,,
E3,Ng,,,,
";

const E_TICKETS: &str = "\
ticket_id,customer_id,created_at,priority,severity,status,assignee_id,subject
X1,CE,2026-04-10T09:00:00Z,P2,normal,open,E1,Old question
X2,CE,2026-07-01T09:00:00Z,P2,normal,open,,Checkout down
X3,CF,2026-08-01T09:00:00Z,P2,normal,open,,No contract
X4,CE,2026-06-28T09:00:00Z,P2,normal,open,E3,Late June
";

const E_EVENTS: &str = "\
ticket_id,at,kind,actor_id,value
X1,2026-04-11T09:00:00Z,escalate,,management
X2,2026-07-01T09:05:00Z,assign,,E1
X2,2026-07-02T10:00:00Z,escalate,,management
X2,2026-07-03T08:00:00Z,escalate,AM1,executive
X2,2026-07-03T08:00:00Z,assign,,E2
X2,2026-07-03T08:00:00Z,priority,,P1
X2,2026-07-05T09:00:00Z,escalate,,management
X2,2026-10-05T09:00:00Z,escalate,,management
X3,2026-08-02T09:00:00Z,escalate,,complaint via headquarters
X4,2026-07-01T12:00:00Z,escalate,,management
";

#[test]
fn b_escalations_per_customer_and_engineer_with_the_holder_at_the_instant() {
    let t = tmp();
    let out = run(
        t.path(),
        &[
            ("contracts.csv", E_CONTRACTS),
            ("sla_targets.csv", E_TARGETS),
            ("engineers.csv", E_ENGINEERS),
            ("tickets.csv", E_TICKETS),
            ("ticket_events.csv", E_EVENTS),
            ("goals.toml", "reporting_timezone = \"UTC\"\n"),
        ],
    );
    let list = table(&out, "escalations");
    let q3: Vec<[&str; 9]> = list
        .iter()
        .filter(|r| r["period"] == "2026Q3")
        .map(|r| {
            [
                "ticket_id",
                "contract_id",
                "at",
                "level",
                "raised_by",
                "priority",
                "engineer_id",
                "team",
                "subject",
            ]
            .map(|c| r[c].as_str())
        })
        .collect();
    assert_eq!(
        q3,
        vec![
            [
                "X4",
                "KE",
                "2026-07-01T12:00:00Z",
                "management",
                "",
                "P2",
                "E3",
                "",
                "Late June"
            ],
            [
                "X2",
                "KE",
                "2026-07-02T10:00:00Z",
                "management",
                "",
                "P2",
                "E1",
                "Seoul",
                "Checkout down"
            ],
            [
                "X2",
                "KE",
                "2026-07-03T08:00:00Z",
                "executive",
                "AM1",
                "P1",
                "E2",
                "Americas",
                "Checkout down"
            ],
            [
                "X2",
                "KE",
                "2026-07-05T09:00:00Z",
                "management",
                "",
                "P1",
                "E2",
                "Americas",
                "Checkout down"
            ],
            [
                "X3",
                "",
                "2026-08-02T09:00:00Z",
                "complaint via headquarters",
                "",
                "P2",
                "",
                "",
                "No contract"
            ],
        ]
    );
    let q2: Vec<&str> = list
        .iter()
        .filter(|r| r["period"] == "2026Q2")
        .map(|r| r["engineer_id"].as_str())
        .collect();
    assert_eq!(q2, vec!["E1"]);
    assert_eq!(list.len(), 6, "the escalation after as_of does not exist");

    let counts = table(&out, "escalation_counts");
    let got: Vec<[&str; 7]> = counts
        .iter()
        .filter(|r| r["period"] == "2026Q3")
        .map(|r| {
            [
                "dimension",
                "key",
                "escalations",
                "tickets",
                "previous_escalations",
                "change",
                "period",
            ]
            .map(|c| r[c].as_str())
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ["all", "all", "5", "3", "1", "4", "2026Q3"],
            ["contract", "KE", "4", "2", "1", "3", "2026Q3"],
            ["customer", "CE", "4", "2", "1", "3", "2026Q3"],
            ["customer", "CF", "1", "1", "0", "1", "2026Q3"],
            ["engineer", "E2", "2", "1", "0", "2", "2026Q3"],
            ["engineer", "", "1", "1", "0", "1", "2026Q3"],
            ["engineer", "E1", "1", "1", "1", "0", "2026Q3"],
            ["engineer", "E3", "1", "1", "0", "1", "2026Q3"],
        ]
    );
    let all_q2 = row(
        &counts,
        &[("period", "2026Q2"), ("dimension", "all"), ("key", "all")],
    );
    assert_eq!(
        ["escalations", "previous_escalations", "change"].map(|c| all_q2[c].as_str()),
        ["1", "0", "1"]
    );
    // The clocks ignore escalations: X2's first response is still running (no reply).
    let sla = table(&out, "ticket_sla");
    let x2 = row(&sla, &[("ticket_id", "X2"), ("metric", "first_response")]);
    assert_eq!(x2["state"], "breached");
    assert_eq!(x2["stopped_at"], "");
}

// ---------------------------------------------------------------------------------------------
// (c) Breach attribution on a business calendar (seoul_office: Asia/Seoul, Mon-Fri
// 09:00-18:00). Plan `biz`: P2 first response 120 business minutes (7200 s), update 960
// (57600 s), resolution 960 (57600 s). Ticket R1 (P2), times +09:00:
//   Fri 07-03 17:00 created, unassigned
//   Mon 07-06 10:00 assigned E1 (Seoul)
//   Mon 07-06 11:00 agent_reply            first response stops; update window 1 opens
//   Mon 07-06 14:00 status pending          window 1 ends (3 h); resolution pauses
//   Tue 07-07 10:00 status open             window 2 opens; resolution resumes
//   Tue 07-07 15:00 assigned E2 (Americas)  the first change from one engineer to another
//   Thu 07-09 12:00 status solved           window 2 ends
// first_response: Fri 17-18 (1 h) + Mon 09-11 (2 h) = 10800 s > 7200: breached, due Mon 10:00
//   (01:00Z), when E1 was assigned (an event at the due instant counts, edge rule 3): holder
//   E1, 0 reassignments. Split: unassigned Fri 17-18 + Mon 09-10 = 7200; with E1 Mon 10-11 =
//   3600; after 0.
// update: window 2 = Tue 10-18 (8 h) + Wed 9 h + Thu 09-12 (3 h) = 72000 s > 57600: breached,
//   due after 16 h: Tue 8 h + Wed 8 h = Wed 17:00 (08:00Z); reported window = window 2 (the
//   longest). Holder E2 (Americas), 1 reassignment. Split of window 2: unassigned 0; with E1
//   Tue 10-15 = 18000; after Tue 15-18 + Wed + Thu = 3 + 9 + 3 h = 54000.
// resolution: active Fri 17-18 (1) + Mon 09-14 (5) + Tue 10-18 (8) + Wed (9) + Thu 09-12 (3) =
//   26 h = 93600 s > 57600: breached, due after 16 h: 1 + 5 + 8 = 14 by Tue, 2 more: Wed 11:00
//   (02:00Z). Holder E2, 1 reassignment. Split: unassigned Fri 17-18 + Mon 09-10 = 2 h = 7200;
//   with E1 Mon 10-14 (4) + Tue 10-15 (5) = 9 h = 32400; after Tue 15-18 (3) + Wed (9) + Thu
//   (3) = 15 h = 54000. 7200 + 32400 + 54000 = 93600. The weekend and the pending stretch
//   count in no part.
// ---------------------------------------------------------------------------------------------

const B_CONTRACTS: &str = "\
contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct,renewal_date
KB,CB,Bravo,biz,2026-01-01,2026-12-31,seoul_office,KRW,120000000,100,5,20,
";

const B_TARGETS: &str = "\
plan,contract_id,priority,metric,target_minutes,clock,commitment_pct
biz,,P2,first_response,120,business,90
biz,,P2,update,960,business,90
biz,,P2,resolution,960,business,90
";

const B_ENGINEERS: &str = "\
engineer_id,name,team,active_from,active_to,calendar_id
E1,Kim,Seoul,,,seoul_office
E2,Lopez,Americas,,,
";

const B_TICKETS: &str = "\
ticket_id,customer_id,created_at,priority,severity,status,subject
R1,CB,2026-07-03T17:00:00+09:00,P2,normal,solved,Replica lag
";

const B_EVENTS: &str = "\
ticket_id,at,kind,actor_id,value
R1,2026-07-06T10:00:00+09:00,assign,,E1
R1,2026-07-06T11:00:00+09:00,agent_reply,E1,
R1,2026-07-06T14:00:00+09:00,status,E1,pending
R1,2026-07-07T10:00:00+09:00,status,,open
R1,2026-07-07T15:00:00+09:00,assign,,E2
R1,2026-07-09T12:00:00+09:00,status,E2,solved
";

#[test]
fn c_breach_attribution_across_a_reassignment_on_a_business_calendar() {
    let t = tmp();
    let out = run(
        t.path(),
        &[
            ("contracts.csv", B_CONTRACTS),
            ("sla_targets.csv", B_TARGETS),
            ("calendars.toml", CALENDARS),
            ("engineers.csv", B_ENGINEERS),
            ("tickets.csv", B_TICKETS),
            ("ticket_events.csv", B_EVENTS),
            ("goals.toml", "reporting_timezone = \"Asia/Seoul\"\n"),
        ],
    );
    let ba = table(&out, "breach_attribution");
    let got: Vec<[&str; 12]> = ba
        .iter()
        .map(|r| {
            [
                "metric",
                "clock",
                "target_seconds",
                "elapsed_seconds",
                "breached_at",
                "holder_engineer_id",
                "holder_team",
                "reassignments",
                "unassigned_seconds",
                "with_support_seconds",
                "after_reassignment_seconds",
                "waived",
            ]
            .map(|c| r[c].as_str())
        })
        .collect();
    assert_eq!(
        got,
        vec![
            [
                "first_response",
                "business",
                "7200",
                "10800",
                "2026-07-06T01:00:00Z",
                "E1",
                "Seoul",
                "0",
                "7200",
                "3600",
                "0",
                "false"
            ],
            [
                "update",
                "business",
                "57600",
                "72000",
                "2026-07-08T08:00:00Z",
                "E2",
                "Americas",
                "1",
                "0",
                "18000",
                "54000",
                "false"
            ],
            [
                "resolution",
                "business",
                "57600",
                "93600",
                "2026-07-08T02:00:00Z",
                "E2",
                "Americas",
                "1",
                "7200",
                "32400",
                "54000",
                "false"
            ],
        ]
    );
    for r in &ba {
        assert_eq!(
            [
                r["period"].as_str(),
                r["ticket_id"].as_str(),
                r["customer_id"].as_str(),
                r["contract_id"].as_str(),
                r["priority"].as_str()
            ],
            ["2026Q3", "R1", "CB", "KB", "P2"]
        );
    }
}

/// On the bundled sample: one row per breached ticket_sla row of the periods, and the three
/// parts of every row add up to its elapsed seconds.
#[test]
fn breach_attribution_adds_up_on_the_sample_data() {
    let t = tmp();
    let out = t.path().join("out");
    run_ok(sample_data(), &out, &[]);
    let periods: Vec<String> = table(&out, "periods")
        .into_iter()
        .map(|r| r["period"].clone())
        .collect();
    let breached = table(&out, "ticket_sla")
        .into_iter()
        .filter(|r| r["state"] == "breached" && periods.contains(&r["period"]))
        .count();
    let ba = table(&out, "breach_attribution");
    assert!(breached > 100, "the sample has breaches: {breached}");
    assert_eq!(ba.len(), breached);
    for r in &ba {
        let parts: i64 = [
            "unassigned_seconds",
            "with_support_seconds",
            "after_reassignment_seconds",
        ]
        .iter()
        .map(|c| r[*c].parse::<i64>().unwrap())
        .sum();
        assert_eq!(parts, r["elapsed_seconds"].parse::<i64>().unwrap(), "{r:?}");
    }
    reconciles(&out);
}
