//! `--help` of the binary and of every command, snapshotted (`tests/snapshots/help__*.snap`), so
//! a change of wording is reviewed like code. The commands are read from the help itself, so a
//! new command (or a command's own subcommands) gets a snapshot without editing this file.
//! After a deliberate change: `INSTA_UPDATE=always cargo test --test help`, then review the diff.

mod common;

use common::*;

#[test]
fn help_of_every_command_matches_its_snapshot() {
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut seen = Vec::new();
    while let Some(path) = todo.pop() {
        let o = bin()
            .args(&path)
            .arg("--help")
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{path:?} --help: {}", stderr(&o));
        let help = stdout(&o);
        let name = if path.is_empty() {
            "slareview".to_string()
        } else {
            path.join("_")
        };
        insta::assert_snapshot!(name.as_str(), help);
        seen.push(name);
        for sub in commands(&help) {
            let mut p = path.clone();
            p.push(sub);
            todo.push(p);
        }
    }
    for want in ["run", "ingest", "validate", "import", "generate"] {
        assert!(
            seen.iter().any(|s| s == want),
            "no help for {want}: {seen:?}"
        );
    }
}

/// The commands a help lists under `Commands:` (clap's layout: two spaces, the name, then its
/// description), without `help`.
fn commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}
