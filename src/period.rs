//! Reporting periods: calendar quarters in the reporting time zone (`metrics.md`, "Time,
//! periods and the as-of instant").

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use crate::model::local_to_utc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub q: u32,
}

impl Quarter {
    /// Reads `2026Q3` (any case).
    pub fn parse(s: &str) -> Option<Quarter> {
        let s = s.trim().to_ascii_uppercase();
        let (y, q) = s.split_once('Q')?;
        let year: i32 = y.parse().ok()?;
        let q: u32 = q.parse().ok()?;
        ((1..=4).contains(&q) && (1900..=9999).contains(&year)).then_some(Quarter { year, q })
    }
    pub fn containing(d: NaiveDate) -> Quarter {
        Quarter {
            year: d.year(),
            q: (d.month0() / 3) + 1,
        }
    }
    pub fn label(&self) -> String {
        format!("{}Q{}", self.year, self.q)
    }
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).unwrap()
    }
    /// The first day after the quarter.
    pub fn end_day(&self) -> NaiveDate {
        self.next().first_day()
    }
    pub fn next(&self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }
    pub fn prev(&self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }
    /// [start, end) in UTC seconds: local midnights in `tz`.
    pub fn bounds(&self, tz: &Tz) -> (i64, i64) {
        (midnight(tz, self.first_day()), midnight(tz, self.end_day()))
    }
}

pub fn midnight(tz: &Tz, d: NaiveDate) -> i64 {
    local_to_utc(tz, d.and_hms_opt(0, 0, 0).unwrap())
}

/// The local date of an instant. Instants beyond what chrono can date (about ±262,000 years)
/// are read as the nearest it can, a quarter of a millennium in: the clocks refuse such an
/// instant with a message (`clock::prepare`), and nothing here may panic before they do.
pub fn local_date(tz: &Tz, secs: i64) -> NaiveDate {
    const LIMIT: i64 = 8_000_000_000_000;
    chrono::DateTime::from_timestamp(secs.clamp(-LIMIT, LIMIT), 0)
        .expect("within chrono's range")
        .with_timezone(tz)
        .date_naive()
}

/// Edge rule 2: the last quarter that ended by as_of; if no ticket was created before the
/// quarter containing as_of, that quarter.
pub fn default_quarter(tz: &Tz, as_of: i64, earliest_ticket: Option<i64>) -> Quarter {
    let current = Quarter::containing(local_date(tz, as_of));
    let (start, _) = current.bounds(tz);
    match earliest_ticket {
        Some(t) if t < start => current.prev(),
        _ => current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_and_step() {
        let q = Quarter::parse("2026q3").unwrap();
        assert_eq!(q.label(), "2026Q3");
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.end_day(), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(Quarter::parse("2026Q1").unwrap().prev().label(), "2025Q4");
        assert_eq!(Quarter::parse("2025Q4").unwrap().next().label(), "2026Q1");
        assert!(Quarter::parse("2026Q5").is_none());
        assert!(Quarter::parse("2026-07").is_none());
    }

    #[test]
    fn default_period_is_the_last_ended_quarter() {
        let seoul = chrono_tz::Asia::Seoul;
        // as_of 2026-10-05 09:00 Seoul; tickets since 2025.
        let as_of = crate::model::parse_timestamp("2026-10-05T09:00:00+09:00", None).unwrap();
        let early = crate::model::parse_timestamp("2025-10-01T09:00:00+09:00", None).unwrap();
        assert_eq!(
            default_quarter(&seoul, as_of, Some(early)).label(),
            "2026Q3"
        );
        // Every ticket in the current quarter: that quarter.
        let late = crate::model::parse_timestamp("2026-10-01T00:00:00+09:00", None).unwrap();
        assert_eq!(default_quarter(&seoul, as_of, Some(late)).label(), "2026Q4");
        // Quarter bounds are local midnights: 2026-07-01 00:00 Seoul is 06-30 15:00 UTC.
        let (s, _) = Quarter::parse("2026Q3").unwrap().bounds(&seoul);
        assert_eq!(
            s,
            crate::model::parse_timestamp("2026-06-30T15:00:00Z", None).unwrap()
        );
    }
}
