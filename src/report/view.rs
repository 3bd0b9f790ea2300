//! The view structs the templates get: plain text and numbers, already formatted (reports.md,
//! Rules). Builders (`customer`, `team`, `portfolio`) fill them from the typed rows of `load`;
//! templates never see polars types or raw table rows.

use std::collections::BTreeMap;

use serde::Serialize;

use super::contract::Note;

/// The review's story (escalations, themes, incidents ...: shared/spec/review.md), laid out
/// from its tables by `super::story`; `None` only while a view is being built.
pub type Story = Option<super::story::Story>;

/// The heading facts every document carries.
#[derive(Debug, Clone, Serialize)]
pub struct DocInfo {
    pub period: String,
    pub period_from: String,
    pub period_to: String,
    pub as_of: String,
    pub reporting_timezone: String,
    /// The zone of the instants printed (a customer review: its contract calendar's).
    pub times_in: String,
    pub tool: String,
    pub command: String,
}

/// A chart: the SVG inline (HTML) and the file it is written to (Markdown).
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    pub title: String,
    pub svg: String,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentView {
    pub priority: String,
    pub metric: String,
    pub target: String,
    pub clock: String,
    pub commitment: String,
    pub tickets: i64,
    pub met: i64,
    pub breached: i64,
    pub in_progress: i64,
    pub not_applicable: i64,
    pub waived: i64,
    pub compliance: String,
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContractView {
    pub contract_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub plan: String,
    pub start_date: String,
    pub end_date: String,
    pub renewal_date: String,
    pub active_from: String,
    pub active_to: String,
    pub annual_fee: String,
    pub period_fee: String,
    pub fee_basis: String,
    pub credit_rule: String,
    pub credit_pct: String,
    pub credit_amount: String,
    pub credit_due: bool,
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub tickets_created: i64,
    pub included_cases: String,
    pub entitlement_used: String,
    pub cost_per_case: String,
    pub commitments: Vec<CommitmentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub period: String,
    pub contract_id: String,
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub credit: String,
    pub tickets_created: i64,
}

/// One commitment (priority x metric) of the contract over the last four quarters.
#[derive(Debug, Clone, Serialize)]
pub struct TrendCommitment {
    pub priority: String,
    pub metric: String,
    pub commitment: String,
    /// One per period of `CustomerReview::trend_periods`: compliance and outcome.
    pub cells: Vec<TrendCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendCell {
    pub compliance: String,
    /// `kept`, `missed`, `no tickets`, or empty when the customer had no such commitment.
    pub outcome: String,
}

/// The four quarters added up.
#[derive(Debug, Clone, Serialize)]
pub struct TrendTotal {
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub tickets_created: i64,
    /// Per currency: `USD 1,234.00`.
    pub credit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub label: String,
    pub tickets: i64,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekRow {
    pub week: String,
    pub inflow: i64,
    pub outflow: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimesRow {
    pub priority: String,
    pub first_response_n: usize,
    pub first_response_median: String,
    pub first_response_p90: String,
    pub resolution_n: usize,
    pub resolution_median: String,
    pub resolution_p90: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CsatView {
    pub responses: i64,
    pub satisfied: String,
    pub satisfied_interval: String,
    pub very_satisfied: String,
    pub very_satisfied_interval: String,
    pub too_few: bool,
    pub response_rate: String,
    pub solved_tickets: i64,
    pub satisfied_goal: String,
    pub very_satisfied_goal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FcrView {
    pub fcr: String,
    pub fcr_basis: String,
    pub reopen: String,
    pub reopen_basis: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentRow {
    #[serde(skip)]
    pub at: Option<i64>,
    pub ticket_id: String,
    pub rating: i64,
    pub responded: String,
    pub comment: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgingRow {
    pub bucket: String,
    pub by_priority: Vec<i64>,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenRow {
    #[serde(skip)]
    pub created_at: Option<i64>,
    pub ticket_id: String,
    pub priority: String,
    pub status: String,
    pub created: String,
    pub age_days: i64,
    pub subject: String,
    pub engineer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreachRow {
    pub ticket_id: String,
    pub priority: String,
    pub metric: String,
    pub target: String,
    pub elapsed: String,
    /// Elapsed minus target: a breach by seconds reads `1d 0h` in both columns otherwise.
    pub over_by: String,
    pub clock: String,
    pub breached_at: String,
    pub subject: String,
    pub engineer: String,
}

/// An input file as a customer review lists it: the file's name (never its folder), this
/// customer's accepted rows in it (`–` for files not split by customer: configuration,
/// engineers, articles, targets) and the file's checksum.
#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    pub file: String,
    pub table: String,
    pub rows: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub term: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerReview {
    pub doc: DocInfo,
    pub contract: ContractView,
    pub trend: Vec<TrendRow>,
    pub trend_total: TrendTotal,
    pub trend_periods: Vec<String>,
    pub trend_commitments: Vec<TrendCommitment>,
    /// One chart per metric: compliance by priority per quarter against the commitment.
    pub trend_charts: Vec<ChartView>,
    pub by_priority: Vec<Count>,
    pub by_channel: Vec<Count>,
    pub by_product: Vec<Count>,
    pub weeks: Vec<WeekRow>,
    pub times: Vec<TimesRow>,
    pub csat: Option<CsatView>,
    pub fcr: Option<FcrView>,
    pub ratings: Vec<Count>,
    pub comments: Vec<CommentRow>,
    pub aging: Vec<AgingRow>,
    pub open: Vec<OpenRow>,
    pub notes: Vec<Note>,
    pub breaches: Vec<BreachRow>,
    pub definitions: Vec<Definition>,
    pub files: Vec<FileView>,
    pub show_engineers: bool,
    pub charts: BTreeMap<String, ChartView>,
    pub chart_dir: String,
    pub priorities: Vec<&'static str>,
    pub metrics: Vec<&'static str>,
    /// Sections of the review's story, laid out after the summary and before the appendix.
    pub story: Story,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub goal: String,
    pub description: String,
    pub figure: String,
    pub goal_value: String,
    pub direction: String,
    /// `met`, `missed`, `info`, `no_data` (a CSS class too).
    pub status: String,
    /// As printed: `met`, `missed`, `info`, `no data`.
    pub status_label: String,
    pub previous: String,
    pub change: String,
    /// `better`, `worse`, `same`, or empty when there is nothing to compare.
    pub trend: String,
    /// `ok` (better), `bad` (worse) or empty: the change cell's colour.
    pub trend_class: &'static str,
    pub detail: String,
    pub too_few: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngineerRow {
    pub engineer_id: String,
    pub name: String,
    pub working_days: i64,
    pub solved: i64,
    pub solved_per_working_day: String,
    /// `ok`, `bad`, or empty when the goal does not apply (no working days).
    pub solved_goal_met: &'static str,
    pub avg_backlog: String,
    /// `ok`, `bad`, or empty when the goal does not apply (no working days).
    pub backlog_goal_met: &'static str,
    pub system_down_over_goal: i64,
    pub kb_per_week: String,
    /// `ok`, `bad`, or empty when the goal does not apply (no working days).
    pub kb_goal_met: &'static str,
    pub csat: String,
    pub csat_responses: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlaRow {
    pub priority: String,
    pub metric: String,
    pub tickets: i64,
    pub met: i64,
    pub breached: i64,
    pub in_progress: i64,
    pub not_applicable: i64,
    pub waived: i64,
    pub compliance: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemDownRow {
    pub ticket_id: String,
    pub customer_id: String,
    pub priority: String,
    pub elapsed: String,
    pub state: String,
    pub breached_at: String,
    pub engineer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamReview {
    pub doc: DocInfo,
    pub scorecard: Vec<ScoreRow>,
    pub aging: Vec<AgingRow>,
    pub engineers: Vec<EngineerRow>,
    pub sla: Vec<SlaRow>,
    pub system_down: Vec<SystemDownRow>,
    pub backlog_goal: String,
    pub charts: BTreeMap<String, ChartView>,
    pub chart_dir: String,
    pub priorities: Vec<&'static str>,
    pub definitions: Vec<Definition>,
    /// Sections of the review's story, laid out after the summary and before the appendix.
    pub story: Story,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortfolioRow {
    pub rank: usize,
    pub risk_score: i64,
    pub contract_id: String,
    pub customer_name: String,
    pub plan: String,
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub credit: String,
    pub credit_due: bool,
    pub csat: String,
    pub csat_below_goal: bool,
    pub tickets: String,
    pub renewal_date: String,
    pub notes: Vec<Note>,
    pub link: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortfolioView {
    pub doc: DocInfo,
    pub rows: Vec<PortfolioRow>,
    pub credits: Vec<String>,
    /// Sections of the review's story, laid out after the ranking.
    pub story: Story,
}

/// The definitions printed in the documents' appendices (metrics.md in this project's words),
/// by their keys in `[definition]` of the catalogs: `<id>_term` and `<id>`.
pub const DEFINITIONS: &[&str] = &[
    "period",
    "business_clock",
    "first_response",
    "update",
    "resolution",
    "states",
    "compliance",
    "commitment",
    "service_credit",
    "entitlement",
    "csat",
    "fcr",
    "times",
    "backlog",
];

/// The definitions in `l`'s language.
pub fn definitions(l: &super::i18n::Catalog) -> Vec<Definition> {
    DEFINITIONS
        .iter()
        .map(|id| Definition {
            term: l.t(&format!("definition.{id}_term")).to_string(),
            text: l.t(&format!("definition.{id}")).to_string(),
        })
        .collect()
}
