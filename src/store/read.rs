//! Reading tables back: a whole Parquet file into memory (the clocks' inputs), or a lazy scan
//! that reads only the columns and rows asked for (the metrics' queries, the documents).

use std::path::Path;

use polars::prelude::*;

use super::{io, StoreError};

/// A Parquet file, whole.
pub fn read_parquet(path: &Path) -> Result<DataFrame, StoreError> {
    let file = std::fs::File::open(path).map_err(io(path))?;
    Ok(ParquetReader::new(file).finish()?)
}

/// A Parquet file as a lazy scan: nothing is read until it is collected, and then only what
/// the plan needs.
pub fn scan(path: &Path) -> PolarsResult<LazyFrame> {
    LazyFrame::scan_parquet(PlRefPath::try_from_path(path)?, ScanArgsParquet::default())
}

/// The table `name` of `dir`, whole or filtered.
pub fn read(dir: &Path, name: &str, filter: Option<Expr>) -> Result<DataFrame, StoreError> {
    read_some(dir, name, None, filter)
}

/// The columns `cols` of the table `name` of `dir`, whole or filtered: only those columns are
/// read.
pub fn read_cols(
    dir: &Path,
    name: &str,
    cols: &[&str],
    filter: Option<Expr>,
) -> Result<DataFrame, StoreError> {
    read_some(dir, name, Some(cols), filter)
}

fn read_some(
    dir: &Path,
    name: &str,
    cols: Option<&[&str]>,
    filter: Option<Expr>,
) -> Result<DataFrame, StoreError> {
    let path = dir.join(format!("{name}.parquet"));
    let failed = |error: PolarsError| StoreError::Read {
        path: path.clone(),
        error,
    };
    let mut lf = scan(&path).map_err(failed)?;
    if let Some(f) = filter {
        lf = lf.filter(f);
    }
    if let Some(cols) = cols {
        lf = lf.select(cols.iter().map(|c| col(*c)).collect::<Vec<_>>());
    }
    lf.collect().map_err(failed)
}

/// Does the table `name` of `dir` have the column `column`? (Its schema only is read.)
pub fn has_column(dir: &Path, name: &str, column: &str) -> Result<bool, StoreError> {
    let path = dir.join(format!("{name}.parquet"));
    let schema = scan(&path)
        .and_then(|mut lf| lf.collect_schema())
        .map_err(|error| StoreError::Read {
            path: path.clone(),
            error,
        })?;
    Ok(schema.contains(column))
}
