//! Finding a table's export in a data folder and reading it row by row, whatever its format
//! (CSV, NDJSON, Parquet) and encoding (UTF-8 with or without BOM, CP949/EUC-KR).
//!
//! Every format comes out the same way: a header mapped onto the table's spec and, per row, its
//! line number and cells as text. Validation then has one code path for all three formats, so a
//! rule cannot hold for CSV and be forgotten for NDJSON.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// SHA-256 of bytes already in memory (a mapped file: no copy through a read buffer).
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
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
    /// A CSV record: fields `first..first + n` of its batch's arena.
    Csv { line: u64, first: u32, n: u32 },
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

/// Rows read together. CSV fields live in one byte arena per batch (no allocation per row).
pub struct Batch {
    pub rows: Vec<RawRow>,
    /// A piece without quotes, read in place (see `Batch::lines`); `rows` is then empty.
    text: Option<InPlace>,
    bytes: Vec<u8>,
    /// End of each field in `bytes`.
    ends: Vec<u32>,
    /// The whole file is known to be valid UTF-8, so no field needs checking again.
    utf8_known: bool,
}

impl Batch {
    fn field(&self, idx: u32) -> &[u8] {
        let start = if idx == 0 {
            0
        } else {
            self.ends[idx as usize - 1] as usize
        };
        &self.bytes[start..self.ends[idx as usize] as usize]
    }
}

/// Cells of a row as text, or why they cannot be had.
pub fn cells_of<'a>(
    batch: &'a Batch,
    row: &'a RawRow,
    header: &[String],
    cells: &mut Vec<Option<&'a str>>,
) -> Result<u64, (u64, String, Option<String>)> {
    cells.clear();
    match row {
        RawRow::Broken {
            line,
            reason,
            value,
        } => Err((*line, reason.clone(), value.clone())),
        RawRow::Cells { line, cells: given } => {
            cells.extend(given.iter().map(|c| c.as_deref()));
            Ok(*line)
        }
        RawRow::Csv { line, first, n } => {
            let width = header.len();
            let fields = (*first..*first + *n).map(|k| batch.field(k));
            if *n as usize != width {
                let raw: Vec<String> = fields
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                return Err((
                    *line,
                    field_count_reason(*n as usize, width),
                    Some(raw.join(",")),
                ));
            }
            for (i, f) in fields.enumerate() {
                cells.push(if f.is_empty() {
                    None
                } else {
                    Some(field_text(batch, f, header, i, *line)?)
                });
            }
            Ok(*line)
        }
    }
}

/// A piece of a CSV file that parses on its own (see `Rows::csv_chunks`): its bytes, the number
/// of its first line, and how many lines it spans (an upper bound on its rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub range: std::ops::Range<usize>,
    pub first_line: u64,
    pub lines: u64,
}

/// A piece whose rows are the lines of `text[range]`, read in place.
struct InPlace {
    text: Arc<Text>,
    range: std::ops::Range<usize>,
    first_line: u64,
    lines: u64,
}

impl Batch {
    /// For a piece read in place: its rows as (line number, start, end) of each non-blank line
    /// (line ending excluded), and how many lines it spans (an upper bound on its rows).
    pub fn lines(&self) -> Option<(Lines<'_>, usize)> {
        let p = self.text.as_ref()?;
        Some((
            Lines {
                text: &p.text[..p.range.end],
                pos: p.range.start,
                line: p.first_line,
            },
            p.lines as usize,
        ))
    }
}

