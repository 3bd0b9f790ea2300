//! The customer service review of one contract: its view built from the typed rows of `load`
//! (read once for all contracts into `CustomerData`). Only layout here: which rows, in which
//! order, formatted how; the figures are the tables'.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::Result;
use chrono::NaiveDate;
use chrono_tz::Tz;

use super::chart::{self, Series};
use super::contract::{Commitment, ContractPeriod, CustomerCsat, Ranked};
use super::format::{money, number as trim, pct};
use super::i18n::Catalog;
use super::load::{self, Fcr, Metric, Priority, ResponseTime, SlaTicket, State, Volume};
use super::review::{chart_view, doc_info, engineer_label, Options, METRICS, PRIORITIES};
use super::tables as t;
use super::view::*;

/// Everything the customer reviews read, loaded once for all contracts.
pub struct CustomerData {
    /// ticket_id -> subject, for the tickets a document lists (the period's SLA rows, open
    /// tickets).
    pub subjects: BTreeMap<String, String>,
    /// ticket_id -> engineer at first solve, for the same tickets.
    pub solver: BTreeMap<String, String>,
    /// ticket_sla rows of the period per contract (system down left out).
    pub sla: BTreeMap<String, Vec<SlaTicket>>,
    /// `ticket_volume` of the period per contract.
    pub volume: BTreeMap<String, Vec<Volume>>,
    /// `weekly_flow` of the period per customer: (week start, created, solved).
    pub weeks: BTreeMap<String, Vec<(NaiveDate, i64, i64)>>,
    /// `response_times` of the period per contract.
    pub times: BTreeMap<String, Vec<ResponseTime>>,
    /// customer -> date -> open at the day's end.
    pub backlog: BTreeMap<String, BTreeMap<NaiveDate, i64>>,
    pub csat: BTreeMap<String, CustomerCsat>,
    /// `fcr_summary` by customer.
    pub fcr: BTreeMap<String, Fcr>,
    /// customer -> rating -> surveys.
    pub ratings: BTreeMap<String, BTreeMap<i64, i64>>,
    /// customer -> low-rated comments.
    pub comments: BTreeMap<String, Vec<load::LowRating>>,
    pub aging: BTreeMap<String, Vec<load::AgingCount>>,
    pub open: BTreeMap<String, Vec<load::OpenTicket>>,
}

impl CustomerData {
    pub fn load(
        tables: &Path,
        lake: &Path,
        period: &str,
        // The customers' CSAT, read once by `write_all` for the renewal notes too.
        csat: BTreeMap<String, CustomerCsat>,
    ) -> Result<CustomerData> {
        // The tickets whose subject or solver a document prints: the period's SLA rows (the
        // team review's system-down list too) and the tickets open at its end.
        let mut wanted: HashSet<String> = HashSet::new();
        let mut sla: BTreeMap<String, Vec<SlaTicket>> = BTreeMap::new();
        for s in load::ticket_sla(tables, period, None)? {
            wanted.insert(s.ticket_id.clone());
            if s.metric == Metric::SystemDown {
                continue;
            }
            if let Some(c) = s.contract_id.clone() {
                sla.entry(c).or_default().push(s);
            }
        }
        let mut volume: BTreeMap<String, Vec<Volume>> = BTreeMap::new();
        for v in load::ticket_volume(tables, period, "contract")? {
            volume.entry(v.key.clone()).or_default().push(v);
        }
        let mut weeks: BTreeMap<String, Vec<(NaiveDate, i64, i64)>> = BTreeMap::new();
        for w in load::weekly_flow(tables, period, "customer")? {
            weeks
                .entry(w.key)
                .or_default()
                .push((w.week_start, w.created, w.solved));
        }
        let mut times: BTreeMap<String, Vec<ResponseTime>> = BTreeMap::new();
        for r in load::response_times(tables, period, "contract")? {
            times.entry(r.key.clone()).or_default().push(r);
        }
        let mut comments: BTreeMap<String, Vec<load::LowRating>> = BTreeMap::new();
        for c in load::low_ratings(tables, period)? {
            comments.entry(c.customer_id.clone()).or_default().push(c);
        }
        for v in comments.values_mut() {
            v.sort_by(|a, b| {
                a.responded_at
                    .cmp(&b.responded_at)
                    .then(a.ticket_id.cmp(&b.ticket_id))
            });
        }
        let mut aging: BTreeMap<String, Vec<load::AgingCount>> = BTreeMap::new();
        for a in load::backlog_aging(tables, period)? {
            aging.entry(a.customer_id.clone()).or_default().push(a);
        }
        let mut open: BTreeMap<String, Vec<load::OpenTicket>> = BTreeMap::new();
        for o in load::open_at_period_end(tables, period)? {
            wanted.insert(o.ticket_id.clone());
            open.entry(o.customer_id.clone()).or_default().push(o);
        }
        for v in open.values_mut() {
            v.sort_by(|a, b| {
                b.age_days
                    .cmp(&a.age_days)
                    .then(a.ticket_id.cmp(&b.ticket_id))
            });
        }
        Ok(CustomerData {
            subjects: load::ticket_column(lake, "tickets", "subject", &wanted)?,
            // The engineer at each ticket's first solve (a breach of the period may be solved
            // later).
            solver: load::ticket_column(
                tables,
                "ticket_facts",
                "assignee_at_first_solve",
                &wanted,
            )?,
            sla,
            volume,
            weeks,
            times,
            backlog: load::daily_backlog(tables, period)?,
            csat,
            fcr: load::fcr_summary(tables, period, "customer")?,
            ratings: load::ratings(tables, period)?,
            comments,
            aging,
            open,
        })
    }
}

