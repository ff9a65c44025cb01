//! Selector expansion: `{ accounts, ous, tags, all, exclude }` → the sorted list of
//! accounts it picks. OUs include every OU nested below them.

use super::{Ctx, Kind};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::AccountIdx;
use crate::parse::{Defined, Spec};
use crate::spanned::Spanned;
use crate::spec::Selector;
use std::collections::BTreeMap;

/// Precomputed membership, so each selector costs what it selects rather than a
/// scan of the whole org (thousands of assignment blocks each select accounts).
pub(crate) struct Expander {
    /// For each OU (by index): every account in it or in an OU below it.
    ou_members: Vec<Vec<AccountIdx>>,
    /// `(tag, value)` → accounts with that tag value.
    tag_index: BTreeMap<(String, String), Vec<AccountIdx>>,
    account_count: usize,
}

impl Expander {
    pub fn new(spec: &Spec, ctx: &Ctx<'_>) -> Self {
        let ou_names: Vec<&String> = spec.ous.keys().collect();
        let parent: Vec<Option<usize>> = spec
            .ous
            .values()
            .map(|o| {
                o.parent
                    .as_ref()
                    .and_then(|p| ctx.ous.get(p.as_str()).copied())
            })
            .collect();
        let mut ou_members = vec![Vec::new(); ou_names.len()];
        let mut tag_index: BTreeMap<(String, String), Vec<AccountIdx>> = BTreeMap::new();
        for (i, def) in spec.accounts.values().enumerate() {
            let mut cur = def
                .ou
                .as_ref()
                .and_then(|o| ctx.ous.get(o.as_str()).copied());
            // Bounded walk: a cycle (reported elsewhere) must not loop forever.
            let mut steps = 0;
            while let Some(ou) = cur {
                if steps > ou_names.len() {
                    break;
                }
                if let Some(m) = ou_members.get_mut(ou) {
                    m.push(i);
                }
                cur = parent.get(ou).copied().flatten();
                steps += 1;
            }
            for (k, v) in &def.tags {
                tag_index
                    .entry((k.clone(), v.value.clone()))
                    .or_default()
                    .push(i);
            }
        }
        Expander {
            ou_members,
            tag_index,
            account_count: spec.accounts.len(),
        }
    }

    /// Expand a selector, reporting names that do not exist.
    ///
    /// Rule `orgc::selector::empty` (warning): a selector that selects no account is
    /// almost always a mistake (a tag value misspelt, an OU emptied), and it silently
    /// grants or checks nothing.
    pub fn expand<T>(
        &self,
        ctx: &Ctx<'_>,
        def: &Defined<T>,
        sel: &Spanned<Selector>,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Vec<AccountIdx> {
        let mut picked: Vec<AccountIdx> = Vec::new();
        if sel.all.as_ref().is_some_and(|a| a.value) {
            picked.extend(0..self.account_count);
        }
        picked.extend(ctx.lookup_all(Kind::Account, def, &sel.accounts, diags));
        for ou in ctx.lookup_all(Kind::Ou, def, &sel.ous, diags) {
            if let Some(m) = self.ou_members.get(ou) {
                picked.extend(m);
            }
        }
        if !sel.tags.is_empty() {
            let mut sets = sel.tags.iter().map(|(k, v)| {
                self.tag_index
                    .get(&(k.clone(), v.value.clone()))
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
            });
            if let Some(first) = sets.next() {
                let mut acc: Vec<AccountIdx> = first.to_vec();
                for s in sets {
                    acc.retain(|a| s.binary_search(a).is_ok());
                }
                picked.extend(acc);
            }
        }
        picked.sort_unstable();
        picked.dedup();
        let exclude = ctx.lookup_all(Kind::Account, def, &sel.exclude, diags);
        picked.retain(|a| exclude.binary_search(a).is_err());
        if picked.is_empty() {
            let nothing_named = sel.accounts.is_empty()
                && sel.ous.is_empty()
                && sel.tags.is_empty()
                && sel.all.is_none();
            let help = if nothing_named {
                "name `accounts`, `ous`, `tags`, or set `all = true`".to_string()
            } else {
                self.tag_hint(sel).unwrap_or_else(|| {
                    "check the names and tag values, or remove the entry if it is no longer needed"
                        .to_string()
                })
            };
            diags.push(
                Diagnostic::warning(
                    "orgc::selector::empty",
                    format!("no account is selected by {what}"),
                )
                .at_loc(def.loc(sel))
                .label_primary("selects nothing")
                .with_help(help),
            );
        }
        picked
    }

    /// For a tag no account carries, the closest tag key or value that some
    /// account does carry: a misspelt tag value is the commonest empty selector.
    fn tag_hint(&self, sel: &Selector) -> Option<String> {
        for (k, v) in &sel.tags {
            if self.tag_index.contains_key(&(k.clone(), v.value.clone())) {
                continue;
            }
            let values: Vec<&str> = self
                .tag_index
                .keys()
                .filter(|(tk, _)| tk == k)
                .map(|(_, tv)| tv.as_str())
                .collect();
            let wanted = format!("no account has tag `{k} = \"{}\"`", v.value);
            if let Some(c) = crate::suggest::closest(&v.value, values.iter().copied()) {
                return Some(format!("{wanted}; did you mean `\"{c}\"`?"));
            }
            if !values.is_empty() {
                let shown: Vec<String> = values
                    .iter()
                    .take(5)
                    .map(|t| format!("`\"{t}\"`"))
                    .collect();
                let more = if values.len() > 5 { ", …" } else { "" };
                return Some(format!(
                    "{wanted}; the values of `{k}` in use are {}{more}",
                    shown.join(", ")
                ));
            }
            let keys: std::collections::BTreeSet<&str> =
                self.tag_index.keys().map(|(tk, _)| tk.as_str()).collect();
            return Some(match crate::suggest::closest(k, keys.iter().copied()) {
                Some(c) => format!("no account has a tag `{k}`; did you mean `{c}`?"),
                None => format!("no account has a tag `{k}`"),
            });
        }
        None
    }
}
