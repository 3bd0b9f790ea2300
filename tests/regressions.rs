//! The reproducers of issue 15, each a test named for what it guards. Every run is bounded (60 s,
//! 3 GB of address space), so a hang or a runaway allocation fails the test instead of the
//! machine; a panic is a failure whatever the exit code.

mod bounded;
mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use bounded::{run_bounded, slareview_bounded, Ended};
use common::*;

const LIMIT: Duration = Duration::from_secs(60);
const MEM_MB: u64 = 3072;

fn assert_no_failure(what: &str, e: &Ended) {
    if let Some(f) = e.failure() {
        panic!("{what}: {f}\nstderr:\n{}", e.stderr);
    }
}

/// `slareview run`, bounded, asserting exit 0.
fn run_exit_0(data: &Path, out: &Path, extra: &[&str]) {
    let e = run_bounded(data, out, extra, LIMIT, MEM_MB);
    assert_no_failure("run", &e);
    assert_eq!(e.code, Some(0), "run: {}", e.stderr);
}

/// `slareview ingest`, bounded.
fn ingest(data: &Path, lake: &Path) -> Ended {
    slareview_bounded(
        &[
            "ingest",
            "--data",
            data.to_str().unwrap(),
            "--lake",
            lake.to_str().unwrap(),
        ],
        LIMIT,
        MEM_MB,
    )
}

/// `slareview validate --data DATA`, bounded.
fn validate(data: &Path) -> Ended {
    slareview_bounded(
        &["validate", "--data", data.to_str().unwrap()],
        LIMIT,
        MEM_MB,
    )
}

/// Asserts `e` is exit 2 with an `error:` line naming `goals.toml` and `key`.
fn assert_config_error(what: &str, e: &Ended, key: &str) {
    assert_no_failure(what, e);
    assert_eq!(
        e.code,
        Some(2),
        "{what}: expected exit 2, stderr:\n{}",
        e.stderr
    );
    let error = e
        .stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("{what}: no `error:` line in:\n{}", e.stderr));
    assert!(
        error.contains("goals.toml") && error.contains(key),
        "{what}: the error names neither `goals.toml` nor `{key}`: {error}"
    );
}

/// The hand-built valid folder with `goals.toml` holding `text`.
fn valid_with_goals(text: &str) -> (tempfile::TempDir, PathBuf) {
    let (t, data, _) = valid_folder();
    std::fs::write(data.join("goals.toml"), text).unwrap();
    (t, data)
}

#[test]
fn goals_system_down_max_hours_out_of_range_is_a_config_error_not_an_overflow() {
    // `inf` overflowed "attempt to add" in src/clock/engine.rs; the others are the same kind.
    // `-1e308` (found by the fuzz test) saturated to i64::MIN seconds and overflowed "attempt to
    // multiply" in src/clock/mod.rs turning it into milliseconds.
    for value in ["inf", "-inf", "nan", "1e308", "-1e308", "-1"] {
        let (t, data) = valid_with_goals(&format!(
            "reporting_timezone = \"UTC\"\n\n[engineer]\nsystem_down_max_hours = {value}\n"
        ));
        let what = format!("system_down_max_hours = {value}");
        let run = run_bounded(&data, &t.path().join("out"), &[], LIMIT, MEM_MB);
        assert_config_error(&format!("run, {what}"), &run, "system_down_max_hours");
        assert_config_error(
            &format!("validate, {what}"),
            &validate(&data),
            "system_down_max_hours",
        );
    }
}

#[test]
fn goals_reopen_window_days_out_of_range_is_a_config_error_not_an_overflow() {
    // i64::MAX overflowed "attempt to multiply" in src/clock/mod.rs.
    for value in ["9223372036854775807", "-1"] {
        let (t, data) = valid_with_goals(&format!(
            "reporting_timezone = \"UTC\"\n\n[fcr]\nreopen_window_days = {value}\n"
        ));
        let what = format!("reopen_window_days = {value}");
        let run = run_bounded(&data, &t.path().join("out"), &[], LIMIT, MEM_MB);
        assert_config_error(&format!("run, {what}"), &run, "reopen_window_days");
        assert_config_error(
            &format!("validate, {what}"),
            &validate(&data),
            "reopen_window_days",
        );
    }
}

