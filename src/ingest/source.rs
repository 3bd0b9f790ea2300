//! Finding a table's export in a data folder and reading it row by row, whatever its format
//! (CSV, NDJSON, Parquet) and encoding (UTF-8 with or without BOM, CP949/EUC-KR).
//!
//! Every format comes out the same way: a header mapped onto the table's spec and, per row, its
//! line number and cells as text. Validation then has one code path for all three formats, so a
//! rule cannot hold for CSV and be forgotten for NDJSON.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::IngestError;
use crate::model::schema::TableSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Ndjson,
    Parquet,
}

/// Text encoding of a CSV or NDJSON export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "cp949")]
    Cp949,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "cp949" | "euc-kr" | "euckr" | "ks-c-5601-1987" | "windows-949" => {
                Some(Encoding::Cp949)
            }
            _ => None,
        }
    }
}

/// One export file found for a table.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The file name as reports and rejects show it (`tickets.csv`).
    pub name: String,
    pub format: Format,
}

/// Looks for `<table>.csv`, `.ndjson`, `.jsonl` or `.parquet` (any case); more than one is an
/// error, because which one is the truth would be a guess.
pub fn find(dir: &Path, spec: &TableSpec) -> Result<Option<SourceFile>, IngestError> {
    let entries = std::fs::read_dir(dir).map_err(|e| IngestError::DataDir {
        dir: dir.to_path_buf(),
        source: e,
    })?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let lower = name.to_ascii_lowercase();
        let Some((stem, ext)) = lower.rsplit_once('.') else {
            continue;
        };
        if stem != spec.name {
            continue;
        }
        let format = match ext {
            "csv" => Format::Csv,
            "ndjson" | "jsonl" => Format::Ndjson,
            "parquet" => Format::Parquet,
            _ => continue,
        };
        found.push(SourceFile {
            path: entry.path(),
            name,
            format,
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(IngestError::Ambiguous {
            table: spec.name,
            files: found.into_iter().map(|f| f.name).collect(),
        }),
    }
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header of a file, mapped onto a table spec.
#[derive(Debug)]
pub struct HeaderMap {
    /// For each spec column, its position in the file, if present.
    pub spec_pos: Vec<Option<usize>>,
    /// Columns the spec does not know: (name as in the file, position). Kept, not rejected.
    pub extras: Vec<(String, usize)>,
    /// Number of fields in the header.
    pub width: usize,
}

impl HeaderMap {
    /// Matches names case-insensitively; a missing required column is an error for the whole file.
    pub fn new(spec: &TableSpec, file: &str, header: &[String]) -> Result<HeaderMap, IngestError> {
        let lower: Vec<String> = header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let mut spec_pos = Vec::with_capacity(spec.columns.len());
        for col in spec.columns {
            let pos = lower.iter().position(|h| h == col.name);
            if pos.is_none() && col.required && col.default.is_none() {
                return Err(IngestError::MissingColumn {
                    file: file.to_string(),
                    column: col.name,
                    found: header.iter().map(|h| h.trim().to_string()).collect(),
                    expected: spec
                        .columns
                        .iter()
                        .filter(|c| c.required)
                        .map(|c| c.name)
                        .collect(),
                });
            }
            spec_pos.push(pos);
        }
        let mut extras = Vec::new();
        for (i, h) in lower.iter().enumerate() {
            // `source_line` is the lake's own column (a lake table read back as an export).
            if h.is_empty() || h == "source_line" || spec.columns.iter().any(|c| c.name == h) {
                continue;
            }
            // A duplicated extra header keeps its first occurrence only; spec columns were
            // matched on their first occurrence above.
            if extras
                .iter()
                .any(|(n, _): &(String, usize)| n.to_ascii_lowercase() == *h)
            {
                continue;
            }
            extras.push((header[i].trim().to_string(), i));
        }
        Ok(HeaderMap {
            spec_pos,
            extras,
            width: header.len(),
        })
    }
}

/// One row as read, before any rule is applied.
pub enum RawRow {
    /// A CSV record; its cells are checked (count, UTF-8) by whoever validates it.
    Csv { line: u64, record: csv::ByteRecord },
    /// Cells already as text (NDJSON, Parquet), indexed by header position.
    Cells {
        line: u64,
        cells: Vec<Option<String>>,
    },
    /// A row that could not even be split into cells: its line and why.
    Broken {
        line: u64,
        reason: String,
        value: Option<String>,
    },
}

/// Cells of a row as text, or why they cannot be had.
pub fn cells_of<'a>(
    row: &'a RawRow,
    header: &[String],
) -> Result<(u64, Vec<Option<&'a str>>), (u64, String, Option<String>)> {
    match row {
        RawRow::Broken {
            line,
            reason,
            value,
        } => Err((*line, reason.clone(), value.clone())),
        RawRow::Cells { line, cells } => Ok((*line, cells.iter().map(|c| c.as_deref()).collect())),
        RawRow::Csv { line, record } => {
            let width = header.len();
            if record.len() != width {
                let raw: Vec<String> = record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                return Err((
                    *line,
                    format!(
                        "row has {} fields but the header has {width}{}",
                        record.len(),
                        if record.len() < width {
                            " (truncated line?)"
                        } else {
                            " (unquoted comma?)"
                        }
                    ),
                    Some(raw.join(",")),
                ));
            }
            let mut cells = Vec::with_capacity(width);
            for (i, f) in record.iter().enumerate() {
                match std::str::from_utf8(f) {
                    Ok("") => cells.push(None),
                    Ok(s) => cells.push(Some(s)),
                    Err(_) => {
                        return Err((
                            *line,
                            format!(
                                "column `{}` is not valid UTF-8; hint: if the file came from Korean Excel, pass --encoding cp949",
                                header[i].trim()
                            ),
                            Some(String::from_utf8_lossy(f).into_owned()),
                        ))
                    }
                }
            }
            Ok((*line, cells))
        }
    }
}

/// A file opened for reading: its header, then its rows in batches.
pub struct Rows {
    pub header: Vec<String>,
    pub encoding: Option<Encoding>,
    inner: RowsInner,
}

enum RowsInner {
    Csv((csv::Reader<std::io::Cursor<Vec<u8>>>, csv::ByteRecord)),
    Ready(std::vec::IntoIter<RawRow>),
}

impl Rows {
    /// Up to `max` rows; an empty batch means the end.
    pub fn next_batch(&mut self, max: usize) -> Vec<RawRow> {
        let mut out = Vec::with_capacity(max.min(1 << 16));
        match &mut self.inner {
            RowsInner::Ready(it) => out.extend(it.by_ref().take(max)),
            RowsInner::Csv((rdr, record)) => {
                while out.len() < max {
                    // Read into one reused record and keep an exact-size copy: a fresh record
                    // per row would regrow its buffers field by field.
                    match rdr.read_byte_record(record) {
                        Ok(false) => break,
                        Ok(true) => {
                            let line = record.position().map(|p| p.line()).unwrap_or(0);
                            // A line holding nothing at all is not a row (trailing blank lines).
                            if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
                                continue;
                            }
                            out.push(RawRow::Csv {
                                line,
                                record: record.clone(),
                            });
                        }
                        Err(e) => {
                            let line = e.position().map(|p| p.line()).unwrap_or(0);
                            out.push(RawRow::Broken {
                                line,
                                reason: format!("unreadable CSV: {e}"),
                                value: None,
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

/// Opens a table's file: reads its header (checked by the caller) and prepares its rows.
pub fn open(src: &SourceFile, encoding: Option<Encoding>) -> Result<Rows, IngestError> {
    match src.format {
        Format::Csv => open_csv(src, encoding),
        Format::Ndjson => open_ndjson(src, encoding),
        Format::Parquet => open_parquet(src),
    }
}

fn io_err(src: &SourceFile, e: std::io::Error) -> IngestError {
    IngestError::Io {
        path: src.path.clone(),
        source: e,
    }
}

/// Reads the whole file as text. UTF-8 (a BOM is dropped) unless the user named CP949, or the
/// bytes are not UTF-8 but decode cleanly as CP949 (how Korean Excel saves CSV).
fn load_text(
    src: &SourceFile,
    encoding: Option<Encoding>,
) -> Result<(Vec<u8>, Encoding), IngestError> {
    let bytes = std::fs::read(&src.path).map_err(|e| io_err(src, e))?;
    let as_cp949 = |bytes: &[u8]| -> Option<Vec<u8>> {
        let (text, _, had_errors) = encoding_rs::EUC_KR.decode(bytes);
        (!had_errors).then(|| text.into_owned().into_bytes())
    };
    let strip_bom = |mut b: Vec<u8>| {
        if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
            b.drain(..3);
        }
        b
    };
    match encoding {
        Some(Encoding::Cp949) => match as_cp949(&bytes) {
            Some(text) => Ok((text, Encoding::Cp949)),
            None => Err(IngestError::Encoding {
                file: src.name.clone(),
                message: "is not valid CP949/EUC-KR".into(),
                hint: "check the export's encoding; drop --encoding to let slareview detect it",
            }),
        },
        Some(Encoding::Utf8) => Ok((strip_bom(bytes), Encoding::Utf8)),
        None => {
            if std::str::from_utf8(&bytes).is_ok() {
                Ok((strip_bom(bytes), Encoding::Utf8))
            } else if let Some(text) = as_cp949(&bytes) {
                tracing::info!("`{}` is not UTF-8; read as CP949 (Korean Excel)", src.name);
                Ok((text, Encoding::Cp949))
            } else {
                // Neither: read as UTF-8 so that only the bad rows are rejected, each naming its
                // line, instead of failing the whole file.
                Ok((strip_bom(bytes), Encoding::Utf8))
            }
        }
    }
}

fn open_csv(src: &SourceFile, encoding: Option<Encoding>) -> Result<Rows, IngestError> {
    let (text, used) = load_text(src, encoding)?;
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty {
            file: src.name.clone(),
        });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(std::io::Cursor::new(text));
    let header: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| IngestError::Malformed {
            file: src.name.clone(),
            message: e.to_string(),
        })?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    Ok(Rows {
        header,
        encoding: Some(used),
        inner: RowsInner::Csv((rdr, csv::ByteRecord::new())),
    })
}

fn open_ndjson(src: &SourceFile, encoding: Option<Encoding>) -> Result<Rows, IngestError> {
    let (text, used) = load_text(src, encoding)?;
    let text = String::from_utf8_lossy(&text);
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            file: src.name.clone(),
        });
    }
    // NDJSON has no header line: the columns are the union of keys, in first-seen order.
    let mut header: Vec<String> = Vec::new();
    let mut position = std::collections::HashMap::<String, usize>::new();
    let mut parsed = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(serde_json::Value::Object(map)) => {
                for k in map.keys() {
                    let low = k.trim().to_ascii_lowercase();
                    if !position.contains_key(&low) {
                        position.insert(low, header.len());
                        header.push(k.clone());
                    }
                }
                parsed.push((line, Ok(map)));
            }
            Ok(_) => parsed.push((line, Err("line is JSON but not an object".to_string()))),
            Err(e) => parsed.push((line, Err(format!("unreadable JSON: {e}")))),
        }
    }
    let rows: Vec<RawRow> = parsed
        .into_iter()
        .map(|(line, row)| match row {
            Err(reason) => RawRow::Broken {
                line,
                reason,
                value: None,
            },
            Ok(map) => {
                let mut cells = vec![None; header.len()];
                for (k, v) in map {
                    cells[position[&k.trim().to_ascii_lowercase()]] = match v {
                        serde_json::Value::Null => None,
                        serde_json::Value::String(s) if s.is_empty() => None,
                        serde_json::Value::String(s) => Some(s),
                        other => Some(other.to_string()),
                    };
                }
                RawRow::Cells { line, cells }
            }
        })
        .collect();
    Ok(Rows {
        header,
        encoding: Some(used),
        inner: RowsInner::Ready(rows.into_iter()),
    })
}

fn open_parquet(src: &SourceFile) -> Result<Rows, IngestError> {
    use polars::prelude::*;
    let malformed = |e: PolarsError| IngestError::Malformed {
        file: src.name.clone(),
        message: format!("unreadable Parquet: {e}"),
    };
    let file = File::open(&src.path).map_err(|e| io_err(src, e))?;
    let df = ParquetReader::new(file).finish().map_err(malformed)?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Every column as text, so that Parquet rows pass the same rules as CSV rows. Timestamps are
    // written back as RFC 3339 (with `Z` when the column has a zone, without an offset when it
    // has none, so the --assume-tz rule applies to Parquet too).
    let mut text_cols: Vec<Vec<Option<String>>> = Vec::with_capacity(header.len());
    for col in df.columns() {
        let s = col.as_materialized_series();
        let values: Vec<Option<String>> = match s.dtype() {
            DataType::Datetime(unit, tz) => {
                let per_sec: i64 = match unit {
                    TimeUnit::Milliseconds => 1_000,
                    TimeUnit::Microseconds => 1_000_000,
                    TimeUnit::Nanoseconds => 1_000_000_000,
                };
                let fmt = if tz.is_some() {
                    "%Y-%m-%dT%H:%M:%SZ"
                } else {
                    "%Y-%m-%dT%H:%M:%S"
                };
                let phys = s.to_physical_repr();
                phys.i64()
                    .map_err(malformed)?
                    .iter()
                    .map(|v| {
                        v.and_then(|v| {
                            chrono::DateTime::from_timestamp(v.div_euclid(per_sec), 0)
                                .map(|d| d.format(fmt).to_string())
                        })
                    })
                    .collect()
            }
            DataType::Date => {
                let phys = s.to_physical_repr();
                phys.i32()
                    .map_err(malformed)?
                    .iter()
                    .map(|v| v.map(|d| crate::model::date_from_days(d).to_string()))
                    .collect()
            }
            _ => {
                let cast = s.cast(&DataType::String).map_err(malformed)?;
                cast.str()
                    .map_err(malformed)?
                    .iter()
                    .map(|v| v.filter(|s| !s.is_empty()).map(|s| s.to_string()))
                    .collect()
            }
        };
        text_cols.push(values);
    }
    // Parquet has no lines: row 1 is the first row, as a spreadsheet would number it.
    let rows: Vec<RawRow> = (0..df.height())
        .map(|r| RawRow::Cells {
            line: r as u64 + 1,
            cells: text_cols.iter_mut().map(|c| c[r].take()).collect(),
        })
        .collect();
    Ok(Rows {
        header,
        encoding: None,
        inner: RowsInner::Ready(rows.into_iter()),
    })
}
