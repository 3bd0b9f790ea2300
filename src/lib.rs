//! slareview: support-desk exports -> validated Parquet lake -> SLA clocks, metrics and
//! quarterly service reviews. See README.md for the commands and `shared/spec/` for the
//! definitions this crate implements.

pub mod allocator;
pub mod cli;
pub mod clock;
pub mod env;
pub mod error;
pub mod generate;
pub mod import;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod period;
pub mod pipeline;
pub mod printer;
pub mod report;
pub mod store;
