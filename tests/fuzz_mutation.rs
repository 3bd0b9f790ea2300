//! A bounded mutation fuzz test over ingest and the configuration parsers, and over whole runs.
//!
//! Each case starts from a small valid folder (the hand-built one of `common`, or 300 generated
//! tickets), applies one to three seeded mutations to one or more of its files (bit flips,
//! truncation, inserted quotes and NULs, CR-only and mixed line endings, wrong types, extreme
//! numbers, impossible dates, invisible characters, duplicated and dropped lines, broken or
//! extreme `calendars.toml` and `goals.toml`) and ingests it in process, with a 60 s limit.
//! Every `cases / runs`-th case is also run whole by the binary (`slareview run`, 60 s,
//! 3 GB of address space). A case fails on a panic, a hang, a crash (a signal), an exit 2
//! without an `error:` message, counts that do not reconcile (per file read = accepted +
//! rejected; the rejects table holds the manifest's count; no two rejects share a (file,
//! line); every line exists in its file), or a document holding a raw invisible character.
//!
//! Environment: `SLAREVIEW_FUZZ_CASES` (default 1000), `SLAREVIEW_FUZZ_RUNS` (default 100),
//! `SLAREVIEW_FUZZ_SEED` (default 15), `SLAREVIEW_FUZZ_CASE` (run that one case only, to
//! reproduce a failure), `SLAREVIEW_FUZZ_SECONDS` (start no case after that many seconds),
//! `SLAREVIEW_FUZZ_KEEP` (where failing inputs are copied; default under the target folder).
//! `bench/fuzz.sh` runs 10,000 cases and prints the figures.

mod bounded;
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use slareview::ingest::{self, IngestError};

const LIMIT: Duration = Duration::from_secs(60);
const MEM_MB: u64 = 3072;

// ---------------------------------------------------------------- a seeded generator

/// SplitMix64: tiny, seedable, the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, case: u64) -> Rng {
        let mut r = Rng(seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------- the starting folders

type Folder = BTreeMap<String, Vec<u8>>;

const GOALS: &str = include_str!("../sample_data/goals.toml");

fn hand_built() -> Folder {
    [
        ("contracts.csv", common::CONTRACTS),
        ("sla_targets.csv", common::TARGETS),
        ("calendars.toml", common::CALENDARS),
        ("goals.toml", GOALS),
        ("tickets.csv", common::TICKETS),
        ("ticket_events.csv", common::EVENTS),
        ("surveys.csv", common::SURVEYS),
        ("engineers.csv", common::ENGINEERS),
        ("kb_articles.csv", common::KB),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
    .collect()
}

/// 300 generated tickets, made once per test binary.
fn generated() -> &'static Folder {
    static F: OnceLock<Folder> = OnceLock::new();
    F.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        slareview::generate::generate(
            &slareview::generate::Params {
                tickets: 300,
                seed: 42,
                defect_rate: 0.0,
            },
            t.path(),
        )
        .unwrap();
        read_folder(t.path())
    })
}

