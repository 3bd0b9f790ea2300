//! Every number of goals.toml, calendars.toml and a mapping has a range, checked where the file
//! is read (issue 15): an out-of-range value is an error (exit 2) naming the file, the key, the
//! value and the accepted range. The reproducers of the issue (`system_down_max_hours = inf`,
//! `reopen_window_days = 9223372036854775807`) are here.

mod common;

use common::*;
use slareview::import::{Mapping, MAPPING_BOUNDS};
use slareview::model::config::{parse_calendars, parse_goals, GOAL_BOUNDS};

fn goals(text: &str) -> Result<(), String> {
    let cals = parse_calendars("", "calendars.toml").unwrap();
    parse_goals(text, "goals.toml", &cals)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `[engineer] system_down_max_hours` -> `[engineer]\nsystem_down_max_hours = VALUE\n`.
fn goal_line(key: &str, value: &str) -> String {
    let (section, name) = key.split_once(' ').unwrap();
    format!("{section}\n{name} = {value}\n")
}

#[test]
fn system_down_max_hours_of_inf_is_a_range_error() {
    let err = goals("[engineer]\nsystem_down_max_hours = inf\n").unwrap_err();
    assert_eq!(
        err,
        "`goals.toml`: `[engineer] system_down_max_hours` = inf is out of range: accepted more than 0, at most 87600 hours (a finite number)"
    );
    for v in ["1e300", "nan", "-inf", "0", "-1", "87600.5"] {
        let err = goals(&format!("[engineer]\nsystem_down_max_hours = {v}\n")).unwrap_err();
        assert!(
            err.contains("`[engineer] system_down_max_hours` = "),
            "{v}: {err}"
        );
        assert!(
            err.contains("accepted more than 0, at most 87600 hours"),
            "{v}: {err}"
        );
    }
    // 1e300 is named as the file could have spelled it.
    assert!(goals("[engineer]\nsystem_down_max_hours = 1e300\n")
        .unwrap_err()
        .contains("= 1e300 is out of range"));
    // Ten years (87,600 hours) and a fraction of an hour are fine.
    goals("[engineer]\nsystem_down_max_hours = 87600\n").unwrap();
    goals("[engineer]\nsystem_down_max_hours = 0.5\n").unwrap();
}

#[test]
fn reopen_window_days_of_i64_max_is_a_range_error() {
    let err = goals("[fcr]\nreopen_window_days = 9223372036854775807\n").unwrap_err();
    assert_eq!(
        err,
        "`goals.toml`: `[fcr] reopen_window_days` = 9223372036854775807 is out of range: accepted 0 to 3650 days (a finite number)"
    );
    for v in ["-1", "3651", "-9223372036854775808"] {
        let err = goals(&format!("[fcr]\nreopen_window_days = {v}\n")).unwrap_err();
        assert!(
            err.contains(&format!("= {v} is out of range")),
            "{v}: {err}"
        );
    }
    goals("[fcr]\nreopen_window_days = 0\n").unwrap();
    goals("[fcr]\nreopen_window_days = 3650\n").unwrap();
}

#[test]
fn every_goal_is_checked_at_both_ends_of_its_range() {
    for b in GOAL_BOUNDS {
        let integer = b.key.ends_with("_days");
        let fmt = |v: f64| {
            if integer {
                format!("{}", v as i64)
            } else {
                format!("{v:?}")
            }
        };
        // The ends themselves (or just above an open minimum) are accepted.
        let low = if b.min_open {
            if integer {
                b.min + 1.0
            } else {
                b.min + 0.001
            }
        } else {
            b.min
        };
        for v in [low, b.max] {
            goals(&goal_line(b.key, &fmt(v))).unwrap_or_else(|e| panic!("{}: {e}", b.key));
        }
        // One step beyond each end is refused, naming the key and the range.
        let step = if integer { 1.0 } else { 0.001 };
        let below = if b.min_open { b.min } else { b.min - step };
        for v in [below, b.max + step] {
            let err = goals(&goal_line(b.key, &fmt(v))).unwrap_err();
            assert!(err.starts_with("`goals.toml`: "), "{err}");
            assert!(err.contains(&format!("`{}` = ", b.key)), "{err}");
            assert!(err.contains(&b.range_text()), "{err}");
        }
        if !integer {
            for v in ["inf", "-inf", "nan"] {
                let err = goals(&goal_line(b.key, v)).unwrap_err();
                assert!(err.contains("is out of range"), "{}: {err}", b.key);
            }
        }
    }
    // The percentages are 0 to 100.
    let err = goals("[csat]\nvery_satisfied_pct = 100.5\n").unwrap_err();
    assert!(
        err.contains("`[csat] very_satisfied_pct` = 100.5 is out of range: accepted 0 to 100 %"),
        "{err}"
    );
    // The spec's defaults are in range.
    goals("").unwrap();
    let sample_cals = parse_calendars(
        &std::fs::read_to_string(sample_data().join("calendars.toml")).unwrap(),
        "calendars.toml",
    )
    .unwrap();
    parse_goals(
        &std::fs::read_to_string(sample_data().join("goals.toml")).unwrap(),
        "goals.toml",
        &sample_cals,
    )
    .unwrap();
}

#[test]
fn run_with_an_infinite_goal_exits_2_naming_file_key_and_range() {
    for (goal, needle) in [
        (
            "[engineer]\nsystem_down_max_hours = inf\n",
            "error: `goals.toml`: `[engineer] system_down_max_hours` = inf is out of range: accepted more than 0, at most 87600 hours",
        ),
        (
            "[fcr]\nreopen_window_days = 9223372036854775807\n",
            "error: `goals.toml`: `[fcr] reopen_window_days` = 9223372036854775807 is out of range: accepted 0 to 3650 days",
        ),
    ] {
        let (t, data, _) = valid_folder();
        std::fs::write(data.join("goals.toml"), goal).unwrap();
        let out = t.path().join("out");
        let o = slareview(&[
            "run",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(needle), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

fn half_hours(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "\"{:02}:{:02}-{:02}:{:02}\"",
                i / 2,
                (i % 2) * 30,
                i / 2,
                (i % 2) * 30 + 10
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn calendar_windows_a_day_and_holidays_have_ranges() {
    let cal = |hours: &str, holidays: &str| {
        parse_calendars(
            &format!("[calendars.x]\ntimezone = \"UTC\"\nholidays = [{holidays}]\n[calendars.x.hours]\nmon = [{hours}]\n"),
            "calendars.toml",
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    // 48 windows of ten minutes, one every half hour (00:00-00:10, 00:30-00:40, ...): fine.
    cal(&half_hours(48), "").unwrap();
    // 49: the first 47 of those, then the last half hour split in two (23:30-23:35,
    // 23:40-23:45).
    let mut hours = half_hours(47);
    hours.push_str(", \"23:30-23:35\", \"23:40-23:45\"");
    let err = cal(&hours, "").unwrap_err();
    assert_eq!(
        err,
        "`calendars.toml`: calendar `x`: 49 windows on `mon` is out of range: accepted at most 48 a day"
    );
    // Holidays from 1900 to 2200.
    cal("\"09:00-17:00\"", "\"1900-01-01\", \"2200-12-31\"").unwrap();
    for h in ["0226-05-05", "1899-12-31", "2201-01-01"] {
        let err = cal("\"09:00-17:00\"", &format!("\"{h}\"")).unwrap_err();
        assert_eq!(
            err,
            format!("`calendars.toml`: calendar `x`: holiday `{h}` is out of range: accepted 1900-01-01 to 2200-12-31")
        );
    }
    // At most 10,000 of them.
    let many: Vec<String> = (0..10_001)
        .map(|i| {
            let d =
                chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(i);
            format!("\"{d}\"")
        })
        .collect();
    let err = cal("\"09:00-17:00\"", &many.join(", ")).unwrap_err();
    assert_eq!(
        err,
        "`calendars.toml`: calendar `x`: 10001 holidays is out of range: accepted at most 10000"
    );
    cal("\"09:00-17:00\"", &many[..10_000].join(", ")).unwrap();
}

#[test]
fn mapping_numbers_have_ranges() {
    let bundled = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/mappings/servicenow.toml"
    ))
    .unwrap();
    Mapping::load("servicenow").unwrap();
    let dir = tmp();
    let load = |from: &str, to: &str| {
        assert!(bundled.contains(from), "{from}");
        let path = dir.path().join("desk.toml");
        std::fs::write(&path, bundled.replacen(from, to, 1)).unwrap();
        Mapping::load(path.to_str().unwrap())
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    };
    let name = dir.path().join("desk.toml").display().to_string();
    for (from, to, needle) in [
        (
            "annual_fee = 60000",
            "annual_fee = -1",
            "`[contracts] annual_fee` = -1.0 is out of range: accepted 0 to 1000000000000000",
        ),
        (
            "annual_fee = 60000",
            "annual_fee = inf",
            "`[contracts] annual_fee` = inf is out of range",
        ),
        (
            "credit_cap_pct = 10",
            "credit_cap_pct = 101",
            "`[contracts] credit_cap_pct` = 101.0 is out of range: accepted 0 to 100 %",
        ),
        (
            "credit_pct_per_missed_target = 2",
            "credit_pct_per_missed_target = nan",
            "`[contracts] credit_pct_per_missed_target` = NaN is out of range",
        ),
        (
            "target_minutes = 30",
            "target_minutes = 0",
            "`[[targets]] target_minutes` = 0 is out of range: accepted 1 to 5256000 minutes",
        ),
        (
            "target_minutes = 30",
            "target_minutes = 9223372036854775807",
            "`[[targets]] target_minutes` = 9223372036854775807 is out of range",
        ),
        (
            "commitment_pct = 90",
            "commitment_pct = -5",
            "`[[targets]] commitment_pct` = -5.0 is out of range: accepted 0 to 100 %",
        ),
    ] {
        let err = load(from, to).unwrap_err();
        assert!(err.starts_with(&format!("`{name}`: ")), "{err}");
        assert!(err.contains(needle), "{to}: {err}");
    }
    // Ten years of minutes is the longest target.
    load("target_minutes = 30", "target_minutes = 5256000").unwrap();
    assert_eq!(MAPPING_BOUNDS.len(), 6);
}
