//! The documents' languages: one message catalog per language (`locales/<lang>.toml`, embedded
//! by build.rs, so adding a language is adding a file), loaded by one mechanism, and the
//! language's own ways of writing durations, dates, quarters and lists.
//!
//! A catalog is TOML whose tables group the keys: `[customer] h_summary = "..."` is the key
//! `customer.h_summary`. Values are plain text with `{named}` parameters, filled in one pass
//! (a parameter's own text, which may be input text, is never read for names again). English
//! (`en`) is the reference: every other catalog has exactly its keys (tests/i18n.rs).
//!
//! Templates call `t("section.key", name=value)`; Rust code calls `Catalog::t` and
//! `Catalog::f`. Free text from the inputs (subjects, names, comments) never goes through a
//! catalog: it is shown as written.

use std::collections::BTreeMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// The language of a document when nothing chooses one.
pub const DEFAULT_LANGUAGE: &str = "en";

/// One language's messages.
#[derive(Debug)]
pub struct Catalog {
    /// The language code, as the file is named (`ko`), also `<html lang>`.
    pub lang: &'static str,
    messages: BTreeMap<String, String>,
}

/// Every catalog, parsed once.
fn all() -> &'static BTreeMap<&'static str, Catalog> {
    static ALL: OnceLock<BTreeMap<&'static str, Catalog>> = OnceLock::new();
    ALL.get_or_init(|| {
        LOCALES
            .iter()
            .map(|(lang, text)| {
                let catalog = parse(lang, text)
                    .unwrap_or_else(|e| panic!("bundled catalog locales/{lang}.toml: {e}"));
                (*lang, catalog)
            })
            .collect()
    })
}

/// A catalog's text as keys and messages (`section.key`); an error says which key is wrong.
pub fn parse(lang: &'static str, text: &str) -> Result<Catalog, String> {
    let value: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut messages = BTreeMap::new();
    flatten("", &value, &mut messages)?;
    Ok(Catalog { lang, messages })
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out)?,
            _ => return Err(format!("`{key}` is not text or a table")),
        }
    }
    Ok(())
}

/// The languages documents can be written in, sorted.
pub fn languages() -> Vec<&'static str> {
    all().keys().copied().collect()
}

/// The catalog of `lang`, if there is one.
pub fn catalog(lang: &str) -> Option<&'static Catalog> {
    all().get(lang)
}

/// The English catalog (the reference; also the language of the tables' sentences).
pub fn english() -> &'static Catalog {
    catalog(DEFAULT_LANGUAGE).expect("locales/en.toml is bundled")
}

/// A document's language: `--lang` when given, else the contract's `language` (customer
/// reviews), else goals.toml's `language`, else English. A language without a catalog is
/// passed over (ingest and `--lang` accept only languages that have one).
pub fn choose(flag: Option<&str>, contract: Option<&str>, goals: Option<&str>) -> &'static Catalog {
    [flag, contract, goals]
        .into_iter()
        .flatten()
        .find_map(catalog)
        .unwrap_or_else(english)
}

/// `lang` if documents can be written in it, else an error listing those that can.
pub fn check_language(lang: &str) -> Result<&'static str, String> {
    match all().get_key_value(lang) {
        Some((l, _)) => Ok(l),
        None => Err(format!(
            "unknown document language `{lang}`: expected one of {}",
            languages().join(", ")
        )),
    }
}