fn read_folder(dir: &Path) -> Folder {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn write_folder(dir: &Path, f: &Folder) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in f {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

// ---------------------------------------------------------------- mutations

const EXTREME_NUMBERS: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551616",
    "-1",
    "0",
    "-0",
    "1e308",
    "-1e308",
    "1e309",
    "1e-308",
    "inf",
    "-inf",
    "NaN",
    "nan",
    "99999999999999999999999999999",
    "0.000001",
    "2147483648",
    "4294967296",
];

const IMPOSSIBLE_DATES: &[&str] = &[
    "9999-12-31",
    "0000-01-01",
    "2026-02-30",
    "9999-12-31T23:59:59Z",
    "9999-12-31T00:00:00+09:00",
    "0000-01-01T00:00:00Z",
    "2026-02-30T10:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-07-01T24:00:00Z",
    "2026-07-01T23:59:60Z",
    "2026-07-01T10:00:00+25:00",
    "2026-07-01T10:00:00",
    "-0001-01-01T00:00:00Z",
    "+275760-09-13T00:00:00Z",
    "262143-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z",
    "1900-01-01T00:00:00+14:00",
    "2100-01-01T00:00:00Z",
    "1989-12-31T23:59:59Z",
];

const WRONG_TYPES: &[&str] = &[
    "", "abc", "true", "1.5", "P9", "urgent!!", "💥", "\"", "\"\"", "\"a,b\"", "NULL", "N/A",
    "한빛", "=1+1", "   ", "\t", "[]", "{}",
];

const INVISIBLE: &[&str] = &[
    "\u{0}", "\u{202E}", "\u{202D}", "\u{2066}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{1B}",
    "\u{7F}", "\u{85}", "\u{2028}",
];

/// Values for a number in a TOML file: extreme, wrong-typed, or not TOML at all.
const TOML_VALUES: &[&str] = &[
    "inf",
    "-inf",
    "+inf",
    "nan",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "1e308",
    "-1e308",
    "-1",
    "0",
    "0.0",
    "1e-300",
    "3650",
    "36500",
    "100000000",
    "\"48\"",
    "true",
    "[]",
    "48 hours",
];

/// Whether `bytes` holds a physical line break at `i`, and its length.
fn break_at(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        b'\r' if bytes.get(i + 1) == Some(&b'\n') => Some(2),
        b'\r' | b'\n' => Some(1),
        _ => None,
    }
}

/// The lines of a file, each with its ending, whatever the convention.
fn split_lines(bytes: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(n) = break_at(bytes, i) {
            out.push((bytes[start..i].to_vec(), bytes[i..i + n].to_vec()));
            i += n;
            start = i;
        } else {
            i += 1;
        }
    }
    if start < bytes.len() {
        out.push((bytes[start..].to_vec(), Vec::new()));
    }
    out
}

fn join_lines(lines: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (l, e) in lines {
        out.extend_from_slice(l);
        out.extend_from_slice(e);
    }
    out
}

/// How many physical lines a file has (CRLF, lone CR and lone LF each end one): the largest
/// line number a reject may name.
fn physical_lines(bytes: &[u8]) -> u64 {
    let mut n = 1;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(k) = break_at(bytes, i) {
            n += 1;
            i += k;
        } else {
            i += 1;
        }
    }
    n
}

/// Replaces one comma-separated cell of a random line (the header only rarely).
fn replace_cell(rng: &mut Rng, bytes: &mut Vec<u8>, value: &str) -> String {
    let mut lines = split_lines(bytes);
    if lines.is_empty() {
        return "no line to change".into();
    }
    let li = if lines.len() > 1 && !rng.chance(5) {
        1 + rng.below(lines.len() - 1)
    } else {
        0
    };
    let mut cells: Vec<Vec<u8>> = lines[li]
        .0
        .split(|b| *b == b',')
        .map(|c| c.to_vec())
        .collect();
    let ci = rng.below(cells.len());
    cells[ci] = value.as_bytes().to_vec();
    lines[li].0 = cells.join(&b","[..]);
    *bytes = join_lines(&lines);
    format!("line {} cell {} = {value:?}", li + 1, ci + 1)
}

fn set_endings(bytes: &mut Vec<u8>, ending: impl Fn(usize) -> &'static [u8]) {
    let mut lines = split_lines(bytes);
    for (i, (_, e)) in lines.iter_mut().enumerate() {
        if !e.is_empty() {
            *e = ending(i).to_vec();
        }
    }
    *bytes = join_lines(&lines);
}

