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
//! Only the intervals of the days the clocks ask about are kept (runs of days, `for_days`); the
//! days between runs add their business seconds to `cum` without being kept, so the table's
//! size follows the data's days and not the span between its first and last instant (an as_of
//! decades after the tickets costs a few checkpoints, not decades of intervals).
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

/// In a gap between blocks, the builder's state is kept every this many local days, so that an
/// `add` whose due instant falls in the gap replays at most this many days.
const CHECKPOINT_DAYS: i64 = 64;

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
    Windows(Box<Windows>),
}

/// What a business-time table holds, for tests and logs: its size grows with the days asked
/// about (`days`) and the windows on them (`intervals`), not with the span between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableSize {
    /// Local days whose intervals are kept.
    pub days: usize,
    /// Intervals kept (with one end marker per block).
    pub intervals: usize,
    /// Runs of kept days.
    pub blocks: usize,
    /// Builder states kept in the gaps between blocks.
    pub checkpoints: usize,
}

/// The table of a calendar's real (UTC) business intervals over some runs of local days (the
/// *blocks*), with the business seconds of the days between them (the *gaps*) summed but not
/// kept. Instants inside a block can be asked about; a gap only contributes its total (and, for
/// an `add` that ends in it, is replayed from its nearest checkpoint).
#[derive(Debug, Clone)]
struct Windows {
    /// Sorted, disjoint, non-touching real intervals `[starts[i], ends[i])`, in the order the
    /// builder finishes them; each block is followed by a zero-length marker just after its
    /// end (`starts[i] == ends[i]`), whose `cum` step is the business time of the gap after it.
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// `cum[i]`: business seconds (from the table's start) before interval `i`; `cum[n]` is
    /// the total.
    cum: Vec<i64>,
    blocks: Vec<Block>,
    /// The calendar, to replay a gap.
    cal: Calendar,
}

#[derive(Debug, Clone)]
struct Block {
    first: NaiveDate,
    last: NaiveDate,
    /// Instants from `lo` to `hi` (inclusive) can be asked about.
    lo: i64,
    hi: i64,
    /// The UTC day (`floor(t / DAY)`) that `first_interval[0]` describes.
    first_day: i64,
    /// For each UTC day from `first_day`: the first interval that ends after the day starts.
    first_interval: Vec<u32>,
    /// Index of the marker that ends the block.
    marker: usize,
    /// The builder's state at every `CHECKPOINT_DAYS`-th day of the gap after the block.
    gap: Vec<State>,
}

/// The builder between two days: the interval still open (it may merge with the next
/// window), and the business seconds of all intervals finished so far.
#[derive(Debug, Clone, Copy)]
struct State {
    day: NaiveDate,
    pending: Option<(i64, i64)>,
    total: i64,
}

/// One local day's windows as real intervals, appended to `out`. A window edge is read in the
/// calendar's zone (`metrics.md`, "Clocks"); `24:00` is the next day's `00:00`, read on that
/// day. In a gap (`fast`), a day on which the zone's offset is the same at both midnights has
/// its windows placed by that offset instead of one zone lookup per edge (the same instants,
/// unless a zone changed its offset twice within one day and back); `mid` carries the day's
/// midnight between calls.
fn day_intervals(
    cal: &Calendar,
    day: NaiveDate,
    fast: bool,
    mid: &mut Option<(NaiveDate, i64)>,
    out: &mut Vec<(i64, i64)>,
) {
    out.clear();
    if cal.holidays.binary_search(&day).is_ok() {
        return;
    }
    let weekday = day.weekday().num_days_from_monday() as usize;
    let windows = &cal.week[weekday];
    if windows.is_empty() {
        return;
    }
    let tz = &cal.tz;
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
    if fast {
        let naive = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
        let start = match *mid {
            Some((d, m)) if d == day => m,
            _ => midnight(day, 0),
        };
        let next_day = day.succ_opt().expect("date in range");
        let end = midnight(next_day, 0);
        *mid = Some((next_day, end));
        let offset = naive(day) - start;
        if naive(next_day) - end == offset {
            for &(ws, we) in windows {
                out.push((start + ws as i64, start + we as i64));
            }
            return;
        }
    } else {
        *mid = None;
    }
    for &(ws, we) in windows {
        out.push((midnight(day, ws), midnight(day, we)));
    }
}

