//! Golden snapshots: every table `slareview run` writes for `sample_data/` (period 2026Q3 and
//! the three before it), byte for byte, one insta snapshot per table in
//! `tests/golden/sample_data/<table>.csv.snap` (`common::assert_golden`). A change to any
//! figure, row or column fails here with insta's diff of the table. When the change is
//! intended, rewrite the snapshots and review them in the diff like code:
//!
//!     INSTA_UPDATE=always cargo test --test golden

mod common;

use common::*;

#[test]
fn every_table_matches_its_snapshot() {
    let t = tmp();
    let out = t.path().join("out");
    run_ok(sample_data(), &out, &[]);
    let mut written: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.join("tables"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    written.sort();
    assert!(
        written.len() >= 17,
        "tables written: {:?}",
        written.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert_golden("sample_data", &written);
}

/// insta compares text snapshots after folding CRLF to LF, trimming blank lines at the start and
/// whitespace at the end (`TextSnapshotContents::normalize`); the first line `exact` writes
/// still tells apart files that differ only there, so such a change fails like any other.
#[test]
fn snapshot_text_keeps_what_insta_folds() {
    let fold = |s: String| {
        s.trim_start_matches(['\r', '\n'])
            .trim_end()
            .replace("\r\n", "\n")
    };
    let base = b"a,b\n1,2\n".as_slice();
    for changed in [
        &b"a,b\n1,2"[..],
        b"a,b\n1,2\n\n",
        b"a,b\n1,2 \n",
        b"a,b\r\n1,2\r\n",
        b"\na,b\n1,2\n",
    ] {
        assert_ne!(
            fold(exact(base)),
            fold(exact(changed)),
            "{:?}",
            String::from_utf8_lossy(changed)
        );
    }
}