/// Most tickets first; past `most` rows, the rest are one row `other (N values)`, so a
/// product list of fifty categories stays readable. `rows`: (value, tickets, share) in the
/// table's order (tickets descending, then value).
pub fn counts_view(rows: Vec<(String, i64, Option<f64>)>, most: usize, l: &Catalog) -> Vec<Count> {
    let total: i64 = rows.iter().map(|r| r.1).sum();
    let mut v = rows;
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rest = if v.len() > most {
        v.split_off(most - 1)
    } else {
        Vec::new()
    };
    let mut out: Vec<Count> = v
        .into_iter()
        .map(|(label, n, share)| Count {
            share: pct(share),
            label,
            tickets: n,
        })
        .collect();
    if !rest.is_empty() {
        let n = rest.iter().map(|r| r.1).sum();
        out.push(Count {
            label: l.fa("customer.other_values", &[("n", &rest.len())]),
            tickets: n,
            share: pct((total > 0).then(|| 100.0 * n as f64 / total as f64)),
        });
    }
    out
}

pub fn contract_view(cp: &ContractPeriod, l: &Catalog) -> ContractView {
    let cur = &cp.currency;
    ContractView {
        contract_id: cp.contract_id.clone(),
        customer_id: cp.customer_id.clone(),
        customer_name: cp.customer_name.clone(),
        plan: cp.plan.clone(),
        start_date: l.date(&cp.start_date),
        end_date: l.date(&cp.end_date),
        renewal_date: l.date(&cp.renewal_date),
        active_from: l.date(&cp.active_from),
        active_to: l.date(&cp.active_to),
        annual_fee: money(Some(cp.annual_fee), cur),
        period_fee: money(Some(cp.period_fee), cur),
        fee_basis: l.f(
            "customer.fee_basis",
            &[
                ("fee", &money(Some(cp.annual_fee), cur)),
                ("days", &cp.fee_days),
            ],
        ),
        credit_rule: l.f(
            "customer.credit_rule",
            &[
                ("pct", &trim(cp.credit_pct_per_missed_target)),
                ("cap", &trim(cp.credit_cap_pct)),
            ],
        ),
        credit_pct: format!("{}%", trim(cp.credit_pct)),
        credit_amount: money(Some(cp.credit_amount), cur),
        credit_due: cp.credit_amount > 0.0,
        kept: cp.kept,
        missed: cp.missed,
        no_tickets: cp.no_tickets,
        tickets_created: cp.tickets_created,
        included_cases: cp.entitlement_text(l),
        entitlement_used: pct(cp.entitlement_used_pct),
        cost_per_case: money(cp.cost_per_case, cur),
        commitments: cp
            .commitments
            .iter()
            .map(|c| CommitmentView {
                priority: c.priority.clone(),
                metric: l.metric(&c.metric),
                target: l.clock_duration(
                    Some(crate::clock::arith::seconds(c.target_minutes, 60)),
                    c.clock == "business",
                ),
                clock: l.word("clock", &c.clock),
                commitment: format!("{}%", trim(c.commitment_pct)),
                tickets: c.tickets,
                met: c.met,
                breached: c.breached,
                in_progress: c.in_progress,
                not_applicable: c.not_applicable,
                waived: c.waived,
                compliance: pct(c.compliance_pct),
                outcome: c.outcome.clone(),
            })
            .collect(),
    }
}

