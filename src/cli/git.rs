//! Reads an org as it is at a git revision, into memory, by running git: the
//! repository is the one that holds the org directory, the files are those directly
//! in the org and policies directories at that revision, and nothing in the working
//! tree or the index is read or changed (`rev-parse`, `ls-tree` and `cat-file` only).

use crate::load::Inputs;
use crate::source::SourceFile;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// The org at a revision: its inputs (`None` when the org directory has no
/// `*.toml` file there, e.g. before the org was added) and a label for it.
pub struct AtRevision {
    pub inputs: Option<Inputs>,
    /// `REV:path/of/org`.
    pub label: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("--literal-pathspecs")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("git {}: {}", args.join(" "), err.trim()));
    }
    Ok(out.stdout)
}

/// `dir` relative to the repository's top, with `/` separators ("" for the top).
fn relative(top: &Path, dir: &Path) -> Option<String> {
    let rel = dir.strip_prefix(top).ok()?;
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some(parts.join("/"))
}

/// The canonical path of `p`, or of its parent joined with its name when `p` itself
/// does not exist (a policies directory may exist only at the revision).
fn locate(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = std::fs::canonicalize(p) {
        return Some(c);
    }
    let parent = match p.parent() {
        Some(x) if !x.as_os_str().is_empty() => x,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
}

/// A blob directly in a directory at the commit: (file name, object id).
fn list(top: &Path, commit: &str, dir: &str) -> Result<Vec<(String, String)>, String> {
    let pathspec = format!("{dir}/");
    let mut args = vec!["ls-tree", "-z", commit];
    if !dir.is_empty() {
        args.extend(["--", pathspec.as_str()]);
    }
    let out = git(top, &args)?;
    let mut entries = Vec::new();
    for entry in out.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let meta: Vec<&str> = meta.split(' ').collect();
        // Regular files only: not trees, submodules or symbolic links.
        if let [mode, "blob", id] = meta.as_slice()
            && *mode != "120000"
        {
            let name = path.rsplit('/').next().unwrap_or(path).to_string();
            entries.push((name, (*id).to_string()));
        }
    }
    entries.sort();
    Ok(entries)
}

/// The contents of blobs, in the order asked, through one `git cat-file --batch`.
fn read_blobs(top: &Path, ids: &[String]) -> Result<Vec<Vec<u8>>, String> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run git: {e}"))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| "could not write to git cat-file".to_string())?;
    let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
    // Written from another thread: git answers while it reads, and would block on
    // a full pipe if nobody read its answers.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("git cat-file: {e}"))?;
    match writer.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(format!("git cat-file: {e}")),
        Err(_) => return Err("git cat-file: the writer failed".to_string()),
    }
    if !out.status.success() {
        return Err(format!(
            "git cat-file: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut rest = out.stdout.as_slice();
    let mut blobs = Vec::with_capacity(ids.len());
    for id in ids {
        let bad = || format!("git cat-file: unexpected output for {id}");
        let nl = rest.iter().position(|b| *b == b'\n').ok_or_else(bad)?;
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        let size: usize = match header.split(' ').collect::<Vec<_>>().as_slice() {
            [_, "blob", size] => size.parse().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        let body = rest.get(nl + 1..nl + 1 + size).ok_or_else(bad)?;
        blobs.push(body.to_vec());
        rest = rest.get(nl + 2 + size..).unwrap_or_default();
    }
    Ok(blobs)
}

/// Read `org_dir` and `policies_dir` as they are at `rev`, in the repository that
/// holds `org_dir` (which must exist in the working tree, to find the repository).
pub fn read_inputs_at(
    rev: &str,
    org_dir: &Path,
    policies_dir: &Path,
) -> Result<AtRevision, String> {
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision"));
    }
    let org = std::fs::canonicalize(org_dir).map_err(|e| format!("{}: {e}", org_dir.display()))?;
    let top = git(&org, &["rev-parse", "--show-toplevel"])
        .map_err(|e| format!("{} is not in a git repository ({e})", org_dir.display()))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let top = std::fs::canonicalize(&top).map_err(|e| format!("{}: {e}", top.display()))?;
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown revision `{rev}`"))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let org_rel = relative(&top, &org)
        .ok_or_else(|| format!("{} is not inside {}", org_dir.display(), top.display()))?;
    let policies_rel = locate(policies_dir)
        .map(|p| {
            relative(&top, &p).ok_or_else(|| {
                format!(
                    "the policies directory {} is not inside the repository {}",
                    policies_dir.display(),
                    top.display()
                )
            })
        })
        .transpose()?;
    let label = if org_rel.is_empty() {
        rev.to_string()
    } else {
        format!("{rev}:{org_rel}")
    };

    let org_entries: Vec<(String, String)> = list(&top, &commit, &org_rel)?
        .into_iter()
        .filter(|(n, _)| n.ends_with(".toml") && !n.starts_with('.'))
        .collect();
    if org_entries.is_empty() {
        return Ok(AtRevision {
            inputs: None,
            label,
        });
    }
    let template_entries: Vec<(String, String)> = match &policies_rel {
        Some(rel) => list(&top, &commit, rel)?
            .into_iter()
            .filter(|(n, _)| {
                (n.ends_with(".json.hbs") || n.ends_with(".json")) && !n.starts_with('.')
            })
            .collect(),
        None => Vec::new(),
    };
    let ids: Vec<String> = org_entries
        .iter()
        .chain(&template_entries)
        .map(|(_, id)| id.clone())
        .collect();
    let mut blobs = read_blobs(&top, &ids)?.into_iter();
    let mut inputs = Inputs::default();
    let name = |dir: &str, file: &str| {
        // Always with a `/`, so the file name is what follows the last one even
        // when the revision has slashes (`origin/main:./org.toml`).
        let dir = if dir.is_empty() { "." } else { dir };
        format!("{rev}:{dir}/{file}")
    };
    for (dir, entries, templates) in [
        (org_rel.as_str(), &org_entries, false),
        (
            policies_rel.as_deref().unwrap_or(""),
            &template_entries,
            true,
        ),
    ] {
        for (file, _) in entries {
            let bytes = blobs.next().unwrap_or_default();
            let name = name(dir, file);
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    inputs
                        .encoding_errors
                        .push((name.clone(), e.utf8_error().valid_up_to()));
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            };
            let file = SourceFile::new(name, text);
            if templates {
                inputs.templates.push(file);
            } else {
                inputs.org_files.push(file);
            }
        }
    }
    Ok(AtRevision {
        inputs: Some(inputs),
        label,
    })
}
