//! Every environment variable slareview reads, in one place: the name, what it does and the
//! one function that reads it. Library code asks here, never `std::env` itself.

use std::ffi::OsString;

/// Path of the Chromium (or Chrome) binary that prints PDFs; default: `chromium`,
/// `chromium-browser`, `google-chrome` on PATH.
pub const CHROMIUM: &str = "SLAREVIEW_CHROMIUM";
/// Searched for the browser when SLAREVIEW_CHROMIUM is not set.
pub const PATH: &str = "PATH";
/// Tests only: the name of a step of the output swap at which to stop the process, to show
/// that a crash there leaves the previous outputs whole (src/store/staging.rs).
pub const CRASH_AT: &str = "SLAREVIEW_CRASH_AT";
/// Tests and benchmarks: the size in bytes of the pieces a large export is parsed in
/// (default 4 MiB), so a small file can be cut in many pieces.
pub const PIECE_BYTES: &str = "SLAREVIEW_PIECE_BYTES";
/// mimalloc's purge delay in ms; when unset slareview sets its own (src/allocator.rs).
pub const MIMALLOC_PURGE_DELAY: &str = "MIMALLOC_PURGE_DELAY";
/// Log filter (tracing's EnvFilter syntax), overriding -v/-q: `RUST_LOG=slareview=debug`.
pub const RUST_LOG: &str = "RUST_LOG";

/// Every variable above, for `--help` and the README: (name, purpose).
pub const ALL: &[(&str, &str)] = &[
    (
        CHROMIUM,
        "path of the Chromium binary that prints PDFs (--pdf)",
    ),
    (
        PATH,
        "searched for chromium when SLAREVIEW_CHROMIUM is not set",
    ),
    (
        RUST_LOG,
        "log filter, overriding -v and -q (e.g. slareview=debug)",
    ),
    (
        MIMALLOC_PURGE_DELAY,
        "allocator purge delay in ms (slareview sets one when unset)",
    ),
    (
        PIECE_BYTES,
        "tests: size of the pieces large exports are parsed in",
    ),
    (
        CRASH_AT,
        "tests: stop the process at a step of the output swap",
    ),
];

/// The value of one of the variables above, when set.
pub fn var_os(name: &str) -> Option<OsString> {
    debug_assert!(
        ALL.iter().any(|(n, _)| *n == name),
        "{name} is not listed in env::ALL"
    );
    std::env::var_os(name)
}

/// The value as UTF-8 text, when set and valid.
pub fn var(name: &str) -> Option<String> {
    var_os(name).and_then(|v| v.into_string().ok())
}
