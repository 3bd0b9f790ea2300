//! `slareview run` writes `ticket_sla`, `update_windows` and `ticket_facts` to `<out>/tables/`
//! as Parquet and CSV, from the lake: contract lookup, plan targets, contract overrides and
//! tickets outside any contract, checked on the small hand-built folder of `common`.

mod common;

use common::*;

fn find<'a>(rows: &'a [Row], ticket: &str, metric: &str) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r["ticket_id"] == ticket && r["metric"] == metric)
}

/// Runs the valid folder, plus one ticket created before its customer's contract starts.
fn run_tables() -> (tempfile::TempDir, std::path::PathBuf) {
    let (t, data, _) = valid_folder();
    let mut tickets = std::fs::read_to_string(data.join("tickets.csv")).unwrap();
    tickets.push_str("T4,C1,2025-12-20T10:00:00+09:00,P1,system_down,solved,E1,,,,\n");
    std::fs::write(data.join("tickets.csv"), tickets).unwrap();
    let mut events = std::fs::read_to_string(data.join("ticket_events.csv")).unwrap();
    events.push_str("T4,2025-12-20T11:00:00+09:00,status,E1,solved\n");
    std::fs::write(data.join("ticket_events.csv"), events).unwrap();
    let out = t.path().join("out");
    let o = run_ok(&data, &out, &["--as-of", "2026-08-02T00:00:00+09:00"]);
    assert!(stdout(&o).contains("tables:"), "{}", stdout(&o));
    (t, out.join("tables"))
}

