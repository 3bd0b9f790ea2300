//! The metrics benchmark of `bench/metrics.sh`: the whole metrics stage (the Rust-derived
//! tables, every query of `queries/`, and writing each table as Parquet and CSV) for a lake,
//! after the clocks it stands on have been computed (they are timed by `clock_bench`).
//!
//! usage: cargo run --example metrics_bench -- LAKE_DIR DATA_DIR OUT_DIR
//! (DATA_DIR supplies calendars.toml and goals.toml; as_of comes from the lake's manifest; the
//! report period is the default one, so four quarters are written.)

use std::path::PathBuf;
use std::time::Instant;

use slareview::clock::{self, ClockInputs};
use slareview::ingest::config::read_configs;
use slareview::metrics;
use slareview::model::parse_timestamp;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    slareview::allocator::keep_freed_memory();
    tracing_subscriber::fmt()
        .with_env_filter(
            std::env::var("RUST_LOG").unwrap_or_else(|_| "slareview::metrics=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().collect();
    let lake = PathBuf::from(&args[1]);
    let data = PathBuf::from(&args[2]);
    let out = PathBuf::from(&args[3]);
    let (calendars, goals, _) = read_configs(&data)?;
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lake.join("manifest.json"))?)?;
    let as_of = parse_timestamp(manifest["as_of"].as_str().unwrap(), None).unwrap();
    let report = slareview::period::default_quarter(&goals.reporting_tz(), as_of, Some(i64::MIN));

    let t = Instant::now();
    let inputs = ClockInputs::read_lake(&lake)?;
    let prepared = clock::prepare(inputs, &calendars, &goals, as_of)?;
    let outs = clock::compute(&prepared);
    let mut tables = clock::tables(&prepared, &outs)?;
    clock::apply_waivers(&mut tables, &lake)?;
    drop(outs);
    let clocks = t.elapsed().as_secs_f64();

    std::fs::create_dir_all(&out)?;
    let t = Instant::now();
    let written = metrics::run(
        &metrics::Inputs {
            lake: &lake,
            prepared: &prepared,
            clock: &tables,
            calendars: &calendars,
            goals: &goals,
            report,
            queries: &std::env::var_os("SLAREVIEW_QUERIES")
                .map(PathBuf::from)
                .unwrap_or_else(slareview::cli::bundled_queries),
        },
        &out,
    )?;
    let total = t.elapsed().as_secs_f64();
    let rows: usize = written.tables.iter().map(|(_, r)| r).sum();
    println!(
        "tickets {}  periods {} and the three before  (clocks first: {clocks:.2} s, not counted)",
        prepared.tickets(),
        report.label()
    );
    println!(
        "metrics stage: {total:.2} s  (derived tables {:.2} s, queries + writing {:.2} s; {} tables, {rows} rows)",
        written.derive_secs,
        written.queries_secs,
        written.tables.len()
    );
    Ok(())
}
