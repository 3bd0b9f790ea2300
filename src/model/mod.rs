//! The canonical tables of `shared/spec/inputs.md`: their enums, how export spellings map onto them,
//! and how timestamps and dates are read. No I/O here: every function is pure, so the rules that
//! decide whether a row is accepted can be tested one by one.

pub mod config;
pub mod schema;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Ticket priority. `P1` is the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];

    /// Reads `P1`..`P4`, `1`..`4`, `urgent/high/normal/low` and `critical` (= P1), any case.
    pub fn parse(s: &str) -> Option<Priority> {
        const NAMES: [(&str, Priority); 11] = [
            ("p1", Priority::P1),
            ("p2", Priority::P2),
            ("p3", Priority::P3),
            ("p4", Priority::P4),
            ("1", Priority::P1),
            ("2", Priority::P2),
            ("3", Priority::P3),
            ("4", Priority::P4),
            ("urgent", Priority::P1),
            ("high", Priority::P2),
            ("normal", Priority::P3),
        ];
        let s = s.trim();
        NAMES
            .iter()
            .chain(&[("low", Priority::P4), ("critical", Priority::P1)])
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, p)| *p)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }
}

/// Ticket status, as the activity log and the ticket export spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    New,
    Open,
    Pending,
    OnHold,
    Solved,
    Closed,
}

impl Status {
    /// Reads the six statuses, any case; `on hold`, `on-hold` and `hold` are `on_hold`.
    pub fn parse(s: &str) -> Option<Status> {
        const NAMES: [(&str, Status); 9] = [
            ("new", Status::New),
            ("open", Status::Open),
            ("pending", Status::Pending),
            ("on_hold", Status::OnHold),
            ("on hold", Status::OnHold),
            ("on-hold", Status::OnHold),
            ("hold", Status::OnHold),
            ("solved", Status::Solved),
            ("closed", Status::Closed),
        ];
        let s = s.trim();
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, st)| *st)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::OnHold => "on_hold",
            Status::Solved => "solved",
            Status::Closed => "closed",
        }
    }

    /// The three classes of `metrics.md` ("Status over time").
    pub fn is_active(self) -> bool {
        matches!(self, Status::New | Status::Open)
    }
    pub fn is_paused(self) -> bool {
        matches!(self, Status::Pending | Status::OnHold)
    }
    pub fn is_done(self) -> bool {
        matches!(self, Status::Solved | Status::Closed)
    }
}

/// `system_down` or `normal`; the seed wording `system down` / `system up` is accepted too.
pub fn parse_severity(s: &str) -> Option<&'static str> {
    const NAMES: [(&str, &str); 6] = [
        ("system_down", "system_down"),
        ("system down", "system_down"),
        ("system-down", "system_down"),
        ("normal", "normal"),
        ("system_up", "normal"),
        ("system up", "normal"),
    ];
    let s = s.trim();
    NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(s))
        .map(|(_, v)| *v)
}

/// The kinds of `ticket_events`.
pub fn parse_event_kind(s: &str) -> Option<&'static str> {
    let s = s.trim();
    const KINDS: [&str; 7] = [
        "agent_reply",
        "customer_reply",
        "internal_note",
        "status",
        "assign",
        "priority",
        // review.md: neither a reply nor a status change; no clock starts or stops on it.
        "escalate",
    ];
    KINDS.iter().copied().find(|k| k.eq_ignore_ascii_case(s))
}

/// Survey rating 1..5, or its label.
pub fn parse_rating(s: &str) -> Option<i64> {
    let norm = s.trim().to_ascii_lowercase().replace(['-', '_'], " ");
    let r = match norm.as_str() {
        "1" | "very dissatisfied" => 1,
        "2" | "dissatisfied" => 2,
        "3" | "neutral" => 3,
        "4" | "satisfied" => 4,
        "5" | "very satisfied" => 5,
        _ => return None,
    };
    Some(r)
}

pub fn parse_metric(s: &str) -> Option<&'static str> {
    let s = s.trim();
    ["first_response", "update", "resolution"]
        .into_iter()
        .find(|m| m.eq_ignore_ascii_case(s))
}

