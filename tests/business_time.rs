//! The laws of business time (proptest), and a differential test against an independent
//! implementation (the `workclock` crate) on 100,000 random intervals in DST zones with
//! holidays.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use slareview::clock::BusinessTime;
use slareview::model::config::{parse_calendars, Calendar};
use slareview::model::parse_timestamp;

/// The sample data's real calendars (Seoul with Korean holidays and a split day, New York and
/// Berlin with DST and holidays, Shanghai), plus calendars built to hit the corners: whole days
/// across DST changes, window edges inside a spring gap and inside an autumn overlap, weekend
/// and overnight shifts written as two windows.
fn calendars() -> BTreeMap<String, Calendar> {
    let sample = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample_data/calendars.toml"
    ))
    .unwrap();
    let corners = r#"
[calendars.ny_always]
timezone = "America/New_York"
holidays = ["2026-03-08", "2026-11-26"]
[calendars.ny_always.hours]
mon = ["00:00-24:00"]
tue = ["00:00-24:00"]
wed = ["00:00-24:00"]
thu = ["00:00-24:00"]
fri = ["00:00-24:00"]
sat = ["00:00-24:00"]
sun = ["00:00-24:00"]

[calendars.ny_night]
timezone = "America/New_York"
[calendars.ny_night.hours]
sun = ["00:30-01:30", "01:30-02:10", "02:10-02:50", "02:50-03:30", "22:00-24:00"]
mon = ["00:00-06:00"]
sat = ["01:00-02:00", "02:10-02:50"]

[calendars.berlin_shifts]
timezone = "Europe/Berlin"
holidays = ["2026-03-29", "2025-12-24"]
[calendars.berlin_shifts.hours]
sun = ["02:30-04:00", "20:00-24:00"]
mon = ["00:00-06:00", "14:00-22:00"]
sat = ["02:00-03:00"]
"#;
    let mut all = parse_calendars(&sample, "sample_data/calendars.toml").unwrap();
    all.extend(parse_calendars(corners, "corners").unwrap());
    all
}

fn range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
        NaiveDate::from_ymd_opt(2028, 12, 31).unwrap(),
    )
}

fn tables() -> Vec<BusinessTime> {
    let (f, l) = range();
    calendars()
        .values()
        .map(|c| BusinessTime::new(c, f, l))
        .collect()
}

fn ts(s: &str) -> i64 {
    parse_timestamp(s, None).unwrap()
}

/// Instants from 2025-01-01 to 2027-06-30.
fn instant() -> impl Strategy<Value = i64> {
    ts("2025-01-01T00:00:00Z")..ts("2027-06-30T00:00:00Z")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn business_time_is_additive(which in 0usize..64, a in instant(), b in instant(), c in instant()) {
        let all = tables();
        let bt = &all[which % all.len()];
        let mut v = [a, b, c];
        v.sort();
        let [a, b, c] = v;
        prop_assert_eq!(bt.between(a, c), bt.between(a, b) + bt.between(b, c));
    }

    #[test]
    fn whole_days_equal_calendar_time(a in instant(), len in 0i64..(90 * 86_400)) {
        let b = a + len;
        prop_assert_eq!(BusinessTime::always().between(a, b), len);
        // 00:00-24:00 every day in New York, across both DST changes, is calendar time
        // outside its two holidays.
        let cals = calendars();
        let mut ny = cals["ny_always"].clone();
        ny.holidays.clear();
        let (f, l) = range();
        prop_assert_eq!(BusinessTime::new(&ny, f, l).between(a, b), len);
    }

    #[test]
    fn adding_then_measuring_gives_it_back(which in 0usize..64, a in instant(), n in 0i64..(800 * 3600)) {
        let all = tables();
        let bt = &all[which % all.len()];
        let due = bt.add(a, n).unwrap();
        prop_assert_eq!(bt.between(a, due), n);
        // And it is the earliest such instant.
        if n > 0 {
            prop_assert!(bt.between(a, due - 1) < n);
        }
    }

    #[test]
    fn monotonic_in_both_ends(which in 0usize..64, a in instant(), b in instant(), d in 0i64..(30 * 86_400)) {
        let all = tables();
        let bt = &all[which % all.len()];
        prop_assert!(bt.between(a, b) <= bt.between(a, b + d));
        prop_assert!(bt.between(a, b) >= bt.between(a + d, b));
    }
}

