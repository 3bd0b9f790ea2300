//! The review's story tables (review.md; docs/review_tables.md): themes, recurring problems,
//! resolution mix, major incidents, maintenance, actions, and the scorecard's `no_data`, on a
//! hand-built folder whose figures are worked out below by hand, not by the code under test.
//!
//! Reporting zone UTC, 24x7 clocks, as_of 2026-10-01T00:00:00Z, report period 2026Q3; the
//! periods are 2025Q4..2026Q3. Plan `gold`: first response 60 min for P1 and P2, resolution
//! 1440 min (P1) and 2880 min = 172,800 s (P2). Contracts KA (customer CA: 2 inspections a
//! quarter, patches within 10 days), KB (CB: 1 inspection, no patch deadline), KC (CC: nothing
//! promised, no records), all 2025-07-01..2027-06-30.
//!
//! Tickets (theme = category, else product, else "(none)"):
//! | id | created (Z) | cust | pri | theme | first reply | first solve | resolution type | problem |
//! |---|---|---|---|---|---|---|---|---|
//! | Q0 | 2025-09-15 10:00 | CA | P2 | billing | 30 min | +1 d | workaround | PRB-2 |
//! | Q1 | 2026-05-05 10:00 | CA | P2 | billing | 30 min | +1 d | workaround | PRB-1 |
//! | Q2 | 2026-05-10 10:00 | CA | P2 | Network (product) | 30 min | +2 h | | |
//! | T1 | 2026-07-01 10:00 | CA | P2 | billing | 30 min | +24 h = 86,400 s | permanent_fix | PRB-1 |
//! | T2 | 2026-07-02 09:00 | CA | P2 | billing | 2 h (breach) | +72 h = 259,200 s (breach) | workaround | PRB-2 |
//! | T3 | 2026-07-03 09:00 | CA | P2 | Network (product) | 30 min | +2 h = 7,200 s | workaround | PRB-3 |
//! | T4 | 2026-08-01 00:00 | CB | P2, system down | (none) | 20 min | +6 h = 21,600 s | permanent_fix | PRB-4 |
//! | T5 | 2026-08-05 10:00 | CB | P1 | login | 2 h (breach) | open: resolution breached | | |
//! | T6 | 2026-09-10 10:00 | CA | P2 | billing | 3 h (breach) | +47 h = 169,200 s | | |
//! | T7 | 2026-09-20 10:00 | CA | P2 | access | 10 min | open: resolution breached 09-22 | | PRB-1 |
//! T2 is waived for `all` metrics (customer caused). T4 has two escalations; T5 one before as_of
//! and one after it (not counted).
//!
//! Themes, 2026Q3, all: 7 tickets. billing T1 T2 T6 = 3 (42.857%); "(none)" T4, Network T3,
//! access T7, login T5 = 1 each (14.286%). 2026Q2: billing Q1, Network Q2 = 50% each, so
//! billing changes 300/7 - 50 = -7.143 pt, Network 100/7 - 50 = -35.714 pt, access (new) +14.286
//! pt. Breached (not waived): billing T6 only (T2's breaches are waived) = 1 of 3 = 33.33%; T5
//! and T7 100%. Median resolution of billing = median(86,400, 259,200 (waived rows still
//! count), 169,200) = 169,200; login and access: no stopped resolution clock = empty. Example:
//! billing's earliest = T1 "Invoice wrong". Customer CA, 2026Q3: T1 T2 T3 T6 T7 = 5 (billing
//! 60%, vs 1 of 2 = 50% in 2026Q2: +10 pt); CB: T4, T5 = 50% each, no 2026Q2 ticket: change
//! empty, previous 0.
//!
//! Recurrence, window of 2026Q3 = 2025Q4..2026Q3: PRB-1 = Q1 (2026Q2), T1, T7 (2026Q3): 3
//! tickets in 2 quarters, T7 open, 1 workaround (Q1), 1 permanent fix (T1), category billing
//! (2) over access (1), latest subject T7's, ids "Q1, T1, T7". PRB-2 = Q0 (2025Q3, outside the
//! window) + T2: 1 ticket in the window, not recurring. PRB-3, PRB-4: one ticket each. In
//! 2026Q2's window PRB-1 has only Q1: no row.
//!
//! Resolution mix, 2026Q3, done at as_of: T1 permanent_fix, T2 workaround, T3 workaround, T4
//! permanent_fix, T6 (none) = 5 -> 40 / 40 / 20%. T5 and T7 are open: not counted.
//!
//! Major incidents 2026Q3: T4 (P2, system down): 6 h = 21,600 s, 2 escalations, nothing
//! breached. T5 (P1): never solved, 2026-08-05 10:00 -> as_of 2026-10-01 00:00 = 31 d (to
//! 09-05 10:00) + 25 d 14 h = 56 d 14 h = 4,888,800 s, open, 1 escalation, breached first
//! response and resolution.
//!
//! Maintenance (as_of's day 2026-10-01): KA's inspections M1 (07-10), M2 (09-01) done: 2 of 2
//! promised, kept. KB's M3 planned 09-15, not done: overdue, 0 of 1, missed. KA's patches (10
//! days): M4 released 07-01, applied 07-08 <= due 07-11: kept; M5 released 08-01, applied 08-15 >
//! due 08-11: late; M6 released 09-01, not applied, due 09-11 < as_of: missed; M7 released
//! 09-28, due 10-08 >= as_of: open. KB's patch M8 has no deadline (no patch_days). M13
//! (optimization planned 09-25, done_at 10-05 after as_of): not done yet, overdue, done_at
//! shown empty. Next quarter (2026Q4): KA's upgrade M9 (11-15), KB's optimization M10 (10-20):
//! planned. M11 (upgrade done 2026-06-12) belongs to 2026Q2; M12 (2027-01-10) is two quarters
//! ahead: not listed. 2026Q2's planned_next = its contract's 2026Q3 records: KA M1 M2 M4 M5 M6
//! M7 M13 = 7, KB M3 M8 = 2. KC promises nothing and has no record: no summary row.
//!
//! Actions (report 2026Q3, previous review 2026Q2, as_of's day 2026-10-01): A1 done 07-20:
//! done. A2 due 09-15, not done: overdue 16 days (09-15 -> 10-01). A6 due 09-20, done_on 10-03
//! after as_of's day: not done yet, overdue 11 days. A3 due 12-31: open. A7 due 10-01 = as_of's
//! day: open, not overdue. A4 (2026Q1, no due date): open, `earlier`. A5 raised 2026Q4: left
//! out.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const CONTRACTS: &str = "\
contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct,renewal_date,inspections_per_quarter,patch_days
KA,CA,Alpha,gold,2025-07-01,2027-06-30,,USD,36500,,5,20,,2,10
KB,CB,Beta,gold,2025-07-01,2027-06-30,,USD,36500,,5,20,,1,
KC,CC,Gamma,gold,2025-07-01,2027-06-30,,USD,36500,,5,20,,,
";

