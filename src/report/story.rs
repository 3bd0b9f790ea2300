//! The service review's story (review.md): the issue-13 tables read back into typed rows, the
//! `recommendations` and `executive_summary` tables derived from them (Rust, like
//! `renewal_notes`: they are sentences), and the view structs of the story's sections for the
//! three documents (`customer_story`, `team_story`, `portfolio_story`), laid out by the macros
//! of `report_templates/_story.html.j2` and `_story.md.j2`.
//!
//! Entry points:
//! - `write_tables(tables, report, names)` computes and writes `recommendations` and
//!   `executive_summary` beside the metric tables (after the queries; reads the tables below);
//! - `load(tables)` reads every story table, the two above included;
//! - `customer_story`, `team_story`, `portfolio_story` build a document's sections from them.
//!
//! Every sentence is written from a template of the catalogs' `[sentence]` (`locales/`, English
//! in the tables, the document's language in the documents) and carries the table and the row its figure comes
//! from (`source_table`, `source_row` = `col=value; col=value`, the key of the row, or of the
//! set of rows, it reads). Sentences of a contract never name an engineer, the owner of an
//! action as filed (it may hold a person's name) or anything of another customer; team
//! sentences may name engineers.

use std::collections::BTreeMap;
use std::path::Path;

use chrono_tz::Tz;
use polars::prelude::*;
use serde::Serialize;

use super::contract::{self, metric_label, ContractPeriod};
use super::format::{money, number as num, pct};
use super::i18n;
use super::tables as t;
use super::{ReportError, Result};
use crate::period::Quarter;

// ---------------------------------------------------------------------------------------------
// Loading

/// A story table of `<tables>`, whole; its absence is an error naming it.
fn table(dir: &Path, name: &str) -> Result<Cols> {
    let path = dir.join(format!("{name}.parquet"));
    if !path.exists() {
        return Err(ReportError::MissingStoryTable {
            table: name.to_string(),
            dir: dir.to_path_buf(),
        });
    }
    let df = t::read(dir, name, None)?;
    Ok(Cols {
        df,
        name: name.to_string(),
    })
}

/// A table's columns, each read with the table's name in its error.
struct Cols {
    df: DataFrame,
    name: String,
}

impl Cols {
    fn n(&self) -> usize {
        self.df.height()
    }
    fn ctx(&self, e: ReportError) -> ReportError {
        e.in_table(&self.name)
    }
    fn s(&self, c: &str) -> Result<Vec<String>> {
        t::text(&self.df, c).map_err(|e| self.ctx(e))
    }
    fn os(&self, c: &str) -> Result<Vec<Option<String>>> {
        t::texts(&self.df, c).map_err(|e| self.ctx(e))
    }
    fn i(&self, c: &str) -> Result<Vec<i64>> {
        t::counts(&self.df, c).map_err(|e| self.ctx(e))
    }
    fn oi(&self, c: &str) -> Result<Vec<Option<i64>>> {
        t::ints(&self.df, c).map_err(|e| self.ctx(e))
    }
    fn f(&self, c: &str) -> Result<Vec<Option<f64>>> {
        t::floats(&self.df, c).map_err(|e| self.ctx(e))
    }
    fn b(&self, c: &str) -> Result<Vec<bool>> {
        Ok(t::bools(&self.df, c)
            .map_err(|e| self.ctx(e))?
            .into_iter()
            .map(|v| v.unwrap_or(false))
            .collect())
    }
    /// A timestamp as UTC seconds.
    fn ts(&self, c: &str) -> Result<Vec<Option<i64>>> {
        t::instants(&self.df, c).map_err(|e| self.ctx(e))
    }
    /// A date as `YYYY-MM-DD`.
    fn d(&self, c: &str) -> Result<Vec<Option<String>>> {
        self.os(c)
    }
}

/// `escalations`: one accepted `escalate` event.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Escalation {
    pub period: String,
    pub ticket_id: String,
    pub customer_id: String,
    pub contract_id: Option<String>,
    pub at: Option<i64>,
    pub level: String,
    /// actor_id; empty = the customer.
    pub raised_by: String,
    pub priority: String,
    /// Empty = unassigned.
    pub engineer_id: String,
    pub team: String,
    pub subject: String,
}

pub fn load_escalations(dir: &Path) -> Result<Vec<Escalation>> {
    let c = table(dir, "escalations")?;
    let (period, ticket, customer, contract, at) = (
        c.s("period")?,
        c.s("ticket_id")?,
        c.s("customer_id")?,
        c.os("contract_id")?,
        c.ts("at")?,
    );
    let (level, raised, priority, engineer, team, subject) = (
        c.s("level")?,
        c.s("raised_by")?,
        c.s("priority")?,
        c.s("engineer_id")?,
        c.s("team")?,
        c.s("subject")?,
    );
    Ok((0..c.n())
        .map(|i| Escalation {
            period: period[i].clone(),
            ticket_id: ticket[i].clone(),
            customer_id: customer[i].clone(),
            contract_id: contract[i].clone(),
            at: at[i],
            level: level[i].clone(),
            raised_by: raised[i].clone(),
            priority: priority[i].clone(),
            engineer_id: engineer[i].clone(),
            team: team[i].clone(),
            subject: subject[i].clone(),
        })
        .collect())
}

/// `escalation_counts`: escalations per dimension key, with the previous period's.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EscalationCount {
    pub period: String,
    pub dimension: String,
    pub key: String,
    pub escalations: i64,
    pub tickets: i64,
    pub previous_escalations: i64,
    pub change: i64,
}

pub fn load_escalation_counts(dir: &Path) -> Result<Vec<EscalationCount>> {
    let c = table(dir, "escalation_counts")?;
    let (period, dim, key) = (c.s("period")?, c.s("dimension")?, c.s("key")?);
    let (esc, tickets, prev, change) = (
        c.i("escalations")?,
        c.i("tickets")?,
        c.i("previous_escalations")?,
        c.i("change")?,
    );
    Ok((0..c.n())
        .map(|i| EscalationCount {
            period: period[i].clone(),
            dimension: dim[i].clone(),
            key: key[i].clone(),
            escalations: esc[i],
            tickets: tickets[i],
            previous_escalations: prev[i],
            change: change[i],
        })
        .collect())
}

/// `breach_attribution`: who held a breached ticket-metric and where its time went.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BreachAttribution {
    pub period: String,
    pub ticket_id: String,
    pub customer_id: String,
    pub contract_id: Option<String>,
    pub priority: String,
    pub metric: String,
    pub clock: String,
    pub target_seconds: Option<i64>,
    pub elapsed_seconds: Option<i64>,
    pub breached_at: Option<i64>,
    /// Empty = unassigned.
    pub holder_engineer_id: String,
    pub holder_team: String,
    pub reassignments: i64,
    pub unassigned_seconds: i64,
    pub with_support_seconds: i64,
    pub after_reassignment_seconds: i64,
    pub waived: bool,
}

pub fn load_breach_attribution(dir: &Path) -> Result<Vec<BreachAttribution>> {
    let c = table(dir, "breach_attribution")?;
    let (period, ticket, customer, contract) = (
        c.s("period")?,
        c.s("ticket_id")?,
        c.s("customer_id")?,
        c.os("contract_id")?,
    );
    let (priority, metric, clock, target, elapsed, at) = (
        c.s("priority")?,
        c.s("metric")?,
        c.s("clock")?,
        c.oi("target_seconds")?,
        c.oi("elapsed_seconds")?,
        c.ts("breached_at")?,
    );
    let (engineer, team, reassign) = (
        c.s("holder_engineer_id")?,
        c.s("holder_team")?,
        c.i("reassignments")?,
    );
    let (unassigned, with_support, after, waived) = (
        c.i("unassigned_seconds")?,
        c.i("with_support_seconds")?,
        c.i("after_reassignment_seconds")?,
        c.b("waived")?,
    );
    Ok((0..c.n())
        .map(|i| BreachAttribution {
            period: period[i].clone(),
            ticket_id: ticket[i].clone(),
            customer_id: customer[i].clone(),
            contract_id: contract[i].clone(),
            priority: priority[i].clone(),
            metric: metric[i].clone(),
            clock: clock[i].clone(),
            target_seconds: target[i],
            elapsed_seconds: elapsed[i],
            breached_at: at[i],
            holder_engineer_id: engineer[i].clone(),
            holder_team: team[i].clone(),
            reassignments: reassign[i],
            unassigned_seconds: unassigned[i],
            with_support_seconds: with_support[i],
            after_reassignment_seconds: after[i],
            waived: waived[i],
        })
        .collect())
}

/// `themes`: tickets by category (or product) per dimension key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Theme {
    pub period: String,
    pub dimension: String,
    pub key: String,
    pub theme: String,
    pub theme_from: String,
    pub tickets: i64,
    pub share_pct: Option<f64>,
    pub previous_tickets: i64,
    pub change_pt: Option<f64>,
    pub breached_tickets: i64,
    pub breach_rate_pct: Option<f64>,
    pub median_resolution_seconds: Option<i64>,
    pub example_ticket_id: String,
    pub example_subject: String,
}

pub fn load_themes(dir: &Path) -> Result<Vec<Theme>> {
    let c = table(dir, "themes")?;
    let (period, dim, key, theme, from) = (
        c.s("period")?,
        c.s("dimension")?,
        c.s("key")?,
        c.s("theme")?,
        c.s("theme_from")?,
    );
    let (tickets, share, prev, change) = (
        c.i("tickets")?,
        c.f("share_pct")?,
        c.i("previous_tickets")?,
        c.f("change_pt")?,
    );
    let (breached, rate, median, ex_id, ex_subject) = (
        c.i("breached_tickets")?,
        c.f("breach_rate_pct")?,
        c.oi("median_resolution_seconds")?,
        c.s("example_ticket_id")?,
        c.s("example_subject")?,
    );
    Ok((0..c.n())
        .map(|i| Theme {
            period: period[i].clone(),
            dimension: dim[i].clone(),
            key: key[i].clone(),
            theme: theme[i].clone(),
            theme_from: from[i].clone(),
            tickets: tickets[i],
            share_pct: share[i],
            previous_tickets: prev[i],
            change_pt: change[i],
            breached_tickets: breached[i],
            breach_rate_pct: rate[i],
            median_resolution_seconds: median[i],
            example_ticket_id: ex_id[i].clone(),
            example_subject: ex_subject[i].clone(),
        })
        .collect())
}

/// `recurring_problems`: a problem_id with two or more tickets in the four quarters to a period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecurringProblem {
    pub period: String,
    pub dimension: String,
    pub key: String,
    pub problem_id: String,
    pub tickets: i64,
    pub quarters: i64,
    pub first_created_at: Option<i64>,
    pub last_created_at: Option<i64>,
    pub open_tickets: i64,
    pub workaround_tickets: i64,
    pub permanent_fix_tickets: i64,
    pub category: String,
    pub example_subject: String,
    pub ticket_ids: String,
}

pub fn load_recurring_problems(dir: &Path) -> Result<Vec<RecurringProblem>> {
    let c = table(dir, "recurring_problems")?;
    let (period, dim, key, problem) = (
        c.s("period")?,
        c.s("dimension")?,
        c.s("key")?,
        c.s("problem_id")?,
    );
    let (tickets, quarters, first, last, open) = (
        c.i("tickets")?,
        c.i("quarters")?,
        c.ts("first_created_at")?,
        c.ts("last_created_at")?,
        c.i("open_tickets")?,
    );
    let (wa, pf, category, subject, ids) = (
        c.i("workaround_tickets")?,
        c.i("permanent_fix_tickets")?,
        c.s("category")?,
        c.s("example_subject")?,
        c.s("ticket_ids")?,
    );
    Ok((0..c.n())
        .map(|i| RecurringProblem {
            period: period[i].clone(),
            dimension: dim[i].clone(),
            key: key[i].clone(),
            problem_id: problem[i].clone(),
            tickets: tickets[i],
            quarters: quarters[i],
            first_created_at: first[i],
            last_created_at: last[i],
            open_tickets: open[i],
            workaround_tickets: wa[i],
            permanent_fix_tickets: pf[i],
            category: category[i].clone(),
            example_subject: subject[i].clone(),
            ticket_ids: ids[i].clone(),
        })
        .collect())
}

/// `resolution_mix`: done tickets by resolution type.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResolutionMix {
    pub period: String,
    pub dimension: String,
    pub key: String,
    pub resolution_type: String,
    pub tickets: i64,
    pub share_pct: Option<f64>,
}

pub fn load_resolution_mix(dir: &Path) -> Result<Vec<ResolutionMix>> {
    let c = table(dir, "resolution_mix")?;
    let (period, dim, key, kind, tickets, share) = (
        c.s("period")?,
        c.s("dimension")?,
        c.s("key")?,
        c.s("resolution_type")?,
        c.i("tickets")?,
        c.f("share_pct")?,
    );
    Ok((0..c.n())
        .map(|i| ResolutionMix {
            period: period[i].clone(),
            dimension: dim[i].clone(),
            key: key[i].clone(),
            resolution_type: kind[i].clone(),
            tickets: tickets[i],
            share_pct: share[i],
        })
        .collect())
}

/// `major_incidents`: a P1 or system-down ticket created in a period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MajorIncident {
    pub period: String,
    pub ticket_id: String,
    pub customer_id: String,
    pub contract_id: Option<String>,
    pub priority: String,
    pub severity: String,
    pub created_at: Option<i64>,
    pub first_solved_at: Option<i64>,
    pub duration_seconds: Option<i64>,
    pub open_at_as_of: bool,
    pub escalations: i64,
    pub category: String,
    pub root_cause: String,
    pub resolution_type: String,
    pub problem_id: String,
    pub subject: String,
    pub breached_metrics: String,
}

pub fn load_major_incidents(dir: &Path) -> Result<Vec<MajorIncident>> {
    let c = table(dir, "major_incidents")?;
    let (period, ticket, customer, contract, priority, severity) = (
        c.s("period")?,
        c.s("ticket_id")?,
        c.s("customer_id")?,
        c.os("contract_id")?,
        c.s("priority")?,
        c.s("severity")?,
    );
    let (created, solved, dur, open, esc) = (
        c.ts("created_at")?,
        c.ts("first_solved_at")?,
        c.oi("duration_seconds")?,
        c.b("open_at_as_of")?,
        c.i("escalations")?,
    );
    let (category, root, resolution, problem, subject, breached) = (
        c.s("category")?,
        c.s("root_cause")?,
        c.s("resolution_type")?,
        c.s("problem_id")?,
        c.s("subject")?,
        c.s("breached_metrics")?,
    );
    Ok((0..c.n())
        .map(|i| MajorIncident {
            period: period[i].clone(),
            ticket_id: ticket[i].clone(),
            customer_id: customer[i].clone(),
            contract_id: contract[i].clone(),
            priority: priority[i].clone(),
            severity: severity[i].clone(),
            created_at: created[i],
            first_solved_at: solved[i],
            duration_seconds: dur[i],
            open_at_as_of: open[i],
            escalations: esc[i],
            category: category[i].clone(),
            root_cause: root[i].clone(),
            resolution_type: resolution[i].clone(),
            problem_id: problem[i].clone(),
            subject: subject[i].clone(),
            breached_metrics: breached[i].clone(),
        })
        .collect())
}

/// `maintenance_review`: one maintenance record in the period it belongs to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MaintenanceRecord {
    pub period: String,
    pub contract_id: String,
    pub customer_id: String,
    pub maintenance_id: String,
    pub kind: String,
    pub planned_on: Option<String>,
    pub released_at: Option<i64>,
    pub done_at: Option<i64>,
    pub due_at: Option<i64>,
    pub state: String,
    pub summary: String,
}

pub fn load_maintenance_review(dir: &Path) -> Result<Vec<MaintenanceRecord>> {
    let c = table(dir, "maintenance_review")?;
    let (period, contract, customer, id, kind, planned) = (
        c.s("period")?,
        c.s("contract_id")?,
        c.s("customer_id")?,
        c.s("maintenance_id")?,
        c.s("kind")?,
        c.d("planned_on")?,
    );
    let (released, done, due, state, summary) = (
        c.ts("released_at")?,
        c.ts("done_at")?,
        c.ts("due_at")?,
        c.s("state")?,
        c.s("summary")?,
    );
    Ok((0..c.n())
        .map(|i| MaintenanceRecord {
            period: period[i].clone(),
            contract_id: contract[i].clone(),
            customer_id: customer[i].clone(),
            maintenance_id: id[i].clone(),
            kind: kind[i].clone(),
            planned_on: planned[i].clone(),
            released_at: released[i],
            done_at: done[i],
            due_at: due[i],
            state: state[i].clone(),
            summary: summary[i].clone(),
        })
        .collect())
}

/// `maintenance_summary`: a contract's promised and done maintenance in a period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MaintenanceSummary {
    pub period: String,
    pub contract_id: String,
    pub customer_id: String,
    pub inspections_promised: Option<i64>,
    pub inspections_done: i64,
    pub inspections_status: String,
    pub patches: i64,
    pub patches_kept: i64,
    pub patches_late: i64,
    pub patches_missed: i64,
    pub patches_open: i64,
    pub upgrades_done: i64,
    pub optimizations_done: i64,
    pub planned_next: i64,
}

