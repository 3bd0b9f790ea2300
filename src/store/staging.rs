//! Outputs that appear whole or not at all, and never a file slareview did not write.
//!
//! `run` writes everything (lake, tables, documents, the summary) into a staging folder inside
//! the output folder, `<out>/.slareview-staging`. Only when all of it is written and synced does
//! it swap the new items in, one rename each:
//!
//! - a folder item (`lake`, `tables`, `reports/<period>`) is exchanged with the folder it
//!   replaces by one `renameat2(RENAME_EXCHANGE)`, so the path never points at nothing and a
//!   reader sees the old folder or the new one, never a mix inside it (where the file system
//!   cannot exchange, two renames, which the recovery below completes);
//! - a file item (`summary_<period>.html`) is renamed over the old one, which is atomic.
//!
//! Before the first swap a journal (`COMMIT.json`) is written into the staging folder, naming
//! each item and, for folders, the inode of the new one. A crash during the swaps is finished
//! by the next command that writes to the folder (roll forward: every item whose path does not
//! yet hold the new inode is swapped); a crash before the journal leaves the previous state
//! untouched, and the next run removes the stale staging folder with a note.
//!
//! Ownership: every folder slareview writes carries a marker file `.slareview` listing what it
//! wrote there, and the output folder's own marker lists the items (folders and files) that
//! runs have put in it. A folder or file is replaced only when the marker says slareview wrote
//! all of it; a folder holding anything else is refused with an error naming the file, and
//! nothing is deleted.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// The file system step `action` on `path` failed, for `map_err`.
fn fs_err<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |source| StoreError::Fs {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// The marker file of every folder slareview writes.
pub const MARKER: &str = ".slareview";
/// The staging folder of a run, inside the output folder.
pub const STAGING: &str = ".slareview-staging";
const JOURNAL: &str = "COMMIT.json";
const WRITTEN_BY: &str = "slareview";

/// What a marker says: that slareview wrote this folder, and which entries (files and folders,
/// relative, `/`-separated, sorted) it wrote there.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Marker {
    written_by: String,
    /// A folder being written (a staging or partial folder): slareview created it empty, so
    /// all of it is slareview's, listed or not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    in_progress: bool,
    #[serde(default)]
    entries: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    items: Vec<JournalItem>,
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalItem {
    /// Relative to the output folder, `/`-separated.
    path: String,
    folder: bool,
    /// The new folder's inode (folders only): the swap of this item is done when the path
    /// holds it.
    inode: u64,
}

/// One output of a run, relative to the output folder.
#[derive(Debug, Clone)]
pub struct Item {
    pub path: String,
    pub folder: bool,
}

impl Item {
    pub fn folder(path: impl Into<String>) -> Item {
        Item {
            path: path.into(),
            folder: true,
        }
    }
    pub fn file(path: impl Into<String>) -> Item {
        Item {
            path: path.into(),
            folder: false,
        }
    }
}

/// Test hook: `SLAREVIEW_CRASH_AT=<step>` aborts the process at that step, as a power cut would.
pub fn crash_point(step: &str) {
    if crate::env::var(crate::env::CRASH_AT).is_some_and(|s| s == step) {
        eprintln!("slareview: simulated crash at `{step}`");
        std::process::abort();
    }
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

/// Every entry under `dir` (files, folders, links; links not followed), relative and sorted.
fn entries(dir: &Path) -> Result<Vec<String>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        let rd = fs::read_dir(dir).map_err(fs_err("list", dir))?;
        for e in rd {
            let e = e.map_err(fs_err("list", dir))?;
            let path = e.path();
            let rel = path
                .strip_prefix(base)
                .expect("under base")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(rel);
            let ft = e.file_type().map_err(fs_err("read", &path))?;
            if ft.is_dir() {
                walk(base, &path, out)?;
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn read_marker(dir: &Path) -> Option<Marker> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    let m: Marker = serde_json::from_str(&text).ok()?;
    (m.written_by == WRITTEN_BY).then_some(m)
}

/// Writes `path` whole or not at all: a temporary file beside it, synced, renamed over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    write_atomic_via(path, &path.with_file_name(format!(".{name}.tmp")), bytes)
}

/// As `write_atomic`, with the temporary file at `tmp` (same file system), so that a crash
/// leaves no stray file beside `path`.
fn write_atomic_via(path: &Path, tmp: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = tmp.to_path_buf();
    let write = || -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|source| {
        let _ = fs::remove_file(&tmp);
        StoreError::Fs {
            action: "write",
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Marks `dir` as written by slareview, listing everything in it now.
pub fn mark(dir: &Path) -> Result<()> {
    let mut listed = entries(dir)?;
    listed.retain(|e| e != MARKER && !e.starts_with(&format!(".{MARKER}.")));
    write_marker(
        dir,
        &Marker {
            written_by: WRITTEN_BY.into(),
            in_progress: false,
            entries: listed,
        },
    )
}

fn write_marker(dir: &Path, m: &Marker) -> Result<()> {
    let text = serde_json::to_string_pretty(m).expect("marker serialises") + "\n";
    write_atomic(&dir.join(MARKER), text.as_bytes())
}

/// Creates the new folder `dir` (it must be missing or empty) and marks it as slareview's,
/// in progress, before anything is written into it, so that a crash part-way leaves a folder
/// that is recognisably slareview's own.
pub fn create_marked(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(fs_err("create", dir))?;
    if let Some(first) = entries(dir)?.first() {
        return Err(not_ours(dir, first));
    }
    write_marker(
        dir,
        &Marker {
            written_by: WRITTEN_BY.into(),
            in_progress: true,
            entries: Vec::new(),
        },
    )
}

fn not_ours(what: &Path, file: &str) -> StoreError {
    StoreError::NotOurs {
        dir: what.to_path_buf(),
        file: file.to_string(),
    }
}

/// Succeeds when the folder `dir` may be replaced: it does not exist, is empty, or holds only
/// what its marker says slareview wrote there.
pub fn check_folder(dir: &Path) -> Result<()> {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(StoreError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let found = entries(dir)?;
    if found.is_empty() {
        return Ok(());
    }
    let Some(marker) = read_marker(dir) else {
        let first = found.iter().find(|e| *e != MARKER).unwrap_or(&found[0]);
        return Err(not_ours(dir, first));
    };
    if marker.in_progress {
        return Ok(());
    }
    for e in &found {
        if e == MARKER || marker.entries.binary_search(e).is_ok() {
            continue;
        }
        return Err(not_ours(dir, e));
    }
    Ok(())
}

/// Succeeds when the file `out/name` may be replaced: it does not exist, or the output folder's
/// marker says a run wrote it.
fn check_file(out: &Path, name: &str) -> Result<()> {
    let path = out.join(name);
    if !exists(&path) {
        return Ok(());
    }
    let listed = read_marker(out).is_some_and(|m| m.entries.iter().any(|e| e == name));
    if !listed || !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return Err(StoreError::FileNotOurs { path });
    }
    Ok(())
}

/// Refuses when any of the files `names` exists in `dir` and `dir`'s marker does not say
/// slareview wrote it (for commands that write named files into a folder: import, generate).
pub fn check_files(dir: &Path, names: &[&str]) -> Result<()> {
    for n in names {
        check_file(dir, n)?;
    }
    Ok(())
}

/// Claims the files `names` in `dir` for slareview (after `check_files` passed, before they are
/// written, so that a command stopped part-way may still replace them next time), leaving
/// whatever else is in `dir` unclaimed.
pub fn claim_files(dir: &Path, names: &[&str]) -> Result<()> {
    check_files(dir, names)?;
    fs::create_dir_all(dir).map_err(fs_err("create", dir))?;
    let mut listed = read_marker(dir).map(|m| m.entries).unwrap_or_default();
    for n in names {
        if !listed.iter().any(|e| e == n) {
            listed.push(n.to_string());
        }
    }
    listed.sort();
    write_marker(
        dir,
        &Marker {
            written_by: WRITTEN_BY.into(),
            in_progress: false,
            entries: listed,
        },
    )
}

/// Checks that every item may be replaced in `out`.
pub fn check_items(out: &Path, items: &[Item]) -> Result<()> {
    for it in items {
        if it.folder {
            check_folder(&out.join(&it.path))?;
        } else {
            check_file(out, &it.path)?;
        }
    }
    Ok(())
}

fn sync_tree(dir: &Path) -> Result<()> {
    for e in entries(dir)? {
        let p = dir.join(&e);
        if let Ok(f) = File::open(&p) {
            f.sync_all().map_err(fs_err("write", &p))?;
        }
    }
    sync_dir(dir);
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(unix)]
fn inode(p: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(p).ok().map(|m| m.ino())
}
#[cfg(not(unix))]
fn inode(_p: &Path) -> Option<u64> {
    None
}

/// Swaps `new` and `old` atomically; false when the file system cannot.
#[cfg(target_os = "linux")]
fn exchange(new: &Path, old: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(new.as_os_str().as_bytes())?;
    let b = CString::new(old.as_os_str().as_bytes())?;
    // SAFETY: two valid NUL-terminated paths; renameat2 only reads them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}
#[cfg(not(target_os = "linux"))]
fn exchange(_new: &Path, _old: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Carries out (or finishes) the swaps a journal names. Idempotent: an item already swapped is
/// left as it is.
fn apply(out: &Path, staging: &Path, journal: &Journal) -> Result<()> {
    for it in &journal.items {
        let target = out.join(&it.path);
        let staged = staging.join(&it.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(fs_err("create", parent))?;
        }
        if !it.folder {
            if exists(&staged) {
                fs::rename(&staged, &target).map_err(fs_err("write", &target))?;
            }
        } else if inode(&target) != Some(it.inode) && inode(&staged) == Some(it.inode) {
            if exists(&target) {
                let swapped = exchange(&staged, &target).map_err(fs_err("replace", &target))?;
                if !swapped {
                    // Two renames: the old folder goes aside into the staging folder first.
                    let aside = staging.join(".old").join(&it.path);
                    if let Some(p) = aside.parent() {
                        fs::create_dir_all(p).map_err(fs_err("create", p))?;
                    }
                    fs::rename(&target, &aside).map_err(fs_err("move", &target))?;
                    crash_point("mid_exchange");
                    fs::rename(&staged, &target).map_err(fs_err("write", &target))?;
                }
            } else {
                fs::rename(&staged, &target).map_err(fs_err("write", &target))?;
            }
        }
        crash_point(&format!("swapped {}", it.path));
    }
    sync_dir(out);
    Ok(())
}

/// Finishes or clears what an interrupted run left in `out`: a staging folder with a journal is
/// swapped in (the run had finished writing); one without is removed, with a note.
pub fn recover(out: &Path) -> Result<()> {
    let staging = out.join(STAGING);
    if !exists(&staging) {
        return Ok(());
    }
    let journal = fs::read_to_string(staging.join(JOURNAL))
        .ok()
        .and_then(|t| serde_json::from_str::<Journal>(&t).ok());
    if let Some(j) = journal {
        apply(out, &staging, &j)?;
        eprintln!(
            "note: finished swapping in the outputs of an interrupted run in `{}`",
            out.display()
        );
    } else {
        let ours = read_marker(&staging).is_some()
            || entries(&staging).map(|e| e.is_empty()).unwrap_or(false);
        if !ours {
            return Err(StoreError::NotStaging { path: staging });
        }
        eprintln!(
            "note: removed `{}`, left by a run that was interrupted before it finished; the outputs it would have replaced are unchanged",
            staging.display()
        );
    }
    fs::remove_dir_all(&staging).map_err(fs_err("remove", &staging))?;
    Ok(())
}

/// A run's outputs being written: `dir()` is where they go; `commit` swaps them in.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// Set once the journal is written: from then on the staging folder is the next command's
    /// to finish, not to remove.
    journaled: bool,
    _lock: Option<File>,
}

impl Drop for Staging {
    /// A run that stops with an error (not a crash) removes what it staged: nothing of it was
    /// swapped in.
    fn drop(&mut self) {
        if !self.journaled {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Staging {
    /// Locks `out` against a second run, finishes or clears an interrupted one, and starts a
    /// fresh staging folder.
    pub fn begin(out: &Path) -> Result<Staging> {
        fs::create_dir_all(out).map_err(fs_err("create", out))?;
        let lock = lock(out)?;
        recover(out)?;
        let dir = out.join(STAGING);
        create_marked(&dir)?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            journaled: false,
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The final path of a path under the staging folder.
    pub fn final_path(&self, staged: &Path) -> PathBuf {
        match staged.strip_prefix(&self.dir) {
            Ok(rel) => self.out.join(rel),
            Err(_) => staged.to_path_buf(),
        }
    }

    /// Swaps `items` (written under `dir()`) into the output folder, all or (after a crash,
    /// once the next command finishes the swap) all.
    pub fn commit(mut self, items: &[Item]) -> Result<()> {
        check_items(&self.out, items)?;
        for it in items.iter().filter(|it| it.folder) {
            mark(&self.dir.join(&it.path))?;
        }
        sync_tree(&self.dir)?;
        // The output folder's marker lists the items first, so that a finished swap is always
        // recognised as slareview's own.
        let mut listed = read_marker(&self.out)
            .map(|m| m.entries)
            .unwrap_or_default();
        for it in items {
            if !listed.contains(&it.path) {
                listed.push(it.path.clone());
            }
        }
        listed.sort();
        let m = Marker {
            written_by: WRITTEN_BY.into(),
            in_progress: false,
            entries: listed,
        };
        write_atomic_via(
            &self.out.join(MARKER),
            &self.dir.join(".out-marker.tmp"),
            (serde_json::to_string_pretty(&m).expect("marker serialises") + "\n").as_bytes(),
        )?;
        let journal = Journal {
            items: items
                .iter()
                .map(|it| -> Result<JournalItem> {
                    let staged = self.dir.join(&it.path);
                    Ok(JournalItem {
                        path: it.path.clone(),
                        folder: it.folder,
                        inode: if it.folder {
                            inode(&staged).ok_or_else(|| StoreError::NotWritten {
                                path: staged.clone(),
                            })?
                        } else {
                            0
                        },
                    })
                })
                .collect::<Result<_>>()?,
        };
        crash_point("before_commit");
        write_atomic(
            &self.dir.join(JOURNAL),
            serde_json::to_string(&journal)
                .expect("journal serialises")
                .as_bytes(),
        )?;
        sync_dir(&self.dir);
        self.journaled = true;
        apply(&self.out, &self.dir, &journal)?;
        crash_point("after_swap");
        fs::remove_dir_all(&self.dir).map_err(fs_err("remove", &self.dir))?;
        Ok(())
    }
}

/// An exclusive lock on `out` for the run (released when the process ends, however it ends).
#[cfg(unix)]
fn lock(out: &Path) -> Result<Option<File>> {
    use std::os::unix::io::AsRawFd;
    let Ok(f) = File::open(out) else {
        return Ok(None);
    };
    // SAFETY: a valid open descriptor.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
            return Err(StoreError::Locked {
                out: out.to_path_buf(),
            });
        }
        return Ok(None);
    }
    Ok(Some(f))
}
#[cfg(not(unix))]
fn lock(_out: &Path) -> Result<Option<File>> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path, text: &str) {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    #[test]
    fn a_marked_folder_may_be_replaced_but_not_once_a_user_file_is_added() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("lake");
        touch(&d.join("tickets.parquet"), "x");
        touch(&d.join("sub/a.csv"), "y");
        mark(&d).unwrap();
        check_folder(&d).unwrap();
        touch(&d.join("sub/notes.txt"), "mine");
        let e = check_folder(&d).unwrap_err().to_string();
        assert!(e.contains("`sub/notes.txt`"), "{e}");
    }

    #[test]
    fn an_unmarked_folder_with_files_is_refused_and_an_empty_one_is_not() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("lake");
        fs::create_dir_all(&d).unwrap();
        check_folder(&d).unwrap();
        touch(&d.join("Documents/tax.txt"), "mine");
        let e = check_folder(&d).unwrap_err().to_string();
        assert!(e.contains("`Documents`"), "{e}");
        assert!(e.contains("did not write"), "{e}");
    }

    #[test]
    fn commit_swaps_folders_and_files_and_leaves_no_staging() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let s = Staging::begin(&out).unwrap();
        touch(&s.dir().join("tables/a.csv"), "one");
        touch(&s.dir().join("summary.html"), "first");
        s.commit(&[Item::folder("tables"), Item::file("summary.html")])
            .unwrap();
        assert_eq!(fs::read_to_string(out.join("tables/a.csv")).unwrap(), "one");

        let s = Staging::begin(&out).unwrap();
        touch(&s.dir().join("tables/b.csv"), "two");
        touch(&s.dir().join("summary.html"), "second");
        s.commit(&[Item::folder("tables"), Item::file("summary.html")])
            .unwrap();
        // The whole folder is the new one: a.csv (written by the first run only) is gone.
        assert!(!out.join("tables/a.csv").exists());
        assert_eq!(fs::read_to_string(out.join("tables/b.csv")).unwrap(), "two");
        assert_eq!(
            fs::read_to_string(out.join("summary.html")).unwrap(),
            "second"
        );
        assert!(!out.join(STAGING).exists());
    }

    /// An output folder holding one committed `tables/a.csv` with the text `old`.
    fn committed_once() -> (tempfile::TempDir, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        let s = Staging::begin(&out).unwrap();
        touch(&s.dir().join("tables/a.csv"), "old");
        s.commit(&[Item::folder("tables")]).unwrap();
        (t, out)
    }

    #[test]
    fn a_journal_left_by_a_crash_is_rolled_forward_once() {
        let (_t, out) = committed_once();

        // A run that wrote its journal and swapped nothing yet.
        let s = Staging::begin(&out).unwrap();
        touch(&s.dir().join("tables/a.csv"), "new");
        mark(&s.dir().join("tables")).unwrap();
        let j = Journal {
            items: vec![JournalItem {
                path: "tables".into(),
                folder: true,
                inode: inode(&s.dir().join("tables")).unwrap(),
            }],
        };
        fs::write(s.dir().join(JOURNAL), serde_json::to_string(&j).unwrap()).unwrap();
        std::mem::forget(s); // as a crash would: no clean-up
        recover(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("tables/a.csv")).unwrap(), "new");
        assert!(!out.join(STAGING).exists());
    }

    #[test]
    fn a_staging_folder_without_journal_is_removed_and_outputs_stay() {
        let (_t, out) = committed_once();
        let s = Staging::begin(&out).unwrap();
        touch(&s.dir().join("tables/a.csv"), "half");
        std::mem::forget(s); // as a crash would: no clean-up
        recover(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("tables/a.csv")).unwrap(), "old");
        assert!(!out.join(STAGING).exists());
    }

    #[test]
    fn a_file_the_output_marker_does_not_list_is_not_replaced() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out");
        touch(&out.join("summary_2026Q3.html"), "the user's own");
        let s = Staging::begin(&out).unwrap();
        touch(&s.dir().join("summary_2026Q3.html"), "ours");
        let e = s
            .commit(&[Item::file("summary_2026Q3.html")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("did not write"), "{e}");
        assert_eq!(
            fs::read_to_string(out.join("summary_2026Q3.html")).unwrap(),
            "the user's own"
        );
    }
}
