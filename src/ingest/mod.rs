//! Exports -> validated tables -> Parquet lake, rejects and manifest.
//!
//! Ingest runs in two passes per table. The row pass reads each row against the table's spec
//! (types, required cells, enum spellings, rules within the row). The table pass applies the
//! rules that need other rows or other tables: unique ids, references, overlapping contracts,
//! events before their ticket. Tables are read in reference order (contracts before tickets,
//! tickets before events), so a reference is checked against rows that were themselves accepted.
//!
//! A rejected row is recorded once, with the first rule it broke, so that per file
//! `rows_read = rows_accepted + rows_rejected` holds by construction and is checked before the
//! lake is written.

pub mod config;
pub mod lake;
pub mod source;
pub mod strcol;
mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;

use crate::model::config::{Calendar, Goals};
use crate::model::schema::{self, Col, Kind, TableSpec};
use crate::model::{self as m, TimestampError};
pub use source::Encoding;
use source::{Batch, Format, HeaderMap, SourceFile};
use strcol::{CatCol, LineCol, NumCol, StrCol};

/// Errors that stop an ingest as a whole: the data folder cannot be read as the spec says.
/// Bad rows are never errors; they are rejects.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read data folder `{}`: {source}", dir.display())]
    DataDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("`{table}` is required but none of {table}.csv, {table}.ndjson, {table}.jsonl or {table}.parquet is in `{}`", dir.display())]
    MissingFile { table: &'static str, dir: PathBuf },
    #[error("`{table}` is present more than once: {}", files.join(", "))]
    Ambiguous {
        table: &'static str,
        files: Vec<String>,
    },
    #[error("`{file}`: missing required column `{column}` (found: {}; expected at least: {})", found.join(", "), expected.join(", "))]
    MissingColumn {
        file: String,
        column: &'static str,
        found: Vec<String>,
        expected: Vec<&'static str>,
    },
    #[error("`{file}` is empty: expected a header line naming the columns")]
    Empty { file: String },
    #[error("`{file}` {message}")]
    Encoding {
        file: String,
        message: String,
        hint: &'static str,
    },
    #[error("`{file}`: {message}")]
    Malformed { file: String, message: String },
    #[error("`{file}`: {message}")]
    Config {
        file: String,
        message: String,
        hint: &'static str,
    },
    #[error("cannot read or write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
    /// A lake table that could not be written, or a lake folder that may not be replaced.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl crate::error::Hint for IngestError {
    /// What the user can do about it, printed as `hint:`.
    fn hint(&self) -> Option<String> {
        Some(match self {
            IngestError::DataDir { .. } => "pass the folder holding the exports with --data DIR".into(),
            IngestError::MissingFile { table, .. } => format!(
                "export `{table}` into the data folder (the columns are listed in shared/spec/inputs.md)"
            ),
            IngestError::Ambiguous { .. } => "keep one file per table and move the others out".into(),
            IngestError::MissingColumn { column, .. } => format!(
                "add a `{column}` column (names match case-insensitively), or rename the column that holds it"
            ),
            IngestError::Empty { .. } => {
                "export the table again with its header line, or remove the file if the table is optional".into()
            }
            IngestError::Encoding { hint, .. } | IngestError::Config { hint, .. } => hint.to_string(),
            IngestError::Malformed { .. } => "re-export the file; it could not be parsed at all".into(),
            IngestError::Io { source, .. } => return crate::store::io_hint(source),
            IngestError::Store(e) => return crate::error::Hint::hint(e),
            _ => return None,
        })
    }
}

/// What the user asked of an ingest.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub data_dir: PathBuf,
    /// Zone of timestamps written without an offset.
    pub assume_tz: Option<Tz>,
    /// Encoding of CSV/NDJSON files; detected when `None`.
    pub encoding: Option<Encoding>,
    /// The export instant, when the user names it.
    pub as_of: Option<i64>,
}

/// One rejected row.
#[derive(Debug, Clone, Serialize)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

/// A column being built from accepted cells.
#[derive(Debug)]
pub enum ColBuf {
    Str(StrCol),
    /// Normalised enum spellings (`P1`, `open`, ...): one byte a cell.
    Cat(CatCol),
    Int(NumCol<i64>),
    Float(NumCol<f64>),
    Date(NumCol<i32>),
    /// Seconds since the epoch, UTC.
    Ts(NumCol<i64>),
}

impl ColBuf {
    fn for_kind(kind: Kind) -> ColBuf {
        match kind {
            Kind::Timestamp => ColBuf::Ts(NumCol::default()),
            Kind::Date => ColBuf::Date(NumCol::default()),
            Kind::Count | Kind::Rating => ColBuf::Int(NumCol::default()),
            Kind::Decimal | Kind::Percent => ColBuf::Float(NumCol::default()),
            Kind::Id
            | Kind::Text
            | Kind::Currency
            | Kind::Language
            | Kind::Quarter
            | Kind::Owner => ColBuf::Str(StrCol::default()),
            Kind::Priority
            | Kind::Status
            | Kind::Severity
            | Kind::EventKind
            | Kind::Metric
            | Kind::Clock
            | Kind::DocLanguage
            | Kind::MaintenanceKind
            | Kind::WaiverMetric => ColBuf::Cat(CatCol::default()),
        }
    }
    /// Text of row `i` of a text or enum column.
    pub fn get_str(&self, i: usize) -> Option<&str> {
        match self {
            ColBuf::Str(v) => v.get(i),
            ColBuf::Cat(v) => v.get(i),
            _ => panic!("not a text column"),
        }
    }
    fn reserve(&mut self, rows: usize) {
        match self {
            ColBuf::Str(v) => v.reserve(rows),
            ColBuf::Cat(v) => v.reserve(rows),
            ColBuf::Int(v) => v.reserve(rows),
            ColBuf::Float(v) => v.reserve(rows),
            ColBuf::Date(v) => v.reserve(rows),
            ColBuf::Ts(v) => v.reserve(rows),
        }
    }
    /// Bytes of text held (0 for other columns).
    fn text_bytes(&self) -> usize {
        match self {
            ColBuf::Str(v) => v.byte_len(),
            _ => 0,
        }
    }
    pub fn str(&self) -> &StrCol {
        match self {
            ColBuf::Str(v) => v,
            _ => panic!("not a text column"),
        }
    }
    pub fn cat(&self) -> &CatCol {
        match self {
            ColBuf::Cat(v) => v,
            _ => panic!("not an enum column"),
        }
    }
    pub fn int(&self) -> &NumCol<i64> {
        match self {
            ColBuf::Int(v) => v,
            _ => panic!("not a count column"),
        }
    }
    pub fn float(&self) -> &NumCol<f64> {
        match self {
            ColBuf::Float(v) => v,
            _ => panic!("not a decimal column"),
        }
    }
    pub fn ts(&self) -> &NumCol<i64> {
        match self {
            ColBuf::Ts(v) => v,
            _ => panic!("not a timestamp column"),
        }
    }
    pub fn date(&self) -> &NumCol<i32> {
        match self {
            ColBuf::Date(v) => v,
            _ => panic!("not a date column"),
        }
    }
}

