//! Synthetic exports in the canonical format, at any scale, deterministic per seed.
//!
//! The world is fixed and small enough to tell a story: customers in Seoul, New York, Berlin and
//! Shanghai on developer, business and enterprise plans, engineers in four teams, four quarters
//! (2025Q4-2026Q3) of tickets with an export taken in early 2026Q4. Each ticket is simulated
//! from its own random stream (ChaCha8 stream = ticket number), so the output does not depend on
//! how rayon splits the work, and 1 million tickets generate in parallel.
//!
//! The simulation is deliberately approximate (business hours are walked day by day, replies
//! land after a share of the target): it only has to produce realistic inputs. The exact clocks
//! are the clock engine's job.
//!
//! review.md's inputs (escalations, the tickets' category, root cause, resolution type, problem
//! and language, the contracts' maintenance terms, maintenance, waivers and actions) come from a
//! second stream per ticket and a pass in ticket order while writing, so the tickets, events and
//! surveys drawn before them are unchanged per seed (docs/decisions.md, "Sample data for the
//! review story").

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use chrono_tz::Tz;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::Hint;
use crate::model::local_to_utc;

type Result<T, E = GenerateError> = std::result::Result<T, E>;

/// What can stop `generate`: each names the file it could not write.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
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
    /// Claiming the output folder, or writing a file through the store.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl Hint for GenerateError {
    fn hint(&self) -> Option<String> {
        match self {
            GenerateError::Create { source, .. } | GenerateError::Write { source, .. } => {
                Some(crate::store::out_folder_hint(source))
            }
            GenerateError::Store(e) => e.hint(),
        }
    }
}

pub struct Params {
    pub tickets: usize,
    pub seed: u64,
    /// Share of rows written deliberately malformed.
    pub defect_rate: f64,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub tickets: u64,
    pub events: u64,
    pub surveys: u64,
}

// ---------------------------------------------------------------- the fixed world

struct Region {
    tz: Tz,
    calendar: &'static str,
    team: &'static str,
}

const SEOUL: Region = Region {
    tz: chrono_tz::Asia::Seoul,
    calendar: "seoul_office",
    team: "Seoul",
};
const NEW_YORK: Region = Region {
    tz: chrono_tz::America::New_York,
    calendar: "new_york_office",
    team: "Americas",
};
const BERLIN: Region = Region {
    tz: chrono_tz::Europe::Berlin,
    calendar: "berlin_office",
    team: "EMEA",
};
const SHANGHAI: Region = Region {
    tz: chrono_tz::Asia::Shanghai,
    calendar: "shanghai_office",
    team: "China",
};
const REGIONS: [&Region; 4] = [&SEOUL, &NEW_YORK, &BERLIN, &SHANGHAI];

struct ContractDef {
    id: String,
    plan: &'static str,
    start: &'static str,
    end: &'static str,
    fee: f64,
    included: Option<u32>,
}

struct Customer {
    id: String,
    name: String,
    region: &'static Region,
    /// Calendar of its contracts (may differ from the region's, e.g. a split day).
    calendar: &'static str,
    currency: &'static str,
    contracts: Vec<ContractDef>,
    weight: f64,
    /// Volume change over the year: +0.8 means 80% more tickets at the end than at the start.
    trend: f64,
    korean: bool,
}

fn c(
    id: &str,
    plan: &'static str,
    start: &'static str,
    end: &'static str,
    fee: f64,
    included: Option<u32>,
) -> ContractDef {
    ContractDef {
        id: id.to_string(),
        plan,
        start,
        end,
        fee,
        included,
    }
}

fn customers(n_tickets: usize) -> Vec<Customer> {
    let mut v = vec![
        Customer {
            id: "C001".into(),
            name: "한빛물류 Hanbit Logistics".into(),
            region: &SEOUL,
            calendar: "seoul_office",
            currency: "KRW",
            contracts: vec![c(
                "K-C001-2025",
                "enterprise",
                "2025-01-01",
                "2026-12-31",
                480_000_000.0,
                Some(900),
            )],
            weight: 3.0,
            trend: 0.1,
            korean: true,
        },
        Customer {
            id: "C002".into(),
            name: "대한금융 Daehan Finance".into(),
            region: &SEOUL,
            calendar: "seoul_office",
            currency: "KRW",
            contracts: vec![
                c(
                    "K-C002-2025",
                    "business",
                    "2025-07-01",
                    "2026-06-30",
                    150_000_000.0,
                    Some(450),
                ),
                c(
                    "K-C002-2026",
                    "enterprise",
                    "2026-07-01",
                    "2027-06-30",
                    390_000_000.0,
                    Some(700),
                ),
            ],
            weight: 2.0,
            trend: 0.3,
            korean: true,
        },
        Customer {
            id: "C003".into(),
            name: "미래게임즈 Mirae Games".into(),
            region: &SEOUL,
            calendar: "seoul_split",
            currency: "KRW",
            contracts: vec![c(
                "K-C003-2025",
                "developer",
                "2025-04-01",
                "2026-10-31",
                24_000_000.0,
                Some(150),
            )],
            weight: 1.2,
            trend: 1.2,
            korean: true,
        },
        Customer {
            id: "C004".into(),
            name: "Hudson Analytics".into(),
            region: &NEW_YORK,
            calendar: "new_york_office",
            currency: "USD",
            contracts: vec![
                c(
                    "K-C004-2025",
                    "enterprise",
                    "2025-10-01",
                    "2026-09-30",
                    420_000.0,
                    Some(600),
                ),
                c(
                    "K-C004-2026",
                    "enterprise",
                    "2026-10-01",
                    "2027-09-30",
                    440_000.0,
                    Some(600),
                ),
            ],
            weight: 2.0,
            trend: -0.1,
            korean: false,
        },
        Customer {
            id: "C005".into(),
            name: "Empire Retail".into(),
            region: &NEW_YORK,
            calendar: "new_york_office",
            currency: "USD",
            contracts: vec![c(
                "K-C005-2025",
                "business",
                "2025-01-01",
                "2026-12-31",
                96_000.0,
                Some(500),
            )],
            weight: 1.5,
            trend: 0.0,
            korean: false,
        },
        Customer {
            id: "C006".into(),
            name: "Spree Mobility GmbH".into(),
            region: &BERLIN,
            calendar: "berlin_office",
            currency: "EUR",
            contracts: vec![c(
                "K-C006-2025",
                "business",
                "2025-06-01",
                "2027-05-31",
                110_000.0,
                None,
            )],
            weight: 1.2,
            trend: 0.2,
            korean: false,
        },
        Customer {
            id: "C007".into(),
            name: "华东制造 Huadong Manufacturing".into(),
            region: &SHANGHAI,
            calendar: "shanghai_office",
            currency: "CNY",
            contracts: vec![c(
                "K-C007-2025",
                "enterprise",
                "2025-03-01",
                "2027-02-28",
                2_800_000.0,
                Some(500),
            )],
            weight: 1.5,
            trend: 0.0,
            korean: false,
        },
        Customer {
            id: "C008".into(),
            name: "明珠云 Pearl Cloud".into(),
            region: &SHANGHAI,
            calendar: "shanghai_office",
            currency: "CNY",
            contracts: vec![
                c(
                    "K-C008-2025",
                    "developer",
                    "2025-09-01",
                    "2026-08-31",
                    180_000.0,
                    Some(300),
                ),
                c(
                    "K-C008-2026",
                    "developer",
                    "2026-09-01",
                    "2027-08-31",
                    180_000.0,
                    Some(300),
                ),
            ],
            weight: 0.5,
            trend: -0.4,
            korean: false,
        },
        // Left at the end of 2026Q1, but a few tickets still arrive: they fall in no contract.
        Customer {
            id: "C009".into(),
            name: "Orbit Labs".into(),
            region: &NEW_YORK,
            calendar: "new_york_office",
            currency: "USD",
            contracts: vec![c(
                "K-C009-2025",
                "business",
                "2025-04-01",
                "2026-03-31",
                60_000.0,
                Some(200),
            )],
            weight: 0.4,
            trend: -0.9,
            korean: false,
        },
    ];
    // Larger runs get more customers, so per-customer volumes stay realistic.
    let extra = n_tickets / 10_000;
    let plans = ["developer", "business", "enterprise"];
    for k in 1..extra {
        let region = REGIONS[k % 4];
        let plan = plans[k % 3];
        let currency = match k % 4 {
            0 => "KRW",
            1 => "USD",
            2 => "EUR",
            _ => "CNY",
        };
        let fee = match (plan, currency) {
            ("enterprise", "KRW") => 400_000_000.0,
            ("business", "KRW") => 120_000_000.0,
            (_, "KRW") => 20_000_000.0,
            ("enterprise", "CNY") => 2_500_000.0,
            ("business", "CNY") => 700_000.0,
            (_, "CNY") => 150_000.0,
            ("enterprise", _) => 400_000.0,
            ("business", _) => 90_000.0,
            _ => 15_000.0,
        };
        v.push(Customer {
            id: format!("C{:04}", 100 + k),
            name: format!("Customer {:04}", 100 + k),
            region,
            calendar: region.calendar,
            currency,
            contracts: vec![c(
                &format!("K-C{:04}", 100 + k),
                plan,
                "2025-01-01",
                "2026-12-31",
                fee,
                Some(400),
            )],
            weight: 1.0,
            trend: ((k % 7) as f64 - 3.0) / 10.0,
            korean: region.team == "Seoul",
        });
    }
    v
}