#[test]
fn event_dated_9999_12_31_is_a_reject_and_does_not_move_as_of() {
    let (_t, data, lake) = valid_folder();
    // Lines 12..16 of ticket_events.csv: a placeholder date, year zero, a day that does not
    // exist, and two instants outside the default plausibility window (1990..2100).
    let events = format!(
        "{EVENTS}\
         T2,9999-12-31T00:00:00Z,agent_reply,E2,\n\
         T2,0000-01-01T00:00:00Z,agent_reply,E2,\n\
         T2,2026-02-30T10:00:00Z,agent_reply,E2,\n\
         T2,1989-12-31T00:00:00Z,agent_reply,E2,\n\
         T2,2100-06-01T00:00:00Z,agent_reply,E2,\n"
    );
    std::fs::write(data.join("ticket_events.csv"), events).unwrap();
    let o = ingest(&data, &lake);
    assert_no_failure("ingest", &o);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let counts = reconciled_counts(&lake);
    assert_eq!(counts["ticket_events.csv"], (15, 10, 5));
    let rs = rejects(&lake);
    let lines: Vec<(u64, &str)> = rs
        .iter()
        .filter(|r| r.file == "ticket_events.csv")
        .map(|r| (r.line, r.column.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(12, "at"), (13, "at"), (14, "at"), (15, "at"), (16, "at")],
        "{rs:#?}"
    );
    // The latest accepted instant, as in the valid folder: T3's status event.
    assert_eq!(manifest(&lake)["as_of"], "2026-08-01T02:00:00Z");
}

/// A data folder of 300 generated tickets in `dir`; returns its as_of (RFC 3339, UTC) as
/// ingest reads it.
fn generated_300(dir: &Path) -> String {
    slareview::generate::generate(
        &slareview::generate::Params {
            tickets: 300,
            seed: 42,
            defect_rate: 0.0,
        },
        dir,
    )
    .unwrap();
    let ing = slareview::ingest::ingest(&slareview::ingest::Options {
        data_dir: dir.to_path_buf(),
        assume_tz: None,
        encoding: None,
        as_of: None,
    })
    .unwrap();
    slareview::ingest::Manifest::new(&ing)
        .as_of
        .expect("generated tickets give an as_of")
}

