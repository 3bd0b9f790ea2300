//! Contract figures for the documents: `contract_review` read back into one record per contract
//! and period, the renewal notes derived from them (plain language, never written per
//! customer), and the portfolio's renewal-risk ranking. Notes and ranking are Rust rather than
//! SQL because they are sentences with money, dates and lists in them.
//!
//! Renewal notes for a contract in the report period (metrics.md, Contract review):
//! - `missed_repeatedly`: one of its commitments (priority x metric) was missed in two or more
//!   of the last four quarters, counting the customer's rows of that priority and metric under
//!   any of its contracts (a renewed contract keeps its history);
//! - `credit_due`: a service credit is due this period;
//! - `all_kept`: no commitment missed and at least one kept;
//! - `csat_below_goal`: the customer's satisfied-or-better share is under the team goal;
//! - `volume_above_entitlement`: more tickets created than included (suggest a larger plan);
//!   included = `included_cases_prorated` when the table has it (the contract's share of the
//!   period), else `included_cases_per_quarter`;
//! - `volume_far_below_entitlement`: under half of the included cases used (suggest a smaller
//!   plan);
//! - `renewal_due`: the renewal date falls in the next quarter, saying so when a later contract
//!   of the customer already exists;
//! - `renewed`: the renewal date is on or before as_of's day and a later contract of the
//!   customer exists: the contract was renewed, so none of its notes counts as renewal risk
//!   (its score is 0).
//!
//! Renewal risk (the portfolio's order): 2 points per commitment missed repeatedly, 1 per
//! commitment missed this period, 2 for a credit due, 2 for CSAT under goal, 1 for volume above
//! entitlement, 1 for volume far below it, 3 for a renewal due next quarter with no later
//! contract. Higher is riskier; ties go to the larger credit as a share of the period's fee, then
//! to the contract id.

use std::collections::BTreeMap;
use std::path::Path;

use super::Result;
use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use super::format::{money, number as num, one_decimal, pct};
use super::i18n::{plural, Arg, Catalog, Msg};
use super::tables::{counts, floats, ints, read, text};
use crate::period::Quarter;

/// One commitment (priority x metric) of a contract in a period.
#[derive(Debug, Clone, Serialize)]
pub struct Commitment {
    pub priority: String,
    pub metric: String,
    pub target_minutes: i64,
    pub clock: String,
    pub commitment_pct: f64,
    pub tickets: i64,
    pub met: i64,
    pub breached: i64,
    pub in_progress: i64,
    pub not_applicable: i64,
    /// Rows an approved waiver takes out of met and breached (review.md).
    pub waived: i64,
    pub compliance_pct: Option<f64>,
    pub outcome: String,
}

/// One contract in one period: the contract-level figures of `contract_review`.
#[derive(Debug, Clone, Serialize)]
pub struct ContractPeriod {
    pub period: String,
    pub contract_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub plan: String,
    pub start_date: String,
    pub end_date: String,
    pub renewal_date: String,
    pub active_from: String,
    pub active_to: String,
    pub contract_days: i64,
    pub fee_days: String,
    pub currency: String,
    pub annual_fee: f64,
    pub period_fee: f64,
    pub credit_pct_per_missed_target: f64,
    pub credit_cap_pct: f64,
    pub credit_pct: f64,
    pub credit_amount: f64,
    pub kept: i64,
    pub missed: i64,
    pub no_tickets: i64,
    pub tickets_created: i64,
    pub included_cases: Option<i64>,
    /// `included_cases_prorated` when the table has the column (`Some(None)`: unlimited);
    /// `None` when it does not (older tables: volume is compared with `included_cases`).
    pub included_cases_prorated: Option<Option<f64>>,
    /// Days of the period (`periods.days`), when known: with `contract_days` it says whether
    /// the contract covers part of the period.
    pub period_days: Option<i64>,
    pub entitlement_used_pct: Option<f64>,
    pub cost_per_case: Option<f64>,
    pub commitments: Vec<Commitment>,
}

