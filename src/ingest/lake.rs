//! Writing the Parquet lake so that a crash at any point leaves the previous lake readable.
//!
//! The new lake is written whole into a sibling folder `.<name>.partial`, every file synced,
//! then swapped in by two renames: `<lake>` -> `.<name>.previous`, partial -> `<lake>`. A crash
//! before the first rename leaves the old lake untouched; a crash between the two renames
//! leaves the old lake in `.<name>.previous`, which `recover` (called before every read and
//! write) moves back. Nothing in the lake carries a wall-clock time, so the same inputs give the
//! same bytes (idempotent ingest).

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::{IngestError, Ingested, Manifest};

pub const MANIFEST: &str = "manifest.json";
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

/// Puts back a lake that a crash left half-swapped, and clears a crashed partial write.
pub fn recover(lake: &Path) -> Result<(), IngestError> {
    let previous = sibling(lake, "previous");
    if previous.exists() {
        if lake.exists() {
            // The swap finished; only the clean-up was lost.
            fs::remove_dir_all(&previous).map_err(io(&previous))?;
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
        fs::remove_dir_all(&partial).map_err(io(&partial))?;
    }
    Ok(())
}

/// Test hook: `SLAREVIEW_CRASH_AT=<step>` aborts the process at that step, as a power cut would.
fn crash_point(step: &str) {
    if std::env::var("SLAREVIEW_CRASH_AT").is_ok_and(|s| s == step) {
        eprintln!("slareview: simulated crash at `{step}`");
        std::process::abort();
    }
}

pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), IngestError> {
    let mut file = File::create(path).map_err(io(path))?;
    ParquetWriter::new(&mut file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .finish(df)?;
    file.sync_all().map_err(io(path))?;
    Ok(())
}

/// Writes a table's kept rows to `path` one row group at a time (the groups `write_parquet`
/// would make of the whole frame, so the file is the same), building the next group's polars
/// arrays while this one is encoded. Only two groups are ever held as polars arrays, and their
/// memory is reused rather than a whole table's worth faulted in. Returns the number of groups.
fn write_table(table: &super::Table, path: &Path) -> Result<usize, IngestError> {
    let groups = super::row_groups(table);
    let frame = |k: usize| {
        let (rows, kept) = groups[k].clone();
        super::frame_of_rows(table, rows, kept)
    };
    let mut file = File::create(path).map_err(io(path))?;
    let mut df = frame(0)?;
    let mut writer = ParquetWriter::new(&mut file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .batched(df.schema())?;
    for k in 0..groups.len() {
        let (written, next) = rayon::join(
            || writer.write_batch(&df),
            || (k + 1 < groups.len()).then(|| frame(k + 1)),
        );
        written?;
        match next {
            Some(next) => df = next?,
            None => break,
        }
    }
    writer.finish()?;
    file.sync_all().map_err(io(path))?;
    Ok(groups.len())
}

/// CSV for people and spreadsheets: a text cell starting with `=`, `+`, `-` or `@` gets a
/// leading `'` so that a spreadsheet shows it instead of running it.
pub fn write_csv(df: &DataFrame, path: &Path) -> Result<(), IngestError> {
    // Text columns are defused first; then polars' own (parallel) CSV writer does the rest.
    let columns: Vec<Column> = df
        .columns()
        .iter()
        .map(|c| -> PolarsResult<Column> {
            Ok(match c.dtype() {
                DataType::String => {
                    let ca = c.as_materialized_series().str()?.clone();
                    let needs = ca
                        .iter()
                        .flatten()
                        .any(|v| matches!(defuse(v), Cow::Owned(_)));
                    if needs {
                        StringChunked::from_iter_options(
                            c.name().clone(),
                            ca.iter().map(|o| o.map(defuse)),
                        )
                        .into_series()
                        .into()
                    } else {
                        c.clone()
                    }
                }
                _ => c.clone(),
            })
        })
        .collect::<PolarsResult<_>>()?;
    let mut out = DataFrame::new_infer_height(columns)?;
    let mut file = File::create(path).map_err(io(path))?;
    CsvWriter::new(&mut file)
        .include_header(true)
        .finish(&mut out)?;
    file.flush().map_err(io(path))?;
    Ok(())
}

/// A cell a spreadsheet would read as a formula is prefixed with `'`.
pub fn defuse_cell(s: &str) -> String {
    defuse(s).into_owned()
}

fn defuse(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        // A plain negative number is data, not a formula.
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if s.parse::<f64>().is_err() => {
            Cow::Owned(format!("'{s}"))
        }
        _ => Cow::Borrowed(s),
    }
}

/// Writes the lake for `ing` at `lake` atomically.
pub fn write(lake: &Path, ing: &Ingested, manifest: &Manifest) -> Result<(), IngestError> {
    if let Some(parent) = lake.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    recover(lake)?;
    let partial = sibling(lake, "partial");
    fs::create_dir_all(&partial).map_err(io(&partial))?;

    for table in &ing.tables {
        let started = std::time::Instant::now();
        let path = partial.join(format!("{}.parquet", table.spec.name));
        let groups = write_table(table, &path)?;
        tracing::info!(
            "wrote `{}.parquet` ({groups} row groups) in {:.2?}",
            table.spec.name,
            started.elapsed()
        );
        crash_point(table.spec.name);
    }
    let mut rejects = super::rejects_frame(ing)?;
    write_parquet(&mut rejects, &partial.join(format!("{REJECTS}.parquet")))?;
    write_csv(&rejects, &partial.join(format!("{REJECTS}.csv")))?;
    let manifest_path = partial.join(MANIFEST);
    let mut f = File::create(&manifest_path).map_err(io(&manifest_path))?;
    let text = serde_json::to_string_pretty(manifest).expect("manifest serialises");
    f.write_all(text.as_bytes())
        .and_then(|_| f.write_all(b"\n"))
        .map_err(io(&manifest_path))?;
    f.sync_all().map_err(io(&manifest_path))?;
    if let Ok(d) = File::open(&partial) {
        let _ = d.sync_all();
    }
    crash_point("before_swap");

    let previous = sibling(lake, "previous");
    if lake.exists() {
        fs::rename(lake, &previous).map_err(io(lake))?;
        crash_point("mid_swap");
    }
    fs::rename(&partial, lake).map_err(io(lake))?;
    if previous.exists() {
        fs::remove_dir_all(&previous).map_err(io(&previous))?;
    }
    if let Some(parent) = lake.parent() {
        if let Ok(d) = File::open(parent) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::defuse_cell;

    #[test]
    fn formula_cells_are_defused_but_numbers_are_not() {
        assert_eq!(defuse_cell("=1+1"), "'=1+1");
        assert_eq!(defuse_cell("+cmd"), "'+cmd");
        assert_eq!(defuse_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_cell("-x"), "'-x");
        assert_eq!(defuse_cell("-12.5"), "-12.5");
        assert_eq!(defuse_cell("plain"), "plain");
    }
}