/// Newlines in `bytes`, 64 bytes at a time with wrapping byte sums (a loop the compiler
/// vectorises even with overflow checks on, as in the dev profile).
fn count_newlines(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(64);
    let whole = (&mut chunks).fold(0usize, |n, c| {
        let k = c
            .iter()
            .fold(0u8, |a, &b| a.wrapping_add((b == b'\n') as u8));
        n.wrapping_add(k as usize)
    });
    whole + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

/// Line breaks in `text[range]`: a line ends at `\n`, `\r\n` or a lone `\r` (what "CSV
/// (Macintosh)" exports write), inside quoted fields too, as a text editor numbers lines. A
/// `\r` is lone unless the byte after it in `text` (even past the range) is `\n`, so a `\r\n`
/// cut between its two bytes is counted once, at its `\n`.
pub fn line_breaks(text: &[u8], range: std::ops::Range<usize>) -> u64 {
    let lf = count_newlines(&text[range.clone()]) as u64;
    let lone_cr = memchr::memchr_iter(b'\r', &text[range.clone()])
        .filter(|&k| text.get(range.start + k + 1) != Some(&b'\n'))
        .count() as u64;
    lf + lone_cr
}

/// Whether `text` holds a `\r` that is not followed by `\n`.
fn has_lone_cr(text: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', text).any(|i| text.get(i + 1) != Some(&b'\n'))
}

/// The lines of a piece read in place (see `Batch::lines`).
pub struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: u64,
}

impl Iterator for Lines<'_> {
    type Item = (u64, usize, usize);
    fn next(&mut self) -> Option<(u64, usize, usize)> {
        let text = self.text;
        while self.pos < text.len() {
            let start = self.pos;
            let stop = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |k| start + k);
            let mut end = stop;
            if end > start && text[end - 1] == b'\r' {
                end -= 1;
            }
            let line = self.line;
            self.line += 1;
            self.pos = stop + 1;
            // A line holding nothing at all is not a row (as for csv: blank lines).
            if end > start {
                return Some((line, start, end));
            }
        }
        None
    }
}

/// Cells of line `start..end` of a piece read in place (fields split at commas; no quotes).
pub fn line_cells<'a>(
    batch: &'a Batch,
    (line, start, end): (u64, usize, usize),
    header: &[String],
    cells: &mut Vec<Option<&'a str>>,
) -> Result<u64, (u64, String, Option<String>)> {
    cells.clear();
    let text = &batch.text.as_ref().expect("a batch read in place").text;
    let bytes = &text[start..end];
    let mut from = 0;
    for to in memchr::memchr_iter(b',', bytes).chain(std::iter::once(bytes.len())) {
        let f = &bytes[from..to];
        from = to + 1;
        cells.push(if f.is_empty() {
            None
        } else {
            Some(field_text(batch, f, header, cells.len(), line)?)
        });
    }
    let (n, width) = (cells.len(), header.len());
    if n != width {
        return Err((
            line,
            field_count_reason(n, width),
            Some(String::from_utf8_lossy(bytes).into_owned()),
        ));
    }
    Ok(line)
}

fn field_count_reason(n: usize, width: usize) -> String {
    format!(
        "row has {n} fields but the header has {width}{}",
        if n < width {
            " (truncated line?)"
        } else {
            " (unquoted comma?)"
        }
    )
}

/// A field's bytes as text (column `i`), or the reject for a field that is not UTF-8.
fn field_text<'a>(
    batch: &Batch,
    f: &'a [u8],
    header: &[String],
    i: usize,
    line: u64,
) -> Result<&'a str, (u64, String, Option<String>)> {
    if batch.utf8_known {
        // SAFETY: the file is valid UTF-8 as a whole, and CSV splits only at ASCII bytes,
        // which never occur inside a multi-byte UTF-8 sequence.
        return Ok(unsafe { std::str::from_utf8_unchecked(f) });
    }
    std::str::from_utf8(f).map_err(|_| {
        (
            line,
            format!(
                "column `{}` is not valid UTF-8; hint: if the file came from Korean Excel, pass --encoding cp949",
                header.get(i).map_or("?", |h| h.trim())
            ),
            Some(String::from_utf8_lossy(f).into_owned()),
        )
    })
}