/// A parsed cell before it is pushed into its column.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Null,
    /// A cell borrowed from the row being read: no allocation per cell.
    Str(&'a str),
    /// A cell rewritten while reading (rare: a lower-case currency code).
    Owned(String),
    Static(&'static str),
    Int(i64),
    Float(f64),
    Date(i32),
    Ts(i64),
}

impl Val<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Owned(s) => Some(s),
            Val::Static(s) => Some(s),
            _ => None,
        }
    }
    fn as_date(&self) -> Option<i32> {
        match self {
            Val::Date(d) => Some(*d),
            _ => None,
        }
    }
}

/// Rows read from one piece of a file, in file order: columns in spec order and the line of
/// each row. A large file is read as many pieces in parallel, and its table keeps them as they
/// are rather than copying them into one buffer (that copy was a fifth of an ingest's time,
/// most of it faulting in fresh memory).
#[derive(Debug)]
pub struct Part {
    pub lines: LineCol,
    pub cols: Vec<ColBuf>,
}

impl Part {
    /// Room for `rows` more rows (the text of text cells grows as it comes).
    fn reserve(&mut self, rows: usize) {
        self.lines.reserve(rows);
        for c in &mut self.cols {
            c.reserve(rows);
        }
    }
    /// Whether a row on `line` can still go into this part (see `strcol`'s limits).
    fn fits(&self, line: u64) -> bool {
        self.lines.fits(line)
            && self
                .cols
                .iter()
                .all(|c| c.text_bytes() < strcol::PART_TEXT_LIMIT)
    }
    fn new(spec: &'static TableSpec) -> Part {
        Part {
            lines: LineCol::default(),
            cols: spec
                .columns
                .iter()
                .map(|c| ColBuf::for_kind(c.kind))
                .collect(),
        }
    }
}

/// A table as read: its accepted-so-far rows (in parts, see `Part`), and its rejects. Rows are
/// addressed by their index in file order across parts (`0..len()`).
#[derive(Debug)]
pub struct Table {
    pub spec: &'static TableSpec,
    pub source: Option<SourceFile>,
    pub encoding: Option<Encoding>,
    pub sha256: Option<String>,
    pub rows_read: u64,
    parts: Vec<Part>,
    /// The first row of each part, and the number of rows (filled by `seal`).
    starts: Vec<usize>,
    len: usize,
    pub extras: Vec<(String, Vec<Option<String>>)>,
    /// Cleared by the table pass for rows it rejects.
    pub keep: Vec<bool>,
    /// Identifier cells of rows rejected in the row pass, (spec column, value, line), so that a
    /// reference to such a row can say it was rejected and where.
    pub rejected_ids: Vec<(usize, String, u64)>,
    pub rejects: Vec<Reject>,
}

impl Table {
    fn empty(spec: &'static TableSpec) -> Table {
        Table {
            spec,
            source: None,
            encoding: None,
            sha256: None,
            rows_read: 0,
            parts: vec![Part::new(spec)],
            starts: Vec::new(),
            len: 0,
            extras: Vec::new(),
            keep: Vec::new(),
            rejected_ids: Vec::new(),
            rejects: Vec::new(),
        }
    }
    /// An empty table for a file whose header is `map` (so its extra columns are known).
    fn for_file(spec: &'static TableSpec, map: &HeaderMap) -> Table {
        let mut t = Table::empty(spec);
        t.extras = map
            .extras
            .iter()
            .map(|(n, _)| (n.clone(), Vec::new()))
            .collect();
        t
    }

    /// The part rows are pushed into during the row pass.
    fn tail(&mut self) -> &mut Part {
        self.parts
            .last_mut()
            .expect("a table being read has a part")
    }

    /// Appends a chunk of the same table read after this one: its parts are moved, not copied.
    fn append(&mut self, chunk: Table) {
        self.parts.extend(chunk.parts);
        for ((_, a), (_, b)) in self.extras.iter_mut().zip(chunk.extras) {
            a.extend(b);
        }
        self.rejected_ids.extend(chunk.rejected_ids);
        self.rejects.extend(chunk.rejects);
        self.rows_read += chunk.rows_read;
    }

    /// Ends the row pass: indexes the rows across parts and keeps them all for the table pass.
    fn seal(&mut self) {
        self.parts.retain(|p| !p.lines.is_empty());
        self.starts = Vec::with_capacity(self.parts.len());
        let mut len = 0;
        for p in &self.parts {
            self.starts.push(len);
            len += p.lines.len();
        }
        self.len = len;
        self.keep = vec![true; len];
    }

