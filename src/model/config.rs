//! `calendars.toml` and `goals.toml`: their text checked and turned into plain values. Reading
//! the files is ingest's (`ingest::config`); the model does no I/O. The business-hours
//! arithmetic on calendars lives in the clock engine; this module only makes sure a calendar is
//! well formed, so that a bad one fails at ingest with its file and name.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::model::PlausibleWindow;

/// The built-in calendar: every second counts.
pub const CALENDAR_24X7: &str = "24x7";

/// One business-hours calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub id: String,
    pub tz: Tz,
    /// Local days removed whole, sorted.
    pub holidays: Vec<NaiveDate>,
    /// Monday = 0. Each day's windows as (start, end) seconds after local midnight, sorted and
    /// not overlapping; end may be 86400 (`24:00`).
    pub week: [Vec<(u32, u32)>; 7],
}

impl Calendar {
    pub fn always(tz: Tz) -> Calendar {
        Calendar {
            id: CALENDAR_24X7.to_string(),
            tz,
            holidays: Vec::new(),
            week: std::array::from_fn(|_| vec![(0, 86_400)]),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarsFile {
    #[serde(default)]
    calendars: BTreeMap<String, CalendarDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarDef {
    timezone: String,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    hours: BTreeMap<String, Vec<String>>,
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A configuration file (`goals.toml`, `calendars.toml`, a mapping) that does not say what the
/// spec allows: the file, what is wrong (naming the key or calendar), and how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("`{file}`: {message}")]
pub struct ConfigError {
    pub file: String,
    pub message: String,
    pub hint: &'static str,
}

impl crate::error::Hint for ConfigError {
    fn hint(&self) -> Option<String> {
        Some(self.hint.to_string())
    }
}

pub(crate) fn config_err(file: &str, message: String, hint: &'static str) -> ConfigError {
    ConfigError {
        file: file.to_string(),
        message,
        hint,
    }
}

/// The accepted range of one number of a configuration file (`goals.toml`, `calendars.toml`, a
/// mapping): finite, at least `min` (more than `min` when `min_open`), at most `max`. Every
/// number a configuration file holds is checked against one of these where the file is read,
/// so that nothing later (the clocks' arithmetic above all) sees an infinite, negative or
/// absurdly large value. docs/decisions.md ("Ranges of configuration values") lists them.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// As the message names it: `[engineer] system_down_max_hours`.
    pub key: &'static str,
    pub min: f64,
    pub min_open: bool,
    pub max: f64,
    /// What the number counts, for the message (`hours`, `%`).
    pub unit: &'static str,
}

impl Bound {
    pub const fn closed(key: &'static str, min: f64, max: f64, unit: &'static str) -> Bound {
        Bound {
            key,
            min,
            min_open: false,
            max,
            unit,
        }
    }
    /// More than `min` (a duration that must be positive), at most `max`.
    pub const fn positive(key: &'static str, max: f64, unit: &'static str) -> Bound {
        Bound {
            key,
            min: 0.0,
            min_open: true,
            max,
            unit,
        }
    }
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && (if self.min_open {
                v > self.min
            } else {
                v >= self.min
            })
            && v <= self.max
    }
    /// `0 to 100 %`, `more than 0, at most 87600 hours`.
    pub fn range_text(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        if self.min_open {
            format!("more than {}, at most {}{unit}", self.min, self.max)
        } else {
            format!("{} to {}{unit}", self.min, self.max)
        }
    }
    /// The error for `value` (as the file spelled it, or near enough) out of this range.
    pub fn error(&self, file: &str, value: &dyn std::fmt::Debug) -> ConfigError {
        config_err(
            file,
            format!(
                "`{}` = {value:?} is out of range: accepted {} (a finite number)",
                self.key,
                self.range_text()
            ),
            "correct the value; docs/decisions.md (\"Ranges of configuration values\") lists every key and its range",
        )
    }
    pub fn check(&self, file: &str, v: f64) -> Result<(), ConfigError> {
        if self.contains(v) {
            Ok(())
        } else {
            Err(self.error(file, &v))
        }
    }
    /// An integer value: compared exactly (no rounding through f64 near the limits).
    pub fn check_int(&self, file: &str, v: i128) -> Result<(), ConfigError> {
        // The bounds are whole numbers well inside f64's exact integers.
        let (min, max) = (self.min as i128, self.max as i128);
        let ok = if self.min_open { v > min } else { v >= min } && v <= max;
        if ok {
            Ok(())
        } else {
            Err(self.error(file, &v))
        }
    }
}

/// Ten years, the longest duration any setting may hold.
pub const TEN_YEARS_DAYS: f64 = 3650.0;

/// The ranges of `goals.toml`. Percentages are 0..=100; the engineer goals are rates and
/// averages of tickets or articles, at least 0 and at most a bound no team reaches (a million
/// tickets held on average, ten thousand solved a day or articles a week); durations are
/// positive and at most ten years.
pub const GOAL_BOUNDS: [Bound; 9] = [
    Bound::closed("[csat] satisfied_or_better_pct", 0.0, 100.0, "%"),
    Bound::closed("[csat] very_satisfied_pct", 0.0, 100.0, "%"),
    Bound::closed("[sla] first_response_met_pct", 0.0, 100.0, "%"),
    Bound::closed("[sla] update_met_pct", 0.0, 100.0, "%"),
    Bound::closed("[engineer] max_avg_backlog", 0.0, 1_000_000.0, "tickets"),
    Bound::closed(
        "[engineer] min_solved_per_working_day",
        0.0,
        10_000.0,
        "tickets a day",
    ),
    Bound::positive(
        "[engineer] system_down_max_hours",
        TEN_YEARS_DAYS * 24.0,
        "hours",
    ),
    Bound::closed(
        "[engineer] min_kb_articles_per_week",
        0.0,
        10_000.0,
        "articles a week",
    ),
    // 0 is allowed: only a reopen at the very instant of the solve is "within" the window.
    Bound::closed("[fcr] reopen_window_days", 0.0, TEN_YEARS_DAYS, "days"),
];

/// Windows a calendar may have on one day: every half hour of the day as a window of its own
/// (48) is the finest pattern accepted. The clocks' tables grow with this number, so it is
/// bounded here rather than left to the file.
pub const MAX_WINDOWS_PER_DAY: usize = 48;
/// Holidays a calendar may list: 100 a year for a century.
pub const MAX_HOLIDAYS: usize = 10_000;
/// Holidays must fall in these years: a date outside is a typo (`0226-05-05`), not a holiday.
pub const HOLIDAY_YEARS: (i32, i32) = (1900, 2200);

/// Reads `HH:MM` (00:00..24:00) into seconds after midnight.
fn parse_clock_time(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 3600 + m * 60)
}

/// Parses the text of `calendars.toml`. The built-in `24x7` is always present.
pub fn parse_calendars(text: &str, file: &str) -> Result<BTreeMap<String, Calendar>, ConfigError> {
    let parsed: CalendarsFile = toml::from_str(text).map_err(|e| {
        config_err(
            file,
            e.to_string(),
            "see shared/spec/inputs.md (calendars.toml) for the layout",
        )
    })?;
    let mut out = BTreeMap::new();
    for (id, def) in parsed.calendars {
        if id == CALENDAR_24X7 {
            return Err(config_err(
                file,
                "calendar `24x7` is built in and cannot be redefined".into(),
                "give your calendar another name",
            ));
        }
        let tz: Tz = def.timezone.parse().map_err(|_| {
            config_err(
                file,
                format!("calendar `{id}`: unknown time zone `{}`", def.timezone),
                "use an IANA zone name such as `Asia/Seoul` or `America/New_York`",
            )
        })?;
        if def.holidays.len() > MAX_HOLIDAYS {
            return Err(config_err(
                file,
                format!(
                    "calendar `{id}`: {} holidays is out of range: accepted at most {MAX_HOLIDAYS}",
                    def.holidays.len()
                ),
                "list the holidays of the years the data covers",
            ));
        }
        let mut holidays = Vec::new();
        for h in &def.holidays {
            let d = NaiveDate::parse_from_str(h.trim(), "%Y-%m-%d").map_err(|_| {
                config_err(
                    file,
                    format!("calendar `{id}`: holiday `{h}` is not a date"),
                    "write holidays as YYYY-MM-DD",
                )
            })?;
            if !(HOLIDAY_YEARS.0..=HOLIDAY_YEARS.1).contains(&d.year()) {
                return Err(config_err(
                    file,
                    format!(
                        "calendar `{id}`: holiday `{h}` is out of range: accepted {}-01-01 to {}-12-31",
                        HOLIDAY_YEARS.0, HOLIDAY_YEARS.1
                    ),
                    "check the year of the date",
                ));
            }
            holidays.push(d);
        }
        holidays.sort();
        holidays.dedup();
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        for (day, windows) in &def.hours {
            let Some(idx) = DAYS
                .iter()
                .position(|d| *d == day.trim().to_ascii_lowercase())
            else {
                return Err(config_err(
                    file,
                    format!("calendar `{id}`: unknown day `{day}` in hours"),
                    "days are mon, tue, wed, thu, fri, sat, sun",
                ));
            };
            if windows.len() > MAX_WINDOWS_PER_DAY {
                return Err(config_err(
                    file,
                    format!(
                        "calendar `{id}`: {} windows on `{day}` is out of range: accepted at most {MAX_WINDOWS_PER_DAY} a day",
                        windows.len()
                    ),
                    "merge adjacent windows: windows that touch (09:00-09:30, 09:30-10:00) are one window (09:00-10:00)",
                ));
            }
            for w in windows {
                let parsed = w
                    .split_once('-')
                    .and_then(|(a, b)| Some((parse_clock_time(a)?, parse_clock_time(b)?)));
                match parsed {
                    Some((a, b)) if b > a && a < 86_400 => week[idx].push((a, b)),
                    _ => {
                        return Err(config_err(
                            file,
                            format!("calendar `{id}`: window `{w}` on `{day}` is not HH:MM-HH:MM with the end after the start"),
                            "a window may not cross midnight: write an overnight shift as two windows on two days",
                        ))
                    }
                }
            }
            week[idx].sort();
            for pair in week[idx].windows(2) {
                if pair[1].0 < pair[0].1 {
                    return Err(config_err(
                        file,
                        format!("calendar `{id}`: windows on `{day}` overlap"),
                        "merge the overlapping windows into one",
                    ));
                }
            }
        }
        out.insert(
            id.clone(),
            Calendar {
                id,
                tz,
                holidays,
                week,
            },
        );
    }
    out.insert(CALENDAR_24X7.to_string(), Calendar::always(chrono_tz::UTC));
    Ok(out)
}

/// The team's goals (`goals.toml`); every field has the spec's default.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Goals {
    pub reporting_timezone: String,
    pub team_calendar: Option<String>,
    /// The documents' language (`ko`, `en`, `zh`: review.md): the team review, the portfolio
    /// and the summary, and each customer review whose contract names none. Default `en`.
    pub language: Option<String>,
    pub csat: CsatGoals,
    pub sla: SlaGoals,
    pub engineer: EngineerGoals,
    pub fcr: FcrGoals,
    pub data: DataGoals,
}

/// `[data]`: the plausibility window of instants and dates in the exports (see
/// `model::PlausibleWindow`), as dates `YYYY-MM-DD`: from `plausible_from` (included) to
/// `plausible_until` (excluded).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataGoals {
    pub plausible_from: String,
    pub plausible_until: String,
}

