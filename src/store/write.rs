//! Writing tables: Parquet (zstd, statistics) and CSV (header, formula-like text defused,
//! instants as UTC text). A file being written remembers its first I/O error, so that a full
//! disk is reported as the operating system says it, with the file, not as polars rewords it.

use std::borrow::Cow;
use std::fs::File;
use std::io::Write;
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use super::{io, StoreError};

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
    fn create(path: &Path) -> Result<Recorded, StoreError> {
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

    fn sync(self, path: &Path) -> Result<(), StoreError> {
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
fn write_error(seen: &Seen, path: &Path, e: PolarsError) -> StoreError {
    let source = match (seen.lock().expect("not poisoned").take(), e) {
        (Some(os), _) => os,
        (None, PolarsError::IO { error, .. }) => {
            std::io::Error::new(error.kind(), error.to_string())
        }
        (None, other) => std::io::Error::other(other.to_string()),
    };
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), StoreError> {
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

/// Writes a table to `path` one row group at a time, `frame(k)` giving the rows of group `k` of
/// `groups` (at least one): when they are the groups `write_parquet` would make of the whole
/// frame, each is encoded and compressed as polars' `ParquetWriter` does, so the file is the
/// same. Polars' batched writer compresses pages on the one thread that writes; here a few row
/// groups are built, encoded and compressed in parallel (columns too, as polars' streaming sink
/// does) and then written in order. Only those few groups are ever held as polars arrays, so
/// their memory is reused rather than a whole table's worth faulted in.
pub fn write_row_groups<F>(path: &Path, groups: usize, frame: F) -> Result<(), StoreError>
where
    F: Fn(usize) -> PolarsResult<DataFrame> + Sync,
{
    use polars::io::parquet::write::get_encodings;
    use polars_parquet::write::{
        array_to_columns, CompressedPage, Compressor, Version, WriteOptions,
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
    let ks: Vec<usize> = (0..groups).collect();
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
    Ok(())
}

/// CSV for people and spreadsheets: a text cell starting with `=`, `+`, `-` or `@` gets a
/// leading `'` so that a spreadsheet shows it instead of running it.
pub fn write_csv(df: &DataFrame, path: &Path) -> Result<(), StoreError> {
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

/// A datetime column as UTC text, `%Y-%m-%dT%H:%M:%SZ` (seconds truncated), written digit by
/// digit: polars' `strftime` goes through chrono's formatter for every value and was a third of
/// the time of writing a table's CSV.
fn utc_text(c: &Column, unit: TimeUnit) -> PolarsResult<Column> {
    let per_second = match unit {
        TimeUnit::Milliseconds => 1_000,
        TimeUnit::Microseconds => 1_000_000,
        TimeUnit::Nanoseconds => 1_000_000_000,
    };
    let physical = c.as_materialized_series().to_physical_repr();
    let values = physical.i64()?;
    let mut out = StringChunkedBuilder::new(c.name().clone(), values.len());
    let mut buf = [0u8; 32];
    for v in values.iter() {
        match v {
            Some(v) => out.append_value(utc_instant_text(v.div_euclid(per_second), &mut buf)),
            None => out.append_null(),
        }
    }
    Ok(out.finish().into_series().into())
}

/// `%Y-%m-%dT%H:%M:%SZ` of a count of seconds since 1970-01-01T00:00:00Z, into `buf`.
fn utc_instant_text(secs: i64, buf: &mut [u8; 32]) -> &str {
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        // Outside four digits (never after ingest's plausibility window): chrono says it.
        let text = chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default();
        let n = text.len().min(buf.len());
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        return std::str::from_utf8(&buf[..n]).unwrap_or_default();
    }
    let mut put = |at: usize, value: i64, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, of_day / 3_600, 2);
    put(14, of_day / 60 % 60, 2);
    put(17, of_day % 60, 2);
    buf[4] = b'-';
    buf[7] = b'-';
    buf[10] = b'T';
    buf[13] = b':';
    buf[16] = b':';
    buf[19] = b'Z';
    std::str::from_utf8(&buf[..20]).expect("ASCII digits")
}

/// One table as `<dir>/<name>.parquet` and `<dir>/<name>.csv`. In the CSV, instants are
/// RFC 3339 in UTC (`2026-07-03T08:00:00Z`), as in the exports.
pub fn write_table(dir: &Path, name: &str, df: &mut DataFrame) -> Result<(), StoreError> {
    let t = std::time::Instant::now();
    write_parquet(df, &dir.join(format!("{name}.parquet")))?;
    tracing::debug!("`{name}`: parquet {:.2?}", t.elapsed());
    let t = std::time::Instant::now();
    // Instants as `2026-10-04T23:14:42Z`, each column on a core of its own.
    let columns = df
        .columns()
        .par_iter()
        .map(|c| match c.dtype() {
            DataType::Datetime(unit, _) => utc_text(c, *unit),
            _ => Ok(c.clone()),
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    let formatted = DataFrame::new_infer_height(columns)?;
    write_csv(&formatted, &dir.join(format!("{name}.csv")))?;
    tracing::debug!("`{name}`: csv {:.2?}", t.elapsed());
    Ok(())
}

#[cfg(test)]
mod csv_text_tests {
    use super::*;

    #[test]
    fn instants_are_written_as_utc_text() {
        let mut buf = [0u8; 32];
        // Worked by hand: 1970-01-01 is day 0; 2000-02-29 is day 11016 (30 years of 365 days,
        // 7 leap days 1972..1996, then 31 + 28 days of 2000); 12:34:56 is 45296 s.
        assert_eq!(utc_instant_text(0, &mut buf), "1970-01-01T00:00:00Z");
        assert_eq!(
            utc_instant_text(11_016 * 86_400 + 45_296, &mut buf),
            "2000-02-29T12:34:56Z"
        );
        // One second before the epoch.
        assert_eq!(utc_instant_text(-1, &mut buf), "1969-12-31T23:59:59Z");
        // Every 90 days or so from 1906 to 2103 (2000 a leap year, 1970 crossed, 2100 not a
        // leap year), against chrono's formatter.
        for secs in (-2_000_000_000i64..4_200_000_000).step_by(7_777_777) {
            let chrono = chrono::DateTime::from_timestamp(secs, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            assert_eq!(utc_instant_text(secs, &mut buf), chrono, "{secs}");
        }
    }

    #[test]
    fn a_column_keeps_nulls_and_truncates_to_the_second() {
        let c: Column = Series::new("at".into(), vec![Some((86_400 + 1) * 1_000i64), None])
            .cast(&DataType::Datetime(
                TimeUnit::Milliseconds,
                Some(TimeZone::UTC),
            ))
            .unwrap()
            .into();
        let text = utc_text(&c, TimeUnit::Milliseconds).unwrap();
        let s = text.str().unwrap();
        assert_eq!(s.get(0), Some("1970-01-02T00:00:01Z"));
        assert_eq!(s.get(1), None);
    }
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