const TARGETS: &str = "\
plan,contract_id,priority,metric,target_minutes,clock,commitment_pct
gold,,P1,first_response,60,calendar,50
gold,,P1,resolution,1440,calendar,50
gold,,P2,first_response,60,calendar,50
gold,,P2,resolution,2880,calendar,50
";

const TICKETS: &str = "\
ticket_id,customer_id,created_at,priority,severity,status,product,subject,category,root_cause,resolution_type,problem_id
Q0,CA,2025-09-15T10:00:00Z,P2,,solved,Compute,Refund late,billing,,workaround,PRB-2
Q1,CA,2026-05-05T10:00:00Z,P2,,solved,Compute,Invoice total off,billing,,workaround,PRB-1
Q2,CA,2026-05-10T10:00:00Z,P2,,solved,Network,Packet loss,,,,
T1,CA,2026-07-01T10:00:00Z,P2,,solved,Compute,Invoice wrong,billing,rounding,permanent_fix,PRB-1
T2,CA,2026-07-02T09:00:00Z,P2,,solved,Compute,Refund missing,billing,,workaround,PRB-2
T3,CA,2026-07-03T09:00:00Z,P2,,solved,Network,VPN drops,,,workaround,PRB-3
T4,CB,2026-08-01T00:00:00Z,P2,system_down,solved,,Cluster down,,disk full,permanent_fix,PRB-4
T5,CB,2026-08-05T10:00:00Z,P1,normal,open,Identity,SSO fails,login,,,
T6,CA,2026-09-10T10:00:00Z,P2,,solved,Compute,Duplicate invoice,billing,,,
T7,CA,2026-09-20T10:00:00Z,P2,,open,Compute,Cannot add user,access,,,PRB-1
";