    /// The part holding row `i` and the row's index in it.
    #[inline]
    fn at(&self, i: usize) -> (&Part, usize) {
        debug_assert!(i < self.len);
        let k = self.starts.partition_point(|&s| s <= i) - 1;
        (&self.parts[k], i - self.starts[k])
    }
    /// Each part with the index of its first row, in order.
    pub fn parts_at(&self) -> Vec<(usize, &Part)> {
        self.starts.iter().copied().zip(&self.parts).collect()
    }
    /// The rows `rows` (indices into the parsed rows) as (part, range of the part's rows), in
    /// order.
    pub fn spans(
        &self,
        rows: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (&Part, std::ops::Range<usize>)> + '_ {
        let part = |i: usize| self.starts.partition_point(|&s| s <= i) - 1;
        let parts = if rows.is_empty() {
            0..0
        } else {
            part(rows.start)..part(rows.end - 1) + 1
        };
        parts.map(move |k| {
            let (p, s) = (&self.parts[k], self.starts[k]);
            let lo = rows.start.max(s) - s;
            let hi = rows.end.min(s + p.lines.len()) - s;
            (p, lo..hi)
        })
    }
    /// Line of row `i` in its file.
    pub fn line(&self, i: usize) -> u64 {
        let (p, j) = self.at(i);
        p.lines.get(j)
    }
    /// Text of row `i` in text or enum column `c`.
    pub fn str(&self, c: usize, i: usize) -> Option<&str> {
        let (p, j) = self.at(i);
        p.cols[c].get_str(j)
    }
    pub fn owned(&self, c: usize, i: usize) -> Option<String> {
        self.str(c, i).map(str::to_string)
    }
    /// Timestamp (UTC seconds) of row `i` in timestamp column `c`.
    pub fn ts(&self, c: usize, i: usize) -> Option<i64> {
        let (p, j) = self.at(i);
        p.cols[c].ts().get(j)
    }
    /// Date (days since the epoch) of row `i` in date column `c`.
    pub fn date(&self, c: usize, i: usize) -> Option<i32> {
        let (p, j) = self.at(i);
        p.cols[c].date().get(j)
    }
    pub fn file_name(&self) -> String {
        self.source
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("{}.csv", self.spec.name))
    }
    /// Index of column `name` (a spec column).
    pub fn col(&self, name: &str) -> usize {
        self.spec.col(name)
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn accepted(&self) -> u64 {
        self.keep.iter().filter(|k| **k).count() as u64
    }
    /// Rejects row `i` (an index into the parsed rows) in the table pass.
    fn reject_row(&mut self, i: usize, column: &str, value: Option<String>, reason: String) {
        if !self.keep[i] {
            return;
        }
        self.keep[i] = false;
        self.rejects.push(Reject {
            file: self.file_name(),
            line: self.line(i),
            column: Some(column.to_string()),
            value,
            reason,
        });
    }
}

/// Everything one ingest produced.
pub struct Ingested {
    pub tables: Vec<Table>,
    pub calendars: BTreeMap<String, Calendar>,
    pub goals: Goals,
    pub config_files: Vec<ConfigFile>,
    pub as_of: Option<i64>,
    /// Where as_of came from, in words: `--as-of`, or the file and line that set it.
    pub as_of_source: String,
    /// The accepted cell that set the default as_of (none with `--as-of`).
    pub as_of_origin: Option<AsOfOrigin>,
    pub options: Options,
}

/// The cell holding the latest instant, which the default as_of is: one bad row cannot move
/// as_of unseen, because the manifest and the command's output name its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsOfOrigin {
    pub file: String,
    pub line: u64,
    pub column: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConfigFile {
    pub file: String,
    pub sha256: String,
}

impl Ingested {
    pub fn table(&self, name: &str) -> &Table {
        self.tables
            .iter()
            .find(|t| t.spec.name == name)
            .expect("known table")
    }
    /// Every reject, table by table in reading order (contracts, targets, tickets, events, ...),
    /// each table's by line.
    pub fn rejects_in_order(&self) -> Vec<&Reject> {
        let mut out = Vec::with_capacity(self.rejected_rows() as usize);
        for t in &self.tables {
            let start = out.len();
            out.extend(&t.rejects);
            out[start..].sort_by_key(|r| r.line);
        }
        out
    }

    pub fn rejected_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rejects.len() as u64).sum()
    }
}

/// Reads every table of the data folder, applies every rule, and returns the accepted rows and
/// the rejects. Writes nothing.
pub fn ingest(opts: &Options) -> Result<Ingested, IngestError> {
    let dir = &opts.data_dir;
    if !dir.is_dir() {
        return Err(IngestError::DataDir {
            dir: dir.clone(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        });
    }
    let (calendars, goals, read) = config::read_configs(dir)?;
    // Known before any row is read: instants and dates outside it are rejects, so that a
    // placeholder such as 9999-12-31 never becomes as_of.
    let window = goals.data.window().map_err(|message| IngestError::Config {
        file: "goals.toml".into(),
        message,
        hint: "write both as dates, e.g. plausible_from = \"1990-01-01\"",
    })?;
    let config_files: Vec<ConfigFile> = read
        .into_iter()
        .map(|(file, sha256)| ConfigFile {
            file: file.into(),
            sha256,
        })
        .collect();

    // The row passes of the tables are independent (only the table pass looks across), so the
    // files are read concurrently; errors are still reported in table order. The rules among
    // contracts, targets and tickets run as soon as those are read, while the events (the
    // largest file by far) are still being read.
    let read = |specs: Vec<&'static TableSpec>| -> Vec<Result<Table, IngestError>> {
        use rayon::prelude::*;
        specs
            .into_par_iter()
            .map(|spec| {
                let started = std::time::Instant::now();
                let table = read_table(spec, opts, window)?;
                tracing::info!(
                    "read `{}`: {} rows in {:.2?}",
                    table.file_name(),
                    table.rows_read,
                    started.elapsed()
                );
                Ok(table)
            })
            .collect()
    };
    let (front, back): (Vec<_>, Vec<_>) = schema::ALL_TABLES
        .iter()
        .copied()
        .partition(|s| tables::FRONT.contains(&s.name));
    let (front, back) = rayon::join(
        || -> Result<Vec<Table>, IngestError> {
            let mut tables = read(front).into_iter().collect::<Result<Vec<_>, _>>()?;
            let started = std::time::Instant::now();
            tables::check_front(&mut tables, &calendars);
            tracing::info!(
                "rules among contracts, targets and tickets in {:.2?}",
                started.elapsed()
            );
            Ok(tables)
        },
        || read(back),
    );
    let mut tables = front?;
    for r in back {
        tables.push(r?);
    }
    // Back in ALL_TABLES order (contracts, targets, tickets, events, ...).
    tables.sort_by_key(|t| {
        schema::ALL_TABLES
            .iter()
            .position(|s| s.name == t.spec.name)
    });
    let started = std::time::Instant::now();
    tables::check_rest(&mut tables, &calendars);
    tracing::info!("rules across the other tables in {:.2?}", started.elapsed());

    for t in &tables {
        let accepted = t.accepted();
        let rejected = t.rejects.len() as u64;
        if accepted + rejected != t.rows_read {
            return Err(IngestError::Internal(format!(
                "`{}`: {} rows read but {accepted} accepted + {rejected} rejected; please report this bug",
                t.file_name(),
                t.rows_read
            )));
        }
    }

    let (as_of, as_of_origin) = match opts.as_of {
        Some(t) => (Some(t), None),
        None => match tables::latest_instant(&tables) {
            Some((t, origin)) => (Some(t), Some(origin)),
            None => (None, None),
        },
    };
    let as_of_source = match (&as_of_origin, opts.as_of) {
        (_, Some(_)) => "--as-of".to_string(),
        (Some(o), None) => format!("{} line {} (`{}`), the {LATEST}", o.file, o.line, o.column),
        (None, None) => format!("the {LATEST}: no accepted row holds one"),
    };
    Ok(Ingested {
        tables,
        calendars,
        goals,
        config_files,
        as_of,
        as_of_source,
        as_of_origin,
        options: opts.clone(),
    })
}

