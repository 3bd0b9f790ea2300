//! Arithmetic on instants (i64 UTC seconds) and durations (i64 seconds) that never wraps.
//!
//! Instants read from the lake are milliseconds / 1000, so any two of them are less than
//! i64::MAX apart and their difference cannot overflow. A *duration* from data or
//! configuration can be anything an i64 holds (a `target_minutes` of 9223372036854775807), and
//! adding it to an instant, or scaling it, could. Those operations go through here: they
//! saturate at the ends of i64, which for a clock means "never": a target of i64::MAX seconds
//! is never breached and its due instant is never reached (`add` on a calendar reports `None`
//! before it gets there). The configuration files' ranges (`model::config::GOAL_BOUNDS`) and
//! ingest's range checks keep real values far from these ends; this is the last line, so that
//! a value that slips past them gives a plain figure, never a panic (debug) or a wrapped one
//! (release).

/// `t + d`, saturating.
#[inline]
pub fn after(t: i64, d: i64) -> i64 {
    t.saturating_add(d)
}

/// A count of `unit`-second units in seconds (`minutes × 60`, `days × 86400`), saturating.
#[inline]
pub fn seconds(count: i64, unit: i64) -> i64 {
    count.saturating_mul(unit)
}

/// Seconds as milliseconds, saturating (for datetime columns).
#[inline]
pub fn millis(t: i64) -> i64 {
    t.saturating_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturates_instead_of_wrapping() {
        assert_eq!(after(1_700_000_000, 3600), 1_700_003_600);
        assert_eq!(after(1_700_000_000, i64::MAX), i64::MAX);
        assert_eq!(after(-5, i64::MIN), i64::MIN);
        assert_eq!(seconds(120, 60), 7200);
        assert_eq!(seconds(i64::MAX, 60), i64::MAX);
        assert_eq!(seconds(i64::MIN, 60), i64::MIN);
        assert_eq!(seconds(9_223_372_036_854_775_807, 86_400), i64::MAX);
        assert_eq!(millis(1_700_000_000), 1_700_000_000_000);
        assert_eq!(millis(i64::MAX / 2), i64::MAX);
    }
}