const EVENTS: &str = "\
ticket_id,at,kind,actor_id,value
Q0,2025-09-15T10:30:00Z,agent_reply,E1,
Q0,2025-09-16T10:00:00Z,status,E1,solved
Q1,2026-05-05T10:30:00Z,agent_reply,E1,
Q1,2026-05-06T10:00:00Z,status,E1,solved
Q2,2026-05-10T10:30:00Z,agent_reply,E1,
Q2,2026-05-10T12:00:00Z,status,E1,solved
T1,2026-07-01T10:30:00Z,agent_reply,E1,
T1,2026-07-02T10:00:00Z,status,E1,solved
T2,2026-07-02T11:00:00Z,agent_reply,E1,
T2,2026-07-05T09:00:00Z,status,E1,solved
T3,2026-07-03T09:30:00Z,agent_reply,E1,
T3,2026-07-03T11:00:00Z,status,E1,solved
T4,2026-08-01T00:20:00Z,agent_reply,E1,
T4,2026-08-01T01:00:00Z,escalate,,management
T4,2026-08-01T02:00:00Z,escalate,X9,executive
T4,2026-08-01T06:00:00Z,status,E1,solved
T5,2026-08-05T12:00:00Z,agent_reply,E1,
T5,2026-08-06T09:00:00Z,escalate,,management
T5,2026-10-02T09:00:00Z,escalate,,executive
T6,2026-09-10T13:00:00Z,agent_reply,E1,
T6,2026-09-12T09:00:00Z,status,E1,solved
T7,2026-09-20T10:10:00Z,agent_reply,E1,
";

const WAIVERS: &str = "\
ticket_id,metric,reason,approved_by,note
T2,all,customer_caused,Park,Waited for logs
";

const MAINTENANCE: &str = "\
maintenance_id,contract_id,kind,planned_on,released_at,done_at,summary
M1,KA,inspection,2026-07-10,,2026-07-10T09:00:00Z,First visit
M2,KA,inspection,2026-08-20,,2026-09-01T09:00:00Z,Second visit
M3,KB,inspection,2026-09-15,,,Visit
M4,KA,security_patch,,2026-07-01T00:00:00Z,2026-07-08T00:00:00Z,Patch A
M5,KA,security_patch,,2026-08-01T00:00:00Z,2026-08-15T00:00:00Z,Patch B
M6,KA,security_patch,,2026-09-01T00:00:00Z,,Patch C
M7,KA,security_patch,,2026-09-28T00:00:00Z,,Patch D
M8,KB,security_patch,,2026-09-05T00:00:00Z,,Patch E
M9,KA,upgrade,2026-11-15,,,Upgrade to v5
M10,KB,optimization,2026-10-20,,,Tune indexes
M11,KA,upgrade,2026-06-10,,2026-06-12T10:00:00Z,Upgrade to v4
M12,KA,inspection,2027-01-10,,,Visit in 2027
M13,KA,optimization,2026-09-25,,2026-10-05T00:00:00Z,Tune cache
";

