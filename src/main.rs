//! Parses arguments, sets up logging, runs the command and maps the outcome to an exit code:
//! 0 success, 1 ran fine but found violations, 2 could not run.

use std::process::ExitCode;

/// polars allocates and frees large buffers all the time; with glibc's allocator each one is a
/// fresh mapping the kernel must zero (13% of an ingest in a profile). mimalloc reuses them, as
/// polars' own documentation recommends.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use slareview::cli::{execute, Cli, ExitStatus};

fn main() -> ExitCode {
    slareview::allocator::keep_freed_memory();
    let cli = Cli::parse();
    let default_level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = slareview::env::var(slareview::env::RUST_LOG)
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| {
            tracing_subscriber::EnvFilter::new(format!("slareview={default_level}"))
        });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();

    let printer = cli.printer();
    match execute(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            printer.error(&err);
            ExitStatus::Failure.into()
        }
    }
}