/// Reads up to `max` records of `text[start..]` into `out`'s arena and returns the byte where
/// reading stopped. `line` is the line number at `start`.
///
/// The csv crate counts lines (quoted newlines included), but in a CRLF file it places a record
/// between the previous `\r` and `\n`, one line too low, and a record after blank lines at the
/// first blank line. So a record's line is the crate's count plus the line endings its reported
/// position still has to step over: a record starts at its first byte that is not one.
///
/// The crate counts only `\n`, while it ends a record at a lone `\r` too. When the text holds
/// lone carriage returns (`lone_cr`: CR-only or mixed line endings), lines are counted here
/// instead, with `line_breaks`, from each record's first byte to the next's.
fn read_csv_range(
    out: &mut Batch,
    text: &[u8],
    start: usize,
    line: u64,
    max: usize,
    lone_cr: bool,
) -> usize {
    let slice = &text[start..];
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(slice);
    let mut record = csv::ByteRecord::new();
    // With lone carriage returns: the last record's first byte in `slice`, and its line.
    let mut cursor = (0usize, line);
    let mut line_of = |pos: &csv::Position| -> u64 {
        let from = (pos.byte() as usize).min(slice.len());
        let ahead = slice[from..]
            .iter()
            .take_while(|&&b| matches!(b, b'\r' | b'\n'));
        if !lone_cr {
            return line - 1 + pos.line() + ahead.filter(|&&b| b == b'\n').count() as u64;
        }
        let first = from + ahead.count();
        if first > cursor.0 {
            cursor.1 += line_breaks(slice, cursor.0..first);
            cursor.0 = first;
        }
        cursor.1
    };
    while out.rows.len() < max {
        let begin = rdr.position().clone();
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_of(record.position().unwrap_or(&begin));
                // A line holding nothing at all is not a row (trailing blank lines).
                if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
                    continue;
                }
                let first = out.ends.len() as u32;
                for f in record.iter() {
                    out.bytes.extend_from_slice(f);
                    out.ends.push(out.bytes.len() as u32);
                }
                out.rows.push(RawRow::Csv {
                    line,
                    first,
                    n: record.len() as u32,
                });
            }
            Err(e) => {
                let line = line_of(e.position().unwrap_or(&begin));
                out.rows.push(RawRow::Broken {
                    line,
                    reason: format!("unreadable CSV: {e}"),
                    value: None,
                });
            }
        }
    }
    start + rdr.position().byte() as usize
}

/// A file opened for reading: its header, then its rows in batches.
pub struct Rows {
    pub header: Vec<String>,
    pub encoding: Option<Encoding>,
    inner: RowsInner,
}

enum RowsInner {
    /// The whole text, the first byte of the body (after the header), and where sequential
    /// reading stands (byte, and the line number there).
    Csv {
        text: Arc<Text>,
        body_start: usize,
        next: usize,
        next_line: u64,
        utf8_known: bool,
        /// Whether the body holds a lone `\r` (see `read_csv_range`); found when the body is
        /// first read in sequence (a file cut into pieces holds none).
        lone_cr: Option<bool>,
    },
    Ready(std::vec::IntoIter<RawRow>),
}

impl Rows {
    /// The file's text when it is mapped from the file as it is on disk.
    pub fn mapped(&self) -> Option<Arc<Text>> {
        match &self.inner {
            RowsInner::Csv { text, .. } if text.file_bytes().is_some() => Some(Arc::clone(text)),
            _ => None,
        }
    }

    /// Up to `max` rows; an empty batch means the end.
    pub fn next_batch(&mut self, max: usize) -> Batch {
        let mut out = Batch {
            rows: Vec::with_capacity(max.min(1 << 16)),
            text: None,
            bytes: Vec::new(),
            ends: Vec::new(),
            utf8_known: false,
        };
        match &mut self.inner {
            RowsInner::Ready(it) => out.rows.extend(it.by_ref().take(max)),
            RowsInner::Csv {
                text,
                body_start,
                next,
                next_line,
                utf8_known,
                lone_cr,
            } => {
                out.utf8_known = *utf8_known;
                let lone_cr = *lone_cr.get_or_insert_with(|| has_lone_cr(&text[*body_start..]));
                let stop = read_csv_range(&mut out, text, *next, *next_line, max, lone_cr);
                *next_line += line_breaks(text, *next..stop);
                *next = stop;
            }
        }
        out
    }
}

