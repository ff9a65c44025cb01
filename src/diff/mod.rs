//! What a change to an org does: two compiled orgs in, a typed [`Diff`] out.
//!
//! The comparison is semantic first, on the output trees: access gained and lost
//! (from `audit/access.json`), network paths opened and closed (from
//! `audit/network.json`, when either side has one), principals newly trusted by a
//! role, guardrails that newly fail or pass, and every entity file added, removed or
//! changed, with changed policy documents compared statement by statement. Then the
//! unified diff of every changed output file. Everything here is pure; reading the
//! two sides is the CLI's job, and [`render`] turns a [`Diff`] into text, markdown
//! or JSON.

pub mod access;
pub mod entities;
pub mod files;
pub mod guardrails;
pub mod network;
pub mod render;
pub mod trust;
pub mod unified;

use crate::diagnostic::{Diagnostic, Severity};
use crate::emit::{self, Tree};
use crate::model::{GuardrailRule, Model};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

pub use access::{AccessChange, AccessChangeKind, PathChange};
pub use entities::{Detail, EntityChange, EntityKind, StatementChange};
pub use files::FileDiff;
pub use guardrails::{GuardrailChange, GuardrailChangeKind, GuardrailState};
pub use network::{NetworkChange, NetworkChangeKind, Reach};
pub use trust::{ConditionChange, Grant, TrustChange};

/// One side of a comparison: an org's output tree and the state of its guardrails.
/// An org that does not exist (the base revision before the org was added) is the
/// empty side.
#[derive(Debug, Clone, Default)]
pub struct Side {
    pub tree: Tree,
    pub guardrails: Vec<GuardrailState>,
    /// Whether the org's output has a network audit, even when the file was left
    /// out of `tree` as identical on both sides ([`Side::from_checked_against`]).
    pub network_audited: bool,
    /// Files not yet compared with the other side, compressed (LZ4): the old side
    /// is held this way while the new one is compiled ([`Side::packed_from_checked`]).
    packed: BTreeMap<String, Packed>,
}

/// A file held compressed: its pieces as they were made, each compressed on its own,
/// so that the largest file is never whole in memory, and the other side's file can
/// be compared with it piece by piece as it is made.
#[derive(Debug, Clone, Default)]
struct Packed {
    pieces: Vec<Vec<u8>>,
}

impl Packed {
    /// Make the file, compressing it a piece at a time.
    fn of(made: &emit::Made<'_, '_>) -> std::io::Result<Packed> {
        let mut pieces = Vec::new();
        made.write_to(&mut |piece| {
            pieces.push(lz4_flex::compress_prepend_size(piece));
            Ok(())
        })?;
        Ok(Packed { pieces })
    }

    /// Piece `i`, decompressed.
    fn piece(&self, i: usize) -> Option<Vec<u8>> {
        lz4_flex::decompress_size_prepended(self.pieces.get(i)?).ok()
    }

    /// The first `n` pieces, decompressed onto `bytes`; `None` if one does not
    /// decompress.
    fn unpack_onto(&self, n: usize, bytes: &mut Vec<u8>) -> Option<()> {
        for i in 0..n {
            bytes.extend_from_slice(&self.piece(i)?);
        }
        Some(())
    }

    /// The whole file.
    fn unpack(&self) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        self.unpack_onto(self.pieces.len(), &mut bytes)?;
        Some(bytes)
    }
}

/// Every file of `plan` but the manifest, packed, by path.
fn pack(plan: &emit::Plan<'_>) -> std::io::Result<BTreeMap<String, Packed>> {
    let packed = Mutex::new(BTreeMap::new());
    plan.make_without_manifest(emit::MAKERS, |path, made| {
        let file = Packed::of(made)?;
        emit::lock(&packed)?.insert(path.to_string(), file);
        Ok(())
    })?;
    packed
        .into_inner()
        .map_err(|_| std::io::Error::other("a worker thread panicked"))
}

/// A file of the new side that is not the old side's: its first `same` pieces are
/// the old file's, and `own` (compressed) are the rest.
struct Differing {
    same: usize,
    own: Packed,
}

