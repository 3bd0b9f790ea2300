//! Ingest on hostile values (issue 15): instants and dates outside the plausibility window,
//! numbers out of range, hidden characters in identifiers, and every line-ending convention.
//! Each is a reject naming its file, line and column, so that `validate` and `run` agree and
//! one bad row cannot move as_of unseen.

mod common;
use common::*;

use std::path::Path;

/// Replaces `from` with `to` in one file of the folder (the text must be there).
fn edit(data: &Path, file: &str, from: &str, to: &str) {
    let p = data.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "`{from}` not in {file}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn append(data: &Path, file: &str, line: &str) {
    let p = data.join(file);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(line);
    std::fs::write(&p, text).unwrap();
}

/// Ingests, checks that every count reconciles, and returns the rejects.
fn rejects_after(data: &Path, lake: &Path, extra: &[&str]) -> Vec<RejectRow> {
    ingest_ok(data, lake, extra);
    reconciled_counts(lake);
    rejects(lake)
}

/// The one reject of `file` on `line`.
fn reject_at<'a>(rs: &'a [RejectRow], file: &str, line: u64) -> &'a RejectRow {
    let found: Vec<&RejectRow> = rs
        .iter()
        .filter(|r| r.file == file && r.line == line)
        .collect();
    assert_eq!(found.len(), 1, "rejects of {file} line {line}: {rs:#?}");
    found[0]
}

const WINDOW: &str = "outside the plausible window 1990-01-01 (included) to 2100-01-01 (excluded); fix the value in the export, or if it is real, widen the window with `[data] plausible_from` / `plausible_until` in goals.toml";

// ------------------------------------------------------------------ plausibility window