struct Target {
    minutes: u32,
    business: bool,
}

/// (plan, priority 0..4, metric) -> target. Plans are in the spirit of the well-known cloud
/// support tiers: enterprise P1 first response 15 min and business P1 1 h on 24x7 clocks,
/// developer 12 and 24 business hours, updates daily for P1 and every 2-3 days for P2.
const TARGETS: &[(&str, &str, &str, u32, &str, u32)] = &[
    ("enterprise", "P1", "first_response", 15, "calendar", 95),
    ("enterprise", "P2", "first_response", 60, "calendar", 95),
    ("enterprise", "P3", "first_response", 240, "business", 90),
    ("enterprise", "P4", "first_response", 480, "business", 90),
    ("enterprise", "P1", "update", 1440, "calendar", 90),
    ("enterprise", "P2", "update", 2880, "calendar", 90),
    ("enterprise", "P1", "resolution", 1440, "calendar", 90),
    ("enterprise", "P2", "resolution", 4320, "calendar", 85),
    ("enterprise", "P3", "resolution", 2700, "business", 85),
    ("enterprise", "P4", "resolution", 5400, "business", 80),
    ("business", "P1", "first_response", 60, "calendar", 95),
    ("business", "P2", "first_response", 240, "calendar", 95),
    ("business", "P3", "first_response", 720, "business", 90),
    ("business", "P4", "first_response", 1440, "business", 90),
    ("business", "P1", "update", 1440, "calendar", 85),
    ("business", "P2", "update", 4320, "calendar", 85),
    ("business", "P1", "resolution", 2880, "calendar", 85),
    ("business", "P2", "resolution", 5760, "calendar", 80),
    ("business", "P3", "resolution", 4500, "business", 80),
    ("developer", "P1", "first_response", 720, "business", 90),
    ("developer", "P2", "first_response", 720, "business", 90),
    ("developer", "P3", "first_response", 1440, "business", 90),
    ("developer", "P4", "first_response", 1440, "business", 90),
    ("developer", "P1", "resolution", 5400, "business", 80),
    ("developer", "P2", "resolution", 5400, "business", 80),
];

/// A negotiated override: Hanbit's P1 first response is 10 minutes.
const OVERRIDES: &[(&str, &str, &str, u32, &str, u32)] =
    &[("K-C001-2025", "P1", "first_response", 10, "calendar", 99)];

fn target(plan: &str, pri: usize, metric: &str) -> Option<Target> {
    let p = ["P1", "P2", "P3", "P4"][pri];
    TARGETS
        .iter()
        .find(|t| t.0 == plan && t.1 == p && t.2 == metric)
        .map(|t| Target {
            minutes: t.3,
            business: t.4 == "business",
        })
}

const KR_HOLIDAYS: &[&str] = &[
    "2025-01-01",
    "2025-01-27",
    "2025-01-28",
    "2025-01-29",
    "2025-01-30",
    "2025-03-03",
    "2025-05-05",
    "2025-05-06",
    "2025-06-03",
    "2025-06-06",
    "2025-08-15",
    "2025-10-03",
    "2025-10-06",
    "2025-10-07",
    "2025-10-08",
    "2025-10-09",
    "2025-12-25",
    "2026-01-01",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-03-02",
    "2026-05-05",
    "2026-05-25",
    "2026-06-03",
    "2026-08-17",
    "2026-09-24",
    "2026-09-25",
    "2026-09-26",
    "2026-10-05",
    "2026-10-09",
    "2026-12-25",
];
const US_HOLIDAYS: &[&str] = &[
    "2025-01-01",
    "2025-01-20",
    "2025-02-17",
    "2025-05-26",
    "2025-06-19",
    "2025-07-04",
    "2025-09-01",
    "2025-10-13",
    "2025-11-11",
    "2025-11-27",
    "2025-12-25",
    "2026-01-01",
    "2026-01-19",
    "2026-02-16",
    "2026-05-25",
    "2026-06-19",
    "2026-07-03",
    "2026-09-07",
    "2026-10-12",
    "2026-11-11",
    "2026-11-26",
    "2026-12-25",
];
const DE_BERLIN_HOLIDAYS: &[&str] = &[
    "2025-01-01",
    "2025-03-08",
    "2025-04-18",
    "2025-04-21",
    "2025-05-01",
    "2025-05-29",
    "2025-06-09",
    "2025-10-03",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-03-08",
    "2026-04-03",
    "2026-04-06",
    "2026-05-01",
    "2026-05-14",
    "2026-05-25",
    "2026-10-03",
    "2026-12-25",
    "2026-12-26",
];
const CN_HOLIDAYS: &[&str] = &[
    "2025-01-01",
    "2025-01-28",
    "2025-01-29",
    "2025-01-30",
    "2025-01-31",
    "2025-02-03",
    "2025-02-04",
    "2025-04-04",
    "2025-05-01",
    "2025-05-02",
    "2025-05-05",
    "2025-06-02",
    "2025-10-01",
    "2025-10-02",
    "2025-10-03",
    "2025-10-06",
    "2025-10-07",
    "2025-10-08",
    "2026-01-01",
    "2026-01-02",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-23",
    "2026-04-06",
    "2026-05-01",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-09-25",
    "2026-10-01",
    "2026-10-02",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
];

/// (calendar, zone, windows on Mon-Fri, holidays)
const CALENDARS: &[(&str, &str, &[(u32, u32)], &[&str])] = &[
    ("seoul_office", "Asia/Seoul", &[(9, 18)], KR_HOLIDAYS),
    (
        "seoul_split",
        "Asia/Seoul",
        &[(9, 12), (13, 18)],
        KR_HOLIDAYS,
    ),
    (
        "new_york_office",
        "America/New_York",
        &[(8, 18)],
        US_HOLIDAYS,
    ),
    (
        "berlin_office",
        "Europe/Berlin",
        &[(8, 17)],
        DE_BERLIN_HOLIDAYS,
    ),
    ("shanghai_office", "Asia/Shanghai", &[(9, 18)], CN_HOLIDAYS),
];

struct Cal {
    tz: Tz,
    windows: &'static [(u32, u32)],
    holidays: Vec<NaiveDate>,
}

fn calendars() -> BTreeMap<&'static str, Cal> {
    CALENDARS
        .iter()
        .map(|(id, tz, w, h)| {
            let holidays = h
                .iter()
                .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap())
                .collect();
            (
                *id,
                Cal {
                    tz: tz.parse().unwrap(),
                    windows: w,
                    holidays,
                },
            )
        })
        .collect()
}

impl Cal {
    fn is_workday(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && self.holidays.binary_search(&d).is_err()
    }
    fn local(&self, t: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .with_timezone(&self.tz)
            .naive_local()
    }
    /// Approximately the instant `secs` business seconds after `start` (walks local days; exact
    /// DST handling is the clock engine's job, not the generator's).
    fn add_business(&self, start: i64, secs: i64) -> i64 {
        let mut left = secs;
        let mut now = self.local(start);
        for _ in 0..400 {
            let d = now.date();
            if self.is_workday(d) {
                for &(a, b) in self.windows {
                    let ws = d.and_hms_opt(a, 0, 0).unwrap();
                    let we = d.and_hms_opt(b % 24, 0, 0).unwrap()
                        + chrono::Duration::days((b / 24) as i64);
                    if now >= we {
                        continue;
                    }
                    let from = now.max(ws);
                    let avail = (we - from).num_seconds();
                    if left <= avail {
                        return local_to_utc(&self.tz, from + chrono::Duration::seconds(left));
                    }
                    left -= avail;
                    now = we;
                }
            }
            now = (d + chrono::Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .unwrap();
        }
        start + secs
    }
    /// The next instant at or after `t` inside business hours.
    fn next_open(&self, t: i64) -> i64 {
        self.add_business(t, 0)
    }
}

struct Engineer {
    id: String,
    name: &'static str,
    team: &'static str,
    calendar: &'static str,
    active_from: Option<&'static str>,
    active_to: Option<&'static str>,
    kb_rate: f64,
}

const BASE_ENGINEERS: &[(&str, &str, Option<&str>, Option<&str>, f64)] = &[
    ("김민준", "Seoul", None, None, 3.4),
    ("이서연", "Seoul", None, None, 3.1),
    ("박지호", "Seoul", None, None, 2.4),
    ("최유진", "Seoul", None, None, 3.6),
    ("정하늘", "Seoul", None, Some("2026-05-31"), 2.9),
    ("강도윤", "Seoul", Some("2026-02-01"), None, 3.2),
    ("조수아", "Seoul", None, None, 3.0),
    ("윤서준", "Seoul", None, None, 2.2),
    ("Maria Lopez", "Americas", None, None, 3.3),
    ("James Carter", "Americas", None, None, 2.7),
    ("Priya Shah", "Americas", None, None, 3.5),
    ("Lukas Weber", "EMEA", None, None, 3.1),
    ("Anna Schmidt", "EMEA", None, None, 2.6),
    ("王伟 Wang Wei", "China", None, None, 3.2),
    ("李娜 Li Na", "China", None, None, 3.0),
];

fn team_calendar(team: &str) -> &'static str {
    REGIONS
        .iter()
        .find(|r| r.team == team)
        .map(|r| r.calendar)
        .unwrap_or("seoul_office")
}

