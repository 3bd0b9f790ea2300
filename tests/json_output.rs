//! `--json`: each command's summary as one JSON object on stdout, an error as
//! `{"error", "hint"}`; and flag values refused by clap with one message and one hint.

mod common;

use common::*;
use serde_json::Value;

/// The small valid folder plus one ticket whose `created_at` is not a timestamp (line 5:
/// the header is line 1, the three valid tickets lines 2 to 4).
fn folder_with_one_reject(dir: &std::path::Path) {
    valid_data(dir);
    let tickets = format!("{TICKETS}T9,C1,yesterday,P3,,open,,web,,,\n");
    std::fs::write(dir.join("tickets.csv"), tickets).unwrap();
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", stdout(o)))
}

fn file<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["ingest"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == name)
        .unwrap_or_else(|| panic!("no `{name}` in {v}"))
}

#[test]
fn validate_json_lists_the_counts_and_every_reject_and_exits_1() {
    let t = tmp();
    let data = t.path().join("data");
    folder_with_one_reject(&data);
    let o = slareview(&["--json", "validate", "--data", data.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["command"], "validate");
    // Counted by hand from tests/common/mod.rs.
    for (name, read, rejected) in [
        ("tickets.csv", 4, 1),
        ("ticket_events.csv", 10, 0),
        ("surveys.csv", 1, 0),
        ("contracts.csv", 2, 0),
        ("sla_targets.csv", 6, 0),
    ] {
        let f = file(&v, name);
        assert_eq!(f["rows_read"], read, "{name}: {f}");
        assert_eq!(f["rows_rejected"], rejected, "{name}: {f}");
        assert_eq!(f["rows_accepted"], read - rejected, "{name}: {f}");
    }
    assert_eq!(v["ingest"]["rows_rejected"], 1);
    let rejects = v["rejects"].as_array().unwrap();
    assert_eq!(rejects.len(), 1, "{v}");
    assert_eq!(rejects[0]["file"], "tickets.csv");
    assert_eq!(rejects[0]["line"], 5);
    assert_eq!(rejects[0]["column"], "created_at");
    assert_eq!(rejects[0]["value"], "yesterday");
    // The latest accepted timestamp: T3's status event at 2026-08-01T11:00:00+09:00.
    assert_eq!(v["ingest"]["as_of"], "2026-08-01T02:00:00Z");
    assert_eq!(v["ingest"]["as_of_source"], "ticket_events.csv line 11");
}

#[test]
fn run_json_names_every_output_where_it_is() {
    let t = tmp();
    let data = t.path().join("data");
    let out = t.path().join("out");
    folder_with_one_reject(&data);
    let o = slareview(&[
        "--json",
        "run",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--period",
        "2026Q3",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["command"], "run");
    assert_eq!(v["period"], "2026Q3");
    // The reporting quarter and the three before it.
    assert_eq!(
        v["tables"]["periods"],
        serde_json::json!(["2025Q4", "2026Q1", "2026Q2", "2026Q3"])
    );
    assert_eq!(v["lake"], out.join("lake").to_str().unwrap());
    assert_eq!(v["ingest"]["rows_rejected"], 1);
    let rejects = std::fs::read_to_string(v["rejects"].as_str().unwrap()).unwrap();
    assert_eq!(rejects.lines().count(), 2, "a header and the one reject");
    assert!(std::path::Path::new(v["manifest"].as_str().unwrap()).is_file());
    assert_eq!(
        v["summary"],
        out.join("summary_2026Q3.html").to_str().unwrap()
    );
    let tables = v["tables"]["tables"].as_array().unwrap();
    assert!(tables.iter().any(|t| t["name"] == "ticket_sla"));
    for t in tables {
        let name = t["name"].as_str().unwrap();
        let csv = out.join("tables").join(format!("{name}.csv"));
        let rows = std::fs::read_to_string(&csv)
            .unwrap_or_else(|e| panic!("`{}`: {e}", csv.display()))
            .lines()
            .count()
            - 1;
        assert_eq!(t["rows"], rows, "{name}");
    }
    // Both contracts (K1, K2) run through all of 2026: two customer reviews.
    let r = &v["reports"];
    assert_eq!(r["customer_reviews"].as_array().unwrap().len(), 2, "{r}");
    for key in ["portfolio", "team_review"] {
        assert!(
            std::path::Path::new(r[key].as_str().unwrap()).is_file(),
            "{key}"
        );
    }
    assert!(r["pdf"].is_null(), "no --pdf, no pdf entry");
    // Text on stdout would not parse; nothing but the one object is there.
    assert!(stdout(&o).trim_start().starts_with('{'));
    assert!(stdout(&o).trim_end().ends_with('}'));
}

#[test]
fn an_error_in_json_mode_is_one_object_with_its_hint_and_exit_2() {
    let t = tmp();
    let missing = t.path().join("no-such-folder");
    let o = slareview(&["--json", "validate", "--data", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    let error = v["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("cannot read data folder `{}`", missing.display())),
        "{error}"
    );
    assert_eq!(
        v["hint"],
        "pass the folder holding the exports with --data DIR"
    );
    // The same on stderr, for a person.
    let e = stderr(&o);
    assert!(e.contains(&format!("error: {error}")), "{e}");
    assert!(
        e.contains("hint: pass the folder holding the exports with --data DIR"),
        "{e}"
    );
}

#[test]
fn text_mode_prints_no_json() {
    let t = tmp();
    let data = t.path().join("data");
    valid_data(&data);
    let o = slareview(&["validate", "--data", data.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "no rejects, nothing on stdout");
    assert!(stderr(&o).contains("tickets.csv"), "{}", stderr(&o));
}

#[test]
fn a_bad_flag_value_is_refused_once_with_one_hint() {
    let t = tmp();
    let data = t.path().join("data");
    valid_data(&data);
    let d = data.to_str().unwrap();
    for (args, message, hint) in [
        (
            vec!["validate", "--data", d, "--assume-tz", "Mars/Olympus"],
            "invalid value 'Mars/Olympus' for '--assume-tz <ZONE>': not an IANA time zone",
            "hint: use a zone name such as Asia/Seoul, America/New_York or UTC",
        ),
        (
            vec!["import", "servicenow", "x.csv", "--out", d, "--assume-tz", "Seoul"],
            "invalid value 'Seoul' for '--assume-tz <ZONE>': not an IANA time zone",
            "hint: use a zone name such as Asia/Seoul, America/New_York or UTC",
        ),
        (
            vec!["validate", "--data", d, "--encoding", "latin-1"],
            "invalid value 'latin-1' for '--encoding <ENCODING>': not an encoding slareview reads",
            "hint: use utf-8, or cp949 (EUC-KR) for files from Korean Excel",
        ),
        (
            vec!["validate", "--data", d, "--as-of", "2026-10-05 09:00"],
            "invalid value '2026-10-05 09:00' for '--as-of <RFC3339>': not an RFC 3339 timestamp with an offset",
            "hint: e.g. --as-of 2026-10-05T09:00:00+09:00",
        ),
        (
            vec!["run", "--data", d, "--period", "2026-Q3"],
            "invalid value '2026-Q3' for '--period <QUARTER>': not a quarter",
            "hint: write it as 2026Q3",
        ),
        (
            vec!["generate", "--out", d, "--defect-rate", "0.9"],
            "invalid value '0.9' for '--defect-rate <SHARE>': not a share from 0 to 0.5",
            "hint: e.g. --defect-rate 0.001 (one row in a thousand)",
        ),
    ] {
        let o = slareview(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains(&format!("error: {message}")), "{args:?}: {e}");
        assert_eq!(e.matches("hint:").count(), 1, "{args:?}: {e}");
        assert!(e.contains(hint), "{args:?}: {e}");
    }
}
