//! Reading the metric tables back for the documents: every figure in a document comes from a
//! table in `<out>/tables` (the audit trail), never from a second computation.

use std::path::Path;

use chrono::TimeZone;
use chrono_tz::Tz;
use polars::prelude::*;

use super::{ReportError, Result};

/// A table of `<dir>`, whole or filtered (read by the store, the one place tables are read
/// and written).
pub fn read(dir: &Path, name: &str, filter: Option<Expr>) -> Result<DataFrame> {
    crate::store::read(dir, name, filter).map_err(from_store)
}

/// The columns `cols` of a table of `<dir>`, whole or filtered: only those columns are read.
pub fn read_cols(dir: &Path, name: &str, cols: &[&str], filter: Option<Expr>) -> Result<DataFrame> {
    crate::store::read_cols(dir, name, cols, filter).map_err(from_store)
}

/// Does the table `name` of `<dir>` have the column `column`? (Its schema only is read.)
pub fn has_column(dir: &Path, name: &str, column: &str) -> Result<bool> {
    crate::store::has_column(dir, name, column).map_err(from_store)
}

/// A table the documents need that could not be read is the report's error, naming it.
fn from_store(e: crate::store::StoreError) -> ReportError {
    match e {
        crate::store::StoreError::Read { path, error } => ReportError::ReadTable {
            path,
            source: error,
        },
        e => ReportError::Store(e),
    }
}

/// Rows of `period`.
pub fn of_period(period: &str) -> Expr {
    col("period").eq(lit(period.to_string()))
}

/// The error of column `name` (the table is added by readers that know it:
/// `ReportError::in_table`).
fn column(name: &str) -> impl Fn(PolarsError) -> ReportError + '_ {
    move |source| ReportError::Column {
        table: None,
        column: name.to_string(),
        source,
    }
}

pub fn texts(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let s = df
        .column(name)
        .and_then(|c| c.as_materialized_series().cast(&DataType::String))
        .map_err(column(name))?;
    Ok(s.str()
        .map_err(column(name))?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
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
        .and_then(|c| c.as_materialized_series().strict_cast(&DataType::Float64))
        .map_err(column(name))?;
    Ok(s.f64().map_err(column(name))?.iter().collect())
}

/// An integer column. Read strictly: a value that does not convert (text in a count column,
/// say) is an error naming the column, never a null that a count would read as 0.
pub fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let s = df
        .column(name)
        .and_then(|c| c.as_materialized_series().strict_cast(&DataType::Int64))
        .map_err(column(name))?;
    Ok(s.i64().map_err(column(name))?.iter().collect())
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
        .and_then(|c| c.as_materialized_series().cast(&DataType::Boolean))
        .map_err(column(name))?;
    Ok(s.bool().map_err(column(name))?.iter().collect())
}

/// A datetime column as whole UTC seconds.
pub fn instants(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    crate::clock::secs_col(df, name).map_err(column(name))
}

/// An instant as the reader's local time, `2026-07-03 14:05 KST`.
pub fn local(tz: &Tz, secs: Option<i64>) -> String {
    match secs.and_then(|s| tz.timestamp_opt(s, 0).single()) {
        Some(t) => t.format("%Y-%m-%d %H:%M %Z").to_string(),
        None => "–".to_string(),
    }
}
