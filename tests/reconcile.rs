//! The metric tables of `sample_data/` add up with each other and with the ticket-level tables
//! under them: no aggregate drops or double-counts a row. The golden snapshots say the figures
//! did not change; these say they are consistent, whatever the data.

mod common;

use std::collections::BTreeMap;

use common::*;

fn int(r: &Row, col: &str) -> i64 {
    if r[col].is_empty() {
        return 0;
    }
    r[col]
        .parse()
        .unwrap_or_else(|_| panic!("`{col}` = `{}`", r[col]))
}

/// Sum of `col` (or count of rows, when `col` is empty) per value of `by`, over rows passing
/// `keep`.
fn sums(rows: &[Row], by: &str, col: &str, keep: impl Fn(&Row) -> bool) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for r in rows.iter().filter(|r| keep(r)) {
        *out.entry(r[by].clone()).or_insert(0) += if col.is_empty() { 1 } else { int(r, col) };
    }
    out
}

#[test]
fn sample_tables_reconcile() {
    let t = tmp();
    let out = t.path().join("out");
    run_ok(sample_data(), &out, &[]);
    let periods: Vec<String> = table(&out, "periods")
        .iter()
        .map(|r| r["period"].clone())
        .collect();
    assert_eq!(periods, ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]);
    let in_periods = |r: &Row| periods.contains(&r["period"]);

    // SLA: every ticket_sla row of the periods is counted once, in exactly one state or as
    // waived (review.md: a waived row is in neither met nor breached).
    let sla = table(&out, "ticket_sla");
    let compliance = table(&out, "sla_compliance");
    let rows = sums(&sla, "period", "", in_periods);
    assert_eq!(sums(&compliance, "period", "tickets", |_| true), rows);
    for r in &compliance {
        let states =
            ["met", "breached", "in_progress", "not_applicable", "waived"].map(|c| int(r, c));
        assert_eq!(states.iter().sum::<i64>(), int(r, "tickets"), "{r:?}");
    }

    // FCR counts every ticket created in the periods.
    let facts = table(&out, "ticket_facts");
    let created = sums(&facts, "period", "", in_periods);
    assert_eq!(
        sums(&table(&out, "fcr"), "period", "tickets", |_| true),
        created
    );

    // Backlog: every ticket flows in once on its day, every solve flows out on its day, and
    // each day follows from the one before.
    let backlog = table(&out, "backlog_daily");
    assert_eq!(sums(&backlog, "period", "inflow", |_| true), created);
    let moments = table(&out, "ticket_moments");
    let solves = sums(&moments, "period", "", |r| {
        r["kind"] == "solve" && in_periods(r)
    });
    assert_eq!(sums(&backlog, "period", "outflow", |_| true), solves);
    let reopens = sums(&moments, "period", "", |r| {
        r["kind"] == "reopen" && in_periods(r)
    });
    assert_eq!(sums(&backlog, "period", "reopens", |_| true), reopens);
    let trend = table(&out, "backlog_trend");
    assert_eq!(
        trend.len(),
        365,
        "every day 2025-10-01..2026-09-30 has open tickets"
    );
    let mut prev = 0;
    for r in &trend {
        assert_eq!(
            int(r, "backlog"),
            prev + int(r, "inflow") - int(r, "outflow") + int(r, "reopens"),
            "{r:?}"
        );
        assert_eq!(int(r, "backlog"), int(r, "active") + int(r, "paused"));
        prev = int(r, "backlog");
    }
    // The last day's backlog is the tickets open at the end of the report period.
    let open = table(&out, "open_at_period_end");
    let open_q3 = open.iter().filter(|r| r["period"] == "2026Q3").count() as i64;
    assert_eq!(prev, open_q3);
    let aging = sums(&table(&out, "backlog_aging"), "period", "tickets", |_| true);
    assert_eq!(aging, sums(&open, "period", "", |_| true));

    // Engineers: solves credited to someone plus unassigned solves are all the solves.
    let load = table(&out, "engineer_load");
    let credited = sums(&moments, "period", "", |r| {
        r["kind"] == "solve" && in_periods(r) && !r["engineer_id"].is_empty()
    });
    assert_eq!(sums(&load, "period", "solved", |_| true), credited);

    // CSAT: the team row counts every counted survey of the period, and so does each split.
    let csat = table(&out, "csat");
    let surveys = sums(&csat, "period", "", in_periods);
    let summary = table(&out, "csat_summary");
    for dim in ["all", "customer", "engineer", "priority"] {
        assert_eq!(
            sums(&summary, "period", "responses", |r| r["dimension"] == dim),
            surveys,
            "{dim}"
        );
    }

    // Every reject is a data-quality row.
    let rejects = table(&out, "data_quality")
        .iter()
        .filter(|r| r["check"] == "rejected_row")
        .count();
    let manifest = manifest(&out.join("lake"));
    assert_eq!(rejects as u64, manifest["rows_rejected"].as_u64().unwrap());
}