const ACTIONS: &str = "\
action_id,contract_id,raised_in,owner,action,due_on,done_on
A1,KA,2026Q2,vendor: Kim,Publish the runbook,2026-07-31,2026-07-20
A2,KA,2026Q2,customer,Send the contact list,2026-09-15,
A3,KB,2026Q3,Vendor (ops),Add a monitor,2026-12-31,
A4,KB,2026Q1,customer,Review the plan,,
A5,KA,2026Q4,vendor,Later action,2026-12-01,
A6,KA,2026Q2,vendor,Rotate keys,2026-09-20,2026-10-03
A7,KB,2026Q3,customer,Name a contact,2026-10-01,
";

/// One engineer, so the engineer goals have input; no kb_articles.csv and no surveys.csv.
const ENGINEERS: &str = "\
engineer_id,name,team,active_from,active_to,calendar_id
E1,Kim,Seoul,2025-01-01,,
";

fn folder(dir: &Path) {
    write_folder(
        dir,
        &[
            ("contracts.csv", CONTRACTS),
            ("sla_targets.csv", TARGETS),
            ("tickets.csv", TICKETS),
            ("ticket_events.csv", EVENTS),
            ("waivers.csv", WAIVERS),
            ("maintenance.csv", MAINTENANCE),
            ("actions.csv", ACTIONS),
            ("engineers.csv", ENGINEERS),
            ("goals.toml", "reporting_timezone = \"UTC\"\n"),
        ],
    );
}

fn run_folder() -> (tempfile::TempDir, PathBuf) {
    let t = tmp();
    let data = t.path().join("data");
    let out = t.path().join("out");
    folder(&data);
    run_ok(
        &data,
        &out,
        &["--as-of", "2026-10-01T00:00:00Z", "--period", "2026Q3"],
    );
    (t, out)
}

fn close(r: &Row, col: &str, want: f64) {
    let got = num(r, col);
    assert!(
        (got - want).abs() < 1e-9,
        "{col}: got {got}, want {want} in {r:?}"
    );
}

/// The values of `cols` in `r`, for comparing several cells at once.
fn cells(r: &Row, cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| r[*c].clone()).collect()
}

fn parquet(out: &Path, name: &str) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    let f = std::fs::File::open(out.join("tables").join(format!("{name}.parquet"))).unwrap();
    ParquetReader::new(f).finish().unwrap()
}

#[test]
fn themes_fall_back_to_product_and_compare_with_the_previous_quarter() {
    let (_t, out) = run_folder();
    let th = table(&out, "themes");
    let all: Vec<(String, String, String)> = th
        .iter()
        .filter(|r| r["period"] == "2026Q3" && r["dimension"] == "all")
        .map(|r| {
            (
                r["theme"].clone(),
                r["theme_from"].clone(),
                r["tickets"].clone(),
            )
        })
        .collect();
    // Most tickets first, then by name (byte order: "(" < upper case < lower case).
    let want = [
        ("billing", "category", "3"),
        ("(none)", "none", "1"),
        ("Network", "product", "1"),
        ("access", "category", "1"),
        ("login", "category", "1"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(all, want);

    let g = |dim, key, theme| {
        row(
            &th,
            &[
                ("period", "2026Q3"),
                ("dimension", dim),
                ("key", key),
                ("theme", theme),
            ],
        )
    };
    let billing = g("all", "all", "billing");
    close(billing, "share_pct", 300.0 / 7.0);
    assert_eq!(billing["previous_tickets"], "1");
    close(billing, "change_pt", 300.0 / 7.0 - 50.0);
    assert_eq!(billing["breached_tickets"], "1");
    close(billing, "breach_rate_pct", 100.0 / 3.0);
    close(billing, "median_resolution_seconds", 169_200.0);
    assert_eq!(
        cells(billing, &["example_ticket_id", "example_subject"]),
        ["T1", "Invoice wrong"]
    );
    close(g("all", "all", "Network"), "change_pt", 100.0 / 7.0 - 50.0);
    close(
        g("all", "all", "Network"),
        "median_resolution_seconds",
        7_200.0,
    );
    let access = g("all", "all", "access");
    assert_eq!(access["previous_tickets"], "0");
    close(access, "change_pt", 100.0 / 7.0);
    close(access, "breach_rate_pct", 100.0);
    assert_eq!(access["median_resolution_seconds"], "");
    close(
        g("all", "all", "(none)"),
        "median_resolution_seconds",
        21_600.0,
    );

    let ca = g("customer", "CA", "billing");
    close(ca, "share_pct", 60.0);
    close(ca, "change_pt", 10.0);
    assert_eq!(g("contract", "KA", "billing")["tickets"], "3");
    // CB had no ticket in 2026Q2: no change to show.
    let cb = g("customer", "CB", "login");
    close(cb, "share_pct", 50.0);
    assert_eq!(cells(cb, &["previous_tickets", "change_pt"]), ["0", ""]);
    // 2025Q4 and 2026Q1 have no ticket: no rows.
    assert!(th
        .iter()
        .all(|r| r["period"] == "2026Q2" || r["period"] == "2026Q3"));
}

#[test]
fn a_problem_recurs_with_two_tickets_in_four_quarters() {
    let (_t, out) = run_folder();
    let rp = table(&out, "recurring_problems");
    // Only PRB-1, only in 2026Q3, for the team, CA and KA.
    let keys: Vec<String> = rp
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["period"], r["dimension"], r["key"], r["problem_id"]
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            "2026Q3 all all PRB-1",
            "2026Q3 contract KA PRB-1",
            "2026Q3 customer CA PRB-1"
        ]
    );
    let r = &rp[0];
    assert_eq!(
        cells(
            r,
            &[
                "tickets",
                "quarters",
                "first_created_at",
                "last_created_at",
                "open_tickets",
                "workaround_tickets",
                "permanent_fix_tickets",
                "category",
                "example_subject",
                "ticket_ids",
            ]
        ),
        [
            "3",
            "2",
            "2026-05-05T10:00:00Z",
            "2026-09-20T10:00:00Z",
            "1",
            "1",
            "1",
            "billing",
            "Cannot add user",
            "Q1, T1, T7",
        ]
    );
}

