//! How numbers, durations, money and names are written in the documents (reports.md, Rules),
//! and the two escapes that keep input text as text: file names and Markdown.

use sha2::{Digest, Sha256};

/// `59.4%`; no figure is `–`.
pub fn pct(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.1}%"),
        _ => "–".to_string(),
    }
}

/// A rate or percentage from the inputs as written there: `5`, `2.5`, `99.9` (at most two
/// decimals, no trailing zeros).
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

/// The most readable unit: `45s`, `12m`, `1h 05m`, `2d 3h`.
pub fn duration(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "–".to_string();
    };
    let sign = if s < 0 { "-" } else { "" };
    let s = s.unsigned_abs();
    let text = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86_400, (s % 86_400) / 3600)
    };
    format!("{sign}{text}")
}

/// Currencies whose amounts are written without minor units.
const NO_MINOR_UNITS: [&str; 6] = ["KRW", "JPY", "VND", "CLP", "ISK", "HUF"];

/// `USD 21,172.60`, `KRW 24,197,260`: the code first, thousands separated.
pub fn money(amount: Option<f64>, currency: &str) -> String {
    let Some(a) = amount.filter(|a| a.is_finite()) else {
        return "–".to_string();
    };
    let decimals = if NO_MINOR_UNITS.contains(&currency) {
        0
    } else {
        2
    };
    let text = format!("{:.*}", decimals, a.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    let sign = if a < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    format!("{currency} {sign}{out}")
}

/// A file name from an id or a name that cannot leave its folder: letters, digits, `-`, `_`
/// and inner `.` are kept, anything else becomes `_`; when anything had to change, a short
/// hash of the original is appended, so two ids never share a file.
pub fn safe_name(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    s.truncate(80);
    if s != id || s.is_empty() {
        let hash = Sha256::digest(id.as_bytes());
        let hex: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
        s = format!("{s}-{hex}");
    }
    s
}

/// Text for Markdown: characters Markdown would read as markup are backslash-escaped, HTML
/// special characters become entities (Markdown passes raw HTML through), and line breaks and
/// `|` cannot break a table row.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Parentheses, `!` and `=` need no escape: with `[` and `]` escaped no link or
            // image can form, and a value never starts a line.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_readable_units() {
        assert_eq!(duration(Some(0)), "0s");
        assert_eq!(duration(Some(59)), "59s");
        assert_eq!(duration(Some(900)), "15m");
        assert_eq!(duration(Some(3900)), "1h 05m");
        assert_eq!(duration(Some(86_399)), "23h 59m");
        assert_eq!(duration(Some(2 * 86_400 + 3 * 3600 + 59)), "2d 3h");
        assert_eq!(duration(None), "–");
    }

    #[test]
    fn money_with_its_code() {
        assert_eq!(money(Some(21172.6), "USD"), "USD 21,172.60");
        assert_eq!(money(Some(24197260.27), "KRW"), "KRW 24,197,260");
        assert_eq!(money(Some(0.0), "EUR"), "EUR 0.00");
        assert_eq!(money(Some(999.999), "CNY"), "CNY 1,000.00");
        assert_eq!(money(Some(-5.5), "USD"), "USD -5.50");
        assert_eq!(money(None, "USD"), "–");
    }

    #[test]
    fn percentages_to_one_decimal() {
        assert_eq!(pct(Some(59.375)), "59.4%");
        assert_eq!(pct(Some(100.0)), "100.0%");
        assert_eq!(pct(None), "–");
    }

    #[test]
    fn file_names_stay_in_their_folder() {
        assert_eq!(safe_name("K-C001-2025"), "K-C001-2025");
        for hostile in [
            "../../etc/x",
            "/etc/passwd",
            "..",
            ".",
            "",
            "a/b",
            "C:\\x",
            "한빛",
        ] {
            let s = safe_name(hostile);
            assert!(!s.contains('/') && !s.contains('\\'), "{hostile} -> {s}");
            assert!(!s.starts_with('.'), "{hostile} -> {s}");
            assert!(!s.is_empty());
        }
        // Two ids that clean to the same text still get two names.
        assert_ne!(safe_name("a/b"), safe_name("a_b"));
        assert_ne!(safe_name("a/b"), safe_name("a:b"));
    }

    #[test]
    fn markdown_keeps_text_as_text() {
        assert_eq!(markdown("<script>"), "&lt;script&gt;");
        assert_eq!(
            markdown("\"><img onerror=x>"),
            "&quot;&gt;&lt;img onerror=x&gt;"
        );
        assert_eq!(markdown("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(
            markdown("![i](x) *b* `c` _d_"),
            "!\\[i\\](x) \\*b\\* \\`c\\` \\_d\\_"
        );
        assert_eq!(markdown("a|b\nc"), "a\\|b c");
    }
}