/// The customer's commitment (priority x metric) in a period: of the contract under review
/// when it was active then, else of the customer's contract in force at the period's end.
fn commitment_in<'a>(
    history: &[&'a ContractPeriod],
    contract_id: &str,
    period: &str,
    priority: &str,
    metric: &str,
) -> Option<&'a Commitment> {
    let in_period = || history.iter().filter(|h| h.period == period);
    in_period()
        .find(|h| h.contract_id == contract_id)
        .or_else(|| in_period().max_by(|a, b| a.active_to.cmp(&b.active_to)))
        .and_then(|h| {
            h.commitments
                .iter()
                .find(|c| c.priority == priority && c.metric == metric)
        })
}

/// The four quarters added up: commitments kept and missed, tickets, and the credits (per
/// currency, a customer may have changed contracts).
fn trend_total(history: &[&ContractPeriod]) -> TrendTotal {
    let mut credits: BTreeMap<&str, f64> = BTreeMap::new();
    for h in history {
        *credits.entry(h.currency.as_str()).or_default() += h.credit_amount;
    }
    TrendTotal {
        kept: history.iter().map(|h| h.kept).sum(),
        missed: history.iter().map(|h| h.missed).sum(),
        no_tickets: history.iter().map(|h| h.no_tickets).sum(),
        tickets_created: history.iter().map(|h| h.tickets_created).sum(),
        credit: credits
            .iter()
            .map(|(c, a)| money(Some(*a), c))
            .collect::<Vec<_>>()
            .join(" + "),
    }
}

/// Each commitment of the report period's contract, quarter by quarter.
fn trend_commitments(
    cp: &ContractPeriod,
    history: &[&ContractPeriod],
    periods: &[String],
    l: &Catalog,
) -> Vec<TrendCommitment> {
    cp.commitments
        .iter()
        .map(|c| TrendCommitment {
            priority: c.priority.clone(),
            metric: l.metric(&c.metric),
            commitment: format!("{}%", trim(c.commitment_pct)),
            cells: periods
                .iter()
                .map(
                    |p| match commitment_in(history, &cp.contract_id, p, &c.priority, &c.metric) {
                        Some(x) => TrendCell {
                            compliance: pct(x.compliance_pct),
                            outcome: x.outcome.clone(),
                        },
                        None => TrendCell {
                            compliance: "–".into(),
                            outcome: String::new(),
                        },
                    },
                )
                .collect(),
        })
        .collect()
}

/// One chart per metric the contract commits to: per quarter, each priority's compliance as a
/// bar with its commitment as a marker.
fn trend_charts(
    cp: &ContractPeriod,
    history: &[&ContractPeriod],
    periods: &[String],
    chart_dir: &str,
    l: &Catalog,
) -> Vec<ChartView> {
    METRICS
        .iter()
        .filter_map(|m| {
            let priorities: Vec<&str> = PRIORITIES
                .iter()
                .copied()
                .filter(|p| {
                    cp.commitments
                        .iter()
                        .any(|c| c.metric == *m && c.priority == *p)
                })
                .collect();
            if priorities.is_empty() {
                return None;
            }
            let of = |p: &str, q: &str| commitment_in(history, &cp.contract_id, q, p, m);
            let title = l.f(
                "customer.chart_trend_title",
                &[("metric", l.word("metric_cap", m).as_str())],
            );
            Some(chart_view(
                &title,
                chart::bars(&chart::Bars {
                    title: title.clone(),
                    y_label: l.t("customer.chart_pct_met").into(),
                    no_data: l.t("customer.chart_no_data").into(),
                    categories: periods.iter().map(|q| l.quarter(q)).collect(),
                    series: priorities
                        .iter()
                        .map(|p| {
                            Series::new(
                                *p,
                                periods
                                    .iter()
                                    .map(|q| of(p, q).and_then(|c| c.compliance_pct))
                                    .collect(),
                            )
                        })
                        .collect(),
                    markers: Some((
                        l.t("customer.chart_commitment").into(),
                        priorities
                            .iter()
                            .map(|p| {
                                periods
                                    .iter()
                                    .map(|q| of(p, q).map(|c| c.commitment_pct))
                                    .collect()
                            })
                            .collect(),
                    )),
                    goal: None,
                    y_max: Some(100.0),
                    value_labels: None,
                }),
                chart_dir,
                &format!("trend_{m}"),
            ))
        })
        .collect()
}