/// One mutation of a CSV file (or, as bytes, of any file); returns what it did.
fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let len = bytes.len();
    let pos = |rng: &mut Rng| rng.below(len + 1);
    match rng.below(18) {
        0 if len > 0 => {
            let i = rng.below(len);
            let bit = rng.below(8);
            bytes[i] ^= 1 << bit;
            format!("flip bit {bit} of byte {i}")
        }
        1 if len > 0 => {
            let i = rng.below(len);
            let b = rng.next() as u8;
            bytes[i] = b;
            format!("byte {i} = {b:#04x}")
        }
        2 => {
            let n = pos(rng);
            bytes.truncate(n);
            format!("truncate to {n} bytes")
        }
        3 => {
            let i = pos(rng);
            bytes.insert(i, b'"');
            format!("quote at {i}")
        }
        4 => {
            let i = pos(rng);
            bytes.insert(i, 0);
            format!("NUL at {i}")
        }
        5 => {
            set_endings(bytes, |_| b"\r");
            "CR-only line endings".into()
        }
        6 => {
            let seed = rng.next();
            set_endings(bytes, move |i| {
                [&b"\r\n"[..], &b"\r"[..], &b"\n"[..]][((seed >> (i % 60)) as usize + i) % 3]
            });
            "mixed line endings".into()
        }
        7 => {
            let v = *rng.pick(EXTREME_NUMBERS);
            format!("extreme number: {}", replace_cell(rng, bytes, v))
        }
        8 => {
            let v = *rng.pick(IMPOSSIBLE_DATES);
            format!("impossible date: {}", replace_cell(rng, bytes, v))
        }
        9 => {
            let v = *rng.pick(WRONG_TYPES);
            format!("wrong type: {}", replace_cell(rng, bytes, v))
        }
        10 => {
            let inv = *rng.pick(INVISIBLE);
            let v = format!("X{inv}Y");
            format!("invisible character: {}", replace_cell(rng, bytes, &v))
        }
        11 => {
            let mut lines = split_lines(bytes);
            if lines.len() > 1 {
                let i = 1 + rng.below(lines.len() - 1);
                let copies = if rng.chance(10) { 2000 } else { 1 };
                let mut l = lines[i].clone();
                if l.1.is_empty() {
                    l.1 = b"\n".to_vec();
                }
                for _ in 0..copies {
                    lines.insert(i, l.clone());
                }
                *bytes = join_lines(&lines);
                format!("line {} repeated {copies} more times", i + 1)
            } else {
                "no line to repeat".into()
            }
        }
        12 => {
            let mut lines = split_lines(bytes);
            if !lines.is_empty() {
                let i = rng.below(lines.len());
                lines.remove(i);
                *bytes = join_lines(&lines);
                format!("line {} dropped", i + 1)
            } else {
                "no line to drop".into()
            }
        }
        13 => {
            let mut lines = split_lines(bytes);
            if lines.len() > 2 {
                let a = 1 + rng.below(lines.len() - 1);
                let b = 1 + rng.below(lines.len() - 1);
                let (la, lb) = (lines[a].0.clone(), lines[b].0.clone());
                lines[a].0 = lb;
                lines[b].0 = la;
                *bytes = join_lines(&lines);
                format!("lines {} and {} swapped", a + 1, b + 1)
            } else {
                "no lines to swap".into()
            }
        }
        14 => {
            let mut lines = split_lines(bytes);
            if !lines.is_empty() {
                let i = rng.below(lines.len());
                if rng.chance(50) {
                    lines[i].0.extend_from_slice(b",extra");
                    *bytes = join_lines(&lines);
                    format!("line {} one cell longer", i + 1)
                } else {
                    if let Some(c) = lines[i].0.iter().rposition(|b| *b == b',') {
                        lines[i].0.truncate(c);
                    }
                    *bytes = join_lines(&lines);
                    format!("line {} one cell shorter", i + 1)
                }
            } else {
                "no line to change".into()
            }
        }
        15 => {
            let n = if rng.chance(50) { 70_000 } else { 1_000_000 };
            let v = "x".repeat(n);
            format!(
                "{n}-byte cell: {}",
                replace_cell(rng, bytes, &v).replace(&v, "x...")
            )
        }
        16 => {
            let i = if rng.chance(50) { 0 } else { pos(rng) };
            for (k, b) in [0xEF, 0xBB, 0xBF].into_iter().enumerate() {
                bytes.insert(i + k, b);
            }
            format!("BOM at {i}")
        }
        _ => {
            // Invalid UTF-8 (or CP949) in the middle of a cell.
            let i = pos(rng);
            const JUNK: &[&[u8]] = &[&[0xFF, 0xFE], &[0xC3], &[0xB0, 0xA1], &[0xED, 0xA0, 0x80]];
            let junk: &[u8] = *rng.pick(JUNK);
            for (k, b) in junk.iter().enumerate() {
                bytes.insert(i + k, *b);
            }
            format!("bytes {junk:02x?} at {i}")
        }
    }
}

