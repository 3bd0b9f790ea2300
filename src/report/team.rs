//! The team review: its view built from the typed rows of `load`.

use std::collections::BTreeMap;
use std::path::Path;

use super::Result;

use super::chart::{self, Goal, Series};
use super::customer::aging_rows;
use super::format::{number as trim, one_decimal, pct};
use super::i18n::{self, Catalog};
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
    // The lake has a kb_articles table (the knowledge-base goal has input).
    has_kb: bool,
    l: &'static Catalog,
) -> Result<TeamReview> {
    let period = opts.report.label();
    let scorecard = load::goal_scorecard(tables, &period)?
        .iter()
        .map(|s| score_row(s, has_kb, l))
        .collect();

    let bt = load::backlog_trend(tables, &period)?;
    let labels: Vec<String> = bt
        .iter()
        .map(|d| d.date.get(5..).unwrap_or(&d.date).to_string())
        .collect();
    let mut charts = BTreeMap::new();
    let chart_dir = "team_review".to_string();
    // Quarter labels in the charts' titles in the document's language.
    let quarter = l.quarter(&period);
    let title = l.f("team.chart_backlog", &[("period", &quarter)]);
    charts.insert(
        "backlog".to_string(),
        chart_view(
            &title,
            chart::lines(&chart::Lines {
                no_data: l.t("customer.chart_no_data").into(),
                title: title.clone(),
                y_label: l.t("team.axis_tickets").into(),
                points: labels,
                series: vec![
                    Series::new(
                        l.t("team.series_open"),
                        bt.iter().map(|d| Some(d.backlog as f64)).collect(),
                    ),
                    Series::new(
                        l.t("team.series_created"),
                        bt.iter().map(|d| Some(d.inflow as f64)).collect(),
                    ),
                    Series::new(
                        l.t("team.series_solved"),
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
    let aging = aging_rows(&load::backlog_aging(tables, &period)?, l);

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
            kb_per_week: if has_kb {
                f2(e.kb_per_week)
            } else {
                l.t("team.no_data").into()
            },
            kb_goal_met: if has_kb {
                status_class(e.kb_goal_met)
            } else {
                ""
            },
            csat: pct(e.csat_satisfied_pct),
            csat_responses: e.csat_responses,
        })
        .collect();
    let goal_backlog = opts.goals.engineer.max_avg_backlog;
    let title = l.f("team.chart_engineer_backlog", &[("period", &quarter)]);
    charts.insert(
        "engineer_backlog".to_string(),
        chart_view(
            &title,
            chart::hbars(&chart::HBars {
                no_data: l.t("customer.chart_no_data").into(),
                title: title.clone(),
                x_label: l.t("team.axis_avg_open").into(),
                labels: el
                    .iter()
                    .map(|e| engineer_label(names, &e.engineer_id))
                    .collect(),
                values: el.iter().map(|e| e.avg_backlog.unwrap_or(0.0)).collect(),
                goal: Some(Goal {
                    label: l.f("team.chart_goal_at_most", &[("goal", &trim(goal_backlog))]),
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
            metric: l.metric(m.as_str()),
            tickets: e.tickets,
            met: e.met,
            breached: e.breached,
            in_progress: e.in_progress,
            not_applicable: e.not_applicable,
            waived: e.waived,
            compliance: pct(e.compliance_pct()),
        })
        .collect();
    let g = &opts.goals.sla;
    let team_goal = |m: Metric| match m {
        Metric::FirstResponse => Some(g.first_response_met_pct),
        Metric::Update => Some(g.update_met_pct),
        _ => None,
    };
    let title = l.f("team.chart_sla", &[("period", &quarter)]);
    charts.insert(
        "sla".to_string(),
        chart_view(
            &title,
            chart::bars(&chart::Bars {
                no_data: l.t("customer.chart_no_data").into(),
                title: title.clone(),
                y_label: l.t("team.axis_pct_met").into(),
                categories: PRIORITIES.iter().map(|s| s.to_string()).collect(),
                series: Metric::COMMITTED
                    .iter()
                    .map(|&m| {
                        Series::new(
                            l.metric(m.as_str()),
                            Priority::ALL
                                .iter()
                                .map(|&p| pooled.get(&(p, m)).and_then(|e| e.compliance_pct()))
                                .collect(),
                        )
                    })
                    .collect(),
                markers: Some((
                    l.t("team.series_team_goal").into(),
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
                elapsed: l.duration(s.elapsed),
                state: s.state.map(|x| x.label()).unwrap_or_default().to_string(),
                breached_at: t::local(&run.tz, s.breached_at),
                engineer: solver.get(&s.ticket_id).cloned().unwrap_or_default(),
            })
            .collect();
    system_down.sort_by(|a, b| a.ticket_id.cmp(&b.ticket_id));

    let review = TeamReview {
        doc: doc_info(opts, run, l),
        scorecard,
        aging,
        engineers,
        sla,
        system_down,
        backlog_goal: trim(goal_backlog),
        charts,
        chart_dir,
        priorities: PRIORITIES.to_vec(),
        definitions: definitions(l),
        story: None,
    };
    Ok(review)
}

/// Each goal of `goal_scorecard` (queries/goal_scorecard.sql): the key of its description,
/// and the keys its `detail` may be written with.
const GOAL_TEXTS: &[(&str, &str, &[&str])] = &[
    (
        "csat.satisfied_or_better_pct",
        "team.goal_csat_satisfied",
        &["team.basis_satisfied"],
    ),
    (
        "csat.very_satisfied_pct",
        "team.goal_csat_very_satisfied",
        &["team.basis_very_satisfied"],
    ),
    (
        "sla.first_response_met_pct",
        "team.goal_first_response",
        &["team.basis_met_breached"],
    ),
    (
        "sla.update_met_pct",
        "team.goal_update",
        &["team.basis_met_breached"],
    ),
    (
        "engineer.max_avg_backlog",
        "team.goal_avg_backlog",
        &["team.basis_engineers_over"],
    ),
    (
        "engineer.min_solved_per_working_day",
        "team.goal_solved",
        &["team.basis_engineers_under"],
    ),
    (
        "engineer.system_down_max_hours",
        "team.goal_system_down",
        &["team.basis_system_down_over"],
    ),
    (
        "engineer.min_kb_articles_per_week",
        "team.goal_kb",
        &["team.basis_engineers_under", "team.basis_no_kb_articles"],
    ),
    (
        "fcr.reopen_window_days",
        "team.goal_fcr",
        &["team.basis_fcr"],
    ),
];

/// A goal's description in the document's language. The table's English text is the
/// reference: a description other than the catalog's English (a changed query) is printed
/// as written rather than replaced by words that may no longer say the same.
fn goal_description(l: &Catalog, s: &load::Score) -> String {
    match GOAL_TEXTS.iter().find(|(g, _, _)| *g == s.goal) {
        Some((_, key, _)) if i18n::english().t(key) == s.description => l.t(key).to_string(),
        _ => s.description.clone(),
    }
}

/// A goal's `detail` in the document's language: the table writes it in English from counts,
/// so the counts are read back with the key whose English writes exactly the table's text, and
/// written with that key; any other text is printed as written.
fn goal_detail(l: &Catalog, s: &load::Score) -> String {
    let keys = GOAL_TEXTS
        .iter()
        .find(|(g, _, _)| *g == s.goal)
        .map(|(_, _, keys)| *keys)
        .unwrap_or(&[]);
    for key in keys {
        // Each `{name}` of the English message stands for a count (a run of digits).
        let counts = i18n::unfill(i18n::english().t(key), &s.detail).filter(|c| {
            c.iter()
                .all(|(_, v)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        });
        if let Some(counts) = counts {
            let refs: Vec<(&str, &str)> = counts
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            return l.f(key, &refs);
        }
    }
    s.detail.clone()
}

fn status_class(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "ok",
        Some(false) => "bad",
        None => "",
    }
}

/// What a goal's figure, goal and change are in (`goal_scorecard.unit` when the table has it).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Pct,
    Hours,
    Other,
}

/// The per-goal rules, in one place, for tables without `unit`, `better`, `direction` and the
/// `no_data` status: the unit from the goal's name, better = higher for an `at least` goal
/// (and for the information-only FCR), lower for an `at most` goal.
fn unit_of(s: &load::Score) -> Unit {
    match s.unit.as_deref() {
        Some("pct") => Unit::Pct,
        Some("hours") => Unit::Hours,
        Some(_) => Unit::Other,
        None if s.goal.ends_with("_pct") || s.goal.starts_with("fcr") => Unit::Pct,
        None if s.goal.ends_with("_hours") => Unit::Hours,
        None => Unit::Other,
    }
}

fn higher_is_better(s: &load::Score) -> bool {
    match s.better.as_deref() {
        Some(b) => b == "higher",
        None => s.direction != "at most",
    }
}

/// `better`, `worse`, `same`, or None without a previous figure.
fn trend_of(s: &load::Score) -> Option<String> {
    if let Some(t) = &s.trend {
        return Some(t.clone());
    }
    let c = s.change?;
    Some(
        if c.abs() < 1e-9 {
            "same"
        } else if (c > 0.0) == higher_is_better(s) {
            "better"
        } else {
            "worse"
        }
        .to_string(),
    )
}

/// A goal whose input is absent reads "no data", never "missed" or "met on 0 of 0": the
/// table's `no_data` status; else no figure, no item under it (no system-down ticket, no
/// survey), or a knowledge-base goal without a kb_articles file.
fn no_data(s: &load::Score, has_kb: bool) -> bool {
    s.status == "no_data"
        || (s.direction != "none" && s.figure.is_none())
        || s.basis == Some(0)
        || (s.goal.contains("kb_articles") && !has_kb)
}

/// A scorecard row as printed. Figure, goal and change are in one unit (a percentage and its
/// change in points, hours and their change in hours); the change says whether it is better
/// or worse in words and colour. `status` and `trend_class` stay codes (CSS classes); the
/// words printed are `l`'s.
fn score_row(s: &load::Score, has_kb: bool, l: &Catalog) -> ScoreRow {
    let unit = unit_of(s);
    let hours = |n: String| l.f("team.unit_hours", &[("n", &n)]);
    let fmt_fig = |v: Option<f64>| -> String {
        match v {
            None => "–".into(),
            Some(v) => match unit {
                Unit::Pct => pct(Some(v)),
                Unit::Hours => hours(one_decimal(v)),
                Unit::Other => format!("{v:.2}"),
            },
        }
    };
    let empty = no_data(s, has_kb);
    let trend = if empty { None } else { trend_of(s) };
    let change = match s.change {
        _ if empty => "–".to_string(),
        None => "–".into(),
        Some(c) => match unit {
            Unit::Pct => l.f("team.unit_points", &[("n", &format!("{c:+.1}"))]),
            Unit::Hours => hours(format!("{c:+.1}")),
            Unit::Other => format!("{c:+.2}"),
        },
    };
    let status = if empty {
        "no_data".to_string()
    } else {
        s.status.clone()
    };
    ScoreRow {
        goal: s.goal.clone(),
        description: goal_description(l, s),
        figure: if empty {
            l.t("team.no_data").into()
        } else {
            fmt_fig(s.figure)
        },
        goal_value: fmt_fig(s.goal_value),
        direction: s.direction.clone(),
        status_label: l.word("goal_status", &status),
        status,
        previous: fmt_fig(s.previous),
        change,
        trend_class: match trend.as_deref() {
            Some("better") => "ok",
            Some("worse") => "bad",
            _ => "",
        },
        trend: trend.map(|t| l.word("trend", &t)).unwrap_or_default(),
        detail: if empty && s.goal.contains("kb_articles") && !has_kb {
            l.t("team.basis_no_kb_file").into()
        } else {
            goal_detail(l, s)
        },
        too_few: s.too_few,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> &'static Catalog {
        i18n::english()
    }

    fn score(goal: &str, direction: &str, figure: Option<f64>, change: Option<f64>) -> load::Score {
        load::Score {
            goal: goal.into(),
            description: String::new(),
            figure,
            goal_value: Some(48.0),
            direction: direction.into(),
            status: "missed".into(),
            detail: String::new(),
            basis: Some(77),
            too_few: false,
            previous: figure.zip(change).map(|(f, c)| f - c),
            change,
            goal_order: 1,
            unit: None,
            better: None,
            trend: None,
        }
    }

    #[test]
    fn the_change_says_better_or_worse_in_the_goal_s_unit() {
        // System down: 216.39 h against at most 48 h, 130.81 h shorter than before: better.
        let s = score(
            "engineer.system_down_max_hours",
            "at most",
            Some(216.389),
            Some(-130.813),
        );
        let r = score_row(&s, true, en());
        assert_eq!(
            (r.figure.as_str(), r.goal_value.as_str()),
            ("216.4 h", "48 h")
        );
        assert_eq!(r.change, "-130.8 h");
        assert_eq!((r.trend.as_str(), r.trend_class), ("better", "ok"));
        // Updates on time down 2.0 points: worse.
        let s = score("sla.update_met_pct", "at least", Some(72.18), Some(-1.99));
        let r = score_row(&s, true, en());
        assert_eq!(r.change, "-2.0 pt");
        assert_eq!((r.trend.as_str(), r.trend_class), ("worse", "bad"));
        // The table's own columns win over the rule.
        let mut s = score("custom", "at least", Some(3.0), Some(1.0));
        s.better = Some("lower".into());
        assert_eq!(score_row(&s, true, en()).trend, "worse");
        s.trend = Some("same".into());
        assert_eq!(score_row(&s, true, en()).trend, "same");
    }

    #[test]
    fn the_scorecard_s_words_come_from_the_catalog() {
        let mut s = score(
            "csat.satisfied_or_better_pct",
            "at least",
            Some(95.8),
            Some(-0.6),
        );
        s.description = "Surveys satisfied or better (%)".into();
        s.detail = "713 of 744 surveys rated 4 or 5".into();
        // English reads as the table writes it.
        let r = score_row(&s, true, en());
        assert_eq!(r.description, "Surveys satisfied or better (%)");
        assert_eq!(r.detail, "713 of 744 surveys rated 4 or 5");
        assert_eq!(
            (r.status_label.as_str(), r.change.as_str()),
            ("missed", "-0.6 pt")
        );
        // Another language rewrites the table's English with the numbers read back.
        let xx = i18n::parse(
            "xx",
            "[team]\ngoal_csat_satisfied = \"D\"\nbasis_satisfied = \"{total}: {n}\"\n\
             unit_points = \"{n}p\"\n[goal_status]\nmissed = \"M\"\n[trend]\nworse = \"W\"\n",
        )
        .unwrap();
        let r = score_row(&s, true, &xx);
        assert_eq!(r.description, "D");
        assert_eq!(r.detail, "744: 713");
        assert_eq!(
            (r.status.as_str(), r.status_label.as_str()),
            ("missed", "M")
        );
        assert_eq!((r.trend.as_str(), r.trend_class), ("W", "bad"));
        assert_eq!(r.change, "-0.6p");
        // A text the catalog's English does not give is printed as written.
        s.detail = "713 of 744 surveys rated 4 or better".into();
        s.description = "Happy customers".into();
        let r = score_row(&s, true, &xx);
        assert_eq!(r.detail, "713 of 744 surveys rated 4 or better");
        assert_eq!(r.description, "Happy customers");
    }

    #[test]
    fn a_goal_without_input_reads_no_data() {
        // No system-down ticket in the period: basis 0, not "met on 0 of 0".
        let mut s = score("engineer.system_down_max_hours", "at most", Some(0.0), None);
        s.basis = Some(0);
        s.status = "met".into();
        let r = score_row(&s, true, en());
        assert_eq!(
            (r.status.as_str(), r.status_label.as_str()),
            ("no_data", "no data")
        );
        assert_eq!(r.figure, "no data");
        // No kb_articles file: not "missed".
        let s = score(
            "engineer.min_kb_articles_per_week",
            "at least",
            Some(0.0),
            Some(0.0),
        );
        let r = score_row(&s, false, en());
        assert_eq!(r.status_label, "no data");
        assert_eq!(r.trend, "");
        // The table's `no_data` status with a null figure.
        let mut s = score("csat.satisfied_or_better_pct", "at least", None, None);
        s.status = "no_data".into();
        assert_eq!(score_row(&s, true, en()).status_label, "no data");
    }
}
