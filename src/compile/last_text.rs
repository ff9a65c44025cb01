//! The value computed for the last text each source gave (a template, or a role's
//! trust policy), for values that depend only on the text and the kind of policy:
//! the check result of a rendered template, the lint findings of a policy.
//!
//! A role's policies come one account after another. A template that names nothing
//! of the account gives the same text every time, and its value is computed twice
//! (the second time it is kept) and then reused; one that names the account gives a
//! new text every time, and only that text is kept, in the buffer the previous one
//! used — never one entry per text (60,000 role instances would keep 60,000 texts).
//! Each thread keeps its own.

use crate::policy::PolicyKind;
use foldhash::HashMap;

pub struct LastText<V> {
    by_source: HashMap<String, Last<V>>,
}

struct Last<V> {
    kind: PolicyKind,
    text: String,
    /// Kept only once the same text came twice in a row: keeping the value of every
    /// new text would copy it for nothing.
    value: Option<V>,
}

impl<V> Default for LastText<V> {
    fn default() -> Self {
        LastText {
            by_source: HashMap::default(),
        }
    }
}

impl<V: Clone> LastText<V> {
    /// `compute(text)`, or the value kept for `source` when it gave the same `text`,
    /// read as the same `kind`, the times before. `text` is handed to `compute`
    /// (owned, when the caller has it owned).
    pub fn get<T: AsRef<str>>(
        &mut self,
        source: &str,
        kind: PolicyKind,
        text: T,
        compute: impl FnOnce(T) -> V,
    ) -> V {
        let Some(last) = self.by_source.get_mut(source) else {
            self.by_source.insert(
                source.to_string(),
                Last {
                    kind,
                    text: text.as_ref().to_string(),
                    value: None,
                },
            );
            return compute(text);
        };
        if last.kind != kind || last.text != text.as_ref() {
            last.kind = kind;
            last.text.clear();
            last.text.push_str(text.as_ref());
            last.value = None;
            return compute(text);
        }
        last.value.get_or_insert_with(|| compute(text)).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_value_is_reused_only_for_the_same_source_text_and_kind() {
        let computed = Cell::new(0);
        let mut cache = LastText::default();
        let mut get = |source: &str, kind, text: &str| {
            cache.get(source, kind, text, |t: &str| {
                computed.set(computed.get() + 1);
                t.len()
            })
        };
        // A repeating text: computed twice, then kept.
        for _ in 0..5 {
            assert_eq!(get("a", PolicyKind::Identity, "same"), 4);
        }
        assert_eq!(computed.get(), 2);
        // Another kind, another text, another source: each computed.
        assert_eq!(get("a", PolicyKind::Trust, "same"), 4);
        assert_eq!(get("a", PolicyKind::Trust, "other"), 5);
        assert_eq!(get("b", PolicyKind::Trust, "other"), 5);
        assert_eq!(computed.get(), 5);
        // The kept value went with the text it was kept for.
        assert_eq!(get("a", PolicyKind::Identity, "same"), 4);
        assert_eq!(computed.get(), 6);
    }
}