/// Reads `contract_review` (every period written), one record per period and contract, in the
/// table's order.
pub fn load(tables: &Path) -> Result<Vec<ContractPeriod>> {
    let df = read(tables, "contract_review", None)?;
    let period = text(&df, "period")?;
    let contract = text(&df, "contract_id")?;
    let customer = text(&df, "customer_id")?;
    let name = text(&df, "customer_name")?;
    let plan = text(&df, "plan")?;
    let priority = text(&df, "priority")?;
    let metric = text(&df, "metric")?;
    let target = counts(&df, "target_minutes")?;
    let clock = text(&df, "clock")?;
    let commitment = floats(&df, "commitment_pct")?;
    let tickets = counts(&df, "tickets")?;
    let met = counts(&df, "met")?;
    let breached = counts(&df, "breached")?;
    let in_progress = counts(&df, "in_progress")?;
    let na = counts(&df, "not_applicable")?;
    let waived = if df.column("waived").is_ok() {
        counts(&df, "waived")?
    } else {
        vec![0; df.height()]
    };
    let compliance = floats(&df, "compliance_pct")?;
    let outcome = text(&df, "outcome")?;
    let start = text(&df, "start_date")?;
    let end = text(&df, "end_date")?;
    let renewal = text(&df, "renewal_date")?;
    let active_from = text(&df, "active_from")?;
    let active_to = text(&df, "active_to")?;
    let contract_days = counts(&df, "contract_days")?;
    let fee_days = text(&df, "fee_days")?;
    let currency = text(&df, "currency")?;
    let annual = floats(&df, "annual_fee")?;
    let fee = floats(&df, "period_fee")?;
    let per_missed = floats(&df, "credit_pct_per_missed_target")?;
    let cap = floats(&df, "credit_cap_pct")?;
    let credit_pct = floats(&df, "credit_pct")?;
    let credit = floats(&df, "credit_amount")?;
    let kept = counts(&df, "kept_commitments")?;
    let missed = counts(&df, "missed_commitments")?;
    let none = counts(&df, "no_ticket_commitments")?;
    let created = counts(&df, "tickets_created")?;
    let included = ints(&df, "included_cases_per_quarter")?;
    let used = floats(&df, "entitlement_used_pct")?;
    let prorated = if df.column("included_cases_prorated").is_ok() {
        Some(floats(&df, "included_cases_prorated")?)
    } else {
        None
    };
    let cost = floats(&df, "cost_per_case")?;

    let mut out: Vec<ContractPeriod> = Vec::new();
    for i in 0..df.height() {
        let c = Commitment {
            priority: priority[i].clone(),
            metric: metric[i].clone(),
            target_minutes: target[i],
            clock: clock[i].clone(),
            commitment_pct: commitment[i].unwrap_or(100.0),
            tickets: tickets[i],
            met: met[i],
            breached: breached[i],
            in_progress: in_progress[i],
            not_applicable: na[i],
            waived: waived[i],
            compliance_pct: compliance[i],
            outcome: outcome[i].clone(),
        };
        if let Some(last) = out.last_mut() {
            if last.period == period[i] && last.contract_id == contract[i] {
                last.commitments.push(c);
                continue;
            }
        }
        out.push(ContractPeriod {
            period: period[i].clone(),
            contract_id: contract[i].clone(),
            customer_id: customer[i].clone(),
            customer_name: name[i].clone(),
            plan: plan[i].clone(),
            start_date: start[i].clone(),
            end_date: end[i].clone(),
            renewal_date: renewal[i].clone(),
            active_from: active_from[i].clone(),
            active_to: active_to[i].clone(),
            contract_days: contract_days[i],
            fee_days: fee_days[i].clone(),
            currency: currency[i].clone(),
            annual_fee: annual[i].unwrap_or(0.0),
            period_fee: fee[i].unwrap_or(0.0),
            credit_pct_per_missed_target: per_missed[i].unwrap_or(0.0),
            credit_cap_pct: cap[i].unwrap_or(0.0),
            credit_pct: credit_pct[i].unwrap_or(0.0),
            credit_amount: credit[i].unwrap_or(0.0),
            kept: kept[i],
            missed: missed[i],
            no_tickets: none[i],
            tickets_created: created[i],
            included_cases: included[i],
            included_cases_prorated: prorated.as_ref().map(|p| p[i]),
            period_days: None,
            entitlement_used_pct: used[i],
            cost_per_case: cost[i],
            commitments: vec![c],
        });
    }
    Ok(out)
}

