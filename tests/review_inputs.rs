//! review.md "More input": the `escalate` event kind, the tickets' and contracts' optional
//! columns, and the optional files maintenance, waivers and actions, read with the same rules as
//! every other table. Every expected reject (file, line, column, reason) is worked out by hand
//! from the rows written here.

mod common;
use common::*;
use std::path::Path;

const MAINTENANCE: &str = "\
maintenance_id,contract_id,kind,planned_on,released_at,done_at,summary
M1,K1,inspection,2026-07-15,,2026-07-15T10:00:00+09:00,Quarterly visit
M2,K1,Security_Patch,,2026-07-01T00:00:00Z,2026-07-20T09:00:00+09:00,\"CVE fix, kernel\"
M3,K2,upgrade,2026-08-01,,,
";

const WAIVERS: &str = "\
ticket_id,metric,reason,approved_by,note
00123,resolution,customer_caused,Park (account manager),Waited for logs
T2,all,planned_maintenance,Lee,
";

const ACTIONS: &str = "\
action_id,contract_id,raised_in,owner,action,due_on,done_on
A1,K1,2026Q2,vendor: Kim,Publish the runbook,2026-07-31,2026-07-20
A2,K2,2026q2,customer,Send the contact list,2026-08-15,
";

/// The valid folder with the three review files added.
fn review_folder() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let (t, data, lake) = valid_folder();
    write_folder(
        &data,
        &[
            ("maintenance.csv", MAINTENANCE),
            ("waivers.csv", WAIVERS),
            ("actions.csv", ACTIONS),
        ],
    );
    (t, data, lake)
}

fn append(data: &Path, file: &str, text: &str) {
    let mut s = std::fs::read_to_string(data.join(file)).unwrap();
    s.push_str(text);
    std::fs::write(data.join(file), s).unwrap();
}

/// Ingests and returns the one reject, after checking the counts reconcile.
fn only_reject(data: &Path, lake: &Path) -> RejectRow {
    ingest_ok(data, lake, &[]);
    reconciled_counts(lake);
    let rs = rejects(lake);
    assert_eq!(rs.len(), 1, "{rs:#?}");
    rs[0].clone()
}

fn assert_reject(r: &RejectRow, file: &str, line: u64, column: &str, reason: &str) {
    assert_eq!(
        (
            r.file.as_str(),
            r.line,
            r.column.as_str(),
            r.reason.as_str()
        ),
        (file, line, column, reason),
        "{r:#?}"
    );
}

fn lake_frame(lake: &Path, table: &str) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    let f = std::fs::File::open(lake.join(format!("{table}.parquet"))).unwrap();
    ParquetReader::new(f).finish().unwrap()
}

fn strs(df: &polars::prelude::DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col)
        .unwrap()
        .str()
        .unwrap_or_else(|e| panic!("`{col}` is not text: {e}"))
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

fn ints(df: &polars::prelude::DataFrame, col: &str) -> Vec<Option<i64>> {
    df.column(col)
        .unwrap()
        .i64()
        .unwrap_or_else(|e| panic!("`{col}` is not an integer: {e}"))
        .iter()
        .collect()
}

/// Tickets with the five optional columns: `(ticket row of common::TICKETS, extra cells)`.
fn tickets_with(extra: &[&str], more_rows: &str) -> String {
    let mut lines = TICKETS.lines();
    let mut out = format!(
        "{},category,root_cause,resolution_type,problem_id,language\n",
        lines.next().unwrap()
    );
    for (row, cells) in lines.zip(extra) {
        out.push_str(&format!("{row},{cells}\n"));
    }
    out.push_str(more_rows);
    out
}

/// Contracts with the three optional columns; K1 and K2 as in common::CONTRACTS.
fn contracts_with(k1: &str, k2: &str, more_rows: &str) -> String {
    let mut lines = CONTRACTS.lines();
    let mut out = format!(
        "{},language,inspections_per_quarter,patch_days\n",
        lines.next().unwrap()
    );
    out.push_str(&format!("{},{k1}\n", lines.next().unwrap()));
    out.push_str(&format!("{},{k2}\n", lines.next().unwrap()));
    out.push_str(more_rows);
    out
}

