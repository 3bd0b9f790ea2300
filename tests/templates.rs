//! Each report template rendered alone, as minijinja's own tests do (`insta::glob!`): every
//! `tests/templates/inputs/*.json` names templates, a language and a small hand-written view
//! (the context the product passes: `r` for the reviews and the portfolio, `s` for the ingest
//! summary), is rendered through the product's own environment (`report::environment`: its
//! escaping, `t(...)` messages and filters) and snapshotted
//! (`tests/snapshots/templates__<template>@<input>.json.snap`). A section can so be checked, and a
//! template changed, without running the pipeline. After a deliberate change:
//! `INSTA_UPDATE=always cargo test --test templates`, then read the rendered text in the diff.
//!
//! Rendering is strict here (an undefined value is an error, where the product prints nothing),
//! so a fixture that lacks a key a template reads fails instead of snapshotting a blank.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use slareview::report::{environment, i18n};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// What the fixture shows, for the reader of the snapshot.
    #[allow(dead_code)]
    about: String,
    /// Templates of `report_templates/` rendered from the same view (a document's `.html.j2`
    /// and `.md.j2` share theirs).
    templates: Vec<String>,
    lang: String,
    context: serde_json::Value,
}

fn read(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixtures, by file name.
fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/templates/inputs");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
}

/// Each fixture's templates, one snapshot each, named as insta's `glob!` names them
/// (`<template>@<input file>`; the `glob` feature is left out, see Cargo.toml). Every fixture is
/// rendered before the test fails, so one run names every changed template.
#[test]
fn templates_render_their_fixtures() {
    let mut failed = Vec::new();
    for path in fixtures() {
        let f = read(&path);
        let lang = i18n::catalog(&f.lang).unwrap_or_else(|| panic!("no language {}", f.lang));
        let mut env = environment(lang);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let input = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut settings = insta::Settings::clone_current();
        settings.set_input_file(&path);
        settings.set_snapshot_suffix(&input);
        settings.set_omit_expression(true);
        for name in &f.templates {
            let text = env
                .get_template(name)
                .and_then(|t| t.render(&f.context))
                .unwrap_or_else(|e| panic!("{input}: {name}: {e:#}"));
            let same = settings.bind(|| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    insta::assert_snapshot!(name.trim_end_matches(".j2"), text)
                }))
            });
            if same.is_err() {
                failed.push(format!("{input}: {name}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "differ from their snapshots (or have none):\n{}\nif the change is intended: \
         INSTA_UPDATE=always cargo test --test templates, then read the diff",
        failed.join("\n")
    );
}

/// Every document template of `report_templates/` (the `_` partials come in through them) has a
/// fixture, and some fixture is in a language other than English.
#[test]
fn every_template_has_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut covered = BTreeSet::new();
    let mut langs = BTreeSet::new();
    for p in fixtures() {
        let f = read(&p);
        langs.insert(f.lang);
        covered.extend(f.templates);
    }
    for e in std::fs::read_dir(root.join("report_templates")).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        if n.ends_with(".j2") && !n.starts_with('_') {
            assert!(covered.contains(&n), "no fixture renders {n}");
        }
    }
    assert!(
        langs.iter().any(|l| l != "en"),
        "no fixture outside English: {langs:?}"
    );
}