impl ContractPeriod {
    /// The cases volume is compared with: the prorated entitlement when the table has it,
    /// else the included cases per quarter; `None` when unlimited.
    pub fn entitlement(&self) -> Option<f64> {
        match self.included_cases_prorated {
            Some(prorated) => prorated,
            None => self.included_cases.map(|n| n as f64),
        }
    }

    /// The contract covers part of the period: (its days, the period's days).
    pub fn partial_period(&self) -> Option<(i64, i64)> {
        self.period_days
            .filter(|&d| self.contract_days < d)
            .map(|d| (self.contract_days, d))
    }

    /// The entitlement as printed: `300`, `unlimited`, `300 per quarter, prorated to 31 of 92
    /// days: 101.1`, or, without a prorated figure in the table, `300 (the contract covers 31
    /// of 92 days; not prorated)`.
    pub fn entitlement_text(&self, l: &Catalog) -> String {
        let Some(inc) = self.included_cases else {
            return l.t("customer.unlimited").into();
        };
        match (self.partial_period(), self.included_cases_prorated) {
            (Some((c, d)), Some(Some(p))) => l.fa(
                "customer.entitlement_prorated",
                &[
                    ("included", &inc),
                    ("days", &c),
                    ("period_days", &d),
                    ("prorated", &one_decimal(p)),
                ],
            ),
            (Some((c, d)), None) => l.fa(
                "customer.entitlement_not_prorated",
                &[("included", &inc), ("days", &c), ("period_days", &d)],
            ),
            _ => inc.to_string(),
        }
    }
}

/// A contract of the lake, for telling whether a renewal already happened.
#[derive(Debug, Clone)]
pub struct ContractDates {
    pub contract_id: String,
    pub customer_id: String,
    pub start_date: String,
    pub calendar_id: String,
    /// The language of the customer's documents, when the contract names one.
    pub language: Option<String>,
}

pub fn load_contract_dates(lake: &Path) -> Result<Vec<ContractDates>> {
    let df = read(lake, "contracts", None)?;
    let id = text(&df, "contract_id")?;
    let customer = text(&df, "customer_id")?;
    let start = text(&df, "start_date")?;
    let calendar = text(&df, "calendar_id")?;
    // Optional (review.md): a lake without the column names no language.
    let language = if super::load::has(&df, "language") {
        super::tables::texts(&df, "language")?
    } else {
        vec![None; df.height()]
    };
    Ok((0..df.height())
        .map(|i| ContractDates {
            contract_id: id[i].clone(),
            customer_id: customer[i].clone(),
            start_date: start[i].clone(),
            calendar_id: calendar[i].clone(),
            language: language[i].clone().filter(|l| !l.is_empty()),
        })
        .collect())
}

/// The customer's CSAT in the period, from `csat_summary`.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerCsat {
    pub responses: i64,
    pub satisfied_pct: Option<f64>,
    pub satisfied_low: Option<f64>,
    pub satisfied_high: Option<f64>,
    pub very_satisfied_pct: Option<f64>,
    pub very_satisfied_low: Option<f64>,
    pub very_satisfied_high: Option<f64>,
    pub too_few: bool,
    pub response_rate_pct: Option<f64>,
    pub solved_tickets: i64,
}