/// Make a file, comparing it as it comes with the old side's `old`: `None` when it is
/// the same file.
fn compare_with(old: &Packed, made: &emit::Made<'_, '_>) -> std::io::Result<Option<Differing>> {
    let mut same = 0;
    let mut own = Packed::default();
    made.write_to(&mut |piece| {
        if own.pieces.is_empty() && old.piece(same).is_some_and(|o| o == piece) {
            same += 1;
        } else {
            own.pieces.push(lz4_flex::compress_prepend_size(piece));
        }
        Ok(())
    })?;
    Ok((!own.pieces.is_empty() || same != old.pieces.len()).then_some(Differing { same, own }))
}

/// The files of `plan` that are not `old`'s packed ones, made and compared piece by
/// piece with them as each is made, and held compressed until every file is compared
/// (the files that changed are then the only ones held whole); and the paths of the
/// files that are the same.
fn compare_plan(plan: &emit::Plan<'_>, old: &Side) -> std::io::Result<(Tree, Vec<String>)> {
    let same = Mutex::new(Vec::new());
    let changed = Mutex::new(Vec::new());
    plan.make_without_manifest(emit::MAKERS, |path, made| {
        let old = old.packed.get(path);
        let differing = match old {
            Some(packed) => compare_with(packed, made)?,
            None => Some(Differing {
                same: 0,
                own: Packed::of(made)?,
            }),
        };
        match differing {
            None => emit::lock(&same)?.push(path.to_string()),
            Some(d) => emit::lock(&changed)?.push((path.to_string(), old, d)),
        }
        Ok(())
    })?;
    let poisoned = || std::io::Error::other("a worker thread panicked");
    let unpack = |old: Option<&Packed>, d: &Differing| -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        if let Some(old) = old {
            old.unpack_onto(d.same, &mut bytes)?;
        }
        d.own.unpack_onto(d.own.pieces.len(), &mut bytes)?;
        Some(bytes)
    };
    let tree = changed
        .into_inner()
        .map_err(|_| poisoned())?
        .into_iter()
        .filter_map(|(path, old, d)| Some((path, unpack(old, &d)?)))
        .collect();
    Ok((tree, same.into_inner().map_err(|_| poisoned())?))
}

/// Once the new side is made: drop from `old` the files found the same, unpack the
/// rest, and drop from both any file that is the same on both sides all the same
/// (made in other pieces than the old one, or held whole by an old side that was
/// never packed).
fn settle(old: &mut Side, new: &mut Tree, same: Vec<String>) {
    for path in same {
        old.packed.remove(&path);
        old.tree.remove(&path);
    }
    old.unpack();
    new.retain(|path, bytes| {
        let equal = old.tree.get(path) == Some(bytes);
        if equal {
            old.tree.remove(path);
        }
        !equal
    });
}

impl Side {
    /// The side an org checked by [`crate::check`] gives, or `None` when it did not
    /// compile. A failed guardrail is a finding about a compiled org, not a failure
    /// to compile: its tree is kept so the diff can show the change that broke it.
    pub fn from_checked(checked: &mut crate::Checked) -> Option<Side> {
        Side::from_checked_against(checked, None)
    }

    /// [`Side::from_checked`] with every file compressed until the other side is
    /// compared with it ([`Side::from_checked_against`]): pretty JSON compresses
    /// about tenfold, and the largest orgs' trees are hundreds of megabytes, held
    /// while the other org is compiled.
    pub fn packed_from_checked(checked: &mut crate::Checked) -> Option<Side> {
        let mut packed = BTreeMap::new();
        let mut side = Side::from_checked_with(checked, |plan| {
            packed = pack(plan)?;
            Ok(Tree::new())
        })?;
        side.packed = packed;
        Some(side)
    }

    /// Decompress every file not compared yet into `tree`.
    pub fn unpack(&mut self) {
        for (path, packed) in std::mem::take(&mut self.packed) {
            if let Some(bytes) = packed.unpack() {
                self.tree.insert(path, bytes);
            }
        }
    }

    /// [`Side::from_checked`], leaving out of both this side and `old` every file
    /// that is the same on both: nothing compares differently without them, and for
    /// an org of thousands of accounts they are hundreds of megabytes that would
    /// otherwise be held twice.
    pub fn from_checked_against(
        checked: &mut crate::Checked,
        old: Option<&mut Side>,
    ) -> Option<Side> {
        match old {
            None => Side::from_checked_with(checked, |plan| plan.to_tree()),
            Some(old) => {
                let mut same = Vec::new();
                let mut side = Side::from_checked_with(checked, |plan| {
                    let (tree, found_same) = compare_plan(plan, old)?;
                    same = found_same;
                    Ok(tree)
                });
                let mut none = Tree::new();
                let tree = side.as_mut().map_or(&mut none, |s| &mut s.tree);
                settle(old, tree, same);
                side
            }
        }
    }

