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
    /// A whole number (`>= 0`, at most the column's `max`).
    Count,
    /// A finite decimal number (`>= 0`, at most the column's `max`).
    Decimal,
    /// A percentage `0..=100`.
    Percent,
    /// A three-letter ISO 4217 code.
    Currency,
    /// A well-formed BCP 47 language tag (`ko`, `en-US`, `zh-Hant-TW`), stored in its
    /// conventional case.
    Language,
    /// A language the documents are written in: `ko`, `en` or `zh`.
    DocLanguage,
    /// A maintenance record's kind: `inspection`, `security_patch`, `upgrade`, `optimization`.
    MaintenanceKind,
    /// What a waiver covers: a metric, `system_down` or `all`.
    WaiverMetric,
    /// A quarter, `2026Q2`.
    Quarter,
    /// Who owns an action: `vendor` or `customer`, optionally followed by a name.
    Owner,
}

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Value used when the cell is empty (before parsing).
    pub default: Option<&'static str>,
    /// For a count or a decimal: the largest value a row may hold, and what it means (shown
    /// in the reject's reason). `None` takes the kind's (`Kind::max`).
    pub max: Option<(i64, &'static str)>,
}

impl Col {
    /// The same column with its own largest value.
    const fn at_most(self, max: i64, meaning: &'static str) -> Col {
        Col {
            max: Some((max, meaning)),
            ..self
        }
    }
    /// The largest value of a count or decimal column, and what it means.
    pub fn max(&self) -> (i64, &'static str) {
        self.max.unwrap_or_else(|| self.kind.max())
    }
}

impl Kind {
    /// The largest count or decimal any column of the kind may hold unless it says otherwise:
    /// far above any real figure, and low enough that later arithmetic on it cannot overflow
    /// (a count times a day's seconds fits `i64`; a decimal is exact to the unit in `f64`
    /// below 2^53, about 9e15).
    pub const fn max(self) -> (i64, &'static str) {
        match self {
            Kind::Decimal => (MAX_MONEY, "an amount exact to the unit"),
            _ => (1_000_000_000, "a billion"),
        }
    }
}

/// The largest amount of money a row may hold (10^15, exact to the unit in `f64`).
pub const MAX_MONEY: i64 = 1_000_000_000_000_000;
/// The longest target: 10 years of 365 days, in minutes.
pub const MAX_TARGET_MINUTES: i64 = 10 * 365 * 24 * 60;

const fn req(name: &'static str, kind: Kind) -> Col {
    Col {
        name,
        kind,
        required: true,
        default: None,
        max: None,
    }
}
const fn opt(name: &'static str, kind: Kind) -> Col {
    Col {
        name,
        kind,
        required: false,
        default: None,
        max: None,
    }
}
const fn dflt(name: &'static str, kind: Kind, default: &'static str) -> Col {
    Col {
        name,
        kind,
        required: false,
        default: Some(default),
        max: None,
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
        opt("included_cases_per_quarter", Count).at_most(1_000_000_000, "cases a quarter"),
        dflt("credit_pct_per_missed_target", Percent, "0"),
        dflt("credit_cap_pct", Percent, "0"),
        opt("renewal_date", Date),
        // review.md "More input": optional.
        opt("language", DocLanguage),
        opt("inspections_per_quarter", Count).at_most(10_000, "visits a quarter"),
        opt("patch_days", Count).at_most(3650, "10 years in days"),
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
        req("target_minutes", Count).at_most(MAX_TARGET_MINUTES, "10 years in minutes"),
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
        // review.md "More input": optional.
        opt("category", Text),
        opt("root_cause", Text),
        // Free text; the known values are permanent_fix, workaround, no_fault_found,
        // duplicate and user_error.
        opt("resolution_type", Text),
        opt("problem_id", Id),
        opt("language", Language),
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

/// The optional columns review.md ("More input") adds to inputs.md's tables, as (table,
/// column): a tool writing inputs.md's files (`slareview import`) leaves them out.
pub const REVIEW_COLUMNS: [(&str, &str); 8] = [
    ("tickets", "category"),
    ("tickets", "root_cause"),
    ("tickets", "resolution_type"),
    ("tickets", "problem_id"),
    ("tickets", "language"),
    ("contracts", "language"),
    ("contracts", "inspections_per_quarter"),
    ("contracts", "patch_days"),
];

/// review.md: preventive work promised by maintenance contracts.
pub const MAINTENANCE: TableSpec = TableSpec {
    name: "maintenance",
    required: false,
    key: Some("maintenance_id"),
    columns: &[
        req("maintenance_id", Id),
        req("contract_id", Id),
        req("kind", MaintenanceKind),
        opt("planned_on", Date),
        opt("released_at", Timestamp),
        opt("done_at", Timestamp),
        opt("summary", Text),
    ],
};

/// review.md: tickets excluded from a commitment, with a reason. One row per ticket and metric.
pub const WAIVERS: TableSpec = TableSpec {
    name: "waivers",
    required: false,
    key: None,
    columns: &[
        req("ticket_id", Id),
        req("metric", WaiverMetric),
        // Free text; the known values are customer_caused, planned_maintenance,
        // force_majeure and third_party.
        req("reason", Text),
        req("approved_by", Text),
        opt("note", Text),
    ],
};

/// review.md: what each side committed to at a review.
pub const ACTIONS: TableSpec = TableSpec {
    name: "actions",
    required: false,
    key: Some("action_id"),
    columns: &[
        req("action_id", Id),
        req("contract_id", Id),
        req("raised_in", Quarter),
        req("owner", Owner),
        req("action", Text),
        opt("due_on", Date),
        opt("done_on", Date),
    ],
};

/// In the order ingest reads them: each table's references point at tables read before it.
pub const ALL_TABLES: [&TableSpec; 10] = [
    &CONTRACTS,
    &SLA_TARGETS,
    &TICKETS,
    &TICKET_EVENTS,
    &SURVEYS,
    &ENGINEERS,
    &KB_ARTICLES,
    &MAINTENANCE,
    &WAIVERS,
    &ACTIONS,
];

/// Bumped whenever a lake table changes a column's name, type or meaning. 2: review.md's
/// optional ticket and contract columns, and the maintenance, waivers and actions tables.
pub const SCHEMA_VERSION: u32 = 2;