/// How the default as_of is chosen (edge rule 1).
const LATEST: &str = "latest of tickets.created_at, tickets.updated_at and ticket_events.at";

/// The row pass over one table's file. A large CSV file is cut into pieces checked in parallel;
/// other files are read in batches, each checked in parallel chunks while the next is read.
/// Either way the checked rows become the table's parts in file order (moved, not copied), so
/// the result is the same as a sequential pass.
fn read_table(
    spec: &'static TableSpec,
    opts: &Options,
    window: m::PlausibleWindow,
) -> Result<Table, IngestError> {
    let mut table = Table::empty(spec);
    let Some(src) = source::find(&opts.data_dir, spec)? else {
        if spec.required {
            return Err(IngestError::MissingFile {
                table: spec.name,
                dir: opts.data_dir.clone(),
            });
        }
        table.seal();
        return Ok(table);
    };
    let opened = std::time::Instant::now();
    let mut rows = source::open(&src, opts.encoding)?;
    tracing::debug!("`{}`: opened in {:.2?}", src.name, opened.elapsed());
    // A mapped file is hashed where it lies; others (decoded, NDJSON, Parquet) are read again.
    let mapped = rows.mapped();
    let hash_path = src.path.clone();
    let (hash, read) = rayon::join(
        || match mapped.as_deref().and_then(source::Text::file_bytes) {
            Some(bytes) => Ok(source::sha256_bytes(bytes)),
            None => source::sha256_file(&hash_path),
        },
        || -> Result<(), IngestError> {
            let map = HeaderMap::new(spec, &src.name, &rows.header)?;
            table = Table::for_file(spec, &map);
            table.encoding = rows.encoding;
            const BATCH: usize = 1 << 16;
            const CHUNK: usize = 1 << 13;
            // Owned: the sequential reader below borrows `rows` mutably while rows are checked.
            let header = rows.header.clone();
            let rule = tables::RowRule::for_spec(spec);
            let ctx = RowContext {
                map: &map,
                header: &header,
                rule: &rule,
                opts,
                file: &src.name,
                window,
            };
            let validate = |batch: Batch| -> Vec<Table> {
                use rayon::prelude::*;
                // A piece read in place is checked line by line into one part (pieces are
                // already checked in parallel).
                if let Some((lines, count)) = batch.lines() {
                    let mut chunk = Table::for_file(spec, &map);
                    chunk.tail().reserve(count);
                    let mut cells = Vec::with_capacity(ctx.header.len());
                    let mut vals = Vec::with_capacity(spec.columns.len());
                    for l in lines {
                        let read = source::line_cells(&batch, l, ctx.header, &mut cells);
                        row_pass(&mut chunk, &ctx, read, &cells, &mut vals);
                    }
                    return vec![chunk];
                }
                batch
                    .rows
                    .par_chunks(CHUNK)
                    .map(|rows| {
                        let mut chunk = Table::for_file(spec, &map);
                        chunk.tail().reserve(rows.len());
                        // Reused for every row of the chunk: they borrow from the batch.
                        let mut cells = Vec::with_capacity(ctx.header.len());
                        let mut vals = Vec::with_capacity(spec.columns.len());
                        for row in rows {
                            let read = source::cells_of(&batch, row, ctx.header, &mut cells);
                            row_pass(&mut chunk, &ctx, read, &cells, &mut vals);
                        }
                        chunk
                    })
                    .collect()
            };
            let started = std::time::Instant::now();
            // Large CSV files are cut at record boundaries and each piece is parsed and checked
            // on its own; pieces become parts in file order, so the result is the sequential
            // one. Other files, and CSV that cannot be cut safely, go batch by batch below.
            let pieces = rows.csv_chunks(64, piece_min_bytes());
            tracing::debug!("`{}`: cut in {:.2?}", src.name, started.elapsed());
            if let Some(pieces) = pieces {
                use rayon::prelude::*;
                // In waves, so that each wave's raw text is freed before the next is parsed.
                for wave in pieces.chunks(8) {
                    let parts: Vec<Vec<Table>> = wave
                        .par_iter()
                        .map(|piece| validate(rows.parse_chunk(piece)))
                        .collect();
                    for c in parts.into_iter().flatten() {
                        table.append(c);
                    }
                }
                tracing::debug!(
                    "`{}`: {} pieces parsed and checked in {:.2?}",
                    src.name,
                    pieces.len(),
                    started.elapsed()
                );
                return Ok(());
            }
            // Batch by batch: the next batch is read while this one is checked.
            let mut current = rows.next_batch(BATCH);
            while !current.rows.is_empty() {
                let (next, chunks) = rayon::join(|| rows.next_batch(BATCH), || validate(current));
                for c in chunks {
                    table.append(c);
                }
                current = next;
            }
            tracing::debug!(
                "`{}`: parsed and checked in {:.2?}",
                src.name,
                started.elapsed()
            );
            Ok(())
        },
    );
    read?;
    table.sha256 = Some(hash.map_err(|e| IngestError::Io {
        path: src.path.clone(),
        source: e,
    })?);
    table.seal();
    table.source = Some(src);
    Ok(table)
}

