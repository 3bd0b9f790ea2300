//! Importing a helpdesk's own export into the canonical exports of `shared/spec/inputs.md`,
//! driven by a column mapping (TOML): a new export format is a mapping file, not code. The
//! bundled `mappings/servicenow.toml` reads ServiceNow's incident event log with the same
//! mechanism.
//!
//! Two layouts:
//! - `event_log`: one row per update of a ticket (ServiceNow's audit log). The ticket is taken
//!   from its first row (created, priority as filed, severity, channel, customer) and its last
//!   (status and assignee at export); events are the changes between consecutive rows (status,
//!   assignee, priority), and replies are derived from status changes as the mapping says,
//!   because such logs hold no reply events.
//! - `one_row_per_ticket`: each row a ticket; events come from timestamp columns (`first reply
//!   at`, `solved at`, ...).
//!
//! Every input row is accounted for: it is used, or it is written to `import_rejects.csv` with
//! its line, column, value and reason; `import_summary.json` has the counts, which add up. The
//! canonical files then go through `slareview run` like any export (its ingest validates them
//! again).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::Hint;
use crate::ingest::IngestError;
use crate::model::config::{Bound, TEN_YEARS_DAYS};
use crate::model::schema;

type Result<T, E = ImportError> = std::result::Result<T, E>;

/// What can stop an import: each names the mapping, file or column at fault.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("`{mapping}` is neither a bundled mapping nor a mapping file")]
    UnknownMapping { mapping: String },
    #[error("cannot read `{}`", file.display())]
    ReadMapping {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("mapping `{name}` is not valid: {source}")]
    Mapping {
        name: String,
        source: toml::de::Error,
    },
    #[error("{file}: the mapping names column `{column}`, which the file does not have")]
    MissingColumn {
        file: String,
        column: String,
        /// The file's columns, lower-cased, in name order.
        found: Vec<String>,
    },
    #[error("cannot open `{}`", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the header line of `{}`", path.display())]
    Header { path: PathBuf, source: csv::Error },
    #[error("{file}: the export's timestamps carry no time zone")]
    NoZone { file: String },
    #[error("cannot create `{}`", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("internal error: {0}")]
    Internal(String),
    /// A mapping's numbers out of their ranges (the model's bounds).
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Claiming the output folder, or writing a file through the store.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl Hint for ImportError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            ImportError::UnknownMapping { .. } => {
                "use `servicenow`, or the path of a mapping .toml (see mappings/README.md)".into()
            }
            ImportError::Mapping { .. } => "see mappings/README.md for its fields".into(),
            ImportError::MissingColumn { found, .. } => {
                format!("the file's columns are: {}", found.join(", "))
            }
            ImportError::NoZone { .. } => "pass --assume-tz with the zone the helpdesk recorded them in, e.g. --assume-tz America/Sao_Paulo".into(),
            ImportError::Create { source, .. } | ImportError::Write { source, .. } => {
                crate::store::out_folder_hint(source)
            }
            ImportError::Ingest(e) => return e.hint(),
            ImportError::ReadMapping { .. }
            | ImportError::Open { .. }
            | ImportError::Header { .. }
            | ImportError::Internal(_) => return None,
            ImportError::Store(e) => return e.hint(),
        })
    }
}

/// The bundled mappings, by name.
pub const BUNDLED: [(&str, &str); 1] =
    [("servicenow", include_str!("../../mappings/servicenow.toml"))];

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    EventLog,
    OneRowPerTicket,
}

/// A column mapping. Field names are canonical names; values are the export's column names
/// (matched case-insensitively).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub layout: Layout,
    /// Cell values that mean "missing" (besides the empty cell), e.g. ServiceNow's `?`.
    #[serde(default)]
    pub missing: Vec<String>,
    /// chrono format of the export's timestamps (`%d/%m/%Y %H:%M`), or `rfc3339`.
    pub timestamp_format: String,
    pub ticket_id: String,
    /// The column naming the customer; `--customer-from` overrides it.
    pub customer_id: String,
    /// The customer of a ticket whose customer column is missing; without it such a ticket is
    /// rejected.
    pub customer_missing: Option<String>,
    /// event_log: the columns that order a ticket's rows (timestamps or integers), in order.
    #[serde(default)]
    pub order: Vec<String>,
    pub tickets: TicketColumns,
    /// Per canonical field (`priority`, `status`, `channel`, ...): export value -> canonical
    /// value. A field with a table must find every value in it (else the row is rejected);
    /// a field without one is copied.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub severity: SeverityRule,
    #[serde(default)]
    pub events: EventRules,
    /// Example contracts, one per customer, when the export has none.
    pub contracts: Option<ContractTemplate>,
    /// Example targets of the contracts' plan (rows of sla_targets.csv).
    #[serde(default)]
    pub targets: Vec<TargetRow>,
    /// Columns copied to tickets.csv as extra columns (kept by ingest), e.g. `made_sla`; the
    /// value of the ticket's last row.
    #[serde(default)]
    pub keep: Vec<String>,
    /// What the mapping assumes, written to ASSUMPTIONS.md beside the output.
    #[serde(default)]
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketColumns {
    pub created_at: String,
    pub priority: String,
    pub status: Option<String>,
    pub assignee_id: Option<String>,
    pub channel: Option<String>,
    pub product: Option<String>,
    /// One column, or several joined with ` / `.
    #[serde(default)]
    pub subject: Vec<String>,
    pub updated_at: Option<String>,
}

