//! Reading `calendars.toml` and `goals.toml` of the data folder: the files' text and SHA-256
//! (for the manifest). What the text means is the model's (`model::config`), which does no I/O.

use std::collections::BTreeMap;
use std::path::Path;

use super::IngestError;
use crate::model::config::{parse_calendars, parse_goals, Calendar, ConfigError, Goals};

impl From<ConfigError> for IngestError {
    fn from(e: ConfigError) -> IngestError {
        IngestError::Config {
            file: e.file,
            message: e.message,
            hint: e.hint,
        }
    }
}

/// `calendars.toml` and `goals.toml` of a data folder (either may be missing: 24x7 only, the
/// spec's default goals), with the SHA-256 of each file that was there, for the manifest.
pub fn read_configs(
    dir: &Path,
) -> Result<
    (
        BTreeMap<String, Calendar>,
        Goals,
        Vec<(&'static str, String)>,
    ),
    IngestError,
> {
    let mut files = Vec::new();
    let calendars = match read_optional(dir, "calendars.toml")? {
        Some((text, sha)) => {
            files.push(("calendars.toml", sha));
            parse_calendars(&text, "calendars.toml")?
        }
        None => parse_calendars("", "calendars.toml")?,
    };
    let goals = match read_optional(dir, "goals.toml")? {
        Some((text, sha)) => {
            files.push(("goals.toml", sha));
            parse_goals(&text, "goals.toml", &calendars)?
        }
        None => Goals::default(),
    };
    Ok((calendars, goals, files))
}

/// Reads an optional config file of the data folder: its text (without a byte order mark) and
/// its SHA-256, or `None` when it is not there.
pub fn read_optional(dir: &Path, name: &str) -> Result<Option<(String, String)>, IngestError> {
    let path = dir.join(name);
    if !path.exists() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| IngestError::Io {
        path: path.clone(),
        source: e,
    })?;
    let sha = super::source::sha256_bytes(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| IngestError::Config {
        file: name.to_string(),
        message: "is not valid UTF-8".into(),
        hint: "save the file as UTF-8",
    })?;
    Ok(Some((text.trim_start_matches('\u{feff}').to_string(), sha)))
}