/// A contract of its own customer (no tickets, no overlap) with the three optional cells.
fn contract_row(id: &str, cells: &str) -> String {
    format!("{id},C-{id},Name,business,2026-01-01,2026-12-31,,KRW,1,,,,,{cells}\n")
}

// ------------------------------------------------------------------ the valid case

#[test]
fn review_files_and_columns_are_accepted_and_typed_in_the_lake() {
    let (_t, data, lake) = review_folder();
    write_folder(
        &data,
        &[
            (
                "tickets.csv",
                &tickets_with(
                    &[
                        "billing,config error,permanent_fix,PRB-1,ko",
                        "network,,workaround,PRB-1,en-us",
                        ",,,,zh-hant-tw",
                    ],
                    "",
                ),
            ),
            ("contracts.csv", &contracts_with("ko,2,30", "EN,,3650", "")),
        ],
    );
    let o = ingest_ok(&data, &lake, &[]);
    let counts = reconciled_counts(&lake);
    assert!(rejects(&lake).is_empty(), "{:#?}", rejects(&lake));
    assert_eq!(counts["maintenance.csv"], (3, 3, 0));
    assert_eq!(counts["waivers.csv"], (2, 2, 0));
    assert_eq!(counts["actions.csv"], (2, 2, 0));
    assert_eq!(counts["tickets.csv"], (3, 3, 0));
    assert_eq!(counts["contracts.csv"], (2, 2, 0));
    let err = stderr(&o);
    for file in ["maintenance.csv", "waivers.csv", "actions.csv"] {
        assert!(
            err.lines()
                .any(|l| l.starts_with(file) && l.contains("rejected        0")),
            "{file} not in the counts: {err}"
        );
    }

    let t = lake_frame(&lake, "tickets");
    assert_eq!(
        strs(&t, "language"),
        [Some("ko"), Some("en-US"), Some("zh-Hant-TW")].map(|s| s.map(String::from))
    );
    assert_eq!(
        strs(&t, "problem_id"),
        [Some("PRB-1"), Some("PRB-1"), None].map(|s| s.map(String::from))
    );
    assert_eq!(
        strs(&t, "resolution_type"),
        [Some("permanent_fix"), Some("workaround"), None].map(|s| s.map(String::from))
    );
    let c = lake_frame(&lake, "contracts");
    assert_eq!(
        strs(&c, "language"),
        [Some("ko"), Some("en")].map(|s| s.map(String::from))
    );
    assert_eq!(ints(&c, "inspections_per_quarter"), [Some(2), None]);
    assert_eq!(ints(&c, "patch_days"), [Some(30), Some(3650)]);

    use polars::prelude::*;
    let m = lake_frame(&lake, "maintenance");
    assert_eq!(
        strs(&m, "kind"),
        [Some("inspection"), Some("security_patch"), Some("upgrade")].map(|s| s.map(String::from))
    );
    assert_eq!(m.column("planned_on").unwrap().dtype(), &DataType::Date);
    assert!(matches!(
        m.column("released_at").unwrap().dtype(),
        DataType::Datetime(_, _)
    ));
    // 2026-07-20T09:00:00+09:00 is 2026-07-20T00:00:00Z: 1784505600 s.
    let done: Vec<Option<i64>> = m
        .column("done_at")
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .iter()
        .collect();
    assert_eq!(done[1], Some(1_784_505_600_000));
    assert_eq!(done[2], None);
    assert_eq!(strs(&m, "summary")[1].as_deref(), Some("CVE fix, kernel"));

    let w = lake_frame(&lake, "waivers");
    assert_eq!(
        strs(&w, "metric"),
        [Some("resolution"), Some("all")].map(|s| s.map(String::from))
    );
    assert_eq!(
        strs(&w, "approved_by")[0].as_deref(),
        Some("Park (account manager)")
    );
    let a = lake_frame(&lake, "actions");
    // `2026q2` is stored as the quarter is written everywhere else.
    assert_eq!(
        strs(&a, "raised_in"),
        [Some("2026Q2"), Some("2026Q2")].map(|s| s.map(String::from))
    );
    assert_eq!(a.column("done_on").unwrap().dtype(), &DataType::Date);
    assert_eq!(ints(&a, "source_line"), [Some(2), Some(3)]);
}

