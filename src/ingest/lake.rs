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

fn output_err(e: anyhow::Error) -> IngestError {
    IngestError::Output(format!("{e:#}"))
}

/// Removes a folder slareview wrote (its marker lists everything in it); refuses otherwise.
fn remove_ours(dir: &Path) -> Result<(), IngestError> {
    crate::output::check_folder(dir).map_err(output_err)?;
    fs::remove_dir_all(dir).map_err(io(dir))
}

use crate::output::crash_point;

/// The first I/O error a file being written returned.
type Seen = std::sync::Arc<std::sync::Mutex<Option<std::io::Error>>>;

/// A file being written that remembers the first I/O error it returned: polars' writers wrap
/// such an error in their own text (a full disk can come back as "Invalid thrift: transport
/// error"), so the error reported is the operating system's own.
struct Recorded {
    file: File,
    seen: Seen,
}

impl Recorded {
    fn create(path: &Path) -> Result<Recorded, IngestError> {
        Ok(Recorded {
            file: File::create(path).map_err(io(path))?,
            seen: Seen::default(),
        })
    }

    fn note<T>(&self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            let mut seen = self.seen.lock().expect("not poisoned");
            if seen.is_none() {
                *seen = Some(std::io::Error::new(e.kind(), e.to_string()));
            }
        }
        r
    }

    fn sync(self, path: &Path) -> Result<(), IngestError> {
        self.file.sync_all().map_err(io(path))
    }
}

impl Write for Recorded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.file.write(buf);
        self.note(r)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.file.flush();
        self.note(r)
    }
}

/// A polars error while writing `path`: the I/O error underneath it when there was one (a full
/// disk says so, once, with the file it could not finish), else polars' own.
fn write_error(seen: &Seen, path: &Path, e: PolarsError) -> IngestError {
    let source = match (seen.lock().expect("not poisoned").take(), e) {
        (Some(os), _) => os,
        (None, PolarsError::IO { error, .. }) => {
            std::io::Error::new(error.kind(), error.to_string())
        }
        (None, other) => std::io::Error::other(other.to_string()),
    };
    IngestError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), IngestError> {
    let mut file = Recorded::create(path)?;
    let seen = file.seen.clone();
    ParquetWriter::new(&mut file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .finish(df)
        .map_err(|e| write_error(&seen, path, e))?;
    file.sync(path)?;
    Ok(())
}

/// Writes a table's kept rows to `path` one row group at a time: the groups `write_parquet`
/// would make of the whole frame, each encoded and compressed as polars' `ParquetWriter` does,
/// so the file is the same. Polars' batched writer compresses pages on the one thread that
/// writes; here a few row groups are built, encoded and compressed in parallel (columns too, as
/// polars' streaming sink does) and then written in order. Only those few groups are ever held
/// as polars arrays, so their memory is reused rather than a whole table's worth faulted in.
/// Returns the number of row groups.
fn write_table(table: &super::Table, path: &Path) -> Result<usize, IngestError> {
    use polars::io::parquet::write::get_encodings;
    use polars_parquet::write::{
        array_to_columns, CompressedPage, Compressor, Version, WriteOptions,
    };
    use rayon::prelude::*;

    let groups = super::row_groups(table);
    let frame = |k: usize| {
        let (rows, kept) = groups[k].clone();
        super::frame_of_rows(table, rows, kept)
    };
    let first = frame(0)?;
    let schema = first.schema().clone();
    let encodings = get_encodings(&polars::io::schema_to_arrow_checked(
        &schema,
        CompatLevel::newest(),
        "parquet",
    )?);
    let options = WriteOptions {
        statistics: StatisticsOptions::default(),
        version: Version::V1,
        compression: ParquetCompression::Zstd(None).into(),
        data_page_size: None,
    };
    let mut file = Recorded::create(path)?;
    let seen = file.seen.clone();
    let failed = |e: PolarsError| write_error(&seen, path, e);
    let mut writer = ParquetWriter::new(&mut file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .batched(&schema)
        .map_err(failed)?;
    let types = writer.parquet_schema().fields().to_vec();
    // One row group's pages, column by column (in parallel).
    let encode = |df: &DataFrame| -> PolarsResult<Vec<Vec<CompressedPage>>> {
        let per_column: Vec<Vec<Vec<CompressedPage>>> = df
            .columns()
            .par_iter()
            .enumerate()
            .map(|(i, c)| {
                let array = c
                    .as_materialized_series()
                    .rechunk()
                    .to_arrow(0, CompatLevel::newest());
                array_to_columns(array, types[i].clone(), options, &encodings[i])?
                    .into_iter()
                    .map(|pages| {
                        let pages = pages.map(|p| {
                            p.map_err(|e| {
                                polars_parquet::read::ParquetError::FeatureNotSupported(
                                    e.to_string(),
                                )
                            })
                        });
                        Compressor::new_from_vec(pages, options.compression, vec![])
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(PolarsError::from)
                    })
                    .collect()
            })
            .collect::<PolarsResult<_>>()?;
        Ok(per_column.into_iter().flatten().collect())
    };
    let first = std::sync::Mutex::new(Some(first));
    let ks: Vec<usize> = (0..groups.len()).collect();
    for window in ks.chunks(4) {
        let encoded: Vec<PolarsResult<(usize, Vec<Vec<CompressedPage>>)>> = window
            .par_iter()
            .map(|&k| {
                let taken = if k == 0 {
                    first.lock().expect("not poisoned").take()
                } else {
                    None
                };
                let df = match taken {
                    Some(df) => df,
                    None => frame(k)?,
                };
                Ok((df.height(), encode(&df)?))
            })
            .collect();
        for e in encoded {
            let (rows, pages) = e?;
            if rows > 0 {
                writer
                    .write_row_group(rows as u64, &pages)
                    .map_err(failed)?;
            }
        }
    }
    writer.finish().map_err(failed)?;
    drop(writer);
    file.sync(path)?;
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
    let mut file = Recorded::create(path)?;
    let seen = file.seen.clone();
    CsvWriter::new(&mut file)
        .include_header(true)
        .finish(&mut out)
        .map_err(|e| write_error(&seen, path, e))?;
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

/// Writes the lake for `ing` at `lake` atomically. A folder at `lake` that holds anything
/// slareview did not write is refused, never replaced.
pub fn write(lake: &Path, ing: &Ingested, manifest: &Manifest) -> Result<(), IngestError> {
    if let Some(parent) = lake.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    recover(lake)?;
    crate::output::check_folder(lake).map_err(output_err)?;
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
    crate::output::create_marked(dir).map_err(output_err)?;

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
    crate::output::mark(dir).map_err(output_err)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
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