/// Dense windows: 24 half-hour windows a day, or 48 back-to-back ones.
fn dense_windows(rng: &mut Rng) -> String {
    let w: Vec<String> = if rng.chance(50) {
        (0..24)
            .map(|h| format!("\"{h:02}:00-{h:02}:30\""))
            .collect()
    } else {
        (0..48)
            .map(|i| {
                let (a, b) = (i * 30, i * 30 + 30);
                format!(
                    "\"{:02}:{:02}-{:02}:{:02}\"",
                    a / 60,
                    a % 60,
                    b / 60,
                    b % 60
                )
            })
            .collect()
    };
    format!("[{}]", w.join(", "))
}

/// One mutation meant for a TOML file: a value replaced by an extreme one, calendars with
/// dense or broken windows, impossible holidays, unknown zones; else a byte mutation.
fn mutate_toml(rng: &mut Rng, name: &str, bytes: &mut Vec<u8>) -> String {
    let Ok(text) = String::from_utf8(bytes.clone()) else {
        return mutate_bytes(rng, bytes);
    };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let assignments: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#') && l.contains(" = "))
        .map(|(i, _)| i)
        .collect();
    let day_lines: Vec<usize> = assignments
        .iter()
        .copied()
        .filter(|i| {
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .iter()
                .any(|d| lines[*i].starts_with(&format!("{d} = ")))
        })
        .collect();
    let what = match rng.below(7) {
        0 | 1 if !assignments.is_empty() => {
            let i = *rng.pick(&assignments);
            let key = lines[i].split(" = ").next().unwrap().to_string();
            let v = *rng.pick(TOML_VALUES);
            lines[i] = format!("{key} = {v}");
            format!("{key} = {v}")
        }
        2 if name == "calendars.toml" && !day_lines.is_empty() => {
            let w = dense_windows(rng);
            let all = rng.chance(50);
            let mut n = 0;
            for i in &day_lines {
                if all || n == 0 {
                    let key = lines[*i].split(" = ").next().unwrap().to_string();
                    lines[*i] = format!("{key} = {w}");
                    n += 1;
                }
            }
            format!("{n} days of dense windows")
        }
        3 if name == "calendars.toml" && !day_lines.is_empty() => {
            let i = *rng.pick(&day_lines);
            let key = lines[i].split(" = ").next().unwrap().to_string();
            let w = *rng.pick(&[
                "[\"25:00-26:00\"]",
                "[\"09:00-09:00\"]",
                "[\"18:00-09:00\"]",
                "[\"00:00-24:00\"]",
                "[\"24:00-24:00\"]",
                "[\"9:00-18:00\"]",
                "[\"09:00-12:00\", \"11:00-13:00\"]",
                "[\"\u{202E}09:00-18:00\"]",
                "[]",
                "\"09:00-18:00\"",
            ]);
            lines[i] = format!("{key} = {w}");
            format!("{key} = {w}")
        }
        4 if name == "calendars.toml" => {
            let h = *rng.pick(&[
                "\"9999-12-31\"",
                "\"0000-01-01\"",
                "\"2026-02-30\"",
                "\"+275760-01-01\"",
                "\"-0001-01-01\"",
                "\"1900-01-01\", \"2200-01-01\"",
            ]);
            let mut done = false;
            for l in lines.iter_mut() {
                if l.starts_with("holidays = [") {
                    *l = l.replacen("holidays = [", &format!("holidays = [{h}, "), 1);
                    done = true;
                    break;
                }
            }
            if done {
                format!("holiday {h}")
            } else {
                return mutate_bytes(rng, bytes);
            }
        }
        5 => {
            let key = if name == "calendars.toml" {
                "timezone"
            } else {
                "reporting_timezone"
            };
            let z = *rng.pick(&["\"Mars/Olympus\"", "\"UTC+25\"", "\"\"", "\"\u{0}\"", "42"]);
            let mut n = 0;
            for l in lines.iter_mut() {
                if l.starts_with(&format!("{key} = ")) {
                    *l = format!("{key} = {z}");
                    n += 1;
                }
            }
            format!("{n}x {key} = {z}")
        }
        _ => return mutate_bytes(rng, bytes),
    };
    *bytes = (lines.join("\n") + "\n").into_bytes();
    what
}