impl Rows {
    /// A CSV file's body cut at record boundaries into about `parts` pieces that parse on their
    /// own, each with the line number of its first line; `None` when the file is not CSV, is
    /// small, or cannot be cut safely.
    ///
    /// With RFC 4180 quoting (a quote inside a quoted field is doubled) a newline ends a record
    /// exactly when an even number of quotes comes before it. That holds only if every quote
    /// stands at the edge of a field, so the file is first checked for stray quotes (`5" disk`)
    /// and lone carriage returns; finding one, the caller reads the file sequentially, which
    /// gives the same rows. Counting and cutting run in parallel.
    pub fn csv_chunks(&self, parts: usize, min_bytes: usize) -> Option<Vec<Piece>> {
        use rayon::prelude::*;
        let RowsInner::Csv {
            text, body_start, ..
        } = &self.inner
        else {
            return None;
        };
        let (text, body_start): (&[u8], usize) = (text, *body_start);
        let len = text.len().checked_sub(body_start)?;
        if len < min_bytes || parts < 2 {
            return None;
        }
        // Pieces of at most 64 MiB, however large the file: a piece's rows go into one part of
        // the table, whose offsets are 32-bit (see `strcol`).
        let parts = parts.max(len.div_ceil(64 << 20));
        let seg = len.div_ceil(parts);
        let segments: Vec<std::ops::Range<usize>> = (0..parts)
            .map(|k| {
                (body_start + k * seg).min(text.len())..(body_start + (k + 1) * seg).min(text.len())
            })
            .collect();
        let edge = |b: u8| matches!(b, b',' | b'\n' | b'\r' | b'"');
        // Per segment: quotes, newlines, and whether every quote and carriage return is tame.
        let counts: Vec<(usize, usize, bool)> = segments
            .par_iter()
            .map(|r| {
                // Newlines are dense (a count the compiler vectorises); quotes and carriage
                // returns are rare, so memchr jumps between them.
                let newlines = count_newlines(&text[r.clone()]);
                let (mut quotes, mut ok) = (0, true);
                for j in memchr::memchr2_iter(b'"', b'\r', &text[r.clone()]) {
                    let i = r.start + j;
                    if text[i] == b'"' {
                        quotes += 1;
                        let before = i == body_start || edge(text[i - 1]);
                        let after = i + 1 == text.len() || edge(text[i + 1]);
                        ok &= before || after;
                    } else {
                        ok &= text.get(i + 1) == Some(&b'\n');
                    }
                }
                (quotes, newlines, ok)
            })
            .collect();
        if counts.iter().any(|c| !c.2) {
            return None;
        }
        let header_lines = line_breaks(text, 0..body_start);
        let (mut quotes_before, mut lines_before) =
            (vec![0usize; parts], vec![header_lines; parts]);
        for k in 1..parts {
            quotes_before[k] = quotes_before[k - 1] + counts[k - 1].0;
            lines_before[k] = lines_before[k - 1] + counts[k - 1].1 as u64;
        }
        // In each segment after the first, the first newline outside quotes is a cut.
        let cuts: Vec<Option<(usize, u64)>> = (1..parts)
            .into_par_iter()
            .map(|k| {
                let mut inside = quotes_before[k] % 2 == 1;
                let mut lines = lines_before[k];
                for i in segments[k].clone() {
                    match text[i] {
                        b'"' => inside = !inside,
                        b'\n' => {
                            lines += 1;
                            if !inside {
                                return Some((i + 1, lines));
                            }
                        }
                        _ => {}
                    }
                }
                None
            })
            .collect();
        let mut chunks: Vec<Piece> = Vec::with_capacity(parts);
        let (mut start, mut line) = (body_start, header_lines + 1);
        for (cut, lines) in cuts.into_iter().flatten() {
            if cut > start && cut < text.len() {
                chunks.push(Piece {
                    range: start..cut,
                    first_line: line,
                    lines: lines + 1 - line,
                });
                (start, line) = (cut, lines + 1);
            }
        }
        // The last piece runs to the end: its lines are the file's last ones (the one after a
        // final newline counted too; `lines` is an upper bound on a piece's rows).
        let last_line = lines_before[parts - 1] + counts[parts - 1].1 as u64 + 1;
        chunks.push(Piece {
            range: start..text.len(),
            first_line: line,
            lines: last_line + 1 - line,
        });
        Some(chunks)
    }