pub fn parse_clock(s: &str) -> Option<&'static str> {
    let s = s.trim();
    ["business", "calendar"]
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(s))
}

fn one_of(s: &str, known: &[&'static str]) -> Option<&'static str> {
    let s = s.trim();
    known.iter().copied().find(|k| k.eq_ignore_ascii_case(s))
}

/// A contract's document language (review.md): `ko`, `en` or `zh`.
pub fn parse_doc_language(s: &str) -> Option<&'static str> {
    one_of(s, &["ko", "en", "zh"])
}

/// A maintenance record's kind (review.md).
pub fn parse_maintenance_kind(s: &str) -> Option<&'static str> {
    one_of(
        s,
        &["inspection", "security_patch", "upgrade", "optimization"],
    )
}

/// What a waiver covers (review.md): one metric, `system_down`, or `all` of them.
pub fn parse_waiver_metric(s: &str) -> Option<&'static str> {
    one_of(
        s,
        &[
            "first_response",
            "update",
            "resolution",
            "system_down",
            "all",
        ],
    )
}

/// A quarter written `2026Q2` (a lower-case `q` too): its year and number 1..=4.
pub fn parse_quarter(s: &str) -> Option<(i32, u32)> {
    let b = s.as_bytes();
    if b.len() != 6 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'Q' | b'q') {
        return None;
    }
    let q = (b[5] as char)
        .to_digit(10)
        .filter(|q| (1..=4).contains(q))?;
    Some((s[..4].parse().ok()?, q))
}

/// A well-formed BCP 47 language tag (RFC 5646 syntax, not the registry): a primary language
/// subtag of 2 to 8 letters (or `x`/`i` for private use and grandfathered tags), then subtags of
/// 1 to 8 letters or digits separated by `-`; at most 63 characters. Returned in its
/// conventional case (`ko`, `en-US`, `zh-Hant-TW`), borrowed when already so.
pub fn parse_language_tag(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    if s.is_empty() || s.len() > 63 || !s.is_ascii() {
        return None;
    }
    let mut canonical = String::with_capacity(s.len());
    for (i, sub) in s.split('-').enumerate() {
        let ok = !sub.is_empty()
            && sub.len() <= 8
            && if i == 0 {
                sub.bytes().all(|b| b.is_ascii_alphabetic())
                    && (sub.len() >= 2
                        || sub.eq_ignore_ascii_case("x")
                        || sub.eq_ignore_ascii_case("i"))
            } else {
                sub.bytes().all(|b| b.is_ascii_alphanumeric())
            };
        if !ok {
            return None;
        }
        if i > 0 {
            canonical.push('-');
        }
        let letters = sub.bytes().all(|b| b.is_ascii_alphabetic());
        if i > 0 && sub.len() == 2 && letters {
            canonical.push_str(&sub.to_ascii_uppercase()); // region
        } else if i > 0 && sub.len() == 4 && letters {
            canonical.push_str(&sub[..1].to_ascii_uppercase()); // script
            canonical.push_str(&sub[1..].to_ascii_lowercase());
        } else {
            canonical.push_str(&sub.to_ascii_lowercase());
        }
    }
    Some(if canonical == s {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(canonical)
    })
}

/// An action's owner (review.md): `vendor` or `customer`, optionally followed by a name after a
/// space, `:`, `-`, `(` or `,` (`vendor: Kim`, `customer (IT team)`).
pub fn is_owner(s: &str) -> bool {
    ["vendor", "customer"].iter().any(|side| {
        s.len() >= side.len()
            && s.is_char_boundary(side.len())
            && s[..side.len()].eq_ignore_ascii_case(side)
            && s[side.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || matches!(c, ':' | '-' | '(' | ','))
    })
}

/// Why a timestamp cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampError {
    /// A date and time without `Z` or an offset, and no `--assume-tz`.
    NoOffset,
    /// Not a timestamp at all.
    Invalid,
}