    /// The side of a checked org, its tree made by `make`.
    fn from_checked_with(
        checked: &mut crate::Checked,
        make: impl FnOnce(&emit::Plan<'_>) -> std::io::Result<Tree>,
    ) -> Option<Side> {
        if checked.model.is_none()
            || checked
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error && !is_guardrail_failure(d))
        {
            return None;
        }
        let reports = checked.reports()?;
        let checked = &*checked;
        let model = checked.model.as_ref()?;
        let failures: Vec<&Diagnostic> = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && is_guardrail_failure(d))
            .collect();
        let plan = checked.plan(&reports)?;
        let tree = make(&plan).ok()?;
        // The audit is written whenever the org has spokes.
        let network_audited = !model.spokes.is_empty();
        Some(Side {
            tree,
            guardrails: guardrail_states(model, &failures),
            network_audited,
            packed: BTreeMap::new(),
        })
    }
}

/// Whether a diagnostic is a guardrail's verdict on the compiled org (every
/// `orgc::guardrail::*` error that leaves a compiled org behind: the rules that
/// check a guardrail's own definition stop the pipeline before compilation).
pub fn is_guardrail_failure(d: &Diagnostic) -> bool {
    d.code.starts_with("orgc::guardrail::")
}

/// Every guardrail of the model, with what it protects and its first failure.
fn guardrail_states(model: &Model, failures: &[&Diagnostic]) -> Vec<GuardrailState> {
    let names = |accounts: &[usize]| -> Vec<String> {
        accounts
            .iter()
            .filter_map(|a| model.accounts.get(*a).map(|x| x.name.clone()))
            .collect()
    };
    let spokes = |spokes: &[usize]| -> Vec<String> {
        spokes
            .iter()
            .filter_map(|s| model.spokes.get(*s).map(|x| x.name.clone()))
            .collect()
    };
    let mut out: Vec<GuardrailState> = model
        .guardrails
        .iter()
        .map(|g| {
            let (rule, protects, except) = match &g.rule {
                GuardrailRule::DenyNetwork { from, to, via } => (
                    format!(
                        "deny_network from [{}] to [{}] via [{}]",
                        names(from).join(", "),
                        names(to).join(", "),
                        spokes(via).join(", ")
                    ),
                    Vec::new(),
                    Vec::new(),
                ),
                GuardrailRule::RequireNetwork { from, to, via } => {
                    let mut protects = names(from);
                    protects.extend(names(to));
                    protects.sort();
                    protects.dedup();
                    (
                        format!(
                            "require_network from [{}] to [{}] via [{}]",
                            names(from).join(", "),
                            names(to).join(", "),
                            spokes(via).join(", ")
                        ),
                        protects,
                        Vec::new(),
                    )
                }
                GuardrailRule::DenyAccess { to, level, except } => {
                    let mut except: Vec<String> = except
                        .iter()
                        .map(|p| crate::access::principal_name(model, p))
                        .collect();
                    except.sort();
                    let rule = format!(
                        "deny_access to [{}] level {} except [{}]",
                        names(to).join(", "),
                        level.as_str(),
                        except.join(", ")
                    );
                    (rule, names(to), except)
                }
                GuardrailRule::InternetIngress { only } => (
                    format!("internet_ingress only [{}]", names(only).join(", ")),
                    Vec::new(),
                    Vec::new(),
                ),
            };
            let failure = failures
                .iter()
                .find(|d| d.primary.as_ref() == Some(&g.loc))
                .or_else(|| {
                    let needle = format!("guardrail `{}`", g.name);
                    failures.iter().find(|d| d.message.contains(&needle))
                })
                .map(|d| {
                    // "guardrail `x` fails: why" → "why": the name is shown anyway.
                    let prefix = format!("guardrail `{}` fails: ", g.name);
                    d.message
                        .strip_prefix(&prefix)
                        .unwrap_or(&d.message)
                        .to_string()
                });
            GuardrailState {
                name: g.name.clone(),
                rule,
                protects,
                failure,
                except,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// How to compare.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Lines of context around each change in the unified diffs.
    pub context: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { context: 3 }
    }
}

/// What changes between two sides: the semantic summary, most dangerous first, then
/// the unified diff of every changed output file.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub summary: Summary,
    pub files: Vec<FileDiff>,
}

/// The semantic summary. Each list is sorted most dangerous first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Guardrails that newly fail or pass, were added, removed or redefined.
    pub guardrails: Vec<GuardrailChange>,
    /// Changes of a principal's highest level on an account.
    pub access: Vec<AccessChange>,
    /// Whether either side has a network audit (`audit/network.json`).
    pub network_audited: bool,
    /// Pairs of spokes whose reachability changed.
    pub network: Vec<NetworkChange>,
    /// Roles whose trust policy admits new principals or no longer admits old ones.
    pub trust: Vec<TrustChange>,
    /// Permission sets, roles, route tables and other entity files added, removed,
    /// renamed or changed.
    pub entities: Vec<EntityChange>,
    /// The same access reached by a different path (a rename shows up here).
    pub access_paths: Vec<PathChange>,
}

