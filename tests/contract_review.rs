//! Contract review, service credits, renewal notes and the portfolio on hand-built contracts
//! whose amounts are worked out below by hand (not by the code under test), plus golden
//! snapshots of the documents rendered from them.
//!
//! Reporting zone UTC, 24x7 clocks, as_of 2026-10-01T00:00:00Z, report period 2026Q3
//! (2026-07-01..2026-09-30, 92 days). Plan `gold`: P1 first response 60 min (commitment 50%),
//! P2 first response 60 min (100%), P2 resolution 2880 min (90%); KC's own row makes its P2
//! first response 120 min.
//!
//! - KA (customer CA, USD 36,500/yr, 2025-08-15..2026-08-14, 2 cases included, 5%/miss, cap
//!   8%): days in 2026Q3 = 07-01..08-14 = 45 of its contract year 2025-08-15..2026-08-14 (365)
//!   -> fee 36,500 x 45/365 = 4,500.00. A1 P1 reply after 30 min (met), A2 P1 after 2 h
//!   (breached): 50% >= 50 kept; A3 P2 reply 20 min, solved after 1 h: both P2 kept. 3 kept, 0
//!   missed, credit 0. 3 tickets of 2 included cases prorated to KA's 45 of the quarter's 92 days
//!   (2 x 45/92 = 0.978) = 306.7%: above entitlement. Cost per case 1,500.00.
//! - KB (CA's next contract, USD 73,000/yr from 2026-08-15, 10 included): 08-15..09-30 = 47
//!   days of 365 -> 9,400.00. B1 P2 reply after 2 h (breached), solved after 5 days (breached):
//!   2 missed x 5% = 10%, capped at 8% -> credit 752.00. P1 first response: no tickets. 1 ticket
//!   of 10 cases prorated to 47 of 92 days (5.109) = 19.6%: far below. Cost per case 9,400.00.
//! - KC (customer CB, KRW 10,000,000/yr, 2026-01-01..2026-10-31, renewal 2026-11-01, 100
//!   included, 5%/miss, cap 20%): 92 days of 365 -> 2,520,547.945... = 2,520,547.95. C1 P2 reply
//!   after 90 min (met under its own 120-min target; the plan's 60 would have breached), C2 after
//!   3 h (breached): 50% < 100 missed; both solved within 2 days: resolution kept. 1 missed -> 5%
//!   -> 126,027.397... = 126,027.40 (KRW is written without minor units: KRW 126,027). 2 of 100
//!   cases: far below. Cost per case 1,260,273.97. In 2026Q2 (91 days -> 2,493,150.68) C0's
//!   first response took 4 h: missed there too, so P2 first response is missed in 2 of the last
//!   4 quarters. Renewal 2026-11-01 lies in 2026Q4 and no later contract exists. CB's only survey
//!   is a 3: CSAT 0% from 1 response, under the 96% goal, too few.
//! - KD (customer CD, EUR 73,000/yr, 2025-08-01..2027-07-31, unlimited cases): 2026Q3 touches
//!   two contract years: 07-01..07-31 = 31 days of 2025-08-01..2026-07-31 (365) and 08-01..09-30
//!   = 61 days of 2026-08-01..2027-07-31 (365) -> 6,200 + 12,200 = 18,400.00. No tickets: every
//!   commitment "no tickets" (not kept), no credit, no cost per case, no note.
//!
//! Renewal risk: KC 2 (missed repeatedly) + 3 (credit, 1 missed) + 2 (CSAT) + 1 (far below) + 3
//! (renewal) = 11; KB 4 (credit, 2 missed) + 1 (far below) = 5; KA 1 (above entitlement); KD 0.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const CONTRACTS: &str = "\
contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct,renewal_date
KA,CA,Alpha,gold,2025-08-15,2026-08-14,,USD,36500,2,5,8,
KB,CA,Alpha,gold,2026-08-15,2027-08-14,,USD,73000,10,5,8,
KC,CB,Beta,gold,2026-01-01,2026-10-31,,KRW,10000000,100,5,20,
KD,CD,Delta,gold,2025-08-01,2027-07-31,,EUR,73000,,3,15,
";