#[test]
fn resolution_mix_counts_done_tickets_by_type() {
    let (_t, out) = run_folder();
    let m = table(&out, "resolution_mix");
    let all: Vec<Vec<String>> = m
        .iter()
        .filter(|r| r["period"] == "2026Q3" && r["dimension"] == "all")
        .map(|r| cells(r, &["resolution_type", "tickets", "share_pct"]))
        .collect();
    assert_eq!(
        all,
        [
            ["permanent_fix", "2", "40.0"],
            ["workaround", "2", "40.0"],
            ["(none)", "1", "20.0"],
        ]
    );
    let cb = row(
        &m,
        &[
            ("period", "2026Q3"),
            ("dimension", "customer"),
            ("key", "CB"),
        ],
    );
    assert_eq!(
        cells(cb, &["resolution_type", "tickets"]),
        ["permanent_fix", "1"]
    );
}

#[test]
fn major_incidents_are_p1_or_system_down_with_duration_and_escalations() {
    let (_t, out) = run_folder();
    let mi = table(&out, "major_incidents");
    let ids: Vec<&str> = mi.iter().map(|r| r["ticket_id"].as_str()).collect();
    assert_eq!(ids, ["T4", "T5"]);
    let cols = [
        "priority",
        "severity",
        "first_solved_at",
        "duration_seconds",
        "open_at_as_of",
        "escalations",
        "root_cause",
        "resolution_type",
        "problem_id",
        "breached_metrics",
    ];
    assert_eq!(
        cells(&mi[0], &cols),
        [
            "P2",
            "system_down",
            "2026-08-01T06:00:00Z",
            "21600",
            "false",
            "2",
            "disk full",
            "permanent_fix",
            "PRB-4",
            "",
        ]
    );
    assert_eq!(
        cells(&mi[1], &cols),
        [
            "P1",
            "normal",
            "",
            "4888800",
            "true",
            "1",
            "",
            "",
            "",
            "first_response, resolution",
        ]
    );
    let df = parquet(&out, "major_incidents");
    use polars::prelude::*;
    assert_eq!(
        df.column("duration_seconds").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(
        df.column("created_at").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
    );
}

#[test]
fn maintenance_promises_are_kept_late_missed_or_open() {
    let (_t, out) = run_folder();
    let mr = table(&out, "maintenance_review");
    let got: Vec<String> = mr
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["period"], r["maintenance_id"], r["kind"], r["state"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "2026Q2 M11 upgrade done",
            "2026Q3 M1 inspection done",
            "2026Q3 M2 inspection done",
            "2026Q3 M13 optimization overdue",
            "2026Q3 M4 security_patch kept",
            "2026Q3 M5 security_patch late",
            "2026Q3 M6 security_patch missed",
            "2026Q3 M7 security_patch open",
            "2026Q3 M3 inspection overdue",
            "2026Q3 M8 security_patch no_deadline",
            "2026Q4 M9 upgrade planned",
            "2026Q4 M10 optimization planned",
        ]
    );
    let m = |id| row(&mr, &[("maintenance_id", id)]);
    assert_eq!(m("M5")["due_at"], "2026-08-11T00:00:00Z");
    assert_eq!(m("M7")["due_at"], "2026-10-08T00:00:00Z");
    assert_eq!(cells(m("M8"), &["customer_id", "due_at"]), ["CB", ""]);
    assert_eq!(m("M13")["done_at"], "");
    let df = parquet(&out, "maintenance_review");
    use polars::prelude::*;
    assert_eq!(
        df.column("due_at").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
    );

    let ms = table(&out, "maintenance_summary");
    let cols = [
        "inspections_promised",
        "inspections_done",
        "inspections_status",
        "patches",
        "patches_kept",
        "patches_late",
        "patches_missed",
        "patches_open",
        "upgrades_done",
        "optimizations_done",
        "planned_next",
    ];
    let s = |p, c| cells(row(&ms, &[("period", p), ("contract_id", c)]), &cols);
    assert_eq!(
        s("2026Q3", "KA"),
        ["2", "2", "kept", "4", "1", "1", "1", "1", "0", "0", "1"]
    );
    assert_eq!(
        s("2026Q3", "KB"),
        ["1", "0", "missed", "1", "0", "0", "0", "0", "0", "0", "1"]
    );
    assert_eq!(
        s("2026Q2", "KA"),
        ["2", "0", "missed", "0", "0", "0", "0", "0", "1", "0", "7"]
    );
    assert_eq!(s("2026Q2", "KB")[10], "2");
    // KC promises nothing and has no record; every contract is active in all four periods.
    assert!(ms.iter().all(|r| r["contract_id"] != "KC"));
    assert_eq!(ms.len(), 8);
}