#[test]
fn without_the_review_files_nothing_is_listed_for_them() {
    let (_t, data, lake) = valid_folder();
    ingest_ok(&data, &lake, &[]);
    let counts = reconciled_counts(&lake);
    for file in ["maintenance.csv", "waivers.csv", "actions.csv"] {
        assert!(!counts.contains_key(file), "{counts:?}");
    }
    assert!(rejects(&lake).is_empty());
    // The tables exist, empty, so later stages read one schema whether or not the file was given.
    assert_eq!(lake_frame(&lake, "waivers").height(), 0);
}

#[test]
fn review_files_are_read_from_ndjson_parquet_and_cp949() {
    use polars::prelude::*;
    let (_t, data, lake) = valid_folder();
    // waivers as NDJSON
    std::fs::write(
        data.join("waivers.ndjson"),
        "{\"ticket_id\":\"00123\",\"metric\":\"resolution\",\"reason\":\"customer_caused\",\"approved_by\":\"Park\"}\n\
         {\"ticket_id\":\"T2\",\"metric\":\"update\",\"reason\":\"third_party\"}\n",
    )
    .unwrap();
    // actions as Parquet
    let col = |name: &str, v: [&str; 2]| -> Column { Series::new(name.into(), v).into() };
    let mut df = DataFrame::new_infer_height(vec![
        col("action_id", ["A1", "A2"]),
        col("contract_id", ["K1", "K9"]),
        col("raised_in", ["2026Q2", "2026Q3"]),
        col("owner", ["vendor", "customer"]),
        col("action", ["Publish the runbook", "Send the list"]),
    ])
    .unwrap();
    ParquetWriter::new(std::fs::File::create(data.join("actions.parquet")).unwrap())
        .finish(&mut df)
        .unwrap();
    // maintenance in CP949
    let text = MAINTENANCE.replace("Quarterly visit", "\"정기 점검, 서울\"");
    let (bytes, _, bad) = encoding_rs::EUC_KR.encode(&text);
    assert!(!bad);
    std::fs::write(data.join("maintenance.csv"), &bytes).unwrap();

    ingest_ok(&data, &lake, &[]);
    let counts = reconciled_counts(&lake);
    assert_eq!(counts["waivers.ndjson"], (2, 1, 1));
    assert_eq!(counts["actions.parquet"], (2, 1, 1));
    assert_eq!(counts["maintenance.csv"], (3, 3, 0));
    let rs = rejects(&lake);
    assert_eq!(rs.len(), 2, "{rs:#?}");
    // Rejects come table by table in reading order (waivers before actions).
    // Parquet has no lines: `line` is the row number from 1, so the second row is line 2.
    assert_reject(
        &rs[1],
        "actions.parquet",
        2,
        "contract_id",
        "contract `K9` not found in contracts",
    );
    assert_reject(
        &rs[0],
        "waivers.ndjson",
        2,
        "approved_by",
        "missing value: `approved_by` is required",
    );
    let m = lake_frame(&lake, "maintenance");
    assert_eq!(strs(&m, "summary")[0].as_deref(), Some("정기 점검, 서울"));
    let manifest = manifest(&lake);
    let entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "maintenance.csv")
        .unwrap()
        .clone();
    assert_eq!(entry["encoding"], "cp949");
}

// ------------------------------------------------------------------ escalate

#[test]
fn an_escalate_event_is_accepted_and_moves_no_clock() {
    let t = tmp();
    let plain = t.path().join("plain");
    let escalated = t.path().join("escalated");
    valid_data(&plain);
    valid_data(&escalated);
    // Before the first reply to 00123 (created 17:00 on 07-03, replied 10:30 on 07-06), and
    // on T2 while its P1 first response is running: an escalation by the customer (no actor).
    append(
        &escalated,
        "ticket_events.csv",
        "00123,2026-07-06T10:00:00+09:00,escalate,E1,management\n\
         T2,2026-07-06T09:07:00Z,escalate,,through headquarters\n",
    );
    let (out_a, out_b) = (t.path().join("out_a"), t.path().join("out_b"));
    run_ok(&plain, &out_a, &[]);
    run_ok(&escalated, &out_b, &[]);
    let lake_b = out_b.join("lake");
    let counts = reconciled_counts(&lake_b);
    assert_eq!(counts["ticket_events.csv"], (12, 12, 0));
    let read = |out: &Path| std::fs::read_to_string(out.join("tables/ticket_sla.csv")).unwrap();
    let (a, b) = (read(&out_a), read(&out_b));
    assert!(a.lines().count() > 1, "ticket_sla has rows: {a}");
    assert_eq!(a, b, "an escalation changed ticket_sla");
    let ev = lake_frame(&lake_b, "ticket_events");
    let kinds = strs(&ev, "kind");
    assert_eq!(
        kinds
            .iter()
            .filter(|k| k.as_deref() == Some("escalate"))
            .count(),
        2
    );
}

