//! The documents' languages (issue 14): every catalog of `locales/` has exactly the English
//! keys and parameters; every key the code and templates use is in the English catalog; the
//! documents written in Korean and Chinese hold no English word of the product's own; each
//! customer review of the sample is in its contract's language.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use slareview::report::i18n;

/// The `{names}` of a message.
fn params(message: &str) -> BTreeSet<String> {
    message
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
        .collect()
}

#[test]
fn every_catalog_has_the_english_keys_and_parameters() {
    let en = i18n::english();
    let langs = i18n::languages();
    assert!(
        langs.contains(&"ko") && langs.contains(&"zh") && langs.contains(&"en"),
        "{langs:?}"
    );
    let en_keys: BTreeSet<&str> = en.keys().collect();
    let mut problems = Vec::new();
    for lang in langs {
        let c = i18n::catalog(lang).unwrap();
        let keys: BTreeSet<&str> = c.keys().collect();
        for k in en_keys.difference(&keys) {
            problems.push(format!("{lang}: missing `{k}`"));
        }
        for k in keys.difference(&en_keys) {
            problems.push(format!("{lang}: `{k}` is not in en.toml"));
        }
        // The same parameters, except the formats (a date may use {m} or {mm}).
        for k in keys.intersection(&en_keys) {
            if k.starts_with("fmt.") {
                continue;
            }
            let (a, b) = (params(en.t(k)), params(c.t(k)));
            if a != b {
                problems.push(format!("{lang}: `{k}` has parameters {b:?}, en.toml {a:?}"));
            }
        }
        // A translation is not an English copy: at most the keys whose English is a symbol or
        // empty may read the same.
        if lang != "en" {
            let same: Vec<&str> = keys
                .iter()
                .copied()
                .filter(|k| !k.starts_with("fmt."))
                .filter(|k| {
                    let e = en.t(k);
                    e.chars().any(|ch| ch.is_ascii_alphabetic()) && c.t(k) == e
                })
                .collect();
            // `{priority} {metric}`-like messages hold no word; anything else is untranslated.
            let words: Vec<&&str> = same
                .iter()
                .filter(|k| {
                    let mut text = en.t(k).to_string();
                    for p in params(en.t(k)) {
                        text = text.replace(&format!("{{{p}}}"), "");
                    }
                    text.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2
                })
                .collect();
            if !words.is_empty() {
                problems.push(format!("{lang}: still English: {words:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A catalog that lacks a key is caught: the check above is not vacuous.
#[test]
fn a_catalog_missing_a_key_differs_from_english() {
    let partial = i18n::parse("xx", "[fmt]\nseconds = \"{n}s\"\n").unwrap();
    let en = i18n::english();
    assert!(en.keys().any(|k| !partial.has(k)));
    assert!(i18n::parse("xx", "[fmt]\nseconds = 3\n").is_err());
}

/// Every key a template or the Rust code names is in the English catalog.
#[test]
fn every_key_used_is_in_the_english_catalog() {
    let en = i18n::english();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    let mut seen = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("report_templates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let sections: BTreeSet<&str> = en
        .keys()
        .filter_map(|k| k.split_once('.'))
        .map(|(s, _)| s)
        .collect();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // Every quoted `section.key` of a known section.
        for part in text.split('"').skip(1).step_by(2) {
            let Some((section, key)) = part.split_once('.') else {
                continue;
            };
            // A prefix completed in the template (`"team.state_" ~ s`) or a file name.
            if !sections.contains(section)
                || key.is_empty()
                || key.ends_with('_')
                || ["html", "md", "csv", "parquet", "json", "svg"].contains(&key)
                || !key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                continue;
            }
            seen += 1;
            if !en.has(part) {
                missing.push(format!("{}: `{part}`", f.display()));
            }
        }
    }
    assert!(
        seen > 200,
        "only {seen} keys found: is the scan still reading the templates?"
    );
    assert!(
        missing.is_empty(),
        "not in locales/en.toml:\n{}",
        missing.join("\n")
    );
}

/// The input text of the sample that documents print as written (subjects, names, comments,
/// categories ...): free text, not the product's words.
fn input_text(data: &Path) -> Vec<String> {
    // Free-text columns; `value` of ticket_events only for escalations (its other values are
    // statuses and priorities, the product's words). Channels are codes of the format (email,
    // phone, ...) and translated, so they are not here.
    const FREE: [&str; 18] = [
        "subject",
        "customer_name",
        "name",
        "product",
        "category",
        "root_cause",
        "comment",
        "value",
        "summary",
        "action",
        "note",
        "team",
        "plan",
        "problem_id",
        "approved_by",
        "owner",
        "calendar_id",
        "engineer_id",
    ];
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(data).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "csv") {
            continue;
        }
        let mut r = csv::Reader::from_path(&p).unwrap();
        let headers = r.headers().unwrap().clone();
        let kind = headers.iter().position(|h| h == "kind");
        for rec in r.records() {
            let Ok(rec) = rec else { continue };
            let escalation = kind.is_some_and(|k| rec.get(k) == Some("escalate"));
            for (h, v) in headers.iter().zip(rec.iter()) {
                if h == "value" && !escalation {
                    continue;
                }
                if FREE.contains(&h) && v.chars().any(|c| c.is_ascii_alphabetic()) {
                    out.insert(v.to_string());
                }
            }
        }
    }
    // Calendars and plans named in the configuration.
    for name in [
        "seoul_office",
        "seoul_split",
        "shanghai_office",
        "us_office",
        "24x7",
    ] {
        out.insert(name.to_string());
    }
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
}

/// Words of the product's own that stay in every language: acronyms, names of standards and
/// formats, currency codes, time-zone abbreviations of the instants printed, and the product's
/// name.
const ALLOWED: [&str; 23] = [
    "SLA",
    "SHA",
    "KRW",
    "USD",
    "CNY",
    "EUR",
    "UTC",
    "KST",
    "CST",
    "EDT",
    "EST",
    "CEST",
    "CET",
    "JST",
    "PDT",
    "RFC",
    "ISO",
    "BCP",
    "CSV",
    "JSON",
    "YYYY",
    "Excel",
    "slareview",
];

/// The text a reader sees: markup, style, code spans, tooltips (table keys), and elements
/// marked `lang="en"` (quoted from an English table) left out.
fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<style", "</style>"),
        ("<code", "</code>"),
        (" lang=\"en\">", "</td>"),
    ] {
        while let Some(a) = s.find(open) {
            let Some(b) = s[a..].find(close) else { break };
            s.replace_range(a..a + b + close.len(), " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape_html(&out)
}

/// English words in `text` that are neither input text, codes (with a digit, `_`, `/`, `.`,
/// `@` or `:`) nor allowed.
fn english_words(text: &str, inputs: &[String]) -> BTreeSet<String> {
    let mut t = text.to_string();
    for v in inputs {
        if t.contains(v.as_str()) {
            t = t.replace(v.as_str(), " ");
        }
    }
    let mut found = BTreeSet::new();
    // `key=value` (a row's key, as the documents cite it) is code too.
    let chunk_char = |c: char| c.is_ascii_alphanumeric() || "_./:@+-\\`=".contains(c);
    for chunk in t.split(|c: char| !chunk_char(c)) {
        if chunk
            .chars()
            .any(|c| c.is_ascii_digit() || "_/.@:\\`=".contains(c))
        {
            continue;
        }
        for word in chunk.split('-') {
            if word.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2
                && !ALLOWED.contains(&word)
            {
                found.insert(word.to_string());
            }
        }
    }
    found
}

fn documents(out: &Path) -> Vec<PathBuf> {
    let mut docs = Vec::new();
    let mut stack = vec![out.join("reports")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("html" | "md" | "svg")
            ) {
                docs.push(p);
            }
        }
    }
    for e in std::fs::read_dir(out).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "html") {
            docs.push(p);
        }
    }
    docs.sort();
    docs
}

