//! The team review: its view built from the typed rows of `load`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::chart::{self, Goal, Series};
use super::customer::aging_rows;
use super::format::{duration, number as trim, pct};
use super::load::{self, Metric, Priority};
use super::review::{chart_view, doc_info, engineer_label, Options, PRIORITIES};
use super::tables as t;
use super::view::*;

/// `solver`: ticket id -> engineer at the first solve (read once for all documents).
pub fn build(
    opts: &Options,
    run: &load::RunInfo,
    tables: &Path,
    names: &BTreeMap<String, String>,
    solver: &BTreeMap<String, String>,
) -> Result<TeamReview> {
    let period = opts.report.label();
    let scorecard = load::goal_scorecard(tables, &period)?
        .iter()
        .map(score_row)
        .collect();

    let bt = load::backlog_trend(tables, &period)?;
    let labels: Vec<String> = bt
        .iter()
        .map(|d| d.date.get(5..).unwrap_or(&d.date).to_string())
        .collect();
    let mut charts = BTreeMap::new();
    let chart_dir = "team_review".to_string();
    let title = format!("Backlog, inflow and outflow per day, {period}");
    charts.insert(
        "backlog".to_string(),
        chart_view(
            &title,
            chart::lines(&chart::Lines {
                title: title.clone(),
                y_label: "tickets".into(),
                points: labels,
                series: vec![
                    Series::new(
                        "open at day's end",
                        bt.iter().map(|d| Some(d.backlog as f64)).collect(),
                    ),
                    Series::new(
                        "created",
                        bt.iter().map(|d| Some(d.inflow as f64)).collect(),
                    ),
                    Series::new(
                        "solved",
                        bt.iter().map(|d| Some(d.outflow as f64)).collect(),
                    ),
                ],
                goal: None,
                y_max: None,
                label_every: 14,
            }),
            &chart_dir,
            "backlog",
        ),
    );

    // The team's aging: every customer's rows of `backlog_aging`.
    let aging = aging_rows(&load::backlog_aging(tables, &period)?);

    let el = load::engineer_load(tables, &period)?;
    let f2 = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
    let engineers: Vec<EngineerRow> = el
        .iter()
        .map(|e| EngineerRow {
            engineer_id: e.engineer_id.clone(),
            name: names.get(&e.engineer_id).cloned().unwrap_or_default(),
            working_days: e.working_days,
            solved: e.solved,
            solved_per_working_day: f2(e.solved_per_working_day),
            solved_goal_met: status_class(e.solved_goal_met),
            avg_backlog: f2(e.avg_backlog),
            backlog_goal_met: status_class(e.backlog_goal_met),
            system_down_over_goal: e.system_down_over_goal,
            kb_per_week: f2(e.kb_per_week),
            kb_goal_met: status_class(e.kb_goal_met),
            csat: pct(e.csat_satisfied_pct),
            csat_responses: e.csat_responses,
        })
        .collect();
    let goal_backlog = opts.goals.engineer.max_avg_backlog;
    let title = format!("Average backlog per engineer, {period}");
    charts.insert(
        "engineer_backlog".to_string(),
        chart_view(
            &title,
            chart::hbars(&chart::HBars {
                title: title.clone(),
                x_label: "average open tickets per day".into(),
                labels: el
                    .iter()
                    .map(|e| engineer_label(names, &e.engineer_id))
                    .collect(),
                values: el.iter().map(|e| e.avg_backlog.unwrap_or(0.0)).collect(),
                goal: Some(Goal {
                    label: format!("goal: at most {}", trim(goal_backlog)),
                    value: goal_backlog,
                }),
            }),
            &chart_dir,
            "engineer_backlog",
        ),
    );

    let pooled = load::sla_pooled(tables, &period)?;
    let sla: Vec<SlaRow> = pooled
        .iter()
        .map(|(&(p, m), e)| SlaRow {
            priority: p.as_str().to_string(),
            metric: m.label().to_string(),
            tickets: e.tickets,
            met: e.met,
            breached: e.breached,
            in_progress: e.in_progress,
            not_applicable: e.not_applicable,
            compliance: pct(e.compliance_pct()),
        })
        .collect();
    let g = &opts.goals.sla;
    let team_goal = |m: Metric| match m {
        Metric::FirstResponse => Some(g.first_response_met_pct),
        Metric::Update => Some(g.update_met_pct),
        _ => None,
    };
    let title = format!("SLA compliance by priority, all customers, {period}");
    charts.insert(
        "sla".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                title: title.clone(),
                y_label: "% of decided tickets met".into(),
                categories: PRIORITIES.iter().map(|s| s.to_string()).collect(),
                series: Metric::COMMITTED
                    .iter()
                    .map(|&m| {
                        Series::new(
                            m.label(),
                            Priority::ALL
                                .iter()
                                .map(|&p| pooled.get(&(p, m)).and_then(|e| e.compliance_pct()))
                                .collect(),
                        )
                    })
                    .collect(),
                markers: Some((
                    "team goal".into(),
                    Metric::COMMITTED
                        .iter()
                        .map(|&m| vec![team_goal(m); 4])
                        .collect(),
                )),
                goal: None,
                y_max: Some(100.0),
                value_labels: Some(1),
            }),
            &chart_dir,
            "sla_compliance",
        ),
    );

    let mut system_down: Vec<SystemDownRow> =
        load::ticket_sla(tables, &period, Some(Metric::SystemDown))?
            .into_iter()
            .map(|s| SystemDownRow {
                ticket_id: s.ticket_id.clone(),
                customer_id: s.customer_id.clone(),
                priority: s.priority.clone(),
                elapsed: duration(s.elapsed),
                state: s.state.map(|x| x.label()).unwrap_or_default().to_string(),
                breached_at: t::local(&run.tz, s.breached_at),
                engineer: solver.get(&s.ticket_id).cloned().unwrap_or_default(),
            })
            .collect();
    system_down.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id));

    let mut review = TeamReview {
        doc: doc_info(opts, run),
        scorecard,
        aging,
        engineers,
        sla,
        system_down,
        backlog_goal: trim(goal_backlog),
        charts,
        chart_dir,
        priorities: PRIORITIES.to_vec(),
        definitions: DEFINITIONS.to_vec(),
        story: None,
    };
    add_story(&mut review);
    Ok(review)
}

