//! Golden snapshots: every table `slareview run` writes for `sample_data/` (period 2026Q3 and
//! the three before it), compared line by line with `tests/golden/sample_data/`. A change to
//! any figure, row or column shows up here as a failing test with the first differing line.
//! When the change is intended, rewrite the snapshots and review them in the diff:
//!
//!     UPDATE_GOLDEN=1 cargo test --test golden

mod common;

use std::path::Path;

use common::*;

#[test]
fn every_table_matches_its_snapshot() {
    let t = tmp();
    let out = t.path().join("out");
    run_ok(sample_data(), &out, &[]);
    let golden = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/sample_data"
    ));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut written: Vec<String> = std::fs::read_dir(out.join("tables"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    written.sort();
    assert!(written.len() >= 17, "tables written: {written:?}");
    if update {
        let _ = std::fs::remove_dir_all(golden);
        std::fs::create_dir_all(golden).unwrap();
    }
    let mut failures = Vec::new();
    for name in &written {
        let got = std::fs::read_to_string(out.join("tables").join(name)).unwrap();
        let path = golden.join(name);
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let Ok(want) = std::fs::read_to_string(&path) else {
            failures.push(format!("{name}: no snapshot (a new table?)"));
            continue;
        };
        if got != want {
            // The first line that differs; when one text is a prefix of the other, the first
            // line only one of them has.
            let (g_lines, w_lines): (Vec<&str>, Vec<&str>) =
                (got.lines().collect(), want.lines().collect());
            let i = (0..g_lines.len().max(w_lines.len()))
                .find(|&i| g_lines.get(i) != w_lines.get(i))
                .unwrap_or(0);
            let g = g_lines.get(i).copied().unwrap_or("(end)");
            let w = w_lines.get(i).copied().unwrap_or("(end)");
            failures.push(format!(
                "{name}: line {} differs ({} rows now, {} in the snapshot)\n  now:      {g}\n  snapshot: {w}",
                i + 1,
                got.lines().count(),
                want.lines().count()
            ));
        }
    }
    // A snapshot whose table is no longer written is a change too.
    if !update {
        for e in std::fs::read_dir(golden).unwrap() {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            if !written.contains(&n) {
                failures.push(format!("{n}: in the snapshots but no longer written"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nif the change is intended: UPDATE_GOLDEN=1 cargo test --test golden, then review the diff",
        failures.join("\n")
    );
}
