//! The one place tables are read and written: Parquet and CSV files of the lake and of
//! `<out>/tables`, and the staging swap that puts a run's outputs in place whole (`staging`).
//!
//! Every stage above (ingest, clock, metrics, report, import, generate) writes and reads its
//! tables through here, so that a table has one file format wherever it is written: Parquet
//! compressed with zstd and with statistics, CSV with a header, formula-like text defused, and
//! instants as RFC 3339 UTC text. The store knows files and frames, never what a table means;
//! it sits below ingest and above the model (see tests/layers.rs for the order).

mod read;
pub mod staging;
mod write;

use std::path::PathBuf;

use polars::prelude::PolarsError;

pub use read::{has_column, read, read_cols, read_parquet, scan};
pub use staging::crash_point;
pub use write::{defuse_cell, write_csv, write_parquet, write_row_groups, write_table};

/// The lake's manifest: its input files, the configuration files read, and the counts.
pub const MANIFEST: &str = "manifest.json";

/// A table that could not be read or written, or an output that may not be replaced. Each names
/// the file or folder at fault; what the user can do is its `hint`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read or write `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A table read back (or its schema) that polars could not read.
    #[error("cannot read table `{}`: {error}", path.display())]
    Read { path: PathBuf, error: PolarsError },
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
    /// A step of the staging swap on the file system (`list`, `read`, `write`, `create`,
    /// `replace`, `move`, `remove`), with the operating system's error as its cause.
    #[error("cannot {action} `{}`", path.display())]
    Fs {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}` holds `{file}`, which slareview did not write; slareview replaces only what it wrote itself and never deletes other files", dir.display())]
    NotOurs { dir: PathBuf, file: String },
    #[error("`{}` is not a folder, and slareview did not write it", path.display())]
    NotAFolder { path: PathBuf },
    #[error("`{}` exists and slareview did not write it, so it will not be replaced", path.display())]
    FileNotOurs { path: PathBuf },
    #[error("`{}` is not a staging folder slareview made, so it will not be removed", path.display())]
    NotStaging { path: PathBuf },
    #[error("another slareview run is writing to `{}`", out.display())]
    Locked { out: PathBuf },
    #[error("`{}` was not written", path.display())]
    NotWritten { path: PathBuf },
}

impl crate::error::Hint for StoreError {
    fn hint(&self) -> Option<String> {
        match self {
            StoreError::Io { source, .. } | StoreError::Fs { source, .. } => io_hint(source),
            StoreError::NotOurs { dir, .. } => Some(format!(
                "move your files out of `{}`, or choose another output folder (a new or empty one)",
                dir.display()
            )),
            StoreError::NotAFolder { .. } => {
                Some("move it away, or choose another output folder".into())
            }
            StoreError::FileNotOurs { .. } => {
                Some("move or rename it, or choose another output folder".into())
            }
            StoreError::NotStaging { .. } => Some("move it away and run again".into()),
            StoreError::Locked { .. } => {
                Some("wait for it to finish, or choose another output folder".into())
            }
            StoreError::Read { .. } | StoreError::Polars(_) | StoreError::NotWritten { .. } => None,
        }
    }
}

/// What to do about an I/O error while writing outputs: only a full disk has a better next
/// step than its message.
pub fn io_hint(e: &std::io::Error) -> Option<String> {
    (e.kind() == std::io::ErrorKind::StorageFull).then(|| {
        "free space on that disk, or choose another output folder, and run again; outputs are swapped in only when all of them are written, so the previous ones are unchanged".into()
    })
}

/// The hint for a file that could not be created or written in the folder given with `--out`
/// (`import`, `generate`): free space when the disk is full, else another folder.
pub fn out_folder_hint(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::StorageFull {
        "free space on that disk, or choose another folder with --out, and run again".into()
    } else {
        "choose a folder you can write to with --out".into()
    }
}

/// The I/O error of `path`, for `map_err`.
pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}