fn engineers(n_tickets: usize) -> Vec<Engineer> {
    let copies = (n_tickets / 10_000).max(1);
    let mut v = Vec::new();
    for copy in 0..copies {
        for (k, (name, team, from, to, kb)) in BASE_ENGINEERS.iter().enumerate() {
            let n = copy * BASE_ENGINEERS.len() + k + 1;
            v.push(Engineer {
                id: format!("E{n:03}"),
                name,
                team,
                calendar: team_calendar(team),
                active_from: *from,
                active_to: *to,
                kb_rate: *kb,
            });
        }
    }
    v
}

// ---------------------------------------------------------------- time span

fn ts(s: &str) -> i64 {
    crate::model::parse_timestamp(s, None).unwrap()
}

/// First day of tickets, export instant.
const SPAN_START: &str = "2025-10-01";
const AS_OF: &str = "2026-10-05T09:00:00+09:00";

fn fmt_local(t: i64, tz: &Tz) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .with_timezone(tz)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

// ---------------------------------------------------------------- per-ticket simulation

struct World {
    customers: Vec<Customer>,
    engineers: Vec<Engineer>,
    by_team: BTreeMap<&'static str, Vec<usize>>,
    cals: BTreeMap<&'static str, Cal>,
    /// Cumulative day weights over the span (Seoul dates), for spreading tickets over days.
    day_cum: Vec<f64>,
    days: Vec<NaiveDate>,
    as_of: i64,
}

const PRODUCTS: &[&str] = &[
    "Compute",
    "Storage",
    "Database",
    "Networking",
    "Identity",
    "Billing",
    "Analytics",
];
const SUBJECTS_EN: &[&str] = &[
    "Instances fail to start after maintenance",
    "Slow queries on the reporting replica",
    "Invoice shows a duplicate charge",
    "Cannot log in with SSO",
    "Backup job reports \"partial\" status",
    "Question about quota increase",
    "API returns 503 intermittently",
    "How to rotate access keys?",
    "Latency spike in eu region, <urgent>",
    "Export to CSV loses commas, quotes & accents",
];
const SUBJECTS_KO: &[&str] = &[
    "인스턴스가 재시작 후 응답하지 않습니다",
    "결제 내역에 중복 청구가 있습니다",
    "DB 복제 지연 문의",
    "SSO 로그인 오류",
    "API 503 오류가 간헐적으로 발생합니다",
    "할당량 증설 요청",
];
const SUBJECTS_ZH: &[&str] = &[
    "数据库连接超时",
    "发票金额有误",
    "API 间歇性返回 503",
    "存储容量扩容申请",
];
const COMMENTS_EN: &[&str] = &[
    "Quick and helpful, thanks!",
    "Took too long to get an update.",
    "Great engineer.",
    "Solved, but I had to chase twice.",
    "Excellent, as always.",
];
const COMMENTS_KO: &[&str] = &[
    "빠른 답변 감사합니다",
    "업데이트가 너무 늦었습니다",
    "친절하고 정확했습니다",
    "두 번 재문의해야 했습니다",
];

/// The second random stream of a ticket (review.md's inputs): `seed ^ REVIEW_SEED`.
const REVIEW_SEED: u64 = 0x7265_7669_6577;

/// The desk's themes per product (same order as PRODUCTS).
const CATEGORIES: &[&[&str]] = &[
    &["performance", "installation", "availability"],
    &["data_sync", "backup", "performance"],
    &["performance", "data_sync", "login"],
    &["network", "performance"],
    &["login", "access"],
    &["billing", "account"],
    &["performance", "data_sync", "reporting"],
];
const ROOT_CAUSES: &[&str] = &[
    "RC-CONFIG",
    "RC-CAPACITY",
    "RC-BUG",
    "Expired TLS certificate on the load balancer",
    "Replica lag after a schema change",
    "설정 변경 누락 (missed configuration change)",
    "스토리지 노드 디스크 장애",
    "缓存节点内存不足",
    "Third-party carrier outage",
    "Quota \"soft\" limit not raised, <default> kept",
];

fn customer_language(c: &Customer) -> &'static str {
    if c.korean {
        "ko"
    } else if c.region.team == "China" {
        "zh"
    } else {
        "en"
    }
}

fn escalated_via(lang: &str) -> &'static [&'static str] {
    match lang {
        "ko" => &["via HQ", "본사 경유 (via HQ)", "고객사 CIO 항의"],
        "zh" => &["via HQ", "通过总部投诉", "客户CIO投诉"],
        _ => &["via HQ", "CIO complaint", "raised at the QBR"],
    }
}

/// The account manager of a region: the other actor of escalations besides the customer.
fn account_manager(team: &str) -> &'static str {
    match team {
        "Seoul" => "AM-KR1",
        "Americas" => "AM-US1",
        "EMEA" => "AM-DE1",
        _ => "AM-CN1",
    }
}

/// Seconds from `created` to the first solve outside pending/on_hold, and whether the ticket
/// waited on the customer (pending) on the way.
fn active_secs(ev: &[Ev], created: i64) -> (i64, bool) {
    let (mut active, mut waited, mut since, mut paused) = (0, false, created, false);
    for e in ev.iter().filter(|e| e.kind == "status") {
        let v = e.value.as_deref().unwrap_or("");
        if !paused {
            active += e.at - since;
        }
        if v == "solved" {
            return (active, waited);
        }
        paused = matches!(v, "pending" | "on_hold");
        waited |= v == "pending";
        since = e.at;
    }
    (active, waited)
}

struct Ev {
    at: i64,
    kind: &'static str,
    actor: Option<String>,
    value: Option<String>,
}

impl Ev {
    fn new(at: i64, kind: &'static str, actor: Option<String>, value: Option<String>) -> Ev {
        Ev {
            at,
            kind,
            actor,
            value,
        }
    }
}

struct TicketOut {
    ticket: Vec<String>,
    events: Vec<Vec<String>>,
    surveys: Vec<Vec<String>>,
    info: ReviewInfo,
}

/// What the review files (built after the tickets) need to know of a ticket.
struct ReviewInfo {
    ci: usize,
    category: &'static str,
    /// May be an instance of a recurring problem.
    eligible: bool,
    join: f64,
    start: f64,
    size: usize,
    rc: usize,
    closed: bool,
    /// 1..4 in 2026 (Seoul dates), 0 in 2025.
    quarter: u8,
    res_breach: bool,
    weekend: bool,
    created: i64,
    /// No defect touched the ticket row (so ingest accepts it).
    clean: bool,
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

impl World {
    fn new(n: usize) -> World {
        let customers = customers(n);
        let engineers = engineers(n);
        let mut by_team: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
        for (i, e) in engineers.iter().enumerate() {
            by_team.entry(e.team).or_default().push(i);
        }
        let cals = calendars();
        let as_of = ts(AS_OF);
        let seoul = &cals["seoul_office"];
        let first = NaiveDate::parse_from_str(SPAN_START, "%Y-%m-%d").unwrap();
        let last = crate::period::local_date(&chrono_tz::Asia::Seoul, as_of);
        let mut days = Vec::new();
        let mut day_cum = Vec::new();
        let mut acc = 0.0;
        let mut d = first;
        while d < last {
            let w = if seoul.is_workday(d) {
                1.0
            } else if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                0.22
            } else {
                0.4
            };
            acc += w;
            days.push(d);
            day_cum.push(acc);
            d += chrono::Duration::days(1);
        }
        World {
            customers,
            engineers,
            by_team,
            cals,
            day_cum,
            days,
            as_of,
        }
    }

    fn engineer_active(&self, e: usize, t: i64) -> bool {
        let eng = &self.engineers[e];
        let d = crate::period::local_date(&chrono_tz::Asia::Seoul, t).to_string();
        eng.active_from.is_none_or(|f| d.as_str() >= f)
            && eng.active_to.is_none_or(|to| d.as_str() <= to)
    }

    fn pick_engineer(&self, rng: &mut ChaCha8Rng, team: &str, t: i64) -> String {
        for _ in 0..20 {
            let pool = if chance(rng, 0.85) {
                &self.by_team[team]
            } else {
                &self.by_team[*pick(rng, &["Seoul", "Americas", "EMEA", "China"])]
            };
            let e = *pick(rng, pool);
            if self.engineer_active(e, t) {
                return self.engineers[e].id.clone();
            }
        }
        self.engineers[0].id.clone()
    }

