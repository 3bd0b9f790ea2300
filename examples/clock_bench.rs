//! The clock benchmark of `bench/clocks.sh`:
//! 1. business-time computations per second (`between` on random intervals over the data's
//!    calendars, one thread and all threads; `add` too);
//! 2. all clocks for a lake: read, prepare, compute, build tables, each timed.
//!
//! usage: cargo run --example clock_bench -- LAKE_DIR DATA_DIR
//! (DATA_DIR supplies calendars.toml and goals.toml; as_of comes from the lake's manifest.)

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use slareview::clock::{self, BusinessTime, ClockInputs};
use slareview::ingest::config::read_configs;
use slareview::model::parse_timestamp;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    slareview::allocator::keep_freed_memory();
    let args: Vec<String> = std::env::args().collect();
    let lake = PathBuf::from(&args[1]);
    let data = PathBuf::from(&args[2]);
    let (calendars, goals, _) = read_configs(&data)?;
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lake.join("manifest.json"))?)?;
    let as_of = parse_timestamp(manifest["as_of"].as_str().unwrap(), None).unwrap();

    // 1. Business-time computations: 10 million random intervals of up to 30 days in 2025-2026,
    // spread over the data's calendars (the 24x7 one excluded: that is a subtraction).
    let first = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let tables: Vec<BusinessTime> = calendars
        .values()
        .filter(|c| c.id != "24x7")
        .map(|c| BusinessTime::new(c, first, last))
        .collect();
    let lo = parse_timestamp("2025-01-01T00:00:00Z", None).unwrap();
    let hi = parse_timestamp("2026-12-01T00:00:00Z", None).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let n = 10_000_000usize;
    let work: Vec<(u8, i64, i64)> = (0..n)
        .map(|_| {
            let a = rng.random_range(lo..hi);
            (
                rng.random_range(0..tables.len()) as u8,
                a,
                a + rng.random_range(0..30 * 86_400),
            )
        })
        .collect();
    let t = Instant::now();
    let sum: i64 = work
        .iter()
        .map(|&(c, a, b)| tables[c as usize].between(a, b))
        .sum();
    let one = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sum_par: i64 = work
        .par_iter()
        .map(|&(c, a, b)| tables[c as usize].between(a, b))
        .sum();
    let all = t.elapsed().as_secs_f64();
    assert_eq!(sum, sum_par);
    let t = Instant::now();
    let due: i64 = work
        .par_iter()
        .map(|&(c, a, b)| tables[c as usize].add(a, (b - a) / 4).unwrap_or(0) % 7)
        .sum();
    let add = t.elapsed().as_secs_f64();
    println!(
        "business time between(): {:.1} M/s on 1 thread, {:.1} M/s on {} threads (10M intervals over {} calendars; checksum {sum})",
        n as f64 / one / 1e6,
        n as f64 / all / 1e6,
        rayon::current_num_threads(),
        tables.len()
    );
    println!(
        "business time add():     {:.1} M/s on {} threads (checksum {due})",
        n as f64 / add / 1e6,
        rayon::current_num_threads()
    );

    // 2. All clocks for the lake.
    let t = Instant::now();
    let inputs = ClockInputs::read_lake(&lake)?;
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let prepared = clock::prepare(inputs, &calendars, &goals, as_of)?;
    let prep = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let outs = clock::compute(&prepared);
    let comp = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let tables = clock::tables(&prepared, &outs)?;
    let tab = t.elapsed().as_secs_f64();
    println!(
        "clocks for {} tickets, {} events: read lake {read:.2} s | after the read: prepare {prep:.2} s + compute {comp:.2} s + tables {tab:.2} s = {:.2} s",
        prepared.tickets(),
        prepared.events(),
        prep + comp + tab
    );
    println!(
        "rows: ticket_sla {}, update_windows {}, ticket_facts {}",
        tables.ticket_sla.height(),
        tables.update_windows.height(),
        tables.ticket_facts.height()
    );
    Ok(())
}
