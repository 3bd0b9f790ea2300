//! Embeds every message catalog of `locales/` (one `<lang>.toml` per language) in the binary,
//! so adding a language is adding a file: `src/report/i18n.rs` reads the list written here.

use std::path::Path;

fn main() {
    // The manifest folder of this build (read when the script runs, not when it was compiled).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut langs: Vec<String> = std::fs::read_dir(&dir)
        .expect("locales/ is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            println!("cargo:rerun-if-changed={}", p.display());
            p.file_stem().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    langs.sort();
    let mut out =
        String::from("/// Every catalog of `locales/`: (language, TOML text), by language.\n");
    out.push_str("pub const LOCALES: &[(&str, &str)] = &[\n");
    for lang in &langs {
        // The path from the crate being compiled (not from this script's run), so two
        // checkouts sharing a target folder each embed their own files.
        out.push_str(&format!(
            "    ({lang:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/locales/{lang}.toml\"))),\n"
        ));
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("locales.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
