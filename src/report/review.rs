//! The three documents of reports.md: a customer service review per contract active in the
//! period, the team review and the portfolio. Each is a plain view struct built from the metric
//! tables in `<out>/tables` (every figure is traceable to a row there), rendered by the
//! templates of `report_templates/` as self-contained HTML and as Markdown with its charts as
//! SVG files beside it, and optionally printed to PDF by headless Chromium.
//!
//! Files, under `<out>/reports/<period>/`:
//! - `portfolio.html`, `portfolio.md`;
//! - `team_review.html`, `team_review.md`, `team_review/*.svg`;
//! - `customers/<contract>.html`, `customers/<contract>.md`, `customers/<contract>/*.svg`, the
//!   contract id made file-safe by `format::safe_name`;
//! - with `--pdf`, `pdf/` holding one PDF per HTML document.
//!
//! Nothing in a document depends on the wall clock: the same inputs and command give the same
//! bytes.
//!
//! Layout of the documents' code:
//! - `load`: one typed loader per table, and `load::check`, run first, which stops with the
//!   name of a missing table before anything is written;
//! - `view`: the structs the templates get;
//! - `customer`, `team`, `portfolio`: one builder per document; `story` lays out the review's
//!   story (review.md) from its tables and writes `executive_summary` and `recommendations`;
//! - this module: the order of work, rendering and writing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::contract::{self, ContractPeriod};
use super::format::safe_name;
use super::i18n::{self, Catalog};
use super::load::{self, RunInfo};
use super::view::*;
use super::{customer, portfolio, story, team};
use super::{ReportError, Result};
use crate::model::config::{Calendar, Goals};
use crate::period::Quarter;

pub(crate) const PRIORITIES: [&str; 4] = ["P1", "P2", "P3", "P4"];
pub(crate) const METRICS: [&str; 3] = ["first_response", "update", "resolution"];

/// What the documents need besides the tables.
pub struct Options<'a> {
    pub out: &'a Path,
    pub report: Quarter,
    pub goals: &'a Goals,
    /// The contracts' calendars: a customer review gives instants in its contract calendar's
    /// zone.
    pub calendars: &'a BTreeMap<String, Calendar>,
    pub show_engineers: bool,
    pub pdf: bool,
    /// `--lang`: every document in this language; else a customer review in its contract's
    /// `language` and the others in goals.toml's (`i18n::choose`).
    pub lang: Option<&'static str>,
    /// The command line as run, for the audit appendix.
    pub command: String,
}

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub dir: PathBuf,
    pub portfolio: PathBuf,
    pub team_review: PathBuf,
    pub customer_reviews: Vec<PathBuf>,
    /// PDFs written, or why none were.
    pub pdf: Option<std::result::Result<Vec<PathBuf>, String>>,
    pub tables: Vec<(String, usize)>,
}

pub(crate) fn doc_info(opts: &Options, run: &RunInfo, l: &Catalog) -> DocInfo {
    let q = opts.report;
    DocInfo {
        period: l.quarter(&q.label()),
        period_from: l.date(&q.first_day().to_string()),
        period_to: l.date(&q.end_day().pred_opt().unwrap().to_string()),
        as_of: run.as_of.clone(),
        reporting_timezone: run.timezone.clone(),
        times_in: run.timezone.clone(),
        tool: format!("slareview {}", env!("CARGO_PKG_VERSION")),
        command: opts.command.clone(),
    }
}

pub(crate) fn chart_view(
    title: &str,
    svg: std::result::Result<String, String>,
    dir: &str,
    name: &str,
) -> ChartView {
    ChartView {
        title: title.to_string(),
        svg: svg.unwrap_or_else(|e| format!("<p>{e}</p>")),
        file: format!("{dir}/{name}.svg"),
    }
}

/// `Name (E001)`, the id alone without a name, nothing for no one.
pub(crate) fn engineer_label(names: &BTreeMap<String, String>, id: &str) -> String {
    match names.get(id) {
        _ if id.is_empty() => String::new(),
        Some(n) if !n.is_empty() => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}

/// The inputs as one customer's review lists them: each file's name without its folder (a
/// local path is nobody else's business), that customer's rows in it, and its checksum. The
/// desk-wide counts of read, accepted and rejected rows are the team's (`lake/manifest.json`).
fn customer_files(
    inputs: &[load::InputFile],
    rows: Option<&BTreeMap<&'static str, i64>>,
) -> Vec<FileView> {
    inputs
        .iter()
        .map(|f| FileView {
            file: Path::new(&f.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.file.clone()),
            table: f.table.clone(),
            rows: match f.table.as_str() {
                "tickets" | "ticket_events" | "surveys" | "contracts" | "maintenance"
                | "waivers" | "actions" => super::thousands(
                    rows.and_then(|r| r.get(f.table.as_str()))
                        .copied()
                        .unwrap_or(0),
                ),
                _ => "–".into(),
            },
            sha256: f.sha256.clone(),
        })
        .collect()
}

/// A view rendered by its two templates, `<name>.html.j2` and `<name>.md.j2`.
fn render_both(
    envs: &BTreeMap<&'static str, minijinja::Environment<'static>>,
    l: &Catalog,
    name: &str,
    view: &impl serde::Serialize,
) -> Result<(String, String)> {
    let env = &envs[l.lang];
    let ctx = minijinja::context! { r => minijinja::Value::from_serialize(view) };
    let html = render(env, &format!("{name}.html.j2"), &ctx)?;
    let md = render(env, &format!("{name}.md.j2"), &ctx)?;
    Ok((html, md))
}

/// The template `name` of `env` rendered with `ctx`; its error names the template.
fn render(
    env: &minijinja::Environment<'static>,
    name: &str,
    ctx: &minijinja::Value,
) -> Result<String> {
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|source| ReportError::Template {
            name: name.to_string(),
            source,
        })
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, text).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn write_charts(dir: &Path, charts: &BTreeMap<String, ChartView>) -> Result<()> {
    for c in charts.values() {
        write(&dir.join(&c.file), &c.svg)?;
    }
    Ok(())
}