    fn contract_at<'c>(&self, cust: &'c Customer, t: i64) -> Option<&'c ContractDef> {
        let d = crate::period::local_date(&chrono_tz::Asia::Seoul, t).to_string();
        cust.contracts
            .iter()
            .find(|c| c.start <= d.as_str() && d.as_str() <= c.end)
    }

    /// Simulates ticket `i` of `n`.
    fn ticket(&self, seed: u64, i: usize, n: usize, defect_rate: f64) -> TicketOut {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(i as u64);
        // Spread tickets over days by weight; ids grow with time like a real desk's.
        let u = (i as f64 + rng.random::<f64>()) / n as f64 * self.day_cum.last().unwrap();
        let day_idx = self
            .day_cum
            .partition_point(|&c| c < u)
            .min(self.days.len() - 1);
        let day = self.days[day_idx];
        let progress = day_idx as f64 / self.days.len() as f64;
        // Customer by weight, with each customer's trend over the year.
        let weights: Vec<f64> = self
            .customers
            .iter()
            .map(|c| {
                let w = c.weight * (1.0 + c.trend * (progress - 0.5) * 2.0).max(0.05);
                // After its last contract ends a customer only trickles in.
                if c.contracts.iter().all(|k| k.end < day.to_string().as_str()) {
                    w * 0.1
                } else {
                    w
                }
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let mut x = rng.random::<f64>() * total;
        let mut ci = 0;
        for (k, w) in weights.iter().enumerate() {
            if x < *w {
                ci = k;
                break;
            }
            x -= w;
            ci = k;
        }
        let cust = &self.customers[ci];
        let tz = cust.region.tz;
        let cal = &self.cals[cust.calendar];
        let hour = if chance(&mut rng, 0.85) {
            rng.random_range(8..19)
        } else {
            rng.random_range(0..24)
        };
        let local = day
            .and_hms_opt(hour, rng.random_range(0..60), rng.random_range(0..60))
            .unwrap();
        let mut created = local_to_utc(&tz, local);
        if created >= self.as_of {
            created = self.as_of - rng.random_range(3600..86_400);
        }

        let pri: usize = match rng.random::<f64>() {
            x if x < 0.05 => 0,
            x if x < 0.25 => 1,
            x if x < 0.75 => 2,
            _ => 3,
        };
        let system_down =
            (pri == 0 && chance(&mut rng, 0.45)) || (pri == 1 && chance(&mut rng, 0.03));
        let plan = self
            .contract_at(cust, created)
            .map(|k| k.plan)
            .unwrap_or("business");
        let channel = *pick(
            &mut rng,
            &[
                "email", "email", "email", "web", "web", "phone", "chat", "api",
            ],
        );
        let product = *pick(&mut rng, PRODUCTS);
        let subject = if cust.korean && chance(&mut rng, 0.7) {
            pick(&mut rng, SUBJECTS_KO).to_string()
        } else if cust.region.team == "China" && chance(&mut rng, 0.6) {
            pick(&mut rng, SUBJECTS_ZH).to_string()
        } else {
            pick(&mut rng, SUBJECTS_EN).to_string()
        };
        let team = cust.region.team;

        let mut ev: Vec<Ev> = Vec::new();
        let mut assignee = self.pick_engineer(&mut rng, team, created);
        let unassigned_at_start = chance(&mut rng, 0.08);
        let assign_at = created + rng.random_range(0..if unassigned_at_start { 7200 } else { 300 });
        ev.push(Ev::new(assign_at, "assign", None, Some(assignee.clone())));

        // Triage: a private note from the engineer who picked it up.
        if chance(&mut rng, 0.5) {
            ev.push(Ev::new(
                assign_at + rng.random_range(0..600),
                "internal_note",
                Some(assignee.clone()),
                None,
            ));
        }
        let mut cur_pri = pri;
        let delay =
            |rng: &mut ChaCha8Rng, base: i64, t: Option<Target>, from: i64, late_p: f64| -> i64 {
                // Replies land after a share of the target; a few are late.
                let f = if chance(rng, late_p) {
                    rng.random_range(1.05..2.5)
                } else {
                    rng.random_range(0.05..0.92)
                };
                match t {
                    Some(t) if t.business => {
                        cal.add_business(from, (t.minutes as f64 * 60.0 * f) as i64)
                    }
                    Some(t) => from + (t.minutes as f64 * 60.0 * f) as i64,
                    None => from + (base as f64 * f) as i64,
                }
            };

        let no_reply = chance(&mut rng, 0.02);
        let mut now;
        let fr_late = if system_down { 0.03 } else { 0.05 };
        if no_reply {
            // The customer solves it themselves before anyone replies.
            now = created + rng.random_range(600..4 * 3600);
            ev.push(Ev::new(now, "customer_reply", None, None));
            ev.push(Ev::new(
                now,
                "status",
                Some(assignee.clone()),
                Some("solved".into()),
            ));
        } else {
            now = delay(
                &mut rng,
                8 * 3600,
                target(plan, cur_pri, "first_response"),
                created,
                fr_late,
            )
            .max(assign_at);
            ev.push(Ev::new(now, "agent_reply", Some(assignee.clone()), None));
            // About a third of ordinary tickets are answered by the first reply: solved with one
            // touch (first-contact resolution needs exactly one reply before the solve).
            let one_touch = !system_down && cur_pri >= 1 && chance(&mut rng, 0.4);
            if one_touch {
                ev.push(Ev::new(
                    now,
                    "status",
                    Some(assignee.clone()),
                    Some("solved".into()),
                ));
            } else {
                ev.push(Ev::new(
                    now,
                    "status",
                    Some(assignee.clone()),
                    Some("open".into()),
                ));
                let cycles = match rng.random::<f64>() {
                    x if x < 0.45 => 0,
                    x if x < 0.80 => 1,
                    x if x < 0.95 => 2,
                    _ => 3,
                };
                let mut pri_changed = false;
                for _ in 0..cycles {
                    if !pri_changed && chance(&mut rng, 0.07) {
                        pri_changed = true;
                        let newp = if cur_pri == 0 {
                            2
                        } else if chance(&mut rng, 0.5) {
                            cur_pri - 1
                        } else {
                            (cur_pri + 1).min(3)
                        };
                        if newp != cur_pri {
                            cur_pri = newp;
                            ev.push(Ev::new(
                                now + 60,
                                "priority",
                                Some(assignee.clone()),
                                Some(["P1", "P2", "P3", "P4"][cur_pri].into()),
                            ));
                            now += 60;
                        }
                    }
                    if chance(&mut rng, 0.1) {
                        let next = self.pick_engineer(&mut rng, team, now);
                        now += rng.random_range(60..3600);
                        ev.push(Ev::new(now, "assign", None, Some(next.clone())));
                        assignee = next;
                    }
                    let r = rng.random::<f64>();
                    if r < 0.6 {
                        // Waiting on the customer.
                        ev.push(Ev::new(
                            now,
                            "status",
                            Some(assignee.clone()),
                            Some("pending".into()),
                        ));
                        now = cust_reply_time(&mut rng, now, &self.cals[cust.calendar]);
                        ev.push(Ev::new(now, "customer_reply", None, None));
                        ev.push(Ev::new(now, "status", None, Some("open".into())));
                    } else if r < 0.75 {
                        // Waiting on a third party.
                        ev.push(Ev::new(
                            now,
                            "status",
                            Some(assignee.clone()),
                            Some("on_hold".into()),
                        ));
                        now += rng.random_range(3600..5 * 86_400);
                        ev.push(Ev::new(
                            now,
                            "status",
                            Some(assignee.clone()),
                            Some("open".into()),
                        ));
                    } else {
                        now += rng.random_range(600..4 * 3600);
                        ev.push(Ev::new(now, "internal_note", Some(assignee.clone()), None));
                    }
                    now = delay(
                        &mut rng,
                        20 * 3600,
                        target(plan, cur_pri, "update"),
                        now,
                        0.09,
                    );
                    ev.push(Ev::new(now, "agent_reply", Some(assignee.clone()), None));
                }
                // Work to the solve.
                let work = if system_down {
                    let longest = if chance(&mut rng, 0.06) {
                        80 * 3600
                    } else {
                        30 * 3600
                    };
                    rng.random_range(1800..longest)
                } else {
                    match cur_pri {
                        0 => rng.random_range(1800..20 * 3600),
                        1 => rng.random_range(3600..40 * 3600),
                        _ => rng.random_range(3600..30 * 3600),
                    }
                };
                now = if system_down {
                    now + work
                } else {
                    cal.next_open(now + work)
                };
                ev.push(Ev::new(now, "agent_reply", Some(assignee.clone()), None));
                ev.push(Ev::new(
                    now,
                    "status",
                    Some(assignee.clone()),
                    Some("solved".into()),
                ));
            }
        }
        // Reopen, then solve again.
        if chance(&mut rng, 0.055) {
            now += rng.random_range(3600..10 * 86_400);
            ev.push(Ev::new(now, "customer_reply", None, None));
            ev.push(Ev::new(now, "status", None, Some("open".into())));
            now = delay(
                &mut rng,
                6 * 3600,
                target(plan, cur_pri, "update"),
                now,
                0.1,
            );
            ev.push(Ev::new(now, "agent_reply", Some(assignee.clone()), None));
            now += rng.random_range(600..2 * 86_400);
            ev.push(Ev::new(now, "agent_reply", Some(assignee.clone()), None));
            ev.push(Ev::new(
                now,
                "status",
                Some(assignee.clone()),
                Some("solved".into()),
            ));
        }
        let solved_at = now;
        // The customer's thanks: a message that neither reopens nor needs a reply.
        if chance(&mut rng, 0.35) {
            now += rng.random_range(600..86_400);
            ev.push(Ev::new(now, "customer_reply", None, None));
        }
        if chance(&mut rng, 0.7) {
            now += rng.random_range(3 * 86_400..7 * 86_400);
            ev.push(Ev::new(now, "status", None, Some("closed".into())));
        }

        // Exports list a ticket's events in time order; a stable sort keeps the meaningful order
        // of same-instant events (a reply, then the status change it came with).
        ev.sort_by_key(|e| e.at);
        // The export sees nothing after as_of.
        ev.retain(|e| e.at <= self.as_of);
        let status = ev
            .iter()
            .rev()
            .find(|e| e.kind == "status")
            .and_then(|e| e.value.clone())
            .unwrap_or_else(|| "new".into());
        let updated = ev
            .iter()
            .map(|e| e.at)
            .max()
            .unwrap_or(created)
            .max(created);
        let current_assignee = ev
            .iter()
            .rev()
            .find(|e| e.kind == "assign")
            .and_then(|e| e.value.clone());

        // review.md's inputs draw from a stream of their own, so every draw above (and so every
        // ticket of a seed) is the same as before they existed.
        let mut rv = ChaCha8Rng::seed_from_u64(seed ^ REVIEW_SEED);
        rv.set_stream(i as u64);
        let closed = matches!(status.as_str(), "solved" | "closed");
        let last_solve = ev
            .iter()
            .rev()
            .find(|e| e.kind == "status" && e.value.as_deref() == Some("solved"))
            .map(|e| e.at);
        let open_until = if closed {
            last_solve.unwrap_or(updated)
        } else {
            self.as_of
        };
        let first_reply = ev.iter().find(|e| e.kind == "agent_reply").map(|e| e.at);
        let fr_late = match (first_reply, target(plan, pri, "first_response")) {
            (Some(r), Some(t)) if !t.business => r - created > t.minutes as i64 * 60,
            (None, _) => self.as_of - created > 86_400,
            _ => false,
        };
        let long_running = open_until - created > 5 * 86_400;
        // Escalations: a few % of tickets, many more on P1, system-down, late and long tickets.
        let mut p_esc = match pri {
            0 => 0.12,
            1 => 0.03,
            _ => 0.012,
        };
        if system_down {
            p_esc += 0.12;
        }
        if fr_late {
            p_esc += 0.08;
        }
        if long_running {
            p_esc += 0.05;
        }
        let esc_hi = if closed { open_until } else { updated };
        // Kept apart from `ev` (with their place in it) until the ticket's other rows are drawn,
        // so the surveys and defects draw exactly as before escalations existed.
        let mut escalations: Vec<(usize, Ev)> = Vec::new();
        if chance(&mut rv, p_esc) && esc_hi > created + 900 {
            let lo = created + 600;
            let at = lo + rv.random_range(0..esc_hi - lo);
            let actor = if chance(&mut rv, 0.65) {
                None // the customer
            } else {
                Some(account_manager(team).to_string())
            };
            let r = rv.random::<f64>();
            let value = if r < 0.5 {
                "management".to_string()
            } else if r < 0.8 {
                "executive".to_string()
            } else {
                pick(&mut rv, escalated_via(customer_language(cust))).to_string()
            };
            let management = value == "management";
            let pos = ev.partition_point(|e| e.at <= at);
            escalations.push((pos, Ev::new(at, "escalate", actor, Some(value))));
            // A system-down ticket escalated to management may go on to the executives.
            if system_down && management && esc_hi - at > 3600 && chance(&mut rv, 0.3) {
                let at2 = at + rv.random_range(1800..esc_hi - at);
                let pos = ev.partition_point(|e| e.at <= at2);
                escalations.push((
                    pos,
                    Ev::new(at2, "escalate", None, Some("executive".into())),
                ));
            }
        }
        let pi = PRODUCTS.iter().position(|p| *p == product).unwrap_or(0);
        // Some desks leave the category empty: the review falls back to the product.
        let category: &'static str = if chance(&mut rv, 0.1) {
            ""
        } else {
            *pick(&mut rv, CATEGORIES[pi])
        };
        let rc_pick = rv.random_range(0..ROOT_CAUSES.len());
        let root_cause = if closed && chance(&mut rv, if pri <= 1 { 0.75 } else { 0.08 }) {
            ROOT_CAUSES[rc_pick]
        } else {
            ""
        };
        let r = rv.random::<f64>();
        let resolution_type = match r {
            _ if !closed => "",
            x if x < 0.62 => "permanent_fix",
            x if x < 0.82 => "workaround",
            x if x < 0.90 => "no_fault_found",
            x if x < 0.95 => "duplicate",
            _ => "user_error",
        };
        let created_day = crate::period::local_date(&chrono_tz::Asia::Seoul, created);
        let quarter = match created_day.month() {
            _ if created_day.year() != 2026 => 0,
            m => (m as u8 - 1) / 3 + 1,
        };
        // A resolution that (after the customer's waits) clearly passed a 24x7 target, with a
        // wait for the customer on the way: where a customer-caused waiver is plausible.
        let res_breach = closed
            && !system_down
            && cur_pri == pri
            && (quarter == 2 || quarter == 3)
            && match target(plan, pri, "resolution") {
                Some(t) if !t.business => {
                    let (active, waited) = active_secs(&ev, created);
                    waited && active > t.minutes as i64 * 90
                }
                _ => false,
            }
            && self.contract_at(cust, created).is_some();
        let info = ReviewInfo {
            ci,
            category,
            eligible: !category.is_empty() && pri <= 2,
            join: rv.random::<f64>(),
            start: rv.random::<f64>(),
            size: rv.random_range(2..=6),
            rc: rc_pick,
            closed,
            quarter,
            res_breach,
            // (only the upgrade's candidates need it)
            weekend: ci == 0
                && quarter == 3
                && matches!(cal.local(created).weekday(), Weekday::Sat | Weekday::Sun),
            created,
            clean: true,
        };

        let id = format!("{:07}", i + 1);
        let ticket = vec![
            id.clone(),
            cust.id.clone(),
            fmt_local(created, &tz),
            ["P1", "P2", "P3", "P4"][pri].to_string(),
            if system_down {
                "system_down".into()
            } else {
                "normal".into()
            },
            status.clone(),
            current_assignee.unwrap_or_default(),
            channel.into(),
            product.into(),
            subject,
            fmt_local(updated, &tz),
            category.into(),
            root_cause.into(),
            resolution_type.into(),
            String::new(), // problem_id: set in ticket order, see `Problems`
            customer_language(cust).into(),
        ];
        let mut events: Vec<Vec<String>> = ev
            .iter()
            .map(|e| {
                vec![
                    id.clone(),
                    fmt_local(e.at, &tz),
                    e.kind.to_string(),
                    e.actor.clone().unwrap_or_default(),
                    e.value.clone().unwrap_or_default(),
                ]
            })
            .collect();

        // Surveys: about 30% of solved tickets answer; breaches lower the rating.
        let mut surveys = Vec::new();
        let solved = ev
            .iter()
            .any(|e| e.kind == "status" && e.value.as_deref() == Some("solved"));
        if solved && chance(&mut rng, 0.3) {
            let responded = solved_at + rng.random_range(1800..3 * 86_400);
            if responded <= self.as_of {
                let r = rng.random::<f64>();
                let rating = if ev.len() > 12 || system_down {
                    match r {
                        x if x < 0.60 => 5,
                        x if x < 0.86 => 4,
                        x if x < 0.94 => 3,
                        x if x < 0.98 => 2,
                        _ => 1,
                    }
                } else {
                    match r {
                        x if x < 0.86 => 5,
                        x if x < 0.975 => 4,
                        x if x < 0.99 => 3,
                        x if x < 0.996 => 2,
                        _ => 1,
                    }
                };
                let comment = if chance(&mut rng, 0.2) {
                    if cust.korean {
                        pick(&mut rng, COMMENTS_KO).to_string()
                    } else {
                        pick(&mut rng, COMMENTS_EN).to_string()
                    }
                } else {
                    String::new()
                };
                surveys.push(vec![
                    format!("S{id}"),
                    id.clone(),
                    fmt_local(responded, &tz),
                    rating.to_string(),
                    comment,
                ]);
                // Now and then a second survey of the same ticket replaces the first.
                if chance(&mut rng, 0.02) {
                    let later = responded + rng.random_range(3600..86_400);
                    if later <= self.as_of {
                        surveys.push(vec![
                            format!("S{id}b"),
                            id.clone(),
                            fmt_local(later, &tz),
                            "5".into(),
                            String::new(),
                        ]);
                    }
                }
            }
        }

        let mut ticket = ticket;
        if defect_rate > 0.0 {
            defects(
                &mut rng,
                defect_rate,
                &id,
                &mut ticket,
                &mut events,
                &mut surveys,
            );
        }
        // Insert from the last place back, so earlier places stay valid (two escalations at one
        // place: the later is inserted first, then the earlier before it).
        for (pos, e) in escalations.into_iter().rev() {
            events.insert(
                pos,
                vec![
                    id.clone(),
                    fmt_local(e.at, &tz),
                    e.kind.to_string(),
                    e.actor.unwrap_or_default(),
                    e.value.unwrap_or_default(),
                ],
            );
        }
        let info = ReviewInfo {
            clean: ticket[1] == cust.id
                && ticket[3] != "P5"
                && ticket[5] != "waiting"
                && ticket[2].len() > 19,
            ..info
        };
        TicketOut {
            ticket,
            events,
            surveys,
            info,
        }
    }
}