    /// Parses one piece from `csv_chunks` into a batch.
    pub fn parse_chunk(&self, piece: &Piece) -> Batch {
        let Piece {
            range,
            first_line,
            lines,
        } = piece.clone();
        let RowsInner::Csv {
            text, utf8_known, ..
        } = &self.inner
        else {
            unreachable!("csv_chunks only cuts CSV files")
        };
        // Most pieces hold no quote at all: their records are their lines and their fields are
        // split at commas, read in place from the file's text (no copy into an arena, no csv
        // state machine). csv_chunks has ruled out lone carriage returns.
        if memchr::memchr(b'"', &text[range.clone()]).is_none() {
            return Batch {
                rows: Vec::new(),
                text: Some(InPlace {
                    text: Arc::clone(text),
                    range,
                    first_line,
                    lines,
                }),
                bytes: Vec::new(),
                ends: Vec::new(),
                utf8_known: *utf8_known,
            };
        }
        let mut out = Batch {
            rows: Vec::new(),
            text: None,
            bytes: Vec::with_capacity(range.len()),
            ends: Vec::new(),
            utf8_known: *utf8_known,
        };
        read_csv_range(
            &mut out,
            &text[..range.end],
            range.start,
            first_line,
            usize::MAX,
            false,
        );
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

/// A file's text: mapped from the file when it can be used as it is (UTF-8), owned when it
/// had to be decoded (CP949). Mapping instead of reading saves a copy of the whole file.
pub enum Text {
    /// The mapping and where the text starts in it (after a UTF-8 byte-order mark).
    Mapped(memmap2::Mmap, usize),
    Owned(Vec<u8>),
}

impl Text {
    /// The whole file as it is on disk, when it is mapped (byte-order mark included).
    pub fn file_bytes(&self) -> Option<&[u8]> {
        match self {
            Text::Mapped(m, _) => Some(m),
            Text::Owned(_) => None,
        }
    }
}

impl std::ops::Deref for Text {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Text::Mapped(m, start) => &m[*start..],
            Text::Owned(v) => v,
        }
    }
}

/// Reads a file's text: UTF-8 (a BOM is skipped) unless the user named CP949, or the bytes are
/// not UTF-8 but decode cleanly as CP949 (how Korean Excel saves CSV). Also says whether the
/// text is known to be valid UTF-8 throughout, so rows need not be checked again.
fn load_text(
    src: &SourceFile,
    encoding: Option<Encoding>,
) -> Result<(Text, Encoding, bool), IngestError> {
    let file = File::open(&src.path).map_err(|e| io_err(src, e))?;
    let len = file.metadata().map_err(|e| io_err(src, e))?.len();
    let bytes = if len == 0 {
        Text::Owned(Vec::new())
    } else {
        // SAFETY: the map is read-only and lives only while this file is ingested. Like any
        // reader of a file, ingest assumes nobody rewrites the export while it reads it.
        Text::Mapped(
            unsafe { memmap2::Mmap::map(&file) }.map_err(|e| io_err(src, e))?,
            0,
        )
    };
    let as_cp949 = |bytes: &[u8]| -> Option<Text> {
        let (text, _, had_errors) = encoding_rs::EUC_KR.decode(bytes);
        (!had_errors).then(|| Text::Owned(text.into_owned().into_bytes()))
    };
    if encoding == Some(Encoding::Cp949) {
        return match as_cp949(&bytes) {
            Some(text) => Ok((text, Encoding::Cp949, true)),
            None => Err(IngestError::Encoding {
                file: src.name.clone(),
                message: "is not valid CP949/EUC-KR".into(),
                hint: "check the export's encoding; drop --encoding to let slareview detect it",
            }),
        };
    }
    let valid = std::str::from_utf8(&bytes).is_ok();
    if !valid && encoding.is_none() {
        if let Some(text) = as_cp949(&bytes) {
            tracing::info!("`{}` is not UTF-8; read as CP949 (Korean Excel)", src.name);
            return Ok((text, Encoding::Cp949, true));
        }
    }
    // UTF-8, or neither: then read as UTF-8 so that only the rows holding bad bytes are
    // rejected, each naming its line, instead of failing the whole file.
    let text = match bytes {
        Text::Mapped(m, _) if m.starts_with(&[0xEF, 0xBB, 0xBF]) => Text::Mapped(m, 3),
        other => other,
    };
    Ok((text, Encoding::Utf8, valid))
}