#[test]
fn an_escalation_of_an_unknown_ticket_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    // EVENTS has a header and 10 rows: this is line 12.
    append(
        &data,
        "ticket_events.csv",
        "T9,2026-07-06T10:00:00+09:00,escalate,,executive\n",
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "ticket_events.csv",
        12,
        "ticket_id",
        "ticket `T9` not found in tickets",
    );
}

// ------------------------------------------------------------------ optional columns

#[test]
fn a_ticket_language_that_is_not_a_bcp47_tag_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    // Header, three valid tickets, then T5 on line 5.
    write_folder(
        &data,
        &[(
            "tickets.csv",
            &tickets_with(
                &[",,,,ko", ",,,,en", ",,,,zh"],
                "T5,C1,2026-08-01T10:00:00+09:00,P3,,open,,chat,,,,,,,,en_US\n",
            ),
        )],
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "tickets.csv",
        5,
        "language",
        "`language` value `en_US` is not a BCP 47 language tag (e.g. ko, en, zh, en-US)",
    );
}

#[test]
fn a_problem_id_with_a_hidden_character_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    write_folder(
        &data,
        &[(
            "tickets.csv",
            &tickets_with(
                &[",,,,", ",,,,", ",,,,"],
                "T5,C1,2026-08-01T10:00:00+09:00,P3,,open,,chat,,,,,,,PRB\u{200B}1,\n",
            ),
        )],
    );
    let r = only_reject(&data, &lake);
    assert_eq!(
        (r.file.as_str(), r.line, r.column.as_str()),
        ("tickets.csv", 5, "problem_id")
    );
    assert!(
        r.reason.contains("zero width space") || r.reason.contains("U+200B"),
        "{r:#?}"
    );
}

#[test]
fn a_contract_language_outside_ko_en_zh_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    // Header, K1, K2, then K7 on line 4.
    write_folder(
        &data,
        &[(
            "contracts.csv",
            &contracts_with(",,", ",,", &contract_row("K7", "fr,,")),
        )],
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "contracts.csv",
        4,
        "language",
        "unknown document language `fr`: expected ko, en or zh",
    );
}

#[test]
fn negative_inspections_per_quarter_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    write_folder(
        &data,
        &[(
            "contracts.csv",
            &contracts_with(",,", ",,", &contract_row("K7", ",-1,")),
        )],
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "contracts.csv",
        4,
        "inspections_per_quarter",
        "`inspections_per_quarter` value `-1` is not a whole number >= 0",
    );
}

#[test]
fn inspections_per_quarter_above_its_range_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    write_folder(
        &data,
        &[(
            "contracts.csv",
            &contracts_with(",10000,", ",,", &contract_row("K7", ",10001,")),
        )],
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "contracts.csv",
        4,
        "inspections_per_quarter",
        "`inspections_per_quarter` value `10001` is out of range: at most 10000 (visits a quarter)",
    );
}

#[test]
fn patch_days_above_ten_years_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    write_folder(
        &data,
        &[(
            "contracts.csv",
            &contracts_with(",,3650", ",,0", &contract_row("K7", ",,3651")),
        )],
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "contracts.csv",
        4,
        "patch_days",
        "`patch_days` value `3651` is out of range: at most 3650 (10 years in days)",
    );
}

// ------------------------------------------------------------------ maintenance

