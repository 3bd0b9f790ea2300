//! Parses arguments, sets up logging, runs the command and maps the outcome to an exit code:
//! 0 success, 1 ran fine but found violations, 2 could not run.

use std::process::ExitCode;

/// polars allocates and frees large buffers all the time; with glibc's allocator each one is a
/// fresh mapping the kernel must zero (13% of an ingest in a profile). mimalloc reuses them, as
/// polars' own documentation recommends.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use slareview::cli::{execute, Cli};
use slareview::clock::ClockError;
use slareview::error::Hint;
use slareview::ingest::IngestError;
use slareview::store::StoreError;

fn main() -> ExitCode {
    slareview::allocator::keep_freed_memory();
    let cli = Cli::parse();
    let default_level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("slareview={default_level}"))
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();

    match execute(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let text = slareview::cli::error_text(&err);
            // Messages may carry their own `hint:` line after a newline.
            let (message, inline_hint) = match text.split_once("\nhint: ") {
                Some((m, h)) => (m.to_string(), Some(h.to_string())),
                None => (text.clone(), None),
            };
            eprintln!("error: {message}");
            let hint = inline_hint
                .or_else(|| err.downcast_ref::<IngestError>().and_then(|e| e.hint()))
                .or_else(|| err.downcast_ref::<ClockError>().and_then(|e| e.hint()))
                .or_else(|| err.downcast_ref::<StoreError>().and_then(|e| e.hint()));
            if let Some(h) = hint {
                eprintln!("hint: {h}");
            }
            ExitCode::from(2)
        }
    }
}
