//! A small valid data folder that each test breaks in one way, and helpers that run the real
//! binary and read what it wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const CONTRACTS: &str = "\
contract_id,customer_id,customer_name,plan,start_date,end_date,calendar_id,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct,renewal_date
K1,C1,Acme Korea,business,2026-01-01,2026-12-31,seoul_office,KRW,120000000,100,5,20,
K2,C2,Globex,enterprise,2026-01-01,2026-12-31,,USD,400000,,,,2027-01-15
";

pub const TARGETS: &str = "\
plan,contract_id,priority,metric,target_minutes,clock,commitment_pct
business,,P1,first_response,60,calendar,95
business,,P2,first_response,120,business,90
business,,P2,update,1440,business,
business,,P2,resolution,2880,business,
enterprise,,P1,first_response,15,calendar,95
,K2,P1,first_response,10,calendar,99
";

pub const CALENDARS: &str = r#"
[calendars.seoul_office]
timezone = "Asia/Seoul"
holidays = ["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18"]

[calendars.seoul_office.hours]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]
"#;

pub const TICKETS: &str = "\
ticket_id,customer_id,created_at,priority,severity,status,assignee_id,channel,product,subject,updated_at
00123,C1,2026-07-03T17:00:00+09:00,P2,normal,solved,E1,email,Compute,Instance down,2026-07-09T10:00:00+09:00
T2,C2,2026-07-06T09:00:00Z,urgent,system down,open,E2,web,Database,\"Replica lag, again\",
T3,C1,2026-08-01T10:00:00+09:00,3,,pending,,chat,,,
";

pub const EVENTS: &str = "\
ticket_id,at,kind,actor_id,value
00123,2026-07-06T10:30:00+09:00,agent_reply,E1,
00123,2026-07-06T11:00:00+09:00,status,E1,pending
00123,2026-07-07T14:00:00+09:00,customer_reply,,
00123,2026-07-07T14:00:00+09:00,status,,open
00123,2026-07-09T10:00:00+09:00,agent_reply,E1,
00123,2026-07-09T10:00:00+09:00,status,E1,solved
T2,2026-07-06T09:05:00Z,assign,,E2
T2,2026-07-06T09:10:00Z,agent_reply,E2,
T2,2026-07-06T09:10:00Z,status,E2,Open
T3,2026-08-01T11:00:00+09:00,status,E1,pending
";

pub const SURVEYS: &str = "\
survey_id,ticket_id,responded_at,rating,comment
S1,00123,2026-07-10T09:00:00+09:00,very satisfied,Thanks
";

pub const ENGINEERS: &str = "\
engineer_id,name,team,active_from,active_to,calendar_id
E1,Kim Minjun,Seoul,,,seoul_office
E2,Maria Lopez,Americas,2026-01-01,,
";

pub const KB: &str = "\
article_id,author_id,published_at,title
KB1,E1,2026-07-02T14:00:00+09:00,Rotating keys
";

