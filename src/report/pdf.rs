//! PDF through headless Chromium, when it is installed: the HTML documents are the source, so
//! the PDF is what a reader printing the HTML to A4 would get. Without Chromium the caller is
//! told why and every other format is still written.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Chromium's executable: `SLAREVIEW_CHROMIUM` if set, else the first of the usual names on
/// PATH.
pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = crate::env::var_os(crate::env::CHROMIUM) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = crate::env::var_os(crate::env::PATH)?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The flags that make a headless print deterministic and offline.
fn headless(cmd: &mut Command) {
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-extensions",
        "--no-first-run",
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
    ]);
}

/// Prints each HTML file to `<dir>/<stem>.pdf`.
pub fn print_all(docs: &[PathBuf], dir: &Path) -> Result<Vec<PathBuf>, String> {
    let Some(exe) = chromium() else {
        return Err("PDF skipped: Chromium was not found on PATH (install the `chromium` package, or set SLAREVIEW_CHROMIUM to its executable); the HTML and Markdown documents are written".into());
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let mut out = Vec::new();
    for doc in docs {
        let stem = doc.file_stem().unwrap_or_default().to_string_lossy();
        let pdf = dir.join(format!("{stem}.pdf"));
        let url = file_url(doc)?;
        let mut cmd = Command::new(&exe);
        headless(&mut cmd);
        cmd.arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(url);
        let result = cmd
            .output()
            .map_err(|e| format!("cannot start `{}`: {e}", exe.display()))?;
        if !result.status.success() || !pdf.exists() {
            return Err(format!(
                "Chromium could not print `{}`: {}",
                doc.display(),
                String::from_utf8_lossy(&result.stderr).trim()
            ));
        }
        out.push(pdf);
    }
    Ok(out)
}

/// Renders an HTML file to a PNG screenshot (used by the tests and for looking at pages).
pub fn screenshot(doc: &Path, png: &Path, width: u32, height: u32) -> Result<(), String> {
    let exe = chromium().ok_or("Chromium was not found on PATH")?;
    let mut cmd = Command::new(&exe);
    headless(&mut cmd);
    cmd.arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(file_url(doc)?);
    let result = cmd
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", exe.display()))?;
    if !result.status.success() || !png.exists() {
        return Err(format!(
            "Chromium could not render `{}`: {}",
            doc.display(),
            String::from_utf8_lossy(&result.stderr).trim()
        ));
    }
    Ok(())
}

fn file_url(doc: &Path) -> Result<String, String> {
    let abs = std::fs::canonicalize(doc).map_err(|e| format!("`{}`: {e}", doc.display()))?;
    let mut url = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(b as char)
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(url)
}