pub fn load_maintenance_summary(dir: &Path) -> Result<Vec<MaintenanceSummary>> {
    let c = table(dir, "maintenance_summary")?;
    let (period, contract, customer, promised, done, status) = (
        c.s("period")?,
        c.s("contract_id")?,
        c.s("customer_id")?,
        c.oi("inspections_promised")?,
        c.i("inspections_done")?,
        c.s("inspections_status")?,
    );
    let (patches, kept, late, missed, open) = (
        c.i("patches")?,
        c.i("patches_kept")?,
        c.i("patches_late")?,
        c.i("patches_missed")?,
        c.i("patches_open")?,
    );
    let (upgrades, optimizations, next) = (
        c.i("upgrades_done")?,
        c.i("optimizations_done")?,
        c.i("planned_next")?,
    );
    Ok((0..c.n())
        .map(|i| MaintenanceSummary {
            period: period[i].clone(),
            contract_id: contract[i].clone(),
            customer_id: customer[i].clone(),
            inspections_promised: promised[i],
            inspections_done: done[i],
            inspections_status: status[i].clone(),
            patches: patches[i],
            patches_kept: kept[i],
            patches_late: late[i],
            patches_missed: missed[i],
            patches_open: open[i],
            upgrades_done: upgrades[i],
            optimizations_done: optimizations[i],
            planned_next: next[i],
        })
        .collect())
}

/// `waivers`: an accepted waiver and the ticket_sla row it applies to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Waiver {
    pub period: String,
    pub ticket_id: String,
    pub customer_id: String,
    pub contract_id: Option<String>,
    pub waiver_metric: String,
    /// Null when the waiver matches no ticket_sla row.
    pub metric: Option<String>,
    pub reason: String,
    pub approved_by: String,
    pub note: Option<String>,
    pub state: Option<String>,
    pub target_seconds: Option<i64>,
    pub elapsed_seconds: Option<i64>,
    pub breached_at: Option<i64>,
    /// The row's clock (`business` or `calendar`), null like `metric`.
    pub clock: Option<String>,
}

pub fn load_waivers(dir: &Path) -> Result<Vec<Waiver>> {
    let c = table(dir, "waivers")?;
    let (period, ticket, customer, contract, wm, metric) = (
        c.s("period")?,
        c.s("ticket_id")?,
        c.s("customer_id")?,
        c.os("contract_id")?,
        c.s("waiver_metric")?,
        c.os("metric")?,
    );
    let (reason, approved, note, state, target, elapsed, at) = (
        c.s("reason")?,
        c.s("approved_by")?,
        c.os("note")?,
        c.os("state")?,
        c.oi("target_seconds")?,
        c.oi("elapsed_seconds")?,
        c.ts("breached_at")?,
    );
    // A table written before the column existed has no clocks: durations print on the calendar.
    let clock = if c.df.column("clock").is_ok() {
        c.os("clock")?
    } else {
        vec![None; c.n()]
    };
    Ok((0..c.n())
        .map(|i| Waiver {
            clock: clock[i].clone(),
            period: period[i].clone(),
            ticket_id: ticket[i].clone(),
            customer_id: customer[i].clone(),
            contract_id: contract[i].clone(),
            waiver_metric: wm[i].clone(),
            metric: metric[i].clone(),
            reason: reason[i].clone(),
            approved_by: approved[i].clone(),
            note: note[i].clone(),
            state: state[i].clone(),
            target_seconds: target[i],
            elapsed_seconds: elapsed[i],
            breached_at: at[i],
        })
        .collect())
}

/// `actions_review`: an action agreed at a review, with its status at as_of.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ActionRow {
    pub period: String,
    pub contract_id: String,
    pub customer_id: String,
    pub action_id: String,
    pub raised_in: String,
    pub owner_side: String,
    /// As filed: may hold a person's name, so never printed in a customer sentence.
    pub owner: String,
    pub action: String,
    pub due_on: Option<String>,
    pub done_on: Option<String>,
    pub status: String,
    pub review: String,
    pub days_overdue: Option<i64>,
}

pub fn load_actions_review(dir: &Path) -> Result<Vec<ActionRow>> {
    let c = table(dir, "actions_review")?;
    let (period, contract, customer, id, raised, side, owner) = (
        c.s("period")?,
        c.s("contract_id")?,
        c.s("customer_id")?,
        c.s("action_id")?,
        c.s("raised_in")?,
        c.s("owner_side")?,
        c.s("owner")?,
    );
    let (action, due, done, status, review, overdue) = (
        c.s("action")?,
        c.d("due_on")?,
        c.d("done_on")?,
        c.s("status")?,
        c.s("review")?,
        c.oi("days_overdue")?,
    );
    Ok((0..c.n())
        .map(|i| ActionRow {
            period: period[i].clone(),
            contract_id: contract[i].clone(),
            customer_id: customer[i].clone(),
            action_id: id[i].clone(),
            raised_in: raised[i].clone(),
            owner_side: side[i].clone(),
            owner: owner[i].clone(),
            action: action[i].clone(),
            due_on: due[i].clone(),
            done_on: done[i].clone(),
            status: status[i].clone(),
            review: review[i].clone(),
            days_overdue: overdue[i],
        })
        .collect())
}

/// `recommendations`, read back.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommendation {
    pub period: String,
    pub scope: String,
    pub key: String,
    pub rec_order: i64,
    pub kind: String,
    pub source_table: String,
    pub source_row: String,
    pub figure: String,
    pub text: String,
    /// The `SENTENCES` template it was written from and its parameters (JSON object).
    pub template: String,
    pub params: String,
}

pub fn load_recommendations(dir: &Path) -> Result<Vec<Recommendation>> {
    let c = table(dir, "recommendations")?;
    let (period, scope, key, order, kind) = (
        c.s("period")?,
        c.s("scope")?,
        c.s("key")?,
        c.i("rec_order")?,
        c.s("kind")?,
    );
    let (st, sr, figure, text, template, params) = (
        c.s("source_table")?,
        c.s("source_row")?,
        c.s("figure")?,
        c.s("text")?,
        c.s("template")?,
        c.s("params")?,
    );
    Ok((0..c.n())
        .map(|i| Recommendation {
            period: period[i].clone(),
            scope: scope[i].clone(),
            key: key[i].clone(),
            rec_order: order[i],
            kind: kind[i].clone(),
            source_table: st[i].clone(),
            source_row: sr[i].clone(),
            figure: figure[i].clone(),
            text: text[i].clone(),
            template: template[i].clone(),
            params: params[i].clone(),
        })
        .collect())
}

/// `executive_summary`, read back.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SummarySentence {
    pub period: String,
    pub scope: String,
    pub key: String,
    pub sentence_order: i64,
    pub kind: String,
    pub source_table: String,
    pub source_row: String,
    pub text: String,
    pub template: String,
    pub params: String,
}

pub fn load_executive_summary(dir: &Path) -> Result<Vec<SummarySentence>> {
    let c = table(dir, "executive_summary")?;
    let (period, scope, key, order, kind) = (
        c.s("period")?,
        c.s("scope")?,
        c.s("key")?,
        c.i("sentence_order")?,
        c.s("kind")?,
    );
    let (st, sr, text, template, params) = (
        c.s("source_table")?,
        c.s("source_row")?,
        c.s("text")?,
        c.s("template")?,
        c.s("params")?,
    );
    Ok((0..c.n())
        .map(|i| SummarySentence {
            period: period[i].clone(),
            scope: scope[i].clone(),
            key: key[i].clone(),
            sentence_order: order[i],
            kind: kind[i].clone(),
            source_table: st[i].clone(),
            source_row: sr[i].clone(),
            text: text[i].clone(),
            template: template[i].clone(),
            params: params[i].clone(),
        })
        .collect())
}

/// The two `contract_review` columns issue 13 adds, per period and contract; absent columns
/// (a table written before issue 13) read as nothing.
#[derive(Debug, Clone, Default)]
pub struct ContractExtra {
    pub included_cases_prorated: Option<f64>,
    pub waived: i64,
}

fn load_contract_extra(dir: &Path) -> Result<BTreeMap<(String, String), ContractExtra>> {
    let c = table(dir, "contract_review")?;
    let (period, contract) = (c.s("period")?, c.s("contract_id")?);
    let prorated = if c.df.column("included_cases_prorated").is_ok() {
        c.f("included_cases_prorated")?
    } else {
        vec![None; c.n()]
    };
    let waived = if c.df.column("waived").is_ok() {
        c.i("waived")?
    } else {
        vec![0; c.n()]
    };
    let mut out: BTreeMap<(String, String), ContractExtra> = BTreeMap::new();
    for i in 0..c.n() {
        let e = out
            .entry((period[i].clone(), contract[i].clone()))
            .or_default();
        e.included_cases_prorated = prorated[i];
        e.waived += waived[i];
    }
    Ok(out)
}

/// Engineer names from the lake's `engineers` table (`engineer_id` -> `name`); none when the
/// table or its `name` column is absent.
pub fn engineer_names(lake: &Path) -> Result<BTreeMap<String, String>> {
    if !lake.join("engineers.parquet").exists() {
        return Ok(BTreeMap::new());
    }
    let df = t::read(lake, "engineers", None)?;
    let ids = t::text(&df, "engineer_id")?;
    let names = if df.column("name").is_ok() {
        t::text(&df, "name")?
    } else {
        vec![String::new(); df.height()]
    };
    Ok(ids.into_iter().zip(names).collect())
}

/// `Name (E001)`, the id alone without a name, `unassigned` for no one.
pub fn engineer_label(names: &BTreeMap<String, String>, id: &str) -> String {
    match names.get(id) {
        _ if id.is_empty() => "unassigned".to_string(),
        Some(n) if !n.is_empty() => format!("{n} ({id})"),
        _ => id.to_string(),
    }
}

/// Every input of the story: the tables the queries write, `contract_review`, and (when
/// loaded with `load`) the two tables `write_tables` writes.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub contracts: Vec<ContractPeriod>,
    pub contract_extra: BTreeMap<(String, String), ContractExtra>,
    pub escalations: Vec<Escalation>,
    pub escalation_counts: Vec<EscalationCount>,
    pub breach_attribution: Vec<BreachAttribution>,
    pub themes: Vec<Theme>,
    pub recurring_problems: Vec<RecurringProblem>,
    pub resolution_mix: Vec<ResolutionMix>,
    pub major_incidents: Vec<MajorIncident>,
    pub maintenance_review: Vec<MaintenanceRecord>,
    pub maintenance_summary: Vec<MaintenanceSummary>,
    pub waivers: Vec<Waiver>,
    pub actions_review: Vec<ActionRow>,
    pub recommendations: Vec<Recommendation>,
    pub executive_summary: Vec<SummarySentence>,
    /// `renewal_notes` of kind `renewed`: (period, contract_id) -> (note_order, note). A
    /// renewed contract is not "due for renewal" (its successor is in place).
    pub renewed: BTreeMap<(String, String), (i64, String)>,
    /// The reporting zone (`run_info`): which quarter an instant falls in.
    pub tz: Tz,
}

/// The reporting zone of `run_info` (an error naming the table when it is missing or bad, not
/// UTC: a quarter's tickets would be counted in the wrong days).
fn reporting_tz(dir: &Path) -> Result<Tz> {
    Ok(super::load::run_info(dir)?.tz)
}

/// The `renewed` notes of `renewal_notes`, when the table is there (it is written just before
/// the story's tables).
fn load_renewed(dir: &Path) -> Result<BTreeMap<(String, String), (i64, String)>> {
    let mut out = BTreeMap::new();
    if !dir.join("renewal_notes.parquet").exists() {
        return Ok(out);
    }
    let c = table(dir, "renewal_notes")?;
    let (period, contract, order, kind, note) = (
        c.s("period")?,
        c.s("contract_id")?,
        c.i("note_order")?,
        c.s("kind")?,
        c.s("note")?,
    );
    for i in 0..c.n() {
        if kind[i] == "renewed" {
            out.insert(
                (period[i].clone(), contract[i].clone()),
                (order[i], note[i].clone()),
            );
        }
    }
    Ok(out)
}

/// The tables `write_tables` derives from (everything but its own two).
pub fn load_inputs(dir: &Path) -> Result<Inputs> {
    if !dir.join("contract_review.parquet").exists() {
        return Err(ReportError::MissingStoryTable {
            table: "contract_review".into(),
            dir: dir.to_path_buf(),
        });
    }
    Ok(Inputs {
        contracts: contract::load(dir)?,
        contract_extra: load_contract_extra(dir)?,
        escalations: load_escalations(dir)?,
        escalation_counts: load_escalation_counts(dir)?,
        breach_attribution: load_breach_attribution(dir)?,
        themes: load_themes(dir)?,
        recurring_problems: load_recurring_problems(dir)?,
        resolution_mix: load_resolution_mix(dir)?,
        major_incidents: load_major_incidents(dir)?,
        maintenance_review: load_maintenance_review(dir)?,
        maintenance_summary: load_maintenance_summary(dir)?,
        waivers: load_waivers(dir)?,
        actions_review: load_actions_review(dir)?,
        recommendations: Vec::new(),
        executive_summary: Vec::new(),
        renewed: load_renewed(dir)?,
        tz: reporting_tz(dir)?,
    })
}

/// Every story table, `recommendations` and `executive_summary` included (for the documents).
pub fn load(dir: &Path) -> Result<Inputs> {
    let mut inputs = load_inputs(dir)?;
    inputs.recommendations = load_recommendations(dir)?;
    inputs.executive_summary = load_executive_summary(dir)?;
    Ok(inputs)
}

// ---------------------------------------------------------------------------------------------
// Sentences

/// A theme needs this many tickets before its breach rate is called the highest (two tickets
/// with one breach are not a trend).
pub const MIN_THEME_TICKETS: i64 = 5;

/// The English template of `id` (`[sentence]` of locales/en.toml; the tables' sentences are
/// English, the documents' in their language: `localize`).
pub fn template(id: &str) -> Option<&'static str> {
    let key = format!("sentence.{id}");
    let en = i18n::english();
    en.has(&key).then(|| en.t_static(&key))
}

/// `template` with each `{name}` replaced by its parameter.
pub fn render(id: &str, params: &[(&str, String)]) -> String {
    let template = template(id).unwrap_or_else(|| panic!("no sentence template `{id}`"));
    let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    i18n::fill(template, &refs)
}

/// One sentence written: a summary sentence or a recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub scope: &'static str,
    pub key: String,
    /// The column `kind` (`commitments`, ..., `highlight`, `lowlight`; a recommendation's kind).
    pub kind: &'static str,
    pub template: &'static str,
    pub source_table: &'static str,
    pub source_row: String,
    pub params: Vec<(&'static str, String)>,
    /// Recommendations: the number it rests on, as printed.
    pub figure: String,
    pub text: String,
}

impl Line {
    fn new(
        kind: &'static str,
        template: &'static str,
        source_table: &'static str,
        source_row: String,
        params: Vec<(&'static str, String)>,
    ) -> Line {
        let text = render(template, &params);
        Line {
            scope: "",
            key: String::new(),
            kind,
            template,
            source_table,
            source_row,
            params,
            figure: String::new(),
            text,
        }
    }
    fn figure(mut self, f: String) -> Line {
        self.figure = f;
        self
    }
    /// The parameters as a JSON object (keys sorted).
    pub fn params_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .params
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
            .collect();
        serde_json::Value::Object(map).to_string()
    }
}

