//! Reads an org from disk: every `*.toml` directly in the org directory, in file-name
//! order, and every template in the policies directory. This and the output writer are
//! the only places below the CLI that touch the file system.

use crate::source::SourceFile;
use std::path::{Path, PathBuf};

/// What an org run reads: the org's TOML files and its policy templates.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub org_files: Vec<SourceFile>,
    /// Templates by file name (`developer.json.hbs`), with their text.
    pub templates: Vec<SourceFile>,
    /// Files that were not valid UTF-8: their name and the offset of the first bad
    /// byte. Their text was read lossily so the rest can still be checked.
    pub encoding_errors: Vec<(String, usize)>,
}

/// Why an org could not be read at all (exit code 2).
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Read the org directory and, if it exists, the policies directory.
pub fn read_inputs(org_dir: &Path, policies_dir: &Path) -> Result<Inputs, LoadError> {
    let mut encoding_errors = Vec::new();
    let org_files = read_dir_files(
        org_dir,
        |name| name.ends_with(".toml"),
        &mut encoding_errors,
    )?;
    if org_files.is_empty() {
        return Err(LoadError {
            path: org_dir.to_path_buf(),
            message: "no `*.toml` files in the org directory".to_string(),
        });
    }
    // A missing policies directory is not an I/O error: an org without inline
    // policies needs none, and a reference to a missing template is reported
    // as a diagnostic at the reference.
    let templates = if policies_dir.is_dir() {
        read_dir_files(
            policies_dir,
            |name| name.ends_with(".json.hbs") || name.ends_with(".json"),
            &mut encoding_errors,
        )?
    } else {
        Vec::new()
    };
    Ok(Inputs {
        org_files,
        templates,
        encoding_errors,
    })
}

fn read_dir_files(
    dir: &Path,
    keep: impl Fn(&str) -> bool,
    encoding_errors: &mut Vec<(String, usize)>,
) -> Result<Vec<SourceFile>, LoadError> {
    let err = |path: &Path, e: std::io::Error| LoadError {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| err(dir, e))? {
        let entry = entry.map_err(|e| err(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if keep(&name) && !name.starts_with('.') && entry.path().is_file() {
            paths.push((name, entry.path()));
        }
    }
    // File-name order is part of the contract: it decides which file comes first
    // in merged output and in "first defined here" labels.
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for (_, path) in paths {
        let bytes = std::fs::read(&path).map_err(|e| err(&path, e))?;
        // Bad bytes are a problem in the input, reported with a place like any other,
        // not a reason to stop reading the org.
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                encoding_errors.push((display_path(&path), e.utf8_error().valid_up_to()));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        files.push(SourceFile::new(display_path(&path), text));
    }
    Ok(files)
}

/// Paths as the user will recognise them: relative and with `/` separators.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}