fn open_csv(src: &SourceFile, encoding: Option<Encoding>) -> Result<Rows, IngestError> {
    let (text, used, utf8_known) = load_text(src, encoding)?;
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty {
            file: src.name.clone(),
        });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(&text[..]);
    let header: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| IngestError::Malformed {
            file: src.name.clone(),
            message: e.to_string(),
        })?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let mut body_start = rdr.position().byte() as usize;
    // After a CRLF header the reader stands between `\r` and `\n`; the `\n` is the header's.
    if body_start > 0 && text[body_start - 1] == b'\r' && text.get(body_start) == Some(&b'\n') {
        body_start += 1;
    }
    let next_line = 1 + line_breaks(&text, 0..body_start);
    Ok(Rows {
        header,
        encoding: Some(used),
        inner: RowsInner::Csv {
            text: Arc::new(text),
            body_start,
            next: body_start,
            next_line,
            utf8_known,
            lone_cr: None,
        },
    })
}

/// The lines of a text, each ending at `\n`, `\r\n` or a lone `\r` (as `line_breaks` counts
/// them); a final line without an ending is a line, a final ending adds none.
fn physical_lines(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= b.len() {
            return None;
        }
        let from = start;
        match memchr::memchr2(b'\r', b'\n', &b[from..]) {
            Some(k) => {
                let at = from + k;
                start = if b[at] == b'\r' && b.get(at + 1) == Some(&b'\n') {
                    at + 2
                } else {
                    at + 1
                };
                Some(&text[from..at])
            }
            None => {
                start = b.len();
                Some(&text[from..])
            }
        }
    })
}