/// The same calendar as a `workclock` schedule: one `WorkDay` rule per window and weekday, an
/// end of 24:00 written as 00:00 (workclock reads an end not after the start as the next day's),
/// and the holidays in the calendar's zone.
fn workclock_schedule(cal: &Calendar) -> Option<workclock::Schedule> {
    use jiff::civil::{date, time, Weekday};
    use workclock::{Holidays, Schedule, WorkDay};
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    let hm = |secs: u32| {
        let secs = secs % 86_400;
        time((secs / 3600) as i8, ((secs % 3600) / 60) as i8, 0, 0)
    };
    let mut b = Schedule::builder().time_zone(cal.tz.name());
    for (d, windows) in cal.week.iter().enumerate() {
        for &(s, e) in windows {
            b = b.rule(WorkDay::new(
                hm(s),
                hm(e),
                std::iter::once(days[d]).collect(),
            ));
        }
    }
    use chrono::Datelike;
    let hol: Vec<_> = cal
        .holidays
        .iter()
        .map(|h| date(h.year() as i16, h.month() as i8, h.day() as i8))
        .collect();
    if !hol.is_empty() {
        b = b.rule(Holidays::new(hol));
    }
    b.build().ok()
}

fn jiff_ts(s: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(s).unwrap()
}

#[test]
fn agrees_with_workclock_on_100k_random_intervals() {
    let cals = calendars();
    let (f, l) = range();
    let ours: Vec<(String, BusinessTime, workclock::Schedule)> = cals
        .iter()
        .filter_map(|(id, c)| {
            Some((
                id.clone(),
                BusinessTime::new(c, f, l),
                workclock_schedule(c)?,
            ))
        })
        .collect();
    // Every calendar, the built-in 24x7 included (workclock: every day 00:00-24:00 in UTC).
    assert_eq!(ours.len(), cals.len());

    // Half the instants fall within two days of a DST change in New York or Berlin.
    let dst_days = [
        "2025-03-09T07:00:00Z",
        "2025-11-02T06:00:00Z",
        "2026-03-08T07:00:00Z",
        "2026-11-01T06:00:00Z",
        "2025-03-30T01:00:00Z",
        "2025-10-26T01:00:00Z",
        "2026-03-29T01:00:00Z",
        "2026-10-25T01:00:00Z",
    ]
    .map(ts);
    let lo = ts("2025-01-01T00:00:00Z");
    let hi = ts("2027-06-30T00:00:00Z");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261122);
    let mut disagreements = Vec::new();
    let n = 100_000;
    for i in 0..n {
        let (id, bt, wc) = &ours[i % ours.len()];
        let a = if rng.random_bool(0.5) {
            dst_days[rng.random_range(0..dst_days.len())]
                + rng.random_range(-2 * 86_400..2 * 86_400)
        } else {
            rng.random_range(lo..hi)
        };
        // Short and long intervals alike: up to a day, or up to 120 days.
        let len = if rng.random_bool(0.5) {
            rng.random_range(0..86_400)
        } else {
            rng.random_range(0..120 * 86_400)
        };
        let b = a + len;
        let mine = bt.between(a, b);
        let theirs = wc.between(jiff_ts(a), jiff_ts(b)).as_secs();
        if mine != theirs {
            disagreements.push(format!(
                "{id}: between({a}, {b}) = {mine}, workclock {theirs}"
            ));
        }
        let want = rng.random_range(0..300 * 3600);
        let mine = bt.add(a, want);
        let theirs = wc
            .add(jiff_ts(a), jiff::SignedDuration::from_secs(want))
            .ok()
            .map(|t| t.as_second());
        if mine != theirs {
            disagreements.push(format!(
                "{id}: add({a}, {want}) = {mine:?}, workclock {theirs:?}"
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements with workclock, first: {:#?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(10)]
    );
}