/// Replaces each `{name}` of `template` by its parameter, in one pass. An unknown name is
/// left as written (a test checks every template's names against its callers).
pub fn fill(template: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match params.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Catalog {
    /// Whether the catalog has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    /// The message of `key`; English when this catalog lacks it (tests keep that from
    /// happening), the key itself when English lacks it too.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        match self.messages.get(key) {
            Some(m) => m,
            None => {
                debug_assert!(english().has(key), "no message `{key}` in locales/en.toml");
                english()
                    .messages
                    .get(key)
                    .map(String::as_str)
                    .unwrap_or(key)
            }
        }
    }

    /// An ingest reject reason (English, as lake/rejects.csv has it) in this language: the
    /// `[reject]` message it matches, with a `{what}` or `{meaning}` from `[reject_part]`;
    /// `None` when it matches none (the caller shows it as written, marked English).
    pub fn reject_reason(&self, reason: &str) -> Option<String> {
        let en = english();
        let part = |v: &str| -> Option<String> {
            en.messages
                .iter()
                .find(|(k, m)| k.starts_with("reject_part.") && m.as_str() == v)
                .map(|(k, _)| self.t(k).to_string())
        };
        for (key, pattern) in en.messages.range("reject.".to_string()..) {
            if !key.starts_with("reject.") {
                break;
            }
            let Some(values) = unfill(pattern, reason) else {
                continue;
            };
            let mut ok = true;
            let values: Vec<(String, String)> = values
                .into_iter()
                .map(|(k, v)| {
                    if k == "what" || k == "meaning" {
                        match part(&v) {
                            Some(p) => (k, p),
                            None => {
                                ok = false;
                                (k, v)
                            }
                        }
                    } else {
                        (k, v)
                    }
                })
                .collect();
            if !ok {
                continue;
            }
            let refs: Vec<(&str, &str)> = values
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            return Some(self.f(key, &refs));
        }
        None
    }

    /// `t` of a bundled catalog, for as long as the program runs.
    pub fn t_static(&'static self, key: &str) -> &'static str {
        match self.messages.get(key) {
            Some(m) => m,
            None => {
                let en = english();
                debug_assert!(en.has(key), "no message `{key}` in locales/en.toml");
                en.messages.get(key).map(String::as_str).unwrap_or("")
            }
        }
    }

    /// The message of `key` with its parameters filled.
    pub fn f(&self, key: &str, params: &[(&str, &str)]) -> String {
        fill(self.t(key), params)
    }

    /// `f` with parameters of any printable type.
    pub fn fa(&self, key: &str, params: &[(&str, &dyn std::fmt::Display)]) -> String {
        let owned: Vec<(&str, String)> = params.iter().map(|(k, v)| (*k, v.to_string())).collect();
        let refs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.f(key, &refs)
    }

    /// The most readable unit: `45s`, `12m`, `1h 05m`, `2d 3h` (en), `1시간 05분` (ko).
    pub fn duration(&self, secs: Option<i64>) -> String {
        let Some(s) = secs else {
            return "–".to_string();
        };
        let sign = if s < 0 { "-" } else { "" };
        let s = s.unsigned_abs();
        let text = if s < 60 {
            self.fa("fmt.seconds", &[("n", &s)])
        } else if s < 3600 {
            self.fa("fmt.minutes", &[("n", &(s / 60))])
        } else if s < 86_400 {
            let m = format!("{:02}", (s % 3600) / 60);
            self.fa("fmt.hours_minutes", &[("h", &(s / 3600)), ("m", &m)])
        } else {
            self.fa(
                "fmt.days_hours",
                &[("d", &(s / 86_400)), ("h", &((s % 86_400) / 3600))],
            )
        };
        format!("{sign}{text}")
    }

    /// A duration on a clock: a business clock in business hours (`45 business hours`,
    /// `7.5 business hours`, `30 business minutes` under an hour; `45 업무시간`), a calendar
    /// clock as `duration`.
    pub fn clock_duration(&self, secs: Option<i64>, business: bool) -> String {
        let Some(s) = secs else {
            return "–".to_string();
        };
        if !business {
            return self.duration(Some(s));
        }
        let sign = if s < 0 { "-" } else { "" };
        let a = s.unsigned_abs();
        if a < 3600 {
            let m = a / 60;
            let key = if m == 1 {
                "fmt.business_minute"
            } else {
                "fmt.business_minutes"
            };
            return format!("{sign}{}", self.fa(key, &[("n", &m)]));
        }
        let text = super::format::one_decimal(a as f64 / 3600.0);
        let key = if text == "1" {
            "fmt.business_hour"
        } else {
            "fmt.business_hours"
        };
        format!("{sign}{}", self.f(key, &[("n", &text)]))
    }

    /// A date `YYYY-MM-DD` in the language's long form (`2026년 7월 1일`); anything else as
    /// written.
    pub fn date(&self, iso: &str) -> String {
        match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
            Ok(d) => {
                use chrono::Datelike;
                let (m2, d2) = (format!("{:02}", d.month()), format!("{:02}", d.day()));
                self.fa(
                    "fmt.date",
                    &[
                        ("y", &d.year()),
                        ("m", &d.month()),
                        ("d", &d.day()),
                        ("mm", &m2),
                        ("dd", &d2),
                    ],
                )
            }
            Err(_) => iso.to_string(),
        }
    }

    /// A quarter label `2026Q3` in the language (`2026년 3분기`); anything else as written.
    pub fn quarter(&self, label: &str) -> String {
        match crate::period::Quarter::parse(label) {
            Some(q) => self.fa("fmt.quarter", &[("y", &q.year), ("q", &q.q)]),
            None => label.to_string(),
        }
    }

    /// Items joined the language's way (`a, b` / `a, b` / `a、b`).
    pub fn list<S: AsRef<str>>(&self, items: &[S]) -> String {
        let sep = self.t("fmt.list_separator");
        items
            .iter()
            .map(|s| s.as_ref())
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// A metric's name (`first_response` -> `first response`, `최초 응답`); an unknown one as
    /// written.
    pub fn metric(&self, code: &str) -> String {
        self.lookup("metric", code)
            .unwrap_or_else(|| code.to_string())
    }

    /// A code word of the tables (a state, a status, a kind: `in_progress`, `overdue`,
    /// `security_patch`) under `section`, else the code with `_` as spaces.
    pub fn word(&self, section: &str, code: &str) -> String {
        self.lookup(section, code)
            .unwrap_or_else(|| code.replace('_', " "))
    }

    /// The message of `section.code`, when English has that key.
    fn lookup(&self, section: &str, code: &str) -> Option<String> {
        let key = format!("{section}.{code}");
        english().has(&key).then(|| self.t(&key).to_string())
    }
}