#[test]
fn maintenance_of_an_unknown_contract_is_a_reject() {
    let (_t, data, lake) = review_folder();
    // Header and three rows: line 5.
    append(&data, "maintenance.csv", "M4,K9,inspection,,,,\n");
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "maintenance.csv",
        5,
        "contract_id",
        "contract `K9` not found in contracts",
    );
}

#[test]
fn maintenance_of_a_rejected_contract_says_where_the_contract_was_rejected() {
    let (_t, data, lake) = review_folder();
    // contracts line 4: an unknown currency code.
    append(
        &data,
        "contracts.csv",
        "K3,C3,Initech,business,2026-01-01,2026-12-31,,WON1,1,,,,\n",
    );
    append(&data, "maintenance.csv", "M4,K3,inspection,,,,\n");
    ingest_ok(&data, &lake, &[]);
    reconciled_counts(&lake);
    let rs = rejects(&lake);
    assert_eq!(rs.len(), 2, "{rs:#?}");
    assert_eq!(
        (rs[0].file.as_str(), rs[0].line, rs[0].column.as_str()),
        ("contracts.csv", 4, "currency")
    );
    assert_reject(
        &rs[1],
        "maintenance.csv",
        5,
        "contract_id",
        "contract `K3` was rejected (contracts line 4), so this maintenance row cannot be kept",
    );
}

#[test]
fn maintenance_rows_sharing_an_id_are_all_rejected() {
    let (_t, data, lake) = review_folder();
    append(&data, "maintenance.csv", "M1,K2,upgrade,,,,\n");
    ingest_ok(&data, &lake, &[]);
    assert_eq!(reconciled_counts(&lake)["maintenance.csv"], (4, 2, 2));
    let rs = rejects(&lake);
    let reason =
        "duplicate maintenance_id `M1` (lines 2, 5): cannot tell which row is right; keep one";
    assert_reject(&rs[0], "maintenance.csv", 2, "maintenance_id", reason);
    assert_reject(&rs[1], "maintenance.csv", 5, "maintenance_id", reason);
}

#[test]
fn an_unknown_maintenance_kind_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "maintenance.csv", "M4,K1,repair,,,,\n");
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "maintenance.csv",
        5,
        "kind",
        "unknown maintenance kind `repair`: expected inspection, security_patch, upgrade or optimization",
    );
}

#[test]
fn a_patch_done_before_its_release_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(
        &data,
        "maintenance.csv",
        "M4,K1,security_patch,,2026-07-10T00:00:00Z,2026-07-09T23:59:59Z,\n",
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "maintenance.csv",
        5,
        "done_at",
        "`done_at` 2026-07-09T23:59:59Z is before `released_at` 2026-07-10T00:00:00Z: work cannot be done before its release; fix one of them",
    );
}

#[test]
fn a_maintenance_date_outside_the_plausible_window_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "maintenance.csv", "M4,K1,inspection,9999-12-31,,,\n");
    let r = only_reject(&data, &lake);
    assert_eq!(
        (r.file.as_str(), r.line, r.column.as_str()),
        ("maintenance.csv", 5, "planned_on")
    );
    assert!(
        r.reason
            .starts_with("`planned_on` value `9999-12-31` is outside the plausible window"),
        "{r:#?}"
    );
}

#[test]
fn a_maintenance_id_with_a_hidden_character_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "maintenance.csv", "M\u{202E}4,K1,inspection,,,,\n");
    let r = only_reject(&data, &lake);
    assert_eq!(
        (r.file.as_str(), r.line, r.column.as_str()),
        ("maintenance.csv", 5, "maintenance_id")
    );
}

// ------------------------------------------------------------------ waivers

#[test]
fn a_waiver_without_approved_by_is_a_reject() {
    let (_t, data, lake) = review_folder();
    // Header and two rows: line 4.
    append(
        &data,
        "waivers.csv",
        "T3,update,customer_caused,,asked by phone\n",
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "waivers.csv",
        4,
        "approved_by",
        "missing value: `approved_by` is required",
    );
}

#[test]
fn a_waiver_of_an_unknown_ticket_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "waivers.csv", "T9,update,third_party,Lee,\n");
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "waivers.csv",
        4,
        "ticket_id",
        "ticket `T9` not found in tickets",
    );
}

