//! Business time on one calendar, as exact seconds.
//!
//! A calendar's wall-clock windows are turned once into a sorted list of real (UTC) intervals
//! over a range of local days, with the business seconds that come before each interval. Then
//! both operations the clocks need are lookups, whatever the span:
//! - `between(a, b)`: business seconds in `[a, b)` = `cum(b) - cum(a)`;
//! - `add(a, n)`: the earliest instant `t` with `between(a, t) == n` (a binary search on the
//!   cumulative seconds).
//!
//! `cum(t)` finds its interval through a table indexed by UTC day, so it costs one division and
//! a scan of the one or two intervals of that day, not a search.
//!
//! Window edges follow `metrics.md` ("Clocks"): each edge is read in the calendar's zone, a time
//! in a DST gap with the offset in force before the gap (so it moves forward by the gap), an
//! ambiguous time as its earlier occurrence; `24:00` is the next day's `00:00`. A holiday
//! removes its local day. A window whose edges resolve to an empty or reversed interval (both
//! edges in one gap) holds no time. The built-in `24x7` counts every second and needs no table.

use chrono::{Datelike, NaiveDate};

use crate::model::config::{Calendar, CALENDAR_24X7};
use crate::model::local_to_utc;

const DAY: i64 = 86_400;

/// Business time of one calendar over a range of days.
#[derive(Debug, Clone)]
pub struct BusinessTime {
    id: String,
    inner: Inner,
}

#[derive(Debug, Clone)]
enum Inner {
    /// Every second counts: `between` is subtraction.
    Always,
    Windows(Windows),
}

#[derive(Debug, Clone)]
struct Windows {
    /// Sorted, disjoint, non-touching real intervals `[starts[i], ends[i])`.
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// `cum[i]`: business seconds in all intervals before `i`; `cum[n]` is the total.
    cum: Vec<i64>,
    /// The UTC day (`floor(t / DAY)`) that `first_interval[0]` describes.
    first_day: i64,
    /// For each UTC day from `first_day`: the first interval that ends after the day starts.
    first_interval: Vec<u32>,
    /// Instants before `lo` or from `hi` on are outside the table (see `covers`).
    lo: i64,
    hi: i64,
}

impl BusinessTime {
    /// The built-in calendar: every second is business time.
    pub fn always() -> BusinessTime {
        BusinessTime {
            id: CALENDAR_24X7.to_string(),
            inner: Inner::Always,
        }
    }