/// `period=2026Q3; contract_id=C-001`.
fn row(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn signed(v: f64) -> String {
    // Rounded first, so a change under 0.05 reads 0.0, never -0.0.
    let v = (v * 10.0).round() / 10.0;
    if v > 0.0 {
        format!("+{v:.1}")
    } else if v < 0.0 {
        format!("{v:.1}")
    } else {
        "0.0".to_string()
    }
}

fn signed_int(v: i64) -> String {
    if v > 0 {
        format!("+{v}")
    } else {
        v.to_string()
    }
}

/// `USD 1,500.00 + KRW 200,000`: one amount per currency, in currency order.
fn credits(rows: &[&ContractPeriod]) -> String {
    let mut by: BTreeMap<&str, f64> = BTreeMap::new();
    for cp in rows {
        *by.entry(cp.currency.as_str()).or_default() += cp.credit_amount;
    }
    if by.is_empty() {
        return "–".into();
    }
    by.iter()
        .map(|(c, a)| money(Some(*a), c))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn p(name: &'static str, v: impl ToString) -> (&'static str, String) {
    (name, v.to_string())
}

// ---------------------------------------------------------------------------------------------
// Deriving the sentences

/// A change candidate: (absolute size, line).
type Change = (f64, Line);

/// Compliance (met / (met + breached)) per priority and metric, pooled over `rows`.
fn pooled(rows: &[&ContractPeriod]) -> BTreeMap<(String, String), (i64, i64)> {
    let mut out: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for cp in rows {
        for c in &cp.commitments {
            let e = out
                .entry((c.priority.clone(), c.metric.clone()))
                .or_default();
            e.0 += c.met;
            e.1 += c.breached;
        }
    }
    out
}

fn ratio(met: i64, breached: i64) -> Option<f64> {
    (met + breached > 0).then(|| 100.0 * met as f64 / (met + breached) as f64)
}

fn metric_order(m: &str) -> usize {
    ["first_response", "update", "resolution", "system_down"]
        .iter()
        .position(|x| *x == m)
        .unwrap_or(9)
}

/// The compliance and volume changes between two sets of contract rows, largest first (ties:
/// priority, then metric order, then volume). `row_key` are the key pairs naming the current
/// rows (`period=...; contract_id=...`).
fn changes(
    now: &[&ContractPeriod],
    before: &[&ContractPeriod],
    previous: &str,
    row_key: &[(&str, &str)],
) -> Vec<Change> {
    let (a, b) = (pooled(now), pooled(before));
    let mut out: Vec<Change> = Vec::new();
    let mut keys: Vec<&(String, String)> = a.keys().collect();
    keys.sort_by_key(|(pr, m)| (pr.clone(), metric_order(m)));
    for k in keys {
        let (Some(x), Some(y)) = (
            ratio(a[k].0, a[k].1),
            b.get(k).and_then(|v| ratio(v.0, v.1)),
        ) else {
            continue;
        };
        let mut key: Vec<(&str, &str)> = row_key.to_vec();
        key.push(("priority", &k.0));
        key.push(("metric", &k.1));
        out.push((
            (x - y).abs(),
            Line::new(
                "largest_change",
                "change_compliance",
                "contract_review",
                row(&key),
                vec![
                    p("previous", previous),
                    p("priority", &k.0),
                    p("metric", metric_label(&k.1)),
                    p("before", pct(Some(y))),
                    p("after", pct(Some(x))),
                    p("change", signed(x - y)),
                ],
            )
            .figure(signed(x - y)),
        ));
    }
    let created = |rows: &[&ContractPeriod]| rows.iter().map(|c| c.tickets_created).sum::<i64>();
    let (x, y) = (created(now), created(before));
    if y > 0 {
        let change = 100.0 * (x - y) as f64 / y as f64;
        out.push((
            change.abs(),
            Line::new(
                "largest_change",
                "change_volume",
                "contract_review",
                row(row_key),
                vec![
                    p("previous", previous),
                    p("before", y),
                    p("after", x),
                    p("change", format!("{}%", signed(change))),
                ],
            ),
        ));
    }
    // Stable: equal sizes keep the order above.
    out.sort_by(|l, r| r.0.total_cmp(&l.0));
    out
}

fn largest_change(
    now: &[&ContractPeriod],
    before: &[&ContractPeriod],
    previous: &str,
    row_key: &[(&str, &str)],
    previous_key: &[(&str, &str)],
) -> Line {
    if before.is_empty() {
        return Line::new(
            "largest_change",
            "change_no_data",
            "contract_review",
            row(previous_key),
            vec![p("previous", previous)],
        );
    }
    match changes(now, before, previous, row_key).into_iter().next() {
        Some((size, line)) if size > 0.0 => line,
        _ => Line::new(
            "largest_change",
            "change_none",
            "contract_review",
            row(row_key),
            vec![p("previous", previous)],
        ),
    }
}

fn top_theme(inp: &Inputs, period: &str, dimension: &str, key: &str) -> Line {
    let rows = themes_of(inp, period, dimension, key);
    match rows.first() {
        Some(th) => Line::new(
            "top_theme",
            "top_theme",
            "themes",
            row(&[
                ("period", period),
                ("dimension", dimension),
                ("key", key),
                ("theme", &th.theme),
            ]),
            vec![
                p("theme", &th.theme),
                p("tickets", th.tickets),
                p("share", pct(th.share_pct)),
                p("breach_rate", pct(th.breach_rate_pct)),
            ],
        ),
        None => Line::new(
            "top_theme",
            "top_theme_no_data",
            "themes",
            row(&[("period", period), ("dimension", dimension), ("key", key)]),
            vec![p("period", period)],
        ),
    }
}

/// The themes of a key in a period, most tickets first.
fn themes_of<'a>(inp: &'a Inputs, period: &str, dimension: &str, key: &str) -> Vec<&'a Theme> {
    let mut rows: Vec<&Theme> = inp
        .themes
        .iter()
        .filter(|t| t.period == period && t.dimension == dimension && t.key == key)
        .collect();
    rows.sort_by(|a, b| b.tickets.cmp(&a.tickets).then(a.theme.cmp(&b.theme)));
    rows
}

fn incidents(inp: &Inputs, period: &str, contract: Option<&str>) -> Line {
    let rows: Vec<&MajorIncident> = inp
        .major_incidents
        .iter()
        .filter(|m| {
            m.period == period && contract.is_none_or(|c| m.contract_id.as_deref() == Some(c))
        })
        .collect();
    let mut key = vec![("period", period)];
    if let Some(c) = contract {
        key.push(("contract_id", c));
    }
    if rows.is_empty() {
        return Line::new(
            "incidents",
            "incidents_none",
            "major_incidents",
            row(&key),
            vec![p("period", period)],
        );
    }
    let longest = rows.iter().filter_map(|m| m.duration_seconds).max();
    Line::new(
        "incidents",
        "incidents",
        "major_incidents",
        row(&key),
        vec![
            p("period", period),
            p("count", rows.len()),
            p("longest", i18n::english().duration(longest)),
            p("open", rows.iter().filter(|m| m.open_at_as_of).count()),
        ],
    )
}

fn escalation_count<'a>(
    inp: &'a Inputs,
    period: &str,
    dimension: &str,
    key: &str,
) -> Option<&'a EscalationCount> {
    inp.escalation_counts
        .iter()
        .find(|e| e.period == period && e.dimension == dimension && e.key == key)
}

fn escalations(inp: &Inputs, period: &str, previous: &str, dimension: &str, key: &str) -> Line {
    escalations_against(inp, period, previous, dimension, key, key)
}

/// As `escalations`, with the previous quarter's count taken from `previous_key` (a renewed
/// contract is compared with the contract it follows, as its compliance is).
fn escalations_against(
    inp: &Inputs,
    period: &str,
    previous: &str,
    dimension: &str,
    key: &str,
    previous_key: &str,
) -> Line {
    let k = row(&[("period", period), ("dimension", dimension), ("key", key)]);
    if inp.escalation_counts.is_empty() && inp.escalations.is_empty() {
        return Line::new(
            "escalations",
            "escalations_no_data",
            "escalation_counts",
            k,
            vec![],
        );
    }
    match escalation_count(inp, period, dimension, key) {
        Some(e) if e.escalations > 0 => {
            let before = if previous_key == key {
                e.previous_escalations
            } else {
                escalation_count(inp, previous, dimension, previous_key)
                    .map(|b| b.escalations)
                    .unwrap_or(0)
            };
            Line::new(
                "escalations",
                "escalations",
                "escalation_counts",
                k,
                vec![
                    p("period", period),
                    p("escalations", e.escalations),
                    p("tickets", e.tickets),
                    p("change", signed_int(e.escalations - before)),
                    p("previous_escalations", before),
                    p("previous", previous),
                ],
            )
        }
        _ => Line::new(
            "escalations",
            "escalations_none",
            "escalation_counts",
            k,
            vec![p("period", period)],
        ),
    }
}

fn renewal_in_next(cp: &ContractPeriod, report: Quarter) -> bool {
    let next = report.next();
    match chrono::NaiveDate::parse_from_str(&cp.renewal_date, "%Y-%m-%d") {
        Ok(d) => d >= next.first_day() && d < next.end_day(),
        Err(_) => false,
    }
}

fn renewals(inp: &Inputs, now: &[&ContractPeriod], report: Quarter) -> Line {
    let period = report.label();
    let next = report.next().label();
    let due: Vec<&str> = now
        .iter()
        .filter(|cp| renewal_in_next(cp, report))
        .filter(|cp| {
            !inp.renewed
                .contains_key(&(period.clone(), cp.contract_id.clone()))
        })
        .map(|cp| cp.contract_id.as_str())
        .collect();
    if due.is_empty() {
        Line::new(
            "renewal",
            "renewals_none",
            "contract_review",
            row(&[("period", &period)]),
            vec![p("next", &next)],
        )
    } else {
        Line::new(
            "renewal",
            "renewals",
            "contract_review",
            row(&[("period", &period)]),
            vec![
                p("next", &next),
                p("count", due.len()),
                p("contracts", due.join(", ")),
            ],
        )
    }
}

/// The recurring problems of a key in a period, most tickets first.
fn recurring_of<'a>(
    inp: &'a Inputs,
    period: &str,
    dimension: &str,
    key: &str,
) -> Vec<&'a RecurringProblem> {
    let mut rows: Vec<&RecurringProblem> = inp
        .recurring_problems
        .iter()
        .filter(|r| r.period == period && r.dimension == dimension && r.key == key)
        .collect();
    rows.sort_by(|a, b| {
        b.tickets
            .cmp(&a.tickets)
            .then(a.problem_id.cmp(&b.problem_id))
    });
    rows
}

/// Recurring problems that came back in the period itself (a ticket created in it): the ones
/// a lowlight or a recommendation is about. A problem whose last ticket is older, often already
/// fixed for good, stays in the themes section's list but asks for nothing.
fn recurring_now<'a>(
    inp: &'a Inputs,
    period: &str,
    dimension: &str,
    key: &str,
) -> Vec<&'a RecurringProblem> {
    recurring_of(inp, period, dimension, key)
        .into_iter()
        .filter(|r| {
            r.last_created_at.is_some_and(|t| {
                crate::period::Quarter::containing(crate::period::local_date(&inp.tz, t)).label()
                    == period
            })
        })
        .collect()
}

fn recurring_line(kind: &'static str, template: &'static str, r: &RecurringProblem) -> Line {
    Line::new(
        kind,
        template,
        "recurring_problems",
        row(&[
            ("period", &r.period),
            ("dimension", &r.dimension),
            ("key", &r.key),
            ("problem_id", &r.problem_id),
        ]),
        vec![
            p("problem_id", &r.problem_id),
            p("tickets", r.tickets),
            p("quarters", r.quarters),
            p("ticket_ids", &r.ticket_ids),
        ],
    )
    .figure(format!("{} tickets", r.tickets))
}

/// The customer's `contract_review` records of the four quarters ending with `report`.
fn history<'a>(inp: &'a Inputs, cp: &ContractPeriod, report: Quarter) -> Vec<&'a ContractPeriod> {
    let first = report.prev().prev().prev().label();
    let last = report.label();
    inp.contracts
        .iter()
        .filter(|h| h.customer_id == cp.customer_id && h.period >= first && h.period <= last)
        .collect()
}

/// The summary sentences, highlights and lowlights, and recommendations of one contract in the
/// report period. Nothing here names an engineer or reads another customer's rows.
pub fn contract_lines(
    inp: &Inputs,
    cp: &ContractPeriod,
    report: Quarter,
) -> (Vec<Line>, Vec<Line>) {
    let period = report.label();
    let previous = report.prev().label();
    let c = cp.contract_id.as_str();
    let key = [("period", period.as_str()), ("contract_id", c)];
    let mut s: Vec<Line> = Vec::new();

    // 1. Commitments kept and missed, and the credit.
    let n = cp.commitments.len();
    let params = vec![
        p("period", &period),
        p("kept", cp.kept),
        p("missed", cp.missed),
        p("no_tickets", cp.no_tickets),
        p("commitments", n),
        p("credit", money(Some(cp.credit_amount), &cp.currency)),
    ];
    let template = if cp.kept + cp.missed == 0 {
        "commitments_no_data"
    } else if cp.no_tickets > 0 {
        "commitments_idle"
    } else {
        "commitments"
    };
    s.push(Line::new(
        "commitments",
        template,
        "contract_review",
        row(&key),
        params,
    ));

    // 2. The largest change: the same contract in the previous quarter, else the customer's
    // contract of that quarter (a renewal).
    let mut before: Vec<&ContractPeriod> = inp
        .contracts
        .iter()
        .filter(|h| h.period == previous && h.contract_id == cp.contract_id)
        .collect();
    if before.is_empty() {
        before = inp
            .contracts
            .iter()
            .filter(|h| h.period == previous && h.customer_id == cp.customer_id)
            .take(1)
            .collect();
    }
    let previous_key: Vec<(&str, &str)> = match before.first() {
        Some(b) => vec![
            ("period", previous.as_str()),
            ("contract_id", b.contract_id.as_str()),
        ],
        None => vec![("period", previous.as_str()), ("contract_id", c)],
    };
    s.push(largest_change(
        &[cp],
        &before,
        &previous,
        &key,
        &previous_key,
    ));

    // 3. Top theme; 4. major incidents; 5. escalations.
    s.push(top_theme(inp, &period, "contract", c));
    s.push(incidents(inp, &period, Some(c)));
    let previous_contract = before
        .first()
        .map(|b| b.contract_id.clone())
        .unwrap_or_else(|| c.to_string());
    let esc = escalations_against(inp, &period, &previous, "contract", c, &previous_contract);
    s.push(esc);

    // 6. Renewal (a renewed contract says so, as its renewal note does).
    let next = report.next().label();
    let renewed = inp.renewed.get(&(period.clone(), cp.contract_id.clone()));
    s.push(if let Some((order, note)) = renewed {
        let order = order.to_string();
        Line::new(
            "renewal",
            "renewal_renewed",
            "renewal_notes",
            row(&[
                ("period", period.as_str()),
                ("contract_id", c),
                ("note_order", order.as_str()),
            ]),
            vec![p("note", note)],
        )
    } else if cp.renewal_date.is_empty() {
        Line::new(
            "renewal",
            "renewal_no_data",
            "contract_review",
            row(&key),
            vec![],
        )
    } else if renewal_in_next(cp, report) {
        Line::new(
            "renewal",
            "renewal_due",
            "contract_review",
            row(&key),
            vec![p("renewal_date", &cp.renewal_date), p("next", &next)],
        )
    } else {
        Line::new(
            "renewal",
            "renewal_later",
            "contract_review",
            row(&key),
            vec![
                p("renewal_date", &cp.renewal_date),
                p("end_date", &cp.end_date),
            ],
        )
    });

    // Highlights and lowlights, at most three each, in this order.
    let mut hl: Vec<Line> = Vec::new();
    let mut ll: Vec<Line> = Vec::new();
    if cp.missed == 0 && cp.kept > 0 {
        hl.push(Line::new(
            "highlight",
            "hl_all_kept",
            "contract_review",
            row(&key),
            vec![p("kept", cp.kept)],
        ));
    }
    // An improvement of 5 points or more, unless the largest change already says it.
    let largest = s
        .iter()
        .find(|l| l.kind == "largest_change")
        .map(|l| l.source_row.clone());
    for (size, line) in changes(&[cp], &before, &previous, &key) {
        if line.template == "change_compliance"
            && size >= 5.0
            && line.figure.starts_with('+')
            && largest.as_deref() != Some(line.source_row.as_str())
        {
            let params = line
                .params
                .iter()
                .filter(|(k, _)| ["priority", "metric", "before", "after"].contains(k))
                .cloned()
                .collect();
            hl.push(Line::new(
                "highlight",
                "hl_improved",
                "contract_review",
                line.source_row,
                params,
            ));
            break;
        }
    }
    for com in cp.commitments.iter().filter(|x| x.outcome == "missed") {
        ll.push(Line::new(
            "lowlight",
            "ll_missed",
            "contract_review",
            row(&[
                ("period", &period),
                ("contract_id", c),
                ("priority", &com.priority),
                ("metric", &com.metric),
            ]),
            vec![
                p("priority", &com.priority),
                p("metric", metric_label(&com.metric)),
                p("compliance", pct(com.compliance_pct)),
                p("commitment", pct(Some(com.commitment_pct))),
            ],
        ));
    }
    if let Some(e) = escalation_count(inp, &period, "contract", c) {
        let k = row(&[("period", &period), ("dimension", "contract"), ("key", c)]);
        let params = vec![
            p("previous_escalations", e.previous_escalations),
            p("escalations", e.escalations),
        ];
        if e.change < 0 {
            hl.push(Line::new(
                "highlight",
                "hl_escalations_down",
                "escalation_counts",
                k,
                params,
            ));
        } else if e.change > 0 {
            ll.push(Line::new(
                "lowlight",
                "ll_escalations_up",
                "escalation_counts",
                k,
                params,
            ));
        }
    }
    let maint = inp
        .maintenance_summary
        .iter()
        .find(|m| m.period == period && m.contract_id == c);
    if let Some(m) = maint {
        let k = row(&[("period", &period), ("contract_id", c)]);
        if m.patches > 0 && m.patches_kept == m.patches {
            hl.push(Line::new(
                "highlight",
                "hl_patches_kept",
                "maintenance_summary",
                k.clone(),
                vec![p("patches", m.patches)],
            ));
        }
        if m.patches_missed + m.patches_late > 0 {
            ll.push(Line::new(
                "lowlight",
                "ll_patches",
                "maintenance_summary",
                k.clone(),
                vec![
                    p("missed", m.patches_missed),
                    p("late", m.patches_late),
                    p("patches", m.patches),
                ],
            ));
        }
        if let Some(promised) = m.inspections_promised {
            let params = vec![p("done", m.inspections_done), p("promised", promised)];
            match m.inspections_status.as_str() {
                "kept" => hl.push(Line::new(
                    "highlight",
                    "hl_inspections_kept",
                    "maintenance_summary",
                    k,
                    params,
                )),
                "missed" => ll.push(Line::new(
                    "lowlight",
                    "ll_inspections",
                    "maintenance_summary",
                    k,
                    params,
                )),
                _ => {}
            }
        }
    }
    let actions: Vec<&ActionRow> = inp
        .actions_review
        .iter()
        .filter(|a| a.period == period && a.contract_id == c)
        .collect();
    let last_review: Vec<&&ActionRow> = actions.iter().filter(|a| a.review == "previous").collect();
    if !last_review.is_empty() && last_review.iter().all(|a| a.status == "done") {
        hl.push(Line::new(
            "highlight",
            "hl_actions_done",
            "actions_review",
            row(&[
                ("period", &period),
                ("contract_id", c),
                ("review", "previous"),
            ]),
            vec![p("count", last_review.len()), p("previous", &previous)],
        ));
    }
    let overdue: Vec<&&ActionRow> = actions.iter().filter(|a| a.status == "overdue").collect();
    if !overdue.is_empty() {
        ll.push(Line::new(
            "lowlight",
            "ll_overdue_actions",
            "actions_review",
            row(&[
                ("period", &period),
                ("contract_id", c),
                ("status", "overdue"),
            ]),
            vec![
                p("count", overdue.len()),
                p(
                    "days",
                    overdue
                        .iter()
                        .filter_map(|a| a.days_overdue)
                        .max()
                        .unwrap_or(0),
                ),
            ],
        ));
    }
    let recurring = recurring_now(inp, &period, "contract", c);
    if let Some(r) = recurring.first() {
        ll.push(recurring_line("lowlight", "ll_recurring", r));
    }
    hl.truncate(3);
    ll.truncate(3);
    s.extend(hl);
    s.extend(ll);

    // Recommendations.
    let mut rec: Vec<Line> = Vec::new();
    let hist = history(inp, cp, report);
    for com in &cp.commitments {
        let mut missed_in: Vec<&str> = hist
            .iter()
            .filter(|h| {
                h.commitments.iter().any(|x| {
                    x.priority == com.priority && x.metric == com.metric && x.outcome == "missed"
                })
            })
            .map(|h| h.period.as_str())
            .collect();
        missed_in.sort();
        missed_in.dedup();
        if missed_in.len() >= 2 {
            rec.push(
                Line::new(
                    "commitment_missed_twice",
                    "rec_commitment_missed_twice",
                    "contract_review",
                    row(&[
                        ("period", &period),
                        ("contract_id", c),
                        ("priority", &com.priority),
                        ("metric", &com.metric),
                    ]),
                    vec![
                        p("priority", &com.priority),
                        p("metric", metric_label(&com.metric)),
                        p("missed", missed_in.len()),
                        p("periods", missed_in.join(", ")),
                    ],
                )
                .figure(format!("{} of 4 quarters", missed_in.len())),
            );
        }
    }
    for r in recurring.iter().take(3) {
        rec.push(recurring_line(
            "recurring_problem",
            "rec_recurring_problem",
            r,
        ));
    }
    let extra = inp
        .contract_extra
        .get(&(period.clone(), c.to_string()))
        .cloned()
        .unwrap_or_default();
    let included = extra
        .included_cases_prorated
        .or(cp.included_cases.map(|i| i as f64));
    if let Some(inc) = included.filter(|inc| cp.tickets_created as f64 > *inc) {
        rec.push(
            Line::new(
                "above_entitlement",
                "rec_above_entitlement",
                "contract_review",
                row(&key),
                vec![p("created", cp.tickets_created), p("included", num(inc))],
            )
            .figure(format!("{} / {}", cp.tickets_created, num(inc))),
        );
    }
    for a in &overdue {
        let days = a.days_overdue.unwrap_or(0);
        rec.push(
            Line::new(
                "overdue_action",
                "rec_overdue_action",
                "actions_review",
                row(&[
                    ("period", &period),
                    ("contract_id", c),
                    ("action_id", &a.action_id),
                ]),
                vec![
                    p("action_id", &a.action_id),
                    // The side only: `owner` as filed may hold a person's name.
                    p("owner_side", &a.owner_side),
                    p("action", &a.action),
                    p("days", days),
                    p("due_on", a.due_on.clone().unwrap_or_default()),
                ],
            )
            .figure(format!("{days} days overdue")),
        );
    }
    if let Some(m) = maint {
        let k = row(&[("period", &period), ("contract_id", c)]);
        if m.patches_missed + m.patches_late > 0 {
            rec.push(
                Line::new(
                    "patch_missed",
                    "rec_patch_missed",
                    "maintenance_summary",
                    k.clone(),
                    vec![
                        p("period", &period),
                        p("missed", m.patches_missed),
                        p("late", m.patches_late),
                        p("patches", m.patches),
                    ],
                )
                .figure(format!(
                    "{} missed, {} late",
                    m.patches_missed, m.patches_late
                )),
            );
        }
        if let (Some(promised), "missed") = (m.inspections_promised, m.inspections_status.as_str())
        {
            rec.push(
                Line::new(
                    "inspections_missed",
                    "rec_inspections_missed",
                    "maintenance_summary",
                    k,
                    vec![
                        p("period", &period),
                        p("done", m.inspections_done),
                        p("promised", promised),
                    ],
                )
                .figure(format!("{} / {}", m.inspections_done, promised)),
            );
        }
    }
    for l in s.iter_mut().chain(rec.iter_mut()) {
        l.scope = "contract";
        l.key = c.to_string();
    }
    (s, rec)
}