/// The values of `template`'s `{names}` that make it read `text`, or `None` when it cannot:
/// the inverse of `fill`. Each parameter takes the shortest text up to the literal after it
/// (the last one, to the end), so a value holding that literal is cut short and does not match.
pub fn unfill(template: &str, text: &str) -> Option<Vec<(String, String)>> {
    // Literal, parameter, literal, ... parameter, literal (both ends possibly empty).
    let mut literals = vec![String::new()];
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        literals.last_mut()?.push_str(&rest[..open]);
        names.push(rest[open + 1..close].to_string());
        literals.push(String::new());
        rest = &rest[close + 1..];
    }
    literals.last_mut()?.push_str(rest);
    let mut pos = text.strip_prefix(literals[0].as_str())?;
    let mut values = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let next = &literals[i + 1];
        let last = i + 1 == names.len();
        let end = if last {
            if !pos.ends_with(next.as_str()) || pos.len() < next.len() {
                return None;
            }
            pos.len() - next.len()
        } else if next.is_empty() {
            return None;
        } else {
            pos.find(next.as_str())?
        };
        values.push((name.clone(), pos[..end].to_string()));
        pos = &pos[end + next.len()..];
    }
    (names.is_empty() && pos.is_empty() || !names.is_empty()).then_some(values)
}

/// A message to be written in any language: a catalog key and its parameters, each kept in a
/// form every language can write (a quarter as its label, a date as `YYYY-MM-DD`, a metric as
/// its code). The tables keep the English text (`Msg::en`); a document renders it in its own.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Msg {
    pub key: &'static str,
    pub params: Vec<(&'static str, Arg)>,
}

/// A parameter of a `Msg`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Arg {
    /// Written as it is in every language: numbers, money, percentages, ids, input text.
    Text(String),
    /// A quarter label, `2026Q3`.
    Quarter(String),
    /// Quarter labels, written as a list.
    Quarters(Vec<String>),
    /// A date `YYYY-MM-DD`.
    Date(String),
    /// A metric code, `first_response`.
    Metric(String),
    /// Another message (a clause whose words differ by case).
    Msg(Box<Msg>),
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            params: Vec::new(),
        }
    }
    /// A parameter written as it is.
    pub fn text(mut self, name: &'static str, v: impl ToString) -> Msg {
        self.params.push((name, Arg::Text(v.to_string())));
        self
    }
    pub fn arg(mut self, name: &'static str, v: Arg) -> Msg {
        self.params.push((name, v));
        self
    }
    /// The message in `l`'s language.
    pub fn render(&self, l: &Catalog) -> String {
        let values: Vec<(&str, String)> = self
            .params
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    Arg::Text(t) => t.clone(),
                    Arg::Quarter(q) => l.quarter(q),
                    Arg::Quarters(qs) => {
                        l.list(&qs.iter().map(|q| l.quarter(q)).collect::<Vec<_>>())
                    }
                    Arg::Date(d) => l.date(d),
                    Arg::Metric(m) => l.metric(m),
                    Arg::Msg(m) => m.render(l),
                };
                (*k, text)
            })
            .collect();
        let refs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        l.f(self.key, &refs)
    }
    /// The message in English (the tables' language).
    pub fn en(&self) -> String {
        self.render(english())
    }
}

