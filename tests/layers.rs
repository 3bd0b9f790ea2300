//! Data flows one way, and the modules say so (STYLE.md, "The house"; issue 20): each top-level
//! module of `src/` may use only the modules of the layers below its own, and itself. This test
//! reads every `src/**/*.rs`, collects the `crate::<module>` paths (in `use` lines, grouped
//! `use crate::{a, b}` and inline paths; comments left out, `#[cfg(test)]` code included: a test
//! of a lower module that needs a higher one is a dependency too), and fails listing every
//! `file:line` that reaches up.

use std::path::{Path, PathBuf};

/// Bottom to top. A module in one layer may not use another module of the same layer.
const LAYERS: &[&[&str]] = &[
    &["error", "env"],
    &["model"],
    &["period"],
    &["store"],
    &["ingest"],
    &["clock"],
    &["metrics"],
    &["report"],
    &["import", "generate"],
    // Owns each command's stage order; prints nothing.
    &["pipeline"],
    // The one writer to the terminal.
    &["printer"],
    &["cli"],
    // Used by the binary only.
    &["allocator", "main"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The text with every `//` comment blanked (line breaks kept, so offsets keep their lines).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The modules `text` names as `crate::<module>`, each with its line (1-based).
fn references(text: &str) -> Vec<(usize, String)> {
    let clean = without_comments(text);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = clean[from..].find("crate::") {
        let at = from + i;
        from = at + "crate::".len();
        // `$crate::` (macros) and `mycrate::` are other paths.
        if clean[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c == '$' || c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let line = clean[..at].matches('\n').count() + 1;
        let rest = &clean[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c, d::{e, f}}`: the first name of each item at the top level.
            let mut depth = 0usize;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        out.push((line, ident_at(&group[k..]).to_string()));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident_at(rest);
            if !name.is_empty() {
                out.push((line, name.to_string()));
            }
        }
    }
    out
}

/// Every reference of the file `file` (of the top-level module `module`) that does not point to
/// a layer below `module`'s, as `file:line: ...`.
fn violations(module: &str, file: &str, text: &str) -> Vec<String> {
    let Some(own) = layer(module) else {
        return vec![format!(
            "{file}: the module `{module}` is in no layer: add it to LAYERS in tests/layers.rs"
        )];
    };
    let mut out = Vec::new();
    for (line, name) in references(text) {
        if name == module || name == "self" {
            continue;
        }
        match layer(&name) {
            Some(l) if l < own => {}
            Some(l) => out.push(format!(
                "{file}:{line}: `{module}` (layer {own}) uses `crate::{name}` (layer {l}), which is {}",
                if l == own { "beside it" } else { "above it" }
            )),
            None => out.push(format!(
                "{file}:{line}: `{module}` uses `crate::{name}`, which is in no layer: add it to LAYERS in tests/layers.rs"
            )),
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_module_uses_a_module_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut found = Vec::new();
    let mut checked = 0;
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.strip_suffix(".rs").unwrap_or(&first).to_string();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let shown = format!("src/{}", rel.to_string_lossy());
        found.extend(violations(&module, &shown, &text));
        checked += 1;
    }
    assert!(checked > 20, "only {checked} files under {}", src.display());
    assert!(
        found.is_empty(),
        "{} reference(s) against the layers (bottom to top: {}):\n{}",
        found.len(),
        LAYERS
            .iter()
            .map(|l| l.join(", "))
            .collect::<Vec<_>>()
            .join(" -> "),
        found.join("\n")
    );
}

#[test]
fn a_planted_upward_reference_is_caught_with_its_line() {
    let text = "\
//! The clock engine: `crate::report` in a comment does not count.
use crate::model::config::Calendar;
use crate::{period::Quarter, store};

fn f() {
    let n = crate::report::format::number(1.0); // an inline path
    let m = $crate::metrics::x; // a macro's path is another crate's
}
use crate::{
    ingest::IngestError,
    clock::{self, arith},
};
";
    let v = violations("clock", "src/clock/mod.rs", text);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(
        v[0].starts_with("src/clock/mod.rs:6: `clock` (layer 5) uses `crate::report` (layer 7)"),
        "{}",
        v[0]
    );
    // Below its own layer, everything in the text is allowed.
    assert!(violations("report", "src/report/x.rs", text).is_empty());
    // The same layer is not below.
    let v = violations(
        "import",
        "src/import/mod.rs",
        "use crate::generate::Params;\n",
    );
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(v[0].contains("beside it"), "{}", v[0]);
    // A module that is in no layer is named.
    let v = violations("model", "src/model/mod.rs", "use crate::newthing::X;\n");
    assert!(v[0].contains("in no layer"), "{}", v[0]);
}
