//! The one place that writes to the terminal: progress on stderr while a command works, its
//! summary on stdout when it is done (as text, or with `--json` as one JSON object), and an
//! error as `error:` and `hint:` lines on stderr. Library code never prints.

use std::io::{self, Write};

use serde::Serialize;

use crate::error::Hint;
use crate::ingest::Manifest;
use crate::pipeline::{
    self, GenerateSummary, ImportSummary, IngestSummary, Progress, RunSummary, ValidateSummary,
};

/// How the user asked to be told: `--json`, `--quiet`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Printer {
    /// The summary on stdout as one JSON object (stderr keeps the progress lines).
    pub json: bool,
    /// No progress on stderr, only errors.
    pub quiet: bool,
}

/// A command's summary as text: the lines for stdout, and any for stderr (notes).
pub trait Text {
    fn text(&self, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()>;
}

impl Printer {
    /// A command's summary: text on stdout (notes on stderr), or with `--json` one JSON object
    /// on stdout.
    pub fn summary<S: Serialize + Text>(&self, s: &S) -> io::Result<()> {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        if self.json {
            serde_json::to_writer_pretty(&mut out, s).map_err(io::Error::other)?;
            writeln!(out)?;
        } else {
            let stderr = io::stderr();
            let mut sink = io::sink();
            let err: &mut dyn Write = if self.quiet {
                &mut sink
            } else {
                &mut stderr.lock()
            };
            s.text(&mut out, err)?;
        }
        out.flush()
    }

    /// An error: `error:` with the message (each cause once) and `hint:` when there is one, on
    /// stderr; with `--json` also `{"error": ..., "hint": ...}` on stdout, so a script reading
    /// stdout always gets one object.
    pub fn error(&self, e: &(dyn Hint + 'static)) {
        let message = error_text(e);
        let hint = e.hint();
        eprintln!("error: {message}");
        if let Some(h) = &hint {
            eprintln!("hint: {h}");
        }
        if self.json {
            #[derive(Serialize)]
            struct Failed<'a> {
                error: &'a str,
                hint: Option<&'a str>,
            }
            let failed = Failed {
                error: &message,
                hint: hint.as_deref(),
            };
            if let Ok(text) = serde_json::to_string_pretty(&failed) {
                println!("{text}");
            }
        }
    }
}

impl Progress for Printer {
    fn ingested(&self, m: &Manifest) {
        if self.quiet {
            return;
        }
        for f in &m.files {
            eprintln!(
                "{:<20} read {:>10}  accepted {:>10}  rejected {:>8}",
                f.file, f.rows_read, f.rows_accepted, f.rows_rejected
            );
        }
        // Where as_of came from, so that a row that moved it is seen: `as of
        // 2026-10-04T23:14:42Z (ticket_events.csv line 76941)`, or `(--as-of)`.
        match &m.as_of {
            Some(t) => eprintln!("as of {t} ({})", pipeline::as_of_source(m)),
            None => eprintln!("as of (no tickets)"),
        }
    }
}

/// An error as one message: the chain of causes, each once (an error that already quotes its
/// cause, an I/O error naming its file say, is not followed by the same cause again).
pub fn error_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(c) = cause {
        let s = c.to_string();
        if !text.contains(&s) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&s);
        }
        cause = c.source();
    }
    text
}

impl Text for RunSummary {
    fn text(&self, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "lake:     {}", self.lake.display())?;
        writeln!(out, "manifest: {}", self.manifest.display())?;
        writeln!(
            out,
            "rejects:  {} ({} rows)",
            self.rejects.display(),
            self.ingest.rows_rejected
        )?;
        if let Some(t) = &self.tables {
            writeln!(
                out,
                "tables:   {} ({} tables for {})",
                t.dir.display(),
                t.tables.len(),
                t.periods.join(", ")
            )?;
            for r in &t.tables {
                writeln!(out, "          {:<20} {:>9} rows", r.name, r.rows)?;
            }
        }
        writeln!(out, "summary:  {}", self.summary.display())?;
        if let Some(r) = &self.reports {
            writeln!(out, "reports:  {}", r.dir.display())?;
            writeln!(out, "          portfolio        {}", r.portfolio.display())?;
            writeln!(
                out,
                "          team review      {}",
                r.team_review.display()
            )?;
            writeln!(
                out,
                "          customer reviews {} ({} contracts; .html, and .md with charts beside)",
                r.customers_dir.display(),
                r.customer_reviews.len()
            )?;
            match &r.pdf {
                Some(p) => match &p.note {
                    None => writeln!(
                        out,
                        "          pdf              {} ({} files)",
                        p.dir.display(),
                        p.files.len()
                    )?,
                    Some(why) => writeln!(err, "note: {why}")?,
                },
                None => {}
            }
        }
        Ok(())
    }
}

impl Text for IngestSummary {
    fn text(&self, out: &mut dyn Write, _err: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "lake: {}", self.lake.display())
    }
}

impl Text for ValidateSummary {
    fn text(&self, out: &mut dyn Write, _err: &mut dyn Write) -> io::Result<()> {
        for r in &self.rejects {
            writeln!(
                out,
                "{}:{}: {}{}",
                r.file,
                r.line,
                r.column
                    .as_deref()
                    .map(|c| format!("`{c}`: "))
                    .unwrap_or_default(),
                r.reason
            )?;
        }
        Ok(())
    }
}

impl Text for ImportSummary {
    fn text(&self, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        let s = &self.counts;
        writeln!(
            err,
            "{}: read {} rows, used {}, rejected {}; {} tickets, {} events, {} contracts",
            s.file, s.rows_read, s.rows_used, s.rows_rejected, s.tickets, s.events, s.contracts
        )?;
        for (reason, n) in &s.rejects_by_reason {
            writeln!(err, "  rejected {n:>7}  {reason}")?;
        }
        for p in &self.written {
            writeln!(out, "{}", p.display())?;
        }
        writeln!(out, "next: {}", self.next)
    }
}

impl Text for GenerateSummary {
    fn text(&self, out: &mut dyn Write, _err: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "wrote {} tickets, {} events, {} surveys to {}",
            self.tickets,
            self.events,
            self.surveys,
            self.out.display()
        )
    }
}
