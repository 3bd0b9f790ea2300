//! Running the real binary with a time limit and a memory cap, and telling a clean outcome
//! (exit 0/1, or exit 2 with an `error:` message) from a panic, a hang or a crash.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How one command ended.
#[derive(Debug)]
pub struct Ended {
    pub code: Option<i32>,
    /// The signal that ended it, if one did (SIGABRT: an allocation failed; SIGKILL: the
    /// kernel's OOM killer or our timeout).
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub elapsed: Duration,
    pub stdout: String,
    pub stderr: String,
}

impl Ended {
    /// `None` when the outcome is one a user may see (exit 0 or 1; exit 2 with an `error:`
    /// line), else what went wrong: a panic (with its place), a hang, a crash.
    pub fn failure(&self) -> Option<String> {
        if self.timed_out {
            return Some(format!("hang: killed after {:.0?}", self.elapsed));
        }
        if let Some(line) = self.stderr.lines().find(|l| l.contains("panicked at")) {
            return Some(format!("panic: {}", panic_place(&self.stderr, line)));
        }
        if self.code == Some(101) {
            return Some(format!("panic (exit 101): {}", last_lines(&self.stderr)));
        }
        if let Some(sig) = self.signal {
            return Some(format!(
                "crash: signal {sig} after {:.1?}: {}",
                self.elapsed,
                last_lines(&self.stderr)
            ));
        }
        match self.code {
            Some(0) | Some(1) => None,
            Some(2) if self.stderr.contains("error:") => None,
            Some(2) => Some(format!(
                "exit 2 without an `error:` message: {}",
                last_lines(&self.stderr)
            )),
            other => Some(format!(
                "unexpected exit {other:?}: {}",
                last_lines(&self.stderr)
            )),
        }
    }
}

/// `panicked at src/clock/engine.rs:120:5:` and the message line after it.
fn panic_place(stderr: &str, line: &str) -> String {
    let mut lines = stderr.lines().skip_while(|l| *l != line);
    // `thread 'main' (1482) panicked at src/x.rs:1:2:`: from `panicked at`, without the
    // thread's number, so one place reads the same from run to run.
    let first = lines.next().unwrap_or("").trim();
    let first = first.find("panicked at").map_or(first, |i| &first[i..]);
    let next = lines.next().unwrap_or("").trim();
    if next.is_empty() {
        first.to_string()
    } else {
        format!("{first} {next}")
    }
}

fn last_lines(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(3)..].join(" | ")
}

/// The slareview binary built from this clone: `SLAREVIEW_TEST_BIN` if set, else
/// `CARGO_BIN_EXE_slareview`. Clones sharing one target folder share that one path (and the
/// artifacts behind it), so another clone's build can replace it while these tests run; a test
/// against another clone's binary proves nothing, so that is refused (every build embeds the
/// folder it was built from, `cli::bundled_queries`). With a shared target folder: build, copy
/// `target/debug/slareview` aside at once, and point `SLAREVIEW_TEST_BIN` at the copy.
pub fn slareview_exe() -> &'static Path {
    static EXE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        let exe: std::path::PathBuf = std::env::var_os("SLAREVIEW_TEST_BIN")
            .map(Into::into)
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_slareview").into());
        let bytes = std::fs::read(&exe).unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
        assert!(
            memchr::memmem::find(&bytes, env!("CARGO_MANIFEST_DIR").as_bytes()).is_some(),
            "{} was not built from {} (another clone sharing the target folder built it since); \
             build, copy it aside and set SLAREVIEW_TEST_BIN",
            exe.display(),
            env!("CARGO_MANIFEST_DIR")
        );
        exe
    })
}

/// Runs the slareview binary with `args`, killed after `timeout`, its address space capped at
/// `mem_mb` megabytes (`ulimit -v`, so a run that would grow without bound fails inside the cap
/// instead of taking the machine).
pub fn slareview_bounded(args: &[&str], timeout: Duration, mem_mb: u64) -> Ended {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mem_mb * 1024))
        .arg(slareview_exe())
        .args(args)
        .env_remove("RUST_LOG")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    run_with_timeout(cmd, timeout)
}

/// `slareview run --data DATA --out OUT [extra]`, bounded.
pub fn run_bounded(
    data: &Path,
    out: &Path,
    extra: &[&str],
    timeout: Duration,
    mem_mb: u64,
) -> Ended {
    let mut args = vec![
        "run",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    slareview_bounded(&args, timeout, mem_mb)
}

fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Ended {
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    let mut child = cmd.spawn().expect("binary starts");
    // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out_pipe.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err_pipe.read_to_end(&mut s);
        s
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    Ended {
        code: status.code(),
        signal: status.signal(),
        timed_out,
        elapsed,
        stdout,
        stderr,
    }
}
