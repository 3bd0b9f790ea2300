#!/usr/bin/env python3
"""Compares every catalog of locales/ with locales/en.toml: the same keys, the same {parameters}
in each message. Prints the differences; exit 1 when there are any. (tests/i18n.rs checks the
same in `cargo test`; this script is for translators without a Rust toolchain.)"""
import re, sys, tomllib, pathlib

def flat(d, prefix=""):
    out = {}
    for k, v in d.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.update(flat(v, key))
        else:
            out[key] = v
    return out

root = pathlib.Path(__file__).resolve().parent.parent / "locales"
en = flat(tomllib.load(open(root / "en.toml", "rb")))
bad = 0
for path in sorted(root.glob("*.toml")):
    if path.name == "en.toml":
        continue
    cat = flat(tomllib.load(open(path, "rb")))
    for k in sorted(set(en) - set(cat)):
        print(f"{path.name}: missing {k}"); bad += 1
    for k in sorted(set(cat) - set(en)):
        print(f"{path.name}: not in en.toml: {k}"); bad += 1
    for k in sorted(k for k in set(en) & set(cat) if not k.startswith("fmt.")):
        a = set(re.findall(r"\{([a-z_]+)\}", en[k])); b = set(re.findall(r"\{([a-z_]+)\}", cat[k]))
        if a != b:
            print(f"{path.name}: {k}: parameters {sorted(b)} but en has {sorted(a)}"); bad += 1
print("catalogs agree" if not bad else f"{bad} differences")
sys.exit(1 if bad else 0)