/// The team's (`scope` = `team`) or the portfolio's (`portfolio`) sentences over every
/// contract of the report period, and the team's recommendations (none for the portfolio: its
/// recommendations are its contracts'). The team's may name engineers (`names`).
pub fn pooled_lines(
    inp: &Inputs,
    scope: &'static str,
    report: Quarter,
    names: &BTreeMap<String, String>,
) -> (Vec<Line>, Vec<Line>) {
    let period = report.label();
    let previous = report.prev().label();
    let now: Vec<&ContractPeriod> = inp
        .contracts
        .iter()
        .filter(|c| c.period == period)
        .collect();
    let before: Vec<&ContractPeriod> = inp
        .contracts
        .iter()
        .filter(|c| c.period == previous)
        .collect();
    let key = [("period", period.as_str())];
    let mut s: Vec<Line> = Vec::new();

    // 1. Commitments.
    if now.is_empty() {
        s.push(Line::new(
            "commitments",
            "commitments_none_active",
            "contract_review",
            row(&key),
            vec![p("period", &period)],
        ));
    } else if scope == "portfolio" {
        s.push(Line::new(
            "commitments",
            "commitments_portfolio",
            "contract_review",
            row(&key),
            vec![
                p("period", &period),
                p(
                    "contracts_missed",
                    now.iter().filter(|c| c.missed > 0).count(),
                ),
                p("contracts", now.len()),
                p("credits", credits(&now)),
            ],
        ));
    } else {
        s.push(Line::new(
            "commitments",
            "commitments_team",
            "contract_review",
            row(&key),
            vec![
                p("period", &period),
                p("contracts", now.len()),
                p("kept", now.iter().map(|c| c.kept).sum::<i64>()),
                p("missed", now.iter().map(|c| c.missed).sum::<i64>()),
                p(
                    "commitments",
                    now.iter().map(|c| c.commitments.len()).sum::<usize>(),
                ),
                p("credits", credits(&now)),
            ],
        ));
    }
    // 2.-6.
    let previous_key = [("period", previous.as_str())];
    if !now.is_empty() {
        s.push(largest_change(
            &now,
            &before,
            &previous,
            &key,
            &previous_key,
        ));
    }
    s.push(top_theme(inp, &period, "all", "all"));
    s.push(incidents(inp, &period, None));
    s.push(escalations(inp, &period, &previous, "all", "all"));
    s.push(renewals(inp, &now, report));

    let mut hl: Vec<Line> = Vec::new();
    let mut ll: Vec<Line> = Vec::new();
    if scope == "portfolio" {
        let all_kept = now.iter().filter(|c| c.missed == 0 && c.kept > 0).count();
        if all_kept > 0 {
            hl.push(Line::new(
                "highlight",
                "hl_contracts_all_kept",
                "contract_review",
                row(&key),
                vec![p("count", all_kept), p("contracts", now.len())],
            ));
        }
        // Largest credit as a share of the period's fee, then the amount, then the id.
        let share = |c: &ContractPeriod| {
            if c.period_fee > 0.0 {
                c.credit_amount / c.period_fee
            } else {
                0.0
            }
        };
        if let Some(c) = now.iter().filter(|c| c.credit_amount > 0.0).min_by(|a, b| {
            share(b)
                .total_cmp(&share(a))
                .then(b.credit_amount.total_cmp(&a.credit_amount))
                .then(a.contract_id.cmp(&b.contract_id))
        }) {
            ll.push(Line::new(
                "lowlight",
                "ll_largest_credit",
                "contract_review",
                row(&[("period", &period), ("contract_id", &c.contract_id)]),
                vec![
                    p("contract", &c.contract_id),
                    p("customer", &c.customer_name),
                    p("credit", money(Some(c.credit_amount), &c.currency)),
                    p("share", pct(Some(100.0 * share(c)))),
                ],
            ));
        }
        if let Some(e) = top_count(inp, &period, "customer") {
            let name = now
                .iter()
                .find(|c| c.customer_id == e.key)
                .map(|c| format!("{} ({})", c.customer_name, e.key))
                .unwrap_or_else(|| e.key.clone());
            ll.push(Line::new(
                "lowlight",
                "ll_customer_escalations",
                "escalation_counts",
                row(&[
                    ("period", &period),
                    ("dimension", "customer"),
                    ("key", &e.key),
                ]),
                vec![p("customer", name), p("escalations", e.escalations)],
            ));
        }
    } else {
        let (kept, missed): (i64, i64) = (
            now.iter().map(|c| c.kept).sum(),
            now.iter().map(|c| c.missed).sum(),
        );
        if missed == 0 && kept > 0 {
            hl.push(Line::new(
                "highlight",
                "hl_all_kept",
                "contract_review",
                row(&key),
                vec![p("kept", kept)],
            ));
        }
        if let Some(e) = top_count(inp, &period, "engineer") {
            ll.push(Line::new(
                "lowlight",
                "ll_engineer_escalations",
                "escalation_counts",
                row(&[
                    ("period", &period),
                    ("dimension", "engineer"),
                    ("key", &e.key),
                ]),
                vec![
                    p("engineer", tied_labels(inp, &period, e, names)),
                    p("escalations", e.escalations),
                ],
            ));
        }
        if let Some(th) = worst_theme(inp, &period) {
            ll.push(theme_line("lowlight", "ll_theme_breach", th));
        }
    }
    // An improvement of 5 points or more, unless the largest change already says it.
    let largest = s
        .iter()
        .find(|l| l.kind == "largest_change")
        .map(|l| l.source_row.clone());
    for (size, line) in changes(&now, &before, &previous, &key) {
        if line.template == "change_compliance"
            && size >= 5.0
            && line.figure.starts_with('+')
            && largest.as_deref() != Some(line.source_row.as_str())
        {
            let params = line
                .params
                .iter()
                .filter(|(k, _)| ["priority", "metric", "before", "after"].contains(k))
                .cloned()
                .collect();
            hl.push(Line::new(
                "highlight",
                "hl_improved",
                "contract_review",
                line.source_row,
                params,
            ));
            break;
        }
    }
    if let Some(e) = escalation_count(inp, &period, "all", "all").filter(|e| e.change < 0) {
        hl.push(Line::new(
            "highlight",
            "hl_escalations_down",
            "escalation_counts",
            row(&[("period", &period), ("dimension", "all"), ("key", "all")]),
            vec![
                p("previous_escalations", e.previous_escalations),
                p("escalations", e.escalations),
            ],
        ));
    }
    if let Some(r) = recurring_now(inp, &period, "all", "all").first() {
        ll.push(recurring_line("lowlight", "ll_recurring", r));
    }
    hl.truncate(3);
    ll.truncate(3);
    s.extend(hl);
    s.extend(ll);

    let mut rec: Vec<Line> = Vec::new();
    if scope == "team" {
        if let Some(e) = top_count(inp, &period, "engineer") {
            rec.push(
                Line::new(
                    "engineer_escalations",
                    "rec_engineer_escalations",
                    "escalation_counts",
                    row(&[
                        ("period", &period),
                        ("dimension", "engineer"),
                        ("key", &e.key),
                    ]),
                    vec![
                        p("engineer", tied_labels(inp, &period, e, names)),
                        p("escalations", e.escalations),
                        p("period", &period),
                        p("change", signed_int(e.change)),
                        p("first", engineer_label(names, &e.key)),
                    ],
                )
                .figure(format!("{} escalations", e.escalations)),
            );
        }
        if let Some(th) = worst_theme(inp, &period) {
            rec.push(theme_line("theme_breach", "rec_theme_breach", th));
        }
        if let Some(r) = recurring_now(inp, &period, "all", "all").first() {
            rec.push(recurring_line(
                "recurring_problem",
                "rec_recurring_problem",
                r,
            ));
        }
        let overdue: Vec<&ActionRow> = inp
            .actions_review
            .iter()
            .filter(|a| a.period == period && a.status == "overdue" && a.owner_side == "vendor")
            .collect();
        if !overdue.is_empty() {
            let mut contracts: Vec<&str> = overdue.iter().map(|a| a.contract_id.as_str()).collect();
            contracts.sort();
            contracts.dedup();
            rec.push(
                Line::new(
                    "overdue_actions",
                    "rec_overdue_actions",
                    "actions_review",
                    row(&[
                        ("period", &period),
                        ("owner_side", "vendor"),
                        ("status", "overdue"),
                    ]),
                    vec![
                        p("count", overdue.len()),
                        p("contracts", contracts.join(", ")),
                    ],
                )
                .figure(format!("{} overdue", overdue.len())),
            );
        }
    }
    let k = if scope == "team" { "team" } else { "portfolio" };
    for l in s.iter_mut().chain(rec.iter_mut()) {
        l.scope = scope;
        l.key = k.to_string();
    }
    (s, rec)
}

/// The key of `dimension` with the most escalations in the period (named, > 0; ties by key).
fn top_count<'a>(inp: &'a Inputs, period: &str, dimension: &str) -> Option<&'a EscalationCount> {
    inp.escalation_counts
        .iter()
        .filter(|e| {
            e.period == period && e.dimension == dimension && e.escalations > 0 && !e.key.is_empty()
        })
        .min_by(|a, b| b.escalations.cmp(&a.escalations).then(a.key.cmp(&b.key)))
}