/// The age buckets of `backlog_aging` (queries/backlog_aging.sql), by `bucket_order`.
pub const AGE_BUCKETS: [(i64, &str); 5] = [
    (1, "0-2"),
    (2, "3-7"),
    (3, "8-30"),
    (4, "31-90"),
    (5, "over 90"),
];

/// The aging table of the tickets open at the period's end: always the five buckets, empty
/// ones as zeros (a missing `31-90` row read as if the table skipped it), then any bucket the
/// table has beyond them.
pub fn aging_rows(rows: &[load::AgingCount], l: &Catalog) -> Vec<AgingRow> {
    let mut buckets: BTreeMap<(i64, String), [i64; 4]> = AGE_BUCKETS
        .iter()
        .map(|(o, b)| ((*o, b.to_string()), [0; 4]))
        .collect();
    for a in rows {
        let label = AGE_BUCKETS
            .iter()
            .find(|(o, _)| *o == a.bucket_order)
            .map(|(_, b)| b.to_string())
            .unwrap_or_else(|| a.bucket.clone());
        buckets.entry((a.bucket_order, label)).or_default()[a.priority.index()] += a.tickets;
    }
    buckets
        .into_iter()
        .map(|((_, bucket), counts)| AgingRow {
            bucket: if bucket == "over 90" {
                l.t("customer.age_over_90").to_string()
            } else {
                bucket
            },
            by_priority: counts.to_vec(),
            total: counts.iter().sum(),
        })
        .collect()
}