/// Writes the valid folder into `dir`.
pub fn valid_data(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in [
        ("contracts.csv", CONTRACTS),
        ("sla_targets.csv", TARGETS),
        ("calendars.toml", CALENDARS),
        ("tickets.csv", TICKETS),
        ("ticket_events.csv", EVENTS),
        ("surveys.csv", SURVEYS),
        ("engineers.csv", ENGINEERS),
        ("kb_articles.csv", KB),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The binary under test; `SLAREVIEW_TEST_BIN` overrides it (clones sharing a target folder
/// overwrite `target/debug/slareview` in turn: see tests/bounded/mod.rs).
pub fn bin() -> Command {
    match std::env::var_os("SLAREVIEW_TEST_BIN") {
        Some(p) => Command::new(p),
        None => Command::new(env!("CARGO_BIN_EXE_slareview")),
    }
}

pub fn slareview(args: &[&str]) -> Output {
    bin()
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `slareview ingest --data DATA --lake LAKE`, ready for more arguments or environment.
pub fn ingest_command(data: &Path, lake: &Path) -> Command {
    let mut c = bin();
    c.args([
        "ingest",
        "--data",
        data.to_str().unwrap(),
        "--lake",
        lake.to_str().unwrap(),
    ])
    .env_remove("RUST_LOG");
    c
}

/// Ingests `data` into `lake`, asserting success.
pub fn ingest_ok(data: &Path, lake: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "ingest",
        "--data",
        data.to_str().unwrap(),
        "--lake",
        lake.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = slareview(&args);
    assert_eq!(o.status.code(), Some(0), "ingest failed: {}", stderr(&o));
    o
}

/// Runs `slareview run` on `data` into `out`, asserting success.
pub fn run_ok(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = slareview(&args);
    assert_eq!(o.status.code(), Some(0), "run failed: {}", stderr(&o));
    o
}

/// The bundled sample data folder.
pub fn sample_data() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/sample_data"))
}

/// Ingests `data` into `lake`, asserting it could not run (exit 2); returns stderr.
pub fn ingest_fails(data: &Path, lake: &Path) -> String {
    let o = slareview(&[
        "ingest",
        "--data",
        data.to_str().unwrap(),
        "--lake",
        lake.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "expected exit 2: {}", stderr(&o));
    stderr(&o)
}

#[derive(Debug, Clone)]
pub struct RejectRow {
    pub file: String,
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

pub fn rejects(lake: &Path) -> Vec<RejectRow> {
    let mut r = csv::Reader::from_path(lake.join("rejects.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            RejectRow {
                file: rec[0].to_string(),
                line: rec[1].parse().unwrap(),
                column: rec[2].to_string(),
                value: rec[3].to_string(),
                reason: rec[4].to_string(),
            }
        })
        .collect()
}

pub fn manifest(lake: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(lake.join("manifest.json")).unwrap()).unwrap()
}

/// Per file: (read, accepted, rejected), after checking that every file reconciles and that the
/// rejects table holds exactly the rejected count of each file.
pub fn reconciled_counts(lake: &Path) -> BTreeMap<String, (u64, u64, u64)> {
    let m = manifest(lake);
    let rejects = rejects(lake);
    let mut out = BTreeMap::new();
    for f in m["files"].as_array().unwrap() {
        let name = f["file"].as_str().unwrap().to_string();
        let read = f["rows_read"].as_u64().unwrap();
        let acc = f["rows_accepted"].as_u64().unwrap();
        let rej = f["rows_rejected"].as_u64().unwrap();
        assert_eq!(
            read,
            acc + rej,
            "{name}: read {read} != accepted {acc} + rejected {rej}"
        );
        let listed = rejects.iter().filter(|r| r.file == name).count() as u64;
        assert_eq!(
            listed, rej,
            "{name}: rejects table lists {listed}, manifest says {rej}"
        );
        out.insert(name, (read, acc, rej));
    }
    out
}

/// Every file of a lake folder, by relative name, with its bytes.
pub fn lake_bytes(lake: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(lake).unwrap() {
        let e = e.unwrap();
        out.insert(
            e.file_name().to_string_lossy().to_string(),
            std::fs::read(e.path()).unwrap(),
        );
    }
    out
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn paths(t: &tempfile::TempDir) -> (PathBuf, PathBuf) {
    (t.path().join("data"), t.path().join("lake"))
}

/// A temporary folder holding the valid data folder, and where its lake goes.
pub fn valid_folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let t = tmp();
    let (data, lake) = paths(&t);
    valid_data(&data);
    (t, data, lake)
}

/// One row of an output table, by column name.
pub type Row = BTreeMap<String, String>;

/// `<out>/tables/<name>.csv` as rows.
pub fn table(out: &Path, name: &str) -> Vec<Row> {
    read_csv(&out.join("tables").join(format!("{name}.csv")))
}

/// A CSV file as rows.
pub fn read_csv(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The one row whose columns have the given values.
pub fn row<'a>(rows: &'a [Row], key: &[(&str, &str)]) -> &'a Row {
    let found: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            key.iter()
                .all(|(k, v)| r.get(*k).map(String::as_str) == Some(*v))
        })
        .collect();
    assert_eq!(found.len(), 1, "rows matching {key:?}: {found:?}");
    found[0]
}