/// Appends a copy of the first event of `ticket_events.csv` dated 9999-12-31; returns its line.
fn append_event_in_9999(data: &Path) -> u64 {
    let path = data.join("ticket_events.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with('\n') && !text.contains('\r'));
    let first = text.lines().nth(1).unwrap();
    let mut cells: Vec<&str> = first.split(',').collect();
    cells[1] = "9999-12-31T00:00:00Z";
    let line = text.lines().count() as u64 + 1;
    std::fs::write(&path, format!("{text}{}\n", cells.join(","))).unwrap();
    line
}

fn assert_rejected_at(lake: &Path, file: &str, line: u64) {
    let rs = rejects(lake);
    assert!(
        rs.iter().any(|r| r.file == file && r.line == line),
        "no reject at {file} line {line}: {rs:#?}"
    );
}

#[test]
fn event_dated_9999_12_31_does_not_make_run_work_until_year_9999() {
    let t = tmp();
    let data = t.path().join("data");
    let as_of = generated_300(&data);
    let line = append_event_in_9999(&data);
    let out = t.path().join("out");
    let e = run_bounded(&data, &out, &[], LIMIT, MEM_MB);
    assert_no_failure("run", &e);
    assert_eq!(e.code, Some(0), "{}", e.stderr);
    let lake = out.join("lake");
    reconciled_counts(&lake);
    assert_rejected_at(&lake, "ticket_events.csv", line);
    assert_eq!(manifest(&lake)["as_of"], as_of.as_str());
}

#[test]
fn year_9999_event_with_24_half_hour_windows_a_day_runs_in_bounded_memory() {
    let t = tmp();
    let data = t.path().join("data");
    generated_300(&data);
    let line = append_event_in_9999(&data);
    // Every calendar open in 24 half-hour windows, Monday to Friday.
    let path = data.join("calendars.toml");
    let mut cals: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let windows: Vec<toml::Value> = (0..24)
        .map(|h| toml::Value::String(format!("{h:02}:00-{h:02}:30")))
        .collect();
    let defs = cals
        .get_mut("calendars")
        .and_then(|c| c.as_table_mut())
        .unwrap();
    assert!(!defs.is_empty());
    for (_, def) in defs.iter_mut() {
        let mut hours = toml::Table::new();
        for d in ["mon", "tue", "wed", "thu", "fri"] {
            hours.insert(d.into(), toml::Value::Array(windows.clone()));
        }
        def.as_table_mut()
            .unwrap()
            .insert("hours".into(), toml::Value::Table(hours));
    }
    std::fs::write(&path, toml::to_string(&cals).unwrap()).unwrap();
    let out = t.path().join("out");
    let e = run_bounded(&data, &out, &[], LIMIT, MEM_MB);
    assert_no_failure("run", &e);
    assert_eq!(e.code, Some(0), "{}", e.stderr);
    assert_rejected_at(&out.join("lake"), "ticket_events.csv", line);
}

#[test]
fn target_minutes_i64_max_is_a_reject_so_validate_and_run_agree() {
    let (t, data, _) = valid_folder();
    // Line 4 of sla_targets.csv: business P2 update.
    let targets = TARGETS.replace(
        "business,,P2,update,1440,business,",
        "business,,P2,update,9223372036854775807,business,",
    );
    assert_ne!(targets, TARGETS);
    std::fs::write(data.join("sla_targets.csv"), targets).unwrap();

    let v = validate(&data);
    assert_no_failure("validate", &v);
    assert_eq!(
        v.code,
        Some(1),
        "validate must find the reject: {}",
        v.stdout
    );
    let listed: Vec<&str> = v
        .stdout
        .lines()
        .filter(|l| l.starts_with("sla_targets.csv:"))
        .collect();
    assert_eq!(listed.len(), 1, "{}", v.stdout);
    assert!(
        listed[0].starts_with("sla_targets.csv:4:") && listed[0].contains("target_minutes"),
        "{}",
        listed[0]
    );

    let out = t.path().join("out");
    let e = run_bounded(&data, &out, &[], LIMIT, MEM_MB);
    assert_no_failure("run", &e);
    assert_eq!(e.code, Some(0), "{}", e.stderr);
    let lake = out.join("lake");
    assert_eq!(reconciled_counts(&lake)["sla_targets.csv"], (6, 5, 1));
    assert_rejected_at(&lake, "sla_targets.csv", 4);
}

/// The valid events with three rows of an unknown kind at lines 3, 7 and 14, each line ended
/// by `ending(i)` (i = 0 for the header).
fn events_with_bad_rows(ending: impl Fn(usize) -> &'static str) -> String {
    let bad = "00123,2026-07-06T12:00:00+09:00,bogus_kind,E1,";
    let good: Vec<&str> = EVENTS.lines().skip(1).collect();
    assert_eq!(good.len(), 10);
    let mut lines = vec![EVENTS.lines().next().unwrap()];
    lines.push(good[0]);
    lines.push(bad); // line 3
    lines.extend(&good[1..4]);
    lines.push(bad); // line 7
    lines.extend(&good[4..]);
    lines.push(bad); // line 14
    assert_eq!(lines.len(), 14);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{l}{}", ending(i)))
        .collect()
}

#[test]
fn rejects_name_their_own_line_with_cr_only_crlf_and_mixed_line_endings() {
    let conventions: [(&str, fn(usize) -> &'static str); 4] = [
        ("LF", |_| "\n"),
        ("CRLF", |_| "\r\n"),
        // What Excel's "CSV (Macintosh)" writes: every line used to be reported as line 1.
        ("CR", |_| "\r"),
        ("mixed", |i| ["\r\n", "\r", "\n"][i % 3]),
    ];
    for (name, ending) in conventions {
        let (_t, data, lake) = valid_folder();
        std::fs::write(data.join("ticket_events.csv"), events_with_bad_rows(ending)).unwrap();
        // The other files in the same convention.
        for f in [
            "tickets.csv",
            "contracts.csv",
            "sla_targets.csv",
            "surveys.csv",
        ] {
            let text = std::fs::read_to_string(data.join(f)).unwrap();
            let mut converted = String::new();
            for (i, l) in text.lines().enumerate() {
                converted.push_str(l);
                converted.push_str(ending(i));
            }
            std::fs::write(data.join(f), converted).unwrap();
        }
        let o = ingest(&data, &lake);
        assert_no_failure(name, &o);
        assert_eq!(o.code, Some(0), "{name}: {}", o.stderr);
        let counts = reconciled_counts(&lake);
        assert_eq!(counts["tickets.csv"], (3, 3, 0), "{name}");
        assert_eq!(counts["ticket_events.csv"], (13, 10, 3), "{name}");
        let lines: Vec<u64> = rejects(&lake)
            .iter()
            .filter(|r| r.file == "ticket_events.csv")
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, [3, 7, 14], "{name} line endings");
    }
}

#[test]
fn stray_cr_inside_a_row_of_an_lf_file_gives_no_two_rejects_one_line() {
    // Found by the fuzz test: a bit flip turned a `-` of a timestamp into a CR (0x2D ^ 0x20).
    // The row is read as two pieces or as one; either way each reject names a line of its own,
    // within the two lines the row now spans, and every other row is kept.
    let (_t, data, lake) = valid_folder();
    let broken = EVENTS.replace(
        "00123,2026-07-07T14:00:00+09:00,customer_reply,,",
        "00123,2026\r-07-07T14:00:00+09:00,customer_reply,,",
    );
    assert_ne!(broken, EVENTS);
    std::fs::write(data.join("ticket_events.csv"), broken).unwrap();
    let o = ingest(&data, &lake);
    assert_no_failure("ingest", &o);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let (read, accepted, rejected) = reconciled_counts(&lake)["ticket_events.csv"];
    assert_eq!(accepted, 9, "read {read}, rejected {rejected}");
    let mut lines: Vec<u64> = rejects(&lake)
        .iter()
        .filter(|r| r.file == "ticket_events.csv")
        .map(|r| r.line)
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| *l == 4 || *l == 5),
        "{lines:?}"
    );
    let n = lines.len();
    lines.dedup();
    assert_eq!(lines.len(), n, "two rejects share a line");
}