#[test]
fn a_waiver_of_a_rejected_ticket_says_where_the_ticket_was_rejected() {
    let (_t, data, lake) = review_folder();
    // tickets line 5: priority P9.
    append(
        &data,
        "tickets.csv",
        "T5,C1,2026-08-01T10:00:00+09:00,P9,,open,,chat,,,\n",
    );
    append(&data, "waivers.csv", "T5,update,third_party,Lee,\n");
    ingest_ok(&data, &lake, &[]);
    reconciled_counts(&lake);
    let rs = rejects(&lake);
    assert_eq!(rs.len(), 2, "{rs:#?}");
    assert_eq!(
        (rs[0].file.as_str(), rs[0].line, rs[0].column.as_str()),
        ("tickets.csv", 5, "priority")
    );
    assert_reject(
        &rs[1],
        "waivers.csv",
        4,
        "ticket_id",
        "ticket `T5` was rejected (tickets line 5), so this row cannot be kept",
    );
}

#[test]
fn two_waivers_of_one_ticket_and_metric_are_both_rejected() {
    let (_t, data, lake) = review_folder();
    append(&data, "waivers.csv", "00123,resolution,third_party,Kim,\n");
    ingest_ok(&data, &lake, &[]);
    assert_eq!(reconciled_counts(&lake)["waivers.csv"], (3, 1, 2));
    let rs = rejects(&lake);
    assert_reject(
        &rs[0],
        "waivers.csv",
        2,
        "metric",
        "ticket `00123` is waived for `resolution` more than once (line 4): cannot tell which reason and approval is right; keep one",
    );
    assert_reject(
        &rs[1],
        "waivers.csv",
        4,
        "metric",
        "ticket `00123` is waived for `resolution` more than once (line 2): cannot tell which reason and approval is right; keep one",
    );
}

#[test]
fn a_waiver_for_all_metrics_conflicts_with_any_other_waiver_of_the_ticket() {
    let (_t, data, lake) = review_folder();
    append(&data, "waivers.csv", "T2,first_response,third_party,Kim,\n");
    ingest_ok(&data, &lake, &[]);
    assert_eq!(reconciled_counts(&lake)["waivers.csv"], (3, 1, 2));
    let rs = rejects(&lake);
    assert_reject(
        &rs[0],
        "waivers.csv",
        3,
        "metric",
        "ticket `T2` has a waiver for `all` metrics and another waiver (line 4): cannot tell which reason and approval is right; keep one",
    );
    assert_eq!((rs[1].line, rs[1].column.as_str()), (4, "metric"));
}

#[test]
fn waivers_of_one_ticket_for_different_metrics_are_kept() {
    let (_t, data, lake) = review_folder();
    append(
        &data,
        "waivers.csv",
        "00123,first_response,third_party,Kim,\n",
    );
    ingest_ok(&data, &lake, &[]);
    assert_eq!(reconciled_counts(&lake)["waivers.csv"], (3, 3, 0));
}

#[test]
fn an_unknown_waiver_metric_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "waivers.csv", "T3,csat,customer_caused,Lee,\n");
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "waivers.csv",
        4,
        "metric",
        "unknown waiver metric `csat`: expected first_response, update, resolution, system_down or all",
    );
}

// ------------------------------------------------------------------ actions

#[test]
fn raised_in_that_is_not_a_quarter_is_a_reject() {
    for (bad, line) in [("2026-Q2", 4), ("2026Q5", 4)] {
        let (_t, data, lake) = review_folder();
        append(
            &data,
            "actions.csv",
            &format!("A3,K1,{bad},vendor,Call back,,\n"),
        );
        let r = only_reject(&data, &lake);
        assert_reject(
            &r,
            "actions.csv",
            line,
            "raised_in",
            &format!("`raised_in` value `{bad}` is not a quarter written YYYYQn (e.g. 2026Q2)"),
        );
    }
}

#[test]
fn a_quarter_outside_the_plausible_window_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "actions.csv", "A3,K1,1989Q4,vendor,Call back,,\n");
    let r = only_reject(&data, &lake);
    assert_eq!((r.line, r.column.as_str()), (4, "raised_in"));
    assert!(r.reason.contains("outside the plausible window"), "{r:#?}");
}

