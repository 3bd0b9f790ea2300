//! The first document on the path from exports to reports: ticket volume by customer and
//! priority for the period, and what ingest accepted and rejected per file. Later stages add the
//! SLA and contract documents beside it.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use crate::ingest::{self, Ingested, Manifest};
use crate::model::Priority;
use crate::period::Quarter;

#[derive(Debug, Serialize)]
pub struct SummaryView {
    pub period: String,
    pub period_from: String,
    pub period_to: String,
    pub reporting_timezone: String,
    pub as_of: String,
    pub tool: String,
    pub priorities: Vec<&'static str>,
    pub customers: Vec<CustomerVolume>,
    pub totals: Vec<u64>,
    pub grand_total: u64,
    pub files: Vec<FileRow>,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub rejects_sample: Vec<RejectRow>,
    pub rejects_more: u64,
}

#[derive(Debug, Serialize)]
pub struct CustomerVolume {
    pub customer_id: String,
    pub customer_name: String,
    pub by_priority: Vec<u64>,
    pub total: u64,
}

#[derive(Debug, Serialize)]
pub struct FileRow {
    pub file: String,
    pub encoding: String,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    pub sha256: String,
}

#[derive(Debug, Serialize)]
pub struct RejectRow {
    pub file: String,
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
    /// `en` when the reason is shown as ingest wrote it (English) because no catalog message
    /// matches it; empty when it is in the document's language.
    pub reason_lang: &'static str,
}

/// Tickets created in the quarter, counted by customer and priority as filed.
pub fn volume(ing: &Ingested, q: Quarter) -> PolarsResult<BTreeMap<String, [u64; 4]>> {
    let tz = ing.goals.reporting_tz();
    let (start, end) = q.bounds(&tz);
    let tickets = ingest::to_frame(ing.table("tickets"))?;
    let counts = tickets
        .lazy()
        .with_column(
            col("created_at")
                .dt()
                .timestamp(TimeUnit::Milliseconds)
                .alias("created_ms"),
        )
        .filter(
            col("created_ms")
                .gt_eq(lit(start * 1000))
                .and(col("created_ms").lt(lit(end * 1000))),
        )
        .group_by([col("customer_id"), col("priority")])
        .agg([len().cast(DataType::UInt64).alias("tickets")])
        .collect()?;
    let cust = counts.column("customer_id")?.str()?.clone();
    let pri = counts.column("priority")?.str()?.clone();
    let n = counts.column("tickets")?.u64()?.clone();
    let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for i in 0..counts.height() {
        let (Some(c), Some(p), Some(k)) = (cust.get(i), pri.get(i), n.get(i)) else {
            continue;
        };
        let Some(p) = Priority::parse(p) else {
            continue;
        };
        out.entry(c.to_string()).or_default()[p as usize] += k;
    }
    Ok(out)
}

pub fn build(
    ing: &Ingested,
    manifest: &Manifest,
    q: Quarter,
    l: &super::i18n::Catalog,
) -> PolarsResult<SummaryView> {
    let vol = volume(ing, q)?;
    // Customer names from the contracts (the latest contract's name wins if they differ).
    let contracts = ing.table("contracts");
    let mut names: BTreeMap<String, (i32, String)> = BTreeMap::new();
    let (cid, cname, start) = (
        contracts.col("customer_id"),
        contracts.col("customer_name"),
        contracts.col("start_date"),
    );
    for i in 0..contracts.len() {
        if !contracts.keep[i] {
            continue;
        }
        let (Some(c), Some(n), Some(s)) = (
            contracts.str(cid, i),
            contracts.str(cname, i),
            contracts.date(start, i),
        ) else {
            continue;
        };
        let e = names.entry(c.to_string()).or_insert((s, n.to_string()));
        if s >= e.0 {
            *e = (s, n.to_string());
        }
    }
    let mut totals = vec![0u64; 4];
    let customers: Vec<CustomerVolume> = vol
        .into_iter()
        .map(|(c, counts)| {
            for (t, k) in totals.iter_mut().zip(counts) {
                *t += k;
            }
            CustomerVolume {
                customer_name: names.get(&c).map(|(_, n)| n.clone()).unwrap_or_default(),
                customer_id: c,
                by_priority: counts.to_vec(),
                total: counts.iter().sum(),
            }
        })
        .collect();
    let all_rejects = ing.rejects_in_order();
    const SAMPLE: usize = 50;
    let tz = ing.goals.reporting_tz();
    Ok(SummaryView {
        period: l.quarter(&q.label()),
        period_from: l.date(&q.first_day().to_string()),
        period_to: l.date(&(q.end_day() - chrono::Duration::days(1)).to_string()),
        reporting_timezone: tz.name().to_string(),
        as_of: manifest
            .as_of
            .clone()
            .unwrap_or_else(|| l.t("summary.no_tickets").into()),
        tool: manifest.tool.clone(),
        priorities: Priority::ALL.iter().map(|p| p.as_str()).collect(),
        grand_total: totals.iter().sum(),
        totals,
        customers,
        files: manifest
            .files
            .iter()
            .map(|f| FileRow {
                file: f.file.clone(),
                encoding: match f.encoding {
                    Some(ingest::Encoding::Utf8) => "UTF-8".into(),
                    Some(ingest::Encoding::Cp949) => "CP949".into(),
                    None => "Parquet".into(),
                },
                rows_read: f.rows_read,
                rows_accepted: f.rows_accepted,
                rows_rejected: f.rows_rejected,
                sha256: f.sha256.clone(),
            })
            .collect(),
        rows_read: manifest.rows_read,
        rows_accepted: manifest.rows_accepted,
        rows_rejected: manifest.rows_rejected,
        rejects_more: all_rejects.len().saturating_sub(SAMPLE) as u64,
        rejects_sample: all_rejects
            .into_iter()
            .take(SAMPLE)
            .map(|r| {
                // Matched once: the reason in the language, or as written and marked English.
                let (reason, reason_lang) = match l.reject_reason(&r.reason) {
                    Some(text) => (text, ""),
                    None if l.lang == super::i18n::DEFAULT_LANGUAGE => (r.reason.clone(), ""),
                    None => (r.reason.clone(), "en"),
                };
                RejectRow {
                    file: r.file.clone(),
                    line: r.line,
                    column: r.column.clone().unwrap_or_default(),
                    value: r.value.clone().unwrap_or_default(),
                    reason,
                    reason_lang,
                }
            })
            .collect(),
    })
}

pub fn render_html(
    view: &SummaryView,
    lang: &'static super::i18n::Catalog,
) -> Result<String, minijinja::Error> {
    let env = super::environment(lang);
    env.get_template("summary.html.j2")?
        .render(minijinja::context! { s => view })
}