/// Every HTML, Markdown and SVG file under `dir`.
fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|e| e == "html" || e == "md" || e == "svg")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn assert_no_raw(docs: &[PathBuf], raw: &[char]) {
    assert!(!docs.is_empty());
    for p in docs {
        let text = std::fs::read_to_string(p).unwrap();
        for c in raw {
            assert!(
                !text.contains(*c),
                "{} holds a raw U+{:04X}",
                p.display(),
                *c as u32
            );
        }
    }
}

#[test]
fn nul_or_zero_width_joiner_in_an_id_is_a_reject_and_shown_visibly() {
    let (t, data, lake) = valid_folder();
    // tickets.csv line 5: a NUL in the ticket id; engineers.csv line 4: a zero-width joiner.
    std::fs::write(
        data.join("tickets.csv"),
        format!("{TICKETS}T\u{0}9,C1,2026-07-20T10:00:00+09:00,P3,,open,,chat,,,\n"),
    )
    .unwrap();
    std::fs::write(
        data.join("engineers.csv"),
        format!("{ENGINEERS}E\u{200D}3,Ghost,Seoul,,,\n"),
    )
    .unwrap();
    let o = ingest(&data, &lake);
    assert_no_failure("ingest", &o);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let counts = reconciled_counts(&lake);
    assert_eq!(counts["tickets.csv"], (4, 3, 1));
    assert_eq!(counts["engineers.csv"], (3, 2, 1));
    let rs = rejects(&lake);
    for (file, line, column) in [
        ("tickets.csv", 5, "ticket_id"),
        ("engineers.csv", 4, "engineer_id"),
    ] {
        assert!(
            rs.iter()
                .any(|r| r.file == file && r.line == line && r.column == column),
            "no reject of `{column}` at {file} line {line}: {rs:#?}"
        );
    }

    // The documents name the rejected id visibly (the summary's rejects) and never raw.
    let out = t.path().join("out");
    run_exit_0(
        &data,
        &out,
        &["--as-of", "2026-10-01T00:00:00Z", "--period", "2026Q3"],
    );
    assert_no_raw(&documents(&out), &['\u{0}', '\u{200D}']);
    let summary = std::fs::read_to_string(out.join("summary_2026Q3.html")).unwrap();
    assert!(
        summary.contains("T⟨U+0000⟩9"),
        "the summary does not show the NUL id"
    );
}