#[test]
fn actions_are_done_open_or_overdue_on_as_of_day() {
    let (_t, out) = run_folder();
    let a = table(&out, "actions_review");
    let got: Vec<Vec<String>> = a
        .iter()
        .map(|r| {
            cells(
                r,
                &[
                    "period",
                    "contract_id",
                    "action_id",
                    "owner_side",
                    "status",
                    "review",
                    "days_overdue",
                    "done_on",
                ],
            )
        })
        .collect();
    let want = [
        [
            "2026Q3",
            "KA",
            "A1",
            "vendor",
            "done",
            "previous",
            "",
            "2026-07-20",
        ],
        [
            "2026Q3", "KA", "A2", "customer", "overdue", "previous", "16", "",
        ],
        [
            "2026Q3", "KA", "A6", "vendor", "overdue", "previous", "11", "",
        ],
        ["2026Q3", "KB", "A4", "customer", "open", "earlier", "", ""],
        ["2026Q3", "KB", "A3", "vendor", "open", "current", "", ""],
        ["2026Q3", "KB", "A7", "customer", "open", "current", "", ""],
    ];
    assert_eq!(got, want);
    assert_eq!(row(&a, &[("action_id", "A3")])["owner"], "Vendor (ops)");
}

#[test]
fn a_goal_without_input_reads_no_data() {
    let (_t, out) = run_folder();
    let s = table(&out, "goal_scorecard");
    let g = |p, goal| row(&s, &[("period", p), ("goal", goal)]);
    let cols = ["figure", "status", "unit", "better", "change_direction"];
    // No surveys.csv: CSAT has no input.
    assert_eq!(
        cells(g("2026Q3", "csat.satisfied_or_better_pct"), &cols),
        ["", "no_data", "pct", "higher", ""]
    );
    // No kb_articles.csv although E1 is an engineer: no data, not "0 per week, missed".
    assert_eq!(
        cells(g("2026Q3", "engineer.min_kb_articles_per_week"), &cols),
        ["", "no_data", "per_week", "higher", ""]
    );
    // No system-down ticket in 2026Q2: no data, not "met on 0 of 0".
    assert_eq!(
        cells(g("2026Q2", "engineer.system_down_max_hours"), &cols),
        ["", "no_data", "hours", "lower", ""]
    );
    // 2026Q3: T4's 6 hours, under 48: met; no previous figure, so no direction.
    assert_eq!(
        cells(g("2026Q3", "engineer.system_down_max_hours"), &cols),
        ["6.0", "met", "hours", "lower", ""]
    );
    // First response: 2026Q2 Q1 Q2 met = 100%; 2026Q3 met T1 T3 T4 T7, breached T2 T5 T6
    // (the scorecard counts waived rows as before) = 4/7: worse.
    let fr = g("2026Q3", "sla.first_response_met_pct");
    close(fr, "figure", 400.0 / 7.0);
    close(fr, "change", 400.0 / 7.0 - 100.0);
    assert_eq!(cells(fr, &cols[1..]), ["missed", "pct", "higher", "worse"]);
    // E1 holds no ticket: average backlog 0 in both quarters, the same.
    assert_eq!(
        cells(g("2026Q3", "engineer.max_avg_backlog"), &cols),
        ["0.0", "met", "tickets", "lower", "same"]
    );
    assert_eq!(
        g("2026Q3", "engineer.min_solved_per_working_day")["unit"],
        "per_day"
    );
}