/// CSV files at least this large are cut into pieces read in parallel (4 MiB, or
/// `SLAREVIEW_PIECE_BYTES`: a check that both readings agree sets it to 1 and to a huge value).
fn piece_min_bytes() -> usize {
    crate::env::var(crate::env::PIECE_BYTES)
        .and_then(|v| v.parse().ok())
        .unwrap_or(4 << 20)
}

/// What every row of one file is read against.
struct RowContext<'a> {
    map: &'a HeaderMap,
    header: &'a [String],
    rule: &'a tables::RowRule,
    opts: &'a Options,
    file: &'a str,
    /// Instants and dates outside it are rejects.
    window: m::PlausibleWindow,
}

/// Reads one row against the spec; pushes it or records it as a reject.
///
/// `read` is what reading the row's cells (`cells`) gave: its line, or why it has none.
fn row_pass<'b>(
    table: &mut Table,
    ctx: &RowContext<'_>,
    read: Result<u64, (u64, String, Option<String>)>,
    cells: &[Option<&'b str>],
    vals: &mut Vec<Val<'b>>,
) {
    let RowContext {
        map, opts, file, ..
    } = *ctx;
    table.rows_read += 1;
    let line = match read {
        Ok(line) => line,
        Err((line, reason, value)) => {
            table.rejects.push(Reject {
                file: file.to_string(),
                line,
                column: None,
                value: value.map(|v| m::visible(&v).into_owned()),
                reason,
            });
            return;
        }
    };
    let spec = table.spec;
    vals.clear();
    // A reject from here on also remembers the row's identifier cells, so that rows referring
    // to it can say it was rejected and where.
    let reject = |table: &mut Table, column: &str, value: Option<String>, reason: String| {
        for (ci, col) in spec.columns.iter().enumerate() {
            if col.kind == Kind::Id {
                if let Some(v) = map.spec_pos[ci].and_then(|p| cells.get(p).copied().flatten()) {
                    table.rejected_ids.push((ci, v.trim().to_string(), line));
                }
            }
        }
        table.rejects.push(Reject {
            file: file.to_string(),
            line,
            column: Some(column.into()),
            value,
            reason,
        });
    };
    for (ci, col) in spec.columns.iter().enumerate() {
        let raw = map.spec_pos[ci].and_then(|p| cells.get(p).copied().flatten());
        let raw = raw.map(trim).filter(|s| !s.is_empty()).or(col.default);
        let Some(raw) = raw else {
            if col.required {
                reject(
                    table,
                    col.name,
                    None,
                    format!("missing value: `{}` is required", col.name),
                );
                return;
            }
            vals.push(Val::Null);
            continue;
        };
        match parse_cell(col, raw, opts.assume_tz, &ctx.window) {
            Ok(v) => vals.push(v),
            Err(reason) => {
                reject(table, col.name, Some(m::visible(raw).into_owned()), reason);
                return;
            }
        }
    }
    if let Err((column, reason)) = ctx.rule.check(vals) {
        let value = map.spec_pos[spec.col(column)]
            .and_then(|p| cells.get(p).copied().flatten())
            .map(|v| m::visible(v).into_owned());
        reject(table, column, value, reason);
        return;
    }
    if !table.tail().fits(line) {
        table.parts.push(Part::new(spec));
    }
    let part = table.tail();
    part.lines.push(line);
    for (buf, v) in part.cols.iter_mut().zip(vals.drain(..)) {
        match (buf, v) {
            (ColBuf::Str(b), Val::Str(s)) => b.push(Some(s)),
            (ColBuf::Str(b), Val::Static(s)) => b.push(Some(s)),
            (ColBuf::Str(b), Val::Owned(s)) => b.push(Some(&s)),
            (ColBuf::Str(b), Val::Null) => b.push(None),
            (ColBuf::Cat(b), Val::Static(s)) => b.push(Some(s)),
            (ColBuf::Cat(b), Val::Null) => b.push(None),
            (ColBuf::Int(b), Val::Int(x)) => b.push(Some(x)),
            (ColBuf::Int(b), Val::Null) => b.push(None),
            (ColBuf::Float(b), Val::Float(x)) => b.push(Some(x)),
            (ColBuf::Float(b), Val::Null) => b.push(None),
            (ColBuf::Date(b), Val::Date(x)) => b.push(Some(x)),
            (ColBuf::Date(b), Val::Null) => b.push(None),
            (ColBuf::Ts(b), Val::Ts(x)) => b.push(Some(x)),
            (ColBuf::Ts(b), Val::Null) => b.push(None),
            (b, v) => unreachable!("cell {v:?} does not fit column {b:?}"),
        }
    }
    for ((_, buf), (_, pos)) in table.extras.iter_mut().zip(&map.extras) {
        buf.push(cells.get(*pos).copied().flatten().map(str::to_string));
    }
}

/// `str::trim`, skipping the Unicode scan for the usual cell that has nothing to trim.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if a > b' ' && a < 0x80 && b > b' ' && b < 0x80 => s,
        _ => s.trim(),
    }
}