    /// Business time of `cal` for the local days `first..=last`. Instants outside those days
    /// must not be asked about (`covers` tells): build the range wide enough for the data.
    pub fn new(cal: &Calendar, first: NaiveDate, last: NaiveDate) -> BusinessTime {
        if cal.id == CALENDAR_24X7 {
            return BusinessTime::always();
        }
        let tz = &cal.tz;
        let mut starts: Vec<i64> = Vec::new();
        let mut ends: Vec<i64> = Vec::new();
        let midnight = |d: NaiveDate, secs: u32| -> i64 {
            // 24:00 is the next day's 00:00, read on that day (its own DST rules).
            let (d, secs) = if secs >= 86_400 {
                (d.succ_opt().expect("date in range"), secs - 86_400)
            } else {
                (d, secs)
            };
            let naive = d.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::seconds(secs as i64);
            local_to_utc(tz, naive)
        };
        let mut day = first;
        while day <= last {
            if cal.holidays.binary_search(&day).is_err() {
                let weekday = day.weekday().num_days_from_monday() as usize;
                for &(ws, we) in &cal.week[weekday] {
                    let s = midnight(day, ws);
                    let e = midnight(day, we);
                    if e <= s {
                        continue;
                    }
                    match ends.last_mut() {
                        // Touching or overlapping the previous interval: one interval.
                        Some(last_end) if s <= *last_end => *last_end = (*last_end).max(e),
                        _ => {
                            starts.push(s);
                            ends.push(e);
                        }
                    }
                }
            }
            day = day.succ_opt().expect("date in range");
        }
        let lo = local_to_utc(tz, first.and_hms_opt(0, 0, 0).unwrap());
        let hi = midnight(last, 86_400);
        let mut cum = Vec::with_capacity(starts.len() + 1);
        let mut total = 0i64;
        cum.push(0);
        for (s, e) in starts.iter().zip(&ends) {
            total += e - s;
            cum.push(total);
        }
        let first_day = lo.div_euclid(DAY);
        let last_day = hi.div_euclid(DAY);
        let mut first_interval = Vec::with_capacity((last_day - first_day + 1) as usize);
        let mut i = 0usize;
        for d in first_day..=last_day {
            let day_start = d * DAY;
            while i < ends.len() && ends[i] <= day_start {
                i += 1;
            }
            first_interval.push(i as u32);
        }
        BusinessTime {
            id: cal.id.clone(),
            inner: Inner::Windows(Windows {
                starts,
                ends,
                cum,
                first_day,
                first_interval,
                lo,
                hi,
            }),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// True if `t` lies inside the table (always true for `24x7`).
    pub fn covers(&self, t: i64) -> bool {
        match &self.inner {
            Inner::Always => true,
            Inner::Windows(w) => t >= w.lo && t <= w.hi,
        }
    }

    /// Business seconds in `[a, b)`; zero when `b <= a`.
    #[inline]
    pub fn between(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        match &self.inner {
            Inner::Always => b - a,
            Inner::Windows(w) => w.cum_at(b) - w.cum_at(a),
        }
    }

    /// The earliest instant `t >= a` with `between(a, t) == n` (`a` itself for `n <= 0`): the
    /// due instant of a target of `n` seconds started at `a`. Used up exactly at the end of a
    /// window, it is that end, not the start of the next window. `None` if the table ends first.
    pub fn add(&self, a: i64, n: i64) -> Option<i64> {
        if n <= 0 {
            return Some(a);
        }
        match &self.inner {
            Inner::Always => Some(a + n),
            Inner::Windows(w) => {
                let target = w.cum_at(a) + n;
                // The interval in which the cumulative total reaches `target`: the first `i`
                // with cum[i + 1] >= target.
                let i = w.cum[1..].partition_point(|&c| c < target);
                if i >= w.starts.len() {
                    return None;
                }
                Some(w.starts[i] + (target - w.cum[i]))
            }
        }
    }
}

impl Windows {
    /// Business seconds in `[lo, t)`.
    #[inline]
    fn cum_at(&self, t: i64) -> i64 {
        debug_assert!(
            t >= self.lo && t <= self.hi,
            "instant {t} outside the calendar table"
        );
        let d = (t.div_euclid(DAY) - self.first_day).clamp(0, self.first_interval.len() as i64 - 1);
        let mut i = self.first_interval[d as usize] as usize;
        // At most the intervals ending inside this one day are skipped.
        while i < self.ends.len() && self.ends[i] <= t {
            i += 1;
        }
        if i < self.starts.len() && self.starts[i] < t {
            self.cum[i] + (t - self.starts[i])
        } else {
            self.cum[i]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_timestamp;

    fn ts(s: &str) -> i64 {
        parse_timestamp(s, None).unwrap()
    }

    fn cal(
        tz: chrono_tz::Tz,
        windows: &[(u32, u32)],
        days: &[usize],
        holidays: &[&str],
    ) -> Calendar {
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        for &d in days {
            week[d] = windows.to_vec();
        }
        Calendar {
            id: "test".into(),
            tz,
            holidays: holidays
                .iter()
                .map(|h| NaiveDate::parse_from_str(h, "%Y-%m-%d").unwrap())
                .collect(),
            week,
        }
    }

    fn range() -> (NaiveDate, NaiveDate) {
        (
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        )
    }

    const H: u32 = 3600;

    #[test]
    fn office_week_counts_only_windows() {
        let c = cal(
            chrono_tz::Asia::Seoul,
            &[(9 * H, 18 * H)],
            &[0, 1, 2, 3, 4],
            &[],
        );
        let (f, l) = range();
        let bt = BusinessTime::new(&c, f, l);
        // Fri 17:00 to Mon 10:30 Seoul: 1 h + 1.5 h.
        let a = ts("2026-07-03T17:00:00+09:00");
        let b = ts("2026-07-06T10:30:00+09:00");
        assert_eq!(bt.between(a, b), 9000);
        // 2 h from Fri 17:00 is due Mon 10:00.
        assert_eq!(bt.add(a, 7200), Some(ts("2026-07-06T10:00:00+09:00")));
        // Used up exactly at a window's end: that end, not Monday 09:00.
        assert_eq!(bt.add(a, 3600), Some(ts("2026-07-03T18:00:00+09:00")));
        assert_eq!(bt.between(b, a), 0);
        assert_eq!(bt.add(a, 0), Some(a));
    }

    #[test]
    fn dst_days_in_new_york() {
        let (f, l) = range();
        // A whole-day window is 23 h on the spring day and 25 h on the autumn day.
        let all = cal(
            chrono_tz::America::New_York,
            &[(0, 24 * H)],
            &[0, 1, 2, 3, 4, 5, 6],
            &[],
        );
        let bt = BusinessTime::new(&all, f, l);
        let m = |s: &str| ts(s);
        assert_eq!(
            bt.between(
                m("2026-03-08T00:00:00-05:00"),
                m("2026-03-09T00:00:00-04:00")
            ),
            23 * 3600
        );
        assert_eq!(
            bt.between(
                m("2026-11-01T00:00:00-04:00"),
                m("2026-11-02T00:00:00-05:00")
            ),
            25 * 3600
        );
        // An office window keeps its nine hours on both days.
        let office = cal(
            chrono_tz::America::New_York,
            &[(9 * H, 18 * H)],
            &[0, 1, 2, 3, 4, 5, 6],
            &[],
        );
        let bt = BusinessTime::new(&office, f, l);
        assert_eq!(
            bt.between(
                m("2026-03-08T00:00:00-05:00"),
                m("2026-03-09T00:00:00-04:00")
            ),
            9 * 3600
        );
        // A window edge inside the gap (02:30 on 2026-03-08) moves forward by the gap: 03:30 EDT.
        let night = cal(
            chrono_tz::America::New_York,
            &[(2 * H + 1800, 4 * H)],
            &[6],
            &[],
        );
        let bt = BusinessTime::new(&night, f, l);
        assert_eq!(
            bt.between(
                m("2026-03-08T00:00:00-05:00"),
                m("2026-03-09T00:00:00-04:00")
            ),
            1800
        );
        // An ambiguous edge (01:30 on 2026-11-01) is its earlier occurrence (EDT): 01:30 EDT to
        // 02:00 EST is 1.5 h.
        let amb = cal(
            chrono_tz::America::New_York,
            &[(H + 1800, 2 * H)],
            &[6],
            &[],
        );
        let bt = BusinessTime::new(&amb, f, l);
        assert_eq!(
            bt.between(
                m("2026-11-01T00:00:00-04:00"),
                m("2026-11-02T00:00:00-05:00")
            ),
            5400
        );
    }

    #[test]
    fn holidays_and_split_days() {
        let (f, l) = range();
        let c = cal(
            chrono_tz::Asia::Seoul,
            &[(9 * H, 12 * H), (13 * H, 18 * H)],
            &[0, 1, 2, 3, 4],
            &["2026-09-25"],
        );
        let bt = BusinessTime::new(&c, f, l);
        // Thu 2026-09-24 11:00 to Mon 09-28 14:00: Thu 1 h + 5 h, Fri holiday, Mon 3 h + 1 h.
        let a = ts("2026-09-24T11:00:00+09:00");
        let b = ts("2026-09-28T14:00:00+09:00");
        assert_eq!(bt.between(a, b), 10 * 3600);
        // Lunch is not business time: 1 h from 11:30 is due at 13:30.
        let a = ts("2026-09-24T11:30:00+09:00");
        assert_eq!(bt.add(a, 3600), Some(ts("2026-09-24T13:30:00+09:00")));
        // 30 min from 11:30 ends at 12:00 exactly, the window's end.
        assert_eq!(bt.add(a, 1800), Some(ts("2026-09-24T12:00:00+09:00")));
    }

    #[test]
    fn always_is_subtraction() {
        let bt = BusinessTime::always();
        assert_eq!(bt.between(10, 100), 90);
        assert_eq!(bt.add(10, 90), Some(100));
        assert!(bt.covers(i64::MAX / 2));
    }
}
