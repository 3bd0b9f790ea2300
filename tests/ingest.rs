//! Ingest on malformed inputs: each case breaks the valid folder in one way and checks the
//! reject's reason text (or the error and exit code) and that every count reconciles.

mod common;
use common::*;

/// Replaces `from` with `to` in one file of the folder (the text must be there).
fn edit(data: &std::path::Path, file: &str, from: &str, to: &str) {
    let p = data.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "`{from}` not in {file}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn append(data: &std::path::Path, file: &str, line: &str) {
    let p = data.join(file);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(line);
    std::fs::write(&p, text).unwrap();
}

/// Ingests, checks reconciliation, and returns the rejects.
fn rejects_after(data: &std::path::Path, lake: &std::path::Path, extra: &[&str]) -> Vec<RejectRow> {
    ingest_ok(data, lake, extra);
    reconciled_counts(lake);
    rejects(lake)
}

fn only_reject<'a>(rs: &'a [RejectRow], file: &str) -> &'a RejectRow {
    let of_file: Vec<&RejectRow> = rs.iter().filter(|r| r.file == file).collect();
    assert_eq!(
        of_file.len(),
        1,
        "expected one reject in {file}, got {rs:#?}"
    );
    of_file[0]
}

#[test]
fn valid_folder_is_accepted_whole() {
    let (_t, data, lake) = valid_folder();
    let rs = rejects_after(&data, &lake, &[]);
    assert!(rs.is_empty(), "{rs:#?}");
    let counts = reconciled_counts(&lake);
    assert_eq!(counts["tickets.csv"], (3, 3, 0));
    assert_eq!(counts["ticket_events.csv"], (10, 10, 0));
    assert_eq!(counts["contracts.csv"], (2, 2, 0));
    assert_eq!(counts["sla_targets.csv"], (6, 6, 0));
    let m = manifest(&lake);
    // Edge rule 1: the latest of created_at, updated_at and events: 00123's updated_at.
    assert_eq!(m["as_of"], "2026-08-01T02:00:00Z");
    assert_eq!(m["schema_version"], 2);
    for f in m["files"].as_array().unwrap() {
        assert_eq!(f["sha256"].as_str().unwrap().len(), 64);
    }
    // validate agrees and exits 0
    let o = slareview(&["validate", "--data", data.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn truncated_line_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    append(&data, "tickets.csv", "T4,C1,2026-08-");
    let rs = rejects_after(&data, &lake, &[]);
    let r = only_reject(&rs, "tickets.csv");
    assert_eq!(r.line, 5);
    assert_eq!(
        r.reason,
        "row has 3 fields but the header has 11 (truncated line?)"
    );
}

#[test]
fn wrong_type_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    edit(&data, "contracts.csv", "USD,400000", "USD,four hundred k");
    let rs = rejects_after(&data, &lake, &[]);
    let r = rs.iter().find(|r| r.file == "contracts.csv").unwrap();
    assert_eq!(r.line, 3);
    assert_eq!(r.column, "annual_fee");
    assert_eq!(
        r.reason,
        "`annual_fee` value `four hundred k` is not a decimal number >= 0"
    );
    // K2 gone: its override target and C2's ticket and events cascade, each saying why.
    let t2 = rs.iter().find(|r| r.file == "tickets.csv").unwrap();
    assert_eq!(
        t2.reason,
        "customer `C2` has no accepted contract (its contract on contracts line 3 was rejected)"
    );
    let ov = rs.iter().find(|r| r.file == "sla_targets.csv").unwrap();
    assert_eq!(
        ov.reason,
        "contract `K2` was rejected (contracts line 3), so its target cannot apply"
    );
    let ev = rs.iter().find(|r| r.file == "ticket_events.csv").unwrap();
    assert_eq!(
        ev.reason,
        "ticket `T2` was rejected (tickets line 3), so this row cannot be kept"
    );
    assert_eq!(
        rs.iter().filter(|r| r.file == "ticket_events.csv").count(),
        3
    );
}

#[test]
fn timestamp_without_offset_is_a_reject_unless_a_zone_is_assumed() {
    let (t, data, lake) = valid_folder();
    edit(
        &data,
        "tickets.csv",
        "2026-08-01T10:00:00+09:00",
        "2026-08-01T10:00:00",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let r = rs.iter().find(|r| r.file == "tickets.csv").unwrap();
    assert_eq!(r.column, "created_at");
    assert_eq!(
        r.reason,
        "`created_at` value `2026-08-01T10:00:00` has no time zone offset; add one (e.g. +09:00 or Z) or pass --assume-tz ZONE"
    );
    // T3's only event cascades.
    assert_eq!(rs.len(), 2);

    let lake2 = t.path().join("lake2");
    let rs = rejects_after(&data, &lake2, &["--assume-tz", "Asia/Seoul"]);
    assert!(rs.is_empty(), "{rs:#?}");
}

#[test]
fn unknown_priority_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    edit(&data, "tickets.csv", ",3,,pending", ",P9,,pending");
    let rs = rejects_after(&data, &lake, &[]);
    let r = rs.iter().find(|r| r.file == "tickets.csv").unwrap();
    assert_eq!(r.value, "P9");
    assert_eq!(
        r.reason,
        "unknown priority `P9`: expected P1..P4, 1..4, urgent/high/normal/low or critical"
    );
}

#[test]
fn duplicate_ticket_ids_are_both_rejected_unless_updated_at_decides() {
    let (_t, data, lake) = valid_folder();
    append(
        &data,
        "tickets.csv",
        "T3,C1,2026-08-01T10:00:00+09:00,P3,,open,,chat,,,\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let dup: Vec<&RejectRow> = rs.iter().filter(|r| r.file == "tickets.csv").collect();
    assert_eq!(dup.len(), 2, "{rs:#?}");
    assert_eq!(dup[0].line, 4);
    assert_eq!(dup[1].line, 5);
    assert_eq!(
        dup[0].reason,
        "duplicate ticket_id `T3` (lines 4, 5) and updated_at does not tell which is newer; keep one"
    );

    // With updated_at on both rows, the newer one wins and only the older is rejected.
    let (_t, data, lake) = valid_folder();
    edit(
        &data,
        "tickets.csv",
        "T3,C1,2026-08-01T10:00:00+09:00,3,,pending,,chat,,,",
        "T3,C1,2026-08-01T10:00:00+09:00,3,,pending,,chat,,,2026-08-01T11:00:00+09:00",
    );
    append(
        &data,
        "tickets.csv",
        "T3,C1,2026-08-01T10:00:00+09:00,P3,,solved,,chat,,,2026-08-02T09:00:00+09:00\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let r = only_reject(&rs, "tickets.csv");
    assert_eq!(r.line, 4);
    assert_eq!(
        r.reason,
        "duplicate ticket_id `T3`: superseded by line 5, whose updated_at is newer"
    );
    assert!(
        rs.iter().all(|r| r.file != "ticket_events.csv"),
        "T3 still exists: {rs:#?}"
    );
}

#[test]
fn orphan_event_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    append(
        &data,
        "ticket_events.csv",
        "T404,2026-08-01T11:00:00+09:00,agent_reply,E1,\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let r = only_reject(&rs, "ticket_events.csv");
    assert_eq!(r.line, 12);
    assert_eq!(r.reason, "ticket `T404` not found in tickets");
}

#[test]
fn event_before_its_ticket_is_a_reject() {
    let (_t, data, lake) = valid_folder();
    edit(
        &data,
        "ticket_events.csv",
        "T3,2026-08-01T11:00:00+09:00",
        "T3,2026-07-31T11:00:00+09:00",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let r = only_reject(&rs, "ticket_events.csv");
    assert_eq!(
        r.reason,
        "event at 2026-07-31T02:00:00Z is before its ticket `T3` was created (2026-08-01T01:00:00Z); check the export's time zones"
    );
}

#[test]
fn overlapping_contracts_are_rejected_and_say_with_which() {
    let (_t, data, lake) = valid_folder();
    append(
        &data,
        "contracts.csv",
        "K3,C1,Acme Korea,business,2026-06-01,2027-05-31,seoul_office,KRW,130000000,100,5,20,\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let c: Vec<&RejectRow> = rs.iter().filter(|r| r.file == "contracts.csv").collect();
    assert_eq!(c.len(), 2, "{rs:#?}");
    assert!(
        c[0].reason
            .starts_with("contracts of customer `C1` overlap: `K1` (line 2) and `K3` (line 4)"),
        "{}",
        c[0].reason
    );
    assert!(
        c[1].reason
            .starts_with("contracts of customer `C1` overlap: `K3` (line 4) and `K1` (line 2)"),
        "{}",
        c[1].reason
    );
    // C1 has no contract left: its tickets go to rejects with the cause, never silently.
    let tickets: Vec<&RejectRow> = rs.iter().filter(|r| r.file == "tickets.csv").collect();
    assert_eq!(tickets.len(), 2);
    assert!(tickets
        .iter()
        .all(|r| r.reason.contains("has no accepted contract")));
}

#[test]
fn plan_without_targets_rejects_the_contract() {
    let (_t, data, lake) = valid_folder();
    append(
        &data,
        "contracts.csv",
        "K9,C9,Initech,platinum,2026-01-01,2026-12-31,,USD,1000,,,,\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let r = only_reject(&rs, "contracts.csv");
    assert_eq!(r.column, "plan");
    assert_eq!(r.reason, "plan `platinum` has no targets in sla_targets and contract `K9` has none of its own; add the plan's targets");
}

#[test]
fn utf8_bom_is_accepted() {
    let (_t, data, lake) = valid_folder();
    let text = std::fs::read(data.join("tickets.csv")).unwrap();
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend(text);
    std::fs::write(data.join("tickets.csv"), with_bom).unwrap();
    let rs = rejects_after(&data, &lake, &[]);
    assert!(rs.is_empty(), "the BOM must not spoil `ticket_id`: {rs:#?}");
    assert_eq!(reconciled_counts(&lake)["tickets.csv"], (3, 3, 0));
    // The manifest hashes the file as it is on disk, BOM included (mapped files are hashed in
    // place, decoded ones read again: both must give the file's own SHA-256).
    assert_files_hashed(&data, &lake);
}

fn assert_files_hashed(data: &std::path::Path, lake: &std::path::Path) {
    use sha2::{Digest, Sha256};
    for f in manifest(lake)["files"].as_array().unwrap() {
        let name = f["file"].as_str().unwrap();
        let want: String = Sha256::digest(std::fs::read(data.join(name)).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], want.as_str(), "{name}");
    }
}

fn korean_tickets_cp949(data: &std::path::Path) {
    let text = TICKETS.replace("Instance down", "\"인스턴스 장애, 긴급\"");
    let (bytes, _, bad) = encoding_rs::EUC_KR.encode(&text);
    assert!(!bad);
    std::fs::write(data.join("tickets.csv"), &bytes).unwrap();
}

fn lake_subjects(lake: &std::path::Path) -> Vec<Option<String>> {
    use polars::prelude::*;
    let f = std::fs::File::open(lake.join("tickets.parquet")).unwrap();
    let df = ParquetReader::new(f).finish().unwrap();
    df.column("subject")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

#[test]
fn cp949_is_detected_and_korean_text_arrives_intact() {
    let (t, data, lake) = valid_folder();
    korean_tickets_cp949(&data);
    let rs = rejects_after(&data, &lake, &[]);
    assert!(rs.is_empty(), "{rs:#?}");
    assert_eq!(
        lake_subjects(&lake)[0].as_deref(),
        Some("인스턴스 장애, 긴급")
    );
    let m = manifest(&lake);
    let f = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "tickets.csv")
        .unwrap();
    assert_eq!(f["encoding"], "cp949");
    assert_files_hashed(&data, &lake);

    // Named explicitly, the same.
    let lake2 = t.path().join("lake2");
    let rs = rejects_after(&data, &lake2, &["--encoding", "cp949"]);
    assert!(rs.is_empty());
    assert_eq!(
        lake_subjects(&lake2)[0].as_deref(),
        Some("인스턴스 장애, 긴급")
    );
}

#[test]
fn bytes_that_are_neither_utf8_nor_cp949_reject_only_their_row() {
    let (_t, data, lake) = valid_folder();
    let mut bytes = TICKETS.as_bytes().to_vec();
    bytes.extend_from_slice(
        b"T9,C1,2026-08-01T10:00:00+09:00,P3,,open,,chat,,bad \xff\xfe bytes,\n",
    );
    std::fs::write(data.join("tickets.csv"), bytes).unwrap();
    let rs = rejects_after(&data, &lake, &[]);
    let r = only_reject(&rs, "tickets.csv");
    assert_eq!(r.line, 5);
    assert_eq!(r.reason, "column `subject` is not valid UTF-8; hint: if the file came from Korean Excel, pass --encoding cp949");
}

#[test]
fn missing_column_is_an_error_naming_file_column_and_hint() {
    let (_t, data, lake) = valid_folder();
    let text = TICKETS.replace("created_at", "opened");
    std::fs::write(data.join("tickets.csv"), text).unwrap();
    let err = ingest_fails(&data, &lake);
    assert!(
        err.contains("error: `tickets.csv`: missing required column `created_at`"),
        "{err}"
    );
    assert!(err.contains("hint: add a `created_at` column"), "{err}");
    assert!(
        !lake.exists(),
        "no lake is written when the input cannot be read"
    );
}

#[test]
fn empty_file_is_an_error_with_a_hint() {
    let (_t, data, lake) = valid_folder();
    std::fs::write(data.join("ticket_events.csv"), "").unwrap();
    let err = ingest_fails(&data, &lake);
    assert!(
        err.contains(
            "error: `ticket_events.csv` is empty: expected a header line naming the columns"
        ),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");
}

#[test]
fn missing_required_file_is_an_error() {
    let (_t, data, lake) = valid_folder();
    std::fs::remove_file(data.join("sla_targets.csv")).unwrap();
    let err = ingest_fails(&data, &lake);
    assert!(
        err.contains("`sla_targets` is required but none of sla_targets.csv"),
        "{err}"
    );
    assert!(err.contains("hint: export `sla_targets`"), "{err}");
}

#[test]
fn bad_values_within_rows_are_rejects() {
    let (_t, data, lake) = valid_folder();
    // unknown event kind, status event with an unknown status, survey rating out of range,
    // required cell empty, unknown calendar, duplicate plan target
    append(
        &data,
        "ticket_events.csv",
        "T3,2026-08-01T12:00:00+09:00,callback,E1,\n",
    );
    append(
        &data,
        "ticket_events.csv",
        "T3,2026-08-01T12:00:00+09:00,status,E1,waiting\n",
    );
    append(&data, "surveys.csv", "S2,T3,2026-08-02T09:00:00+09:00,7,\n");
    append(
        &data,
        "tickets.csv",
        "T5,,2026-08-01T10:00:00+09:00,P3,,open,,chat,,,\n",
    );
    append(&data, "engineers.csv", "E3,Anna,EMEA,,,berlin_office\n");
    append(
        &data,
        "sla_targets.csv",
        "business,,P1,first_response,30,calendar,95\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    let reason = |file: &str, line: u64| {
        rs.iter()
            .find(|r| r.file == file && r.line == line)
            .unwrap_or_else(|| panic!("{file}:{line} in {rs:#?}"))
            .reason
            .clone()
    };
    assert_eq!(reason("ticket_events.csv", 12), "unknown event kind `callback`: expected agent_reply, customer_reply, internal_note, status, assign, priority or escalate");
    assert_eq!(
        reason("ticket_events.csv", 13),
        "unknown status `waiting`: expected new, open, pending, on_hold, solved or closed"
    );
    assert_eq!(
        reason("surveys.csv", 3),
        "rating `7` is not 1..5 or a label such as `very satisfied`"
    );
    assert_eq!(
        reason("tickets.csv", 5),
        "missing value: `customer_id` is required"
    );
    assert_eq!(
        reason("engineers.csv", 4),
        "unknown calendar `berlin_office`: define it in calendars.toml or use `24x7`"
    );
    assert_eq!(
        reason("sla_targets.csv", 2),
        "plan `business` has more than one P1 `first_response` target (lines 2, 8); keep one"
    );
    assert_eq!(
        reason("sla_targets.csv", 8),
        "plan `business` has more than one P1 `first_response` target (lines 2, 8); keep one"
    );
    assert_eq!(rs.len(), 7);
    // validate exits 1 and lists them
    let o = slareview(&["validate", "--data", data.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("surveys.csv:3: `rating`: rating `7` is not 1..5"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn ndjson_and_parquet_exports_pass_the_same_rules() {
    let (t, data, lake) = valid_folder();
    // tickets as NDJSON (with one bad priority), then surveys as Parquet
    std::fs::remove_file(data.join("tickets.csv")).unwrap();
    let nd = r#"{"ticket_id":"00123","customer_id":"C1","created_at":"2026-07-03T17:00:00+09:00","priority":"P2","status":"solved","updated_at":"2026-07-09T10:00:00+09:00"}
{"ticket_id":"T2","customer_id":"C2","created_at":"2026-07-06T09:00:00Z","priority":1,"severity":"system_down","status":"open"}
{"ticket_id":"T3","customer_id":"C1","created_at":"2026-08-01T10:00:00+09:00","priority":"P7","status":"pending"}
"#;
    std::fs::write(data.join("tickets.ndjson"), nd).unwrap();
    let rs = rejects_after(&data, &lake, &[]);
    let r = rs.iter().find(|r| r.file == "tickets.ndjson").unwrap();
    assert_eq!(r.line, 3);
    assert_eq!(
        r.reason,
        "unknown priority `P7`: expected P1..P4, 1..4, urgent/high/normal/low or critical"
    );

    // The lake's own Parquet is an accepted input format too.
    let data2 = t.path().join("data2");
    valid_data(&data2);
    std::fs::remove_file(data2.join("tickets.csv")).unwrap();
    std::fs::copy(lake.join("tickets.parquet"), data2.join("tickets.parquet")).unwrap();
    let lake2 = t.path().join("lake2");
    let rs = rejects_after(&data2, &lake2, &[]);
    // T3 was rejected above, so its event is an orphan here; nothing else is wrong.
    assert_eq!(rs.len(), 1, "{rs:#?}");
    assert_eq!(rs[0].reason, "ticket `T3` not found in tickets");
    assert_eq!(reconciled_counts(&lake2)["tickets.parquet"], (2, 2, 0));
}

#[test]
fn bad_calendar_file_is_an_error_with_a_hint() {
    let (_t, data, lake) = valid_folder();
    edit(
        &data,
        "calendars.toml",
        "mon = [\"09:00-18:00\"]",
        "mon = [\"18:00-09:00\"]",
    );
    let err = ingest_fails(&data, &lake);
    assert!(
        err.contains(
            "error: `calendars.toml`: calendar `seoul_office`: window `18:00-09:00` on `mon`"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: a window may not cross midnight"),
        "{err}"
    );
}

#[test]
fn crlf_exports_report_the_right_line_regression() {
    // The csv crate numbers records of CRLF files one line too low; rejects must not.
    let (_t, data, lake) = valid_folder();
    let text = TICKETS
        .replace(",3,,pending", ",P9,,pending")
        .replace('\n', "\r\n");
    std::fs::write(data.join("tickets.csv"), text).unwrap();
    let rs = rejects_after(&data, &lake, &[]);
    let r = rs.iter().find(|r| r.file == "tickets.csv").unwrap();
    assert_eq!((r.line, r.value.as_str()), (4, "P9"));
    // and on the events of the same ticket, which cascade
    let e = rs.iter().find(|r| r.file == "ticket_events.csv").unwrap();
    assert_eq!(e.line, 11);
}