impl Default for DataGoals {
    fn default() -> Self {
        DataGoals {
            plausible_from: PlausibleWindow::DEFAULT_FROM.into(),
            plausible_until: PlausibleWindow::DEFAULT_UNTIL.into(),
        }
    }
}

impl DataGoals {
    /// The window, or why the two keys do not make one (the message names the key).
    pub fn window(&self) -> Result<PlausibleWindow, String> {
        let day = |key: &str, v: &str| {
            crate::model::parse_date(v)
                .filter(|_| v.trim().len() == 10)
                .ok_or_else(|| format!("[data] {key} = \"{v}\" is not a date (YYYY-MM-DD)"))
        };
        let from = day("plausible_from", &self.plausible_from)?;
        let until = day("plausible_until", &self.plausible_until)?;
        PlausibleWindow::new(from, until).ok_or_else(|| {
            format!(
                "[data] plausible_from ({}) must be before plausible_until ({})",
                self.plausible_from.trim(),
                self.plausible_until.trim()
            )
        })
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CsatGoals {
    pub satisfied_or_better_pct: f64,
    pub very_satisfied_pct: f64,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlaGoals {
    pub first_response_met_pct: f64,
    pub update_met_pct: f64,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineerGoals {
    pub max_avg_backlog: f64,
    pub min_solved_per_working_day: f64,
    pub system_down_max_hours: f64,
    pub min_kb_articles_per_week: f64,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FcrGoals {
    pub reopen_window_days: i64,
}

impl Default for Goals {
    fn default() -> Self {
        Goals {
            reporting_timezone: "Asia/Seoul".into(),
            team_calendar: None,
            language: None,
            csat: CsatGoals::default(),
            sla: SlaGoals::default(),
            engineer: EngineerGoals::default(),
            fcr: FcrGoals::default(),
            data: DataGoals::default(),
        }
    }
}
impl Default for CsatGoals {
    fn default() -> Self {
        CsatGoals {
            satisfied_or_better_pct: 96.0,
            very_satisfied_pct: 86.0,
        }
    }
}
impl Default for SlaGoals {
    fn default() -> Self {
        SlaGoals {
            first_response_met_pct: 96.0,
            update_met_pct: 86.0,
        }
    }
}
impl Default for EngineerGoals {
    fn default() -> Self {
        EngineerGoals {
            max_avg_backlog: 25.0,
            min_solved_per_working_day: 1.5,
            system_down_max_hours: 48.0,
            min_kb_articles_per_week: 3.0,
        }
    }
}
impl Default for FcrGoals {
    fn default() -> Self {
        FcrGoals {
            reopen_window_days: 7,
        }
    }
}

impl Goals {
    /// Every number against its range (`GOAL_BOUNDS`): the first out of range is the error.
    pub fn check_ranges(&self, file: &str) -> Result<(), ConfigError> {
        let [sat, very, first, update, backlog, solved, down, kb, reopen] = &GOAL_BOUNDS;
        sat.check(file, self.csat.satisfied_or_better_pct)?;
        very.check(file, self.csat.very_satisfied_pct)?;
        first.check(file, self.sla.first_response_met_pct)?;
        update.check(file, self.sla.update_met_pct)?;
        backlog.check(file, self.engineer.max_avg_backlog)?;
        solved.check(file, self.engineer.min_solved_per_working_day)?;
        down.check(file, self.engineer.system_down_max_hours)?;
        kb.check(file, self.engineer.min_kb_articles_per_week)?;
        reopen.check_int(file, self.fcr.reopen_window_days as i128)?;
        Ok(())
    }

    /// `system_down_max_hours` in seconds. In range (`GOAL_BOUNDS`) it is at most ten years;
    /// out of range (a `Goals` built in code) the conversion saturates rather than wraps.
    pub fn system_down_target_seconds(&self) -> i64 {
        let s = (self.engineer.system_down_max_hours * 3600.0).round();
        if s.is_nan() {
            0
        } else {
            // `as` saturates at the ends of i64.
            s as i64
        }
    }

    /// `reopen_window_days` in seconds, saturating.
    pub fn reopen_window_seconds(&self) -> i64 {
        self.fcr.reopen_window_days.saturating_mul(86_400)
    }

    pub fn reporting_tz(&self) -> Tz {
        self.reporting_timezone
            .parse()
            .unwrap_or(chrono_tz::Asia::Seoul)
    }
}

pub fn parse_goals(
    text: &str,
    file: &str,
    calendars: &BTreeMap<String, Calendar>,
) -> Result<Goals, ConfigError> {
    let goals: Goals = toml::from_str(text).map_err(|e| {
        config_err(
            file,
            e.to_string(),
            "see shared/spec/inputs.md (goals.toml) for the keys and defaults",
        )
    })?;
    if let Err(message) = goals.data.window() {
        return Err(config_err(
            file,
            message,
            "write both as dates, e.g. plausible_from = \"1990-01-01\" and plausible_until = \"2100-01-01\"; a value outside the window is a reject",
        ));
    }
    if goals.reporting_timezone.parse::<Tz>().is_err() {
        return Err(config_err(
            file,
            format!("unknown reporting_timezone `{}`", goals.reporting_timezone),
            "use an IANA zone name such as `Asia/Seoul`",
        ));
    }
    goals.check_ranges(file)?;
    if let Some(lang) = &goals.language {
        if crate::model::parse_doc_language(lang).is_none() {
            return Err(config_err(
                file,
                format!("unknown language `{lang}`"),
                "write language = \"ko\", \"en\" or \"zh\", or remove the key (default en)",
            ));
        }
    }
    if let Some(cal) = &goals.team_calendar {
        if !calendars.contains_key(cal) {
            return Err(config_err(
                file,
                format!("team_calendar `{cal}` is not defined in calendars.toml"),
                "define it under [calendars.NAME] or remove team_calendar",
            ));
        }
    }
    Ok(goals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Hint;

    #[test]
    fn calendar_windows_are_checked() {
        let ok = r#"
[calendars.seoul]
timezone = "Asia/Seoul"
holidays = ["2026-02-17"]
[calendars.seoul.hours]
mon = ["13:00-18:00", "09:00-12:00"]
sun = ["00:00-24:00"]
"#;
        let cals = parse_calendars(ok, "calendars.toml").unwrap();
        let c = &cals["seoul"];
        assert_eq!(
            c.week[0],
            vec![(9 * 3600, 12 * 3600), (13 * 3600, 18 * 3600)]
        );
        assert_eq!(c.week[6], vec![(0, 86_400)]);
        assert!(cals.contains_key("24x7"));

        for (bad, needle) in [
            ("mon = [\"18:00-09:00\"]", "is not HH:MM-HH:MM"),
            ("mon = [\"09:00-12:00\", \"11:00-13:00\"]", "overlap"),
            ("funday = [\"09:00-12:00\"]", "unknown day"),
            ("mon = [\"09:00-24:30\"]", "is not HH:MM-HH:MM"),
        ] {
            let text = format!("[calendars.x]\ntimezone = \"UTC\"\n[calendars.x.hours]\n{bad}\n");
            let err = parse_calendars(&text, "calendars.toml")
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{bad}: {err}");
        }
        let err = parse_calendars(
            "[calendars.x]\ntimezone = \"Mars/Base\"\n",
            "calendars.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown time zone `Mars/Base`"), "{err}");
    }

    #[test]
    fn goals_default_to_the_spec() {
        let cals = parse_calendars("", "calendars.toml").unwrap();
        let g = parse_goals("", "goals.toml", &cals).unwrap();
        assert_eq!(g.reporting_timezone, "Asia/Seoul");
        assert_eq!(g.csat.satisfied_or_better_pct, 96.0);
        assert_eq!(g.csat.very_satisfied_pct, 86.0);
        assert_eq!(g.sla.first_response_met_pct, 96.0);
        assert_eq!(g.sla.update_met_pct, 86.0);
        assert_eq!(g.engineer.max_avg_backlog, 25.0);
        assert_eq!(g.engineer.min_solved_per_working_day, 1.5);
        assert_eq!(g.engineer.system_down_max_hours, 48.0);
        assert_eq!(g.engineer.min_kb_articles_per_week, 3.0);
        assert_eq!(g.fcr.reopen_window_days, 7);
        assert_eq!(
            g.data.window(),
            Ok(crate::model::PlausibleWindow::default())
        );
        let g = parse_goals("[csat]\nvery_satisfied_pct = 90\n", "goals.toml", &cals).unwrap();
        assert_eq!(g.csat.very_satisfied_pct, 90.0);
        assert_eq!(g.csat.satisfied_or_better_pct, 96.0);
    }

    #[test]
    fn plausibility_window_is_read_from_goals_and_checked() {
        let cals = parse_calendars("", "calendars.toml").unwrap();
        let g = parse_goals(
            "[data]\nplausible_from = \"2000-01-01\"\nplausible_until = \"2030-06-30\"\n",
            "goals.toml",
            &cals,
        )
        .unwrap();
        let w = g.data.window().unwrap();
        assert_eq!(
            w.describe(),
            "2000-01-01 (included) to 2030-06-30 (excluded)"
        );
        for (text, needle) in [
            (
                "[data]\nplausible_from = \"1990-13-01\"\n",
                "`goals.toml`: [data] plausible_from = \"1990-13-01\" is not a date (YYYY-MM-DD)",
            ),
            (
                "[data]\nplausible_until = \"soon\"\n",
                "`goals.toml`: [data] plausible_until = \"soon\" is not a date",
            ),
            (
                "[data]\nplausible_from = \"2100-01-01\"\n",
                "`goals.toml`: [data] plausible_from (2100-01-01) must be before plausible_until (2100-01-01)",
            ),
            ("[data]\nplausible_after = \"2000-01-01\"\n", "plausible_after"),
        ] {
            let err = parse_goals(text, "goals.toml", &cals).unwrap_err();
            assert!(err.to_string().contains(needle), "{text}: {err}");
            assert!(err.hint().is_some(), "{text}");
        }
    }
}
