//! The columns of each canonical table (`shared/spec/inputs.md`), declared once. Ingest reads
//! exports against these specs, the lake stores them with these names and types, and later stages
//! read them back by the same names.

/// How a cell is read and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or free text, kept as given (trimmed for identifiers).
    Id,
    Text,
    /// RFC 3339 with an offset; stored as UTC to the second.
    Timestamp,
    /// `YYYY-MM-DD`.
    Date,
    Priority,
    Status,
    Severity,
    EventKind,
    Rating,
    Metric,
    Clock,
    /// A whole number (`>= 0`).
    Count,
    /// A decimal number (`>= 0`).
    Decimal,
    /// A percentage `0..=100`.
    Percent,
    /// A three-letter ISO 4217 code.
    Currency,
}

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Value used when the cell is empty (before parsing).
    pub default: Option<&'static str>,
}

const fn req(name: &'static str, kind: Kind) -> Col {
    Col {
        name,
        kind,
        required: true,
        default: None,
    }
}
const fn opt(name: &'static str, kind: Kind) -> Col {
    Col {
        name,
        kind,
        required: false,
        default: None,
    }
}
const fn dflt(name: &'static str, kind: Kind, default: &'static str) -> Col {
    Col {
        name,
        kind,
        required: false,
        default: Some(default),
    }
}

#[derive(Debug)]
pub struct TableSpec {
    /// Table name, also the file stem (`tickets` -> `tickets.csv`).
    pub name: &'static str,
    /// Whether a data folder must contain it.
    pub required: bool,
    /// The column that identifies a row and must be unique, if any.
    pub key: Option<&'static str>,
    pub columns: &'static [Col],
}

impl TableSpec {
    pub fn col(&self, name: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("table `{}` has no column `{name}`", self.name))
    }
}

use Kind::*;

pub const CONTRACTS: TableSpec = TableSpec {
    name: "contracts",
    required: true,
    key: Some("contract_id"),
    columns: &[
        req("contract_id", Id),
        req("customer_id", Id),
        req("customer_name", Text),
        req("plan", Id),
        req("start_date", Date),
        req("end_date", Date),
        dflt("calendar_id", Id, "24x7"),
        req("currency", Currency),
        req("annual_fee", Decimal),
        opt("included_cases_per_quarter", Count),
        dflt("credit_pct_per_missed_target", Percent, "0"),
        dflt("credit_cap_pct", Percent, "0"),
        opt("renewal_date", Date),
    ],
};

pub const SLA_TARGETS: TableSpec = TableSpec {
    name: "sla_targets",
    required: true,
    key: None,
    columns: &[
        opt("plan", Id),
        opt("contract_id", Id),
        req("priority", Priority),
        req("metric", Metric),
        req("target_minutes", Count),
        req("clock", Clock),
        dflt("commitment_pct", Percent, "100"),
    ],
};

pub const TICKETS: TableSpec = TableSpec {
    name: "tickets",
    required: true,
    key: Some("ticket_id"),
    columns: &[
        req("ticket_id", Id),
        req("customer_id", Id),
        req("created_at", Timestamp),
        req("priority", Priority),
        dflt("severity", Severity, "normal"),
        req("status", Status),
        opt("assignee_id", Id),
        opt("channel", Text),
        opt("product", Text),
        opt("subject", Text),
        opt("updated_at", Timestamp),
    ],
};

pub const TICKET_EVENTS: TableSpec = TableSpec {
    name: "ticket_events",
    required: true,
    key: None,
    columns: &[
        req("ticket_id", Id),
        req("at", Timestamp),
        req("kind", EventKind),
        opt("actor_id", Id),
        // Checked against `kind` after the row is read (a status, a priority, an engineer id).
        opt("value", Text),
    ],
};

pub const SURVEYS: TableSpec = TableSpec {
    name: "surveys",
    required: false,
    key: Some("survey_id"),
    columns: &[
        req("survey_id", Id),
        req("ticket_id", Id),
        req("responded_at", Timestamp),
        req("rating", Rating),
        opt("comment", Text),
    ],
};

pub const ENGINEERS: TableSpec = TableSpec {
    name: "engineers",
    required: false,
    key: Some("engineer_id"),
    columns: &[
        req("engineer_id", Id),
        opt("name", Text),
        opt("team", Text),
        opt("active_from", Date),
        opt("active_to", Date),
        opt("calendar_id", Id),
    ],
};

pub const KB_ARTICLES: TableSpec = TableSpec {
    name: "kb_articles",
    required: false,
    key: Some("article_id"),
    columns: &[
        req("article_id", Id),
        opt("author_id", Id),
        opt("published_at", Timestamp),
        opt("title", Text),
    ],
};

/// In the order ingest reads them: each table's references point at tables read before it.
pub const ALL_TABLES: [&TableSpec; 7] = [
    &CONTRACTS,
    &SLA_TARGETS,
    &TICKETS,
    &TICKET_EVENTS,
    &SURVEYS,
    &ENGINEERS,
    &KB_ARTICLES,
];

/// Bumped whenever a lake table changes a column's name, type or meaning.
pub const SCHEMA_VERSION: u32 = 1;