const TARGETS: &str = "\
plan,contract_id,priority,metric,target_minutes,clock,commitment_pct
gold,,P1,first_response,60,calendar,50
gold,,P2,first_response,60,calendar,100
gold,,P2,resolution,2880,calendar,90
,KC,P2,first_response,120,calendar,100
";

const TICKETS: &str = "\
ticket_id,customer_id,created_at,priority,status,subject
A1,CA,2026-07-01T10:00:00Z,P1,solved,Login fails
A2,CA,2026-07-02T10:00:00Z,P1,solved,Checkout down
A3,CA,2026-07-03T10:00:00Z,P2,solved,Slow search
B1,CA,2026-08-20T10:00:00Z,P2,solved,Export broken
C0,CB,2026-05-05T10:00:00Z,P2,solved,Quota question
C1,CB,2026-07-10T10:00:00Z,P2,solved,Invoice copy
C2,CB,2026-07-11T10:00:00Z,P2,solved,API errors
";

const EVENTS: &str = "\
ticket_id,at,kind,actor_id,value
A1,2026-07-01T10:30:00Z,agent_reply,E1,
A1,2026-07-01T12:00:00Z,status,E1,solved
A2,2026-07-02T12:00:00Z,agent_reply,E1,
A2,2026-07-02T12:30:00Z,status,E1,solved
A3,2026-07-03T10:20:00Z,agent_reply,E1,
A3,2026-07-03T11:00:00Z,status,E1,solved
B1,2026-08-20T12:00:00Z,agent_reply,E1,
B1,2026-08-25T10:00:00Z,status,E1,solved
C0,2026-05-05T14:00:00Z,agent_reply,E1,
C0,2026-05-05T15:00:00Z,status,E1,solved
C1,2026-07-10T11:30:00Z,agent_reply,E1,
C1,2026-07-10T12:00:00Z,status,E1,solved
C2,2026-07-11T13:00:00Z,agent_reply,E1,
C2,2026-07-11T14:00:00Z,status,E1,solved
";

const SURVEYS: &str = "\
survey_id,ticket_id,responded_at,rating,comment
S1,A1,2026-07-02T09:00:00Z,5,
S2,C2,2026-07-12T09:00:00Z,3,Too slow
";

fn folder(dir: &Path) {
    write_folder(
        dir,
        &[
            ("contracts.csv", CONTRACTS),
            ("sla_targets.csv", TARGETS),
            ("tickets.csv", TICKETS),
            ("ticket_events.csv", EVENTS),
            ("surveys.csv", SURVEYS),
            ("goals.toml", "reporting_timezone = \"UTC\"\n"),
        ],
    );
}

/// Runs from inside `root` with relative paths, so the command printed in the documents'
/// appendix is the same on every machine.
fn run_in(root: &Path) -> PathBuf {
    run_in_with(root, &[])
}

fn run_in_with(root: &Path, extra: &[&str]) -> PathBuf {
    folder(&root.join("data"));
    let o = bin()
        .current_dir(root)
        .args([
            "run",
            "--data",
            "data",
            "--out",
            "out",
            "--as-of",
            "2026-10-01T00:00:00Z",
            "--period",
            "2026Q3",
        ])
        .args(extra)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "run failed: {}", stderr(&o));
    root.join("out")
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() < 0.005, "{what}: got {got}, want {want}");
}