impl Diff {
    /// Whether anything changed: an output file (the manifest aside) or a guardrail.
    pub fn changed(&self) -> bool {
        !self.files.is_empty() || !self.summary.guardrails.is_empty()
    }
}

impl Summary {
    /// Whether any item deserves a reviewer's attention before anything else: a
    /// guardrail newly failing or removed, an admin grant, a grant on a guarded
    /// account, a network path opened or widened, a role trusting someone new.
    pub fn risky(&self) -> bool {
        self.guardrails.iter().any(|g| g.risky)
            || self.access.iter().any(|a| a.risky)
            || self.network.iter().any(|n| n.risky)
            || self.trust.iter().any(|t| t.risky)
    }

    /// The one-line headline: "+2 admin grants, 1 network path opened, …".
    pub fn headline(&self, files: usize) -> String {
        let mut parts = Vec::new();
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let failing = self
            .guardrails
            .iter()
            .filter(|g| g.change == GuardrailChangeKind::NewlyFails)
            .count();
        if failing > 0 {
            parts.push(count(
                failing,
                "guardrail newly failing",
                "guardrails newly failing",
            ));
        }
        let admin = self.access.iter().filter(|a| a.gain() && a.admin).count();
        let other_gains = self.access.iter().filter(|a| a.gain() && !a.admin).count();
        let losses = self.access.iter().filter(|a| !a.gain()).count();
        if admin > 0 {
            parts.push(format!("+{}", count(admin, "admin grant", "admin grants")));
        }
        if other_gains > 0 {
            parts.push(format!(
                "+{}",
                count(other_gains, "access grant", "access grants")
            ));
        }
        if losses > 0 {
            parts.push(format!(
                "−{}",
                count(losses, "access grant", "access grants")
            ));
        }
        if self.access.is_empty() {
            parts.push("no change in access".to_string());
        }
        for (kind, one, many) in [
            (
                NetworkChangeKind::Opened,
                "network path opened",
                "network paths opened",
            ),
            (
                NetworkChangeKind::Widened,
                "network path widened",
                "network paths widened",
            ),
            (
                NetworkChangeKind::Closed,
                "network path closed",
                "network paths closed",
            ),
            (
                NetworkChangeKind::Narrowed,
                "network path narrowed",
                "network paths narrowed",
            ),
            (
                NetworkChangeKind::Changed,
                "network path changed",
                "network paths changed",
            ),
        ] {
            let n = self.network.iter().filter(|c| c.change == kind).count();
            if n > 0 {
                parts.push(count(n, one, many));
            }
        }
        let trusted: usize = self.trust.iter().map(|t| t.added.len()).sum();
        let untrusted: usize = self.trust.iter().map(|t| t.removed.len()).sum();
        if trusted > 0 {
            parts.push(format!(
                "+{}",
                count(trusted, "trusted principal", "trusted principals")
            ));
        }
        let relaxed: usize = self
            .trust
            .iter()
            .map(|t| t.conditions.iter().filter(|c| c.relaxed()).count())
            .sum();
        let tightened: usize = self
            .trust
            .iter()
            .map(|t| t.conditions.iter().filter(|c| !c.relaxed()).count())
            .sum();
        if relaxed > 0 {
            parts.push(count(relaxed, "trust relaxed", "trusts relaxed"));
        }
        if tightened > 0 {
            parts.push(count(tightened, "trust tightened", "trusts tightened"));
        }
        if untrusted > 0 {
            parts.push(format!(
                "−{}",
                count(untrusted, "trusted principal", "trusted principals")
            ));
        }
        let passing = self
            .guardrails
            .iter()
            .filter(|g| g.change == GuardrailChangeKind::NewlyPasses)
            .count();
        if passing > 0 {
            parts.push(count(
                passing,
                "guardrail newly passing",
                "guardrails newly passing",
            ));
        }
        let other_guardrails = self.guardrails.len() - failing - passing;
        if other_guardrails > 0 {
            parts.push(count(
                other_guardrails,
                "guardrail redefined",
                "guardrails redefined",
            ));
        }
        if files > 0 {
            parts.push(count(files, "file changed", "files changed"));
        } else {
            parts.push("no output file changed".to_string());
        }
        parts.join(", ")
    }
}