/// Everyone tied with the top count of `top_count` (a lowlight names them all, not the first
/// in id order).
fn tied_labels(
    inp: &Inputs,
    period: &str,
    top: &EscalationCount,
    names: &BTreeMap<String, String>,
) -> String {
    inp.escalation_counts
        .iter()
        .filter(|e| {
            e.period == period
                && e.dimension == top.dimension
                && e.escalations == top.escalations
                && !e.key.is_empty()
        })
        .map(|e| engineer_label(names, &e.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The team's theme with the highest breach rate among those with `MIN_THEME_TICKETS`
/// tickets or more (ties: more tickets, then the theme).
fn worst_theme<'a>(inp: &'a Inputs, period: &str) -> Option<&'a Theme> {
    themes_of(inp, period, "all", "all")
        .into_iter()
        .filter(|t| t.tickets >= MIN_THEME_TICKETS && t.breach_rate_pct.is_some_and(|r| r > 0.0))
        .min_by(|a, b| {
            b.breach_rate_pct
                .unwrap_or(0.0)
                .total_cmp(&a.breach_rate_pct.unwrap_or(0.0))
                .then(b.tickets.cmp(&a.tickets))
                .then(a.theme.cmp(&b.theme))
        })
}

fn theme_line(kind: &'static str, template: &'static str, th: &Theme) -> Line {
    Line::new(
        kind,
        template,
        "themes",
        row(&[
            ("period", &th.period),
            ("dimension", &th.dimension),
            ("key", &th.key),
            ("theme", &th.theme),
        ]),
        vec![
            p("theme", &th.theme),
            p("breach_rate", pct(th.breach_rate_pct)),
            p("tickets", th.tickets),
        ],
    )
    .figure(pct(th.breach_rate_pct))
}

/// Every summary sentence and recommendation of the report period: each contract of the
/// period (in `contract_review`'s order), then the team, then the portfolio.
pub fn lines(
    inp: &Inputs,
    report: Quarter,
    names: &BTreeMap<String, String>,
) -> (Vec<Line>, Vec<Line>) {
    let period = report.label();
    let (mut summary, mut recs) = (Vec::new(), Vec::new());
    for cp in inp.contracts.iter().filter(|c| c.period == period) {
        let (s, r) = contract_lines(inp, cp, report);
        summary.extend(s);
        recs.extend(r);
    }
    for scope in ["team", "portfolio"] {
        let (s, r) = pooled_lines(inp, scope, report, names);
        summary.extend(s);
        recs.extend(r);
    }
    (summary, recs)
}

/// `executive_summary` and `recommendations` as tables (columns as docs/review_tables.md, then
/// `template` and `params`).
pub fn frames(
    period: &str,
    summary: &[Line],
    recs: &[Line],
) -> PolarsResult<(DataFrame, DataFrame)> {
    fn order(lines: &[Line]) -> Vec<i64> {
        let mut out = Vec::with_capacity(lines.len());
        let mut last: Option<(&str, &str)> = None;
        let mut n = 0;
        for l in lines {
            if last != Some((l.scope, l.key.as_str())) {
                n = 0;
                last = Some((l.scope, l.key.as_str()));
            }
            n += 1;
            out.push(n);
        }
        out
    }
    let col = |lines: &[Line], f: fn(&Line) -> String| lines.iter().map(f).collect::<Vec<_>>();
    let periods = |lines: &[Line]| vec![period.to_string(); lines.len()];
    let es = DataFrame::new_infer_height(vec![
        Series::new("period".into(), periods(summary)).into(),
        Series::new("scope".into(), col(summary, |l| l.scope.to_string())).into(),
        Series::new("key".into(), col(summary, |l| l.key.clone())).into(),
        Series::new("sentence_order".into(), order(summary)).into(),
        Series::new("kind".into(), col(summary, |l| l.kind.to_string())).into(),
        Series::new(
            "source_table".into(),
            col(summary, |l| l.source_table.to_string()),
        )
        .into(),
        Series::new("source_row".into(), col(summary, |l| l.source_row.clone())).into(),
        Series::new("text".into(), col(summary, |l| l.text.clone())).into(),
        Series::new("template".into(), col(summary, |l| l.template.to_string())).into(),
        Series::new("params".into(), col(summary, Line::params_json)).into(),
    ])?;
    let rc = DataFrame::new_infer_height(vec![
        Series::new("period".into(), periods(recs)).into(),
        Series::new("scope".into(), col(recs, |l| l.scope.to_string())).into(),
        Series::new("key".into(), col(recs, |l| l.key.clone())).into(),
        Series::new("rec_order".into(), order(recs)).into(),
        Series::new("kind".into(), col(recs, |l| l.kind.to_string())).into(),
        Series::new(
            "source_table".into(),
            col(recs, |l| l.source_table.to_string()),
        )
        .into(),
        Series::new("source_row".into(), col(recs, |l| l.source_row.clone())).into(),
        Series::new("figure".into(), col(recs, |l| l.figure.clone())).into(),
        Series::new("text".into(), col(recs, |l| l.text.clone())).into(),
        Series::new("template".into(), col(recs, |l| l.template.to_string())).into(),
        Series::new("params".into(), col(recs, Line::params_json)).into(),
    ])?;
    Ok((es, rc))
}

/// Derives and writes `recommendations` and `executive_summary` to `tables` (Parquet + CSV, as
/// `renewal_notes`), from the story tables and `contract_review` there. `names`: engineer id ->
/// name (`engineer_names` of the lake), used in team sentences only. Returns the tables
/// written with their row counts.
pub fn write_tables(
    tables: &Path,
    report: Quarter,
    names: &BTreeMap<String, String>,
) -> Result<Vec<(String, usize)>> {
    let inp = load_inputs(tables)?;
    let (summary, recs) = lines(&inp, report, names);
    let (mut es, mut rc) = frames(&report.label(), &summary, &recs)?;
    crate::store::write_table(tables, "recommendations", &mut rc)?;
    crate::store::write_table(tables, "executive_summary", &mut es)?;
    Ok(vec![
        ("recommendations".into(), rc.height()),
        ("executive_summary".into(), es.height()),
    ])
}

// ---------------------------------------------------------------------------------------------
// Views: what the templates' macros lay out (every value already text, free text unescaped:
// the templates escape it).

/// What a story view needs besides the tables.
pub struct StoryOptions<'a> {
    pub report: Quarter,
    /// The zone instants are printed in (a customer review: its contract calendar's).
    pub tz: Tz,
    /// Engineer id -> name (`engineer_names`).
    pub names: &'a BTreeMap<String, String>,
    /// Customer documents name engineers only with `--show-engineers`.
    pub show_engineers: bool,
    /// The document's language.
    pub l: &'static i18n::Catalog,
    /// The contract's renewal notes (a customer review), to write a sentence quoting one in
    /// the document's language.
    pub notes: &'a [contract::Note],
}

/// A sentence of the tables in the document's language: the English text as the table has it,
/// or the same template of `l`'s catalog with each parameter written `l`'s way (quarters,
/// dates, metric names, durations, sides; numbers, money and input text as they are).
fn localized(template: &str, params: &str, text: &str, o: &StoryOptions) -> String {
    if o.l.lang == i18n::DEFAULT_LANGUAGE || template.is_empty() {
        return text.to_string();
    }
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(params)
    else {
        return text.to_string();
    };
    let values: Vec<(String, String)> = map
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                localize_param(k, v.as_str().unwrap_or_default(), o),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    o.l.f(&format!("sentence.{template}"), &refs)
}

/// One parameter of a table's sentence (as `Line::params_json` wrote it, in English) in the
/// document's language, by its name.
fn localize_param(name: &str, v: &str, o: &StoryOptions) -> String {
    let l = o.l;
    match name {
        "period" | "previous" | "next" => l.quarter(v),
        "periods" => l.list(&v.split(", ").map(|q| l.quarter(q)).collect::<Vec<_>>()),
        // Written by `metric_label`: `first response`, `system down`.
        "metric" => l.metric(&v.replace(' ', "_")),
        "longest" => match parse_duration(v) {
            Some(secs) => l.duration(Some(secs)),
            None => v.to_string(),
        },
        "owner_side" => l.word("owner_side", v),
        "renewal_date" | "end_date" | "due_on" => l.date(v),
        // Lists of ids, joined the language's way.
        "ticket_ids" | "contracts" => l.list(&v.split(", ").collect::<Vec<_>>()),
        "note" => o
            .notes
            .iter()
            .find(|n| n.text == v)
            .map(|n| n.msg.render(l))
            .unwrap_or_else(|| v.to_string()),
        _ => v.to_string(),
    }
}

/// A duration as English `Catalog::duration` writes it (`45s`, `12m`, `1h 05m`, `2d 3h`, `-1m`) back to
/// seconds, at the precision written.
pub fn parse_duration(text: &str) -> Option<i64> {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text),
    };
    let mut total = 0i64;
    let mut any = false;
    for part in rest.split(' ') {
        let (n, unit) = part.split_at(part.find(|c: char| !c.is_ascii_digit())?);
        let n: i64 = n.parse().ok()?;
        total += n * match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return None,
        };
        any = true;
    }
    any.then_some(sign * total)
}

/// A recommendation's figure (`4 of 4 quarters`, `12 tickets`, `3 days overdue`) in the
/// document's language; figures without words (`+3`, `12 / 10`, `45.0%`) as they are.
fn localized_figure(figure: &str, l: &i18n::Catalog) -> String {
    if l.lang == i18n::DEFAULT_LANGUAGE {
        return figure.to_string();
    }
    let (n, rest) = figure.split_at(
        figure
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(figure.len()),
    );
    if n.is_empty() {
        return figure.to_string();
    }
    let key = match rest {
        " of 4 quarters" => "story.fig_of_four_quarters",
        " tickets" => "story.fig_tickets",
        " days overdue" => "story.fig_days_overdue",
        " escalations" => "story.fig_escalations",
        " overdue" => "story.fig_overdue",
        _ => {
            // `2 missed, 1 late`
            if let Some((missed, late)) = figure.split_once(" missed, ") {
                if let Some(late) = late.strip_suffix(" late") {
                    return l.f(
                        "story.fig_missed_late",
                        &[("missed", missed), ("late", late)],
                    );
                }
            }
            return figure.to_string();
        }
    };
    l.f(key, &[("n", n)])
}