/// Mutates 1..=max files of `folder`; returns the descriptions.
fn mutate(rng: &mut Rng, folder: &mut Folder, max: usize) -> Vec<String> {
    const WEIGHTS: &[(&str, usize)] = &[
        ("tickets.csv", 3),
        ("ticket_events.csv", 3),
        ("contracts.csv", 2),
        ("sla_targets.csv", 2),
        ("surveys.csv", 1),
        ("engineers.csv", 1),
        ("kb_articles.csv", 1),
        ("calendars.toml", 2),
        ("goals.toml", 2),
    ];
    let total: usize = WEIGHTS.iter().map(|(_, w)| w).sum();
    let n = 1 + rng.below(max);
    let mut out = Vec::new();
    for _ in 0..n {
        let mut k = rng.below(total);
        let name = WEIGHTS
            .iter()
            .find(|(_, w)| {
                if k < *w {
                    true
                } else {
                    k -= w;
                    false
                }
            })
            .unwrap()
            .0;
        let Some(bytes) = folder.get_mut(name) else {
            continue;
        };
        let what = if name.ends_with(".toml") && rng.chance(75) {
            mutate_toml(rng, name, bytes)
        } else {
            mutate_bytes(rng, bytes)
        };
        out.push(format!("{name}: {what}"));
    }
    out
}

// ---------------------------------------------------------------- checks

/// Panics in the code under test are recorded here (with their place) instead of printed.
static IN_CASE: AtomicBool = AtomicBool::new(false);
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_CASE.load(Ordering::SeqCst) {
                let place = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let mut last = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner());
                if last.is_none() {
                    *last = Some(format!("panicked at {place}: {msg}"));
                }
            } else {
                default(info)
            }
        }));
    });
}