/// Reads one cell of column `col` by its kind, and checks its range: an instant or date inside
/// the plausibility window, a number at most the column's largest, an identifier without
/// hidden characters. The error is the reject reason.
pub fn parse_cell<'a>(
    col: &Col,
    raw: &'a str,
    assume_tz: Option<Tz>,
    window: &m::PlausibleWindow,
) -> Result<Val<'a>, String> {
    let name = col.name;
    let bad = |what: &str| format!("`{name}` value `{raw}` is not {what}");
    let implausible = || {
        format!(
            "`{name}` value `{raw}` is outside the plausible window {}; fix the value in the export, or if it is real, widen the window with `[data] plausible_from` / `plausible_until` in goals.toml",
            window.describe()
        )
    };
    let too_large = |max: i64, meaning: &str| {
        format!("`{name}` value `{raw}` is out of range: at most {max} ({meaning})")
    };
    Ok(match col.kind {
        Kind::Text => Val::Str(raw),
        Kind::Id => {
            if let Some(c) = m::hidden_char(raw) {
                return Err(hidden_char_reason(name, raw, c));
            }
            Val::Str(raw)
        }
        Kind::Timestamp => match m::parse_timestamp(raw, assume_tz) {
            Ok(t) if window.holds_instant(t) => Val::Ts(t),
            Ok(_) => return Err(implausible()),
            Err(TimestampError::NoOffset) => {
                return Err(format!(
                    "`{name}` value `{raw}` has no time zone offset; add one (e.g. +09:00 or Z) or pass --assume-tz ZONE"
                ))
            }
            Err(TimestampError::Invalid) => {
                return Err(bad("an RFC 3339 timestamp (e.g. 2026-07-01T09:30:00+09:00)"))
            }
        },
        Kind::Date => match m::parse_date(raw) {
            Some(d) if window.holds_date(d) => Val::Date(d),
            Some(_) => return Err(implausible()),
            None => return Err(bad("a date (YYYY-MM-DD)")),
        },
        Kind::Priority => Val::Static(
            m::Priority::parse(raw)
                .ok_or_else(|| format!("unknown priority `{raw}`: expected P1..P4, 1..4, urgent/high/normal/low or critical"))?
                .as_str()
        ),
        Kind::Status => Val::Static(
            m::Status::parse(raw)
                .ok_or_else(|| format!("unknown status `{raw}`: expected new, open, pending, on_hold, solved or closed"))?
                .as_str()
        ),
        Kind::Severity => Val::Static(
            m::parse_severity(raw)
                .ok_or_else(|| format!("unknown severity `{raw}`: expected system_down or normal"))?,
        ),
        Kind::EventKind => Val::Static(
            m::parse_event_kind(raw)
                .ok_or_else(|| format!("unknown event kind `{raw}`: expected agent_reply, customer_reply, internal_note, status, assign, priority or escalate"))?,
        ),
        Kind::Rating => Val::Int(
            m::parse_rating(raw)
                .ok_or_else(|| format!("rating `{raw}` is not 1..5 or a label such as `very satisfied`"))?,
        ),
        Kind::Metric => Val::Static(
            m::parse_metric(raw)
                .ok_or_else(|| format!("unknown metric `{raw}`: expected first_response, update or resolution"))?,
        ),
        Kind::Clock => Val::Static(
            m::parse_clock(raw)
                .ok_or_else(|| format!("unknown clock `{raw}`: expected business or calendar"))?,
        ),
        Kind::Count => match raw.parse::<i64>() {
            Ok(n) if n >= 0 => {
                let (max, meaning) = col.max();
                if n > max {
                    return Err(too_large(max, meaning));
                }
                Val::Int(n)
            }
            // Digits only, but too many for a 64-bit number: out of range rather than "not a
            // number".
            Err(_) if raw.bytes().all(|b| b.is_ascii_digit()) => {
                let (max, meaning) = col.max();
                return Err(too_large(max, meaning));
            }
            _ => return Err(bad("a whole number >= 0")),
        },
        Kind::Decimal => match raw.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => {
                let (max, meaning) = col.max();
                if x > max as f64 {
                    return Err(too_large(max, meaning));
                }
                // `-0` is 0.
                Val::Float(x + 0.0)
            }
            _ => return Err(bad("a decimal number >= 0")),
        },
        Kind::Percent => match raw.trim_end_matches('%').trim().parse::<f64>() {
            Ok(x) if (0.0..=100.0).contains(&x) => Val::Float(x),
            _ => return Err(bad("a percentage between 0 and 100")),
        },
        Kind::Currency => {
            if raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_alphabetic()) {
                Val::Owned(raw.to_ascii_uppercase())
            } else {
                return Err(bad("a three-letter ISO 4217 currency code (e.g. KRW, USD)"));
            }
        }
        Kind::Language => match m::parse_language_tag(raw) {
            Some(std::borrow::Cow::Borrowed(s)) => Val::Str(s),
            Some(std::borrow::Cow::Owned(s)) => Val::Owned(s),
            None => return Err(bad("a BCP 47 language tag (e.g. ko, en, zh, en-US)")),
        },
        Kind::DocLanguage => Val::Static(m::parse_doc_language(raw).ok_or_else(|| {
            format!("unknown document language `{raw}`: expected ko, en or zh")
        })?),
        Kind::MaintenanceKind => Val::Static(m::parse_maintenance_kind(raw).ok_or_else(|| {
            format!("unknown maintenance kind `{raw}`: expected inspection, security_patch, upgrade or optimization")
        })?),
        Kind::WaiverMetric => Val::Static(m::parse_waiver_metric(raw).ok_or_else(|| {
            format!("unknown waiver metric `{raw}`: expected first_response, update, resolution, system_down or all")
        })?),
        Kind::Quarter => {
            let Some((y, q)) = m::parse_quarter(raw) else {
                return Err(bad("a quarter written YYYYQn (e.g. 2026Q2)"));
            };
            // The quarter's first day must lie in the plausibility window, as dates do.
            match m::parse_date(&format!("{y:04}-{:02}-01", (q - 1) * 3 + 1)) {
                Some(d) if window.holds_date(d) => {}
                _ => return Err(implausible()),
            }
            if raw.as_bytes()[4] == b'q' {
                Val::Owned(raw.to_ascii_uppercase())
            } else {
                Val::Str(raw)
            }
        }
        Kind::Owner => {
            if !m::is_owner(raw) {
                return Err(bad("`vendor` or `customer`, optionally followed by a name (e.g. `vendor: Kim`)"));
            }
            Val::Str(raw)
        }
    })
}

/// Why an identifier holding hidden character `c` (see `model::hidden_char`) is a reject.
fn hidden_char_reason(name: &str, raw: &str, c: char) -> String {
    format!(
        "`{name}` value `{}` holds {}, which cannot be seen or reorders the text around it; an identifier must not hold control, bidirectional or zero-width characters: remove it in the export",
        m::visible(raw),
        m::name_char(c)
    )
}

/// Accepted rows of a table as a DataFrame with the lake's types: text as String, timestamps as
/// UTC datetimes in milliseconds (whole seconds), dates as Date, plus `source_line`.
pub fn to_frame(table: &Table) -> PolarsResult<DataFrame> {
    let n_kept = table.keep.iter().filter(|k| **k).count();
    frame_of_rows(table, 0..table.len(), n_kept)
}