/// `severity = system_down` when any of these conditions holds on the ticket's first row (each
/// condition: every column has its value).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityRule {
    #[serde(default)]
    pub system_down_when: Vec<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRules {
    /// event_log: the row's time and who made it.
    pub at: Option<String>,
    pub actor: Option<String>,
    /// event_log: columns whose changes are status, assign and priority events.
    pub status: Option<String>,
    pub assign: Option<String>,
    pub priority: Option<String>,
    /// event_log: an agent reply is assumed when the status leaves one of these (canonical)
    /// statuses, or enters one of `agent_reply_entering`; a customer reply when it leaves one
    /// of `customer_reply_leaving`.
    #[serde(default)]
    pub agent_reply_leaving: Vec<String>,
    #[serde(default)]
    pub agent_reply_entering: Vec<String>,
    #[serde(default)]
    pub customer_reply_leaving: Vec<String>,
    /// one_row_per_ticket: events from columns.
    #[serde(default)]
    pub from_columns: Vec<ColumnEvent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnEvent {
    /// Canonical event kind: agent_reply, customer_reply, status, assign, priority.
    pub kind: String,
    /// The column holding the event's time; no event when it is missing.
    pub at: String,
    /// A fixed value (e.g. `solved` for a status event)...
    pub value: Option<String>,
    /// ...or the column holding it (mapped through `values.<kind>` for status and priority).
    pub value_from: Option<String>,
    pub actor: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractTemplate {
    pub plan: String,
    pub currency: String,
    pub annual_fee: f64,
    #[serde(default)]
    pub calendar_id: Option<String>,
    pub included_cases_per_quarter: Option<u64>,
    #[serde(default)]
    pub credit_pct_per_missed_target: f64,
    #[serde(default)]
    pub credit_cap_pct: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRow {
    pub priority: String,
    pub metric: String,
    pub target_minutes: u64,
    pub clock: String,
    #[serde(default = "hundred")]
    pub commitment_pct: f64,
}

fn hundred() -> f64 {
    100.0
}

impl Mapping {
    /// A bundled mapping by name, or a mapping file.
    pub fn load(source: &str) -> Result<Mapping> {
        let (name, text) = match BUNDLED.iter().find(|(n, _)| *n == source) {
            Some((n, t)) => (n.to_string(), t.to_string()),
            None => {
                let p = Path::new(source);
                if !p.exists() {
                    return Err(ImportError::UnknownMapping {
                        mapping: source.to_string(),
                    });
                }
                let text = std::fs::read_to_string(p).map_err(|e| ImportError::ReadMapping {
                    file: p.to_path_buf(),
                    source: e,
                })?;
                (source.to_string(), text)
            }
        };
        let mapping: Mapping = toml::from_str(&text).map_err(|source| ImportError::Mapping {
            name: name.clone(),
            source,
        })?;
        mapping.check_ranges(&name)?;
        Ok(mapping)
    }

    /// The numbers of `[contracts]` and `[[targets]]` against their ranges
    /// (`MAPPING_BOUNDS`): they become rows of contracts.csv and sla_targets.csv, so they take
    /// the ranges those files' values must have.
    pub fn check_ranges(&self, name: &str) -> std::result::Result<(), IngestError> {
        let [fee, included, credit, cap, minutes, commitment] = &MAPPING_BOUNDS;
        if let Some(c) = &self.contracts {
            fee.check(name, c.annual_fee)?;
            if let Some(n) = c.included_cases_per_quarter {
                included.check_int(name, n as i128)?;
            }
            credit.check(name, c.credit_pct_per_missed_target)?;
            cap.check(name, c.credit_cap_pct)?;
        }
        for t in &self.targets {
            minutes.check_int(name, t.target_minutes as i128)?;
            commitment.check(name, t.commitment_pct)?;
        }
        Ok(())
    }
}

/// The ranges of a mapping's numbers. Money is at least 0 and at most 10¹⁵ in the contract's
/// currency (a quadrillion won is still far above any contract); case counts at most 10⁹ a
/// quarter; percentages 0..=100; a target is at least one minute and at most ten years.
pub const MAPPING_BOUNDS: [Bound; 6] = [
    Bound::closed("[contracts] annual_fee", 0.0, 1e15, ""),
    Bound::closed(
        "[contracts] included_cases_per_quarter",
        0.0,
        1e9,
        "tickets",
    ),
    Bound::closed("[contracts] credit_pct_per_missed_target", 0.0, 100.0, "%"),
    Bound::closed("[contracts] credit_cap_pct", 0.0, 100.0, "%"),
    Bound::closed(
        "[[targets]] target_minutes",
        1.0,
        TEN_YEARS_DAYS * 24.0 * 60.0,
        "minutes",
    ),
    Bound::closed("[[targets]] commitment_pct", 0.0, 100.0, "%"),
];

/// What the user chose on the command line.
pub struct Options {
    pub assume_tz: Option<Tz>,
    pub customer_from: Option<String>,
}

/// One rejected input row.
#[derive(Debug, Clone, Serialize)]
pub struct Reject {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// The counts of an import; `rows_read = rows_used + rows_rejected`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub mapping: String,
    pub file: String,
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_rejected: u64,
    pub tickets: u64,
    pub events: u64,
    pub contracts: u64,
    pub rejects_by_reason: BTreeMap<String, u64>,
}

/// One parsed input row.
struct Row {
    line: u64,
    cells: Vec<Option<String>>,
    at: Option<i64>,
    order: Vec<OrderKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum OrderKey {
    Missing,
    Number(i64),
    Text(String),
}

struct Columns {
    index: HashMap<String, usize>,
    file: String,
}

impl Columns {
    fn get(&self, name: &str) -> Result<usize> {
        self.index
            .get(&name.to_lowercase())
            .copied()
            .ok_or_else(|| {
                let mut known: Vec<&String> = self.index.keys().collect();
                known.sort();
                ImportError::MissingColumn {
                    file: self.file.clone(),
                    column: name.to_string(),
                    found: known.into_iter().cloned().collect(),
                }
            })
    }
}

fn open(path: &Path) -> Result<Box<dyn Read>> {
    let f = std::fs::File::open(path).map_err(|source| ImportError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(
            std::io::BufReader::new(f),
        )))
    } else {
        Ok(Box::new(std::io::BufReader::new(f)))
    }
}

/// The import: reads `file` with `mapping`, writes the canonical exports to `out`.
pub fn import(mapping: &Mapping, file: &Path, out: &Path, opts: &Options) -> Result<Summary> {
    let file_name = file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(open(file)?);
    let headers = reader
        .headers()
        .map_err(|source| ImportError::Header {
            path: file.to_path_buf(),
            source,
        })?
        .clone();
    let cols = Columns {
        index: headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
            .collect(),
        file: file_name.clone(),
    };
    let width = headers.len();
    let customer_col = opts
        .customer_from
        .clone()
        .unwrap_or_else(|| mapping.customer_id.clone());
    // Every column the mapping names must exist: a missing one is the user's to fix, not a
    // reject per row.
    let id_c = cols.get(&mapping.ticket_id)?;
    let customer_c = cols.get(&customer_col)?;
    let created_c = cols.get(&mapping.tickets.created_at)?;
    let priority_c = cols.get(&mapping.tickets.priority)?;
    let opt = |c: &Option<String>| -> Result<Option<usize>> {
        c.as_ref().map(|c| cols.get(c)).transpose()
    };
    let status_c = opt(&mapping.tickets.status)?;
    let assignee_c = opt(&mapping.tickets.assignee_id)?;
    let channel_c = opt(&mapping.tickets.channel)?;
    let product_c = opt(&mapping.tickets.product)?;
    let updated_c = opt(&mapping.tickets.updated_at)?;
    let subject_c: Vec<usize> = mapping
        .tickets
        .subject
        .iter()
        .map(|c| cols.get(c))
        .collect::<Result<_>>()?;
    let at_c = opt(&mapping.events.at)?;
    let actor_c = opt(&mapping.events.actor)?;
    let ev_status_c = opt(&mapping.events.status)?;
    let ev_assign_c = opt(&mapping.events.assign)?;
    let ev_priority_c = opt(&mapping.events.priority)?;
    let order_c: Vec<usize> = mapping
        .order
        .iter()
        .map(|c| cols.get(c))
        .collect::<Result<_>>()?;
    let keep_c: Vec<(String, usize)> = mapping
        .keep
        .iter()
        .map(|c| Ok((c.clone(), cols.get(c)?)))
        .collect::<Result<_>>()?;
    let severity_c: Vec<Vec<(usize, String)>> = mapping
        .severity
        .system_down_when
        .iter()
        .map(|cond| {
            cond.iter()
                .map(|(c, v)| Ok((cols.get(c)?, v.clone())))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<_>>()?;
    let column_events: Vec<(usize, Option<usize>, Option<usize>, &ColumnEvent)> = mapping
        .events
        .from_columns
        .iter()
        .map(|e| Ok((cols.get(&e.at)?, opt(&e.value_from)?, opt(&e.actor)?, e)))
        .collect::<Result<_>>()?;

    let parse_ts = |raw: &str| -> std::result::Result<i64, String> {
        if mapping.timestamp_format == "rfc3339" {
            return crate::model::parse_timestamp(raw, opts.assume_tz)
                .map_err(|_| "not an RFC 3339 timestamp".to_string());
        }
        let naive =
            NaiveDateTime::parse_from_str(raw, &mapping.timestamp_format).map_err(|_| {
                format!(
                    "not a timestamp in the format `{}`",
                    mapping.timestamp_format
                )
            })?;
        let tz = opts
            .assume_tz
            .ok_or_else(|| "no time zone: pass --assume-tz ZONE".to_string())?;
        tz.from_local_datetime(&naive)
            .earliest()
            .map(|t| t.timestamp())
            .ok_or_else(|| format!("does not exist in {tz} (a daylight-saving gap)"))
    };
    if mapping.timestamp_format != "rfc3339" && opts.assume_tz.is_none() {
        return Err(ImportError::NoZone { file: file_name });
    }
    let missing: BTreeSet<&str> = mapping.missing.iter().map(String::as_str).collect();

    let mut rejects: Vec<Reject> = Vec::new();
    let mut rows_read = 0u64;
    let mut by_ticket: Vec<(String, Vec<Row>)> = Vec::new();
    let mut ticket_index: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                rows_read += 1;
                line += 1;
                rejects.push(Reject {
                    line,
                    column: String::new(),
                    value: String::new(),
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        }
        rows_read += 1;
        line = record.position().map(|p| p.line()).unwrap_or(line + 1);
        let reject = |column: &str, value: &str, reason: String| Reject {
            line,
            column: column.to_string(),
            value: value.to_string(),
            reason,
        };
        if record.len() != width {
            rejects.push(reject(
                "",
                "",
                format!("{} fields, the header has {width}", record.len()),
            ));
            continue;
        }
        let cells: Vec<Option<String>> = record
            .iter()
            .map(|c| {
                let c = c.trim();
                (!c.is_empty() && !missing.contains(c)).then(|| c.to_string())
            })
            .collect();
        let Some(id) = cells[id_c].clone() else {
            rejects.push(reject(&mapping.ticket_id, "", "no ticket id".into()));
            continue;
        };
        let at = match at_c {
            Some(c) => match cells[c].as_deref().map(parse_ts) {
                Some(Ok(t)) => Some(t),
                Some(Err(why)) => {
                    rejects.push(reject(
                        mapping.events.at.as_deref().unwrap_or(""),
                        record.get(c).unwrap_or(""),
                        why,
                    ));
                    continue;
                }
                None => {
                    rejects.push(reject(
                        mapping.events.at.as_deref().unwrap_or(""),
                        "",
                        "no update time".into(),
                    ));
                    continue;
                }
            },
            None => None,
        };
        let order = order_c
            .iter()
            .map(|&c| match cells[c].as_deref() {
                None => OrderKey::Missing,
                Some(v) => match parse_ts(v) {
                    Ok(t) => OrderKey::Number(t),
                    Err(_) => match v.parse::<i64>() {
                        Ok(n) => OrderKey::Number(n),
                        Err(_) => OrderKey::Text(v.to_string()),
                    },
                },
            })
            .collect();
        let k = *ticket_index.entry(id.clone()).or_insert_with(|| {
            by_ticket.push((id.clone(), Vec::new()));
            by_ticket.len() - 1
        });
        by_ticket[k].1.push(Row {
            line,
            cells,
            at,
            order,
        });
    }

    let map_value = |field: &str, raw: &str| -> std::result::Result<String, String> {
        match mapping.values.get(field) {
            None => Ok(raw.to_string()),
            Some(table) => table.get(raw).cloned().ok_or_else(|| {
                format!(
                    "`{raw}` is not in the mapping's [values.{field}] (known: {})",
                    table.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            }),
        }
    };

    let mut tickets_out: Vec<Vec<String>> = Vec::new();
    let mut events_out: Vec<[String; 5]> = Vec::new();
    let mut customers: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut rows_used = 0u64;
    let fmt_ts = |t: i64| -> String {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default()
    };
    let col_name = |c: usize| headers.get(c).unwrap_or("").to_string();

    for (id, mut rows) in by_ticket {
        rows.sort_by(|a, b| a.order.cmp(&b.order).then(a.line.cmp(&b.line)));
        // Rows that cannot be read as part of the ticket are rejected one by one; the ticket
        // stands on the others.
        let first = &rows[0];
        let cell = |r: &Row, c: usize| r.cells[c].clone();
        let created = match cell(first, created_c).as_deref().map(parse_ts) {
            Some(Ok(t)) => t,
            other => {
                let why = match other {
                    Some(Err(w)) => w,
                    _ => "no creation time".into(),
                };
                for r in &rows {
                    rejects.push(Reject {
                        line: r.line,
                        column: col_name(created_c),
                        value: r.cells[created_c].clone().unwrap_or_default(),
                        reason: format!("ticket `{id}`: {why}"),
                    });
                }
                continue;
            }
        };
        let Some(customer) = cell(first, customer_c).or(mapping.customer_missing.clone()) else {
            for r in &rows {
                rejects.push(Reject {
                    line: r.line,
                    column: customer_col.clone(),
                    value: String::new(),
                    reason: format!("ticket `{id}` has no customer in `{customer_col}`"),
                });
            }
            continue;
        };
        let filed = match cell(first, priority_c)
            .as_deref()
            .map(|p| map_value("priority", p))
        {
            Some(Ok(p)) => p,
            other => {
                let why = match other {
                    Some(Err(w)) => w,
                    _ => "no priority".into(),
                };
                for r in &rows {
                    rejects.push(Reject {
                        line: r.line,
                        column: col_name(priority_c),
                        value: r.cells[priority_c].clone().unwrap_or_default(),
                        reason: format!("ticket `{id}`: {why}"),
                    });
                }
                continue;
            }
        };

        // Events, row by row; a row whose values cannot be read is rejected alone.
        let mut status = "new".to_string();
        let mut assignee: Option<String> = None;
        let mut priority = filed.clone();
        let mut last_used: Option<&Row> = None;
        for r in &rows {
            let actor = actor_c.and_then(|c| r.cells[c].clone()).unwrap_or_default();
            let mut row_events: Vec<[String; 5]> = Vec::new();
            let mut bad: Option<Reject> = None;
            let at = r.at.unwrap_or(created);
            if mapping.layout == Layout::EventLog {
                if at < created {
                    bad = Some(Reject {
                        line: r.line,
                        column: mapping.events.at.clone().unwrap_or_default(),
                        value: r.at.map(fmt_ts).unwrap_or_default(),
                        reason: format!(
                            "update before ticket `{id}` was opened (`{}`)",
                            fmt_ts(created)
                        ),
                    });
                }
                let mut next_status = status.clone();
                if let (None, Some(c)) = (&bad, ev_status_c) {
                    match r.cells[c].as_deref().map(|s| map_value("status", s)) {
                        Some(Ok(s)) => next_status = s,
                        Some(Err(why)) => {
                            bad = Some(Reject {
                                line: r.line,
                                column: col_name(c),
                                value: r.cells[c].clone().unwrap_or_default(),
                                reason: why,
                            })
                        }
                        None => {}
                    }
                }
                let mut next_priority = priority.clone();
                if let (None, Some(c)) = (&bad, ev_priority_c) {
                    match r.cells[c].as_deref().map(|s| map_value("priority", s)) {
                        Some(Ok(p)) => next_priority = p,
                        Some(Err(why)) => {
                            bad = Some(Reject {
                                line: r.line,
                                column: col_name(c),
                                value: r.cells[c].clone().unwrap_or_default(),
                                reason: why,
                            })
                        }
                        None => {}
                    }
                }
                if let Some(b) = bad {
                    rejects.push(b);
                    continue;
                }
                let ts = fmt_ts(at);
                let e = |kind: &str, value: &str| {
                    [
                        id.clone(),
                        ts.clone(),
                        kind.to_string(),
                        actor.clone(),
                        value.to_string(),
                    ]
                };
                if let Some(c) = ev_assign_c {
                    let next = r.cells[c].clone();
                    if next != assignee {
                        row_events.push(e("assign", next.as_deref().unwrap_or("")));
                        assignee = next;
                    }
                }
                if next_priority != priority {
                    row_events.push(e("priority", &next_priority));
                    priority = next_priority;
                }
                if next_status != status {
                    let rules = &mapping.events;
                    if rules.customer_reply_leaving.contains(&status) {
                        row_events.push(e("customer_reply", ""));
                    }
                    if rules.agent_reply_leaving.contains(&status)
                        || rules.agent_reply_entering.contains(&next_status)
                    {
                        row_events.push(e("agent_reply", ""));
                    }
                    row_events.push(e("status", &next_status));
                    status = next_status;
                }
            } else {
                for (at_col, value_col, actor_col, ev) in &column_events {
                    let Some(raw_at) = r.cells[*at_col].as_deref() else {
                        continue;
                    };
                    let t = match parse_ts(raw_at) {
                        Ok(t) => t,
                        Err(why) => {
                            bad = Some(Reject {
                                line: r.line,
                                column: ev.at.clone(),
                                value: raw_at.to_string(),
                                reason: why,
                            });
                            break;
                        }
                    };
                    let value = match (&ev.value, value_col) {
                        (Some(v), _) => v.clone(),
                        (None, Some(c)) => {
                            let raw = r.cells[*c].clone().unwrap_or_default();
                            match ev.kind.as_str() {
                                "status" | "priority" => match map_value(&ev.kind, &raw) {
                                    Ok(v) => v,
                                    Err(why) => {
                                        bad = Some(Reject {
                                            line: r.line,
                                            column: col_name(*c),
                                            value: raw,
                                            reason: why,
                                        });
                                        break;
                                    }
                                },
                                _ => raw,
                            }
                        }
                        (None, None) => String::new(),
                    };
                    let actor = actor_col
                        .and_then(|c| r.cells[c].clone())
                        .unwrap_or_default();
                    row_events.push([id.clone(), fmt_ts(t), ev.kind.clone(), actor, value]);
                }
                if let Some(b) = bad {
                    rejects.push(b);
                    continue;
                }
            }
            rows_used += 1;
            events_out.extend(row_events);
            last_used = Some(r);
        }
        let Some(last) = last_used else {
            continue;
        };
        let severity = if severity_c.iter().any(|cond| {
            cond.iter()
                .all(|(c, v)| first.cells[*c].as_deref() == Some(v.as_str()))
        }) {
            "system_down"
        } else {
            "normal"
        };
        let export_status = match status_c.and_then(|c| last.cells[c].clone()) {
            Some(s) => map_value("status", &s).unwrap_or(status.clone()),
            None => status.clone(),
        };
        let mapped = |field: &str, c: Option<usize>, r: &Row| -> String {
            c.and_then(|c| r.cells[c].clone())
                .map(|v| map_value(field, &v).unwrap_or(v))
                .unwrap_or_default()
        };
        let subject = subject_c
            .iter()
            .filter_map(|&c| first.cells[c].clone())
            .collect::<Vec<_>>()
            .join(" / ");
        let updated = updated_c
            .and_then(|c| last.cells[c].as_deref().map(parse_ts))
            .and_then(|r| r.ok())
            .map(fmt_ts)
            .unwrap_or_default();
        let mut row = vec![
            id.clone(),
            customer.clone(),
            fmt_ts(created),
            filed,
            severity.to_string(),
            export_status,
            assignee_c
                .and_then(|c| last.cells[c].clone())
                .unwrap_or_default(),
            mapped("channel", channel_c, first),
            mapped("product", product_c, first),
            subject,
            updated,
        ];
        for (_, c) in &keep_c {
            row.push(last.cells[*c].clone().unwrap_or_default());
        }
        tickets_out.push(row);
        let span = customers.entry(customer).or_insert((created, created));
        span.0 = span.0.min(created);
        span.1 = span.1.max(created);
    }

    // The files of an earlier import may be replaced; a file of the user's by the same name not.
    crate::store::staging::claim_files(out, WRITTEN)?;
    std::fs::create_dir_all(out).map_err(|source| ImportError::Create {
        path: out.to_path_buf(),
        source,
    })?;
    // Headers in the canonical order of the schema ingest reads them by.
    let mut header = header_of(&schema::TICKETS);
    header.extend(keep_c.iter().map(|(n, _)| n.as_str()));
    write_csv(
        &out.join("tickets.csv"),
        &header,
        tickets_out.iter().map(|r| r.as_slice()),
    )?;
    write_csv(
        &out.join("ticket_events.csv"),
        &header_of(&schema::TICKET_EVENTS),
        events_out.iter().map(|r| r.as_slice()),
    )?;
    let mut contracts = 0;
    if let Some(t) = &mapping.contracts {
        contracts = write_contracts(out, t, &customers, opts.assume_tz)?;
        let targets: Vec<Vec<String>> = mapping
            .targets
            .iter()
            .map(|r| {
                vec![
                    t.plan.clone(),
                    String::new(),
                    r.priority.clone(),
                    r.metric.clone(),
                    r.target_minutes.to_string(),
                    r.clock.clone(),
                    crate::model::number(r.commitment_pct),
                ]
            })
            .collect();
        write_csv(
            &out.join("sla_targets.csv"),
            &header_of(&schema::SLA_TARGETS),
            targets.iter().map(|r| r.as_slice()),
        )?;
    }
    if let Some(tz) = opts.assume_tz {
        write_file(
            &out.join("goals.toml"),
            &format!("# Written by slareview import: the reporting zone is the export's zone.\nreporting_timezone = \"{}\"\n", tz.name()),
        )?;
    }
    rejects.sort_by_key(|r| r.line);
    write_csv(
        &out.join("import_rejects.csv"),
        &["file", "line", "column", "value", "reason"],
        rejects
            .iter()
            .map(|r| {
                vec![
                    file_name.clone(),
                    r.line.to_string(),
                    r.column.clone(),
                    r.value.clone(),
                    r.reason.clone(),
                ]
            })
            .collect::<Vec<_>>()
            .iter()
            .map(|r| r.as_slice()),
    )?;
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for r in &rejects {
        // Group by the reason's wording without the values in it.
        let key = r
            .reason
            .split('`')
            .enumerate()
            .map(|(i, p)| if i % 2 == 1 { "…" } else { p })
            .collect::<String>();
        *by_reason.entry(key).or_default() += 1;
    }
    let summary = Summary {
        mapping: mapping.name.clone(),
        file: file_name.clone(),
        rows_read,
        rows_used,
        rows_rejected: rejects.len() as u64,
        tickets: tickets_out.len() as u64,
        events: events_out.len() as u64,
        contracts,
        rejects_by_reason: by_reason,
    };
    if summary.rows_used + summary.rows_rejected != summary.rows_read {
        return Err(ImportError::Internal(format!(
            "{} rows read but {} used and {} rejected",
            summary.rows_read, summary.rows_used, summary.rows_rejected
        )));
    }
    let json = serde_json::to_string_pretty(&summary)
        .map_err(|e| ImportError::Internal(format!("the import summary as JSON: {e}")))?;
    write_file(&out.join("import_summary.json"), &(json + "\n"))?;
    write_assumptions(out, mapping, opts, &customer_col)?;
    Ok(summary)
}

/// inputs.md's columns of `spec`, which the rows written here fill (review.md's optional
/// columns are left out: an import has nothing to put in them).
fn header_of(spec: &schema::TableSpec) -> Vec<&'static str> {
    spec.columns
        .iter()
        .map(|c| c.name)
        .filter(|n| !schema::REVIEW_COLUMNS.contains(&(spec.name, *n)))
        .collect()
}

fn write_csv<'a>(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = &'a [String]>,
) -> Result<()> {
    let failed = |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(|e| failed(e.into()))?;
    w.write_record(header).map_err(|e| failed(e.into()))?;
    for r in rows {
        w.write_record(r).map_err(|e| failed(e.into()))?;
    }
    w.flush().map_err(failed)
}

/// `std::fs::write`, its error naming the file.
fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// One example contract per customer, covering the whole years its tickets were created in.
fn write_contracts(
    out: &Path,
    t: &ContractTemplate,
    customers: &BTreeMap<String, (i64, i64)>,
    tz: Option<Tz>,
) -> Result<u64> {
    let tz = tz.unwrap_or(chrono_tz::UTC);
    let mut rows = Vec::new();
    for (customer, (first, last)) in customers {
        let y0 = crate::period::local_date(&tz, *first)
            .format("%Y")
            .to_string();
        let y1 = crate::period::local_date(&tz, *last)
            .format("%Y")
            .to_string();
        rows.push(vec![
            format!("{customer} {y0}"),
            customer.clone(),
            customer.clone(),
            t.plan.clone(),
            format!("{y0}-01-01"),
            format!("{y1}-12-31"),
            t.calendar_id.clone().unwrap_or_default(),
            t.currency.clone(),
            format!("{:.2}", t.annual_fee),
            t.included_cases_per_quarter
                .map(|n| n.to_string())
                .unwrap_or_default(),
            crate::model::number(t.credit_pct_per_missed_target),
            crate::model::number(t.credit_cap_pct),
            String::new(),
        ]);
    }
    write_csv(
        &out.join("contracts.csv"),
        &header_of(&schema::CONTRACTS),
        rows.iter().map(|r| r.as_slice()),
    )?;
    Ok(rows.len() as u64)
}

fn write_assumptions(out: &Path, m: &Mapping, opts: &Options, customer_col: &str) -> Result<()> {
    let mut text = format!(
        "# What this import assumed\n\nMapping `{}`{}.\n\n",
        m.name,
        if m.description.is_empty() {
            String::new()
        } else {
            format!(": {}", m.description)
        }
    );
    text.push_str(&format!(
        "- Customer: the export's `{customer_col}` column{}.\n",
        if opts.customer_from.is_some() {
            " (chosen with --customer-from)"
        } else {
            " (the mapping's default; --customer-from chooses another)"
        }
    ));
    match opts.assume_tz {
        Some(tz) => text.push_str(&format!(
            "- Timestamps without a zone were read as {} (--assume-tz); the reports use it as the reporting zone.\n",
            tz.name()
        )),
        None => text.push_str("- Timestamps carry their own offsets.\n"),
    }
    if !m.missing.is_empty() {
        text.push_str(&format!(
            "- A cell holding {} is read as missing.\n",
            m.missing
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    for (field, table) in &m.values {
        text.push_str(&format!(
            "- {field}: {}.\n",
            table
                .iter()
                .map(|(k, v)| format!("`{k}` = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for a in &m.assumptions {
        text.push_str(&format!("- {a}\n"));
    }
    text.push_str("\nRows that could not be used are in `import_rejects.csv` with their line and reason; `import_summary.json` has the counts (rows read = used + rejected).\n");
    write_file(&out.join("ASSUMPTIONS.md"), &text)
}

/// The files an import may write into its output folder.
const WRITTEN: &[&str] = &[
    "tickets.csv",
    "ticket_events.csv",
    "contracts.csv",
    "sla_targets.csv",
    "goals.toml",
    "ASSUMPTIONS.md",
    "import_rejects.csv",
    "import_summary.json",
];

/// The files an import wrote, for the command's last lines.
pub fn written(out: &Path) -> Vec<PathBuf> {
    WRITTEN
        .iter()
        .map(|f| out.join(f))
        .filter(|p| p.exists())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mapping file that is not valid TOML for a mapping: the error names the mapping and
    /// what TOML said, and the hint points at the mapping's documentation.
    #[test]
    fn a_mapping_that_does_not_parse_is_named_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        let text = "name = \"x\"\nlayout = \"sideways\"\n";
        std::fs::write(&path, text).unwrap();
        let source = path.to_str().unwrap();
        let e = Mapping::load(source).unwrap_err();
        let toml_says = toml::from_str::<Mapping>(text).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("mapping `{source}` is not valid: {toml_says}")
        );
        assert!(!e.to_string().contains("\nhint:"));
        assert_eq!(
            e.hint().as_deref(),
            Some("see mappings/README.md for its fields")
        );

        let e = Mapping::load("no-such-mapping").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`no-such-mapping` is neither a bundled mapping nor a mapping file"
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("use `servicenow`, or the path of a mapping .toml (see mappings/README.md)")
        );
    }

    /// An export without a column the mapping names: the error names the file and the column,
    /// the hint lists the columns the file has.
    #[test]
    fn a_column_the_export_lacks_is_named_and_the_hint_lists_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("log.csv");
        std::fs::write(&file, "Ref,Opened\nINC1,2026-07-01\n").unwrap();
        let m = Mapping::load("servicenow").unwrap();
        let opts = Options {
            assume_tz: Some(chrono_tz::UTC),
            customer_from: None,
        };
        let e = import(&m, &file, &dir.path().join("out"), &opts).unwrap_err();
        // The ticket id is the first column looked up.
        assert_eq!(
            e.to_string(),
            format!(
                "log.csv: the mapping names column `{}`, which the file does not have",
                m.ticket_id
            )
        );
        assert_eq!(
            e.hint().as_deref(),
            Some("the file's columns are: opened, ref")
        );
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}