/// When the customer answers a question: mostly within their working hours, hours to days later.
fn cust_reply_time(rng: &mut ChaCha8Rng, from: i64, cal: &Cal) -> i64 {
    let wait = if chance(rng, 0.7) {
        rng.random_range(1800..8 * 3600)
    } else {
        rng.random_range(8 * 3600..4 * 86_400)
    };
    cal.next_open(from + wait)
}

/// Turns rows into the kinds of mistakes real exports hold. Deterministic: it draws from the
/// ticket's own stream.
fn defects(
    rng: &mut ChaCha8Rng,
    rate: f64,
    id: &str,
    ticket: &mut Vec<String>,
    events: &mut Vec<Vec<String>>,
    surveys: &mut [Vec<String>],
) {
    if chance(rng, rate) {
        match rng.random_range(0..4) {
            0 => ticket[3] = "P5".into(),
            1 => ticket[2] = ticket[2][..19].to_string(), // offset lost
            2 => ticket[5] = "waiting".into(),
            _ => ticket[1] = "C999".into(), // customer without a contract
        }
    }
    for e in events.iter_mut() {
        if chance(rng, rate) {
            match rng.random_range(0..3) {
                0 => e[2] = "escalated".into(), // a kind the spec does not know
                1 => e[0] = format!("{id}X"),   // orphan
                _ => e[1] = "2025-13-01T00:00:00Z".into(),
            }
        }
    }
    for s in surveys.iter_mut() {
        if chance(rng, rate * 5.0) {
            s[3] = "7".into();
        }
    }
}