#[test]
fn an_owner_that_is_neither_vendor_nor_customer_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "actions.csv", "A3,K1,2026Q3,vendors,Call back,,\n");
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "actions.csv",
        4,
        "owner",
        "`owner` value `vendors` is not `vendor` or `customer`, optionally followed by a name (e.g. `vendor: Kim`)",
    );
}

#[test]
fn an_action_with_an_unparseable_date_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(
        &data,
        "actions.csv",
        "A3,K1,2026Q3,customer IT,Call back,2026-02-30,\n",
    );
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "actions.csv",
        4,
        "due_on",
        "`due_on` value `2026-02-30` is not a date (YYYY-MM-DD)",
    );
}

#[test]
fn actions_sharing_an_id_are_all_rejected() {
    let (_t, data, lake) = review_folder();
    append(&data, "actions.csv", "A2,K1,2026Q3,vendor,Call back,,\n");
    ingest_ok(&data, &lake, &[]);
    assert_eq!(reconciled_counts(&lake)["actions.csv"], (3, 1, 2));
    let rs = rejects(&lake);
    let reason = "duplicate action_id `A2` (lines 3, 4): cannot tell which row is right; keep one";
    assert_reject(&rs[0], "actions.csv", 3, "action_id", reason);
    assert_reject(&rs[1], "actions.csv", 4, "action_id", reason);
}

#[test]
fn an_action_of_an_unknown_contract_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "actions.csv", "A3,K9,2026Q3,vendor,Call back,,\n");
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "actions.csv",
        4,
        "contract_id",
        "contract `K9` not found in contracts",
    );
}

#[test]
fn an_action_without_its_text_is_a_reject() {
    let (_t, data, lake) = review_folder();
    append(&data, "actions.csv", "A3,K1,2026Q3,vendor,,,\n");
    let r = only_reject(&data, &lake);
    assert_reject(
        &r,
        "actions.csv",
        4,
        "action",
        "missing value: `action` is required",
    );
}

/// The review files are used, not only validated: an action agreed at the 2026Q2 review shows
/// in its contract's 2026Q3 review, with its status, and `run` no longer says "not used yet".
#[test]
fn review_files_reach_the_documents() {
    let t = tmp();
    let (data, _) = paths(&t);
    valid_data(&data);
    let out = t.path().join("out");
    std::fs::write(
        data.join("waivers.csv"),
        "ticket_id,metric,reason,approved_by,note\n00123,resolution,customer_caused,Kim,\n",
    )
    .unwrap();
    std::fs::write(
        data.join("actions.csv"),
        "action_id,contract_id,raised_in,owner,action,due_on,done_on\nA1,K1,2026Q2,vendor,Add a replica,,\n",
    )
    .unwrap();
    let o = run_ok(&data, &out, &["--period", "2026Q3"]);
    assert!(!stderr(&o).contains("not used yet"), "{}", stderr(&o));
    let review = std::fs::read_to_string(out.join("reports/2026Q3/customers/K1.html")).unwrap();
    // Raised at the previous review (2026Q2), no due date, not done: open.
    assert!(review.contains("Add a replica"), "the action is listed");
    let actions = table(&out, "actions_review");
    assert_eq!(actions.len(), 1);
    assert_eq!(
        (actions[0]["status"].as_str(), actions[0]["review"].as_str()),
        ("open", "previous")
    );
}

// ------------------------------------------------------------------ the generator