/// The row groups the lake writes a table in: ranges of rows (indices into the parsed rows)
/// holding the kept rows polars' `ParquetWriter::finish` would put in each row group of a
/// one-chunk frame (`row_group_size` 512 x 512: `n = kept / size` groups of `kept / n` rows,
/// the last taking the rest; one group below two sizes). Writing them one by one gives the same
/// file without ever holding the whole table as polars arrays. Returns each range with its kept
/// count.
pub fn row_groups(table: &Table) -> Vec<(std::ops::Range<usize>, usize)> {
    const SIZE: usize = 512 * 512;
    let n_kept = table.keep.iter().filter(|k| **k).count();
    let n = n_kept / SIZE;
    if n <= 1 {
        return vec![(0..table.len(), n_kept)];
    }
    let per = n_kept / n;
    let mut out = Vec::with_capacity(n);
    let (mut start, mut kept) = (0usize, 0usize);
    for (i, k) in table.keep.iter().enumerate() {
        if *k {
            kept += 1;
            if kept == per && out.len() < n - 1 {
                out.push((start..i + 1, per));
                start = i + 1;
                kept = 0;
            }
        }
    }
    out.push((start..table.len(), kept));
    out
}

/// The kept rows among `rows` (indices into the parsed rows, `n_kept` of them kept) as a
/// DataFrame with the lake's types (see `to_frame`).
pub fn frame_of_rows(
    table: &Table,
    rows: std::ops::Range<usize>,
    n_kept: usize,
) -> PolarsResult<DataFrame> {
    use rayon::prelude::*;
    let keep = &table.keep[rows.clone()];
    // The kept values with their exact count as size hint, so polars' builders allocate each
    // column once instead of growing it (fresh memory is most of an ingest's kernel time).
    struct Kept<'a, I> {
        v: I,
        keep: std::slice::Iter<'a, bool>,
        left: usize,
    }
    impl<I: Iterator> Iterator for Kept<'_, I> {
        type Item = I::Item;
        fn next(&mut self) -> Option<I::Item> {
            loop {
                let x = self.v.next()?;
                if *self.keep.next()? {
                    self.left = self.left.saturating_sub(1);
                    return Some(x);
                }
            }
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (self.left, Some(self.left))
        }
    }
    fn kept_iter<'a, I: Iterator>(v: I, keep: &'a [bool], n_kept: usize) -> Kept<'a, I> {
        Kept {
            v,
            keep: keep.iter(),
            left: n_kept,
        }
    }
    let spans = || table.spans(rows.clone());
    // Columns are independent: build them in parallel, each from its cells in every part.
    let mut columns: Vec<Column> = table
        .spec
        .columns
        .par_iter()
        .enumerate()
        .map(|(ci, col)| -> PolarsResult<Column> {
            let name: PlSmallStr = col.name.into();
            // The kept cells of this column over the rows, read part by part.
            macro_rules! cells {
                ($buf:ident) => {
                    kept_iter(
                        spans().flat_map(|(p, r)| p.cols[ci].$buf().range(r)),
                        keep,
                        n_kept,
                    )
                };
            }
            // Text goes straight from the arenas into polars' string arrays, and numbers into
            // polars' arrays sized once: no intermediate vectors, no kept copy, no cast copy for
            // dates and timestamps (a logical type over the same values).
            let series = match ColBuf::for_kind(col.kind) {
                ColBuf::Str(_) => StringChunked::from_iter_options(name, cells!(str)).into_series(),
                ColBuf::Cat(_) => StringChunked::from_iter_options(name, cells!(cat)).into_series(),
                ColBuf::Int(_) => Int64Chunked::from_iter_options(name, cells!(int)).into_series(),
                ColBuf::Float(_) => {
                    Float64Chunked::from_iter_options(name, cells!(float)).into_series()
                }
                ColBuf::Date(_) => Int32Chunked::from_iter_options(name, cells!(date))
                    .into_date()
                    .into_series(),
                ColBuf::Ts(_) => {
                    Int64Chunked::from_iter_options(name, cells!(ts).map(|x| x.map(|s| s * 1000)))
                        .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
                        .into_series()
                }
            };
            Ok(series.into())
        })
        .collect::<PolarsResult<_>>()?;
    for (name, v) in &table.extras {
        // An extra column never shadows a canonical one (HeaderMap skips those).
        columns.push(
            Series::new(
                name.as_str().into(),
                kept_iter(v[rows.clone()].iter().cloned(), keep, n_kept).collect::<Vec<_>>(),
            )
            .into(),
        );
    }
    columns.push(
        Int64Chunked::from_iter_values(
            "source_line".into(),
            kept_iter(spans().flat_map(|(p, r)| p.lines.range(r)), keep, n_kept).map(|l| l as i64),
        )
        .into_series()
        .into(),
    );
    DataFrame::new_infer_height(columns)
}

/// All rejects of an ingest, in `rejects_in_order`.
pub fn rejects_frame(ing: &Ingested) -> PolarsResult<DataFrame> {
    let all = ing.rejects_in_order();
    let df = DataFrame::new_infer_height(vec![
        Series::new(
            "file".into(),
            all.iter().map(|r| r.file.as_str()).collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "line".into(),
            all.iter().map(|r| r.line as i64).collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "column".into(),
            all.iter().map(|r| r.column.as_deref()).collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "value".into(),
            all.iter().map(|r| r.value.as_deref()).collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "reason".into(),
            all.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>(),
        )
        .into(),
    ])?;
    Ok(df)
}

/// The manifest of one ingest: what was read, what came of it, and how to tell it was these files.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub tool: String,
    pub as_of: Option<String>,
    pub as_of_source: String,
    /// File, line and column of the row that set the default as_of; null with `--as-of`.
    pub as_of_origin: Option<AsOfOrigin>,
    pub assume_tz: Option<String>,
    pub files: Vec<FileEntry>,
    pub config_files: Vec<ConfigFile>,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
}

#[derive(Debug, Serialize)]
pub struct FileEntry {
    pub table: String,
    pub file: String,
    pub format: Format,
    pub encoding: Option<Encoding>,
    pub sha256: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
}