#[derive(Debug)]
enum Outcome {
    /// Ingested; so many rejects.
    Accepted(usize),
    /// Refused with an input error (exit 2 in the CLI): fine.
    Refused,
    Failed(Failure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Panic,
    Hang,
    Crash,
    Reconcile,
    RawInvisible,
    BadExit,
}

#[derive(Debug)]
struct Failure {
    kind: Kind,
    what: String,
}

fn failed(kind: Kind, what: impl Into<String>) -> Outcome {
    Outcome::Failed(Failure {
        kind,
        what: what.into(),
    })
}

/// The counts of one ingest reconcile, and every reject names a line of its own.
fn reconcile(ing: &ingest::Ingested, dir: &Path) -> Result<usize, String> {
    let m = ingest::Manifest::new(ing);
    for f in &m.files {
        if f.rows_read != f.rows_accepted + f.rows_rejected {
            return Err(format!(
                "{}: read {} != accepted {} + rejected {}",
                f.file, f.rows_read, f.rows_accepted, f.rows_rejected
            ));
        }
    }
    let rejects = ing.rejects_in_order();
    if rejects.len() as u64 != m.rows_rejected {
        return Err(format!(
            "{} rejects listed, manifest says {}",
            rejects.len(),
            m.rows_rejected
        ));
    }
    let frame = ingest::rejects_frame(ing).map_err(|e| format!("rejects table: {e}"))?;
    if frame.height() as u64 != m.rows_rejected {
        return Err(format!(
            "rejects table has {} rows, manifest says {}",
            frame.height(),
            m.rows_rejected
        ));
    }
    let mut seen = BTreeSet::new();
    let mut lines_of: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &rejects {
        if !seen.insert((r.file.as_str(), r.line)) {
            return Err(format!("two rejects at {} line {}", r.file, r.line));
        }
        let max = *lines_of.entry(r.file.as_str()).or_insert_with(|| {
            std::fs::read(dir.join(&r.file))
                .map(|b| physical_lines(&b))
                .unwrap_or(u64::MAX)
        });
        if r.line < 1 || r.line > max {
            return Err(format!(
                "reject at {} line {}, but the file has {max} lines",
                r.file, r.line
            ));
        }
    }
    Ok(rejects.len())
}

/// Ingests `dir` in process, on its own thread, with a time limit.
fn ingest_case(dir: &Path) -> Outcome {
    let (tx, rx) = std::sync::mpsc::channel();
    let d = dir.to_path_buf();
    *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = None;
    IN_CASE.store(true, Ordering::SeqCst);
    std::thread::Builder::new()
        .name("fuzz-case".into())
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let opts = ingest::Options {
                    data_dir: d.clone(),
                    assume_tz: None,
                    encoding: None,
                    as_of: None,
                };
                match ingest::ingest(&opts) {
                    Err(IngestError::Internal(m)) => {
                        failed(Kind::Reconcile, format!("internal: {m}"))
                    }
                    Err(_) => Outcome::Refused,
                    Ok(ing) => match reconcile(&ing, &d) {
                        Ok(n) => Outcome::Accepted(n),
                        Err(e) => failed(Kind::Reconcile, e),
                    },
                }
            }));
            let _ = tx.send(r);
        })
        .unwrap();
    let outcome = match rx.recv_timeout(LIMIT) {
        Ok(Ok(o)) => o,
        Ok(Err(_)) => {
            let p = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
            failed(Kind::Panic, p.unwrap_or_else(|| "panic".into()))
        }
        // The thread is left behind: it cannot be stopped from outside.
        Err(_) => failed(Kind::Hang, format!("ingest did not finish in {LIMIT:?}")),
    };
    IN_CASE.store(false, Ordering::SeqCst);
    outcome
}

/// `manifest.json` and `rejects.csv` of a lake written by the binary reconcile.
fn reconcile_lake(lake: &Path, data: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(lake.join("manifest.json"))
        .map_err(|e| format!("manifest: {e}"))?;
    let m: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("manifest: {e}"))?;
    let mut r = csv::Reader::from_path(lake.join("rejects.csv"))
        .map_err(|e| format!("rejects.csv: {e}"))?;
    let mut by_file: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("rejects.csv: {e}"))?;
        let (file, line) = (rec[0].to_string(), rec[1].to_string());
        if !seen.insert((file.clone(), line.clone())) {
            return Err(format!("two rejects at {file} line {line} in rejects.csv"));
        }
        let max = std::fs::read(data.join(&file))
            .map(|b| physical_lines(&b))
            .unwrap_or(u64::MAX);
        match line.parse::<u64>() {
            Ok(l) if l >= 1 && l <= max => {}
            _ => {
                return Err(format!(
                    "reject at {file} line {line}, the file has {max} lines"
                ))
            }
        }
        *by_file.entry(file).or_default() += 1;
    }
    let total: u64 = by_file.values().sum();
    if m["rows_rejected"].as_u64() != Some(total) {
        return Err(format!(
            "rejects.csv has {total} rows, manifest says {}",
            m["rows_rejected"]
        ));
    }
    for f in m["files"].as_array().into_iter().flatten() {
        let name = f["file"].as_str().unwrap_or("?");
        let (read, acc, rej) = (
            f["rows_read"].as_u64().unwrap_or(0),
            f["rows_accepted"].as_u64().unwrap_or(0),
            f["rows_rejected"].as_u64().unwrap_or(0),
        );
        if read != acc + rej || by_file.get(name).copied().unwrap_or(0) != rej {
            return Err(format!(
                "{name}: read {read}, accepted {acc}, rejected {rej}, {} in rejects.csv",
                by_file.get(name).copied().unwrap_or(0)
            ));
        }
    }
    Ok(())
}