/// Turns windows into merged intervals, day by day, handing each finished interval to `emit`.
struct Builder<'a> {
    cal: &'a Calendar,
    state: State,
    mid: Option<(NaiveDate, i64)>,
    buf: Vec<(i64, i64)>,
}

impl<'a> Builder<'a> {
    fn new(cal: &'a Calendar, state: State) -> Builder<'a> {
        Builder {
            cal,
            state,
            mid: None,
            buf: Vec::new(),
        }
    }

    /// Processes `self.state.day` and moves to the next day.
    fn day(&mut self, fast: bool, emit: &mut impl FnMut(i64, i64, i64)) {
        let day = self.state.day;
        let mut buf = std::mem::take(&mut self.buf);
        day_intervals(self.cal, day, fast, &mut self.mid, &mut buf);
        for &(s, e) in &buf {
            if e <= s {
                continue;
            }
            match &mut self.state.pending {
                // Touching or overlapping the previous interval: one interval.
                Some((_, last_end)) if s <= *last_end => *last_end = (*last_end).max(e),
                pending => {
                    if let Some((ps, pe)) = pending.replace((s, e)) {
                        emit(ps, pe, self.state.total);
                        self.state.total += pe - ps;
                    }
                }
            }
        }
        self.buf = buf;
        self.state.day = day.succ_opt().expect("date in range");
    }

    fn finish(&mut self, emit: &mut impl FnMut(i64, i64, i64)) {
        if let Some((ps, pe)) = self.state.pending.take() {
            emit(ps, pe, self.state.total);
            self.state.total += pe - ps;
        }
    }
}

impl BusinessTime {
    /// The built-in calendar: every second is business time.
    pub fn always() -> BusinessTime {
        BusinessTime {
            id: CALENDAR_24X7.to_string(),
            inner: Inner::Always,
        }
    }

    /// Business time of `cal` for the local days `first..=last`, all kept. Instants outside
    /// those days must not be asked about (`covers` tells): build the range wide enough for
    /// the data.
    pub fn new(cal: &Calendar, first: NaiveDate, last: NaiveDate) -> BusinessTime {
        BusinessTime::for_days(cal, &[(first, last)])
    }

