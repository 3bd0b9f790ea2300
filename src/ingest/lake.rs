//! Writing the Parquet lake so that a crash at any point leaves the previous lake readable.
//!
//! The new lake is written whole into a sibling folder `.<name>.partial`, every file synced,
//! then swapped in by two renames: `<lake>` -> `.<name>.previous`, partial -> `<lake>`. A crash
//! before the first rename leaves the old lake untouched; a crash between the two renames
//! leaves the old lake in `.<name>.previous`, which `recover` (called before every read and
//! write) moves back. Nothing in the lake carries a wall-clock time, so the same inputs give the
//! same bytes (idempotent ingest).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{IngestError, Ingested, Manifest};
use crate::store::staging::{check_folder, crash_point, create_marked, mark};
use crate::store::{write_csv, write_parquet, write_row_groups};

pub use crate::store::MANIFEST;
pub const REJECTS: &str = "rejects";

fn sibling(lake: &Path, suffix: &str) -> PathBuf {
    let name = lake
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "lake".into());
    lake.with_file_name(format!(".{name}.{suffix}"))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IngestError + '_ {
    move |e| IngestError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Puts back a lake that a crash left half-swapped, and clears a crashed partial write. Only
/// folders that carry slareview's marker (or are empty) are ever removed.
pub fn recover(lake: &Path) -> Result<(), IngestError> {
    let previous = sibling(lake, "previous");
    if previous.exists() {
        if lake.exists() {
            // The swap finished; only the clean-up was lost.
            remove_ours(&previous)?;
        } else {
            fs::rename(&previous, lake).map_err(io(lake))?;
            tracing::warn!(
                "restored the previous lake at `{}` after an interrupted ingest",
                lake.display()
            );
        }
    }
    let partial = sibling(lake, "partial");
    if partial.exists() {
        remove_ours(&partial)?;
    }
    Ok(())
}

/// Removes a folder slareview wrote (its marker lists everything in it); refuses otherwise.
fn remove_ours(dir: &Path) -> Result<(), IngestError> {
    check_folder(dir)?;
    fs::remove_dir_all(dir).map_err(io(dir))
}

/// Writes a table's kept rows to `path` one row group at a time (`store::write_row_groups`):
/// the groups `write_parquet` would make of the whole kept frame (`super::row_groups`), so the
/// file is the one polars writes. Returns the number of row groups.
fn write_table(table: &super::Table, path: &Path) -> Result<usize, IngestError> {
    let groups = super::row_groups(table);
    write_row_groups(path, groups.len(), |k| {
        let (rows, kept) = groups[k].clone();
        super::frame_of_rows(table, rows, kept)
    })?;
    Ok(groups.len())
}

/// Writes the lake for `ing` at `lake` atomically. A folder at `lake` that holds anything
/// slareview did not write is refused, never replaced.
pub fn write(lake: &Path, ing: &Ingested, manifest: &Manifest) -> Result<(), IngestError> {
    if let Some(parent) = lake.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    recover(lake)?;
    check_folder(lake)?;
    let partial = sibling(lake, "partial");
    write_files(&partial, ing, manifest)?;
    crash_point("before_swap");

    let previous = sibling(lake, "previous");
    if lake.exists() {
        fs::rename(lake, &previous).map_err(io(lake))?;
        crash_point("mid_swap");
    }
    fs::rename(&partial, lake).map_err(io(lake))?;
    if previous.exists() {
        remove_ours(&previous)?;
    }
    if let Some(parent) = lake.parent() {
        if let Ok(d) = File::open(parent) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Writes the lake's files into the new folder `dir`, marked as slareview's from the start (so
/// a crash part-way leaves a folder the next run may remove) and listing its files at the end.
pub fn write_files(dir: &Path, ing: &Ingested, manifest: &Manifest) -> Result<(), IngestError> {
    create_marked(dir)?;

    // Tables are written concurrently: polars compresses a file's pages on the one thread that
    // writes it, so one file alone keeps about one core busy.
    {
        use rayon::prelude::*;
        ing.tables
            .par_iter()
            .try_for_each(|table| -> Result<(), IngestError> {
                let started = std::time::Instant::now();
                let path = dir.join(format!("{}.parquet", table.spec.name));
                let groups = write_table(table, &path)?;
                tracing::info!(
                    "wrote `{}.parquet` ({groups} row groups) in {:.2?}",
                    table.spec.name,
                    started.elapsed()
                );
                crash_point(table.spec.name);
                Ok(())
            })?;
    }
    let mut rejects = super::rejects_frame(ing)?;
    write_parquet(&mut rejects, &dir.join(format!("{REJECTS}.parquet")))?;
    write_csv(&rejects, &dir.join(format!("{REJECTS}.csv")))?;
    let manifest_path = dir.join(MANIFEST);
    let mut f = File::create(&manifest_path).map_err(io(&manifest_path))?;
    let text = serde_json::to_string_pretty(manifest).expect("manifest serialises");
    f.write_all(text.as_bytes())
        .and_then(|_| f.write_all(b"\n"))
        .map_err(io(&manifest_path))?;
    f.sync_all().map_err(io(&manifest_path))?;
    mark(dir)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod row_group_tests {
    use super::*;

    /// The lake writes a table row group by row group from its parts; the file must be the one
    /// polars' `ParquetWriter::finish` makes of the whole kept frame, byte for byte. 700,000 rows
    /// (600,000 kept) make two row groups across many parts, 100,000 one, none an empty file.
    #[test]
    fn row_group_writing_gives_the_file_polars_writes() {
        let dir = tempfile::tempdir().unwrap();
        for (n, groups) in [(700_000, 2), (100_000, 1), (0, 1)] {
            let t = super::super::tests::many_events(n, 65_536);
            let (ours, theirs) = (dir.path().join("ours"), dir.path().join("theirs"));
            assert_eq!(write_table(&t, &ours).unwrap(), groups);
            write_parquet(&mut super::super::to_frame(&t).unwrap(), &theirs).unwrap();
            let (a, b) = (fs::read(&ours).unwrap(), fs::read(&theirs).unwrap());
            assert!(
                a == b,
                "{n} rows: files differ ({} vs {} bytes)",
                a.len(),
                b.len()
            );
        }
    }
}