/// `csat_summary` rows of one dimension in one period, by key.
pub fn load_csat(
    tables: &Path,
    period: &str,
    dimension: &str,
) -> Result<BTreeMap<String, CustomerCsat>> {
    let df = read(
        tables,
        "csat_summary",
        Some(super::tables::of_period(period).and(col("dimension").eq(lit(dimension.to_string())))),
    )?;
    let key = text(&df, "key")?;
    let responses = counts(&df, "responses")?;
    let sp = floats(&df, "satisfied_pct")?;
    let sl = floats(&df, "satisfied_low")?;
    let sh = floats(&df, "satisfied_high")?;
    let vp = floats(&df, "very_satisfied_pct")?;
    let vl = floats(&df, "very_satisfied_low")?;
    let vh = floats(&df, "very_satisfied_high")?;
    let few = super::tables::bools(&df, "too_few")?;
    let rate = floats(&df, "response_rate_pct")?;
    let solved = counts(&df, "solved_tickets")?;
    Ok((0..df.height())
        .map(|i| {
            (
                key[i].clone(),
                CustomerCsat {
                    responses: responses[i],
                    satisfied_pct: sp[i],
                    satisfied_low: sl[i],
                    satisfied_high: sh[i],
                    very_satisfied_pct: vp[i],
                    very_satisfied_low: vl[i],
                    very_satisfied_high: vh[i],
                    too_few: few[i].unwrap_or(false),
                    response_rate_pct: rate[i],
                    solved_tickets: solved[i],
                },
            )
        })
        .collect())
}

/// One renewal note.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Note {
    pub kind: &'static str,
    /// In English (the `renewal_notes` table); `in_language` gives a document's.
    pub text: String,
    /// Its weight in the renewal-risk score.
    pub risk: i64,
    #[serde(skip)]
    pub msg: Msg,
}

impl Note {
    fn new(kind: &'static str, msg: Msg, risk: i64) -> Note {
        Note {
            kind,
            text: msg.en(),
            risk,
            msg,
        }
    }
    /// The note with its text in `l`'s language.
    pub fn in_language(&self, l: &Catalog) -> Note {
        Note {
            text: self.msg.render(l),
            ..self.clone()
        }
    }
}

pub fn metric_label(m: &str) -> &str {
    match m {
        "first_response" => "first response",
        "update" => "update",
        "resolution" => "resolution",
        "system_down" => "system down",
        other => other,
    }
}

