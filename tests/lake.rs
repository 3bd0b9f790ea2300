//! The lake as a whole: the same inputs give the same bytes, a crash at any step leaves the
//! previous lake readable, and `run` takes the bundled sample data to a summary document.

mod common;
use common::*;

#[test]
fn ingest_is_idempotent() {
    let (_t, data, lake) = valid_folder();
    ingest_ok(&data, &lake, &[]);
    let first = lake_bytes(&lake);
    ingest_ok(&data, &lake, &[]);
    let second = lake_bytes(&lake);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(
            bytes == &second[name],
            "`{name}` differs between two ingests of the same inputs"
        );
    }
    let names: Vec<&str> = first.keys().map(|s| s.as_str()).collect();
    for want in [
        "tickets.parquet",
        "ticket_events.parquet",
        "rejects.parquet",
        "rejects.csv",
        "manifest.json",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
}

#[test]
fn a_crash_at_any_step_leaves_the_previous_lake_intact() {
    let (t, data, lake) = valid_folder();
    ingest_ok(&data, &lake, &[]);
    let before = lake_bytes(&lake);

    // New inputs: one more ticket.
    let mut tickets = std::fs::read_to_string(data.join("tickets.csv")).unwrap();
    tickets.push_str("T4,C1,2026-08-02T10:00:00+09:00,P4,,new,,web,,,\n");
    std::fs::write(data.join("tickets.csv"), tickets).unwrap();

    for step in [
        "contracts",
        "tickets",
        "ticket_events",
        "before_swap",
        "mid_swap",
    ] {
        let o = ingest_command(&data, &lake)
            .env("SLAREVIEW_CRASH_AT", step)
            .output()
            .unwrap();
        assert!(
            !o.status.success(),
            "the crash at `{step}` must kill the process"
        );
        assert!(
            stderr(&o).contains(&format!("simulated crash at `{step}`")),
            "{}",
            stderr(&o)
        );
        if step == "mid_swap" {
            // The old lake sits beside, renamed; the next lake-writing command puts it back.
            assert!(!lake.exists());
        }
        // Either untouched or restored: the previous lake, byte for byte.
        slareview_recover(&lake);
        assert_eq!(
            lake_bytes(&lake),
            before,
            "lake changed after a crash at `{step}`"
        );
    }

    // And a clean run afterwards swaps the new lake in and leaves nothing behind.
    ingest_ok(&data, &lake, &[]);
    assert_eq!(reconciled_counts(&lake)["tickets.csv"], (4, 4, 0));
    let leftovers: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".lake"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Any lake-writing command recovers first; a failing ingest of an empty folder does that and
/// nothing else.
fn slareview_recover(lake: &std::path::Path) {
    let empty = lake.parent().unwrap().join("empty-input");
    std::fs::create_dir_all(&empty).unwrap();
    ingest_fails(&empty, lake);
}

#[test]
fn run_on_sample_data_writes_lake_manifest_rejects_and_summary() {
    let t = tmp();
    let out = t.path().join("out");
    let sample = sample_data();
    let o = run_ok(sample, &out, &[]);
    let lake = out.join("lake");
    let counts = reconciled_counts(&lake);
    let (read, accepted, _) = counts["tickets.csv"];
    assert!(
        read >= 10_000,
        "sample has about 10,000 tickets, read {read}"
    );
    assert!(accepted as f64 >= read as f64 * 0.99);
    let (events, _, _) = counts["ticket_events.csv"];
    assert!(events > 50_000, "{events} events");
    let summary = out.join("summary_2026Q3.html");
    let html = std::fs::read_to_string(&summary).unwrap();
    assert!(html.contains("Ticket volume and data intake, 2026Q3"));
    assert!(
        html.contains("한빛물류 Hanbit Logistics"),
        "Korean names arrive intact"
    );
    // Every customer of the sample with tickets in the period is in the table.
    for c in [
        "C001", "C002", "C003", "C004", "C005", "C006", "C007", "C008",
    ] {
        assert!(html.contains(&format!("<code>{c}</code>")), "{c} missing");
    }
    // stdout names where everything went
    let s = stdout(&o);
    for want in ["lake:", "manifest:", "rejects:", "summary:"] {
        assert!(s.contains(want), "{s}");
    }
    // Two runs, same document.
    run_ok(sample, &out, &[]);
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), html);
}