/// Hook for the review's story (shared/spec/review.md): the story module fills
/// `review.story` here once its tables are written.
fn add_story(_review: &mut TeamReview) {}

fn status_class(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "ok",
        Some(false) => "bad",
        None => "",
    }
}

/// A scorecard row as printed.
fn score_row(s: &load::Score) -> ScoreRow {
    let g = s.goal.as_str();
    let fmt_fig = |v: Option<f64>| -> String {
        match v {
            None => "–".into(),
            Some(v) if g.ends_with("_pct") || g.starts_with("fcr") => pct(Some(v)),
            Some(v) if g.ends_with("_hours") => duration(Some((v * 3600.0).round() as i64)),
            Some(v) => format!("{v:.2}"),
        }
    };
    ScoreRow {
        goal: s.goal.clone(),
        description: s.description.clone(),
        figure: fmt_fig(s.figure),
        goal_value: fmt_fig(s.goal_value),
        direction: s.direction.clone(),
        status: s.status.clone(),
        previous: fmt_fig(s.previous),
        change: match s.change {
            None => "–".into(),
            Some(c) if g.ends_with("_pct") || g.starts_with("fcr") => format!("{c:+.1} pt"),
            Some(c) if g.ends_with("_hours") => format!("{c:+.1} h"),
            Some(c) => format!("{c:+.2}"),
        },
        detail: s.detail.clone(),
        too_few: s.too_few,
    }
}