#[test]
fn right_to_left_override_in_a_customer_name_is_shown_not_obeyed() {
    let (t, data, _) = valid_folder();
    let contracts = CONTRACTS.replace("Acme Korea", "Acme \u{202E}Korea 0001");
    assert_ne!(contracts, CONTRACTS);
    std::fs::write(data.join("contracts.csv"), contracts).unwrap();
    let out = t.path().join("out");
    run_exit_0(
        &data,
        &out,
        &["--as-of", "2026-10-01T00:00:00Z", "--period", "2026Q3"],
    );
    let docs = documents(&out);
    assert_no_raw(&docs, &['\u{202E}']);
    let shown = "Acme ⟨U+202E⟩Korea 0001";
    for f in [
        "reports/2026Q3/customers/K1.html",
        "reports/2026Q3/customers/K1.md",
        "reports/2026Q3/portfolio.html",
        "reports/2026Q3/portfolio.md",
        "summary_2026Q3.html",
    ] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(text.contains(shown), "{f} does not show `{shown}`");
    }
}

/// Issue 20: a stage's hint travels in its error type, not in the message text. A query file
/// with a syntax error stops the run with an `error:` line naming the file and a `hint:` line
/// listing the tables the query could read; the message itself has no `hint:` in it.
#[test]
fn a_broken_query_prints_its_error_and_its_hint_on_their_own_lines() {
    let (t, data, _) = valid_folder();
    let queries = t.path().join("queries");
    std::fs::create_dir_all(&queries).unwrap();
    let file = queries.join("broken.sql");
    std::fs::write(&file, "select ticket_id frm ticket_sla").unwrap();
    let e = run_bounded(
        &data,
        &t.path().join("out"),
        &["--queries", queries.to_str().unwrap()],
        LIMIT,
        MEM_MB,
    );
    assert_no_failure("run", &e);
    assert_eq!(e.code, Some(2), "{}", e.stderr);
    let lines: Vec<&str> = e.stderr.lines().collect();
    let error = lines
        .iter()
        .position(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no `error:` line:\n{}", e.stderr));
    assert!(
        lines[error].starts_with(&format!("error: query `{}` failed: ", file.display())),
        "{}",
        e.stderr
    );
    let hints: Vec<&&str> = lines.iter().filter(|l| l.starts_with("hint: ")).collect();
    assert_eq!(hints.len(), 1, "{}", e.stderr);
    assert!(
        hints[0].starts_with("hint: the tables it can read are: ")
            && hints[0].contains("ticket_sla"),
        "{}",
        e.stderr
    );
    assert_eq!(
        e.stderr.matches("hint:").count(),
        1,
        "the hint is printed once, not inside the message too:\n{}",
        e.stderr
    );
}