#[test]
fn subject_markup_is_escaped_in_the_summary() {
    let t = tmp();
    let (data, _) = paths(&t);
    valid_data(&data);
    let contracts = CONTRACTS.replace("Acme Korea", "<script>alert(1)</script>");
    std::fs::write(data.join("contracts.csv"), contracts).unwrap();
    let out = t.path().join("out");
    run_ok(&data, &out, &["--period", "2026Q3"]);
    let html = std::fs::read_to_string(out.join("summary_2026Q3.html")).unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn generate_is_deterministic_per_seed() {
    let t = tmp();
    let a = t.path().join("a");
    let b = t.path().join("b");
    for dir in [&a, &b] {
        let o = slareview(&[
            "generate",
            "--tickets",
            "500",
            "--seed",
            "9",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for f in [
        "tickets.csv",
        "ticket_events.csv",
        "surveys.csv",
        "contracts.csv",
        "kb_articles.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    // and what it generates is accepted whole
    let lake = t.path().join("lake");
    ingest_ok(&a, &lake, &[]);
    let counts = reconciled_counts(&lake);
    assert!(counts.values().all(|(_, _, rej)| *rej == 0), "{counts:?}");
}

/// Large CSV files are read in pieces, in parallel, with quote-free pieces split in place; small
/// ones in sequence. Both readings must give the same lake, rejects and manifest, byte for byte:
/// checked on the sample data with malformed rows, quoted fields, CRLF and blank lines spread
/// through it, every file cut into many pieces against none.
#[test]
fn reading_in_pieces_gives_the_same_lake_as_reading_in_sequence() {
    let t = tmp();
    let data = t.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for e in std::fs::read_dir(sample_data()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    // Events: every 997th line broken in turn, and CRLF endings and blank lines here and there.
    let events = std::fs::read_to_string(data.join("ticket_events.csv")).unwrap();
    let mut out = String::new();
    for (n, line) in events.lines().enumerate() {
        let line = if n == 0 || n % 997 != 0 {
            line.to_string()
        } else {
            match (n / 997) % 6 {
                0 => line.replacen("+09:00", "", 1), // no offset
                1 => line.split(',').take(3).collect::<Vec<_>>().join(","), // truncated
                2 => line.replacen(",status,", ",stat,", 1), // unknown kind
                3 => format!("{line},extra"),        // too many fields
                4 => format!("\"{}\"{}", &line[..7], &line[7..]), // quoted: csv path
                _ => format!("9999999{}", &line[7..]), // unknown ticket
            }
        };
        out.push_str(&line);
        out.push_str(if n % 13 == 5 { "\r\n" } else { "\n" });
        if n % 1511 == 7 {
            out.push('\n');
        }
    }
    std::fs::write(data.join("ticket_events.csv"), out).unwrap();
    // Tickets: a duplicate id and a quoted subject with a newline in it.
    let mut tickets = std::fs::read_to_string(data.join("tickets.csv")).unwrap();
    let second = tickets.lines().nth(2).unwrap().to_string();
    tickets.push_str(&second.replacen("Compute", "\"Com\npute\"", 1));
    tickets.push('\n');
    std::fs::write(data.join("tickets.csv"), tickets).unwrap();

    let ingest = |lake: &std::path::Path, piece_bytes: &str| {
        let o = ingest_command(&data, lake)
            .env("SLAREVIEW_PIECE_BYTES", piece_bytes)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        reconciled_counts(lake);
        lake_bytes(lake)
    };
    let pieces = ingest(&t.path().join("pieces"), "1");
    let sequence = ingest(&t.path().join("sequence"), "1000000000000");
    assert_eq!(
        pieces.keys().collect::<Vec<_>>(),
        sequence.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &pieces {
        assert!(
            bytes == &sequence[name],
            "{name} differs between the two readings"
        );
    }
    let rs = rejects(&t.path().join("pieces"));
    // Each kind of break is there, so the comparison covers reject paths of both readers.
    for reason in [
        "has no time zone offset",
        "(truncated line?)",
        "unknown event kind",
        "(unquoted comma?)",
        "not found in tickets",
        "duplicate ticket_id",
    ] {
        assert!(
            rs.iter().any(|r| r.reason.contains(reason)),
            "no reject saying `{reason}`: {rs:#?}"
        );
    }
}