#[test]
fn commitments_credits_entitlement_notes_and_ranking() {
    let t = tmp();
    let out = run_in(t.path());
    let rows = table(&out, "contract_review");
    let q3 = |c: &str, p: &str, m: &str| -> &Row {
        row(
            &rows,
            &[
                ("period", "2026Q3"),
                ("contract_id", c),
                ("priority", p),
                ("metric", m),
            ],
        )
    };

    // Outcomes per commitment.
    for (c, p, m, met, breached, outcome) in [
        ("KA", "P1", "first_response", "1", "1", "kept"),
        ("KA", "P2", "first_response", "1", "0", "kept"),
        ("KA", "P2", "resolution", "1", "0", "kept"),
        ("KB", "P1", "first_response", "0", "0", "no_tickets"),
        ("KB", "P2", "first_response", "0", "1", "missed"),
        ("KB", "P2", "resolution", "0", "1", "missed"),
        ("KC", "P1", "first_response", "0", "0", "no_tickets"),
        ("KC", "P2", "first_response", "1", "1", "missed"),
        ("KC", "P2", "resolution", "2", "0", "kept"),
        ("KD", "P1", "first_response", "0", "0", "no_tickets"),
        ("KD", "P2", "first_response", "0", "0", "no_tickets"),
        ("KD", "P2", "resolution", "0", "0", "no_tickets"),
    ] {
        let r = q3(c, p, m);
        assert_eq!(
            (
                r["met"].as_str(),
                r["breached"].as_str(),
                r["outcome"].as_str()
            ),
            (met, breached, outcome),
            "{c} {p} {m}: {r:?}"
        );
    }
    // KC's own target (120 min) replaced the plan's (60 min).
    assert_eq!(q3("KC", "P2", "first_response")["target_minutes"], "120");
    assert_eq!(q3("KA", "P2", "first_response")["target_minutes"], "60");
    assert_eq!(q3("KA", "P1", "first_response")["compliance_pct"], "50.0");

    // Contract-level figures, written by hand in the header.
    for (c, fee, missed, credit_pct, credit, created, used, cost) in [
        (
            "KA",
            4500.00,
            "0",
            0.0,
            0.0,
            "3",
            Some(300.0 * 92.0 / 90.0),
            Some(1500.00),
        ),
        (
            "KB",
            9400.00,
            "2",
            8.0,
            752.00,
            "1",
            Some(100.0 * 92.0 / 47.0 / 10.0),
            Some(9400.00),
        ),
        (
            "KC",
            2520547.95,
            "1",
            5.0,
            126027.40,
            "2",
            Some(2.0),
            Some(1260273.97),
        ),
        ("KD", 18400.00, "0", 0.0, 0.0, "0", None, None),
    ] {
        let r = q3(c, "P2", "resolution");
        close(num(r, "period_fee"), fee, &format!("{c} period_fee"));
        assert_eq!(r["missed_commitments"], missed, "{c}");
        close(num(r, "credit_pct"), credit_pct, &format!("{c} credit_pct"));
        close(
            num(r, "credit_amount"),
            credit,
            &format!("{c} credit_amount"),
        );
        assert_eq!(r["tickets_created"], created, "{c}");
        match used {
            Some(u) => close(num(r, "entitlement_used_pct"), u, &format!("{c} used")),
            None => assert_eq!(r["entitlement_used_pct"], "", "{c}: unlimited"),
        }
        match cost {
            Some(x) => close(num(r, "cost_per_case"), x, &format!("{c} cost per case")),
            None => assert_eq!(r["cost_per_case"], "", "{c}: no tickets, no cost per case"),
        }
    }
    assert_eq!(q3("KD", "P2", "resolution")["fee_days"], "31/365 + 61/365");
    assert_eq!(q3("KA", "P2", "resolution")["fee_days"], "45/365");
    let q2 = row(
        &rows,
        &[
            ("period", "2026Q2"),
            ("contract_id", "KC"),
            ("priority", "P2"),
            ("metric", "first_response"),
        ],
    );
    assert_eq!(q2["outcome"], "missed");
    close(num(q2, "period_fee"), 2493150.68, "KC 2026Q2 fee");
    // KB did not exist before 2026Q3; KA (from 2025-08-15) is in every period written.
    assert!(!rows
        .iter()
        .any(|r| r["contract_id"] == "KB" && r["period"] != "2026Q3"));
    assert_eq!(
        rows.iter()
            .filter(|r| r["contract_id"] == "KA" && r["metric"] == "resolution")
            .count(),
        4
    );

    // Renewal notes, in the words a renewal meeting reads.
    let notes = table(&out, "renewal_notes");
    let of = |c: &str| -> Vec<(String, String)> {
        notes
            .iter()
            .filter(|n| n["contract_id"] == c)
            .map(|n| (n["kind"].clone(), n["note"].clone()))
            .collect()
    };
    let kc: Vec<(String, String)> = [
        ("missed_repeatedly", "P2 first response was missed in 2 of the last 4 quarters (2026Q2, 2026Q3)."),
        ("credit_due", "A service credit of KRW 126,027 is due for 2026Q3: 1 missed commitment × 5% = 5% of the period's fee of KRW 2,520,548."),
        ("csat_below_goal", "CSAT 0.0% satisfied or better is under the goal of 96% (1 response; too few to be firm)."),
        ("volume_far_below_entitlement", "2 tickets against 100 included cases, 2.0% used: under half of the entitlement is used; a smaller plan would cover it."),
        ("renewal_due", "Renewal is due on 2026-11-01, within the next quarter (2026Q4)."),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), n.to_string()))
    .collect();
    assert_eq!(of("KC"), kc);
    assert_eq!(
        of("KB"),
        vec![
            ("credit_due".to_string(), "A service credit of USD 752.00 is due for 2026Q3: 2 missed commitments × 5% = 10%, capped at 8% of the period's fee of USD 9,400.00.".to_string()),
            // KB runs 2026-08-15..09-30: 17 + 30 = 47 of 2026Q3's 92 days, so its 10 cases a quarter
            // are 10 x 47 / 92 = 5.11; 1 / 5.11 = 19.6% used.
            ("volume_far_below_entitlement".to_string(), "1 ticket against 5.1 included cases (10 a quarter, prorated to 47 of 92 days), 19.6% used: under half of the entitlement is used; a smaller plan would cover it.".to_string()),
        ]
    );
    assert_eq!(
        of("KA"),
        vec![
            ("all_kept".to_string(), "All 3 commitments with tickets were kept in 2026Q3.".to_string()),
            // KA runs 2026-07-01..08-14: 31 + 14 = 45 of 92 days, so 2 x 45 / 92 = 0.98 cases;
            // 3 / 0.978 = 306.7% used.
            ("volume_above_entitlement".to_string(), "3 tickets against 1 included cases (2 a quarter, prorated to 45 of 92 days), 306.7% used: volume is above the entitlement; a larger plan fits this use.".to_string()),
            // KA's renewal date (its end + 1 day) passed before as_of and KB, the customer's
            // next contract, is in place: renewed, so none of its notes is a renewal risk.
            ("renewed".to_string(), "Renewed: the renewal date 2026-08-15 has passed and contract KB starts on 2026-08-15; this contract is no renewal risk.".to_string()),
        ]
    );
    assert!(of("KD").is_empty(), "{:?}", of("KD"));

    // The portfolio, riskiest first.
    let portfolio = table(&out, "portfolio");
    let order: Vec<(&str, &str)> = portfolio
        .iter()
        .map(|r| (r["contract_id"].as_str(), r["risk_score"].as_str()))
        .collect();
    // KA was renewed (by KB): score 0, and the tie with KD goes to the contract id.
    assert_eq!(order, [("KC", "11"), ("KB", "5"), ("KA", "0"), ("KD", "0")]);
    assert_eq!(
        portfolio[0]["reasons"],
        "missed_repeatedly credit_due csat_below_goal volume_far_below_entitlement renewal_due"
    );

    // The documents say the same: the customer review of KC and the portfolio.
    let dir = out.join("reports/2026Q3");
    let kc_html = std::fs::read_to_string(dir.join("customers/KC.html")).unwrap();
    assert!(kc_html.contains("KRW 126,027"), "credit in the review");
    assert!(kc_html.contains("Renewal is due on 2026-11-01"));
    let kc_md = std::fs::read_to_string(dir.join("customers/KC.md")).unwrap();
    assert!(
        kc_md.contains("| P2 | first response | 2h 00m | calendar | 100% | 50.0% | missed |"),
        "{kc_md}"
    );
    let portfolio_md = std::fs::read_to_string(dir.join("portfolio.md")).unwrap();
    let kc_at = portfolio_md
        .find("[KC](customers/KC.md)")
        .expect("KC linked");
    let kd_at = portfolio_md
        .find("[KD](customers/KD.md)")
        .expect("KD linked");
    assert!(kc_at < kd_at, "KC ranks above KD");
    let portfolio_html = std::fs::read_to_string(dir.join("portfolio.html")).unwrap();
    assert!(portfolio_html.contains("href=\"customers/KC.html\""));
}