#[test]
fn run_writes_the_three_clock_tables() {
    let (_t, tables) = run_tables();
    for name in ["ticket_sla", "update_windows", "ticket_facts"] {
        for ext in ["parquet", "csv"] {
            assert!(
                tables.join(format!("{name}.{ext}")).is_file(),
                "{name}.{ext}"
            );
        }
    }
    let sla = read_csv(&tables.join("ticket_sla.csv"));

    // The worked example (ticket 00123, contract K1 on seoul_office, business plan P2).
    let fr = find(&sla, "00123", "first_response").unwrap();
    assert_eq!(fr["contract_id"], "K1");
    assert_eq!(fr["period"], "2026Q3");
    assert_eq!(fr["clock"], "business");
    assert_eq!(fr["calendar_id"], "seoul_office");
    assert_eq!(fr["target_seconds"], "7200");
    assert_eq!(fr["elapsed_seconds"], "9000");
    assert_eq!(fr["state"], "breached");
    // Mon 2026-07-06 10:00 +09:00, in UTC.
    assert_eq!(fr["breached_at"], "2026-07-06T01:00:00Z");
    assert_eq!(fr["stopped_at"], "2026-07-06T01:30:00Z");
    assert_eq!(fr["windows"], "");
    let up = find(&sla, "00123", "update").unwrap();
    assert_eq!(
        (up["elapsed_seconds"].as_str(), up["state"].as_str()),
        ("50400", "met")
    );
    assert_eq!(
        (up["windows"].as_str(), up["breached_windows"].as_str()),
        ("2", "0")
    );
    let res = find(&sla, "00123", "resolution").unwrap();
    assert_eq!(
        (res["elapsed_seconds"].as_str(), res["state"].as_str()),
        ("61200", "met")
    );
    assert_eq!(res["stopped_at"], "2026-07-09T01:00:00Z");

    // T2: C2's enterprise plan says P1 first response 15 minutes, but contract K2 overrides it
    // with 10 minutes. The reply came after 10 minutes: 600 s <= 600 s, met.
    let fr = find(&sla, "T2", "first_response").unwrap();
    assert_eq!(fr["target_seconds"], "600");
    assert_eq!(fr["clock"], "calendar");
    assert_eq!(fr["calendar_id"], "24x7");
    assert_eq!(
        (fr["elapsed_seconds"].as_str(), fr["state"].as_str()),
        ("600", "met")
    );
    // The enterprise plan has no update or resolution target for P1: no rows.
    assert!(find(&sla, "T2", "update").is_none());
    assert!(find(&sla, "T2", "resolution").is_none());
    // T2 is system down and still open at as_of 2026-08-02 00:00 +09:00 (08-01 15:00Z): from
    // 07-06 09:00Z that is 26 days 6 hours, far over 48 h; due 07-08 09:00Z.
    let sd = find(&sla, "T2", "system_down").unwrap();
    assert_eq!(sd["elapsed_seconds"], (26 * 86_400 + 6 * 3600).to_string());
    assert_eq!(sd["target_seconds"], "172800");
    assert_eq!(sd["state"], "breached");
    assert_eq!(sd["breached_at"], "2026-07-08T09:00:00Z");
    assert_eq!(sd["stopped_at"], "");

    // T3: the business plan has no P3 target at all: no rows.
    assert!(sla.iter().all(|r| r["ticket_id"] != "T3"));

    // T4 was created before C1's contract starts: no contract, so only its system_down row,
    // with an empty contract_id (solved after 1 h: met).
    let t4: Vec<&Row> = sla.iter().filter(|r| r["ticket_id"] == "T4").collect();
    assert_eq!(t4.len(), 1);
    assert_eq!(t4[0]["metric"], "system_down");
    assert_eq!(t4[0]["contract_id"], "");
    assert_eq!(t4[0]["period"], "2025Q4");
    assert_eq!(
        (t4[0]["elapsed_seconds"].as_str(), t4[0]["state"].as_str()),
        ("3600", "met")
    );

    // update_windows: the worked example's two windows.
    let w = read_csv(&tables.join("update_windows.csv"));
    let w: Vec<&Row> = w.iter().filter(|r| r["ticket_id"] == "00123").collect();
    let got: Vec<(&str, &str, &str, &str, &str)> = w
        .iter()
        .map(|r| {
            (
                r["window_no"].as_str(),
                r["started_at"].as_str(),
                r["end_reason"].as_str(),
                r["elapsed_seconds"].as_str(),
                r["breached"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("1", "2026-07-06T01:30:00Z", "paused", "1800", "false"),
            ("2", "2026-07-07T05:00:00Z", "agent_reply", "50400", "false"),
        ]
    );

    // ticket_facts: one row per ticket, all four of them.
    let facts = read_csv(&tables.join("ticket_facts.csv"));
    assert_eq!(facts.len(), 4);
    let f = |id: &str| facts.iter().find(|r| r["ticket_id"] == id).unwrap();
    assert_eq!(f("00123")["agent_replies"], "2");
    assert_eq!(f("00123")["status_at_as_of"], "solved");
    assert_eq!(f("00123")["final_solved_at"], "2026-07-09T01:00:00Z");
    assert_eq!(f("T2")["priority"], "P1");
    assert_eq!(f("T2")["assignee_at_first_solve"], "");
    assert_eq!(f("T3")["status_at_as_of"], "pending");
    assert_eq!(f("T4")["contract_id"], "");
    assert_eq!(f("T4")["assignee_at_first_solve"], "E1");
}

#[test]
fn parquet_and_csv_hold_the_same_rows() {
    let (_t, tables) = run_tables();
    for (name, instant) in [
        ("ticket_sla", "breached_at"),
        ("update_windows", "started_at"),
        ("ticket_facts", "created_at"),
    ] {
        let f = std::fs::File::open(tables.join(format!("{name}.parquet"))).unwrap();
        use polars::prelude::*;
        let df = ParquetReader::new(f).finish().unwrap();
        let csv_rows = read_csv(&tables.join(format!("{name}.csv"))).len();
        assert_eq!(df.height(), csv_rows, "{name}");
        // Instants are UTC datetimes in Parquet.
        assert_eq!(
            df.column(instant).unwrap().dtype(),
            &DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)),
            "{name}.{instant}"
        );
    }
}

#[test]
fn sample_data_clocks_cover_every_ticket() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    run_ok(sample_data(), &out, &[]);
    let lake_tickets = manifest(&out.join("lake"))["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["table"] == "tickets")
        .unwrap()["rows_accepted"]
        .as_u64()
        .unwrap();
    let facts = read_csv(&out.join("tables/ticket_facts.csv"));
    // Every accepted ticket exists at the default as_of (the latest timestamp in the data).
    assert_eq!(facts.len() as u64, lake_tickets);
    let sla = read_csv(&out.join("tables/ticket_sla.csv"));
    // Each state is one of the four, and compliance has something on both sides.
    for r in &sla {
        assert!(
            ["met", "breached", "in_progress", "not_applicable"].contains(&r["state"].as_str()),
            "{r:?}"
        );
        let elapsed: i64 = r["elapsed_seconds"].parse().unwrap();
        let target: i64 = r["target_seconds"].parse().unwrap();
        match r["state"].as_str() {
            // A breach has a due instant and, except for `update` (whose elapsed is its longest
            // window, not always the one that breached), is over its target.
            "breached" => assert!(
                !r["breached_at"].is_empty() && (r["metric"] == "update" || elapsed > target),
                "{r:?}"
            ),
            _ => assert!(elapsed <= target && r["breached_at"].is_empty(), "{r:?}"),
        }
    }
    for state in ["met", "breached"] {
        assert!(sla.iter().any(|r| r["state"] == state));
    }
}