/// as_of's day is the reporting zone's: 2026-09-30T20:00Z is 2026-10-01 05:00 in Seoul, so an
/// action due 09-30 is one day overdue and an inspection planned for 09-30 is overdue (in UTC
/// both would still be due today).
#[test]
fn overdue_is_judged_on_as_of_day_in_the_reporting_zone() {
    let t = tmp();
    let data = t.path().join("data");
    let out = t.path().join("out");
    write_folder(
        &data,
        &[
            (
                "contracts.csv",
                "contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct,renewal_date,inspections_per_quarter\n\
                 KA,CA,Alpha,gold,2025-07-01,2027-06-30,,USD,36500,,5,20,,1\n",
            ),
            ("sla_targets.csv", TARGETS),
            (
                "tickets.csv",
                "ticket_id,customer_id,created_at,priority,status,subject\n\
                 T1,CA,2026-09-01T10:00:00Z,P2,open,Question\n",
            ),
            (
                "ticket_events.csv",
                "ticket_id,at,kind,actor_id,value\nT1,2026-09-01T10:10:00Z,agent_reply,E1,\n",
            ),
            (
                "maintenance.csv",
                "maintenance_id,contract_id,kind,planned_on,released_at,done_at,summary\n\
                 M1,KA,inspection,2026-09-30,,,Visit\n",
            ),
            (
                "actions.csv",
                "action_id,contract_id,raised_in,owner,action,due_on,done_on\n\
                 A1,KA,2026Q3,vendor,Call back,2026-09-30,\n",
            ),
            ("goals.toml", "reporting_timezone = \"Asia/Seoul\"\n"),
        ],
    );
    run_ok(
        &data,
        &out,
        &["--as-of", "2026-09-30T20:00:00Z", "--period", "2026Q3"],
    );
    let a = table(&out, "actions_review");
    assert_eq!(cells(&a[0], &["status", "days_overdue"]), ["overdue", "1"]);
    let m = table(&out, "maintenance_review");
    assert_eq!(cells(&m[0], &["period", "state"]), ["2026Q3", "overdue"]);
}