/// The customer review of `r` (a contract of the report period). `history`: the customer's
/// `contract_review` records up to the report period; `tz`: the contract calendar's zone.
#[allow(clippy::too_many_arguments)]
pub fn build(
    opts: &Options,
    run: &load::RunInfo,
    r: &Ranked,
    history: &[&ContractPeriod],
    data: &CustomerData,
    files: &[FileView],
    names: &BTreeMap<String, String>,
    chart_dir: &str,
    tz: Tz,
    l: &'static Catalog,
) -> Result<CustomerReview> {
    let cp = &r.contract;
    let cid = &cp.contract_id;
    let customer = &cp.customer_id;
    let period = opts.report.label();
    let engineer = |id: &str| -> String {
        if opts.show_engineers {
            engineer_label(names, id)
        } else {
            String::new()
        }
    };

    // Trend: the customer's records of the periods written, oldest first.
    let trend: Vec<TrendRow> = history
        .iter()
        .map(|h| TrendRow {
            period: l.quarter(&h.period),
            contract_id: h.contract_id.clone(),
            kept: h.kept,
            missed: h.missed,
            no_tickets: h.no_tickets,
            credit: money(Some(h.credit_amount), &h.currency),
            tickets_created: h.tickets_created,
        })
        .collect();
    let trend_total = trend_total(history);
    let period_list: Vec<String> = crate::metrics::derive::quarters_written(opts.report)
        .iter()
        .map(|q| q.label())
        .collect();
    let trend_commitments = trend_commitments(cp, history, &period_list, l);
    let trend_charts = trend_charts(cp, history, &period_list, chart_dir, l);

    // Volume: `ticket_volume` of the contract.
    let no_volume = Vec::new();
    let volume = data.volume.get(cid).unwrap_or(&no_volume);
    let of = |by: &str| -> Vec<(String, i64, Option<f64>)> {
        volume
            .iter()
            .filter(|v| v.by == by)
            .map(|v| (v.value.clone(), v.tickets, v.share_pct))
            .collect()
    };
    let mut by_priority = counts_view(of("priority"), usize::MAX, l);
    by_priority.sort_by(|a, b| a.label.cmp(&b.label));

    // Weekly inflow / outflow (`weekly_flow`) and daily backlog of the customer.
    let weeks: Vec<WeekRow> = data
        .weeks
        .get(customer)
        .map(|w| {
            w.iter()
                .map(|(week, created, solved)| WeekRow {
                    week: week.format("%m-%d").to_string(),
                    inflow: *created,
                    outflow: *solved,
                })
                .collect()
        })
        .unwrap_or_default();
    let no_days = BTreeMap::new();
    let days = data.backlog.get(customer).unwrap_or(&no_days);
    let first = opts.report.first_day();
    let last = (opts.report.end_day().pred_opt().unwrap()).min(run.as_of_day);
    let mut d = first;
    let mut day_labels = Vec::new();
    let mut backlog = Vec::new();
    while d <= last {
        day_labels.push(d.format("%m-%d").to_string());
        backlog.push(Some(days.get(&d).copied().unwrap_or(0) as f64));
        d = d.succ_opt().unwrap();
    }

    // Response and resolution times on the contract's clocks (`response_times`).
    let no_times = Vec::new();
    let rt = data.times.get(cid).unwrap_or(&no_times);
    let mut times = Vec::new();
    let mut med = [Vec::new(), Vec::new()];
    let mut p90 = [Vec::new(), Vec::new()];
    for p in Priority::ALL {
        let of = |m: Metric| rt.iter().find(|r| r.priority == p && r.metric == m);
        let (fr, rs) = (of(Metric::FirstResponse), of(Metric::Resolution));
        if fr.is_none() && rs.is_none() {
            for k in 0..2 {
                med[k].push(None);
                p90[k].push(None);
            }
            continue;
        }
        for (k, v) in [fr, rs].iter().enumerate() {
            med[k].push(v.and_then(|r| r.median_seconds).map(|s| s as f64 / 3600.0));
            p90[k].push(v.and_then(|r| r.p90_seconds).map(|s| s as f64 / 3600.0));
        }
        times.push(TimesRow {
            priority: p.as_str().to_string(),
            first_response_n: fr.map(|r| r.tickets).unwrap_or(0) as usize,
            first_response_median: l.duration(fr.and_then(|r| r.median_seconds)),
            first_response_p90: l.duration(fr.and_then(|r| r.p90_seconds)),
            resolution_n: rs.map(|r| r.tickets).unwrap_or(0) as usize,
            resolution_median: l.duration(rs.and_then(|r| r.median_seconds)),
            resolution_p90: l.duration(rs.and_then(|r| r.p90_seconds)),
        });
    }

    // Breaches, for the audit appendix: the ones that count (a waived breach is listed under
    // "Waived tickets", as it counts in neither met nor breached).
    let no_sla = Vec::new();
    let sla = data.sla.get(cid).unwrap_or(&no_sla);
    let mut breached: Vec<&SlaTicket> = sla
        .iter()
        .filter(|s| s.state == Some(State::Breached) && !s.waived)
        .collect();
    breached
        .sort_by(|a, b| (a.ticket_id.as_str(), a.metric).cmp(&(b.ticket_id.as_str(), b.metric)));
    let breaches: Vec<BreachRow> = breached
        .into_iter()
        .map(|s| BreachRow {
            ticket_id: s.ticket_id.clone(),
            priority: s.priority.clone(),
            metric: l.metric(s.metric.as_str()),
            target: l.clock_duration(s.target, s.clock == "business"),
            elapsed: l.clock_duration(s.elapsed, s.clock == "business"),
            over_by: l.clock_duration(
                s.elapsed.zip(s.target).map(|(e, t)| e - t),
                s.clock == "business",
            ),
            clock: if s.clock == "business" {
                l.f("customer.clock_business_of", &[("calendar", &s.calendar)])
            } else {
                l.word("clock", &s.clock)
            },
            breached_at: t::local(&tz, s.breached_at),
            subject: data.subjects.get(&s.ticket_id).cloned().unwrap_or_default(),
            engineer: engineer(
                data.solver
                    .get(&s.ticket_id)
                    .map(String::as_str)
                    .unwrap_or(""),
            ),
        })
        .collect();

    // Satisfaction.
    let g = &opts.goals.csat;
    let csat = data.csat.get(customer).map(|c| CsatView {
        responses: c.responses,
        satisfied: pct(c.satisfied_pct),
        satisfied_interval: format!("{} – {}", pct(c.satisfied_low), pct(c.satisfied_high)),
        very_satisfied: pct(c.very_satisfied_pct),
        very_satisfied_interval: format!(
            "{} – {}",
            pct(c.very_satisfied_low),
            pct(c.very_satisfied_high)
        ),
        too_few: c.too_few,
        response_rate: pct(c.response_rate_pct),
        solved_tickets: c.solved_tickets,
        satisfied_goal: format!("{}%", trim(g.satisfied_or_better_pct)),
        very_satisfied_goal: format!("{}%", trim(g.very_satisfied_pct)),
    });
    let fcr = data.fcr.get(customer).map(|f| FcrView {
        fcr: pct(f.fcr_pct),
        fcr_basis: l.fa(
            "customer.n_of_tickets",
            &[("n", &f.one_touch), ("total", &f.fcr_tickets)],
        ),
        reopen: pct(f.reopen_pct),
        reopen_basis: l.fa(
            "customer.n_of_tickets",
            &[("n", &f.reopened), ("total", &f.solved)],
        ),
    });
    let no_ratings = BTreeMap::new();
    let rating_counts = data.ratings.get(customer).unwrap_or(&no_ratings);
    let rated: i64 = rating_counts.values().sum();
    let ratings: Vec<Count> = (1..=5)
        .map(|r| {
            let n = rating_counts.get(&r).copied().unwrap_or(0);
            Count {
                label: r.to_string(),
                tickets: n,
                share: pct((rated > 0).then(|| 100.0 * n as f64 / rated as f64)),
            }
        })
        .collect();

    // Charts.
    let mut charts = BTreeMap::new();
    let commitment = |p: &str, m: &str| {
        cp.commitments
            .iter()
            .find(|c| c.priority == p && c.metric == m)
    };
    let sla_series: Vec<Series> = METRICS
        .iter()
        .map(|m| {
            Series::new(
                l.metric(m),
                PRIORITIES
                    .iter()
                    .map(|p| commitment(p, m).and_then(|c| c.compliance_pct))
                    .collect(),
            )
        })
        .collect();
    let marks: Vec<Vec<Option<f64>>> = METRICS
        .iter()
        .map(|m| {
            PRIORITIES
                .iter()
                .map(|p| commitment(p, m).map(|c| c.commitment_pct))
                .collect()
        })
        .collect();
    let qlabel = l.quarter(&period);
    let title = l.f("customer.chart_sla_title", &[("period", &qlabel)]);
    charts.insert(
        "sla".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: l.t("customer.chart_pct_met").into(),
                no_data: l.t("customer.chart_no_data").into(),
                categories: PRIORITIES.iter().map(|s| s.to_string()).collect(),
                series: sla_series,
                markers: Some((l.t("customer.chart_commitment").into(), marks)),
                goal: None,
                y_max: Some(100.0),
                value_labels: Some(1),
            }),
            chart_dir,
            "sla_compliance",
        ),
    );
    let title = l.f("customer.chart_weekly_title", &[("period", &qlabel)]);
    charts.insert(
        "weekly".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: l.t("customer.chart_tickets").into(),
                no_data: l.t("customer.chart_no_data").into(),
                categories: weeks.iter().map(|w| w.week.clone()).collect(),
                series: vec![
                    Series::new(
                        l.t("customer.chart_created"),
                        weeks.iter().map(|w| Some(w.inflow as f64)).collect(),
                    ),
                    Series::new(
                        l.t("customer.chart_solved"),
                        weeks.iter().map(|w| Some(w.outflow as f64)).collect(),
                    ),
                ],
                markers: None,
                goal: None,
                y_max: None,
                value_labels: None,
            }),
            chart_dir,
            "weekly_flow",
        ),
    );
    let title = l.f("customer.chart_backlog_title", &[("period", &qlabel)]);
    charts.insert(
        "backlog".to_string(),
        chart_view(
            &title,
            chart::lines(&chart::Lines {
                title: title.clone(),
                y_label: l.t("customer.chart_open_tickets").into(),
                no_data: l.t("customer.chart_no_data").into(),
                points: day_labels,
                series: vec![Series::new(l.t("customer.chart_open_tickets"), backlog)],
                goal: None,
                y_max: None,
                label_every: 14,
            }),
            chart_dir,
            "backlog",
        ),
    );
    for (k, name) in ["first_response", "resolution"].iter().enumerate() {
        let title = l
            .t(&format!("customer.chart_times_{name}_title"))
            .to_string();
        charts.insert(
            format!("times_{name}"),
            chart_view(
                &title,
                chart::bars(&chart::Bars {
                    title: title.clone(),
                    y_label: l.t("customer.chart_hours").into(),
                    no_data: l.t("customer.chart_no_data").into(),
                    categories: PRIORITIES.iter().map(|s| s.to_string()).collect(),
                    series: vec![
                        Series::new(l.t("customer.chart_median"), med[k].clone()),
                        Series::new(l.t("customer.chart_p90"), p90[k].clone()),
                    ],
                    markers: None,
                    goal: None,
                    y_max: None,
                    value_labels: Some(1),
                }),
                chart_dir,
                &format!("times_{name}"),
            ),
        );
    }
    let title = l.f("customer.chart_ratings_title", &[("period", &qlabel)]);
    charts.insert(
        "ratings".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: l.t("customer.chart_surveys").into(),
                no_data: l.t("customer.chart_no_data").into(),
                categories: (1..=5)
                    .map(|r| l.fa("customer.chart_rating", &[("n", &r)]))
                    .collect(),
                series: vec![Series::new(
                    l.t("customer.chart_surveys"),
                    ratings.iter().map(|c| Some(c.tickets as f64)).collect(),
                )],
                markers: None,
                goal: None,
                y_max: None,
                value_labels: Some(0),
            }),
            chart_dir,
            "ratings",
        ),
    );

    let mut doc = doc_info(opts, run, l);
    // reports.md asks for the exact command; a local path is nobody else's business, so each
    // path in it is cut to its last name (`--data /home/kim/exports` -> `--data exports`).
    doc.command = without_folders(&doc.command);
    doc.as_of = t::local(&tz, Some(run.as_of_secs));
    doc.times_in = tz.name().to_string();
    let comments = data
        .comments
        .get(customer)
        .map(|v| {
            v.iter()
                .map(|c| CommentRow {
                    at: c.responded_at,
                    ticket_id: c.ticket_id.clone(),
                    rating: c.rating,
                    responded: t::local(&tz, c.responded_at),
                    comment: c.comment.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let open = data
        .open
        .get(customer)
        .map(|v| {
            v.iter()
                .map(|o| OpenRow {
                    created_at: o.created_at,
                    ticket_id: o.ticket_id.clone(),
                    priority: o.priority.clone(),
                    status: l.word("ticket_status", &o.status),
                    created: t::local(&tz, o.created_at),
                    age_days: o.age_days,
                    subject: data.subjects.get(&o.ticket_id).cloned().unwrap_or_default(),
                    engineer: engineer(&o.engineer_id),
                })
                .collect()
        })
        .unwrap_or_default();
    let no_aging = Vec::new();
    let review = CustomerReview {
        doc,
        contract: contract_view(cp, l),
        trend,
        trend_total,
        trend_periods: period_list,
        trend_commitments,
        trend_charts,
        by_priority,
        by_channel: counts_view(
            of("channel")
                .into_iter()
                .map(|(v, n, s)| (l.word("channel", &v), n, s))
                .collect(),
            10,
            l,
        ),
        by_product: counts_view(of("product"), 10, l),
        weeks,
        times,
        csat,
        fcr,
        ratings,
        comments,
        aging: aging_rows(data.aging.get(customer).unwrap_or(&no_aging), l),
        open,
        notes: r.notes.iter().map(|n| n.in_language(l)).collect(),
        breaches,
        definitions: definitions(l),
        files: files.to_vec(),
        show_engineers: opts.show_engineers,
        charts,
        chart_dir: chart_dir.to_string(),
        priorities: PRIORITIES.to_vec(),
        metrics: METRICS.to_vec(),
        story: None,
    };
    Ok(review)
}

/// The command with every word that holds a `/` cut to what follows its last `/` (a trailing
/// `/` dropped first): `slareview run --data /home/kim/exports/ --out out` ->
/// `slareview run --data exports --out out`. Quoted words are cut the same way.
pub(crate) fn without_folders(command: &str) -> String {
    // Words as `command_line` quotes them: a quoted word may hold spaces.
    let mut words: Vec<String> = Vec::new();
    let mut open = false;
    for w in command.split(' ') {
        if open {
            let last = words.last_mut().expect("an open quote has a word");
            last.push(' ');
            last.push_str(w);
            open = !w.ends_with('\'');
        } else {
            words.push(w.to_string());
            open = w.starts_with('\'') && (w.len() < 2 || !w.ends_with('\''));
        }
    }
    words
        .iter()
        .map(|w| {
            let quoted = w.len() >= 2 && w.starts_with('\'') && w.ends_with('\'');
            let inner = if quoted { &w[1..w.len() - 1] } else { w };
            let (flag, value) = match inner.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (format!("{f}="), v),
                _ => (String::new(), inner),
            };
            if !value.contains('/') {
                return w.to_string();
            }
            let trimmed = value.trim_end_matches('/');
            let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
            let cut = format!("{flag}{last}");
            if quoted {
                format!("'{cut}'")
            } else {
                cut
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_keeps_no_folder() {
        assert_eq!(
            without_folders("slareview run --data /home/kim/exports/ --out out --pdf"),
            "slareview run --data exports --out out --pdf"
        );
        assert_eq!(
            without_folders("slareview run --queries=/srv/q 'C:/my data/x'"),
            "slareview run --queries=q 'x'"
        );
    }

    #[test]
    fn long_count_lists_end_in_one_other_row() {
        let rows: Vec<(String, i64, Option<f64>)> = (1..=12)
            .map(|i| (format!("c{i:02}"), i, Some(100.0 * i as f64 / 78.0)))
            .collect();
        let total: i64 = rows.iter().map(|r| r.1).sum(); // 78
        let v = counts_view(rows.clone(), 10, crate::report::i18n::english());
        assert_eq!(v.len(), 10);
        assert_eq!((v[0].label.as_str(), v[0].tickets), ("c12", 12));
        // c12..c04 are listed; c03, c02, c01 (3 + 2 + 1) become one row: 6 of 78 = 7.7%.
        assert_eq!(
            (v[9].label.as_str(), v[9].tickets, v[9].share.as_str()),
            ("other (3 values)", 6, "7.7%")
        );
        assert_eq!(v.iter().map(|c| c.tickets).sum::<i64>(), total);
        // Short lists are untouched.
        assert_eq!(
            counts_view(rows, usize::MAX, crate::report::i18n::english()).len(),
            12
        );
    }

    #[test]
    fn aging_shows_the_five_buckets_even_when_empty() {
        // Two P3 tickets aged 0-2 days and one P1 ticket over 90 days: 3-7, 8-30 and 31-90
        // are empty and still listed, in bucket order.
        let row = |order: i64, bucket: &str, p: Priority, n: i64| load::AgingCount {
            customer_id: "C1".into(),
            bucket_order: order,
            bucket: bucket.into(),
            priority: p,
            tickets: n,
        };
        let rows = aging_rows(
            &[
                row(5, "over 90", Priority::P1, 1),
                row(1, "0-2", Priority::P3, 2),
            ],
            crate::report::i18n::english(),
        );
        let shown: Vec<(&str, Vec<i64>, i64)> = rows
            .iter()
            .map(|r| (r.bucket.as_str(), r.by_priority.clone(), r.total))
            .collect();
        assert_eq!(
            shown,
            [
                ("0-2", vec![0, 0, 2, 0], 2),
                ("3-7", vec![0; 4], 0),
                ("8-30", vec![0; 4], 0),
                ("31-90", vec![0; 4], 0),
                ("over 90", vec![1, 0, 0, 0], 1),
            ]
        );
        assert_eq!(aging_rows(&[], crate::report::i18n::english()).len(), 5);
    }
}