/// Reads an RFC 3339 timestamp into seconds since the Unix epoch (UTC), truncating fractions.
///
/// A `T` or a space may separate date and time. Without an offset the value is read in
/// `assume_tz` when given (an ambiguous time takes the earlier occurrence, a time in a DST gap is
/// moved forward by the gap, as `metrics.md` reads window edges), and is an error otherwise.
pub fn parse_timestamp(s: &str, assume_tz: Option<Tz>) -> Result<i64, TimestampError> {
    let s = s.trim();
    if let Some(t) = fast_rfc3339(s.as_bytes()) {
        return Ok(t);
    }
    if s.len() < 19 || !s.is_char_boundary(10) || !s.is_char_boundary(11) {
        return Err(TimestampError::Invalid);
    }
    let sep = s.as_bytes()[10];
    if !matches!(sep, b'T' | b't' | b' ') {
        return Err(TimestampError::Invalid);
    }
    let normalized;
    let candidate = if sep == b'T' {
        s
    } else {
        normalized = format!("{}T{}", &s[..10], &s[11..]);
        normalized.as_str()
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(candidate) {
        return Ok(dt.timestamp());
    }
    // No offset? Then it must be a plain local date-time.
    let naive = NaiveDateTime::parse_from_str(candidate, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(candidate, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| TimestampError::Invalid)?;
    match assume_tz {
        None => Err(TimestampError::NoOffset),
        Some(tz) => Ok(local_to_utc(&tz, naive)),
    }
}

/// The shape nearly every export uses, `YYYY-MM-DDTHH:MM:SS` then `Z` or `+HH:MM`, read without
/// allocation (ingest reads tens of millions of these). Anything else, fractions included, is
/// left to chrono; a test checks both paths agree.
fn fast_rfc3339(b: &[u8]) -> Option<i64> {
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as i64;
        }
        Some(v)
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (h, mi, sec) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let offset = match &b[19..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (digits(20..22)?, digits(23..25)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    // Leap seconds (:60) and impossible dates go to chrono, which rejects or handles them.
    if !(1..=12).contains(&mo) || d < 1 || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match mo {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if d > month_days {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Days since 1970-01-01 of a valid proleptic Gregorian date (H. Hinnant's `days_from_civil`),
/// arithmetic only: the fast timestamp path reads tens of millions of dates.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Local wall time in `tz` to UTC seconds: the earlier occurrence when ambiguous, and a time in a
/// DST gap read with the offset in force before the gap (so it moves forward by the gap).
pub fn local_to_utc(tz: &Tz, naive: NaiveDateTime) -> i64 {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => dt.timestamp(),
        LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
        LocalResult::None => {
            // The offset before the gap is the one in force an instant earlier; zones never
            // jump by more than a day, so 24 hours back is safely before the gap.
            let before = naive - chrono::Duration::hours(24);
            let offset = match tz.from_local_datetime(&before) {
                LocalResult::Single(dt) => dt.offset().fix(),
                LocalResult::Ambiguous(a, _) => a.offset().fix(),
                LocalResult::None => chrono::FixedOffset::east_opt(0).unwrap(),
            };
            naive.and_utc().timestamp() - offset.local_minus_utc() as i64
        }
    }
}

use chrono::Offset;

/// Reads `YYYY-MM-DD` into days since the Unix epoch.
pub fn parse_date(s: &str) -> Option<i32> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    Some(days_from_epoch(d))
}

pub fn days_from_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

pub fn date_from_days(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days as i64)
}

/// A rate or percentage from the inputs as written there: `5`, `2.5`, `99.9` (at most two
/// decimals, no trailing zeros). The documents write these figures so, and `import` writes them
/// into the files it makes.
pub fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// Seconds since the epoch as RFC 3339 in UTC (`2026-07-01T00:30:00Z`).
pub fn format_utc(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| secs.to_string())
}

/// The span of instants and dates data may hold: from `from_day` (included) to `until_day`
/// (excluded), days since the epoch; the edges of instants are those days' UTC midnights.
/// Outside it a cell is a reject: a placeholder such as `9999-12-31` or `1900-01-01`, or a typo
/// in a year, would otherwise become as_of or stretch every clock over centuries. Set in
/// goals.toml (`[data] plausible_from`, `plausible_until`); checked as two integer comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlausibleWindow {
    pub from_day: i32,
    pub until_day: i32,
    from_secs: i64,
    until_secs: i64,
}

impl PlausibleWindow {
    pub const DEFAULT_FROM: &'static str = "1990-01-01";
    pub const DEFAULT_UNTIL: &'static str = "2100-01-01";

    /// The window `[from_day, until_day)`; `None` unless `from_day < until_day`.
    pub fn new(from_day: i32, until_day: i32) -> Option<PlausibleWindow> {
        (from_day < until_day).then_some(PlausibleWindow {
            from_day,
            until_day,
            from_secs: from_day as i64 * 86_400,
            until_secs: until_day as i64 * 86_400,
        })
    }
    /// Whether an instant (UTC seconds) is inside.
    #[inline]
    pub fn holds_instant(&self, secs: i64) -> bool {
        secs >= self.from_secs && secs < self.until_secs
    }
    /// Whether a date (days since the epoch) is inside.
    #[inline]
    pub fn holds_date(&self, day: i32) -> bool {
        day >= self.from_day && day < self.until_day
    }
    /// `1990-01-01 (included) to 2100-01-01 (excluded)`.
    pub fn describe(&self) -> String {
        format!(
            "{} (included) to {} (excluded)",
            date_from_days(self.from_day),
            date_from_days(self.until_day)
        )
    }
}

impl Default for PlausibleWindow {
    fn default() -> Self {
        let day = |s| parse_date(s).expect("a valid default date");
        PlausibleWindow::new(day(Self::DEFAULT_FROM), day(Self::DEFAULT_UNTIL))
            .expect("the default window is not empty")
    }
}

/// The first character of an identifier that cannot be seen or that changes how the text
/// around it is shown: a control character (C0, DEL, C1: NUL, tab, line breaks...), a
/// bidirectional mark, embedding, override or isolate (U+200E, U+200F, U+061C,
/// U+202A..U+202E, U+2066..U+2069), a zero-width character (U+200B..U+200D, U+2060, U+FEFF)
/// or any other character the documents show as its code point (`is_invisible`). Two ids that look the same could then be different ids, and one could make a
/// document read differently from what it says. The usual id (printable ASCII) is decided by
/// its bytes alone.
#[inline]
pub fn hidden_char(s: &str) -> Option<char> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    s.chars().find(|&c| is_hidden(c))
}

/// See `hidden_char`: every control character (tab and line breaks too: an id holds none) and
/// every character a document would show as its code point (`is_invisible`).
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Whether a character must not reach a document as it is: it is invisible or it changes how
/// the text around it is shown. These are the control characters (Unicode category Cc: C0,
/// DEL, C1) except tab, line feed and carriage return (plain whitespace in HTML, SVG and
/// Markdown); every format character (category Cf: the bidirectional embeddings, overrides,
/// isolates and marks U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C, the zero-width
/// U+200B..U+200D, U+2060, U+FEFF, the soft hyphen, the invisible operators, the tags
/// U+E0000..U+E007F, ...); and the line and paragraph separators U+2028, U+2029.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{B}'
            | '\u{C}'
            | '\u{E}'..='\u{1F}'
            | '\u{7F}'..='\u{9F}'
            // Cf, as of Unicode 15.1.
            | '\u{AD}'
            | '\u{600}'..='\u{605}'
            | '\u{61C}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
            // Zl, Zp.
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `U+202E (RIGHT-TO-LEFT OVERRIDE)`: a hidden character named so a person can find it.
pub fn name_char(c: char) -> String {
    let name = match c {
        '\0' => "NUL",
        '\t' => "TAB",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        c if c.is_control() => "a control character",
        _ => return format!("U+{:04X}", c as u32),
    };
    format!("U+{:04X} ({name})", c as u32)
}

/// `s` with every hidden character (see `hidden_char`) written as `⟨U+XXXX⟩`, as the documents
/// show them, so that a value shown back to a person (a reject's value) says what it holds.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    show_chars(s, is_hidden)
}