fn documents_clean(out: &Path) -> Result<(), String> {
    let mut stack = vec![out.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|e| e == "html" || e == "md" || e == "svg")
            {
                let text =
                    String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default()).into_owned();
                if let Some(&(_, c)) = common::raw_invisible(&text).first() {
                    return Err(format!("{} holds a raw U+{:04X}", p.display(), c as u32));
                }
            }
        }
    }
    Ok(())
}

/// The whole run by the binary on `data`.
fn run_case(data: &Path, out: &Path) -> Option<Failure> {
    let e = bounded::run_bounded(data, out, &[], LIMIT, MEM_MB);
    if let Some(f) = e.failure() {
        let kind = if f.starts_with("panic") {
            Kind::Panic
        } else if f.starts_with("hang") {
            Kind::Hang
        } else if f.starts_with("crash") {
            Kind::Crash
        } else {
            Kind::BadExit
        };
        return Some(Failure {
            kind,
            what: format!("run: {f}"),
        });
    }
    if matches!(e.code, Some(0) | Some(1)) {
        if let Err(m) = reconcile_lake(&out.join("lake"), data) {
            return Some(Failure {
                kind: Kind::Reconcile,
                what: format!("run: {m}"),
            });
        }
        if let Err(m) = documents_clean(out) {
            return Some(Failure {
                kind: Kind::RawInvisible,
                what: format!("run: {m}"),
            });
        }
    }
    None
}

// ---------------------------------------------------------------- the test

fn env_num(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

#[derive(Default)]
struct Figures {
    cases: u64,
    runs: u64,
    accepted: u64,
    refused: u64,
    rejects: u64,
    by_kind: BTreeMap<Kind, u64>,
    /// Distinct failure messages (panic places above all), with a case that shows each.
    distinct: BTreeMap<String, (u64, PathBuf, Vec<String>)>,
}

/// Failures are grouped by kind and message (a panic's message names its place); the line
/// number in "two rejects at F line N" is not part of it.
fn failure_key(f: &Failure) -> String {
    let mut key = String::new();
    let mut rest = f.what.as_str();
    while let Some(i) = rest.find("line ") {
        key.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            key.push('N');
            rest = &rest[digits..];
        }
    }
    key.push_str(rest);
    format!(
        "{:?}: {}",
        f.kind,
        key.chars().take(200).collect::<String>()
    )
}

