//! Invisible characters from the inputs never reach a document raw: a NUL, a right-to-left
//! override, an isolate or a zero-width character in a customer name, a subject, a comment or
//! an engineer's name is shown by its code point (`⟨U+202E⟩`) in every HTML and Markdown
//! document, every SVG chart and the summary, so no override can make a figure read
//! differently from what it is.

mod bounded;
mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A customer name whose override would print the contract's figures right to left.
const NAME: &str = "Acme \u{202E}0001 Korea";
const NAME_SHOWN: &str = "Acme ⟨U+202E⟩0001 Korea";
const SUBJECT: &str = "Disk\u{0}full";
const SUBJECT_SHOWN: &str = "Disk⟨U+0000⟩full";
const COMMENT: &str = "Slow\u{200B}reply\u{FEFF}again\u{200D}";
const COMMENT_SHOWN: &str = "Slow⟨U+200B⟩reply⟨U+FEFF⟩again⟨U+200D⟩";
const ENGINEER: &str = "Mallory \u{2066}Lee\u{2069}\u{200F}";
const ENGINEER_SHOWN: &str = "Mallory ⟨U+2066⟩Lee⟨U+2069⟩⟨U+200F⟩";

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn hostile_folder(data: &Path) {
    let contracts = format!(
        "contract_id,customer_id,customer_name,plan,start_date,end_date,currency,annual_fee,included_cases_per_quarter,credit_pct_per_missed_target,credit_cap_pct\n\
         K1,C1,{NAME},gold,2026-01-01,2026-12-31,USD,1000,10,5,10\n"
    );
    let tickets = format!(
        "ticket_id,customer_id,created_at,priority,status,assignee_id,channel,product,subject\n\
         T1,C1,2026-07-01T10:00:00Z,P2,open,E1,web,Compute,{SUBJECT}\n\
         T2,C1,2026-07-02T10:00:00Z,P2,solved,E1,email,Compute,Login fails\n"
    );
    let events = "ticket_id,at,kind,actor_id,value\n\
         T1,2026-07-01T13:00:00Z,agent_reply,E1,\n\
         T2,2026-07-02T10:30:00Z,agent_reply,E1,\n\
         T2,2026-07-02T11:00:00Z,status,E1,solved\n";
    let surveys = format!(
        "survey_id,ticket_id,responded_at,rating,comment\n\
         S1,T2,2026-07-03T09:00:00Z,2,{COMMENT}\n"
    );
    let engineers = format!("engineer_id,name\nE1,{ENGINEER}\n");
    write_folder(
        data,
        &[
            ("contracts.csv", contracts.as_str()),
            (
                "sla_targets.csv",
                "plan,contract_id,priority,metric,target_minutes,clock\ngold,,P2,first_response,60,calendar\n",
            ),
            ("tickets.csv", tickets.as_str()),
            ("ticket_events.csv", events),
            ("surveys.csv", surveys.as_str()),
            ("engineers.csv", engineers.as_str()),
            ("goals.toml", "reporting_timezone = \"UTC\"\n"),
        ],
    );
}

#[test]
fn invisible_characters_are_shown_in_every_document_and_chart() {
    let t = tmp();
    let data = t.path().join("data");
    hostile_folder(&data);
    let out = t.path().join("out");
    let e = bounded::run_bounded(
        &data,
        &out,
        &[
            "--as-of",
            "2026-10-01T00:00:00Z",
            "--period",
            "2026Q3",
            "--show-engineers",
        ],
        std::time::Duration::from_secs(60),
        3072,
    );
    assert_eq!((e.failure(), e.code), (None, Some(0)), "run: {}", e.stderr);

    let mut docs = Vec::new();
    files_under(&out.join("reports"), &mut docs);
    docs.retain(|p| {
        p.extension()
            .is_some_and(|e| e == "html" || e == "md" || e == "svg")
    });
    let summary = out.join("summary_2026Q3.html");
    assert!(summary.is_file(), "no summary at {}", summary.display());
    docs.push(summary.clone());
    docs.sort();
    let count = |ext: &str| {
        docs.iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .count()
    };
    // summary + portfolio, team review and one customer review; their Markdown; some charts.
    assert_eq!((count("html"), count("md")), (4, 3), "{docs:#?}");
    assert!(count("svg") >= 3, "{docs:#?}");

    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    for p in &docs {
        let text = read(p);
        let raw = raw_invisible(&text);
        assert!(
            raw.is_empty(),
            "{} holds raw invisible characters {:?}",
            p.display(),
            raw.iter()
                .take(5)
                .map(|(i, c)| format!("U+{:04X} at byte {i}", *c as u32))
                .collect::<Vec<_>>()
        );
    }

    // Each hostile text is shown, not dropped, where a reader meets it.
    let reports = out.join("reports/2026Q3");
    let expect = |file: &str, shown: &str| {
        let text = read(&reports.join(file));
        assert!(text.contains(shown), "{file} does not show `{shown}`");
    };
    for file in [
        "customers/K1.html",
        "customers/K1.md",
        "portfolio.html",
        "portfolio.md",
    ] {
        expect(file, NAME_SHOWN);
    }
    assert!(
        read(&summary).contains(NAME_SHOWN),
        "summary does not show `{NAME_SHOWN}`"
    );
    // The open ticket's subject (open tickets and breaches of the customer review).
    expect("customers/K1.html", SUBJECT_SHOWN);
    expect("customers/K1.md", SUBJECT_SHOWN);
    // The low-rated comment.
    expect("customers/K1.html", COMMENT_SHOWN);
    expect("customers/K1.md", COMMENT_SHOWN);
    // The engineer, named on request, in the team review and its engineer chart.
    expect("team_review.html", ENGINEER_SHOWN);
    expect("team_review.md", ENGINEER_SHOWN);
    let svgs: String = docs
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .map(|p| read(p))
        .collect();
    assert!(
        svgs.contains(ENGINEER_SHOWN),
        "no chart labels the engineer as `{ENGINEER_SHOWN}`"
    );
}