/// `s` with every character `shown` picks written as its code point, `⟨U+202E⟩`.
pub fn show_chars(s: &str, shown: fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(shown) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        push_shown(&mut out, c, shown);
    }
    std::borrow::Cow::Owned(out)
}

/// Pushes `c`, or its code point `⟨U+XXXX⟩` when `shown` picks it.
pub fn push_shown(out: &mut String, c: char, shown: fn(char) -> bool) {
    if shown(c) {
        use std::fmt::Write;
        let _ = write!(out, "⟨U+{:04X}⟩", c as u32);
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_and_their_aliases() {
        for (s, p) in [
            ("P1", Priority::P1),
            ("p2", Priority::P2),
            ("3", Priority::P3),
            ("Low", Priority::P4),
            ("urgent", Priority::P1),
            ("CRITICAL", Priority::P1),
            ("high", Priority::P2),
            ("normal", Priority::P3),
        ] {
            assert_eq!(Priority::parse(s), Some(p), "{s}");
        }
        assert_eq!(Priority::parse("P5"), None);
        assert_eq!(Priority::parse(""), None);
    }

    #[test]
    fn statuses_and_classes() {
        assert_eq!(Status::parse("On Hold"), Some(Status::OnHold));
        assert_eq!(Status::parse("on-hold"), Some(Status::OnHold));
        assert_eq!(Status::parse("SOLVED"), Some(Status::Solved));
        assert_eq!(Status::parse("waiting"), None);
        assert!(Status::New.is_active() && Status::Open.is_active());
        assert!(Status::Pending.is_paused() && Status::OnHold.is_paused());
        assert!(Status::Solved.is_done() && Status::Closed.is_done());
    }

    #[test]
    fn ratings_accept_labels() {
        assert_eq!(parse_rating("5"), Some(5));
        assert_eq!(parse_rating("Very Satisfied"), Some(5));
        assert_eq!(parse_rating("very_dissatisfied"), Some(1));
        assert_eq!(parse_rating("6"), None);
        assert_eq!(parse_rating("0"), None);
    }

    #[test]
    fn timestamps_truncate_to_the_second_and_need_an_offset() {
        // 2026-07-01T09:30:00+09:00 is 00:30 UTC.
        let want = 1_782_865_800;
        assert_eq!(parse_timestamp("2026-07-01T09:30:00+09:00", None), Ok(want));
        assert_eq!(parse_timestamp("2026-07-01T00:30:00Z", None), Ok(want));
        assert_eq!(parse_timestamp("2026-07-01 00:30:00Z", None), Ok(want));
        assert_eq!(parse_timestamp("2026-07-01T00:30:00.999Z", None), Ok(want));
        assert_eq!(
            parse_timestamp("2026-07-01T09:30:00", None),
            Err(TimestampError::NoOffset)
        );
        assert_eq!(
            parse_timestamp("2026-07-01T09:30:00", Some(chrono_tz::Asia::Seoul)),
            Ok(want)
        );
        assert_eq!(
            parse_timestamp("2026-07-01", None),
            Err(TimestampError::Invalid)
        );
        assert_eq!(
            parse_timestamp("yesterday", None),
            Err(TimestampError::Invalid)
        );
        assert_eq!(
            parse_timestamp("2026-02-30T09:30:00Z", None),
            Err(TimestampError::Invalid)
        );
    }

    #[test]
    fn fast_timestamp_path_agrees_with_chrono() {
        // Every shape the fast path takes, against chrono's reading of the same text.
        let mut checked = 0;
        for y in [1999, 2024, 2025, 2026] {
            for mo in [1, 2, 3, 10, 12] {
                for d in [1, 15, 28, 29, 31] {
                    for (h, mi, sec) in [(0, 0, 0), (9, 30, 5), (23, 59, 59)] {
                        for off in ["Z", "+09:00", "-05:00", "+05:45", "-00:30", "z"] {
                            let s = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}{off}");
                            let chrono = DateTime::parse_from_rfc3339(&s.replace('z', "Z"))
                                .ok()
                                .map(|t| t.timestamp());
                            assert_eq!(fast_rfc3339(s.as_bytes()), chrono, "{s}");
                            assert_eq!(parse_timestamp(&s, None).ok(), chrono, "{s}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 5 * 5 * 3 * 6);
        // Shapes it leaves to chrono.
        assert_eq!(fast_rfc3339(b"2026-07-01T09:30:00.5+09:00"), None);
        assert_eq!(fast_rfc3339(b"2026-07-01T09:30:00"), None);
        assert_eq!(fast_rfc3339(b"2026-07-01T09:30:60Z"), None);
    }

    #[test]
    fn assumed_zone_follows_the_dst_rules() {
        let ny = chrono_tz::America::New_York;
        // 2026-03-08 02:30 does not exist in New York: read with the offset before the gap
        // (-05:00), i.e. 07:30 UTC, which is 03:30 EDT.
        assert_eq!(
            parse_timestamp("2026-03-08T02:30:00", Some(ny)),
            parse_timestamp("2026-03-08T07:30:00Z", None)
        );
        // 2026-11-01 01:30 happens twice: the earlier one is EDT (-04:00).
        assert_eq!(
            parse_timestamp("2026-11-01T01:30:00", Some(ny)),
            parse_timestamp("2026-11-01T05:30:00Z", None)
        );
    }

    #[test]
    fn ids_reject_every_character_the_documents_would_show_as_a_code_point() {
        // A soft hyphen (U+00AD) and a tag character (U+E0041) are format characters beyond
        // the bidi and zero-width ones: invisible in a document, so not allowed in an id.
        assert_eq!(hidden_char("C\u{AD}1"), Some('\u{AD}'));
        assert_eq!(hidden_char("C1\u{E0041}"), Some('\u{E0041}'));
        // Tab is plain whitespace in a document but never part of an id.
        assert!(!is_invisible('\t') && is_hidden('\t'));
        assert_eq!(visible("C\u{AD}1"), "C⟨U+00AD⟩1");
        // Letters of any script are not hidden.
        assert_eq!(hidden_char("고객-客户-Ä"), None);
    }

    #[test]
    fn hidden_characters_in_ids_are_found_and_named() {
        for (id, want) in [
            ("T-00123", None),
            ("한글-7", None),
            ("T\u{0}1", Some('\u{0}')),
            ("T\u{7f}1", Some('\u{7f}')),
            ("T\u{85}1", Some('\u{85}')),
            ("C\u{202E}1", Some('\u{202E}')),
            ("C\u{2066}1", Some('\u{2066}')),
            ("C\u{200F}1", Some('\u{200F}')),
            ("C\u{061C}1", Some('\u{061C}')),
            ("C\u{200B}1", Some('\u{200B}')),
            ("C\u{200D}1", Some('\u{200D}')),
            ("C\u{2060}1", Some('\u{2060}')),
            ("C\u{FEFF}1", Some('\u{FEFF}')),
        ] {
            assert_eq!(hidden_char(id), want, "{id:?}");
        }
        assert_eq!(name_char('\u{202E}'), "U+202E (RIGHT-TO-LEFT OVERRIDE)");
        assert_eq!(name_char('\u{0}'), "U+0000 (NUL)");
        assert_eq!(name_char('\u{1b}'), "U+001B (a control character)");
        assert_eq!(visible("C\u{202E}1\u{0}"), "C⟨U+202E⟩1⟨U+0000⟩");
        assert_eq!(visible("plain 한글"), "plain 한글");
    }

    #[test]
    fn plausible_window_includes_its_start_and_excludes_its_end() {
        let w = PlausibleWindow::default();
        let (from, until) = (
            parse_date("1990-01-01").unwrap(),
            parse_date("2100-01-01").unwrap(),
        );
        assert_eq!((w.from_day, w.until_day), (from, until));
        assert!(w.holds_date(from) && !w.holds_date(from - 1));
        assert!(w.holds_date(until - 1) && !w.holds_date(until));
        // 1990-01-01T00:00:00Z is 631,152,000 s; 2100-01-01T00:00:00Z is 4,102,444,800 s.
        assert!(w.holds_instant(631_152_000) && !w.holds_instant(631_151_999));
        assert!(w.holds_instant(4_102_444_799) && !w.holds_instant(4_102_444_800));
        assert_eq!(
            w.describe(),
            "1990-01-01 (included) to 2100-01-01 (excluded)"
        );
        assert_eq!(PlausibleWindow::new(5, 5), None);
    }
}