#[derive(Debug, Clone, Serialize)]
pub struct SentenceView {
    pub kind: String,
    pub text: String,
    pub source_table: String,
    pub source_row: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct SummaryView {
    pub sentences: Vec<SentenceView>,
    pub highlights: Vec<SentenceView>,
    pub lowlights: Vec<SentenceView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThemeRow {
    pub theme: String,
    pub theme_from: String,
    pub tickets: i64,
    pub share: String,
    pub previous_tickets: i64,
    pub change: String,
    pub breach_rate: String,
    pub median_resolution: String,
    pub example_ticket_id: String,
    pub example_subject: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecurringRow {
    pub problem_id: String,
    pub tickets: i64,
    pub quarters: i64,
    pub first_created: String,
    pub last_created: String,
    pub open_tickets: i64,
    pub workaround_tickets: i64,
    pub permanent_fix_tickets: i64,
    pub category: String,
    pub example_subject: String,
    pub ticket_ids: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MixRow {
    pub resolution_type: String,
    pub tickets: i64,
    pub share: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ThemesView {
    pub themes: Vec<ThemeRow>,
    pub recurring: Vec<RecurringRow>,
    pub mix: Vec<MixRow>,
    /// Share of the done tickets solved by a workaround / a permanent fix (`resolution_mix`);
    /// `–` when no ticket was done.
    pub workaround_share: String,
    pub permanent_fix_share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub ticket_id: String,
    /// Team and portfolio only (empty in a customer's story).
    pub customer_id: String,
    pub priority: String,
    pub severity: String,
    pub created: String,
    pub solved: String,
    pub duration: String,
    pub open: bool,
    pub escalations: i64,
    pub category: String,
    pub root_cause: String,
    pub resolution_type: String,
    pub problem_id: String,
    pub subject: String,
    pub breached_metrics: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct IncidentsView {
    pub rows: Vec<IncidentRow>,
    pub show_customer: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EscalationRow {
    pub at: String,
    pub ticket_id: String,
    pub customer_id: String,
    pub priority: String,
    pub level: String,
    /// Who raised it and who held the ticket: empty unless engineers may be named.
    pub raised_by: String,
    pub engineer: String,
    pub team: String,
    pub subject: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EscalationCountRow {
    pub key: String,
    pub label: String,
    pub escalations: i64,
    pub tickets: i64,
    pub previous: i64,
    pub change: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct EscalationsView {
    /// False when no escalation is recorded in any period: the section says "no data".
    pub has_data: bool,
    /// The scope's own count (a contract, or `all`); none when it had no escalation in the
    /// period or the previous one.
    pub total: Option<EscalationCountRow>,
    pub rows: Vec<EscalationRow>,
    pub by_customer: Vec<EscalationCountRow>,
    pub by_engineer: Vec<EscalationCountRow>,
    pub show_customer: bool,
    pub show_engineers: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceRow {
    pub contract_id: String,
    pub maintenance_id: String,
    pub kind: String,
    pub planned_on: String,
    pub released: String,
    pub done: String,
    pub due: String,
    pub state: String,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceSummaryRow {
    pub contract_id: String,
    pub inspections_promised: String,
    pub inspections_done: i64,
    pub inspections_status: String,
    pub patches: i64,
    pub patches_kept: i64,
    pub patches_late: i64,
    pub patches_missed: i64,
    pub patches_open: i64,
    pub upgrades_done: i64,
    pub optimizations_done: i64,
    pub planned_next: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceView {
    pub summary: Vec<MaintenanceSummaryRow>,
    pub records: Vec<MaintenanceRow>,
    pub next_period: String,
    pub next: Vec<MaintenanceRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub contract_id: String,
    pub action_id: String,
    pub raised_in: String,
    /// `vendor`/`customer`; the owner as filed only where names may be shown.
    pub owner: String,
    pub action: String,
    pub due_on: String,
    pub done_on: String,
    pub status: String,
    pub days_overdue: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ActionsView {
    /// Earlier reviews' actions: the last review's, and older ones still open.
    pub previous: Vec<ActionView>,
    /// This review's new ones.
    pub current: Vec<ActionView>,
    pub show_contract: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationView {
    pub key: String,
    pub kind: String,
    pub figure: String,
    pub text: String,
    pub source_table: String,
    pub source_row: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhyRow {
    pub ticket_id: String,
    pub customer_id: String,
    pub priority: String,
    pub metric: String,
    pub clock: String,
    pub target: String,
    pub elapsed: String,
    pub breached_at: String,
    /// The team that held the ticket when the target passed (`unassigned`, `unknown team`).
    pub holder_team: String,
    /// The engineer: empty unless engineers may be named.
    pub holder_engineer: String,
    pub reassignments: i64,
    pub unassigned: String,
    pub with_support: String,
    pub after_reassignment: String,
    pub waived: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct WhyView {
    pub rows: Vec<WhyRow>,
    pub show_customer: bool,
    pub show_engineers: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaiverRow {
    pub ticket_id: String,
    pub customer_id: String,
    pub metric: String,
    pub reason: String,
    pub approved_by: String,
    pub note: String,
    pub state: String,
    pub target: String,
    pub elapsed: String,
}

/// A document's story: one field per section, each a macro of `_story.*.j2`.
#[derive(Debug, Clone, Serialize)]
pub struct Story {
    pub scope: String,
    pub key: String,
    pub period: String,
    pub previous_period: String,
    pub summary: SummaryView,
    pub themes: ThemesView,
    pub incidents: IncidentsView,
    pub escalations: EscalationsView,
    /// None when there is no maintenance data for the scope: the section is left out.
    pub maintenance: Option<MaintenanceView>,
    pub actions: ActionsView,
    pub recommendations: Vec<RecommendationView>,
    pub why: WhyView,
    pub waivers: Vec<WaiverRow>,
}

fn sentence_views(
    inp: &Inputs,
    o: &StoryOptions,
    period: &str,
    scope: &str,
    key: &str,
) -> SummaryView {
    let mut rows: Vec<&SummarySentence> = inp
        .executive_summary
        .iter()
        .filter(|s| s.period == period && s.scope == scope && s.key == key)
        .collect();
    rows.sort_by_key(|s| s.sentence_order);
    let mut v = SummaryView::default();
    for s in rows {
        let view = SentenceView {
            kind: s.kind.clone(),
            text: localized(&s.template, &s.params, &s.text, o),
            source_table: s.source_table.clone(),
            source_row: s.source_row.clone(),
        };
        match s.kind.as_str() {
            "highlight" => v.highlights.push(view),
            "lowlight" => v.lowlights.push(view),
            _ => v.sentences.push(view),
        }
    }
    v
}

fn themes_view(
    inp: &Inputs,
    o: &StoryOptions,
    period: &str,
    dimension: &str,
    key: &str,
) -> ThemesView {
    let l = o.l;
    let at = |s: Option<i64>| t::local(&o.tz, s);
    let themes = themes_of(inp, period, dimension, key)
        .into_iter()
        .map(|th| ThemeRow {
            theme: th.theme.clone(),
            theme_from: th.theme_from.clone(),
            tickets: th.tickets,
            share: pct(th.share_pct),
            previous_tickets: th.previous_tickets,
            change: th
                .change_pt
                .map(|c| l.f("story.points", &[("n", &signed(c))]))
                .unwrap_or_else(|| "–".into()),
            breach_rate: pct(th.breach_rate_pct),
            median_resolution: l.duration(th.median_resolution_seconds),
            example_ticket_id: th.example_ticket_id.clone(),
            example_subject: th.example_subject.clone(),
        })
        .collect();
    let recurring = recurring_of(inp, period, dimension, key)
        .into_iter()
        .map(|r| RecurringRow {
            problem_id: r.problem_id.clone(),
            tickets: r.tickets,
            quarters: r.quarters,
            first_created: at(r.first_created_at).chars().take(10).collect(),
            last_created: at(r.last_created_at).chars().take(10).collect(),
            open_tickets: r.open_tickets,
            workaround_tickets: r.workaround_tickets,
            permanent_fix_tickets: r.permanent_fix_tickets,
            category: r.category.clone(),
            example_subject: r.example_subject.clone(),
            ticket_ids: r.ticket_ids.clone(),
        })
        .collect();
    let mix: Vec<&ResolutionMix> = inp
        .resolution_mix
        .iter()
        .filter(|m| m.period == period && m.dimension == dimension && m.key == key)
        .collect();
    let share_of = |kind: &str| -> String {
        if mix.is_empty() {
            return pct(None);
        }
        pct(Some(
            mix.iter()
                .filter(|m| m.resolution_type == kind)
                .filter_map(|m| m.share_pct)
                .sum(),
        ))
    };
    ThemesView {
        themes,
        recurring,
        workaround_share: share_of("workaround"),
        permanent_fix_share: share_of("permanent_fix"),
        mix: mix
            .iter()
            .map(|m| MixRow {
                resolution_type: m.resolution_type.clone(),
                tickets: m.tickets,
                share: pct(m.share_pct),
            })
            .collect(),
    }
}

fn incidents_view(inp: &Inputs, o: &StoryOptions, contract: Option<&str>) -> IncidentsView {
    let period = o.report.label();
    IncidentsView {
        show_customer: contract.is_none(),
        rows: inp
            .major_incidents
            .iter()
            .filter(|m| {
                m.period == period && contract.is_none_or(|c| m.contract_id.as_deref() == Some(c))
            })
            .map(|m| IncidentRow {
                ticket_id: m.ticket_id.clone(),
                customer_id: if contract.is_none() {
                    m.customer_id.clone()
                } else {
                    String::new()
                },
                priority: m.priority.clone(),
                severity: m.severity.clone(),
                created: t::local(&o.tz, m.created_at),
                solved: m
                    .first_solved_at
                    .map(|s| t::local(&o.tz, Some(s)))
                    .unwrap_or_default(),
                duration: o.l.duration(m.duration_seconds),
                open: m.open_at_as_of,
                escalations: m.escalations,
                category: m.category.clone(),
                root_cause: m.root_cause.clone(),
                resolution_type: m.resolution_type.clone(),
                problem_id: m.problem_id.clone(),
                subject: m.subject.clone(),
                breached_metrics: o.l.list(
                    &m.breached_metrics
                        .split(", ")
                        .filter(|x| !x.is_empty())
                        .map(|x| o.l.metric(x))
                        .collect::<Vec<_>>(),
                ),
            })
            .collect(),
    }
}

fn count_row(e: &EscalationCount, label: String) -> EscalationCountRow {
    EscalationCountRow {
        key: e.key.clone(),
        label,
        escalations: e.escalations,
        tickets: e.tickets,
        previous: e.previous_escalations,
        change: signed_int(e.change),
    }
}

fn escalations_view(
    inp: &Inputs,
    o: &StoryOptions,
    contract: Option<&str>,
    names_ok: bool,
) -> EscalationsView {
    let period = o.report.label();
    let (dimension, key) = match contract {
        Some(c) => ("contract", c),
        None => ("all", "all"),
    };
    let rows = inp
        .escalations
        .iter()
        .filter(|e| {
            e.period == period && contract.is_none_or(|c| e.contract_id.as_deref() == Some(c))
        })
        .map(|e| EscalationRow {
            at: t::local(&o.tz, e.at),
            ticket_id: e.ticket_id.clone(),
            customer_id: if contract.is_none() {
                e.customer_id.clone()
            } else {
                String::new()
            },
            priority: e.priority.clone(),
            level: e.level.clone(),
            raised_by: if !names_ok {
                String::new()
            } else if e.raised_by.is_empty() {
                o.l.t("story.raised_by_customer").into()
            } else {
                engineer_label(o.names, &e.raised_by)
            },
            engineer: if names_ok {
                engineer_label(o.names, &e.engineer_id)
            } else {
                String::new()
            },
            team: e.team.clone(),
            subject: e.subject.clone(),
        })
        .collect();
    let of = |dim: &str| -> Vec<&EscalationCount> {
        inp.escalation_counts
            .iter()
            .filter(|e| e.period == period && e.dimension == dim)
            .collect()
    };
    EscalationsView {
        has_data: !(inp.escalations.is_empty() && inp.escalation_counts.is_empty()),
        total: escalation_count(inp, &period, dimension, key).map(|e| count_row(e, key.into())),
        rows,
        by_customer: if contract.is_none() {
            of("customer")
                .into_iter()
                .map(|e| count_row(e, e.key.clone()))
                .collect()
        } else {
            Vec::new()
        },
        by_engineer: if contract.is_none() && names_ok {
            of("engineer")
                .into_iter()
                .map(|e| count_row(e, engineer_label(o.names, &e.key)))
                .collect()
        } else {
            Vec::new()
        },
        show_customer: contract.is_none(),
        show_engineers: names_ok,
    }
}

fn maintenance_view(
    inp: &Inputs,
    o: &StoryOptions,
    contract: Option<&str>,
) -> Option<MaintenanceView> {
    let period = o.report.label();
    let next = o.report.next().label();
    let mine = |c: &str| contract.is_none_or(|x| x == c);
    let summary: Vec<MaintenanceSummaryRow> = inp
        .maintenance_summary
        .iter()
        .filter(|m| m.period == period && mine(&m.contract_id))
        .map(|m| MaintenanceSummaryRow {
            contract_id: m.contract_id.clone(),
            inspections_promised: m
                .inspections_promised
                .map(|p| p.to_string())
                .unwrap_or_else(|| "–".into()),
            inspections_done: m.inspections_done,
            inspections_status: m.inspections_status.clone(),
            patches: m.patches,
            patches_kept: m.patches_kept,
            patches_late: m.patches_late,
            patches_missed: m.patches_missed,
            patches_open: m.patches_open,
            upgrades_done: m.upgrades_done,
            optimizations_done: m.optimizations_done,
            planned_next: m.planned_next,
        })
        .collect();
    let record = |m: &MaintenanceRecord| MaintenanceRow {
        contract_id: m.contract_id.clone(),
        maintenance_id: m.maintenance_id.clone(),
        kind: o.l.word("maintenance_kind", &m.kind),
        planned_on: m.planned_on.clone().unwrap_or_default(),
        released: m
            .released_at
            .map(|s| t::local(&o.tz, Some(s)))
            .unwrap_or_default(),
        done: m
            .done_at
            .map(|s| t::local(&o.tz, Some(s)))
            .unwrap_or_default(),
        due: m
            .due_at
            .map(|s| t::local(&o.tz, Some(s)))
            .unwrap_or_default(),
        state: m.state.clone(),
        summary: m.summary.clone(),
    };
    let records: Vec<MaintenanceRow> = inp
        .maintenance_review
        .iter()
        .filter(|m| m.period == period && mine(&m.contract_id))
        .map(record)
        .collect();
    let planned: Vec<MaintenanceRow> = inp
        .maintenance_review
        .iter()
        .filter(|m| m.period == next && mine(&m.contract_id))
        .map(record)
        .collect();
    if summary.is_empty() && records.is_empty() && planned.is_empty() {
        return None;
    }
    Some(MaintenanceView {
        summary,
        records,
        next_period: next,
        next: planned,
    })
}

fn actions_view(
    inp: &Inputs,
    o: &StoryOptions,
    contract: Option<&str>,
    names_ok: bool,
) -> ActionsView {
    let period = o.report.label();
    let view = |a: &ActionRow| ActionView {
        contract_id: a.contract_id.clone(),
        action_id: a.action_id.clone(),
        raised_in: o.l.quarter(&a.raised_in),
        owner: if names_ok {
            a.owner.clone()
        } else {
            o.l.word("owner_side", &a.owner_side)
        },
        action: a.action.clone(),
        due_on: a.due_on.clone().unwrap_or_default(),
        done_on: a.done_on.clone().unwrap_or_default(),
        status: a.status.clone(),
        days_overdue: a.days_overdue.map(|d| d.to_string()).unwrap_or_default(),
    };
    let mine: Vec<&ActionRow> = inp
        .actions_review
        .iter()
        .filter(|a| a.period == period && contract.is_none_or(|c| a.contract_id == c))
        .collect();
    ActionsView {
        previous: mine
            .iter()
            .filter(|a| a.review == "previous" || (a.review == "earlier" && a.status != "done"))
            .map(|a| view(a))
            .collect(),
        current: mine
            .iter()
            .filter(|a| a.review == "current")
            .map(|a| view(a))
            .collect(),
        show_contract: contract.is_none(),
    }
}

fn recommendation_views(
    inp: &Inputs,
    o: &StoryOptions,
    period: &str,
    scope: &str,
    key: Option<&str>,
) -> Vec<RecommendationView> {
    let mut rows: Vec<&Recommendation> = inp
        .recommendations
        .iter()
        .filter(|r| r.period == period && r.scope == scope && key.is_none_or(|k| r.key == k))
        .collect();
    rows.sort_by(|a, b| a.key.cmp(&b.key).then(a.rec_order.cmp(&b.rec_order)));
    rows.into_iter()
        .map(|r| RecommendationView {
            key: r.key.clone(),
            kind: r.kind.clone(),
            figure: localized_figure(&r.figure, o.l),
            text: localized(&r.template, &r.params, &r.text, o),
            source_table: r.source_table.clone(),
            source_row: r.source_row.clone(),
        })
        .collect()
}

fn why_view(inp: &Inputs, o: &StoryOptions, contract: Option<&str>, names_ok: bool) -> WhyView {
    let period = o.report.label();
    WhyView {
        show_customer: contract.is_none(),
        show_engineers: names_ok,
        rows: inp
            .breach_attribution
            .iter()
            .filter(|b| {
                b.period == period && contract.is_none_or(|c| b.contract_id.as_deref() == Some(c))
            })
            // A customer review explains the breaches its appendix lists: the contract's
            // commitments (system_down is the team's goal, not a commitment), waived rows apart
            // (they are listed under "Waived tickets").
            .filter(|b| contract.is_none() || (b.metric != "system_down" && !b.waived))
            .map(|b| WhyRow {
                ticket_id: b.ticket_id.clone(),
                customer_id: if contract.is_none() {
                    b.customer_id.clone()
                } else {
                    String::new()
                },
                priority: b.priority.clone(),
                metric: o.l.metric(&b.metric),
                clock: o.l.word("clock", &b.clock),
                target: o.l.clock_duration(b.target_seconds, b.clock == "business"),
                elapsed: o.l.clock_duration(b.elapsed_seconds, b.clock == "business"),
                breached_at: t::local(&o.tz, b.breached_at),
                holder_team: if b.holder_engineer_id.is_empty() {
                    o.l.t("story.unassigned").into()
                } else if b.holder_team.is_empty() {
                    o.l.t("story.unknown_team").into()
                } else {
                    b.holder_team.clone()
                },
                holder_engineer: if names_ok && !b.holder_engineer_id.is_empty() {
                    engineer_label(o.names, &b.holder_engineer_id)
                } else {
                    String::new()
                },
                reassignments: b.reassignments,
                unassigned: o
                    .l
                    .clock_duration(Some(b.unassigned_seconds), b.clock == "business"),
                with_support: o
                    .l
                    .clock_duration(Some(b.with_support_seconds), b.clock == "business"),
                after_reassignment: o
                    .l
                    .clock_duration(Some(b.after_reassignment_seconds), b.clock == "business"),
                waived: b.waived,
            })
            .collect(),
    }
}

fn waiver_views(inp: &Inputs, o: &StoryOptions, contract: Option<&str>) -> Vec<WaiverRow> {
    let period = o.report.label();
    // `approved_by` is free text that usually names a person of the vendor: a customer review
    // says who approved only with --show-engineers (the `waivers` table always has it).
    let approver = |w: &Waiver| {
        if contract.is_none() || o.show_engineers {
            w.approved_by.clone()
        } else {
            o.l.t("story.approved_see_table").to_string()
        }
    };
    inp.waivers
        .iter()
        .filter(|w| {
            w.period == period && contract.is_none_or(|c| w.contract_id.as_deref() == Some(c))
        })
        .map(|w| WaiverRow {
            ticket_id: w.ticket_id.clone(),
            customer_id: w.customer_id.clone(),
            metric: o
                .l
                .metric(w.metric.as_deref().unwrap_or(w.waiver_metric.as_str())),
            reason: o.l.word("waiver_reason", &w.reason),
            approved_by: approver(w),
            note: w.note.clone().unwrap_or_default(),
            state: match &w.state {
                Some(state) => o.l.word("state", state),
                None => o.l.t("story.no_matching_clock").into(),
            },
            target: o
                .l
                .clock_duration(w.target_seconds, w.clock.as_deref() == Some("business")),
            elapsed: o
                .l
                .clock_duration(w.elapsed_seconds, w.clock.as_deref() == Some("business")),
        })
        .collect()
}

/// A customer review's story: the contract's rows only. Engineers are named (escalations,
/// why it breached, action owners as filed) only with `show_engineers`.
pub fn customer_story(inp: &Inputs, contract_id: &str, o: &StoryOptions) -> Story {
    let period = o.report.label();
    let c = Some(contract_id);
    let names_ok = o.show_engineers;
    Story {
        scope: "contract".into(),
        key: contract_id.into(),
        period: o.l.quarter(&period),
        previous_period: o.l.quarter(&o.report.prev().label()),
        summary: sentence_views(inp, o, &period, "contract", contract_id),
        themes: themes_view(inp, o, &period, "contract", contract_id),
        incidents: incidents_view(inp, o, c),
        escalations: escalations_view(inp, o, c, names_ok),
        maintenance: maintenance_view(inp, o, c),
        actions: actions_view(inp, o, c, names_ok),
        recommendations: recommendation_views(inp, o, &period, "contract", c),
        why: why_view(inp, o, c, names_ok),
        waivers: waiver_views(inp, o, c),
    }
}

/// The team review's story: every customer, engineers named (the seed team reports every
/// escalation to management, so all are listed).
pub fn team_story(inp: &Inputs, o: &StoryOptions) -> Story {
    let period = o.report.label();
    Story {
        scope: "team".into(),
        key: "team".into(),
        period: o.l.quarter(&period),
        previous_period: o.l.quarter(&o.report.prev().label()),
        summary: sentence_views(inp, o, &period, "team", "team"),
        themes: themes_view(inp, o, &period, "all", "all"),
        incidents: incidents_view(inp, o, None),
        escalations: escalations_view(inp, o, None, true),
        maintenance: maintenance_view(inp, o, None),
        actions: actions_view(inp, o, None, true),
        recommendations: recommendation_views(inp, o, &period, "team", None),
        why: why_view(inp, o, None, true),
        waivers: waiver_views(inp, o, None),
    }
}

/// The portfolio's story: its summary, every contract's recommendations, escalations by
/// customer; no engineer is named.
pub fn portfolio_story(inp: &Inputs, o: &StoryOptions) -> Story {
    let period = o.report.label();
    let mut escalations = escalations_view(inp, o, None, false);
    escalations.rows.clear();
    Story {
        scope: "portfolio".into(),
        key: "portfolio".into(),
        period: o.l.quarter(&period),
        previous_period: o.l.quarter(&o.report.prev().label()),
        summary: sentence_views(inp, o, &period, "portfolio", "portfolio"),
        themes: themes_view(inp, o, &period, "all", "all"),
        incidents: incidents_view(inp, o, None),
        escalations,
        maintenance: maintenance_view(inp, o, None),
        actions: actions_view(inp, o, None, false),
        recommendations: recommendation_views(inp, o, &period, "contract", None),
        why: WhyView::default(),
        waivers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1000;
    // 2026-07-10T00:00:00Z
    const JUL10: i64 = 1_783_641_600;

    fn strs(name: &str, v: &[&str]) -> Column {
        Series::new(
            name.into(),
            v.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .into()
    }
    fn ostrs(name: &str, v: &[Option<&str>]) -> Column {
        Series::new(
            name.into(),
            v.iter().map(|s| s.map(str::to_string)).collect::<Vec<_>>(),
        )
        .into()
    }
    fn ints(name: &str, v: &[i64]) -> Column {
        Series::new(name.into(), v.to_vec()).into()
    }
    fn oints(name: &str, v: &[Option<i64>]) -> Column {
        Series::new(name.into(), v.to_vec()).into()
    }
    fn floats(name: &str, v: &[Option<f64>]) -> Column {
        Series::new(name.into(), v.to_vec()).into()
    }
    fn bools(name: &str, v: &[bool]) -> Column {
        Series::new(name.into(), v.to_vec()).into()
    }
    /// UTC seconds as a `ts` column (ms, UTC), like the tables.
    fn ts(name: &str, v: &[Option<i64>]) -> Column {
        Series::new(
            name.into(),
            v.iter().map(|s| s.map(|s| s * MS)).collect::<Vec<_>>(),
        )
        .cast(&DataType::Datetime(
            TimeUnit::Milliseconds,
            Some(TimeZone::UTC),
        ))
        .unwrap()
        .into()
    }
    fn dates(name: &str, v: &[Option<&str>]) -> Column {
        ostrs(name, v)
            .as_materialized_series()
            .cast(&DataType::Date)
            .unwrap()
            .into()
    }
    fn write(dir: &Path, name: &str, cols: Vec<Column>) {
        let mut df = DataFrame::new_infer_height(cols).unwrap();
        crate::store::write_table(dir, name, &mut df).unwrap();
    }

    /// One `contract_review` row: (period, contract, customer, name, priority, metric,
    /// commitment_pct, met, breached, outcome); the contract-level figures come from `Money`.
    struct Money {
        currency: &'static str,
        period_fee: f64,
        credit_pct: f64,
        kept: i64,
        missed: i64,
        no_tickets: i64,
        created: i64,
        included: Option<i64>,
        prorated: Option<f64>,
        renewal: &'static str,
        end: &'static str,
    }
    type Commit = (&'static str, &'static str, f64, i64, i64, &'static str);

    /// (period, contract_id, customer_id, customer_name, figures, commitments).
    type ReviewRow<'a> = (&'a str, &'a str, &'a str, &'a str, &'a Money, Vec<Commit>);

    fn contract_review(dir: &Path, rows: &[ReviewRow]) {
        let mut c: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut n: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
        let mut i: BTreeMap<&str, Vec<Option<i64>>> = BTreeMap::new();
        for (period, contract, customer, name, m, commits) in rows {
            for (priority, metric, commitment, met, breached, outcome) in commits {
                for (k, v) in [
                    ("period", *period),
                    ("contract_id", *contract),
                    ("customer_id", *customer),
                    ("customer_name", *name),
                    ("plan", "gold"),
                    ("priority", priority),
                    ("metric", metric),
                    ("clock", "business"),
                    ("outcome", outcome),
                    ("start_date", "2025-07-01"),
                    ("end_date", m.end),
                    ("renewal_date", m.renewal),
                    ("active_from", "2026-07-01"),
                    ("active_to", "2026-09-30"),
                    ("fee_days", "92/365"),
                    ("currency", m.currency),
                ] {
                    c.entry(k).or_default().push(v.to_string());
                }
                let compliance =
                    (met + breached > 0).then(|| 100.0 * *met as f64 / (*met + *breached) as f64);
                for (k, v) in [
                    ("commitment_pct", Some(*commitment)),
                    ("compliance_pct", compliance),
                    ("annual_fee", Some(m.period_fee * 4.0)),
                    ("period_fee", Some(m.period_fee)),
                    ("credit_pct_per_missed_target", Some(5.0)),
                    ("credit_cap_pct", Some(20.0)),
                    ("credit_pct", Some(m.credit_pct)),
                    ("credit_amount", Some(m.period_fee * m.credit_pct / 100.0)),
                    (
                        "entitlement_used_pct",
                        m.included.map(|inc| 100.0 * m.created as f64 / inc as f64),
                    ),
                    (
                        "cost_per_case",
                        Some(m.period_fee / m.created.max(1) as f64),
                    ),
                    ("included_cases_prorated", m.prorated),
                ] {
                    n.entry(k).or_default().push(v);
                }
                for (k, v) in [
                    ("target_minutes", Some(240)),
                    ("tickets", Some(met + breached)),
                    ("met", Some(*met)),
                    ("breached", Some(*breached)),
                    ("in_progress", Some(0)),
                    ("not_applicable", Some(0)),
                    ("contract_days", Some(92)),
                    ("kept_commitments", Some(m.kept)),
                    ("missed_commitments", Some(m.missed)),
                    ("no_ticket_commitments", Some(m.no_tickets)),
                    ("tickets_created", Some(m.created)),
                    ("included_cases_per_quarter", m.included),
                    ("waived", Some(0)),
                ] {
                    i.entry(k).or_default().push(v);
                }
            }
        }
        let mut cols: Vec<Column> = Vec::new();
        for (k, v) in c {
            cols.push(Series::new(k.into(), v).into());
        }
        for (k, v) in n {
            cols.push(Series::new(k.into(), v).into());
        }
        for (k, v) in i {
            cols.push(Series::new(k.into(), v).into());
        }
        write(dir, "contract_review", cols);
    }

    /// A tables folder for 2026Q3 (previous 2026Q2):
    /// - C-001 (customer K1 "Acme", USD, period fee 30,000): 3 commitments in 2026Q3, P1
    ///   first_response 10/10 met = 100% (kept), P1 resolution 3 met 1 breached = 75% < 90%
    ///   (missed), P2 resolution 9/10 = 90% >= 90% (kept): 2 kept, 1 missed, credit 1 x 5% =
    ///   5% of 30,000 = 1,500.00. 40 tickets created, 30 included per quarter, 32.5 prorated.
    ///   In 2026Q2: P1 first_response 5/5 = 100%, P1 resolution 1/2 = 50% (missed), P2
    ///   resolution 4/5 = 80% (missed), 36 tickets.
    /// - C-002 (customer K2 "Beta", KRW): 2026Q3 only, one commitment with no ticket.
    /// - Escalations: 3 on C-001's tickets held by E7 (Kim Minjun), raised by E9.
    fn folder(escalations: bool) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let acme3 = Money {
            currency: "USD",
            period_fee: 30_000.0,
            credit_pct: 5.0,
            kept: 2,
            missed: 1,
            no_tickets: 0,
            created: 40,
            included: Some(30),
            prorated: Some(32.5),
            renewal: "2027-05-31",
            end: "2027-06-30",
        };
        let acme2 = Money {
            credit_pct: 10.0,
            kept: 1,
            missed: 2,
            created: 36,
            prorated: Some(30.0),
            ..acme3
        };
        let beta = Money {
            currency: "KRW",
            period_fee: 9_000_000.0,
            credit_pct: 0.0,
            kept: 0,
            missed: 0,
            no_tickets: 1,
            created: 0,
            included: None,
            prorated: None,
            renewal: "2026-11-15",
            end: "2026-12-31",
        };
        contract_review(
            dir,
            &[
                (
                    "2026Q2",
                    "C-001",
                    "K1",
                    "Acme",
                    &acme2,
                    vec![
                        ("P1", "first_response", 95.0, 5, 0, "kept"),
                        ("P1", "resolution", 90.0, 1, 1, "missed"),
                        ("P2", "resolution", 90.0, 4, 1, "missed"),
                    ],
                ),
                (
                    "2026Q3",
                    "C-001",
                    "K1",
                    "Acme",
                    &acme3,
                    vec![
                        ("P1", "first_response", 95.0, 10, 0, "kept"),
                        ("P1", "resolution", 90.0, 3, 1, "missed"),
                        ("P2", "resolution", 90.0, 9, 1, "kept"),
                    ],
                ),
                (
                    "2026Q3",
                    "C-002",
                    "K2",
                    "Beta",
                    &beta,
                    vec![("P1", "resolution", 90.0, 0, 0, "no_tickets")],
                ),
            ],
        );
        let hostile = "<script>alert(1)</script> VPN drops";
        let n = if escalations { 3 } else { 0 };
        write(
            dir,
            "escalations",
            vec![
                strs("period", &vec!["2026Q3"; n]),
                strs("ticket_id", &["T-9", "T-9", "T-4"][..n]),
                strs("customer_id", &vec!["K1"; n]),
                ostrs("contract_id", &vec![Some("C-001"); n]),
                ts(
                    "at",
                    &[Some(JUL10), Some(JUL10 + 3600), Some(JUL10 + 7200)][..n],
                ),
                strs("level", &vec!["management"; n]),
                strs("raised_by", &vec!["E9"; n]),
                strs("priority", &vec!["P1"; n]),
                strs("engineer_id", &vec!["E7"; n]),
                strs("team", &vec!["Network"; n]),
                strs("subject", &vec![hostile; n]),
            ],
        );
        let m = if escalations { 4 } else { 0 };
        write(
            dir,
            "escalation_counts",
            vec![
                strs("period", &vec!["2026Q3"; m]),
                strs(
                    "dimension",
                    &["all", "contract", "customer", "engineer"][..m],
                ),
                strs("key", &["all", "C-001", "K1", "E7"][..m]),
                ints("escalations", &vec![3; m]),
                ints("tickets", &vec![2; m]),
                ints("previous_escalations", &vec![1; m]),
                ints("change", &vec![2; m]),
            ],
        );
        write(
            dir,
            "breach_attribution",
            vec![
                strs("period", &["2026Q3"]),
                strs("ticket_id", &["T-9"]),
                strs("customer_id", &["K1"]),
                ostrs("contract_id", &[Some("C-001")]),
                strs("priority", &["P1"]),
                strs("metric", &["resolution"]),
                strs("clock", &["business"]),
                oints("target_seconds", &[Some(14_400)]),
                oints("elapsed_seconds", &[Some(18_000)]),
                ts("breached_at", &[Some(JUL10 + 14_400)]),
                strs("holder_engineer_id", &["E7"]),
                strs("holder_team", &["Network"]),
                ints("reassignments", &[1]),
                // 600 + 7200 + 10200 = 18000 = elapsed.
                ints("unassigned_seconds", &[600]),
                ints("with_support_seconds", &[7_200]),
                ints("after_reassignment_seconds", &[10_200]),
                bools("waived", &[false]),
            ],
        );
        write(
            dir,
            "themes",
            vec![
                strs("period", &["2026Q3"; 4]),
                strs("dimension", &["all", "all", "contract", "contract"]),
                strs("key", &["all", "all", "C-001", "C-001"]),
                strs("theme", &["network", "billing", "network", "billing"]),
                strs("theme_from", &["category"; 4]),
                ints("tickets", &[6, 4, 6, 4]),
                floats(
                    "share_pct",
                    &[Some(60.0), Some(40.0), Some(60.0), Some(40.0)],
                ),
                ints("previous_tickets", &[3, 3, 3, 3]),
                floats(
                    "change_pt",
                    &[Some(10.0), Some(-10.0), Some(10.0), Some(-10.0)],
                ),
                ints("breached_tickets", &[2, 0, 2, 0]),
                // 2 / 6 = 33.3%.
                floats(
                    "breach_rate_pct",
                    &[Some(100.0 / 3.0), Some(0.0), Some(100.0 / 3.0), Some(0.0)],
                ),
                oints(
                    "median_resolution_seconds",
                    &[Some(7_500), None, Some(7_500), None],
                ),
                strs("example_ticket_id", &["T-4", "T-5", "T-4", "T-5"]),
                strs("example_subject", &[hostile, "Invoice", hostile, "Invoice"]),
            ],
        );
        write(
            dir,
            "recurring_problems",
            vec![
                strs("period", &["2026Q3"; 2]),
                strs("dimension", &["all", "contract"]),
                strs("key", &["all", "C-001"]),
                strs("problem_id", &["PRB-1"; 2]),
                ints("tickets", &[3; 2]),
                ints("quarters", &[2; 2]),
                ts("first_created_at", &[Some(JUL10 - 90 * 86_400); 2]),
                ts("last_created_at", &[Some(JUL10); 2]),
                ints("open_tickets", &[1; 2]),
                ints("workaround_tickets", &[2; 2]),
                ints("permanent_fix_tickets", &[0; 2]),
                strs("category", &["network"; 2]),
                strs("example_subject", &[hostile; 2]),
                strs("ticket_ids", &["T-1, T-4, T-9"; 2]),
            ],
        );
        write(
            dir,
            "resolution_mix",
            vec![
                strs("period", &["2026Q3"; 2]),
                strs("dimension", &["contract"; 2]),
                strs("key", &["C-001"; 2]),
                strs("resolution_type", &["permanent_fix", "workaround"]),
                ints("tickets", &[3, 2]),
                floats("share_pct", &[Some(60.0), Some(40.0)]),
            ],
        );
        write(
            dir,
            "major_incidents",
            vec![
                strs("period", &["2026Q3"]),
                strs("ticket_id", &["T-9"]),
                strs("customer_id", &["K1"]),
                ostrs("contract_id", &[Some("C-001")]),
                strs("priority", &["P1"]),
                strs("severity", &["system_down"]),
                ts("created_at", &[Some(JUL10)]),
                ts("first_solved_at", &[Some(JUL10 + 7_500)]),
                // 7,500 s = 2h 05m.
                oints("duration_seconds", &[Some(7_500)]),
                bools("open_at_as_of", &[false]),
                ints("escalations", &[2]),
                strs("category", &["network"]),
                strs("root_cause", &["router firmware"]),
                strs("resolution_type", &["workaround"]),
                strs("problem_id", &["PRB-1"]),
                strs("subject", &[hostile]),
                strs("breached_metrics", &["resolution"]),
            ],
        );
        write(
            dir,
            "maintenance_review",
            vec![
                strs("period", &["2026Q3", "2026Q4"]),
                strs("contract_id", &["C-001"; 2]),
                strs("customer_id", &["K1"; 2]),
                strs("maintenance_id", &["M-1", "M-2"]),
                strs("kind", &["security_patch", "inspection"]),
                dates("planned_on", &[None, Some("2026-10-15")]),
                ts("released_at", &[Some(JUL10), None]),
                ts("done_at", &[Some(JUL10 + 20 * 86_400), None]),
                ts("due_at", &[Some(JUL10 + 14 * 86_400), None]),
                strs("state", &["late", "planned"]),
                strs("summary", &["patch <b>KB-1</b>", "visit"]),
            ],
        );
        write(
            dir,
            "maintenance_summary",
            vec![
                strs("period", &["2026Q3"]),
                strs("contract_id", &["C-001"]),
                strs("customer_id", &["K1"]),
                oints("inspections_promised", &[Some(2)]),
                ints("inspections_done", &[1]),
                strs("inspections_status", &["missed"]),
                ints("patches", &[2]),
                ints("patches_kept", &[1]),
                ints("patches_late", &[1]),
                ints("patches_missed", &[0]),
                ints("patches_open", &[0]),
                ints("upgrades_done", &[0]),
                ints("optimizations_done", &[0]),
                ints("planned_next", &[1]),
            ],
        );
        write(
            dir,
            "waivers",
            vec![
                strs("period", &[]),
                strs("ticket_id", &[]),
                strs("customer_id", &[]),
                ostrs("contract_id", &[]),
                strs("waiver_metric", &[]),
                ostrs("metric", &[]),
                strs("reason", &[]),
                strs("approved_by", &[]),
                ostrs("note", &[]),
                ostrs("state", &[]),
                oints("target_seconds", &[]),
                oints("elapsed_seconds", &[]),
                ts("breached_at", &[]),
            ],
        );
        write(
            dir,
            "actions_review",
            vec![
                strs("period", &["2026Q3"; 2]),
                strs("contract_id", &["C-001"; 2]),
                strs("customer_id", &["K1"; 2]),
                strs("action_id", &["A-1", "A-2"]),
                strs("raised_in", &["2026Q2", "2026Q3"]),
                strs("owner_side", &["vendor", "customer"]),
                strs("owner", &["vendor: Kim Minjun", "customer"]),
                strs(
                    "action",
                    &["Upgrade the VPN concentrator", "Share the network map"],
                ),
                dates("due_on", &[Some("2026-08-31"), Some("2026-10-31")]),
                dates("done_on", &[None, None]),
                strs("status", &["overdue", "open"]),
                strs("review", &["previous", "current"]),
                oints("days_overdue", &[Some(12), None]),
            ],
        );
        // The run's zone: the story counts a quarter's instants in it (UTC here).
        write(
            dir,
            "run_info",
            vec![
                ts("as_of", &[Some(1_791_072_000)]),
                strs("reporting_timezone", &["UTC"]),
                strs("report_period", &["2026Q3"]),
            ],
        );
        tmp
    }

    /// Renders `body` (calls of the partial's macros as `s.<macro>`) as a document of the
    /// partial's format would: the caller's name decides the escaping, as in the documents.
    fn render_doc(partial: &str, body: &str, story: &Story) -> String {
        let env = super::super::environment(i18n::english());
        let name = if partial.contains(".html") {
            "doc.html.j2"
        } else {
            "doc.md.j2"
        };
        env.render_named_str(
            name,
            &format!("{{% import '{partial}' as s %}}{body}"),
            minijinja::context! { r => minijinja::Value::from_serialize(story) },
        )
        .unwrap()
    }

    /// Every section macro.
    const ALL: &str = "{{ s.summary(r.summary) }}{{ s.themes(r.themes) }}{{ s.incidents(r.incidents) }}{{ s.escalations(r.escalations) }}{{ s.maintenance(r.maintenance) }}{{ s.actions(r.actions, r.recommendations) }}{{ s.why(r.why) }}{{ s.waivers(r.waivers) }}";

    fn q3() -> Quarter {
        Quarter::parse("2026Q3").unwrap()
    }

    fn names() -> BTreeMap<String, String> {
        [
            ("E7".to_string(), "Kim Minjun".to_string()),
            ("E9".to_string(), "Lee Seoyeon".to_string()),
        ]
        .into()
    }

    fn written(escalations: bool) -> (tempfile::TempDir, Inputs) {
        let tmp = folder(escalations);
        let counts = write_tables(tmp.path(), q3(), &names()).unwrap();
        assert_eq!(counts[0].0, "recommendations");
        assert!(tmp.path().join("executive_summary.csv").exists());
        let inp = load(tmp.path()).unwrap();
        assert_eq!(counts[1].1, inp.executive_summary.len());
        (tmp, inp)
    }

    fn sentences<'a>(inp: &'a Inputs, scope: &str, key: &str) -> Vec<&'a SummarySentence> {
        inp.executive_summary
            .iter()
            .filter(|s| s.scope == scope && s.key == key)
            .collect()
    }

    fn text_of<'a>(inp: &'a Inputs, scope: &str, key: &str, kind: &str) -> Vec<&'a str> {
        sentences(inp, scope, key)
            .into_iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn story_contract_summary_sentences() {
        let (_tmp, inp) = written(true);
        // 3 commitments, 1 missed: 1 x 5% = 5% of USD 30,000 = USD 1,500.00.
        assert_eq!(
            text_of(&inp, "contract", "C-001", "commitments"),
            ["2026Q3: 2 of 3 commitments kept, 1 missed; service credit USD 1,500.00."]
        );
        // P1 resolution 1/2 = 50% -> 3/4 = 75%: +25 points; P2 resolution 80% -> 90%: +10;
        // P1 first response 100% -> 100%: 0; volume 36 -> 40: +11.1%. The largest is +25.
        assert_eq!(
            text_of(&inp, "contract", "C-001", "largest_change"),
            ["Largest change from 2026Q2: P1 resolution compliance went from 50.0% to 75.0% (+25.0 points)."]
        );
        assert_eq!(
            text_of(&inp, "contract", "C-001", "top_theme"),
            ["Top theme: network, 60.0% of the period's tickets (6), breach rate 33.3%."]
        );
        assert_eq!(
            text_of(&inp, "contract", "C-001", "incidents"),
            ["Major incidents (P1 or system down) in 2026Q3: 1; the longest lasted 2h 05m, 0 still open at as_of."]
        );
        assert_eq!(
            text_of(&inp, "contract", "C-001", "escalations"),
            ["Escalations in 2026Q3: 3 on 2 tickets (+2 escalations from 1 in 2026Q2)."]
        );
        assert_eq!(
            text_of(&inp, "contract", "C-001", "renewal"),
            ["The contract runs to 2027-06-30; renewal date 2027-05-31."]
        );
        let s = sentences(&inp, "contract", "C-001");
        let main = s
            .iter()
            .filter(|s| !["highlight", "lowlight"].contains(&s.kind.as_str()))
            .count();
        assert!((3..=6).contains(&main), "{main} summary sentences");
        // One highlight: P2 resolution 80% -> 90% (+10 points >= 5; P1 resolution's +25 is
        // the largest change already). Lowlights: at most three, the missed commitment first
        // (75.0% against 90.0%).
        assert_eq!(
            text_of(&inp, "contract", "C-001", "highlight"),
            ["P2 resolution compliance rose from 80.0% to 90.0%."]
        );
        let low = text_of(&inp, "contract", "C-001", "lowlight");
        assert_eq!(low.len(), 3);
        assert_eq!(
            low[0],
            "P1 resolution missed: 75.0% against a commitment of 90.0%."
        );
        assert_eq!(low[1], "Escalations rose from 1 to 3.");
        // Orders are 1.. per scope and key.
        let orders: Vec<i64> = s.iter().map(|s| s.sentence_order).collect();
        assert_eq!(orders, (1..=s.len() as i64).collect::<Vec<_>>());
        // Parameters are stored beside the text and render it again.
        for x in &inp.executive_summary {
            let params: BTreeMap<String, String> = serde_json::from_str(&x.params).unwrap();
            let params: Vec<(&str, String)> = params
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            assert_eq!(render(&x.template, &params), x.text);
            assert!(!x.text.contains('{'), "{}", x.text);
        }
    }

    #[test]
    fn story_missing_input_says_no_data() {
        let (_tmp, inp) = written(false);
        // C-002: no previous quarter, no ticket judged, no theme row.
        for kind in ["commitments", "largest_change", "top_theme"] {
            let t = text_of(&inp, "contract", "C-002", kind);
            assert_eq!(t.len(), 1);
            assert!(
                t[0].contains("(no data)") || t[0].contains(": no data"),
                "{}",
                t[0]
            );
        }
        assert_eq!(
            text_of(&inp, "contract", "C-002", "commitments"),
            ["2026Q3: no commitment had a met or breached ticket to judge it by (no data)."]
        );
        // No escalation in any period: "no data", not zero.
        for key in ["C-001", "C-002"] {
            assert_eq!(
                text_of(&inp, "contract", key, "escalations"),
                ["Escalations: no data (no escalation is recorded in any period)."]
            );
        }
        for s in sentences(&inp, "contract", "C-002") {
            assert!(!s.text.contains("missed"), "{}", s.text);
            assert!(!s.text.contains("0.0%"), "{}", s.text);
        }
        // Renewal on 2026-11-15 is inside 2026Q4.
        assert_eq!(
            text_of(&inp, "contract", "C-002", "renewal"),
            ["Renewal is due on 2026-11-15, in the next quarter (2026Q4)."]
        );
        let o = StoryOptions {
            report: q3(),
            tz: chrono_tz::UTC,
            names: &names(),
            show_engineers: false,
            l: i18n::english(),
            notes: &[],
        };
        let story = customer_story(&inp, "C-002", &o);
        assert!(!story.escalations.has_data);
        assert!(story.maintenance.is_none());
        let html = render_doc(
            "_story.html.j2",
            "{{ s.escalations(r.escalations) }}{{ s.themes(r.themes) }}",
            &story,
        );
        assert!(html.contains("no data"), "{html}");
    }

    /// Every sentence with a figure names a row of its source table that exists.
    #[test]
    fn story_sources_name_existing_rows() {
        let (tmp, inp) = written(true);
        let mut checked = 0;
        let sources: Vec<(String, String, String)> = inp
            .executive_summary
            .iter()
            .map(|s| {
                (
                    s.template.clone(),
                    s.source_table.clone(),
                    s.source_row.clone(),
                )
            })
            .chain(inp.recommendations.iter().map(|r| {
                (
                    r.template.clone(),
                    r.source_table.clone(),
                    r.source_row.clone(),
                )
            }))
            .collect();
        for (template, table, row) in sources {
            assert!(!table.is_empty() && !row.is_empty(), "{template}");
            let df = t::read(tmp.path(), &table, None).unwrap();
            let mut hit = vec![true; df.height()];
            for pair in row.split("; ") {
                let (k, v) = pair.split_once('=').unwrap();
                let col =
                    t::text(&df, k).unwrap_or_else(|e| panic!("{template}: {table}.{k}: {e}"));
                for (i, h) in hit.iter_mut().enumerate() {
                    *h &= col[i] == v;
                }
            }
            let found = hit.iter().any(|h| *h);
            // Sentences saying there is nothing name the key they looked up.
            let nothing = template.ends_with("_no_data") || template.ends_with("_none");
            if !nothing {
                assert!(found, "{template}: no row `{row}` in `{table}`");
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} sources checked");
    }

    #[test]
    fn story_recommendations_from_the_figures() {
        let (_tmp, inp) = written(true);
        let recs: Vec<&Recommendation> = inp
            .recommendations
            .iter()
            .filter(|r| r.scope == "contract" && r.key == "C-001")
            .collect();
        let kinds: Vec<&str> = recs.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "commitment_missed_twice",
                "recurring_problem",
                "above_entitlement",
                "overdue_action",
                "patch_missed",
                "inspections_missed"
            ]
        );
        // P1 resolution missed in 2026Q2 and 2026Q3; P2 resolution only in 2026Q2: one rec.
        assert_eq!(
            recs[0].text,
            "P1 resolution was missed in 2 of the last four quarters (2026Q2, 2026Q3): review how these tickets are staffed and handled."
        );
        assert_eq!(recs[0].figure, "2 of 4 quarters");
        // 40 created > 32.5 prorated (used before the 30 per quarter).
        assert_eq!(recs[2].figure, "40 / 32.5");
        assert!(recs[2]
            .text
            .starts_with("40 tickets against 32.5 included cases"));
        assert_eq!(
            recs[3].source_row,
            "period=2026Q3; contract_id=C-001; action_id=A-1"
        );
        assert!(recs[3].text.contains(
            "(vendor: Upgrade the VPN concentrator) is 12 days overdue (due 2026-08-31)"
        ));
        assert_eq!(recs[4].figure, "0 missed, 1 late");
        assert_eq!(recs[5].figure, "1 / 2");
        // C-002: nothing to recommend.
        assert!(!inp.recommendations.iter().any(|r| r.key == "C-002"));
        // The team's: the engineer with the most escalations (named), the worst theme
        // (network: 2 of 6 breached = 33.3%; billing 0%).
        let team: Vec<&Recommendation> = inp
            .recommendations
            .iter()
            .filter(|r| r.scope == "team")
            .collect();
        assert_eq!(team[0].kind, "engineer_escalations");
        assert!(team[0].text.starts_with(
            "Most escalations in 2026Q3 were on tickets held by Kim Minjun (E7) (3 each; +2"
        ));
        assert_eq!(team[1].kind, "theme_breach");
        assert_eq!(team[1].figure, "33.3%");
    }

    #[test]
    fn story_pooled_sentences() {
        let (_tmp, inp) = written(true);
        // C-001 3 + C-002 1 commitments; kept 2 + 0, missed 1 + 0; credits USD 1,500.00 and
        // KRW 9,000,000 x 0% = KRW 0.
        assert_eq!(
            text_of(&inp, "team", "team", "commitments"),
            ["2026Q3, across 2 contracts: 2 of 4 commitments kept, 1 missed; service credits KRW 0 + USD 1,500.00."]
        );
        assert_eq!(
            text_of(&inp, "portfolio", "portfolio", "commitments"),
            ["2026Q3: 1 of 2 contracts missed at least one commitment; service credits due KRW 0 + USD 1,500.00."]
        );
        assert_eq!(
            text_of(&inp, "team", "team", "renewal"),
            ["Contracts renewing in 2026Q4: 1 (C-002)."]
        );
        assert!(text_of(&inp, "team", "team", "lowlight")
            .contains(&"Most escalations on tickets held by one engineer: 3, Kim Minjun (E7)."));
        // The portfolio names customers, never engineers.
        for s in sentences(&inp, "portfolio", "portfolio") {
            assert!(
                !s.text.contains("E7") && !s.text.contains("Kim"),
                "{}",
                s.text
            );
        }
        assert!(text_of(&inp, "portfolio", "portfolio", "lowlight")
            .contains(&"Largest service credit for its fee: C-001 (Acme), USD 1,500.00, 5.0% of the period's fee."));
    }

    /// A customer's sentences and document never name an engineer (nor the action owner as
    /// filed, which holds a name) unless engineers are shown; the team's do.
    #[test]
    fn story_customer_scope_names_no_engineer() {
        let (_tmp, inp) = written(true);
        let engineer = ["E7", "E9", "Kim", "Lee Seoyeon"];
        for s in inp
            .executive_summary
            .iter()
            .filter(|s| s.scope == "contract")
        {
            for e in engineer {
                assert!(!s.text.contains(e), "{}", s.text);
            }
        }
        for r in inp.recommendations.iter().filter(|r| r.scope == "contract") {
            for e in engineer {
                assert!(!r.text.contains(e), "{}", r.text);
            }
        }
        let names = names();
        let render = |story: &Story, file: &str| render_doc(file, ALL, story);
        for show_engineers in [false, true] {
            let o = StoryOptions {
                report: q3(),
                tz: chrono_tz::UTC,
                names: &names,
                show_engineers,
                l: i18n::english(),
                notes: &[],
            };
            let story = customer_story(&inp, "C-001", &o);
            assert_eq!(story.why.rows[0].holder_team, "Network");
            for file in ["_story.html.j2", "_story.md.j2"] {
                let doc = render(&story, file);
                assert_eq!(doc.contains("Kim Minjun"), show_engineers, "{file}: {doc}");
                assert_eq!(doc.contains("Lee Seoyeon"), show_engineers, "{file}");
                // Another customer's contract never appears.
                assert!(!doc.contains("C-002") && !doc.contains("Beta"), "{file}");
            }
        }
        let o = StoryOptions {
            report: q3(),
            tz: chrono_tz::UTC,
            names: &names,
            show_engineers: false,
            l: i18n::english(),
            notes: &[],
        };
        let team = team_story(&inp, &o);
        assert_eq!(team.escalations.by_engineer[0].label, "Kim Minjun (E7)");
        assert_eq!(team.escalations.rows.len(), 3);
        let doc = render(&team, "_story.html.j2");
        assert!(doc.contains("Kim Minjun (E7)"));
    }

    /// Free text from the inputs stays text in both formats.
    #[test]
    fn story_free_text_is_escaped() {
        let (_tmp, inp) = written(true);
        let names = names();
        let o = StoryOptions {
            report: q3(),
            tz: chrono_tz::UTC,
            names: &names,
            show_engineers: false,
            l: i18n::english(),
            notes: &[],
        };
        let story = team_story(&inp, &o);
        let html = render_doc("_story.html.j2", ALL, &story);
        assert!(
            !html.contains("<script>") && !html.contains("<b>KB-1"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{html}");
        assert!(html.contains("2h 05m") && html.contains("Planned for 2026Q4"));
        let md = render_doc("_story.md.j2", ALL, &story);
        assert!(
            !md.contains("<script>") && md.contains("&lt;script&gt;"),
            "{md}"
        );
    }

    #[test]
    fn story_missing_table_is_named() {
        let tmp = folder(true);
        std::fs::remove_file(tmp.path().join("recurring_problems.parquet")).unwrap();
        let err = write_tables(tmp.path(), q3(), &names()).unwrap_err();
        assert!(
            format!("{err:#}").contains("table `recurring_problems` is missing"),
            "{err:#}"
        );
        let tmp = folder(true);
        write(tmp.path(), "themes", vec![strs("period", &["2026Q3"])]);
        let err = load_inputs(tmp.path()).unwrap_err();
        assert!(
            format!("{err:#}").contains("table `themes`, column `dimension`"),
            "{err:#}"
        );
    }

    /// A commitment with no ticket is neither kept nor missed; nothing missed, no credit.
    #[test]
    fn story_idle_commitment_and_no_credit() {
        let tmp = folder(true);
        let m = Money {
            currency: "EUR",
            period_fee: 12_000.0,
            credit_pct: 0.0,
            kept: 1,
            missed: 0,
            no_tickets: 1,
            created: 12,
            included: Some(20),
            prorated: None,
            renewal: "",
            end: "2027-06-30",
        };
        contract_review(
            tmp.path(),
            &[(
                "2026Q3",
                "C-001",
                "K1",
                "Acme",
                &m,
                vec![
                    ("P1", "resolution", 90.0, 4, 0, "kept"),
                    ("P2", "resolution", 90.0, 0, 0, "no_tickets"),
                ],
            )],
        );
        write_tables(tmp.path(), q3(), &names()).unwrap();
        let inp = load(tmp.path()).unwrap();
        // 1 kept + 0 missed + 1 without a judged ticket = 2; 0 x 5% of EUR 12,000 = EUR 0.00.
        assert_eq!(
            text_of(&inp, "contract", "C-001", "commitments"),
            ["2026Q3: 1 of 2 commitments kept, 0 missed, 1 with no ticket to judge them; service credit EUR 0.00."]
        );
        assert_eq!(
            text_of(&inp, "contract", "C-001", "highlight")[0],
            "Every judged commitment was kept (1)."
        );
        // No 2026Q2 row now: nothing to compare; no renewal date.
        assert_eq!(
            text_of(&inp, "contract", "C-001", "largest_change"),
            ["No figures for 2026Q2 to compare with (no data)."]
        );
        assert_eq!(
            text_of(&inp, "contract", "C-001", "renewal"),
            ["Renewal date: no data."]
        );
        // 12 tickets against 20 included: not above the entitlement.
        assert!(!inp
            .recommendations
            .iter()
            .any(|r| r.kind == "above_entitlement"));
    }

    #[test]
    fn story_sentences_of_the_tables_in_the_documents_language() {
        let ko = i18n::catalog("ko").unwrap();
        let names = names();
        let mut o = StoryOptions {
            report: q3(),
            tz: chrono_tz::UTC,
            names: &names,
            show_engineers: false,
            l: ko,
            notes: &[],
        };
        let params = r#"{"previous":"2026Q2","priority":"P1","metric":"first response","before":"74.3%","after":"62.9%","change":"-11.4"}"#;
        let text = localized("change_compliance", params, "(the English row)", &o);
        for part in ["2026년 2분기", "P1", "최초 응답", "74.3%", "62.9%", "-11.4"] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(
            !text.contains("first response") && !text.contains("2026Q2"),
            "{text}"
        );
        // A duration written in English for the table (`7d 18h`) reads in the language.
        let text = localized(
            "incidents",
            r#"{"period":"2026Q3","count":"3","longest":"7d 18h","open":"0"}"#,
            "",
            &o,
        );
        assert!(
            text.contains("7일 18시간") && text.contains("2026년 3분기"),
            "{text}"
        );
        // English documents print the table's own text.
        o.l = i18n::english();
        assert_eq!(
            localized("change_compliance", params, "as in the table", &o),
            "as in the table"
        );
        // Recommendation figures.
        assert_eq!(
            localized_figure("4 of 4 quarters", i18n::english()),
            "4 of 4 quarters"
        );
        assert!(!localized_figure("4 of 4 quarters", ko).contains("quarters"));
        assert_eq!(localized_figure("12 / 10", ko), "12 / 10");
    }

    #[test]
    fn story_durations_read_back_as_written() {
        for secs in [45, 12 * 60, 3600 + 5 * 60, 2 * 86_400 + 3 * 3600, -60] {
            assert_eq!(
                parse_duration(&i18n::english().duration(Some(secs))),
                Some(secs),
                "{secs}"
            );
        }
        assert_eq!(parse_duration("–"), None);
        assert_eq!(parse_duration("3 weeks"), None);
    }

    #[test]
    fn story_parameters_are_not_read_again() {
        assert_eq!(
            render("ll_overdue_actions", &[p("count", "{days}"), p("days", 3)]),
            "Actions overdue: {days}; the oldest is 3 days past its due date."
        );
    }

    #[test]
    fn story_templates_are_one_table() {
        // Ids are unique and every `{name}` is a word.
        let en = i18n::english();
        let ids: Vec<&str> = en
            .keys()
            .filter_map(|k| k.strip_prefix("sentence."))
            .collect();
        assert!(ids.len() > 40, "{ids:?}");
        for id in ids {
            let text = template(id).unwrap();
            for part in text.split('{').skip(1) {
                let name = part.split('}').next().unwrap();
                assert!(
                    name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{id}: {name}"
                );
            }
        }
        assert_eq!(
            render(
                "commitments",
                &[
                    p("period", "2026Q3"),
                    p("kept", 2),
                    p("commitments", 3),
                    p("missed", 1),
                    p("credit", "USD 1,500.00")
                ]
            ),
            "2026Q3: 2 of 3 commitments kept, 1 missed; service credit USD 1,500.00."
        );
    }
}