#[test]
fn an_event_dated_9999_is_a_reject_and_does_not_move_as_of() {
    let (t, data, lake) = valid_folder();
    // The placeholder many exports carry, on line 12 after the ten valid events.
    append(
        &data,
        "ticket_events.csv",
        "T3,9999-12-31T00:00:00Z,agent_reply,E1,\n",
    );
    let o = ingest_ok(&data, &lake, &[]);
    let counts = reconciled_counts(&lake);
    assert_eq!(counts["ticket_events.csv"], (11, 10, 1));
    let rs = rejects(&lake);
    let r = reject_at(&rs, "ticket_events.csv", 12);
    assert_eq!(r.column, "at");
    assert_eq!(r.value, "9999-12-31T00:00:00Z");
    assert_eq!(
        r.reason,
        format!("`at` value `9999-12-31T00:00:00Z` is {WINDOW}")
    );
    assert_eq!(rs.len(), 1, "{rs:#?}");

    // as_of is still the latest plausible instant: T3's status event, 2026-08-01T11:00+09:00
    // on line 11 of the events, and the manifest and the output say so.
    let m = manifest(&lake);
    assert_eq!(m["as_of"], "2026-08-01T02:00:00Z");
    assert_eq!(
        m["as_of_origin"],
        serde_json::json!({"file": "ticket_events.csv", "line": 11, "column": "at"})
    );
    assert_eq!(
        m["as_of_source"],
        "ticket_events.csv line 11 (`at`), the latest of tickets.created_at, tickets.updated_at and ticket_events.at"
    );
    assert!(
        stderr(&o).contains("as of 2026-08-01T02:00:00Z (ticket_events.csv line 11)\n"),
        "{}",
        stderr(&o)
    );

    // validate names it and exits 1; run finishes (it once materialised every day to 9999).
    let v = slareview(&["validate", "--data", data.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    assert!(
        stdout(&v)
            .contains("ticket_events.csv:12: `at`: `at` value `9999-12-31T00:00:00Z` is outside"),
        "{}",
        stdout(&v)
    );
    let out = t.path().join("out");
    let started = std::time::Instant::now();
    run_ok(&data, &out, &["--period", "2026Q3"]);
    assert!(
        started.elapsed().as_secs() < 60,
        "run took {:?}",
        started.elapsed()
    );
}

#[test]
fn as_of_given_on_the_command_line_is_reported_as_such() {
    let (_t, data, lake) = valid_folder();
    let o = ingest_ok(&data, &lake, &["--as-of", "2026-09-01T00:00:00Z"]);
    let m = manifest(&lake);
    assert_eq!(m["as_of"], "2026-09-01T00:00:00Z");
    assert_eq!(m["as_of_source"], "--as-of");
    assert!(m["as_of_origin"].is_null(), "{m}");
    assert!(
        stderr(&o).contains("as of 2026-09-01T00:00:00Z (--as-of)\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn as_of_names_the_first_row_holding_the_latest_instant() {
    let (_t, data, lake) = valid_folder();
    // 00123's updated_at (tickets line 2) moved to 2026-08-02T00:00:00Z: later than any event.
    edit(
        &data,
        "tickets.csv",
        "Instance down,2026-07-09T10:00:00+09:00",
        "Instance down,2026-08-02T09:00:00+09:00",
    );
    // An event at the very same instant later in file order does not take it over.
    append(
        &data,
        "ticket_events.csv",
        "00123,2026-08-02T00:00:00Z,internal_note,E1,\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    assert!(rs.is_empty(), "{rs:#?}");
    let m = manifest(&lake);
    assert_eq!(m["as_of"], "2026-08-02T00:00:00Z");
    assert_eq!(
        m["as_of_origin"],
        serde_json::json!({"file": "tickets.csv", "line": 2, "column": "updated_at"})
    );
}

#[test]
fn every_timestamp_and_date_column_is_held_to_the_window() {
    // (file, row appended as its line N, column rejected, value)
    let cases = [
        (
            "tickets.csv",
            "T4,C1,2026-08-02T00:00:00Z,P3,,open,,,,,9999-12-31T23:59:59Z\n",
            5,
            "updated_at",
            "9999-12-31T23:59:59Z",
        ),
        (
            "tickets.csv",
            "T4,C1,1970-01-01T00:00:00Z,P3,,open,,,,,\n",
            5,
            "created_at",
            "1970-01-01T00:00:00Z",
        ),
        (
            "surveys.csv",
            "S2,T2,1989-12-31T23:59:59Z,5,\n",
            3,
            "responded_at",
            "1989-12-31T23:59:59Z",
        ),
        (
            "kb_articles.csv",
            "KB2,E1,2100-01-01T00:00:00Z,From the future\n",
            3,
            "published_at",
            "2100-01-01T00:00:00Z",
        ),
        (
            "contracts.csv",
            "K3,C3,Initech,business,2026-01-01,9999-12-31,,USD,1000,,,,\n",
            4,
            "end_date",
            "9999-12-31",
        ),
        (
            "contracts.csv",
            "K3,C3,Initech,business,1900-01-01,2026-12-31,,USD,1000,,,,\n",
            4,
            "start_date",
            "1900-01-01",
        ),
        (
            "contracts.csv",
            "K3,C3,Initech,business,2026-01-01,2026-12-31,,USD,1000,,,,2100-01-01\n",
            4,
            "renewal_date",
            "2100-01-01",
        ),
        (
            "engineers.csv",
            "E3,Lee,Seoul,2026-01-01,9999-12-31,\n",
            4,
            "active_to",
            "9999-12-31",
        ),
    ];
    for (file, row, line, column, value) in cases {
        let (_t, data, lake) = valid_folder();
        append(&data, file, row);
        let rs = rejects_after(&data, &lake, &[]);
        assert_eq!(rs.len(), 1, "{file} {column}: {rs:#?}");
        let r = reject_at(&rs, file, line);
        assert_eq!((r.column.as_str(), r.value.as_str()), (column, value));
        assert_eq!(r.reason, format!("`{column}` value `{value}` is {WINDOW}"));
    }
    // The edges themselves: 1990-01-01T00:00:00Z and 2099-12-31 are inside.
    let (_t, data, lake) = valid_folder();
    append(
        &data,
        "kb_articles.csv",
        "KB2,E1,1990-01-01T00:00:00Z,Old\n",
    );
    append(
        &data,
        "engineers.csv",
        "E3,Lee,Seoul,1990-01-01,2099-12-31,\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    assert!(rs.is_empty(), "{rs:#?}");
}

#[test]
fn the_plausibility_window_is_set_in_goals_toml() {
    let (_t, data, lake) = valid_folder();
    // The data runs from 2026-01-01 (contract starts) to 2027-01-15 (K2's renewal date).
    write_folder(
        &data,
        &[(
            "goals.toml",
            "[data]\nplausible_from = \"2026-01-01\"\nplausible_until = \"2027-01-16\"\n",
        )],
    );
    append(
        &data,
        "ticket_events.csv",
        "T3,2027-01-15T23:59:59Z,agent_reply,E1,\nT3,2027-01-16T00:00:00Z,agent_reply,E1,\n",
    );
    let rs = rejects_after(&data, &lake, &[]);
    assert_eq!(rs.len(), 1, "{rs:#?}");
    let r = reject_at(&rs, "ticket_events.csv", 13);
    assert!(
        r.reason.contains(
            "outside the plausible window 2026-01-01 (included) to 2027-01-16 (excluded)"
        ),
        "{}",
        r.reason
    );
    let m = manifest(&lake);
    assert_eq!(m["as_of"], "2027-01-15T23:59:59Z");
    assert_eq!(m["as_of_origin"]["line"], 12);
}

#[test]
fn a_window_that_is_not_one_is_an_error_naming_goals_toml_and_the_key() {
    for (goals, needle) in [
        (
            "[data]\nplausible_from = \"2030-01-01\"\nplausible_until = \"2020-01-01\"\n",
            "`goals.toml`: [data] plausible_from (2030-01-01) must be before plausible_until (2020-01-01)",
        ),
        (
            "[data]\nplausible_until = \"31/12/2099\"\n",
            "`goals.toml`: [data] plausible_until = \"31/12/2099\" is not a date (YYYY-MM-DD)",
        ),
    ] {
        let (_t, data, lake) = valid_folder();
        write_folder(&data, &[("goals.toml", goals)]);
        let err = ingest_fails(&data, &lake);
        assert!(err.contains(needle), "{goals}: {err}");
        assert!(err.contains("hint:"), "{err}");
        assert!(!lake.exists(), "no lake is written");
    }
}

// ------------------------------------------------------------------ ranges of numbers

#[test]
fn target_minutes_of_i64_max_is_a_reject_so_validate_and_run_agree() {
    let (t, data, lake) = valid_folder();
    edit(
        &data,
        "sla_targets.csv",
        "business,,P1,first_response,60,",
        "business,,P1,first_response,9223372036854775807,",
    );
    let rs = rejects_after(&data, &lake, &[]);
    assert_eq!(rs.len(), 1, "{rs:#?}");
    let r = reject_at(&rs, "sla_targets.csv", 2);
    assert_eq!(r.column, "target_minutes");
    assert_eq!(
        r.reason,
        "`target_minutes` value `9223372036854775807` is out of range: at most 5256000 (10 years in minutes)"
    );
    let v = slareview(&["validate", "--data", data.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    assert!(
        stdout(&v).contains("sla_targets.csv:2: `target_minutes`: "),
        "{}",
        stdout(&v)
    );
    // run used to panic ("attempt to multiply with overflow") on this folder.
    run_ok(&data, &t.path().join("out"), &["--period", "2026Q3"]);
}

#[test]
fn numbers_out_of_range_are_rejects_and_the_largest_allowed_is_accepted() {
    // (file, from, to, line, column, reason; `None` when the value is accepted)
    let cases: [(&str, &str, &str, u64, &str, Option<&str>); 14] = [
        ("sla_targets.csv", ",P1,first_response,60,", ",P1,first_response,5256000,", 2, "target_minutes", None),
        ("sla_targets.csv", ",P1,first_response,60,", ",P1,first_response,5256001,", 2, "target_minutes",
            Some("`target_minutes` value `5256001` is out of range: at most 5256000 (10 years in minutes)")),
        ("sla_targets.csv", ",P1,first_response,60,", ",P1,first_response,-1,", 2, "target_minutes",
            Some("`target_minutes` value `-1` is not a whole number >= 0")),
        ("sla_targets.csv", ",P1,first_response,60,", ",P1,first_response,99999999999999999999,", 2, "target_minutes",
            Some("`target_minutes` value `99999999999999999999` is out of range: at most 5256000 (10 years in minutes)")),
        ("sla_targets.csv", "calendar,95\nbusiness,,P2", "calendar,NaN\nbusiness,,P2", 2, "commitment_pct",
            Some("`commitment_pct` value `NaN` is not a percentage between 0 and 100")),
        ("sla_targets.csv", "calendar,95\nbusiness,,P2", "calendar,100.5\nbusiness,,P2", 2, "commitment_pct",
            Some("`commitment_pct` value `100.5` is not a percentage between 0 and 100")),
        ("contracts.csv", "KRW,120000000,", "KRW,1000000000000000,", 2, "annual_fee", None),
        ("contracts.csv", "KRW,120000000,", "KRW,1000000000000001,", 2, "annual_fee",
            Some("`annual_fee` value `1000000000000001` is out of range: at most 1000000000000000 (an amount exact to the unit)")),
        ("contracts.csv", "KRW,120000000,", "KRW,1e300,", 2, "annual_fee",
            Some("`annual_fee` value `1e300` is out of range: at most 1000000000000000 (an amount exact to the unit)")),
        ("contracts.csv", "KRW,120000000,", "KRW,inf,", 2, "annual_fee",
            Some("`annual_fee` value `inf` is not a decimal number >= 0")),
        ("contracts.csv", "KRW,120000000,", "KRW,NaN,", 2, "annual_fee",
            Some("`annual_fee` value `NaN` is not a decimal number >= 0")),
        ("contracts.csv", "KRW,120000000,100,", "KRW,120000000,1000000001,", 2, "included_cases_per_quarter",
            Some("`included_cases_per_quarter` value `1000000001` is out of range: at most 1000000000 (cases a quarter)")),
        ("contracts.csv", "KRW,120000000,100,5,20", "KRW,120000000,100,5,inf", 2, "credit_cap_pct",
            Some("`credit_cap_pct` value `inf` is not a percentage between 0 and 100")),
        ("surveys.csv", "very satisfied", "50", 2, "rating",
            Some("rating `50` is not 1..5 or a label such as `very satisfied`")),
    ];
    for (file, from, to, line, column, reason) in cases {
        let (_t, data, lake) = valid_folder();
        edit(&data, file, from, to);
        let rs = rejects_after(&data, &lake, &[]);
        let here: Vec<&RejectRow> = rs
            .iter()
            .filter(|r| r.file == file && r.line == line)
            .collect();
        match reason {
            None => assert!(here.is_empty(), "{to}: {rs:#?}"),
            Some(reason) => {
                assert_eq!(here.len(), 1, "{to}: {rs:#?}");
                assert_eq!(here[0].column, column, "{to}");
                assert_eq!(here[0].reason, reason, "{to}");
            }
        }
    }
}

// ------------------------------------------------------------------ hidden characters in ids

#[test]
fn ids_holding_control_bidi_or_zero_width_characters_are_rejects() {
    // (file, from, to, line, column, the character as the reason names it, value shown)
    let cases = [
        (
            "tickets.csv",
            "T2,C2,",
            "T\u{202E}2,C2,",
            3,
            "ticket_id",
            "U+202E (RIGHT-TO-LEFT OVERRIDE)",
            "T⟨U+202E⟩2",
        ),
        (
            "tickets.csv",
            "T3,C1",
            "T\t3,C1",
            4,
            "ticket_id",
            "U+0009 (TAB)",
            "T⟨U+0009⟩3",
        ),
        (
            "tickets.csv",
            "solved,E1,email",
            "solved,E\u{200F}1,email",
            2,
            "assignee_id",
            "U+200F (RIGHT-TO-LEFT MARK)",
            "E⟨U+200F⟩1",
        ),
        (
            "contracts.csv",
            "K2,C2,Globex",
            "K2,C\u{0}2,Globex",
            3,
            "customer_id",
            "U+0000 (NUL)",
            "C⟨U+0000⟩2",
        ),
        (
            "contracts.csv",
            "K1,C1,",
            "K\u{7f}1,C1,",
            2,
            "contract_id",
            "U+007F (a control character)",
            "K⟨U+007F⟩1",
        ),
        (
            "sla_targets.csv",
            "enterprise,,P1",
            "enter\u{061C}prise,,P1",
            6,
            "plan",
            "U+061C (ARABIC LETTER MARK)",
            "enter⟨U+061C⟩prise",
        ),
        (
            "ticket_events.csv",
            "T2,2026-07-06T09:10:00Z,agent_reply,E2,",
            "T2,2026-07-06T09:10:00Z,agent_reply,E\u{200B}2,",
            9,
            "actor_id",
            "U+200B (ZERO WIDTH SPACE)",
            "E⟨U+200B⟩2",
        ),
        (
            "ticket_events.csv",
            "assign,,E2",
            "assign,,E\u{202D}2",
            8,
            "value",
            "U+202D (LEFT-TO-RIGHT OVERRIDE)",
            "E⟨U+202D⟩2",
        ),
        (
            "surveys.csv",
            "S1,",
            "S\u{85}1,",
            2,
            "survey_id",
            "U+0085 (a control character)",
            "S⟨U+0085⟩1",
        ),
        (
            "engineers.csv",
            "E2,Maria",
            "E2\u{FEFF},Maria",
            3,
            "engineer_id",
            "U+FEFF (ZERO WIDTH NO-BREAK SPACE)",
            "E2⟨U+FEFF⟩",
        ),
        (
            "kb_articles.csv",
            "KB1,E1,",
            "KB1,E\u{2066}1,",
            2,
            "author_id",
            "U+2066 (LEFT-TO-RIGHT ISOLATE)",
            "E⟨U+2066⟩1",
        ),
        (
            "kb_articles.csv",
            "KB1,E1,",
            "KB\u{200D}1,E1,",
            2,
            "article_id",
            "U+200D (ZERO WIDTH JOINER)",
            "KB⟨U+200D⟩1",
        ),
    ];
    for (file, from, to, line, column, named, shown) in cases {
        let (_t, data, lake) = valid_folder();
        edit(&data, file, from, to);
        let rs = rejects_after(&data, &lake, &[]);
        let r = reject_at(&rs, file, line);
        assert_eq!(
            (r.column.as_str(), r.value.as_str()),
            (column, shown),
            "{to:?}"
        );
        assert_eq!(
            r.reason,
            format!("`{column}` value `{shown}` holds {named}, which cannot be seen or reorders the text around it; an identifier must not hold control, bidirectional or zero-width characters: remove it in the export"),
        );
    }
}

#[test]
fn free_text_with_hidden_characters_is_not_rejected() {
    let (_t, data, lake) = valid_folder();
    edit(&data, "contracts.csv", "Acme Korea", "Acme\u{202E} Korea");
    edit(
        &data,
        "tickets.csv",
        "Instance down",
        "Instance\u{200B} down\u{0}",
    );
    let rs = rejects_after(&data, &lake, &[]);
    assert!(rs.is_empty(), "{rs:#?}");
}

// ------------------------------------------------------------------ line endings

/// The events file as logical lines: rows to reject on lines 3, 6, 10, 11, 13 and 14 (with
/// the column blamed), quoted fields spanning two lines (4-5, 6-7) and a blank line (8).
const EVENT_LINES: [&str; 14] = [
    "ticket_id,at,kind,actor_id,value",
    "00123,2026-07-06T10:30:00+09:00,agent_reply,E1,",
    "00123,2026-07-06T11:00:00+09:00,callback,E1,",
    "00123,2026-07-06T11:30:00+09:00,internal_note,E1,\"two",
    "lines\"",
    "00123,2026-07-06T12:00:00+09:00,nonsense,E1,\"also",
    "two\"",
    "",
    "T2,2026-07-06T09:10:00Z,agent_reply,E2,",
    "T2,not-a-time,agent_reply,E2,",
    "T2,2026-07-06T09:12:00Z,agent_reply",
    "T3,2026-08-01T11:00:00+09:00,status,E1,pending",
    "T9,2026-08-01T11:00:00+09:00,status,E1,pending",
    "T3,2026-08-01T12:00:00+09:00,bogus,E1,",
];
const EVENT_REJECTS: [(u64, &str); 6] = [
    (3, "kind"),
    (6, "kind"),
    (10, "at"),
    (11, ""),
    (13, "ticket_id"),
    (14, "kind"),
];

/// `lines` joined with the line ending `ending(i)` after line `i` (0-based), and one at the end.
fn with_endings(lines: &[&str], ending: &dyn Fn(usize) -> &'static str) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push_str(ending(i));
    }
    out
}

#[test]
fn rejects_point_at_their_lines_for_lf_crlf_cr_only_and_mixed_endings() {
    let styles: [(&str, &dyn Fn(usize) -> &'static str); 4] = [
        ("LF", &|_| "\n"),
        ("CRLF", &|_| "\r\n"),
        ("CR only", &|_| "\r"),
        ("mixed", &|i| ["\n", "\r\n", "\r"][i % 3]),
    ];
    for (style, ending) in styles {
        // Both readings: the file cut into pieces when it can be (every byte a piece), and
        // read in one sequence.
        for piece_bytes in ["1", "1000000000"] {
            let (_t, data, lake) = valid_folder();
            // Every file of the folder in the same style, so headers end that way too.
            for f in [
                "contracts.csv",
                "sla_targets.csv",
                "tickets.csv",
                "surveys.csv",
                "engineers.csv",
                "kb_articles.csv",
            ] {
                let text = std::fs::read_to_string(data.join(f)).unwrap();
                let lines: Vec<&str> = text.lines().collect();
                std::fs::write(data.join(f), with_endings(&lines, ending)).unwrap();
            }
            std::fs::write(
                data.join("ticket_events.csv"),
                with_endings(&EVENT_LINES, ending),
            )
            .unwrap();
            let o = ingest_command(&data, &lake)
                .env("SLAREVIEW_PIECE_BYTES", piece_bytes)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{style}: {}", stderr(&o));
            // rows_read = accepted + rejected per file, and the rejects table lists exactly
            // the manifest's rejected count of each file.
            let counts = reconciled_counts(&lake);
            assert_eq!(counts["ticket_events.csv"], (10, 4, 6), "{style}");
            for f in [
                "contracts.csv",
                "sla_targets.csv",
                "tickets.csv",
                "surveys.csv",
            ] {
                assert_eq!(counts[f].2, 0, "{style} {f}");
            }
            let rs = rejects(&lake);
            let mut pairs: Vec<(String, u64)> =
                rs.iter().map(|r| (r.file.clone(), r.line)).collect();
            pairs.sort();
            pairs.dedup();
            assert_eq!(
                pairs.len(),
                rs.len(),
                "{style}: (file, line) pairs repeat: {rs:#?}"
            );
            let got: Vec<(u64, &str)> = rs.iter().map(|r| (r.line, r.column.as_str())).collect();
            assert_eq!(
                got, EVENT_REJECTS,
                "{style}, pieces of {piece_bytes} bytes: {rs:#?}"
            );
            assert_eq!(
                manifest(&lake)["rows_rejected"],
                EVENT_REJECTS.len() as u64,
                "{style}"
            );
        }
    }
}

#[test]
fn a_quoted_carriage_return_stays_in_its_field_in_a_cr_only_file() {
    let (_t, data, lake) = valid_folder();
    let lines = [
        "article_id,author_id,published_at,title",
        "KB1,E1,2026-07-02T14:00:00+09:00,\"Rotating\rkeys\"",
        "KB2,E1,2026-07-03T14:00:00+09:00,Plain",
        "KB3,E1,not a time,Bad",
    ];
    std::fs::write(
        data.join("kb_articles.csv"),
        with_endings(&lines, &|_| "\r"),
    )
    .unwrap();
    let rs = rejects_after(&data, &lake, &[]);
    // Header 1, KB1 on lines 2-3 (the quoted CR is a line break too), KB2 4, KB3 5.
    let r = reject_at(&rs, "kb_articles.csv", 5);
    assert_eq!(r.column, "published_at");
    assert_eq!(rs.len(), 1, "{rs:#?}");
    assert_eq!(reconciled_counts(&lake)["kb_articles.csv"], (3, 2, 1));
}

#[test]
fn ndjson_lines_are_numbered_for_every_line_ending() {
    for ending in ["\n", "\r\n", "\r"] {
        let (_t, data, lake) = valid_folder();
        std::fs::remove_file(data.join("kb_articles.csv")).unwrap();
        let lines = [
            r#"{"article_id":"KB1","author_id":"E1","published_at":"2026-07-02T14:00:00+09:00"}"#,
            "",
            r#"{"article_id":"KB2","published_at":"9999-01-01T00:00:00Z"}"#,
            "not json",
        ];
        std::fs::write(
            data.join("kb_articles.ndjson"),
            with_endings(&lines, &|_| ending),
        )
        .unwrap();
        let rs = rejects_after(&data, &lake, &[]);
        let lines: Vec<u64> = rs.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4], "{ending:?}: {rs:#?}");
        assert_eq!(rs[0].column, "published_at");
        assert_eq!(reconciled_counts(&lake)["kb_articles.ndjson"], (3, 1, 2));
    }
}

#[test]
fn parquet_instants_and_dates_outside_the_window_or_any_calendar_are_rejects() {
    use polars::prelude::*;
    let (_t, data, lake) = valid_folder();
    std::fs::remove_file(data.join("kb_articles.csv")).unwrap();
    std::fs::remove_file(data.join("engineers.csv")).unwrap();
    // published_at: 2026-07-01T00:30:00Z, 9999-12-31T00:00:00Z, and 10^17 ms (about the year
    // 3 million: no calendar holds it).
    let ms = vec![
        1_782_865_800_000i64,
        253_402_214_400_000,
        100_000_000_000_000_000,
    ];
    let mut kb = DataFrame::new_infer_height(vec![
        Series::new("article_id".into(), ["KB1", "KB2", "KB3"]).into(),
        Int64Chunked::from_vec("published_at".into(), ms)
            .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
            .into_series()
            .into(),
    ])
    .unwrap();
    let f = std::fs::File::create(data.join("kb_articles.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut kb).unwrap();
    // active_from: 2026-01-01 (day 20454), 1900-01-01 (day -25567), and day 10^8.
    let days = vec![20_454i32, -25_567, 100_000_000];
    let mut eng = DataFrame::new_infer_height(vec![
        Series::new("engineer_id".into(), ["E1", "E2", "E3"]).into(),
        Int32Chunked::from_vec("active_from".into(), days)
            .into_date()
            .into_series()
            .into(),
    ])
    .unwrap();
    let f = std::fs::File::create(data.join("engineers.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut eng).unwrap();

    let rs = rejects_after(&data, &lake, &[]);
    let got: Vec<(&str, u64, &str, &str)> = rs
        .iter()
        .map(|r| (r.file.as_str(), r.line, r.column.as_str(), r.value.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("engineers.parquet", 2, "active_from", "1900-01-01"),
            (
                "engineers.parquet",
                3,
                "active_from",
                "100000000 days since 1970-01-01"
            ),
            (
                "kb_articles.parquet",
                2,
                "published_at",
                "9999-12-31T00:00:00Z"
            ),
            (
                "kb_articles.parquet",
                3,
                "published_at",
                "100000000000000000 ms since 1970-01-01"
            ),
        ],
        "{rs:#?}"
    );
    assert!(
        rs[0].reason.contains("outside the plausible window"),
        "{}",
        rs[0].reason
    );
    assert!(
        rs[1].reason.contains("is not a date (YYYY-MM-DD)"),
        "{}",
        rs[1].reason
    );
    assert!(
        rs[2].reason.contains("outside the plausible window"),
        "{}",
        rs[2].reason
    );
    assert!(
        rs[3].reason.contains("is not an RFC 3339 timestamp"),
        "{}",
        rs[3].reason
    );
}
