//! Documents for people. Metric tables become small `Serialize` view structs, and minijinja
//! templates from `report_templates/` render them; templates never see polars types.

pub mod chart;
pub mod contract;
pub mod customer;
pub mod format;
pub mod i18n;
pub mod load;
pub mod pdf;
pub mod portfolio;
pub mod review;
pub mod story;
pub mod summary;
pub mod tables;
pub mod team;
pub mod view;

use std::path::PathBuf;

use minijinja::{AutoEscape, Environment, Error, ErrorKind};
use polars::prelude::PolarsError;

use crate::error::Hint;
use crate::ingest::IngestError;

/// The report stage's results.
pub type Result<T, E = ReportError> = std::result::Result<T, E>;

/// What can stop the documents: each names the table, file, column or template at fault.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A table of `<out>/tables` a document reads is not there (checked before any document
    /// is written); `fix` is what writes it.
    #[error("the table `{table}` is missing from `{}`: {documents} need{} it (it comes from {from})", dir.display(), if *documents == load::ALL { "s" } else { "" })]
    MissingTable {
        table: &'static str,
        dir: PathBuf,
        documents: &'static str,
        from: &'static str,
        fix: String,
    },
    #[error("the lake table `{table}` is missing from `{}`: the documents need it", lake.display())]
    MissingLakeTable { table: &'static str, lake: PathBuf },
    /// A story table (docs/review_tables.md) is not there.
    #[error("table `{table}` is missing from `{}`: it is written by `slareview run`", dir.display())]
    MissingStoryTable { table: String, dir: PathBuf },
    #[error("cannot read table `{}`", path.display())]
    ReadTable { path: PathBuf, source: PolarsError },
    /// A column that is not there or not of its type; `table` when the reader knows it.
    #[error("{}column `{column}`: {source}", table.as_ref().map(|t| format!("table `{t}`, ")).unwrap_or_default())]
    Column {
        table: Option<String>,
        column: String,
        source: PolarsError,
    },
    /// A value read back from a table that it cannot have been written with; `hint` says
    /// where the value comes from.
    #[error("`{}`: `{column}` {problem}", path.display())]
    BadValue {
        path: PathBuf,
        column: &'static str,
        problem: String,
        hint: &'static str,
    },
    #[error("cannot read `{}`", path.display())]
    ReadManifest {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` is not the manifest JSON", path.display())]
    ManifestJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// A key of the manifest that is missing or not of its type.
    #[error("`{}`: `{key}` {problem}", path.display())]
    ManifestKey {
        path: PathBuf,
        key: String,
        problem: &'static str,
    },
    #[error("cannot render the template `{name}`")]
    Template {
        name: String,
        source: minijinja::Error,
    },
    #[error("cannot create `{}`", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} panicked")]
    Panicked(&'static str),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Reading or writing a table through the store.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// polars, where the table is not known to the code that failed.
    #[error(transparent)]
    Polars(#[from] PolarsError),
    /// polars, while reading the rows of a table back (a loader of `load`).
    #[error("table `{table}`: {source}")]
    InTable { table: String, source: PolarsError },
}

/// What rewrites the tables and the lake the documents read.
const RUN_AGAIN: &str = "run `slareview run` again: it writes the tables the documents read";

impl Hint for ReportError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            ReportError::MissingTable { fix, .. } => fix.clone(),
            ReportError::MissingLakeTable { .. } => {
                "run `slareview run` again to ingest the exports".into()
            }
            ReportError::MissingStoryTable { .. } => {
                "run `slareview run` again with this version (the review's tables are listed in docs/review_tables.md)".into()
            }
            ReportError::ReadTable { .. } | ReportError::Column { .. } => RUN_AGAIN.into(),
            ReportError::BadValue { hint, .. } => hint.to_string(),
            ReportError::ReadManifest { .. }
            | ReportError::ManifestJson { .. }
            | ReportError::ManifestKey { .. } => {
                "run `slareview run` again: its ingest writes the lake's manifest".into()
            }
            ReportError::Template { .. } => {
                "the bundled templates are part of slareview: report this with the command you ran".into()
            }
            ReportError::CreateDir { source, .. } | ReportError::Write { source, .. }
                if source.kind() == std::io::ErrorKind::StorageFull =>
            {
                "free space on that disk, or choose another output folder, and run again".into()
            }
            ReportError::Ingest(e) => return e.hint(),
            ReportError::Store(e) => return e.hint(),
            ReportError::CreateDir { .. }
            | ReportError::Write { .. }
            | ReportError::Panicked(_)
            | ReportError::Polars(_)
            | ReportError::InTable { .. } => return None,
        })
    }
}

impl ReportError {
    /// A column's (or polars') error with the table it was read from.
    pub fn in_table(self, name: &str) -> ReportError {
        match self {
            ReportError::Polars(source) => ReportError::InTable {
                table: name.to_string(),
                source,
            },
            ReportError::Column {
                table: None,
                column,
                source,
            } => ReportError::Column {
                table: Some(name.to_string()),
                column,
                source,
            },
            other => other,
        }
    }
}

/// The bundled templates, compiled into the binary so a copied binary still writes documents.
const TEMPLATES: [(&str, &str); 10] = [
    (
        "summary.html.j2",
        include_str!("../../report_templates/summary.html.j2"),
    ),
    (
        "_style.css",
        include_str!("../../report_templates/_style.css"),
    ),
    (
        "customer_review.html.j2",
        include_str!("../../report_templates/customer_review.html.j2"),
    ),
    (
        "customer_review.md.j2",
        include_str!("../../report_templates/customer_review.md.j2"),
    ),
    (
        "team_review.html.j2",
        include_str!("../../report_templates/team_review.html.j2"),
    ),
    (
        "team_review.md.j2",
        include_str!("../../report_templates/team_review.md.j2"),
    ),
    (
        "portfolio.html.j2",
        include_str!("../../report_templates/portfolio.html.j2"),
    ),
    (
        "portfolio.md.j2",
        include_str!("../../report_templates/portfolio.md.j2"),
    ),
    (
        "_story.html.j2",
        include_str!("../../report_templates/_story.html.j2"),
    ),
    (
        "_story.md.j2",
        include_str!("../../report_templates/_story.md.j2"),
    ),
];

/// The template environment. Every value printed is escaped for its format, whatever the
/// template author remembers: HTML templates (`.html` in the name) escape HTML, Markdown ones
/// (`.md`) escape Markdown and HTML (`format::markdown`); `|safe` is kept for SVG drawn here
/// and file names made by `format::safe_name`. A missing value prints as nothing, not `none`.
/// Every value, escaped or `|safe`, shows its invisible characters (NUL and other controls,
/// bidirectional overrides, zero-width characters) as `⟨U+202E⟩` (`format::visible`): this is
/// the one place data text enters an HTML or Markdown document; charts do the same to their
/// SVG (`chart`).
///
/// The environment writes in `lang`'s language: templates call `t("section.key", name=value)`
/// for every word of their own (`i18n`), and `lang` is `<html lang>`.
pub fn environment(lang: &'static i18n::Catalog) -> Environment<'static> {
    let mut env = Environment::new();
    env.add_global("lang", lang.lang);
    env.add_function(
        "t",
        move |key: &str, kwargs: minijinja::value::Kwargs| -> Result<String, Error> {
            let mut params: Vec<(String, String)> = Vec::new();
            for name in kwargs.args() {
                let v: minijinja::Value = kwargs.get(name)?;
                params.push((name.to_string(), v.to_string()));
            }
            if !lang.has(key) && !i18n::english().has(key) {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    format!("no message `{key}` in locales/en.toml"),
                ));
            }
            let refs: Vec<(&str, &str)> = params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            Ok(lang.f(key, &refs))
        },
    );
    // A table's code word in the language: {{ x.status|word("status") }}.
    env.add_filter("word", move |code: &str, section: &str| {
        lang.word(section, code)
    });
    env.add_filter("quarter", move |label: &str| lang.quarter(label));
    env.add_filter("date", move |iso: &str| lang.date(iso));
    env.set_auto_escape_callback(|name| {
        if name.contains(".html") {
            AutoEscape::Html
        } else if name.contains(".md") {
            AutoEscape::Custom("markdown")
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        match state.auto_escape() {
            AutoEscape::Custom("markdown") if !value.is_safe() => {
                let text = match value.as_str() {
                    Some(s) => format::markdown(s),
                    None => format::markdown(&value.to_string()),
                };
                std::fmt::Write::write_str(out, &text)
                    .map_err(|_| Error::new(ErrorKind::WriteFailure, "cannot write"))
            }
            AutoEscape::Custom(_) => {
                std::fmt::Write::write_str(out, &format::visible(&value.to_string()))
                    .map_err(|_| Error::new(ErrorKind::WriteFailure, "cannot write"))
            }
            _ => {
                // Invisible characters are shown whatever the value (text, `|safe` SVG, code
                // spans): none of them belongs to markup drawn here.
                let text = match value.as_str() {
                    Some(s) => std::borrow::Cow::Borrowed(s),
                    None => std::borrow::Cow::Owned(value.to_string()),
                };
                match format::visible(&text) {
                    std::borrow::Cow::Borrowed(_) => minijinja::escape_formatter(out, state, value),
                    std::borrow::Cow::Owned(shown) => {
                        let shown = if value.is_safe() {
                            minijinja::Value::from_safe_string(shown)
                        } else {
                            minijinja::Value::from(shown)
                        };
                        minijinja::escape_formatter(out, state, &shown)
                    }
                }
            }
        }
    });
    env.add_filter("thousands", thousands);
    env.add_filter("code_spans", code_spans);
    env.add_filter("md_code", md_code);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    for (name, text) in TEMPLATES {
        env.add_template(name, text)
            .expect("bundled template parses");
    }
    env
}

/// Text as one Markdown code span, shown as written: fenced with one backtick more than the
/// longest run it holds, line breaks as spaces, `|` escaped (GitHub tables split on it even in
/// code), invisible characters shown (`format::visible`). For codes and keys the documents print
/// (table names, a row's key, the command line) that Markdown's escapes would clutter.
pub fn md_code(s: &str) -> minijinja::Value {
    let text = format::visible(s)
        .replace(['\r', '\n', '\t'], " ")
        .replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    minijinja::Value::from_safe_string(format!("{fence}{pad}{text}{pad}{fence}"))
}

/// `12345` -> `12,345`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// A message in which `backticked` names become `<code>` in HTML. Everything is escaped first,
/// so a message quoting a hostile cell stays text.
pub fn code_spans(s: &str) -> minijinja::Value {
    let parts: Vec<&str> = s.split('`').collect();
    // An odd number of parts means the backticks pair up; otherwise they are left as they are.
    let paired = parts.len() % 2 == 1;
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if paired && i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escape_html(part));
            out.push_str("</code>");
        } else {
            if i > 0 && !paired {
                out.push('`');
            }
            out.push_str(&escape_html(part));
        }
    }
    minijinja::Value::from_safe_string(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(109505), "109,505");
        assert_eq!(thousands(-1234567), "-1,234,567");
    }

    #[test]
    fn code_spans_escape_everything() {
        assert_eq!(
            code_spans("unknown priority `<script>`: expected P1").to_string(),
            "unknown priority <code>&lt;script&gt;</code>: expected P1"
        );
        assert_eq!(code_spans("a `b` c `d").to_string(), "a `b` c `d");
        assert_eq!(
            code_spans("\"><img onerror=x>").to_string(),
            "&quot;&gt;&lt;img onerror=x&gt;"
        );
    }
}