#[test]
fn korean_and_chinese_documents_hold_no_english_word_of_ours() {
    let inputs = input_text(sample_data());
    let t = tmp();
    for lang in ["ko", "zh"] {
        let out = t.path().join(lang);
        run_ok(sample_data(), &out, &["--lang", lang]);
        let docs = documents(&out);
        assert!(docs.len() > 40, "{lang}: {} documents", docs.len());
        let mut words: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in &docs {
            let raw = std::fs::read_to_string(d).unwrap();
            let text = if d.extension().is_some_and(|x| x == "md") {
                // Markdown: code spans are codes; escapes are not words.
                unescape_html(
                    &raw.split('`')
                        .step_by(2)
                        .collect::<Vec<_>>()
                        .join(" ")
                        .replace('\\', ""),
                )
            } else {
                visible_text(&raw)
            };
            for w in english_words(&text, &inputs) {
                words
                    .entry(w)
                    .or_default()
                    .push(d.strip_prefix(&out).unwrap().display().to_string());
            }
        }
        let report: Vec<String> = words
            .iter()
            .map(|(w, files)| format!("`{w}` in {} files, e.g. {}", files.len(), files[0]))
            .collect();
        assert!(
            report.is_empty(),
            "{lang}: English words:\n{}",
            report.join("\n")
        );
        // Every rejected row's reason of the sample is in the language too.
        let summary = std::fs::read_to_string(out.join("summary_2026Q3.html")).unwrap();
        assert!(
            !summary.contains("lang=\"en\""),
            "{lang}: a reason left in English"
        );
        // And the documents are in the language: <html lang> and a word of its own.
        let team = std::fs::read_to_string(out.join("reports/2026Q3/team_review.html")).unwrap();
        assert!(team.contains(&format!("<html lang=\"{lang}\">")));
    }
}