#[test]
fn mutated_inputs_never_panic_hang_or_lose_count() {
    install_panic_hook();
    let cases = env_num("SLAREVIEW_FUZZ_CASES", 1000);
    let runs = env_num("SLAREVIEW_FUZZ_RUNS", 100).min(cases);
    let seed = env_num("SLAREVIEW_FUZZ_SEED", 15);
    let only = std::env::var("SLAREVIEW_FUZZ_CASE")
        .ok()
        .map(|v| v.parse::<u64>().unwrap());
    let budget = std::env::var("SLAREVIEW_FUZZ_SECONDS")
        .ok()
        .map(|v| Duration::from_secs(v.parse().unwrap()));
    let keep = std::env::var_os("SLAREVIEW_FUZZ_KEEP")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures"));
    let run_every = if runs == 0 {
        u64::MAX
    } else {
        (cases / runs).max(1)
    };

    let started = Instant::now();
    let hand = hand_built();
    let generated = generated();
    let mut fig = Figures::default();
    let range: Vec<u64> = match only {
        Some(i) => vec![i],
        None => (0..cases).collect(),
    };
    for i in range {
        if budget.is_some_and(|b| started.elapsed() > b) {
            eprintln!("fuzz: stopped after {i} cases: the time budget is spent");
            break;
        }
        let mut rng = Rng::new(seed, i);
        let use_generated = i % 2 == 1;
        let mut folder = if use_generated {
            generated.clone()
        } else {
            hand.clone()
        };
        // Every `run_every`-th case is also run whole (and a reproduced case always is); whole
        // runs get fewer mutations, so more of them reach the clocks and documents.
        let scheduled = i % run_every == 0 && i / run_every < runs;
        let full_run = scheduled || only.is_some();
        let mutations = mutate(&mut rng, &mut folder, if scheduled { 2 } else { 3 });
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        write_folder(&data, &folder);

        fig.cases += 1;
        let mut failures = Vec::new();
        match ingest_case(&data) {
            Outcome::Accepted(n) => {
                fig.accepted += 1;
                fig.rejects += n as u64;
            }
            Outcome::Refused => fig.refused += 1,
            Outcome::Failed(f) => failures.push(f),
        }
        if full_run {
            fig.runs += 1;
            if let Some(f) = run_case(&data, &t.path().join("out")) {
                failures.push(f);
            }
        }
        for mut f in failures {
            // The case's temporary folder differs from case to case; the same failure should not.
            f.what = f.what.replace(t.path().to_str().unwrap(), "<case>");
            *fig.by_kind.entry(f.kind).or_default() += 1;
            let key = failure_key(&f);
            if !fig.distinct.contains_key(&key) {
                let kept = keep.join(format!("seed{seed}-case{i}"));
                let _ = std::fs::remove_dir_all(&kept);
                write_folder(&kept, &folder);
                let _ = std::fs::write(kept.join("MUTATIONS.txt"), mutations.join("\n") + "\n");
                eprintln!(
                    "fuzz: case {i} ({}): {}\n  mutations: {mutations:?}\n  input kept in {}",
                    if use_generated {
                        "generated"
                    } else {
                        "hand-built"
                    },
                    f.what,
                    kept.display()
                );
                fig.distinct.insert(key, (i, kept, mutations.clone()));
            }
        }
    }
    let count = |k: Kind| fig.by_kind.get(&k).copied().unwrap_or(0);
    let figures = format!(
        "fuzz: seed {seed}: {} cases ({} ingested, {} refused with an error, {} rows rejected), {} whole runs; panics {}, hangs {}, crashes {}, reconcile failures {}, raw invisible characters {}, bad exits {}; {:.1} s",
        fig.cases,
        fig.accepted,
        fig.refused,
        fig.rejects,
        fig.runs,
        count(Kind::Panic),
        count(Kind::Hang),
        count(Kind::Crash),
        count(Kind::Reconcile),
        count(Kind::RawInvisible),
        count(Kind::BadExit),
        started.elapsed().as_secs_f64()
    );
    eprintln!("{figures}");
    for (key, (case, kept, _)) in &fig.distinct {
        eprintln!(
            "fuzz: distinct failure (first in case {case}, input in {}): {key}",
            kept.display()
        );
    }
    assert!(
        fig.distinct.is_empty(),
        "{figures}\n{} distinct failures:\n{}",
        fig.distinct.len(),
        fig.distinct
            .iter()
            .map(|(k, (case, kept, m))| format!(
                "- {k}\n  case {case}, input {}, mutations {m:?}",
                kept.display()
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
