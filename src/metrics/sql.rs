//! Runs a folder of `.sql` files through polars' SQL context: one file, one output table named
//! after the file. A query may read any registered table and any other query's table; the
//! files run in dependency order (a name of another query appearing in the text, outside
//! comments and string literals, is a dependency), ties in name order, so a user can drop a new
//! file into `--queries DIR` and get a new table without a rebuild.
//!
//! A file whose name starts with `_` (`_ticket_themes.sql`) is an intermediate: computed once,
//! held in memory for the queries that read it, and not written. polars' SQL inlines a CTE, or a
//! registered plan, wherever it is named, so a per-ticket base shared by several CTEs or queries
//! is cheaper as an intermediate than as a CTE.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::SQLContext;

use super::MetricsError;

type Result<T, E = MetricsError> = std::result::Result<T, E>;

/// One query file.
#[derive(Debug, Clone)]
pub struct Query {
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// The `.sql` files of a folder, checked for usable names.
pub fn read_folder(dir: &Path) -> Result<Vec<Query>> {
    let unreadable = |source| MetricsError::QueriesDir {
        dir: dir.to_path_buf(),
        source,
    };
    let entries = std::fs::read_dir(dir).map_err(unreadable)?;
    let mut out = Vec::new();
    for e in entries {
        let path = e.map_err(unreadable)?.path();
        if path.extension().and_then(|x| x.to_str()) != Some("sql") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let stem = name.strip_prefix('_').unwrap_or(&name);
        if stem.is_empty()
            || !stem
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || !stem.starts_with(|c: char| c.is_ascii_lowercase())
        {
            return Err(MetricsError::QueryName { file: path });
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(source) => return Err(MetricsError::QueryFile { file: path, source }),
        };
        out.push(Query { name, path, text });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    if out.is_empty() {
        return Err(MetricsError::NoQueries {
            dir: dir.to_path_buf(),
        });
    }
    Ok(out)
}

/// The text without comments and string literals, lower-cased: what names are searched in.
fn code_only(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if b[i] == b'\'' {
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else {
            out.push(b[i].to_ascii_lowercase() as char);
            i += 1;
        }
    }
    out
}

fn words(code: &str) -> BTreeSet<&str> {
    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The queries in an order where each runs after the queries it reads.
pub fn order(queries: &[Query]) -> Result<Vec<usize>> {
    let names: BTreeMap<&str, usize> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| (q.name.as_str(), i))
        .collect();
    let deps: Vec<BTreeSet<usize>> = queries
        .iter()
        .map(|q| {
            let code = code_only(&q.text);
            words(&code)
                .into_iter()
                .filter_map(|w| names.get(w).copied())
                .filter(|&j| queries[j].name != q.name)
                .collect()
        })
        .collect();
    let mut done = vec![false; queries.len()];
    let mut out = Vec::with_capacity(queries.len());
    while out.len() < queries.len() {
        // Name order among the ready ones, so the order never depends on the file system.
        let ready = (0..queries.len()).find(|&i| !done[i] && deps[i].iter().all(|&d| done[d]));
        match ready {
            Some(i) => {
                done[i] = true;
                out.push(i);
            }
            None => {
                let stuck = (0..queries.len())
                    .filter(|&i| !done[i])
                    .map(|i| queries[i].name.clone())
                    .collect();
                return Err(MetricsError::Circle { queries: stuck });
            }
        }
    }
    Ok(out)
}

/// Is this query an intermediate (registered for the others, not written)?
pub fn is_intermediate(name: &str) -> bool {
    name.starts_with('_')
}

/// Runs every query; each result is registered under its name for the queries after it and,
/// unless it is an intermediate, handed to `sink` (which writes it). Returns (name, rows) of the
/// tables handed to `sink`, in run order.
pub fn run_all(
    ctx: &mut SQLContext,
    queries: &[Query],
    sink: &mut dyn FnMut(&str, &mut DataFrame) -> Result<()>,
) -> Result<Vec<(String, usize)>> {
    let mut out = Vec::new();
    for i in order(queries)? {
        let q = &queries[i];
        if ctx.get_tables().iter().any(|t| t == &q.name) {
            return Err(MetricsError::NameTaken {
                file: q.path.clone(),
                name: q.name.clone(),
            });
        }
        let sql = q.text.trim().trim_end_matches(';');
        let started = std::time::Instant::now();
        let mut df = ctx
            .execute(sql)
            .and_then(|lf| lf.collect())
            .map_err(|source| MetricsError::Query {
                file: q.path.clone(),
                source,
                tables: {
                    let mut t = ctx.get_tables();
                    t.sort();
                    t
                },
            })?;
        let ran = started.elapsed();
        if is_intermediate(&q.name) {
            tracing::info!(
                "query `{}`: {} rows, ran {ran:.2?}, held for the queries (not written)",
                q.name,
                df.height()
            );
        } else {
            sink(&q.name, &mut df)?;
            tracing::info!(
                "query `{}`: {} rows, ran {ran:.2?}, written {:.2?}",
                q.name,
                df.height(),
                started.elapsed() - ran
            );
            out.push((q.name.clone(), df.height()));
        }
        ctx.register(&q.name, df.lazy());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Hint;

    fn q(name: &str, text: &str) -> Query {
        Query {
            name: name.into(),
            path: PathBuf::from(format!("{name}.sql")),
            text: text.into(),
        }
    }

    #[test]
    fn dependencies_come_first_and_comments_do_not_count() {
        let qs = vec![
            q("a_summary", "-- reads csat\nselect * from csat_rows"),
            q("csat_rows", "select * from surveys -- not a_summary"),
            q("z", "select 'a_summary' as x /* a_summary */ from surveys"),
        ];
        let order: Vec<&str> = order(&qs)
            .unwrap()
            .into_iter()
            .map(|i| qs[i].name.as_str())
            .collect();
        assert_eq!(order, ["csat_rows", "a_summary", "z"]);
    }

    #[test]
    fn an_intermediate_is_read_by_the_others_and_not_handed_to_the_sink() {
        let ctx = SQLContext::new();
        ctx.register("numbers", df!("n" => [1i64, 2, 3, 4]).unwrap().lazy());
        let mut ctx = ctx;
        let qs = vec![
            q("_evens", "select n from numbers where n % 2 = 0"),
            q("even_total", "select sum(n) as total from _evens"),
        ];
        let mut sunk = Vec::new();
        let written = run_all(&mut ctx, &qs, &mut |name, df| {
            sunk.push((name.to_string(), df.clone()));
            Ok(())
        })
        .unwrap();
        assert_eq!(written, vec![("even_total".to_string(), 1)]);
        assert_eq!(sunk.len(), 1);
        // 2 + 4, read through the intermediate.
        assert_eq!(
            sunk[0].1.column("total").unwrap().i64().unwrap().get(0),
            Some(6)
        );
    }

    #[test]
    fn file_names_must_start_with_a_letter_or_an_underscore_and_a_letter() {
        let dir = std::env::temp_dir().join(format!("slareview-sql-names-{}", std::process::id()));
        for (file, ok) in [
            ("_base.sql", true),
            ("base_2.sql", true),
            ("__x.sql", false),
            ("_1.sql", false),
            ("2x.sql", false),
        ] {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(file), "select 1 as x").unwrap();
            assert_eq!(read_folder(&dir).is_ok(), ok, "{file}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_circle_is_an_error_naming_the_queries() {
        let qs = vec![q("a", "select * from b"), q("b", "select * from a")];
        let e = order(&qs).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the queries a, b read each other in a circle"
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("a query can read another query's table only if that one does not read it back")
        );
    }

    /// A query file with a syntax error, in a queries folder of the user's: the error names the
    /// file and polars' complaint, and the hint lists the tables the query could have read.
    #[test]
    fn a_query_that_does_not_parse_names_its_file_and_hints_the_tables() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("broken.sql");
        std::fs::write(&file, "select n frm numbers").unwrap();
        let queries = read_folder(dir.path()).unwrap();
        let ctx = SQLContext::new();
        ctx.register("numbers", df!("n" => [1i64]).unwrap().lazy());
        ctx.register("letters", df!("l" => ["a"]).unwrap().lazy());
        let mut ctx = ctx;
        let e = run_all(&mut ctx, &queries, &mut |_, _| Ok(())).unwrap_err();
        let message = e.to_string();
        assert!(
            message.starts_with(&format!("query `{}` failed: ", file.display())),
            "{message}"
        );
        assert!(matches!(e, MetricsError::Query { .. }), "{e:?}");
        assert!(!message.contains("\nhint:"), "{message}");
        assert_eq!(
            e.hint().as_deref(),
            Some("the tables it can read are: letters, numbers")
        );
    }

    #[test]
    fn a_missing_queries_folder_and_an_empty_one_say_where_the_queries_are() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("nope");
        let e = read_folder(&gone).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("cannot read the queries folder `{}`", gone.display())
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("pass --queries with a folder of .sql files, or run from the project folder so the bundled `queries/` is found")
        );
        let e = read_folder(dir.path()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("no .sql files in `{}`", dir.path().display())
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("the bundled queries are in the project's `queries/` folder")
        );
    }
}