fn open_ndjson(src: &SourceFile, encoding: Option<Encoding>) -> Result<Rows, IngestError> {
    let (text, used, _) = load_text(src, encoding)?;
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
    for (i, raw) in physical_lines(&text).enumerate() {
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
                // An instant beyond any calendar is written as its number, so that it is a
                // reject naming it rather than an empty cell.
                phys.i64()
                    .map_err(malformed)?
                    .iter()
                    .map(|v| {
                        v.map(|v| {
                            chrono::DateTime::from_timestamp(v.div_euclid(per_sec), 0)
                                .map(|d| d.format(fmt).to_string())
                                .unwrap_or_else(|| format!("{v} {unit} since 1970-01-01"))
                        })
                    })
                    .collect()
            }
            DataType::Date => {
                let phys = s.to_physical_repr();
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
                phys.i32()
                    .map_err(malformed)?
                    .iter()
                    .map(|v| {
                        v.map(|d| {
                            epoch
                                .checked_add_signed(chrono::Duration::days(d as i64))
                                .map(|d| d.to_string())
                                .unwrap_or_else(|| format!("{d} days since 1970-01-01"))
                        })
                    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn open_text(text: &str) -> (tempfile::TempDir, Rows) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        let src = SourceFile {
            path,
            name: "t.csv".into(),
            format: Format::Csv,
        };
        let rows = open(&src, None).unwrap();
        (dir, rows)
    }

    /// (line, fields) of every row, however the rows were read.
    fn flatten(batches: &[Batch], header: &[String]) -> Vec<(u64, Vec<Option<String>>)> {
        let mut out = Vec::new();
        for b in batches {
            if let Some((lines, _)) = b.lines() {
                for l in lines {
                    let mut cells = Vec::new();
                    match line_cells(b, l, header, &mut cells) {
                        Ok(line) => {
                            out.push((line, cells.iter().map(|c| c.map(str::to_string)).collect()))
                        }
                        Err((line, reason, _)) => {
                            out.push((line, vec![Some(format!("ERR {reason}"))]))
                        }
                    }
                }
            }
            for r in &b.rows {
                let mut cells = Vec::new();
                match cells_of(b, r, header, &mut cells) {
                    Ok(line) => {
                        out.push((line, cells.iter().map(|c| c.map(str::to_string)).collect()))
                    }
                    Err((line, reason, _)) => out.push((line, vec![Some(format!("ERR {reason}"))])),
                }
            }
        }
        out
    }

    /// `text` read both ways: cut into about 7 pieces, and batch by batch in sequence.
    struct Readings {
        _dir: tempfile::TempDir,
        pieces: Vec<Piece>,
        cut: Vec<Batch>,
        in_pieces: Vec<(u64, Vec<Option<String>>)>,
        in_sequence: Vec<(u64, Vec<Option<String>>)>,
    }

    fn read_both(text: &str) -> Readings {
        let (dir, mut seq) = open_text(text);
        let header = seq.header.clone();
        let pieces = seq.csv_chunks(7, 0).expect("the text can be cut");
        assert!(pieces.len() > 3, "{pieces:?}");
        let cut: Vec<Batch> = pieces.iter().map(|p| seq.parse_chunk(p)).collect();
        let mut batches = Vec::new();
        loop {
            let b = seq.next_batch(500);
            if b.rows.is_empty() {
                break;
            }
            batches.push(b);
        }
        Readings {
            _dir: dir,
            in_pieces: flatten(&cut, &header),
            in_sequence: flatten(&batches, &header),
            pieces,
            cut,
        }
    }

    #[test]
    fn cut_csv_parses_exactly_like_sequential_csv() {
        let mut text = String::from("id,subject,n\r\n");
        for i in 0..3000 {
            match i % 5 {
                0 => text.push_str(&format!("{i},\"two\r\nlines, and \"\"quotes\"\"\",{i}\r\n")),
                1 => text.push_str(&format!("{i},plain,{i}\r\n")),
                2 => text.push_str(&format!("{i},\"\"\"\",\r\n")),
                3 => text.push_str(&format!("{i},short\r\n")),
                _ => text.push_str(&format!("{i},\"한글, 쉼표\",{i}\r\n")),
            }
        }
        let r = read_both(&text);
        let (a, b) = (r.in_pieces, r.in_sequence);
        assert_eq!(a.len(), 3000);
        assert_eq!(a, b);
        // Line numbers count the quoted newlines: row 0 spans lines 2-3, row 1 is on line 4.
        assert_eq!((a[0].0, a[1].0), (2, 4));
    }

    #[test]
    fn pieces_without_quotes_read_like_the_csv_crate() {
        // Pieces with no quote are split at newlines and commas in place; everything csv would
        // make of them must come out the same: CRLF and LF endings, blank lines (skipped, but
        // counted), empty fields, short and long rows, Korean text, no newline at the end.
        let mut text = String::from("id,subject,n\r\n");
        for i in 0..3000 {
            match i % 7 {
                0 => text.push_str(&format!("{i},plain,{i}\r\n")),
                1 => text.push_str(&format!("{i},,\n")),
                2 => text.push_str(&format!("{i},short\n")),
                3 => text.push_str(&format!("{i},a,b,c\r\n")),
                4 => text.push_str("\r\n\n"),
                5 => text.push_str(&format!("{i},한글 제목,{i}\n")),
                _ => text.push_str(&format!("{i}, spaced ,{i}\n")),
            }
        }
        text.push_str("last,row,1");
        let r = read_both(&text);
        let chunks = &r.pieces;
        // Each piece spans the lines up to the next one's first; the last one to the end.
        for w in chunks.windows(2) {
            assert_eq!(w[0].first_line + w[0].lines, w[1].first_line, "{chunks:?}");
        }
        let last = chunks.last().unwrap();
        assert_eq!(
            last.first_line + last.lines - 1,
            text.lines().count() as u64
        );
        assert!(
            r.cut
                .iter()
                .all(|b| b.lines().is_some() && b.rows.is_empty()),
            "every piece took the in-place path"
        );
        let (a, b) = (r.in_pieces, r.in_sequence);
        assert_eq!(a.len(), 3000 - 3000 / 7 + 1);
        assert_eq!(a, b);
        assert_eq!(a[1], (3, vec![Some("1".into()), None, None]));
        assert!(a[2].1[0].as_deref().unwrap().contains("row has 2 fields"));
        // Blank lines are skipped but counted: rows on lines 2-5, blanks on 6-7, then line 8.
        assert_eq!(a[4].0, 8);
        assert_eq!(a.last().unwrap().1[0].as_deref(), Some("last"));
    }

    /// `text` read in sequence, `per_batch` rows at a time.
    fn read_in_sequence(text: &str, per_batch: usize) -> Vec<(u64, Vec<Option<String>>)> {
        let (_dir, mut rows) = open_text(text);
        let header = rows.header.clone();
        let mut batches = Vec::new();
        loop {
            let b = rows.next_batch(per_batch);
            if b.rows.is_empty() {
                break;
            }
            batches.push(b);
        }
        flatten(&batches, &header)
    }

    fn row(line: u64, cells: &[&str]) -> (u64, Vec<Option<String>>) {
        (
            line,
            cells
                .iter()
                .map(|c| (!c.is_empty()).then(|| c.to_string()))
                .collect(),
        )
    }

    #[test]
    fn carriage_return_only_lines_are_numbered_and_keep_quoted_returns() {
        // Lines: 1 header, 2 `1,a,1`, 3-4 a quoted field holding a lone CR, 5 blank, 6 `3,b,3`.
        let text = "id,subject,n\r1,a,1\r2,\"x\ry\",2\r\r3,b,3\r";
        let want = vec![
            row(2, &["1", "a", "1"]),
            row(3, &["2", "x\ry", "2"]),
            row(6, &["3", "b", "3"]),
        ];
        for per_batch in [1, 2, 500] {
            assert_eq!(
                read_in_sequence(text, per_batch),
                want,
                "{per_batch} a batch"
            );
        }
    }

    #[test]
    fn mixed_line_endings_are_numbered_as_an_editor_shows_them() {
        // 1 header (LF), 2 (CRLF), 3 (CR), 4 (LF), 5 blank (CRLF), 6 blank (CR), 7 last.
        let text = "id,subject,n\n1,a,1\r\n2,b,2\r3,c,3\n\r\n\r4,\"d\r\nd\",4";
        let want = vec![
            row(2, &["1", "a", "1"]),
            row(3, &["2", "b", "2"]),
            row(4, &["3", "c", "3"]),
            row(7, &["4", "d\r\nd", "4"]),
        ];
        for per_batch in [1, 3, 500] {
            assert_eq!(
                read_in_sequence(text, per_batch),
                want,
                "{per_batch} a batch"
            );
        }
        // A header ending in a lone CR: the body starts on line 2, and a blank CRLF line
        // after it is line 2.
        let z = || vec!["9", "z", "9"];
        assert_eq!(
            read_in_sequence("id,subject,n\r9,z,9", 10),
            vec![row(2, &z())]
        );
        assert_eq!(
            read_in_sequence("id,subject,n\r\r\n9,z,9", 10),
            vec![row(3, &z())]
        );
    }

    #[test]
    fn line_breaks_count_crlf_once_even_when_cut_between_its_bytes() {
        let text = b"a\r\nb\rc\nd\r";
        assert_eq!(line_breaks(text, 0..text.len()), 4);
        // Cut after the `\r` of `\r\n`: that `\r` is not a break, the `\n` after it is.
        assert_eq!(
            line_breaks(text, 0..2) + line_breaks(text, 2..text.len()),
            4
        );
        assert_eq!(line_breaks(text, 0..2), 0);
        let lines: Vec<&str> = physical_lines("a\r\nb\rc\n\nd\r").collect();
        assert_eq!(lines, vec!["a", "b", "c", "", "d"]);
    }

    #[test]
    fn a_stray_quote_means_no_cutting() {
        let mut text = String::from("id,subject\n");
        for i in 0..100 {
            text.push_str(&format!("{i},a 5\" disk\n"));
        }
        let (_d, rows) = open_text(&text);
        assert!(rows.csv_chunks(4, 0).is_none());
        let (_d, rows) = open_text("id,subject\n1,x\r2,y\n");
        assert!(
            rows.csv_chunks(2, 0).is_none(),
            "a lone carriage return ends a line for csv"
        );
    }
}
