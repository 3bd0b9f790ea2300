//! The portfolio: every contract of the report period by renewal risk (`contract::rank`).

use std::collections::BTreeMap;

use super::contract::Ranked;
use super::format::{money, one_decimal, pct};
use super::i18n::Catalog;
use super::load::RunInfo;
use super::review::{doc_info, Options};
use super::view::*;

/// `links`: contract id -> its customer review, relative to the portfolio.
pub fn build(
    opts: &Options,
    run: &RunInfo,
    ranked: &[Ranked],
    links: &BTreeMap<String, String>,
    l: &'static Catalog,
) -> PortfolioView {
    let mut credits: BTreeMap<String, f64> = BTreeMap::new();
    for r in ranked {
        *credits.entry(r.contract.currency.clone()).or_default() += r.contract.credit_amount;
    }
    let view = PortfolioView {
        doc: doc_info(opts, run, l),
        rows: ranked
            .iter()
            .map(|r| {
                let cp = &r.contract;
                PortfolioRow {
                    rank: r.rank,
                    risk_score: r.risk_score,
                    contract_id: cp.contract_id.clone(),
                    customer_name: cp.customer_name.clone(),
                    plan: cp.plan.clone(),
                    kept: cp.kept,
                    missed: cp.missed,
                    no_tickets: cp.no_tickets,
                    credit: money(Some(cp.credit_amount), &cp.currency),
                    credit_due: cp.credit_amount > 0.0,
                    csat: pct(r.csat.as_ref().and_then(|c| c.satisfied_pct)),
                    csat_below_goal: r.notes.iter().any(|n| n.kind == "csat_below_goal"),
                    // Against the prorated entitlement when contract_review has it.
                    tickets: match cp.entitlement() {
                        Some(inc) => l.fa(
                            "portfolio.tickets_included",
                            &[
                                ("created", &cp.tickets_created),
                                ("included", &one_decimal(inc)),
                            ],
                        ),
                        None => l.fa(
                            "portfolio.tickets_unlimited",
                            &[("created", &cp.tickets_created)],
                        ),
                    },
                    renewal_date: cp.renewal_date.clone(),
                    notes: r.notes.iter().map(|n| n.in_language(l)).collect(),
                    link: links.get(&cp.contract_id).cloned().unwrap_or_default(),
                }
            })
            .collect(),
        credits: credits.iter().map(|(c, a)| money(Some(*a), c)).collect(),
        story: None,
    };
    view
}