impl Manifest {
    pub fn new(ing: &Ingested) -> Manifest {
        let files: Vec<FileEntry> = ing
            .tables
            .iter()
            .filter_map(|t| {
                let src = t.source.as_ref()?;
                Some(FileEntry {
                    table: t.spec.name.to_string(),
                    file: src.name.clone(),
                    format: src.format,
                    encoding: t.encoding,
                    sha256: t.sha256.clone().unwrap_or_default(),
                    rows_read: t.rows_read,
                    rows_accepted: t.accepted(),
                    rows_rejected: t.rejects.len() as u64,
                })
            })
            .collect();
        Manifest {
            schema_version: schema::SCHEMA_VERSION,
            tool: format!("slareview {}", env!("CARGO_PKG_VERSION")),
            as_of: ing.as_of.map(m::format_utc),
            as_of_source: ing.as_of_source.clone(),
            as_of_origin: ing.as_of_origin.clone(),
            assume_tz: ing.options.assume_tz.map(|t| t.name().to_string()),
            rows_read: files.iter().map(|f| f.rows_read).sum(),
            rows_accepted: files.iter().map(|f| f.rows_accepted).sum(),
            rows_rejected: files.iter().map(|f| f.rows_rejected).sum(),
            files,
            config_files: ing.config_files.clone(),
        }
    }
}

/// Ingests and writes the lake at `lake_dir` (atomically: see `lake`). Returns the ingest and
/// its manifest.
pub fn ingest_to_lake(
    opts: &Options,
    lake_dir: &Path,
) -> Result<(Ingested, Manifest), IngestError> {
    // Put back a lake an earlier crash left half-swapped, even if this ingest fails.
    lake::recover(lake_dir)?;
    let ing = ingest(opts)?;
    let manifest = Manifest::new(&ing);
    lake::write(lake_dir, &ing, &manifest)?;
    Ok((ing, manifest))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `n` events of tickets `T0`.. in parts of `per_part` rows, every 7th not kept.
    pub(crate) fn many_events(n: usize, per_part: usize) -> Table {
        let spec = &schema::TICKET_EVENTS;
        let mut t = Table::empty(spec);
        for i in 0..n {
            if i % per_part == 0 {
                t.parts.push(Part::new(spec));
            }
            let p = t.tail();
            p.lines.push(i as u64 + 2);
            let id = format!("T{}", i / 3);
            let vals = [
                Val::Str(&id),
                Val::Ts(1_750_000_000 + i as i64),
                Val::Static(if i % 2 == 0 { "status" } else { "agent_reply" }),
                Val::Null,
                if i % 2 == 0 {
                    Val::Static("open")
                } else {
                    Val::Null
                },
            ];
            for (c, v) in p.cols.iter_mut().zip(vals) {
                match (c, v) {
                    (ColBuf::Str(b), Val::Str(s) | Val::Static(s)) => b.push(Some(s)),
                    (ColBuf::Str(b), Val::Null) => b.push(None),
                    (ColBuf::Ts(b), Val::Ts(x)) => b.push(Some(x)),
                    (ColBuf::Cat(b), Val::Static(s)) => b.push(Some(s)),
                    _ => unreachable!(),
                }
            }
        }
        t.seal();
        for i in (0..n).step_by(7) {
            t.keep[i] = false;
        }
        t
    }

    /// A ticket_events table in parts as the row pass leaves it: rows pushed into parts of 3, 0
    /// and 2 rows, the second part started because a line did not fit the first's offsets.
    pub(crate) fn events_in_parts() -> Table {
        let spec = &schema::TICKET_EVENTS;
        let mut t = Table::empty(spec);
        let push = |p: &mut Part, line: u64, id: &str, at: Option<i64>| {
            p.lines.push(line);
            let [ColBuf::Str(ids), ColBuf::Ts(ats), ColBuf::Cat(kinds), ColBuf::Str(actors), ColBuf::Str(values)] =
                &mut p.cols[..]
            else {
                panic!("ticket_events columns changed")
            };
            ids.push(Some(id));
            ats.push(at);
            kinds.push(Some("status"));
            actors.push(None);
            values.push(Some("open"));
        };
        for (line, id) in [(2, "T1"), (3, "T1"), (5, "T2")] {
            push(t.tail(), line, id, Some(line as i64 * 60));
        }
        t.parts.push(Part::new(spec)); // an empty part: dropped by seal
        let far = 5 + (1u64 << 32);
        assert!(
            !t.parts[0].fits(far),
            "a line 2^32 past the part's first does not fit"
        );
        t.parts.push(Part::new(spec));
        push(t.tail(), far, "T3", None);
        push(t.tail(), far + 1, "T3", Some(7));
        t.seal();
        t
    }

    #[test]
    fn rows_are_addressed_across_parts() {
        let t = events_in_parts();
        assert_eq!((t.len(), t.parts.len()), (5, 2));
        let (id, at) = (t.col("ticket_id"), t.col("at"));
        let lines: Vec<u64> = (0..5).map(|i| t.line(i)).collect();
        assert_eq!(lines, vec![2, 3, 5, 5 + (1 << 32), 6 + (1 << 32)]);
        let ids: Vec<Option<&str>> = (0..5).map(|i| t.str(id, i)).collect();
        assert_eq!(
            ids,
            vec![Some("T1"), Some("T1"), Some("T2"), Some("T3"), Some("T3")]
        );
        assert_eq!(
            (t.ts(at, 2), t.ts(at, 3), t.ts(at, 4)),
            (Some(300), None, Some(7))
        );
        // A range across the part boundary, and an empty one.
        let spans: Vec<(usize, std::ops::Range<usize>)> =
            t.spans(1..4).map(|(p, r)| (p.lines.len(), r)).collect();
        assert_eq!(spans, vec![(3, 1..3), (2, 0..1)]);
        assert_eq!(t.spans(2..2).count(), 0);
    }

    #[test]
    fn frames_of_row_ranges_keep_only_kept_rows() {
        let mut t = events_in_parts();
        t.keep[1] = false;
        t.keep[3] = false;
        let df = frame_of_rows(&t, 1..5, 2).unwrap();
        let lines: Vec<Option<i64>> = df
            .column("source_line")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(lines, vec![Some(5), Some(6 + (1 << 32))]);
        let whole = to_frame(&t).unwrap();
        assert_eq!(whole.height(), 3);
        let ids: Vec<Option<&str>> = whole
            .column("ticket_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(ids, vec![Some("T1"), Some("T2"), Some("T3")]);
        // Small tables are one row group holding every row.
        assert_eq!(row_groups(&t), vec![(0..5, 3)]);
    }
}
