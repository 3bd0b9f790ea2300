//! The baseline of `bench/ingest.sh`: what plain polars does with the same exports, with no
//! validation at all: read each CSV with polars' own reader (default schema inference) and
//! write it to Parquet with the same codec and statistics as the lake.
//!
//! usage: cargo run --example plain_polars_ingest -- DATA_DIR OUT_DIR

use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use polars::prelude::*;

/// The same allocator as slareview's binary, so the comparison is of the work, not of malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> PolarsResult<()> {
    slareview::allocator::keep_freed_memory();
    let args: Vec<String> = std::env::args().collect();
    let data = PathBuf::from(&args[1]);
    let out = PathBuf::from(&args[2]);
    std::fs::create_dir_all(&out)?;
    let started = Instant::now();
    let mut rows = 0usize;
    for table in [
        "contracts",
        "sla_targets",
        "tickets",
        "ticket_events",
        "surveys",
        "engineers",
        "kb_articles",
    ] {
        let path = data.join(format!("{table}.csv"));
        if !path.exists() {
            continue;
        }
        let t = Instant::now();
        let mut df = CsvReadOptions::default()
            .with_has_header(true)
            .try_into_reader_with_file_path(Some(path))?
            .finish()?;
        rows += df.height();
        let read = t.elapsed();
        let mut f = File::create(out.join(format!("{table}.parquet")))?;
        ParquetWriter::new(&mut f)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::default())
            .finish(&mut df)?;
        eprintln!(
            "plain polars {table}: read {read:.2?}, write {:.2?}",
            t.elapsed() - read
        );
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "plain polars: {rows} rows in {secs:.2} s = {:.0} rows/s",
        rows as f64 / secs
    );
    Ok(())
}
