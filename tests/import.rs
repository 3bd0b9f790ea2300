//! `slareview import`: the ServiceNow mapping on an excerpt of the real log (two incidents,
//! rows copied unchanged from `shared/data/servicenow_incident_log/`), and the mapping
//! mechanism on a made-up one-row-per-ticket export. Expected canonical rows are written out
//! below by hand from the mapping's rules.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;

const HEADER: &str = "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at";

/// INC0006117: P1 (system down), Active -> Awaiting User Info -> Resolved -> Closed.
/// INC0028089: P3, New, two rows in state `-100` (lines 7 and 8), then Resolved and Closed.
const ROWS: &str = "\
INC0006117,Active,true,0,0,0,true,Caller 92,Opened by  9,11/3/2016 15:08,?,?,Updated by 908,11/3/2016 15:08,Phone,Location 204,Category 57,Subcategory 170,?,?,1 - High,1 - High,1 - Critical,Group 65,Resolver 7,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 6,16/3/2016 10:53,16/3/2016 10:53
INC0006117,Awaiting User Info,true,0,0,1,true,Caller 92,Opened by  9,11/3/2016 15:08,?,?,Updated by 20,14/3/2016 14:45,Phone,Location 204,Category 57,Subcategory 170,?,?,1 - High,1 - High,1 - Critical,Group 65,Resolver 7,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 6,16/3/2016 10:53,16/3/2016 10:53
INC0006117,Resolved,true,0,0,2,true,Caller 92,Opened by  9,11/3/2016 15:08,?,?,Updated by 20,16/3/2016 10:53,Phone,Location 204,Category 57,Subcategory 170,?,?,1 - High,1 - High,1 - Critical,Group 65,Resolver 7,false,false,Do Not Notify,?,CHG0000230,?,?,code 7,Resolved by 6,16/3/2016 10:53,16/3/2016 10:53
INC0006117,Closed,false,0,0,3,false,Caller 92,Opened by  9,11/3/2016 15:08,?,?,Updated by 20,16/3/2016 10:53,Phone,Location 204,Category 57,Subcategory 170,?,?,1 - High,1 - High,1 - Critical,Group 65,Resolver 7,false,false,Do Not Notify,?,CHG0000230,?,?,code 7,Resolved by 6,16/3/2016 10:53,16/3/2016 10:53
INC0028089,New,true,0,0,0,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 578,10/5/2016 22:09,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,-100,true,0,0,1,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:02,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,-100,true,0,0,2,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:03,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,Resolved,true,0,0,3,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:03,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,true,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,Resolved,true,0,0,4,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 468,16/6/2016 13:02,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,true,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,Closed,false,0,0,5,false,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 908,21/6/2016 13:07,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,true,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
";

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn servicenow_excerpt_becomes_canonical_rows() {
    let t = tmp();
    // Gzip-compressed, as the published file is.
    let file = t.path().join("incident_event_log.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&file).unwrap(),
        flate2::Compression::default(),
    );
    write!(gz, "{HEADER}\n{ROWS}").unwrap();
    gz.finish().unwrap();
    let out = t.path().join("canonical");
    let o = slareview(&[
        "import",
        "servicenow",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--assume-tz",
        "UTC",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("read 10 rows, used 8, rejected 2; 2 tickets, 12 events, 2 contracts"),
        "{}",
        stderr(&o)
    );

    assert_eq!(
        lines(&out.join("tickets.csv")),
        [
            "ticket_id,customer_id,created_at,priority,severity,status,assignee_id,channel,product,subject,updated_at,made_sla,assignment_group,impact,urgency,reopen_count",
            "INC0006117,Location 204,2016-03-11T15:08:00Z,P1,system_down,closed,Resolver 7,phone,Category 57,Subcategory 170,2016-03-16T10:53:00Z,false,Group 65,1 - High,1 - High,0",
            "INC0028089,Location 188,2016-05-10T22:09:00Z,P3,normal,closed,Resolver 15,phone,Category 28,Subcategory 174,2016-06-21T13:07:00Z,false,Group 64,2 - Medium,2 - Medium,0",
        ]
    );
    assert_eq!(
        lines(&out.join("ticket_events.csv")),
        [
            "ticket_id,at,kind,actor_id,value",
            // First row: assigned, and out of New (the first response).
            "INC0006117,2016-03-11T15:08:00Z,assign,Updated by 908,Resolver 7",
            "INC0006117,2016-03-11T15:08:00Z,agent_reply,Updated by 908,",
            "INC0006117,2016-03-11T15:08:00Z,status,Updated by 908,open",
            // Asking the caller: an agent reply, then the wait.
            "INC0006117,2016-03-14T14:45:00Z,agent_reply,Updated by 20,",
            "INC0006117,2016-03-14T14:45:00Z,status,Updated by 20,pending",
            // Leaving the wait: the caller answered; resolved at the same update.
            "INC0006117,2016-03-16T10:53:00Z,customer_reply,Updated by 20,",
            "INC0006117,2016-03-16T10:53:00Z,status,Updated by 20,solved",
            "INC0006117,2016-03-16T10:53:00Z,status,Updated by 20,closed",
            // Assigned at creation while still New: no reply yet.
            "INC0028089,2016-05-10T22:09:00Z,assign,Updated by 578,Resolver 15",
            "INC0028089,2016-06-16T12:03:00Z,agent_reply,Updated by 750,",
            "INC0028089,2016-06-16T12:03:00Z,status,Updated by 750,solved",
            "INC0028089,2016-06-21T13:07:00Z,status,Updated by 908,closed",
        ]
    );
    assert_eq!(
        lines(&out.join("import_rejects.csv")),
        [
            "file,line,column,value,reason",
            "incident_event_log.csv.gz,7,incident_state,-100,\"`-100` is not in the mapping's [values.status] (known: Active, Awaiting Evidence, Awaiting Problem, Awaiting User Info, Awaiting Vendor, Closed, New, Resolved)\"",
            "incident_event_log.csv.gz,8,incident_state,-100,\"`-100` is not in the mapping's [values.status] (known: Active, Awaiting Evidence, Awaiting Problem, Awaiting User Info, Awaiting Vendor, Closed, New, Resolved)\"",
        ]
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("import_summary.json")).unwrap())
            .unwrap();
    assert_eq!(
        (
            summary["rows_read"].as_u64(),
            summary["rows_used"].as_u64(),
            summary["rows_rejected"].as_u64()
        ),
        (Some(10), Some(8), Some(2))
    );
    let contracts = lines(&out.join("contracts.csv"));
    assert_eq!(contracts.len(), 3);
    assert!(contracts[1].starts_with(
        "Location 188 2016,Location 188,Location 188,servicenow_stock,2016-01-01,2016-12-31,"
    ));
    assert_eq!(lines(&out.join("sla_targets.csv")).len(), 9, "8 targets");
    let assumptions = std::fs::read_to_string(out.join("ASSUMPTIONS.md")).unwrap();
    for said in [
        "`location` column",
        "read as UTC (--assume-tz)",
        "`?` is read as missing",
        "first update that moves the incident out of New",
        "`Awaiting Vendor` = on_hold",
    ] {
        assert!(assumptions.contains(said), "ASSUMPTIONS.md says {said}");
    }

    // The canonical folder runs as it is: every row accepted, the documents written.
    let run_out = t.path().join("out");
    let o = run_ok(&out, &run_out, &["--period", "2016Q2"]);
    assert!(
        stderr(&o).contains("tickets.csv          read          2  accepted          2"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("ticket_events.csv    read         12  accepted         12"));
    let sla = table(&run_out, "ticket_sla");
    // INC0006117: first response at creation (0 s <= 30 min: met); resolution from 03-11 15:08
    // to 03-16 10:53 minus the wait 03-14 14:45 .. 03-16 10:53 = 2 d 23 h 37 min active,
    // over the 8-hour P1 target.
    let r = row(
        &sla,
        &[("ticket_id", "INC0006117"), ("metric", "resolution")],
    );
    assert_eq!(
        (r["state"].as_str(), r["elapsed_seconds"].as_str()),
        ("breached", "257820")
    );
    let r = row(
        &sla,
        &[("ticket_id", "INC0006117"), ("metric", "first_response")],
    );
    assert_eq!(
        (r["state"].as_str(), r["elapsed_seconds"].as_str()),
        ("met", "0")
    );
    assert!(run_out.join("reports/2016Q2/portfolio.html").exists());
}

#[test]
fn without_a_zone_the_import_says_what_to_pass() {
    let t = tmp();
    let file = t.path().join("log.csv");
    std::fs::write(&file, format!("{HEADER}\n{ROWS}")).unwrap();
    let o = slareview(&[
        "import",
        "servicenow",
        file.to_str().unwrap(),
        "--out",
        t.path().join("c").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("hint: pass --assume-tz"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn customer_from_another_column() {
    let t = tmp();
    let file = t.path().join("log.csv");
    std::fs::write(&file, format!("{HEADER}\n{ROWS}")).unwrap();
    let out = t.path().join("c");
    let o = slareview(&[
        "import",
        "servicenow",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--assume-tz",
        "UTC",
        "--customer-from",
        "assignment_group",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let tickets = read_csv(&out.join("tickets.csv"));
    assert_eq!(tickets[0]["customer_id"], "Group 65");
    assert_eq!(tickets[1]["customer_id"], "Group 64");
    // A column the file does not have is an error naming it.
    let o = slareview(&[
        "import",
        "servicenow",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--assume-tz",
        "UTC",
        "--customer-from",
        "account",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("names column `account`, which the file does not have"),
        "{}",
        stderr(&o)
    );
}

/// A made-up helpdesk ("Acme Desk") exporting one row per case, mapped with a TOML file only.
const ACME_MAPPING: &str = r#"
name = "acme_desk"
layout = "one_row_per_ticket"
timestamp_format = "%Y-%m-%d %H:%M"
ticket_id = "Case"
customer_id = "Account"
missing = ["n/a"]

[tickets]
created_at = "Opened"
priority = "Sev"
status = "State"
assignee_id = "Owner"
channel = "Via"
subject = ["Title"]

[values.priority]
Urgent = "P1"
Normal = "P3"

[values.status]
Open = "open"
Resolved = "solved"

[values.channel]
Web = "web"
Mail = "email"

[[severity.system_down_when]]
Sev = "Urgent"

[[events.from_columns]]
kind = "agent_reply"
at = "Replied"
actor = "Owner"

[[events.from_columns]]
kind = "status"
at = "Resolved"
value = "solved"
actor = "Owner"
"#;

const ACME_EXPORT: &str = "\
Case,Account,Opened,Sev,State,Owner,Replied,Resolved,Via,Title
A-1,ACME,2026-07-01 09:00,Urgent,Resolved,alice,2026-07-01 09:20,2026-07-01 12:00,Web,\"Printer on fire, again\"
A-2,ACME,2026-07-02 10:00,Normal,Open,bob,n/a,,Mail,Slow
A-3,n/a,2026-07-02 11:00,Normal,Open,bob,,,Mail,No account
A-4,ACME,yesterday,Normal,Open,bob,,,Mail,Bad date
A-5,ACME,2026-07-03 08:00,Whenever,Open,bob,,,Mail,Unknown severity
";

#[test]
fn a_mapping_file_reads_another_helpdesk() {
    let t = tmp();
    let mapping = t.path().join("acme.toml");
    std::fs::write(&mapping, ACME_MAPPING).unwrap();
    let file = t.path().join("acme.csv");
    std::fs::write(&file, ACME_EXPORT).unwrap();
    let out = t.path().join("c");
    let o = slareview(&[
        "import",
        mapping.to_str().unwrap(),
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--assume-tz",
        "Asia/Seoul",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        lines(&out.join("tickets.csv")),
        [
            "ticket_id,customer_id,created_at,priority,severity,status,assignee_id,channel,product,subject,updated_at",
            // 09:00 in Seoul is 00:00 UTC.
            "A-1,ACME,2026-07-01T00:00:00Z,P1,system_down,solved,alice,web,,\"Printer on fire, again\",",
            "A-2,ACME,2026-07-02T01:00:00Z,P3,normal,open,bob,email,,Slow,",
        ]
    );
    assert_eq!(
        lines(&out.join("ticket_events.csv")),
        [
            "ticket_id,at,kind,actor_id,value",
            "A-1,2026-07-01T00:20:00Z,agent_reply,alice,",
            "A-1,2026-07-01T03:00:00Z,status,alice,solved",
        ]
    );
    let rejects = read_csv(&out.join("import_rejects.csv"));
    let got: Vec<(&str, &str, &str)> = rejects
        .iter()
        .map(|r| {
            (
                r["line"].as_str(),
                r["column"].as_str(),
                r["reason"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("4", "Account", "ticket `A-3` has no customer in `Account`"),
            ("5", "Opened", "ticket `A-4`: not a timestamp in the format `%Y-%m-%d %H:%M`"),
            ("6", "Sev", "ticket `A-5`: `Whenever` is not in the mapping's [values.priority] (known: Normal, Urgent)"),
        ]
    );
    // No contracts in this mapping: the user brings their own.
    assert!(!out.join("contracts.csv").exists());
    let summary = std::fs::read_to_string(out.join("import_summary.json")).unwrap();
    assert!(
        summary.contains("\"rows_read\": 5")
            && summary.contains("\"rows_used\": 2")
            && summary.contains("\"rows_rejected\": 3"),
        "{summary}"
    );
}

#[test]
fn a_broken_mapping_is_a_clear_error() {
    let t = tmp();
    let mapping = t.path().join("bad.toml");
    std::fs::write(&mapping, "name = \"x\"\nlayout = \"sideways\"\n").unwrap();
    let file = t.path().join("a.csv");
    std::fs::write(&file, "a\n1\n").unwrap();
    let o = slareview(&[
        "import",
        mapping.to_str().unwrap(),
        file.to_str().unwrap(),
        "--out",
        t.path().join("c").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not valid"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("hint: see mappings/README.md"),
        "{}",
        stderr(&o)
    );
}

/// The import's output folder: a file of the user's by a name the import writes is refused by
/// name and kept; other files beside the import's are left alone; a second import replaces its
/// own files.
#[test]
fn import_never_overwrites_a_user_file_and_leaves_others_alone() {
    let t = tmp();
    let file = t.path().join("incident_event_log.csv");
    std::fs::write(&file, format!("{HEADER}\n{ROWS}")).unwrap();
    let out = t.path().join("canonical");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("tickets.csv"), "my own tickets").unwrap();
    let import = || {
        slareview(&[
            "import",
            "servicenow",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--assume-tz",
            "UTC",
        ])
    };
    let o = import();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("tickets.csv"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("tickets.csv")).unwrap(),
        "my own tickets"
    );

    std::fs::remove_file(out.join("tickets.csv")).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    for _ in 0..2 {
        let o = import();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "my notes"
    );
    // The two incidents of the excerpt, under the header.
    assert_eq!(lines(&out.join("tickets.csv")).len(), 3);
}