// ---------------------------------------------------------------- writing

const TICKET_HEADER: &[&str] = &[
    "ticket_id",
    "customer_id",
    "created_at",
    "priority",
    "severity",
    "status",
    "assignee_id",
    "channel",
    "product",
    "subject",
    "updated_at",
    "category",
    "root_cause",
    "resolution_type",
    "problem_id",
    "language",
];
const EVENT_HEADER: &[&str] = &["ticket_id", "at", "kind", "actor_id", "value"];
const SURVEY_HEADER: &[&str] = &[
    "survey_id",
    "ticket_id",
    "responded_at",
    "rating",
    "comment",
];

/// A CSV file being written, whose errors name it.
struct Csv {
    path: PathBuf,
    w: csv::Writer<BufWriter<File>>,
}

impl Csv {
    fn write_record<I, T>(&mut self, record: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.w
            .write_record(record)
            .map_err(|e| self.failed(e.into()))
    }

    fn flush(&mut self) -> Result<()> {
        self.w.flush().map_err(|e| self.failed(e))
    }

    fn failed(&self, source: std::io::Error) -> GenerateError {
        GenerateError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

fn writer(path: &Path) -> Result<Csv> {
    let f = File::create(path).map_err(|source| GenerateError::Create {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Csv {
        path: path.to_path_buf(),
        w: csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, f)),
    })
}

/// `fs::write`, its error naming the file.
fn write_file(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(|source| GenerateError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The files `generate` writes.
const WRITTEN: &[&str] = &[
    "tickets.csv",
    "ticket_events.csv",
    "surveys.csv",
    "calendars.toml",
    "goals.toml",
    "contracts.csv",
    "sla_targets.csv",
    "engineers.csv",
    "kb_articles.csv",
    "maintenance.csv",
    "waivers.csv",
    "actions.csv",
];

pub fn generate(p: &Params, out: &Path) -> Result<Stats, GenerateError> {
    // A file of the user's by one of these names is never overwritten.
    crate::store::staging::claim_files(out, WRITTEN)?;
    let world = World::new(p.tickets);
    let mut stats = Stats::default();

    write_config(out)?;
    write_contracts(&world, out)?;
    write_engineers_and_kb(&world, p.seed, out)?;

    let mut tw = writer(&out.join("tickets.csv"))?;
    let mut ew = writer(&out.join("ticket_events.csv"))?;
    let mut sw = writer(&out.join("surveys.csv"))?;
    tw.write_record(TICKET_HEADER)?;
    ew.write_record(EVENT_HEADER)?;
    sw.write_record(SURVEY_HEADER)?;
    let mut problems = Problems::new(p.tickets);
    let mut cands = Candidates::default();
    const BATCH: usize = 20_000;
    let mut start = 0;
    while start < p.tickets {
        let end = (start + BATCH).min(p.tickets);
        let batch: Vec<TicketOut> = (start..end)
            .into_par_iter()
            .map(|i| world.ticket(p.seed, i, p.tickets, p.defect_rate))
            .collect();
        for mut t in batch {
            problems.assign(&world, &mut t);
            cands.see(&t);
            tw.write_record(&t.ticket)?;
            stats.tickets += 1;
            for e in &t.events {
                ew.write_record(e)?;
                stats.events += 1;
            }
            for s in &t.surveys {
                sw.write_record(s)?;
                stats.surveys += 1;
            }
        }
        start = end;
    }
    tw.flush()?;
    ew.flush()?;
    sw.flush()?;
    write_review_files(&world, p, &cands, out)?;
    Ok(stats)
}

// ---------------------------------------------------------------- review.md's inputs

/// A problem's instances join at this rate among a customer's eligible tickets of its category,
/// so 2 to 6 of them spread over months; a new problem starts at the other rate. Both are for
/// 10,000 tickets and more (where a customer's volume no longer grows with the run); smaller runs
/// raise them so that a few hundred tickets still show a recurrence.
const PROBLEM_JOIN_P: f64 = 0.06;
const PROBLEM_START_P: f64 = 0.004;

struct OpenProblem {
    id: String,
    left: usize,
    rc: usize,
}

/// Recurring problems, assigned in ticket order (cheap and sequential: one map lookup a ticket):
/// per customer and category at most one problem is open; it takes 2-6 tickets, then closes.
struct Problems {
    open: BTreeMap<(usize, &'static str), OpenProblem>,
    per_customer: BTreeMap<usize, u32>,
    join_p: f64,
    start_p: f64,
}

impl Problems {
    fn new(n_tickets: usize) -> Problems {
        let scale = (10_000.0 / n_tickets.max(1) as f64).max(1.0);
        Problems {
            open: BTreeMap::new(),
            per_customer: BTreeMap::new(),
            join_p: (PROBLEM_JOIN_P * scale).min(0.5),
            start_p: (PROBLEM_START_P * scale).min(0.1),
        }
    }

    fn assign(&mut self, world: &World, t: &mut TicketOut) {
        let info = &t.info;
        if !info.eligible || !info.clean {
            return;
        }
        let key = (info.ci, info.category);
        let joined = match self.open.get_mut(&key) {
            Some(p) if info.join < self.join_p => {
                p.left -= 1;
                Some((p.id.clone(), p.rc, p.left == 0))
            }
            Some(_) => None,
            None if info.start < self.start_p => {
                let n = self.per_customer.entry(info.ci).or_default();
                *n += 1;
                let id = format!("PRB-{}-{:02}", world.customers[info.ci].id, n);
                self.open.insert(
                    key,
                    OpenProblem {
                        id: id.clone(),
                        left: info.size - 1,
                        rc: info.rc,
                    },
                );
                Some((id, info.rc, false))
            }
            None => None,
        };
        if let Some((id, rc, last)) = joined {
            if last {
                self.open.remove(&key);
            }
            t.ticket[14] = id;
            // Worked around until its last instance, which gets the permanent fix.
            if info.closed {
                t.ticket[12] = ROOT_CAUSES[rc].into();
                t.ticket[13] = if last { "permanent_fix" } else { "workaround" }.into();
            }
        }
    }
}

/// The first ticket (in ticket order) fit for each waiver, and for the upgrade.
#[derive(Default)]
struct Candidates {
    customer_caused_q3: Option<(String, &'static str)>,
    customer_caused_q2: Option<(String, &'static str)>,
    third_party_q3: Option<String>,
    /// Hanbit's first 2026Q3 ticket on a weekend (a maintenance window), else its first.
    upgrade: Option<(String, i64)>,
    upgrade_any: Option<(String, i64)>,
}

impl Candidates {
    fn see(&mut self, t: &TicketOut) {
        let i = &t.info;
        if !i.clean {
            return;
        }
        let id = &t.ticket[0];
        let lang = match t.ticket[15].as_str() {
            "ko" => "ko",
            "zh" => "zh",
            _ => "en",
        };
        if i.res_breach {
            match (i.quarter, lang) {
                (3, "zh") if self.third_party_q3.is_none() => {
                    self.third_party_q3 = Some(id.clone())
                }
                (3, _) if self.customer_caused_q3.is_none() && lang != "zh" => {
                    self.customer_caused_q3 = Some((id.clone(), lang))
                }
                (2, _) if self.customer_caused_q2.is_none() => {
                    self.customer_caused_q2 = Some((id.clone(), lang))
                }
                _ => {}
            }
        } else if i.ci == 0 && i.quarter == 3 && i.closed {
            if i.weekend && self.upgrade.is_none() {
                self.upgrade = Some((id.clone(), i.created));
            }
            if self.upgrade_any.is_none() {
                self.upgrade_any = Some((id.clone(), i.created));
            }
        }
    }
}

/// Preventive-maintenance terms of the maintenance (enterprise) contracts of the fixed world:
/// (inspections per quarter, patch days). Larger runs' extra customers have none, so the
/// maintenance file stays small at any scale.
fn maintenance_terms(contract: &str) -> Option<(u32, u32)> {
    match contract {
        "K-C001-2025" => Some((2, 7)),
        "K-C002-2026" | "K-C004-2025" | "K-C004-2026" => Some((1, 14)),
        "K-C007-2025" => Some((1, 30)),
        _ => None,
    }
}

/// The vendor's security patches: (released, name).
const PATCH_RELEASES: &[(&str, &str)] = &[
    ("2025-11-11T10:00:00Z", "SP-2025-11"),
    ("2026-01-13T10:00:00Z", "SP-2026-01"),
    ("2026-03-10T10:00:00Z", "SP-2026-03"),
    ("2026-05-12T10:00:00Z", "SP-2026-05"),
    ("2026-07-14T10:00:00Z", "SP-2026-07"),
    ("2026-08-11T10:00:00Z", "SP-2026-08"),
    ("2026-09-08T10:00:00Z", "SP-2026-09"),
];

/// Last review's actions (and two older ones), as of the export: done, open and overdue.
/// (action_id, contract_id, raised_in, owner, action, due_on, done_on)
const ACTIONS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "ACT-2026Q1-01",
        "K-C001-2025",
        "2026Q1",
        "vendor: 김민준",
        "SSO 장애 재발 방지 대책 수립 (prevent SSO outages from recurring)",
        "2026-06-30",
        "",
    ),
    (
        "ACT-2026Q1-02",
        "K-C004-2025",
        "2026Q1",
        "customer",
        "Consolidate the admin accounts",
        "",
        "",
    ),
    (
        "ACT-2026Q2-01",
        "K-C001-2025",
        "2026Q2",
        "vendor: 김민준",
        "P1 대응 절차 문서화 (document the P1 runbook)",
        "2026-07-31",
        "2026-07-24",
    ),
    (
        "ACT-2026Q2-02",
        "K-C001-2025",
        "2026Q2",
        "customer: IT운영팀",
        "Share the maintenance-window calendar",
        "2026-08-14",
        "",
    ),
    (
        "ACT-2026Q2-03",
        "K-C004-2025",
        "2026Q2",
        "vendor (Maria Lopez)",
        "Root-cause review of the intermittent 503s",
        "2026-07-15",
        "2026-07-10",
    ),
    (
        "ACT-2026Q2-04",
        "K-C004-2025",
        "2026Q2",
        "customer",
        "Upgrade the agents to 4.3",
        "2026-12-15",
        "",
    ),
    (
        "ACT-2026Q2-05",
        "K-C005-2025",
        "2026Q2",
        "vendor",
        "Publish a billing FAQ, \"duplicate charge\" & refunds",
        "2026-09-15",
        "",
    ),
    (
        "ACT-2026Q2-06",
        "K-C006-2025",
        "2026Q2",
        "vendor: Lukas Weber",
        "Monthly latency report for <eu-central>",
        "2026-07-31",
        "2026-08-05",
    ),
    (
        "ACT-2026Q2-07",
        "K-C007-2025",
        "2026Q2",
        "vendor - 王伟 Wang Wei",
        "提供数据库容量规划报告 (database capacity plan)",
        "2026-10-30",
        "",
    ),
    (
        "ACT-2026Q2-08",
        "K-C007-2025",
        "2026Q2",
        "customer, 采购部",
        "Nominate a second contact for P1 calls",
        "2026-08-31",
        "2026-08-20",
    ),
    (
        "ACT-2026Q2-09",
        "K-C003-2025",
        "2026Q2",
        "customer",
        "Share the load-test schedule before launches",
        "",
        "",
    ),
];

fn write_review_files(world: &World, p: &Params, c: &Candidates, out: &Path) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed ^ REVIEW_SEED);
    rng.set_stream(u64::MAX); // tickets use streams 0..n
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();

    // Maintenance: inspections each quarter and the next one's plan, patches, one upgrade.
    let mut rows: Vec<[String; 6]> = Vec::new();
    let quarters = [(2025, 10), (2026, 1), (2026, 4), (2026, 7), (2026, 10)];
    for cust in &world.customers {
        let tz = cust.region.tz;
        let cal = &world.cals[cust.calendar];
        let lang = customer_language(cust);
        for k in &cust.contracts {
            let Some((inspections, patch_days)) = maintenance_terms(&k.id) else {
                continue;
            };
            for (y, m) in quarters {
                let q0 = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
                for v in 0..inspections {
                    let mut d = q0
                        + chrono::Duration::days(20 + v as i64 * 40)
                        + chrono::Duration::days(rng.random_range(0..7));
                    while !cal.is_workday(d) {
                        d += chrono::Duration::days(1);
                    }
                    let ds = day(d);
                    if ds.as_str() < k.start || ds.as_str() > k.end {
                        continue;
                    }
                    let planned = local_to_utc(&tz, d.and_hms_opt(10, 0, 0).unwrap());
                    // Huadong's 2026Q3 visit was postponed: promised, not done.
                    let postponed = k.id == "K-C007-2025" && (y, m) == (2026, 7);
                    let slip = if chance(&mut rng, 0.2) {
                        rng.random_range(1..4) * 86_400
                    } else {
                        0
                    };
                    let done_at = planned + slip + 3 * 3600;
                    let done = if postponed || done_at > world.as_of {
                        String::new()
                    } else {
                        fmt_local(done_at, &tz)
                    };
                    let summary = match (lang, postponed) {
                        (_, true) => "季度巡检，客户要求延期 (inspection postponed at the customer's request)",
                        ("ko", _) => "정기 점검 (quarterly inspection): 로그, 용량, 백업",
                        ("zh", _) => "季度巡检 (quarterly inspection)",
                        _ => "Quarterly health check: logs, capacity & backups",
                    };
                    rows.push([
                        k.id.clone(),
                        "inspection".into(),
                        ds,
                        String::new(),
                        done,
                        summary.into(),
                    ]);
                }
            }
            for (released, name) in PATCH_RELEASES {
                let rel = ts(released);
                let rd = day(crate::period::local_date(&tz, rel));
                if rd.as_str() < k.start || rd.as_str() > k.end {
                    continue;
                }
                // Applied within patch_days, but for Hudson's August patch (the report
                // quarter's one late patch) and Hanbit's January one.
                let days = match (k.id.as_str(), *name) {
                    ("K-C004-2025", "SP-2026-08") => patch_days as i64 + 8,
                    ("K-C001-2025", "SP-2026-01") => patch_days as i64 + 2,
                    _ => rng.random_range(1..patch_days.min(14) as i64),
                };
                let done = rel + days * 86_400 + rng.random_range(0..12 * 3600);
                rows.push([
                    k.id.clone(),
                    "security_patch".into(),
                    String::new(),
                    fmt_local(rel, &tz),
                    if done <= world.as_of {
                        fmt_local(done, &tz)
                    } else {
                        String::new()
                    },
                    format!("Security patch {name} (kernel, \"openssl\")"),
                ]);
            }
            if k.id == "K-C001-2025" {
                // The upgrade: the window in which a ticket (waived below) was raised.
                let (start, done) = match c.upgrade.as_ref().or(c.upgrade_any.as_ref()) {
                    Some((_, created)) => (created - 3600, created + 2 * 3600),
                    None => {
                        let s = ts("2026-08-22T21:00:00+09:00");
                        (s, s + 3 * 3600)
                    }
                };
                rows.push([
                    k.id.clone(),
                    "upgrade".into(),
                    day(crate::period::local_date(&tz, start)),
                    String::new(),
                    fmt_local(done.min(world.as_of), &tz),
                    "5.2 업그레이드 (upgrade to 5.2)".into(),
                ]);
            }
            if k.id == "K-C007-2025" {
                rows.push([
                    k.id.clone(),
                    "optimization".into(),
                    "2026-11-10".into(),
                    String::new(),
                    String::new(),
                    "数据库性能优化 (database tuning)".into(),
                ]);
            }
        }
    }
    let mut w = writer(&out.join("maintenance.csv"))?;
    w.write_record([
        "maintenance_id",
        "contract_id",
        "kind",
        "planned_on",
        "released_at",
        "done_at",
        "summary",
    ])?;
    for (n, r) in rows.iter().enumerate() {
        let id = format!("MNT-{:04}", n + 1);
        w.write_record(std::iter::once(id.as_str()).chain(r.iter().map(String::as_str)))?;
    }
    w.flush()?;

    // Waivers: a handful, each of a different ticket.
    let mut w = writer(&out.join("waivers.csv"))?;
    w.write_record(["ticket_id", "metric", "reason", "approved_by", "note"])?;
    let note = |lang: &str| match lang {
        "ko" => "고객사 방화벽 승인 대기 (waited for the customer's firewall change)",
        _ => "Waited three days for the customer's logs",
    };
    if let Some((id, lang)) = &c.customer_caused_q3 {
        w.write_record([
            id.as_str(),
            "resolution",
            "customer_caused",
            "Park Ji-young (account manager)",
            note(lang),
        ])?;
    }
    if let Some((id, lang)) = &c.customer_caused_q2 {
        w.write_record([
            id.as_str(),
            "resolution",
            "customer_caused",
            "Tom Becker",
            note(lang),
        ])?;
    }
    if let Some(id) = &c.third_party_q3 {
        w.write_record([
            id.as_str(),
            "resolution",
            "third_party",
            "王芳 Wang Fang",
            "运营商线路故障 (carrier outage)",
        ])?;
    }
    if let Some((id, _)) = c.upgrade.as_ref().or(c.upgrade_any.as_ref()) {
        w.write_record([
            id.as_str(),
            "all",
            "planned_maintenance",
            "김민준 Kim Min-jun (service manager)",
            "5.2 업그레이드 작업 중 접수 (raised during the planned upgrade)",
        ])?;
    }
    if p.defect_rate > 0.0 {
        // A waiver nobody approved yet: a reject.
        w.write_record([
            "0000002",
            "first_response",
            "customer_caused",
            "",
            "asked by phone",
        ])?;
    }
    w.flush()?;

    let mut w = writer(&out.join("actions.csv"))?;
    w.write_record([
        "action_id",
        "contract_id",
        "raised_in",
        "owner",
        "action",
        "due_on",
        "done_on",
    ])?;
    for a in ACTIONS {
        w.write_record([a.0, a.1, a.2, a.3, a.4, a.5, a.6])?;
    }
    if p.defect_rate > 0.0 {
        // A date that does not exist: a reject.
        w.write_record([
            "ACT-2026Q2-10",
            "K-C005-2025",
            "2026Q2",
            "customer",
            "Renew the support contacts",
            "2026-06-31",
            "",
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_config(out: &Path) -> Result<()> {
    let mut cal = String::from("# Business-hours calendars (shared/spec/inputs.md). Holidays: public holidays 2025-2026.\n");
    for (id, tz, windows, holidays) in CALENDARS {
        cal.push_str(&format!(
            "\n[calendars.{id}]\ntimezone = \"{tz}\"\nholidays = [\n"
        ));
        for chunk in holidays.chunks(6) {
            let line: Vec<String> = chunk.iter().map(|h| format!("\"{h}\"")).collect();
            cal.push_str(&format!("  {},\n", line.join(", ")));
        }
        cal.push_str("]\n\n");
        cal.push_str(&format!("[calendars.{id}.hours]\n"));
        let w: Vec<String> = windows
            .iter()
            .map(|(a, b)| format!("\"{a:02}:00-{b:02}:00\""))
            .collect();
        for d in ["mon", "tue", "wed", "thu", "fri"] {
            cal.push_str(&format!("{d} = [{}]\n", w.join(", ")));
        }
    }
    write_file(&out.join("calendars.toml"), &cal)?;
    let goals = r#"# The team's goals (shared/spec/inputs.md); these are the spec's defaults.
reporting_timezone = "Asia/Seoul"
team_calendar = "seoul_office"

[csat]
satisfied_or_better_pct = 96
very_satisfied_pct = 86

[sla]
first_response_met_pct = 96
update_met_pct = 86

[engineer]
max_avg_backlog = 25
min_solved_per_working_day = 1.5
system_down_max_hours = 48
min_kb_articles_per_week = 3

[fcr]
reopen_window_days = 7
"#;
    write_file(&out.join("goals.toml"), goals)?;
    Ok(())
}

fn write_contracts(world: &World, out: &Path) -> Result<()> {
    let mut w = writer(&out.join("contracts.csv"))?;
    w.write_record([
        "contract_id",
        "customer_id",
        "customer_name",
        "plan",
        "start_date",
        "end_date",
        "calendar_id",
        "currency",
        "annual_fee",
        "included_cases_per_quarter",
        "credit_pct_per_missed_target",
        "credit_cap_pct",
        "renewal_date",
        "language",
        "inspections_per_quarter",
        "patch_days",
    ])?;
    for cust in &world.customers {
        for k in &cust.contracts {
            let terms = maintenance_terms(&k.id);
            let (credit, cap) = match k.plan {
                "enterprise" => ("5", "20"),
                "business" => ("3", "15"),
                _ => ("0", "0"),
            };
            w.write_record([
                k.id.as_str(),
                cust.id.as_str(),
                cust.name.as_str(),
                k.plan,
                k.start,
                k.end,
                cust.calendar,
                cust.currency,
                format!("{:.2}", k.fee).as_str(),
                k.included
                    .map(|n| n.to_string())
                    .unwrap_or_default()
                    .as_str(),
                credit,
                cap,
                "",
                customer_language(cust),
                terms.map(|t| t.0.to_string()).unwrap_or_default().as_str(),
                terms.map(|t| t.1.to_string()).unwrap_or_default().as_str(),
            ])?;
        }
    }
    w.flush()?;
    let mut t = writer(&out.join("sla_targets.csv"))?;
    t.write_record([
        "plan",
        "contract_id",
        "priority",
        "metric",
        "target_minutes",
        "clock",
        "commitment_pct",
    ])?;
    // Plan rows first, then contract overrides (plan empty, contract set).
    let plan_rows = TARGETS.iter().map(|r| (r.0, "", r));
    let override_rows = OVERRIDES.iter().map(|r| ("", r.0, r));
    for (plan, contract, &(_, pri, metric, minutes, clock, pct)) in plan_rows.chain(override_rows) {
        t.write_record([
            plan,
            contract,
            pri,
            metric,
            minutes.to_string().as_str(),
            clock,
            pct.to_string().as_str(),
        ])?;
    }
    t.flush()?;
    Ok(())
}

fn write_engineers_and_kb(world: &World, seed: u64, out: &Path) -> Result<()> {
    let mut w = writer(&out.join("engineers.csv"))?;
    w.write_record([
        "engineer_id",
        "name",
        "team",
        "active_from",
        "active_to",
        "calendar_id",
    ])?;
    for e in &world.engineers {
        w.write_record([
            e.id.as_str(),
            e.name,
            e.team,
            e.active_from.unwrap_or(""),
            e.active_to.unwrap_or(""),
            e.calendar,
        ])?;
    }
    w.flush()?;

    // KB articles: each engineer at their own weekly rate, on their working days.
    let mut k = writer(&out.join("kb_articles.csv"))?;
    k.write_record(["article_id", "author_id", "published_at", "title"])?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6b62);
    let mut n = 0u64;
    let topics = [
        "Rotating access keys",
        "Reading slow-query logs",
        "SSO troubleshooting",
        "Quota increase checklist",
        "복제 지연 점검 방법",
        "결제 오류 FAQ",
        "Backup restore drill",
        "存储扩容指南",
    ];
    for (ei, e) in world.engineers.iter().enumerate() {
        let cal = &world.cals[e.calendar];
        for d in &world.days {
            if !cal.is_workday(*d) {
                continue;
            }
            let t = local_to_utc(&cal.tz, d.and_hms_opt(14, 0, 0).unwrap());
            if !world.engineer_active(ei, t) {
                continue;
            }
            // rate per week over ~5 working days
            if rng.random::<f64>() < e.kb_rate / 5.0 {
                n += 1;
                let at = t + (rng.next_u32() % 10_800) as i64;
                k.write_record([
                    format!("KB{n:06}"),
                    e.id.clone(),
                    fmt_local(at, &cal.tz),
                    topics[(rng.next_u32() as usize) % topics.len()].to_string(),
                ])?;
            }
        }
    }
    k.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_tickets() {
        let w = World::new(1000);
        let a = w.ticket(7, 123, 1000, 0.0);
        let b = w.ticket(7, 123, 1000, 0.0);
        assert_eq!(a.ticket, b.ticket);
        assert_eq!(a.events, b.events);
        let c = w.ticket(8, 123, 1000, 0.0);
        assert_ne!(a.events, c.events, "another seed, another ticket");
    }

    /// A file that cannot be created (its folder is a file): the error names it, and the hint
    /// says what to choose instead.
    #[test]
    fn a_file_that_cannot_be_created_is_named_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("out");
        std::fs::write(&blocker, "a file, not a folder").unwrap();
        let path = blocker.join("tickets.csv");
        let e = writer(&path).err().unwrap();
        assert_eq!(e.to_string(), format!("cannot create `{}`", path.display()));
        assert_eq!(
            e.hint().as_deref(),
            Some("choose a folder you can write to with --out")
        );
        let e = write_file(&path, "x").unwrap_err();
        assert_eq!(e.to_string(), format!("cannot write `{}`", path.display()));
        assert!(
            std::error::Error::source(&e).is_some(),
            "the OS error follows"
        );
    }

    #[test]
    fn business_walk_skips_nights_weekends_and_holidays() {
        let cals = calendars();
        let seoul = &cals["seoul_office"];
        // Fri 2026-07-03 17:00 +09:00 plus 2 business hours = Mon 07-06 10:00.
        let start = ts("2026-07-03T17:00:00+09:00");
        assert_eq!(
            seoul.add_business(start, 7200),
            ts("2026-07-06T10:00:00+09:00")
        );
        // Fri 2026-02-13 17:00 plus 2 h: Seollal (Mon-Wed 02-16..18) is skipped -> Thu 02-19 10:00.
        let start = ts("2026-02-13T17:00:00+09:00");
        assert_eq!(
            seoul.add_business(start, 7200),
            ts("2026-02-19T10:00:00+09:00")
        );
    }
}
