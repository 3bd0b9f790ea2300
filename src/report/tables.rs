//! Reading the metric tables back for the documents: every figure in a document comes from a
//! table in `<out>/tables` (the audit trail), never from a second computation.

use anyhow::Result;
use chrono::TimeZone;
use chrono_tz::Tz;
use polars::prelude::*;

/// Tables are read through the store, the one place tables are read and written.
pub use crate::store::{has_column, read, read_cols};

/// Rows of `period`.
pub fn of_period(period: &str) -> Expr {
    col("period").eq(lit(period.to_string()))
}

pub fn texts(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let s = df
        .column(name)
        .map_err(|e| anyhow::anyhow!("column `{name}`: {e}"))?
        .as_materialized_series()
        .cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
}

/// Text column with nulls as empty text.
pub fn text(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(texts(df, name)?
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}

pub fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let s = df
        .column(name)
        .map_err(|e| anyhow::anyhow!("column `{name}`: {e}"))?
        .as_materialized_series()
        .cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

pub fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let s = df
        .column(name)
        .map_err(|e| anyhow::anyhow!("column `{name}`: {e}"))?
        .as_materialized_series()
        .cast(&DataType::Int64)?;
    Ok(s.i64()?.iter().collect())
}

/// Integer column with nulls as 0 (counts).
pub fn counts(df: &DataFrame, name: &str) -> Result<Vec<i64>> {
    Ok(ints(df, name)?
        .into_iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

pub fn bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>> {
    let s = df
        .column(name)
        .map_err(|e| anyhow::anyhow!("column `{name}`: {e}"))?
        .as_materialized_series()
        .cast(&DataType::Boolean)?;
    Ok(s.bool()?.iter().collect())
}

/// A datetime column as whole UTC seconds.
pub fn instants(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    Ok(crate::clock::secs_col(df, name)?)
}

/// An instant as the reader's local time, `2026-07-03 14:05 KST`.
pub fn local(tz: &Tz, secs: Option<i64>) -> String {
    match secs.and_then(|s| tz.timestamp_opt(s, 0).single()) {
        Some(t) => t.format("%Y-%m-%d %H:%M %Z").to_string(),
        None => "–".to_string(),
    }
}