#[test]
fn charts_carry_the_figures() {
    let t = tmp();
    let out = run_in(t.path());
    let charts = out.join("reports/2026Q3/customers/KC");
    let sla = std::fs::read_to_string(charts.join("sla_compliance.svg")).unwrap();
    // P2: first response 50.0, resolution 100.0; the commitment legend; priorities on the axis.
    for text in [
        "50.0",
        "100.0",
        "commitment",
        "first response",
        "resolution",
        "P1",
        "P4",
    ] {
        assert!(
            sla.contains(&format!("\n{text}\n")),
            "`{text}` in the SLA chart"
        );
    }
    // Two commitment ticks drawn for P2 (first response at 100, resolution at 90): black
    // 3-wide lines, and the legend's.
    assert_eq!(
        sla.matches("stroke=\"#000000\" stroke-width=\"3\"").count(),
        3,
        "{sla}"
    );
    let ratings = std::fs::read_to_string(charts.join("ratings.svg")).unwrap();
    for r in 1..=5 {
        assert!(ratings.contains(&format!("rating {r}")));
    }
    // One trend chart per committed metric, the four quarters on its axis.
    let trend = std::fs::read_to_string(charts.join("trend_first_response.svg")).unwrap();
    for p in ["2025Q4", "2026Q1", "2026Q2", "2026Q3"] {
        assert!(trend.contains(p), "{p} on the trend axis");
    }
    // KD had no tickets: its SLA chart says so instead of drawing empty axes silently.
    let kd = std::fs::read_to_string(out.join("reports/2026Q3/customers/KD/sla_compliance.svg"))
        .unwrap();
    assert!(kd.contains("no data in this period"));
}

