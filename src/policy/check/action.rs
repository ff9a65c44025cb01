//! `Action` and `NotAction`: every name must exist in the action catalogue, every wildcard
//! must match something, and a trust policy may only allow assuming the role.

use super::{Checker, PolicyKind};
use crate::policy::actions::{Lookup, catalogue};
use crate::policy::document::OneOrMany;
use crate::policy::json::Member;
use crate::policy::problem::{Problem, codes};
use foldhash::HashSet;
use std::cell::RefCell;
use std::ops::Range;

/// What a role trust policy may allow, in the catalogue's spelling.
pub const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

impl Checker {
    pub(super) fn actions(&mut self, member: &Member) -> Option<OneOrMany<String>> {
        if self.kind == PolicyKind::Trust && member.key == "NotAction" {
            self.push(
                Problem::error(
                    codes::FORBIDDEN_ELEMENT,
                    "`NotAction` is not allowed in a trust policy",
                )
                .with_span(member.span())
                .with_help(format!(
                    "list the actions in `Action`; a trust policy may allow only {}",
                    trust_action_list()
                )),
            );
            return None;
        }
        let list = self.string_list(&member.key, &member.value)?;
        for (action, span) in &list.items {
            self.action(action, span.clone());
        }
        Some(list.to_one_or_many())
    }

    fn action(&mut self, action: &str, span: Range<usize>) {
        if self.kind == PolicyKind::Identity && known_valid(action) {
            return;
        }
        // Identity policies only need to know that a pattern matches something; trust
        // policies need every match, to see that all of them are allowed there.
        let lookup = match self.kind {
            PolicyKind::Identity => catalogue().lookup_first(action),
            PolicyKind::Trust => catalogue().lookup(action),
        };
        if self.kind == PolicyKind::Identity
            && matches!(lookup, Lookup::Everything | Lookup::Matches(_))
        {
            remember_valid(action);
        }
        let problem = match lookup {
            Lookup::Everything => {
                if self.kind == PolicyKind::Trust {
                    Some(trust_action_problem(action))
                } else {
                    None
                }
            }
            Lookup::Matches(found) => {
                if self.kind == PolicyKind::Trust {
                    found
                        .iter()
                        .map(|m| m.full_name())
                        .find(|name| !TRUST_ACTIONS.contains(&name.as_str()))
                        .map(|name| {
                            let mut p = trust_action_problem(action);
                            if !name.eq_ignore_ascii_case(action) {
                                p.message = format!(
                                    "action `{action}` is not allowed in a trust policy: it covers `{name}`"
                                );
                            }
                            p
                        })
                } else {
                    None
                }
            }
            Lookup::Malformed(why) => Some(
                Problem::error(
                    codes::INVALID_ACTION,
                    format!("action `{action}` is not of the form `service:Action`"),
                )
                .with_help(why),
            ),
            Lookup::UnknownService { suggestion } => {
                let service = action.split_once(':').map_or(action, |(s, _)| s);
                Some(
                    Problem::error(
                        codes::UNKNOWN_SERVICE,
                        format!("unknown service `{service}` in action `{action}`"),
                    )
                    .with_optional_help(suggestion.map(|s| format!("did you mean `{s}`?"))),
                )
            }
            Lookup::UnknownAction { suggestion } => Some(
                Problem::error(codes::UNKNOWN_ACTION, format!("unknown action `{action}`"))
                    .with_optional_help(suggestion.map(|s| format!("did you mean `{s}`?"))),
            ),
            Lookup::NoMatch { suggestion } => Some(
                Problem::error(
                    codes::UNMATCHED_WILDCARD,
                    format!("`{action}` matches no known action"),
                )
                .with_optional_help(suggestion.map(|s| format!("did you mean `{s}`?"))),
            ),
        };
        if let Some(problem) = problem {
            self.push(problem.with_span(span));
        }
    }
}

thread_local! {
    /// Action strings this thread has found valid in an identity policy, exactly as
    /// written. A large org's policies repeat the same few hundred actions in every
    /// account, and a hash lookup costs a tenth of searching the catalogue; the
    /// answer depends on the string alone, so remembering it changes nothing.
    static VALID: RefCell<HashSet<Box<str>>> = RefCell::new(HashSet::default());
}

/// Entries [`VALID`] holds before it starts over: policies with ever new actions
/// (thousands of distinct names) would otherwise grow it without bound.
const VALID_CAP: usize = 1 << 14;

fn known_valid(action: &str) -> bool {
    VALID.with(|v| v.borrow().contains(action))
}

fn remember_valid(action: &str) {
    VALID.with(|v| {
        let mut v = v.borrow_mut();
        if v.len() >= VALID_CAP {
            v.clear();
        }
        v.insert(action.into());
    });
}

fn trust_action_list() -> String {
    TRUST_ACTIONS
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn trust_action_problem(action: &str) -> Problem {
    Problem::error(
        codes::TRUST_ACTION,
        format!("action `{action}` is not allowed in a trust policy"),
    )
    .with_help(format!(
        "a trust policy may allow only {}",
        trust_action_list()
    ))
}