/// The renewal notes of `cp` (a contract in the report period).
/// `history`: every `contract_review` record of the same customer in the periods written;
/// `csat`: the customer's CSAT in the period; `later`: the customer's contracts in the lake.
pub fn renewal_notes(
    cp: &ContractPeriod,
    history: &[&ContractPeriod],
    csat: Option<&CustomerCsat>,
    csat_goal: f64,
    report: Quarter,
    as_of_day: NaiveDate,
    contracts: &[ContractDates],
) -> Vec<Note> {
    let mut notes = Vec::new();
    let mut periods: Vec<&str> = history.iter().map(|h| h.period.as_str()).collect();
    periods.sort();
    periods.dedup();
    let quarters = periods.len().max(4);
    for c in &cp.commitments {
        let mut missed_in: Vec<&str> = history
            .iter()
            .filter(|h| {
                h.commitments.iter().any(|x| {
                    x.priority == c.priority && x.metric == c.metric && x.outcome == "missed"
                })
            })
            .map(|h| h.period.as_str())
            .collect();
        missed_in.sort();
        missed_in.dedup();
        if missed_in.len() >= 2 {
            let msg = Msg::new("note.missed_repeatedly")
                .text("priority", &c.priority)
                .arg("metric", Arg::Metric(c.metric.clone()))
                .text("missed", missed_in.len())
                .text("quarters", quarters)
                .arg(
                    "periods",
                    Arg::Quarters(missed_in.iter().map(|p| p.to_string()).collect()),
                );
            notes.push(Note::new("missed_repeatedly", msg, 2));
        }
    }
    if cp.credit_amount > 0.0 {
        let raw = cp.missed as f64 * cp.credit_pct_per_missed_target;
        let capped = if raw > cp.credit_cap_pct {
            Msg::new("note.credit_capped").text("cap", num(cp.credit_cap_pct))
        } else {
            Msg::new("note.nothing")
        };
        let msg = Msg::new(plural(
            cp.missed,
            "note.credit_due_one",
            "note.credit_due_other",
        ))
        .text("credit", money(Some(cp.credit_amount), &cp.currency))
        .arg("period", Arg::Quarter(cp.period.clone()))
        .text("missed", cp.missed)
        .text("per", num(cp.credit_pct_per_missed_target))
        .text("raw", num(raw))
        .arg("capped", Arg::Msg(Box::new(capped)))
        .text("fee", money(Some(cp.period_fee), &cp.currency));
        notes.push(Note::new("credit_due", msg, 2 + cp.missed));
    } else if cp.missed > 0 {
        let msg = Msg::new(plural(
            cp.missed,
            "note.missed_no_credit_one",
            "note.missed_no_credit_other",
        ))
        .text("missed", cp.missed)
        .arg("period", Arg::Quarter(cp.period.clone()));
        notes.push(Note::new("missed_no_credit", msg, cp.missed));
    } else if cp.kept > 0 {
        let msg = Msg::new(plural(cp.kept, "note.all_kept_one", "note.all_kept_other"))
            .text("kept", cp.kept)
            .arg("period", Arg::Quarter(cp.period.clone()));
        notes.push(Note::new("all_kept", msg, 0));
    }
    if let Some(c) = csat {
        if let Some(s) = c.satisfied_pct.filter(|s| *s < csat_goal) {
            let too_few = Msg::new(if c.too_few {
                "note.too_few_to_be_firm"
            } else {
                "note.nothing"
            });
            let msg = Msg::new(plural(
                c.responses,
                "note.csat_below_goal_one",
                "note.csat_below_goal_other",
            ))
            .text("csat", pct(Some(s)))
            .text("goal", num(csat_goal))
            .text("responses", c.responses)
            .arg("too_few", Arg::Msg(Box::new(too_few)));
            notes.push(Note::new("csat_below_goal", msg, 2));
        }
    }
    if let (Some(inc), Some(used)) = (cp.entitlement(), cp.entitlement_used_pct) {
        let against = match (cp.partial_period(), cp.included_cases_prorated) {
            (Some((c, d)), Some(Some(_))) => Msg::new("note.against_prorated")
                .text("included", one_decimal(inc))
                .text(
                    "quarterly",
                    cp.included_cases.map(|q| q.to_string()).unwrap_or_default(),
                )
                .text("days", c)
                .text("period_days", d),
            _ => Msg::new("note.against").text("included", one_decimal(inc)),
        };
        let n = cp.tickets_created;
        let volume = |one, other| {
            Msg::new(plural(n, one, other))
                .text("tickets", n)
                .arg("against", Arg::Msg(Box::new(against.clone())))
                .text("used", pct(Some(used)))
        };
        if cp.tickets_created as f64 > inc {
            let msg = volume("note.volume_above_one", "note.volume_above_other");
            notes.push(Note::new("volume_above_entitlement", msg, 1));
        } else if used < 50.0 {
            let msg = volume("note.volume_below_one", "note.volume_below_other");
            notes.push(Note::new("volume_far_below_entitlement", msg, 1));
        }
    }
    let next = report.next();
    let (first, last) = (
        next.first_day(),
        next.end_day().pred_opt().expect("a quarter has a last day"),
    );
    // A later contract of the customer: the renewal, once signed.
    let later = contracts
        .iter()
        .filter(|c| {
            c.customer_id == cp.customer_id
                && c.contract_id != cp.contract_id
                && c.start_date > cp.start_date
        })
        .min_by(|a, b| a.start_date.cmp(&b.start_date));
    let renewal = NaiveDate::parse_from_str(&cp.renewal_date, "%Y-%m-%d").ok();
    if let (Some(renewal), Some(l)) = (renewal, later) {
        if renewal <= as_of_day {
            // Renewed: the renewal date has passed and the next contract is in place. The
            // contract's notes stay (they happened) but none of them is a renewal risk.
            for n in &mut notes {
                n.risk = 0;
            }
            let msg = Msg::new("note.renewed")
                .arg("renewal_date", Arg::Date(cp.renewal_date.clone()))
                .text("contract", &l.contract_id)
                .arg("start", Arg::Date(l.start_date.clone()));
            notes.push(Note::new("renewed", msg, 0));
            return notes;
        }
    }
    if let Some(renewal) = renewal {
        if renewal >= first && renewal <= last {
            let due = |key| {
                Msg::new(key)
                    .arg("renewal_date", Arg::Date(cp.renewal_date.clone()))
                    .arg("next", Arg::Quarter(next.label()))
            };
            notes.push(match later {
                Some(l) => Note::new(
                    "renewal_due",
                    due("note.renewal_due_signed")
                        .text("contract", &l.contract_id)
                        .arg("start", Arg::Date(l.start_date.clone())),
                    0,
                ),
                None => Note::new("renewal_due", due("note.renewal_due"), 3),
            });
        }
    }
    notes
}