/// A cell as a number.
pub fn num(r: &Row, col: &str) -> f64 {
    r[col]
        .parse()
        .unwrap_or_else(|_| panic!("`{col}` = `{}` in {r:?}", r[col]))
}

/// Writes a data folder: each (file name, contents).
pub fn write_folder(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// Characters that must never appear in a document as they are (NUL and the other controls but
/// tab and line breaks, bidirectional controls, zero-width characters), with their byte offsets.
/// Listed here by hand, apart from the product's own `is_invisible`, so a test does not take the
/// product's word for it.
pub fn raw_invisible(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|(_, c)| {
            matches!(
                c,
                '\u{0}'..='\u{8}'
                    | '\u{B}'
                    | '\u{C}'
                    | '\u{E}'..='\u{1F}'
                    | '\u{7F}'..='\u{9F}'
                    | '\u{61C}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2060}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{FEFF}'
            )
        })
        .collect()
}

/// One run of the sample data per test binary, shared by the checks that only read its outputs.
/// Every document in English (`--lang en`), whatever the contracts' languages, so the checks can
/// read the product's English words; tests/i18n.rs runs the sample in its own languages.
pub fn sample_run() -> &'static Path {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let t = tmp();
        let out = t.path().join("out");
        run_ok(sample_data(), &out, &["--lang", "en"]);
        (t, out)
    });
    out
}

/// HTML as a browser shows its text: the entities minijinja writes, back to characters.
pub fn unescape_html(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&middot;", "·")
        .replace("&hellip;", "…")
        .replace("&#x2F;", "/")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// Golden files (tables, documents) checked byte for byte against their insta snapshots in
/// `tests/golden/<dir>/<name>.snap`; `files` are names relative to `dir` (`customers/KA.md`)
/// with their bytes. Every file is checked before the test fails, so one run names (and, with
/// `INSTA_UPDATE=always`, rewrites) every changed file. A snapshot whose file is no longer
/// written fails too, so a dropped table is a reviewed change like any other.
///
/// insta compares text snapshots after folding CRLF to LF and trimming blank lines at the start
/// and whitespace at the end, so each snapshot opens with a line holding the file's SHA-256
/// and size ([`exact`]): a change only those foldings would hide still changes that line.
pub fn assert_golden(dir: &str, files: &[(String, Vec<u8>)]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dir);
    let mut failed = Vec::new();
    let mut owned: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for (name, bytes) in files {
        let rel = Path::new(name);
        let folder = root.join(rel.parent().unwrap_or(Path::new("")));
        let file = rel.file_name().unwrap().to_string_lossy().into_owned();
        owned
            .entry(folder.clone())
            .or_default()
            .push(format!("{file}.snap"));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&folder);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        let text = exact(bytes);
        let same = settings.bind(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                insta::assert_snapshot!(file.as_str(), text)
            }))
        });
        if same.is_err() {
            failed.push(format!("{name}: differs from its snapshot (or has none)"));
        }
    }
    for (folder, names) in &owned {
        for e in std::fs::read_dir(folder).into_iter().flatten() {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            if n.ends_with(".snap") && !names.contains(&n) {
                failed.push(format!(
                    "{}: a snapshot of a file no longer written (delete it if that is intended)",
                    folder.join(n).display()
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{}\nif the change is intended: INSTA_UPDATE=always cargo test --test <this test>, then \
         review the diff of tests/golden/",
        failed.join("\n")
    );
}

/// A golden file as its snapshot's text: a first line with the SHA-256 of its bytes, its size
/// and whether it ends with a line break, then the text itself.
pub fn exact(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let text = std::str::from_utf8(bytes).expect("golden files are UTF-8");
    let sha: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let end = if text.ends_with('\n') {
        "ends with a line break"
    } else {
        "no line break at the end"
    };
    format!("sha256 {sha} · {} bytes · {end}\n{text}", bytes.len())
}