/// Compare two sides.
pub fn compare(old: &Side, new: &Side, options: Options) -> Diff {
    // Two independent halves, one per core: the entity files and the unified diffs
    // of every file but the access audit (renames, which only entity files have,
    // are found from the entities), beside the audits, the trust policies and the
    // access audit's unified diff (about a third of the work of every diff, so
    // that neither core waits long for the other).
    let access_audit = |path: &str| path == access::ACCESS_AUDIT;
    let ((entities, mut files), ((access, access_paths), (audited, network), trust, audit_diff)) =
        crate::parallel::beside(
            || {
                let entities = entities::compare(&old.tree, &new.tree);
                let files =
                    files::compare(&old.tree, &new.tree, &entities, options.context, &|p| {
                        !access_audit(p)
                    });
                (entities, files)
            },
            || {
                (
                    access::compare(&old.tree, &new.tree, &old.guardrails, &new.guardrails),
                    network::compare(&old.tree, &new.tree),
                    trust::compare(&old.tree, &new.tree),
                    files::compare(&old.tree, &new.tree, &[], options.context, &access_audit),
                )
            },
        );
    files.extend(audit_diff);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let network_audited = audited || old.network_audited || new.network_audited;
    Diff {
        summary: Summary {
            guardrails: guardrails::compare(&old.guardrails, &new.guardrails),
            access,
            network_audited,
            network,
            trust,
            entities,
            access_paths,
        },
        files,
    }
}

/// A JSON value on one line, for summaries.
pub(crate) fn compact(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed_side(plan: &emit::Plan<'_>) -> Side {
        Side {
            packed: pack(plan).unwrap(),
            ..Side::default()
        }
    }

    /// Files compared piece by piece with the old side's: only the files that differ
    /// are kept, on both sides, whole and exact, however their pieces fall.
    #[test]
    fn only_files_that_differ_are_kept_whole_and_exact() {
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 211) as u8).collect();
        let mut changed = big.clone();
        changed[70_000] ^= 1;
        let mut longer = big.clone();
        longer.push(1);
        let shorter = &big[..50_000];
        for (new_big, piece, differs) in [
            (&big[..], 16_384, false),
            (&big[..], 10_000, false),
            (&changed[..], 16_384, true),
            (&longer[..], 16_384, true),
            (shorter, 16_384, true),
            // Cut short at a piece boundary: every piece it has matches.
            (&big[..32_768], 16_384, true),
        ] {
            let mut old = packed_side(&emit::Plan::in_pieces(
                &[("big", &big), ("same", b"s"), ("gone", b"g")],
                16_384,
            ));
            let plan =
                emit::Plan::in_pieces(&[("big", new_big), ("same", b"s"), ("new", b"n")], piece);
            let (mut tree, same) = compare_plan(&plan, &old).unwrap();
            settle(&mut old, &mut tree, same);
            let paths = |t: &Tree| t.keys().cloned().collect::<Vec<_>>();
            let label = format!("{} bytes in pieces of {piece}", new_big.len());
            if differs {
                assert_eq!(paths(&tree), ["big", "new"], "{label}");
                assert_eq!(tree["big"], new_big, "{label}");
                assert_eq!(paths(&old.tree), ["big", "gone"], "{label}");
                assert_eq!(old.tree["big"], big, "{label}");
            } else {
                assert_eq!(paths(&tree), ["new"], "{label}");
                assert_eq!(paths(&old.tree), ["gone"], "{label}");
            }
        }
    }
}
