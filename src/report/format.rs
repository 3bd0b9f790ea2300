//! How numbers, durations, money and names are written in the documents (reports.md, Rules),
//! and the escapes that keep input text as text: file names, Markdown, and invisible
//! characters (`visible`).

use sha2::{Digest, Sha256};

/// `59.4%`; no figure is `–`.
pub fn pct(v: Option<f64>) -> String {
    match v {
        // Never "-0.0%" (an empty sum is -0.0; -0.04 rounds to it).
        Some(v) if v.is_finite() => match format!("{v:.1}") {
            z if z == "-0.0" => "0.0%".to_string(),
            s => format!("{s}%"),
        },
        _ => "–".to_string(),
    }
}

/// A rate or percentage from the inputs as written there: `5`, `2.5`, `99.9` (the model's, so
/// that `import`, below the report, writes them the same way).
pub use crate::model::number;

/// `101.1`, `45` (one decimal at most, no trailing zero).
pub fn one_decimal(v: f64) -> String {
    let t = format!("{v:.1}");
    t.strip_suffix(".0").map(str::to_string).unwrap_or(t)
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

pub use crate::model::is_invisible;

/// Input text with every invisible character (`is_invisible`) shown as its code point between
/// angle brackets, `⟨U+202E⟩`, so a NUL, a zero-width space or a right-to-left override in a
/// customer name or a subject can neither hide nor make the figures around it read
/// differently. Everything else is kept. Neither the brackets nor `U+` and hex digits are markup
/// in HTML, Markdown or SVG.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    crate::model::show_chars(s, is_invisible)
}

fn push_visible(out: &mut String, c: char) {
    crate::model::push_shown(out, c, is_invisible);
}

/// Text for Markdown: characters Markdown would read as markup are backslash-escaped, HTML
/// special characters become entities (Markdown passes raw HTML through), and line breaks and
/// `|` cannot break a table row; invisible characters are shown (`visible`).
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
            c => push_visible(&mut out, c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal_at_most() {
        assert_eq!(one_decimal(300.0 * 31.0 / 92.0), "101.1");
        assert_eq!(one_decimal(45.0), "45");
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

    #[test]
    fn invisible_characters_are_shown_by_code_point() {
        // A right-to-left override would print "Acme 0001" as "Acme 1000".
        assert_eq!(visible("Acme \u{202E}0001"), "Acme ⟨U+202E⟩0001");
        assert_eq!(visible("T\u{0}1"), "T⟨U+0000⟩1");
        assert_eq!(
            visible("a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}f"),
            "a⟨U+200B⟩b⟨U+200C⟩c⟨U+200D⟩d⟨U+2060⟩e⟨U+FEFF⟩f"
        );
        for c in [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{7F}',
            '\u{85}',
            '\u{1B}',
            '\u{E0041}',
            '\u{2028}',
        ] {
            assert_eq!(
                visible(&format!("x{c}y")),
                format!("x⟨U+{:04X}⟩y", c as u32),
                "{:04X}",
                c as u32
            );
        }
        // Plain text, Korean names, emoji and whitespace are kept as they are.
        for kept in [
            "Acme Korea",
            "한빛 소프트",
            "Zürich – café",
            "a\tb\nc\r",
            "🙂",
        ] {
            assert!(
                matches!(visible(kept), std::borrow::Cow::Borrowed(_)),
                "{kept:?}"
            );
        }
        // Markdown shows them too (and still turns line breaks into spaces).
        assert_eq!(markdown("a\u{202E}|b\u{0}\n"), "a⟨U+202E⟩\\|b⟨U+0000⟩ ");
    }
}