    /// Business time of `cal` with the intervals of the local days in `runs` kept (sorted,
    /// disjoint runs `first..=last`); the days between runs are walked once for their total,
    /// and kept only as a checkpoint every `CHECKPOINT_DAYS` days. Memory is the kept days ×
    /// their windows plus (span / `CHECKPOINT_DAYS`), whatever the span between runs.
    pub fn for_days(cal: &Calendar, runs: &[(NaiveDate, NaiveDate)]) -> BusinessTime {
        if cal.id == CALENDAR_24X7 {
            return BusinessTime::always();
        }
        let tz = &cal.tz;
        let mut blocks: Vec<Block> = runs
            .iter()
            .filter(|(f, l)| f <= l)
            .map(|&(first, last)| {
                let lo = local_to_utc(tz, first.and_hms_opt(0, 0, 0).unwrap());
                let next = last.succ_opt().expect("date in range");
                let hi = local_to_utc(tz, next.and_hms_opt(0, 0, 0).unwrap());
                Block {
                    first,
                    last,
                    lo,
                    hi,
                    first_day: lo.div_euclid(DAY),
                    first_interval: Vec::new(),
                    marker: 0,
                    gap: Vec::new(),
                }
            })
            .collect();
        debug_assert!(blocks.windows(2).all(|w| w[0].last < w[1].first));
        let mut starts: Vec<i64> = Vec::new();
        let mut ends: Vec<i64> = Vec::new();
        let mut cum: Vec<i64> = Vec::new();
        if let (Some(first), Some(last)) = (blocks.first(), blocks.last()) {
            let (first, last) = (first.first, last.last);
            let mut b = 0usize;
            // Blocks whose marker is written; a finished interval is kept if it meets block `b`.
            let mut emit = |s: i64, e: i64, total: i64, blocks: &mut Vec<Block>| {
                while b < blocks.len() && s > blocks[b].hi {
                    let m = blocks[b].hi.max(ends.last().copied().unwrap_or(i64::MIN)) + 1;
                    blocks[b].marker = starts.len();
                    starts.push(m);
                    ends.push(m);
                    cum.push(total);
                    b += 1;
                }
                if b < blocks.len() && e >= blocks[b].lo {
                    starts.push(s);
                    ends.push(e);
                    cum.push(total);
                }
            };
            let mut builder = Builder::new(
                cal,
                State {
                    day: first,
                    pending: None,
                    total: 0,
                },
            );
            let mut k = 0usize;
            while builder.state.day <= last {
                let day = builder.state.day;
                while day > blocks[k].last && day >= blocks[k + 1].first {
                    k += 1;
                }
                let in_gap = day > blocks[k].last;
                if in_gap {
                    let since = (day - blocks[k].last).num_days() - 1;
                    if since % CHECKPOINT_DAYS == 0 {
                        blocks[k].gap.push(builder.state);
                    }
                }
                builder.day(in_gap, &mut |s, e, t| emit(s, e, t, &mut blocks));
            }
            builder.finish(&mut |s, e, t| emit(s, e, t, &mut blocks));
            let total = builder.state.total;
            // Markers of the blocks not closed yet (the last, at least); an interval starting
            // at the end of time closes them all and is itself kept by none.
            emit(i64::MAX, i64::MAX, total, &mut blocks);
            cum.push(total);
        } else {
            cum.push(0);
        }
        for block in &mut blocks {
            let last_day = block.hi.div_euclid(DAY);
            let mut i = ends.partition_point(|&e| e <= block.first_day * DAY);
            block.first_interval = (block.first_day..=last_day)
                .map(|d| {
                    while i < ends.len() && ends[i] <= d * DAY {
                        i += 1;
                    }
                    i as u32
                })
                .collect();
        }
        BusinessTime {
            id: cal.id.clone(),
            inner: Inner::Windows(Box::new(Windows {
                starts,
                ends,
                cum,
                blocks,
                cal: cal.clone(),
            })),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the table holds (all zero for `24x7`).
    pub fn size(&self) -> TableSize {
        match &self.inner {
            Inner::Always => TableSize::default(),
            Inner::Windows(w) => TableSize {
                days: w
                    .blocks
                    .iter()
                    .map(|b| (b.last - b.first).num_days() as usize + 1)
                    .sum(),
                intervals: w.starts.len(),
                blocks: w.blocks.len(),
                checkpoints: w.blocks.iter().map(|b| b.gap.len()).sum(),
            },
        }
    }

    /// True if `t` lies inside the table (always true for `24x7`).
    pub fn covers(&self, t: i64) -> bool {
        match &self.inner {
            Inner::Always => true,
            Inner::Windows(w) => w.block_of(t).is_some(),
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
    /// window, it is that end, not the start of the next window. `None` if the table ends first
    /// (or `a + n` is past the end of time).
    pub fn add(&self, a: i64, n: i64) -> Option<i64> {
        if n <= 0 {
            return Some(a);
        }
        match &self.inner {
            Inner::Always => a.checked_add(n),
            Inner::Windows(w) => {
                let target = w.cum_at(a).checked_add(n)?;
                // The interval in which the cumulative total reaches `target`: the first `i`
                // with cum[i + 1] >= target.
                let i = w.cum[1..].partition_point(|&c| c < target);
                if i >= w.starts.len() {
                    return None;
                }
                if w.starts[i] == w.ends[i] {
                    // A block's end marker: the target is reached in the gap after it.
                    return w.replay(i, target);
                }
                Some(w.starts[i] + (target - w.cum[i]))
            }
        }
    }
}

impl Windows {
    /// The block whose instants include `t`.
    #[inline]
    fn block_of(&self, t: i64) -> Option<&Block> {
        let k = self.blocks.partition_point(|b| b.lo <= t);
        let b = self.blocks.get(k.checked_sub(1)?)?;
        (t <= b.hi).then_some(b)
    }

    /// Business seconds in `[table start, t)`.
    #[inline]
    fn cum_at(&self, t: i64) -> i64 {
        let block = match self.blocks.as_slice() {
            [one] => one,
            _ => match self.block_of(t) {
                Some(b) => b,
                None => {
                    debug_assert!(false, "instant {t} outside the calendar table");
                    // Outside every block (a caller's error): the nearest block's edge.
                    let k = self.blocks.partition_point(|b| b.lo <= t);
                    &self.blocks[k.saturating_sub(1)]
                }
            },
        };
        debug_assert!(
            t >= block.lo && t <= block.hi,
            "instant {t} outside the calendar table"
        );
        let d =
            (t.div_euclid(DAY) - block.first_day).clamp(0, block.first_interval.len() as i64 - 1);
        let mut i = block.first_interval[d as usize] as usize;
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

    /// The instant at which the cumulative business time reaches `target`, which lies in the
    /// gap after the block ending at marker `i`: the builder is run again from the last
    /// checkpoint before it, exactly as it ran when the table was built.
    fn replay(&self, marker: usize, target: i64) -> Option<i64> {
        let k = self.blocks.partition_point(|b| b.marker < marker);
        let block = self.blocks.get(k)?;
        let next = self.blocks.get(k + 1)?;
        let c = block.gap.partition_point(|s| s.total < target);
        let from = *block.gap.get(c.saturating_sub(1))?;
        let mut builder = Builder::new(&self.cal, from);
        let found: std::cell::Cell<Option<i64>> = std::cell::Cell::new(None);
        let reach = |s: i64, e: i64, total: i64| {
            if found.get().is_none() && total + (e - s) >= target {
                found.set(Some(s + (target - total)));
            }
        };
        // The checkpoint's open interval may already hold the target.
        if let Some((s, e)) = builder.state.pending {
            reach(s, e, builder.state.total);
        }
        while found.get().is_none() && builder.state.day <= next.last {
            // In the build, the days before the next block were gap days.
            let fast = builder.state.day < next.first;
            builder.day(fast, &mut |s, e, t| reach(s, e, t));
            if let Some((s, e)) = builder.state.pending {
                reach(s, e, builder.state.total);
            }
        }
        found.get()
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

    /// A table that keeps only some runs of days answers every question about instants in
    /// those runs exactly as the table that keeps every day: across gaps holding DST changes,
    /// holidays, and one interval running through several runs (a calendar open around the
    /// clock), and for due instants that fall in a gap.
    #[test]
    fn runs_with_gaps_answer_as_the_whole_table() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let runs = [
            (d("2025-01-01"), d("2025-01-20")),
            (d("2025-06-01"), d("2025-06-03")),
            (d("2025-06-10"), d("2025-06-10")),
            (d("2027-03-01"), d("2027-03-20")),
        ];
        let calendars = [
            cal(
                chrono_tz::America::New_York,
                &[(9 * H, 12 * H), (13 * H, 18 * H)],
                &[0, 1, 2, 3, 4],
                &["2025-07-04", "2026-11-26", "2025-01-06"],
            ),
            cal(
                chrono_tz::America::New_York,
                &[(0, 24 * H)],
                &[0, 1, 2, 3, 4, 5, 6],
                &[],
            ),
            cal(
                chrono_tz::Europe::Berlin,
                &[(2 * H + 1800, 6 * H), (22 * H, 24 * H)],
                &[5, 6],
                &["2026-03-29"],
            ),
            cal(
                chrono_tz::Asia::Seoul,
                &[(9 * H, 18 * H)],
                &[0, 1, 2, 3, 4],
                &[],
            ),
        ];
        for c in &calendars {
            let sparse = BusinessTime::for_days(c, &runs);
            let dense = BusinessTime::new(c, runs[0].0, runs[3].1);
            assert_eq!(sparse.size().blocks, 4);
            assert!(
                sparse.size().intervals < dense.size().intervals || dense.size().intervals < 10
            );
            // Instants every 7 h 13 min through each run.
            let mut points = Vec::new();
            for &(f, l) in &runs {
                let lo = local_to_utc(&c.tz, f.and_hms_opt(0, 0, 0).unwrap());
                let hi = local_to_utc(&c.tz, l.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap());
                let mut t = lo;
                while t <= hi {
                    points.push(t);
                    t += 7 * 3600 + 13 * 60;
                }
                points.push(hi);
            }
            for &a in &points {
                assert!(sparse.covers(a));
                for &b in points.iter().step_by(5) {
                    assert_eq!(sparse.between(a, b), dense.between(a, b), "{a} {b}");
                }
            }
            for &a in points.iter().step_by(3) {
                let total = dense.between(a, *points.last().unwrap());
                for k in 0..40 {
                    let n = total / 37 * k + 1800 * k;
                    assert_eq!(sparse.add(a, n), dense.add(a, n), "{} {a} {n}", c.tz);
                }
            }
        }
    }

    #[test]
    fn always_is_subtraction() {
        let bt = BusinessTime::always();
        assert_eq!(bt.between(10, 100), 90);
        assert_eq!(bt.add(10, 90), Some(100));
        assert!(bt.covers(i64::MAX / 2));
    }
}