/// How a document's story is laid out: its zone and language, and the contract's renewal notes
/// (a customer review) for sentences that quote one.
fn story_options<'a>(
    opts: &Options,
    names: &'a BTreeMap<String, String>,
    tz: chrono_tz::Tz,
    l: &'static Catalog,
    notes: &'a [contract::Note],
) -> story::StoryOptions<'a> {
    story::StoryOptions {
        report: opts.report,
        tz,
        names,
        show_engineers: opts.show_engineers,
        l,
        notes,
    }
}

/// Builds and writes every document of the report period; also writes the `renewal_notes`
/// and `portfolio` tables beside the metric tables.
pub fn write_all(opts: &Options) -> Result<Written> {
    let started = std::time::Instant::now();
    let tables = opts.out.join("tables");
    let lake = opts.out.join("lake");
    let period = opts.report.label();
    let dir = opts.out.join("reports").join(&period);
    // Every table a document reads is there, or nothing is written.
    load::check(&tables, &lake)?;
    let run = load::run_info(&tables)?;
    // Each customer's rows in the lake (the appendix's input list) reads the whole events
    // table: counted on a thread of its own while the other tables are read.
    let rows_counted = {
        let lake = lake.clone();
        std::thread::spawn(move || load::customer_rows(&lake))
    };
    tracing::debug!("documents: checked: {:.2?}", started.elapsed());
    // One template environment per language (`i18n`).
    let envs: BTreeMap<&'static str, minijinja::Environment<'static>> = i18n::languages()
        .into_iter()
        .filter_map(|l| Some((l, super::environment(i18n::catalog(l)?))))
        .collect();
    let team_lang = i18n::choose(opts.lang, None, opts.goals.language.as_deref());

    let mut all = contract::load(&tables)?;
    let period_days = load::period_days(&tables)?;
    for cp in &mut all {
        cp.period_days = period_days.get(&cp.period).copied();
    }
    let csat = contract::load_csat(&tables, &period, "customer")?;
    let contracts = contract::load_contract_dates(&lake)?;
    let ranked = contract::rank(
        &all,
        opts.report,
        &csat,
        opts.goals.csat.satisfied_or_better_pct,
        run.as_of_day,
        &contracts,
    );
    let (mut notes_df, mut portfolio_df) = contract::tables(&ranked)?;
    tracing::debug!("documents: contracts ranked: {:.2?}", started.elapsed());
    crate::store::write_table(&tables, "renewal_notes", &mut notes_df)?;
    crate::store::write_table(&tables, "portfolio", &mut portfolio_df)?;

    let names = load::engineer_names(&lake)?;
    tracing::debug!(
        "documents: renewal notes written: {:.2?}",
        started.elapsed()
    );
    // The story's sentences (executive summary, recommendations) are tables too, written
    // before any document so each sentence a document prints is a row a reader can find.
    let story_tables = story::write_tables(&tables, opts.report, &names)?;
    tracing::debug!("documents: story tables written: {:.2?}", started.elapsed());
    let story_inputs = story::load(&tables)?;
    tracing::debug!(
        "documents: story tables written and read: {:.2?}",
        started.elapsed()
    );
    let inputs = load::manifest(&lake)?;
    let data = customer::CustomerData::load(&tables, &lake, &period, csat)?;
    let customer_rows = rows_counted
        .join()
        .map_err(|_| ReportError::Panicked("counting each customer's lake rows"))??;
    tracing::info!("documents: tables read: {:.2?}", started.elapsed());

    // A fresh folder each run: no document of an earlier run is left to be mistaken for this
    // one's.
    // `dir` is new: `run` writes into a staging folder and swaps the whole period folder in
    // (src/store/staging.rs), so nothing is cleared here.
    let mut written = Written {
        dir: dir.clone(),
        tables: vec![
            ("renewal_notes".into(), notes_df.height()),
            ("portfolio".into(), portfolio_df.height()),
        ]
        .into_iter()
        .chain(story_tables)
        .collect(),
        ..Default::default()
    };
    let customers_dir = dir.join("customers");
    // One contract's review needs only shared, read-only inputs: the reviews are built,
    // rendered and written on every core, and listed in the ranked order.
    let one = |r: &contract::Ranked| -> Result<(String, String, PathBuf)> {
        let cp = &r.contract;
        let name = safe_name(&cp.contract_id);
        let history: Vec<&ContractPeriod> = all
            .iter()
            .filter(|h| h.customer_id == cp.customer_id && h.period <= period)
            .collect();
        // Instants in the zone of the contract's calendar (the customer's office hours), else
        // the reporting zone.
        let tz = contracts
            .iter()
            .find(|c| c.contract_id == cp.contract_id)
            .filter(|c| c.calendar_id != crate::model::config::CALENDAR_24X7)
            .and_then(|c| opts.calendars.get(&c.calendar_id))
            .map(|c| c.tz)
            .unwrap_or(run.tz);
        let files = customer_files(&inputs, customer_rows.get(&cp.customer_id));
        let language = contracts
            .iter()
            .find(|c| c.contract_id == cp.contract_id)
            .and_then(|c| c.language.as_deref());
        let l = i18n::choose(opts.lang, language, opts.goals.language.as_deref());
        let mut view =
            customer::build(opts, &run, r, &history, &data, &files, &names, &name, tz, l)?;
        view.story = Some(story::customer_story(
            &story_inputs,
            &cp.contract_id,
            &story_options(opts, &names, tz, l, &r.notes),
        ));
        let (html, md) = render_both(&envs, l, "customer_review", &view)?;
        let html_path = customers_dir.join(format!("{name}.html"));
        write(&html_path, &html)?;
        write(&customers_dir.join(format!("{name}.md")), &md)?;
        write_charts(&customers_dir, &view.charts)?;
        for c in &view.trend_charts {
            write(&customers_dir.join(&c.file), &c.svg)?;
        }
        Ok((
            cp.contract_id.clone(),
            format!("customers/{name}.html"),
            html_path,
        ))
    };
    // The team review does not depend on the customer reviews: built beside them.
    let has_kb = load::lake_has(&lake, "kb_articles");
    let team_review = || -> Result<PathBuf> {
        let l = team_lang;
        let mut team = team::build(opts, &run, &tables, &names, &data.solver, has_kb, l)?;
        team.story = Some(story::team_story(
            &story_inputs,
            &story_options(opts, &names, run.tz, l, &[]),
        ));
        let (html, md) = render_both(&envs, l, "team_review", &team)?;
        let path = dir.join("team_review.html");
        write(&path, &html)?;
        write(&dir.join("team_review.md"), &md)?;
        write_charts(&dir, &team.charts)?;
        Ok(path)
    };
    let (reviews, team_path): (Vec<Result<(String, String, PathBuf)>>, _) =
        rayon::join(|| ranked.par_iter().map(one).collect(), team_review);
    let mut links = BTreeMap::new();
    for review in reviews {
        let (contract_id, link, html_path) = review?;
        links.insert(contract_id, link);
        written.customer_reviews.push(html_path);
    }
    written.team_review = team_path?;

    let mut portfolio = portfolio::build(opts, &run, &ranked, &links, team_lang);
    portfolio.story = Some(story::portfolio_story(
        &story_inputs,
        &story_options(opts, &names, run.tz, team_lang, &[]),
    ));
    let (html, md) = render_both(&envs, team_lang, "portfolio", &portfolio)?;
    written.portfolio = dir.join("portfolio.html");
    write(&written.portfolio, &html)?;
    write(&dir.join("portfolio.md"), &md)?;

    tracing::info!(
        "documents: {} customer reviews, team review and portfolio written: {:.2?}",
        written.customer_reviews.len(),
        started.elapsed()
    );
    if opts.pdf {
        let mut docs = vec![written.portfolio.clone(), written.team_review.clone()];
        docs.extend(written.customer_reviews.iter().cloned());
        written.pdf = Some(super::pdf::print_all(&docs, &dir.join("pdf")));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Hint;

    /// A template that fails while rendering (it includes one that does not exist): the error
    /// names the template, minijinja's complaint follows as its cause, and the hint says whose
    /// the templates are.
    #[test]
    fn a_template_that_fails_is_named_with_a_hint() {
        let mut env = minijinja::Environment::new();
        env.add_template("broken.md.j2", "{% include 'nowhere.j2' %}")
            .unwrap();
        let ctx = minijinja::context! { r => 1 };
        let e = render(&env, "broken.md.j2", &ctx).unwrap_err();
        assert_eq!(e.to_string(), "cannot render the template `broken.md.j2`");
        let cause = std::error::Error::source(&e).unwrap().to_string();
        assert!(cause.contains("nowhere.j2"), "{cause}");
        assert_eq!(
            e.hint().as_deref(),
            Some(
                "the bundled templates are part of slareview: report this with the command you ran"
            )
        );
        // A template that is not there at all is named the same way.
        let e = render(&env, "missing.html.j2", &ctx).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot render the template `missing.html.j2`"
        );
    }
}