/// The scan finds English: the English documents fail it.
#[test]
fn the_scan_finds_english_words() {
    let inputs = input_text(sample_data());
    let out = sample_run();
    let html =
        std::fs::read_to_string(out.join("reports/2026Q3/customers/K-C005-2025.html")).unwrap();
    let words = english_words(&visible_text(&html), &inputs);
    for w in ["Summary", "Commitments", "Breached"] {
        assert!(words.contains(w), "{w} not found in {words:?}");
    }
    // Input text and codes are not the product's words.
    let w = english_words(
        "Acme Corp K-C001-2025 as_of Asia/Seoul P1 SLA 45 업무시간",
        &["Acme Corp".into()],
    );
    assert!(w.is_empty(), "{w:?}");
}

/// Without --lang each customer review is in its contract's `language` (sample_data sets ko,
/// zh and en); the team review, portfolio and summary in goals.toml's, else English.
#[test]
fn each_customer_review_is_in_its_contract_language() {
    let t = tmp();
    let out = &t.path().join("out");
    run_ok(sample_data(), out, &[]);
    let contracts = read_csv(&sample_data().join("contracts.csv"));
    let dir = out.join("reports/2026Q3/customers");
    let mut seen = BTreeSet::new();
    for c in &contracts {
        let path = dir.join(format!("{}.html", c["contract_id"]));
        let Ok(html) = std::fs::read_to_string(&path) else {
            continue; // not active in 2026Q3
        };
        let lang = if c["language"].is_empty() {
            "en"
        } else {
            c["language"].as_str()
        };
        assert!(
            html.contains(&format!("<html lang=\"{lang}\">")),
            "{}: expected {lang}",
            c["contract_id"]
        );
        let heading = match lang {
            "ko" => "서비스",
            "zh" => "服务",
            _ => "Service review",
        };
        assert!(html.contains(heading), "{}: {heading}", c["contract_id"]);
        seen.insert(lang.to_string());
    }
    assert_eq!(
        seen,
        ["en", "ko", "zh"].map(String::from).into(),
        "languages of the sample"
    );
    let team = std::fs::read_to_string(out.join("reports/2026Q3/team_review.html")).unwrap();
    assert!(team.contains("<html lang=\"en\">"));
}

/// `--lang` names a language with a catalog; another is refused before anything is written.
#[test]
fn an_unknown_language_is_refused() {
    let t = tmp();
    let o = slareview(&[
        "run",
        "--data",
        sample_data().to_str().unwrap(),
        "--out",
        t.path().join("out").to_str().unwrap(),
        "--lang",
        "fr",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("`fr`") && e.contains("en, ko, zh"), "{e}");
    assert!(!t.path().join("out").exists());
}

/// Every reason ingest writes for the sample and for generated exports with defects is one of
/// the catalogs' `[reject]` messages, so the summary writes it in the reader's language; a
/// changed or new reason without its message fails here.
#[test]
fn every_reject_reason_has_a_message() {
    let t = tmp();
    let generated = t.path().join("generated");
    let o = slareview(&[
        "generate",
        "--tickets",
        "3000",
        "--seed",
        "11",
        "--defect-rate",
        "0.05",
        "--out",
        generated.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut reasons = BTreeSet::new();
    for (name, data) in [
        ("sample", sample_data()),
        ("generated", generated.as_path()),
    ] {
        let lake = t.path().join(format!("lake-{name}"));
        ingest_ok(data, &lake, &[]);
        let rows = rejects(&lake);
        assert!(rows.len() > 20, "{name}: {} rejects", rows.len());
        reasons.extend(rows.into_iter().map(|r| r.reason));
    }
    let ko = i18n::catalog("ko").unwrap();
    let unmatched: Vec<&String> = reasons
        .iter()
        .filter(|r| ko.reject_reason(r).is_none())
        .collect();
    assert!(
        unmatched.is_empty(),
        "no [reject] message for:\n{unmatched:#?}"
    );
    // English reads each as written.
    for r in &reasons {
        assert_eq!(
            i18n::english().reject_reason(r).as_deref(),
            Some(r.as_str())
        );
    }
}
