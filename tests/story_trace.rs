//! Every sentence of the review's story can be traced: each `executive_summary` and
//! `recommendations` row names a `source_table` and a `source_row` (`col=value; ...`) that is a
//! row of that table in `<out>/tables/`, each customer review prints exactly its contract's
//! sentences, and the commitments sentence states the counts of its `contract_review` rows.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// `period=2026Q3; contract_id=K-1` -> [("period", "2026Q3"), ("contract_id", "K-1")].
fn pairs(source_row: &str) -> Vec<(String, String)> {
    source_row
        .split("; ")
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .unwrap_or_else(|| panic!("`{p}` in `{source_row}` is not col=value"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn every_sentence_names_a_row_that_exists() {
    let out = sample_run();
    let mut tables: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut checked = 0;
    let mut sources = BTreeSet::new();
    for name in ["executive_summary", "recommendations"] {
        let rows = table(out, name);
        assert!(!rows.is_empty(), "{name} has rows on the sample data");
        for r in &rows {
            assert!(
                !r["text"].trim().is_empty(),
                "{name}: an empty sentence: {r:?}"
            );
            let source = r["source_table"].clone();
            let rows = tables
                .entry(source.clone())
                .or_insert_with(|| table(out, &source));
            // A "none" or "no data" sentence names the key it looked up and found nothing
            // under: there is no row to find, by design.
            let t = r["template"].as_str();
            if t.ends_with("_none") || t.ends_with("_no_data") || t.contains("no_tickets") {
                continue;
            }
            let want = pairs(&r["source_row"]);
            assert!(!want.is_empty(), "{name}: no source row: {r:?}");
            let found = rows
                .iter()
                .any(|row| want.iter().all(|(k, v)| row.get(k).is_some_and(|x| x == v)));
            assert!(
                found,
                "{name}: `{}` says it comes from {source} row `{}`, which is not there",
                r["text"], r["source_row"]
            );
            sources.insert(source);
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked} sentences traced");
    // The story draws on many tables, not one.
    for t in [
        "contract_review",
        "themes",
        "major_incidents",
        "escalation_counts",
    ] {
        assert!(sources.contains(t), "no sentence from {t}: {sources:?}");
    }
}

#[test]
fn the_commitments_sentence_states_its_contract_review_counts() {
    let out = sample_run();
    let review = table(out, "contract_review");
    let summary = table(out, "executive_summary");
    let mut checked = 0;
    for s in summary
        .iter()
        .filter(|s| s["scope"] == "contract" && s["kind"] == "commitments")
    {
        let rows: Vec<&Row> = review
            .iter()
            .filter(|r| r["period"] == s["period"] && r["contract_id"] == s["key"])
            .collect();
        assert!(!rows.is_empty(), "{}", s["key"]);
        // One row per commitment: its outcome decides the counts.
        let kept = rows.iter().filter(|r| r["outcome"] == "kept").count();
        let missed = rows.iter().filter(|r| r["outcome"] == "missed").count();
        // "k of n commitments kept, m missed" counts every commitment (n), those without a
        // ticket to judge them included.
        let all = rows.len();
        if kept + missed > 0 {
            let said = format!("{kept} of {all} commitments kept, {missed} missed");
            assert!(
                s["text"].contains(&said),
                "{}: `{}` should say `{said}`",
                s["key"],
                s["text"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "{checked} contracts checked");
}

#[test]
fn each_customer_review_prints_its_own_sentences() {
    let out = sample_run();
    let summary = table(out, "executive_summary");
    let dir = out.join("reports/2026Q3/customers");
    let contracts: BTreeSet<&str> = summary
        .iter()
        .filter(|s| s["scope"] == "contract" && s["period"] == "2026Q3")
        .map(|s| s["key"].as_str())
        .collect();
    assert!(contracts.len() >= 8, "{contracts:?}");
    for c in &contracts {
        let html = unescape_html(&std::fs::read_to_string(dir.join(format!("{c}.html"))).unwrap());
        let md = std::fs::read_to_string(dir.join(format!("{c}.md"))).unwrap();
        for s in summary
            .iter()
            .filter(|s| s["scope"] == "contract" && s["key"] == *c && s["period"] == "2026Q3")
        {
            assert!(html.contains(&s["text"]), "{c}.html lacks `{}`", s["text"]);
            // Markdown escapes `_` and friends; the sentence's words are there.
            let first_words: String = s["text"].chars().take(12).collect();
            assert!(
                md.replace('\\', "").contains(&first_words),
                "{c}.md lacks `{}`",
                s["text"]
            );
        }
        // No other contract's sentence (one that names its own contract id) leaks in.
        for s in summary
            .iter()
            .filter(|s| s["scope"] == "contract" && s["key"] != *c && s["period"] == "2026Q3")
            .filter(|s| s["text"].contains(s["key"].as_str()))
        {
            assert!(!html.contains(&s["text"]), "{c}.html holds `{}`", s["text"]);
        }
    }
}