/// The generator's data tells review.md's story: escalations, categories, a recurring problem,
/// maintenance, waivers and actions; and ingest accepts all of it (no escalate event rejected).
#[test]
fn generated_data_has_the_review_inputs_and_is_accepted_whole() {
    let t = tmp();
    let (data, lake) = paths(&t);
    slareview::generate::generate(
        &slareview::generate::Params {
            tickets: 300,
            seed: 42,
            defect_rate: 0.0,
        },
        &data,
    )
    .unwrap();
    let tickets = read_csv(&data.join("tickets.csv"));
    let events = read_csv(&data.join("ticket_events.csv"));
    let escalations = events.iter().filter(|e| e["kind"] == "escalate").count();
    assert!(escalations > 0, "no escalate event");
    assert!(tickets.iter().any(|t| !t["category"].is_empty()));
    assert!(
        tickets.iter().any(|t| t["category"].is_empty()),
        "no product fallback"
    );
    let mut problems = std::collections::BTreeMap::<&str, usize>::new();
    for t in &tickets {
        if !t["problem_id"].is_empty() {
            *problems.entry(t["problem_id"].as_str()).or_default() += 1;
        }
    }
    assert!(
        problems.values().any(|n| *n >= 2),
        "no recurrence: {problems:?}"
    );
    // Ticket language follows the customer's: ko for Korean, zh for Chinese customers.
    for t in &tickets {
        let want = match t["customer_id"].as_str() {
            "C001" | "C002" | "C003" => "ko",
            "C007" | "C008" => "zh",
            _ => "en",
        };
        assert_eq!(t["language"], want, "{t:?}");
    }

    // Maintenance, by hand from the generator's terms: inspections 2 a quarter for K-C001-2025
    // over 2025Q4..2026Q4 (10), 1 for K-C002-2026 (2026Q3, Q4: 2), K-C004-2025 (2025Q4..2026Q3:
    // 4), K-C004-2026 (2026Q4: 1) and K-C007-2025 (5): 22. Patches: the 7 releases inside each
    // contract: K-C001-2025 7, K-C002-2026 3 (from July), K-C004-2025 7, K-C007-2025 7: 24.
    // One upgrade, one optimization.
    let m = read_csv(&data.join("maintenance.csv"));
    let kinds = |k: &str| m.iter().filter(|r| r["kind"] == k).count();
    assert_eq!(
        (
            kinds("inspection"),
            kinds("security_patch"),
            kinds("upgrade"),
            kinds("optimization")
        ),
        (22, 24, 1, 1)
    );
    // Exactly one patch released in 2026Q3 was applied after its contract's patch_days.
    let contracts = read_csv(&data.join("contracts.csv"));
    let ts = |s: &str| slareview::model::parse_timestamp(s, None).unwrap();
    let q3 = (
        ts("2026-07-01T00:00:00+09:00"),
        ts("2026-10-01T00:00:00+09:00"),
    );
    let late: Vec<&str> = m
        .iter()
        .filter(|r| r["kind"] == "security_patch")
        .filter(|r| {
            let rel = ts(&r["released_at"]);
            let days: i64 = row(&contracts, &[("contract_id", r["contract_id"].as_str())])
                ["patch_days"]
                .parse()
                .unwrap();
            (q3.0..q3.1).contains(&rel) && ts(&r["done_at"]) - rel > days * 86_400
        })
        .map(|r| r["contract_id"].as_str())
        .collect();
    assert_eq!(late, ["K-C004-2025"]);

    // Actions as of the export (2026-10-05): done Q2-01, 03, 06, 08; overdue Q1-01 (due 06-30),
    // Q2-02 (08-14), Q2-05 (09-15); open Q1-02, Q2-04, Q2-07, Q2-09.
    let a = read_csv(&data.join("actions.csv"));
    let status = |r: &Row| match (r["done_on"].as_str(), r["due_on"].as_str()) {
        ("", due) if !due.is_empty() && due < "2026-10-05" => "overdue",
        ("", _) => "open",
        _ => "done",
    };
    let count = |s: &str| a.iter().filter(|r| status(r) == s).count();
    assert_eq!((count("done"), count("open"), count("overdue")), (4, 4, 3));
    assert_eq!(a.iter().filter(|r| r["raised_in"] == "2026Q1").count(), 2);
    let w = read_csv(&data.join("waivers.csv"));
    assert!(!w.is_empty());
    assert!(w.iter().all(|r| !r["approved_by"].is_empty()));

    ingest_ok(&data, &lake, &[]);
    let counts = reconciled_counts(&lake);
    assert!(rejects(&lake).is_empty(), "{:#?}", rejects(&lake));
    assert_eq!(counts["maintenance.csv"], (48, 48, 0));
    assert_eq!(counts["actions.csv"], (11, 11, 0));
    assert_eq!(counts["waivers.csv"].2, 0);
    let kinds = strs(&lake_frame(&lake, "ticket_events"), "kind");
    assert_eq!(
        kinds
            .iter()
            .filter(|k| k.as_deref() == Some("escalate"))
            .count(),
        escalations
    );
}
