//! The allocator's settings, shared by the binary and the benchmarks' baselines so both run
//! with the same allocator behaviour.

/// mimalloc hands freed memory back to the system 10 ms after it is freed, and the next
/// allocation faults it in again, zeroed by the kernel: at 1 M tickets that page zeroing was 29%
/// of a run's samples and 20 to 25 s of system time. Keeping freed memory for reuse made the whole
/// run 2 to 6 s faster (three paired runs) for about 12% more peak memory (docs/performance.md).
/// `MIMALLOC_PURGE_DELAY` in the environment still decides when it is set.
pub fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3 alike).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    if crate::env::var_os(crate::env::MIMALLOC_PURGE_DELAY).is_none() {
        // SAFETY: sets one global option, before any thread of ours is started.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    }
}
