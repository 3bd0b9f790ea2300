//! slareview never deletes or changes a file it did not write: a lake folder or an output folder
//! holding a user's files is refused (exit 2, naming the file), and files beside slareview's own
//! outputs are left alone by every run.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// A user's files, written under `dir`, and their contents, to check later.
fn plant(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn assert_intact(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        let got = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("`{}` was lost: {e}", p.display()));
        assert_eq!(&got, text, "`{}` was changed", p.display());
    }
}

const MINE: &[(&str, &str)] = &[
    ("notes.txt", "my notes"),
    ("Documents/tax.txt", "my tax return"),
];

#[test]
fn ingest_refuses_a_lake_folder_holding_user_files_and_keeps_them() {
    let (_t, data, lake) = valid_folder();
    plant(&lake, MINE);
    let o = ingest_command(&data, &lake).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("did not write"), "{err}");
    assert!(err.contains("Documents"), "names the file: {err}");
    assert!(err.contains("hint:"), "{err}");
    assert_intact(&lake, MINE);
}

#[test]
fn ingest_refuses_a_user_file_added_to_its_own_lake_later() {
    let (_t, data, lake) = valid_folder();
    ingest_ok(&data, &lake, &[]);
    plant(&lake, &[("notes.txt", "my notes")]);
    let o = ingest_command(&data, &lake).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("`notes.txt`"), "{}", stderr(&o));
    assert_intact(&lake, &[("notes.txt", "my notes")]);
    // The lake itself is still the complete one.
    assert_eq!(reconciled_counts(&lake)["tickets.csv"], (3, 3, 0));
}

#[test]
fn run_refuses_user_files_in_its_lake_tables_and_reports_folders() {
    let t = tmp();
    let (data, _) = paths(&t);
    valid_data(&data);
    for sub in ["lake", "tables", "reports/2026Q3"] {
        let out = t.path().join(format!("out-{}", sub.replace('/', "-")));
        let folder = out.join(sub);
        plant(&folder, MINE);
        let o = bin()
            .args(["run", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .args(["--period", "2026Q3"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{sub}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("did not write"), "{sub}: {err}");
        assert_intact(&folder, MINE);
        // Nothing was swapped in, and no staging folder is left behind.
        assert!(!out.join("summary_2026Q3.html").exists(), "{sub}");
        assert!(!out.join(".slareview-staging").exists(), "{sub}");
    }
}

#[test]
fn run_keeps_user_files_beside_its_outputs_across_runs() {
    let t = tmp();
    let (data, _) = paths(&t);
    valid_data(&data);
    let out = t.path().join("out");
    let mine: &[(&str, &str)] = &[
        ("notes.txt", "my notes"),
        ("Documents/tax.txt", "my tax return"),
        ("reports/my_own_review.md", "my review"),
    ];
    plant(&out, mine);
    run_ok(&data, &out, &["--period", "2026Q3"]);
    run_ok(&data, &out, &["--period", "2026Q3"]);
    assert_intact(&out, mine);
    assert!(out.join("reports/2026Q3/portfolio.html").exists());
    assert!(out.join("lake/manifest.json").exists());
}

#[test]
fn run_refuses_to_replace_a_summary_file_it_did_not_write() {
    let t = tmp();
    let (data, _) = paths(&t);
    valid_data(&data);
    let out = t.path().join("out");
    let mine: &[(&str, &str)] = &[("summary_2026Q3.html", "<p>my own summary</p>")];
    plant(&out, mine);
    let o = bin()
        .args(["run", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .args(["--period", "2026Q3"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("summary_2026Q3.html"), "{}", stderr(&o));
    assert_intact(&out, mine);
}

fn run_crashing_at(data: &Path, out: &Path, step: &str) -> std::process::Output {
    bin()
        .args(["run", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(["--period", "2026Q3"])
        .env("SLAREVIEW_CRASH_AT", step)
        .output()
        .unwrap()
}

/// A data folder and an output folder holding one complete run, with one of its tables' bytes.
fn one_complete_run() -> (tempfile::TempDir, PathBuf, PathBuf, Vec<u8>) {
    let t = tmp();
    let (data, _) = paths(&t);
    valid_data(&data);
    let out = t.path().join("out");
    run_ok(&data, &out, &["--period", "2026Q3"]);
    let before = std::fs::read(out.join("tables/ticket_sla.csv")).unwrap();
    (t, data, out, before)
}

#[test]
fn a_run_killed_before_its_journal_leaves_the_previous_outputs_and_the_next_run_clears_it() {
    let (_t, data, out, before) = one_complete_run();
    let o = run_crashing_at(&data, &out, "before_commit");
    assert!(!o.status.success(), "the crash must kill the run");
    assert!(out.join(".slareview-staging").exists());
    assert_eq!(
        std::fs::read(out.join("tables/ticket_sla.csv")).unwrap(),
        before
    );
    let o = run_ok(&data, &out, &["--period", "2026Q3"]);
    assert!(stderr(&o).contains("note: removed"), "{}", stderr(&o));
    assert!(!out.join(".slareview-staging").exists());
}

#[test]
fn a_run_killed_between_two_swaps_is_finished_by_the_next_command() {
    let (_t, data, out, before) = one_complete_run();
    // The lake is swapped in, the tables not yet.
    let o = run_crashing_at(&data, &out, "swapped lake");
    assert!(!o.status.success(), "the crash must kill the run");
    assert!(out.join(".slareview-staging/COMMIT.json").exists());
    assert_eq!(
        std::fs::read(out.join("tables/ticket_sla.csv")).unwrap(),
        before
    );
    let o = run_ok(&data, &out, &["--period", "2026Q3"]);
    assert!(
        stderr(&o).contains("finished swapping in"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join(".slareview-staging").exists());
    assert_eq!(
        std::fs::read(out.join("tables/ticket_sla.csv")).unwrap(),
        before
    );
}

#[test]
fn generate_never_overwrites_a_user_file_and_leaves_others_alone() {
    let t = tmp();
    let out = t.path().join("gen");
    plant(&out, &[("contracts.csv", "my contracts")]);
    let o = slareview(&[
        "generate",
        "--tickets",
        "20",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("contracts.csv"), "{}", stderr(&o));
    assert_intact(&out, &[("contracts.csv", "my contracts")]);
    // Nothing was written: the refusal comes first.
    assert!(!out.join("tickets.csv").exists());

    std::fs::remove_file(out.join("contracts.csv")).unwrap();
    plant(&out, MINE);
    for _ in 0..2 {
        let o = slareview(&[
            "generate",
            "--tickets",
            "20",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_intact(&out, MINE);
    assert!(out.join("tickets.csv").exists());
}