/// One portfolio row: a contract of the report period with its risk.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub rank: usize,
    pub risk_score: i64,
    pub contract: ContractPeriod,
    pub csat: Option<CustomerCsat>,
    pub notes: Vec<Note>,
}

/// Notes and risk for every contract of the report period, riskiest first.
pub fn rank(
    all: &[ContractPeriod],
    report: Quarter,
    csat: &BTreeMap<String, CustomerCsat>,
    csat_goal: f64,
    as_of_day: NaiveDate,
    contracts: &[ContractDates],
) -> Vec<Ranked> {
    let label = report.label();
    let mut rows: Vec<Ranked> = all
        .iter()
        .filter(|cp| cp.period == label)
        .map(|cp| {
            let history: Vec<&ContractPeriod> = all
                .iter()
                .filter(|h| h.customer_id == cp.customer_id && h.period <= label)
                .collect();
            let c = csat.get(&cp.customer_id);
            let notes = renewal_notes(cp, &history, c, csat_goal, report, as_of_day, contracts);
            Ranked {
                rank: 0,
                risk_score: notes.iter().map(|n| n.risk).sum(),
                contract: cp.clone(),
                csat: c.cloned(),
                notes,
            }
        })
        .collect();
    let share = |r: &Ranked| {
        if r.contract.period_fee > 0.0 {
            r.contract.credit_amount / r.contract.period_fee
        } else {
            0.0
        }
    };
    rows.sort_by(|a, b| {
        b.risk_score
            .cmp(&a.risk_score)
            .then(share(b).total_cmp(&share(a)))
            .then(a.contract.contract_id.cmp(&b.contract.contract_id))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    rows
}

/// `renewal_notes` and `portfolio` as tables, for the audit trail.
pub fn tables(ranked: &[Ranked]) -> PolarsResult<(DataFrame, DataFrame)> {
    let mut n_period = Vec::new();
    let mut n_contract = Vec::new();
    let mut n_customer = Vec::new();
    let mut n_order = Vec::new();
    let mut n_kind = Vec::new();
    let mut n_risk = Vec::new();
    let mut n_text = Vec::new();
    for r in ranked {
        for (i, n) in r.notes.iter().enumerate() {
            n_period.push(r.contract.period.clone());
            n_contract.push(r.contract.contract_id.clone());
            n_customer.push(r.contract.customer_id.clone());
            n_order.push(i as i64 + 1);
            n_kind.push(n.kind);
            n_risk.push(n.risk);
            n_text.push(n.text.clone());
        }
    }
    let notes = DataFrame::new_infer_height(vec![
        Series::new("period".into(), n_period).into(),
        Series::new("contract_id".into(), n_contract).into(),
        Series::new("customer_id".into(), n_customer).into(),
        Series::new("note_order".into(), n_order).into(),
        Series::new("kind".into(), n_kind).into(),
        Series::new("risk".into(), n_risk).into(),
        Series::new("note".into(), n_text).into(),
    ])?;
    let c = |f: fn(&Ranked) -> String| ranked.iter().map(f).collect::<Vec<_>>();
    let portfolio = DataFrame::new_infer_height(vec![
        Series::new("period".into(), c(|r| r.contract.period.clone())).into(),
        Series::new(
            "rank".into(),
            ranked.iter().map(|r| r.rank as i64).collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "risk_score".into(),
            ranked.iter().map(|r| r.risk_score).collect::<Vec<_>>(),
        )
        .into(),
        Series::new("contract_id".into(), c(|r| r.contract.contract_id.clone())).into(),
        Series::new("customer_id".into(), c(|r| r.contract.customer_id.clone())).into(),
        Series::new(
            "customer_name".into(),
            c(|r| r.contract.customer_name.clone()),
        )
        .into(),
        Series::new("plan".into(), c(|r| r.contract.plan.clone())).into(),
        Series::new(
            "missed_commitments".into(),
            ranked.iter().map(|r| r.contract.missed).collect::<Vec<_>>(),
        )
        .into(),
        Series::new("currency".into(), c(|r| r.contract.currency.clone())).into(),
        Series::new(
            "credit_amount".into(),
            ranked
                .iter()
                .map(|r| r.contract.credit_amount)
                .collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "csat_satisfied_pct".into(),
            ranked
                .iter()
                .map(|r| r.csat.as_ref().and_then(|c| c.satisfied_pct))
                .collect::<Vec<_>>(),
        )
        .into(),
        Series::new(
            "renewal_date".into(),
            c(|r| r.contract.renewal_date.clone()),
        )
        .into(),
        Series::new(
            "reasons".into(),
            c(|r| {
                // Each kind once, with its count when it repeats: `missed_repeatedly x6`.
                let mut kinds: Vec<(&str, usize)> = Vec::new();
                for n in r.notes.iter().filter(|n| n.risk > 0) {
                    match kinds.iter_mut().find(|(k, _)| *k == n.kind) {
                        Some((_, count)) => *count += 1,
                        None => kinds.push((n.kind, 1)),
                    }
                }
                kinds
                    .iter()
                    .map(|(k, n)| {
                        if *n > 1 {
                            format!("{k} x{n}")
                        } else {
                            k.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        )
        .into(),
    ])?;
    Ok((notes, portfolio))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(contract_id: &str, renewal: &str, missed: i64) -> ContractPeriod {
        ContractPeriod {
            period: "2026Q3".into(),
            contract_id: contract_id.into(),
            customer_id: "C1".into(),
            customer_name: "One".into(),
            plan: "gold".into(),
            start_date: "2025-09-01".into(),
            end_date: "2026-08-31".into(),
            renewal_date: renewal.into(),
            active_from: "2026-07-01".into(),
            active_to: "2026-07-31".into(),
            contract_days: 31,
            fee_days: "31/365".into(),
            currency: "USD".into(),
            annual_fee: 36_500.0,
            period_fee: 3_100.0,
            credit_pct_per_missed_target: 5.0,
            credit_cap_pct: 20.0,
            credit_pct: 5.0 * missed as f64,
            credit_amount: 155.0 * missed as f64,
            kept: 1,
            missed,
            no_tickets: 0,
            tickets_created: 20,
            included_cases: Some(300),
            included_cases_prorated: None,
            period_days: Some(92),
            entitlement_used_pct: Some(100.0 * 20.0 / 300.0),
            cost_per_case: Some(155.0),
            commitments: Vec::new(),
        }
    }

    fn dates(id: &str, start: &str) -> ContractDates {
        ContractDates {
            contract_id: id.into(),
            customer_id: "C1".into(),
            start_date: start.into(),
            calendar_id: "24x7".into(),
            language: None,
        }
    }

    fn q3() -> Quarter {
        Quarter::parse("2026Q3").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_renewed_contract_with_a_successor_is_no_renewal_risk() {
        // Renewal on 2026-09-01, as_of 2026-10-04, K2 starts 2026-09-01: renewed. Its missed
        // commitment and credit stay as notes, scored 0.
        let cp = period("K1", "2026-09-01", 1);
        let contracts = [dates("K1", "2025-09-01"), dates("K2", "2026-09-01")];
        let notes = renewal_notes(&cp, &[&cp], None, 96.0, q3(), day("2026-10-04"), &contracts);
        assert!(notes.iter().any(|n| n.kind == "credit_due"));
        let renewed = notes
            .iter()
            .find(|n| n.kind == "renewed")
            .expect("renewed note");
        assert!(renewed.text.contains("K2"), "{}", renewed.text);
        assert_eq!(notes.iter().map(|n| n.risk).sum::<i64>(), 0);
        // Without the successor, the same contract is a risk (credit due: 2 + 1 missed).
        let alone = renewal_notes(
            &cp,
            &[&cp],
            None,
            96.0,
            q3(),
            day("2026-10-04"),
            &contracts[..1],
        );
        assert!(alone.iter().all(|n| n.kind != "renewed"));
        assert_eq!(alone.iter().map(|n| n.risk).sum::<i64>(), 3 + 1);
        // A renewal date after as_of with a successor signed: due, not renewed, no risk point.
        let later = period("K1", "2026-11-01", 0);
        let notes = renewal_notes(
            &later,
            &[&later],
            None,
            96.0,
            q3(),
            day("2026-10-04"),
            &contracts,
        );
        assert!(notes.iter().any(|n| n.kind == "renewal_due" && n.risk == 0));
        // Ranked: the renewed contract has score 0 and comes after a contract at risk.
        let other = ContractPeriod {
            customer_id: "C2".into(),
            ..period("K9", "2027-06-01", 1)
        };
        let ranked = rank(
            &[cp.clone(), other],
            q3(),
            &BTreeMap::new(),
            96.0,
            day("2026-10-04"),
            &contracts,
        );
        assert_eq!(ranked[0].contract.contract_id, "K9");
        assert_eq!(
            (
                ranked[1].contract.contract_id.as_str(),
                ranked[1].risk_score
            ),
            ("K1", 0)
        );
    }

    #[test]
    fn entitlement_is_prorated_for_part_of_the_period() {
        // Active 31 of 92 days with 300 included cases: 300 x 31 / 92 = 101.09 cases.
        let mut cp = period("K1", "2027-06-01", 0);
        cp.included_cases_prorated = Some(Some(300.0 * 31.0 / 92.0));
        assert_eq!(
            cp.entitlement_text(crate::report::i18n::english()),
            "300 per quarter, prorated to 31 of 92 days: 101.1"
        );
        assert!((cp.entitlement().unwrap() - 101.086_956_5).abs() < 1e-6);
        // 120 tickets against 101.1 is above the entitlement (against 300 it was not).
        cp.tickets_created = 120;
        cp.entitlement_used_pct = Some(100.0 * 120.0 / (300.0 * 31.0 / 92.0));
        let notes = renewal_notes(&cp, &[&cp], None, 96.0, q3(), day("2026-10-04"), &[]);
        let above = notes
            .iter()
            .find(|n| n.kind == "volume_above_entitlement")
            .expect("above the prorated entitlement");
        assert!(
            above.text.contains(
                "against 101.1 included cases (300 a quarter, prorated to 31 of 92 days), "
            ),
            "{}",
            above.text
        );
        // Without the column: the quarter's figure, and the document says it is not prorated.
        cp.included_cases_prorated = None;
        assert_eq!(cp.entitlement(), Some(300.0));
        assert_eq!(
            cp.entitlement_text(crate::report::i18n::english()),
            "300 (the contract covers 31 of 92 days; not prorated)"
        );
        // A whole period: no proration text; unlimited stays unlimited.
        cp.contract_days = 92;
        assert_eq!(cp.entitlement_text(crate::report::i18n::english()), "300");
        cp.included_cases = None;
        cp.included_cases_prorated = Some(None);
        assert_eq!(
            cp.entitlement_text(crate::report::i18n::english()),
            "unlimited"
        );
        assert_eq!(cp.entitlement(), None);
    }
}