/// One customer review in Korean and in Chinese, and the team review in Korean, pinned byte for
/// byte like the English documents below (`tests/golden/reports/ko`, `.../zh`; update with
/// `INSTA_UPDATE=always cargo test --test contract_review`).
#[test]
fn documents_in_korean_and_chinese_match_their_snapshots() {
    let mut files = Vec::new();
    for (lang, docs) in [
        (
            "ko",
            &[
                "customers/KA.html",
                "customers/KA.md",
                "team_review.html",
                "team_review.md",
            ][..],
        ),
        ("zh", &["customers/KA.html", "customers/KA.md"][..]),
    ] {
        let t = tmp();
        let out = run_in_with(t.path(), &["--lang", lang]);
        for doc in docs {
            let got = std::fs::read(out.join("reports/2026Q3").join(doc)).unwrap();
            assert!(
                String::from_utf8_lossy(&got).contains(&format!("lang=\"{lang}\""))
                    || doc.ends_with(".md")
            );
            files.push((format!("{lang}/{doc}"), got));
        }
    }
    assert_golden("reports", &files);
}

/// The rendered Markdown and HTML, pinned byte for byte in `tests/golden/reports/`.
/// `INSTA_UPDATE=always cargo test --test contract_review` rewrites them for review.
#[test]
fn documents_match_their_snapshots() {
    let t = tmp();
    let out = run_in(t.path());
    let dir = out.join("reports/2026Q3");
    let mut docs = Vec::new();
    for sub in ["", "customers"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "html")) {
                docs.push(p);
            }
        }
    }
    docs.sort();
    assert_eq!(
        docs.len(),
        12,
        "portfolio, team review and 4 customer reviews, twice: {docs:?}"
    );
    let files: Vec<(String, Vec<u8>)> = docs
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(&dir).unwrap();
            (rel.display().to_string(), std::fs::read(p).unwrap())
        })
        .collect();
    assert_golden("reports", &files);
}