/// `one` for a count of 1, else `other`: English grammar (other catalogs may write both the
/// same).
pub fn plural(n: i64, one: &'static str, other: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_reads_parameters_once() {
        assert_eq!(
            fill("{a} and {b}", &[("a", "{b}"), ("b", "x")]),
            "{b} and x"
        );
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
    }

    #[test]
    fn unfill_reads_back_what_fill_wrote() {
        let t = "ticket `{id}` was rejected (tickets line {line}), so this row cannot be kept";
        let text = fill(t, &[("id", "T-1"), ("line", "12")]);
        assert_eq!(
            unfill(t, &text),
            Some(vec![
                ("id".into(), "T-1".into()),
                ("line".into(), "12".into())
            ])
        );
        assert_eq!(unfill(t, "ticket `T-1` not found in tickets"), None);
        assert_eq!(
            unfill("unreadable CSV: {error}", "unreadable CSV: bad"),
            Some(vec![("error".into(), "bad".into())])
        );
        assert_eq!(unfill("no parameters", "no parameters"), Some(vec![]));
        assert_eq!(unfill("no parameters", "no parameters here"), None);
    }

    #[test]
    fn reject_reasons_read_in_the_language() {
        let ko = catalog("ko").unwrap();
        let en = english();
        let reason = "`created_at` value `2026-13-01` is not an RFC 3339 timestamp (e.g. 2026-07-01T09:30:00+09:00)";
        let k = ko.reject_reason(reason).expect("a known reason");
        assert!(
            k.contains("created_at") && k.contains("2026-13-01") && !k.contains("timestamp"),
            "{k}"
        );
        // English reads the reason as it was written.
        assert_eq!(en.reject_reason(reason).as_deref(), Some(reason));
        // A {what} that is not one of [reject_part] does not match.
        assert_eq!(ko.reject_reason("`x` value `y` is not a colour"), None);
        assert_eq!(ko.reject_reason("something else entirely"), None);
    }

    #[test]
    fn english_durations_are_the_documents_units() {
        let en = english();
        assert_eq!(en.duration(Some(0)), "0s");
        assert_eq!(en.duration(Some(59)), "59s");
        assert_eq!(en.duration(Some(900)), "15m");
        assert_eq!(en.duration(Some(86_399)), "23h 59m");
        assert_eq!(en.duration(Some(45)), "45s");
        assert_eq!(en.duration(Some(12 * 60 + 59)), "12m");
        assert_eq!(en.duration(Some(3600 + 5 * 60)), "1h 05m");
        assert_eq!(en.duration(Some(2 * 86_400 + 3 * 3600 + 59)), "2d 3h");
        assert_eq!(en.duration(Some(-90)), "-1m");
        assert_eq!(en.duration(None), "–");
        // 2,700 business minutes = 45 business hours (not "1d 21h").
        assert_eq!(
            en.clock_duration(Some(2_700 * 60), true),
            "45 business hours"
        );
        assert_eq!(en.clock_duration(Some(2_700 * 60), false), "1d 21h");
        assert_eq!(
            en.clock_duration(Some(450 * 60), true),
            "7.5 business hours"
        );
        assert_eq!(en.clock_duration(Some(3_600), true), "1 business hour");
        assert_eq!(en.clock_duration(Some(60), true), "1 business minute");
        assert_eq!(en.clock_duration(Some(1_800), true), "30 business minutes");
        assert_eq!(en.clock_duration(None, true), "–");
        assert_eq!(en.date("2026-07-01"), "2026-07-01");
        assert_eq!(en.quarter("2026Q3"), "2026Q3");
    }

    #[test]
    fn korean_and_chinese_units() {
        let ko = catalog("ko").expect("ko catalog");
        // The issue's own examples.
        assert_eq!(ko.duration(Some(3600 + 5 * 60)), "1시간 05분");
        assert_eq!(ko.duration(Some(2 * 86_400 + 3 * 3600)), "2일 3시간");
        assert_eq!(ko.clock_duration(Some(45 * 3600), true), "45 업무시간");
        assert_eq!(ko.date("2026-07-01"), "2026년 7월 1일");
        assert_eq!(ko.quarter("2026Q3"), "2026년 3분기");
        let zh = catalog("zh").expect("zh catalog");
        assert_eq!(zh.duration(Some(3600 + 5 * 60)), "1小时05分");
        assert_eq!(zh.duration(Some(2 * 86_400 + 3 * 3600)), "2天3小时");
        assert_eq!(zh.date("2026-07-01"), "2026年7月1日");
        assert_eq!(zh.quarter("2026Q3"), "2026年第3季度");
        assert_eq!(zh.list(&["A", "B"]), "A、B");
    }

    #[test]
    fn unknown_language_lists_the_known_ones() {
        let e = check_language("fr").unwrap_err();
        assert!(
            e.contains("`fr`") && e.contains("en") && e.contains("ko") && e.contains("zh"),
            "{e}"
        );
        assert_eq!(check_language("ko"), Ok("ko"));
    }
}
