//! The IAM action catalogue: every action of every service with its access level, read
//! once from the embedded `iam-actions.tsv`, and lookups of action patterns against it.

use super::suggest;
use super::wildcard::{self, Case};
use std::cmp::Ordering;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../data/iam-actions.tsv");

/// An action's access level as the service authorization reference classes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    Read,
    List,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    /// Read and list actions change nothing.
    pub fn is_read_only(self) -> bool {
        matches!(self, AccessLevel::Read | AccessLevel::List)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The catalogue's spelling, e.g. `GetObject`.
    pub name: &'static str,
    pub level: AccessLevel,
    /// The level was guessed from the action's verb because the service authorization
    /// reference does not list the action (it is known only by its lower-case name).
    pub inferred: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    prefix: &'static str,
    /// Sorted by name, ignoring case.
    actions: Vec<Action>,
    /// Catalogue-wide index of this service's first action.
    first_id: usize,
}

impl Service {
    /// The service prefix, e.g. `s3`.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The action with this name, ignoring case.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|a| cmp_ignore_case(a.name, name))
            .ok()
            .and_then(|i| self.actions.get(i))
    }

    /// The actions a wildcard pattern (without the `service:` part) matches, ignoring
    /// case, with their catalogue-wide ids.
    pub fn matching<'s>(&'s self, pattern: &str) -> impl Iterator<Item = (usize, &'s Action)> {
        // Every match starts with the pattern's literal prefix, so only that slice of the
        // sorted list needs the wildcard matcher.
        let prefix = wildcard::literal_prefix(pattern);
        let start = self
            .actions
            .partition_point(|a| cmp_ignore_case(a.name, prefix) == Ordering::Less);
        self.actions
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .take_while(move |(_, a)| starts_with_ignore_case(a.name, prefix))
            .filter(move |(_, a)| wildcard::matches(pattern, a.name, Case::Insensitive))
            .map(move |(i, a)| (self.first_id + start + i, a))
    }

    /// The action name closest to `name`, for "did you mean".
    pub fn closest_action(&self, name: &str) -> Option<&'static str> {
        suggest::closest(name, self.actions.iter().map(|a| a.name))
    }
}

/// One catalogue action an action pattern matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched<'a> {
    /// Catalogue-wide index, dense from 0 to [`Catalogue::action_count`].
    pub id: usize,
    pub service: &'a Service,
    pub action: &'a Action,
}

impl Matched<'_> {
    /// `service:Action` in the catalogue's spelling.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service.prefix, self.action.name)
    }
}

/// What an action string from a policy refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// `*` on its own: every action, including ones the catalogue does not know yet.
    Everything,
    /// The catalogue actions the string names or matches; never empty.
    Matches(Vec<Matched<'a>>),
    /// Not of the form `service:action`; the text says what is wrong.
    Malformed(&'static str),
    /// No service has this prefix. `suggestion` is a full `service:action` string.
    UnknownService { suggestion: Option<String> },
    /// The service exists but has no action of this name.
    UnknownAction { suggestion: Option<String> },
    /// A wildcard pattern that matches no action of the service.
    NoMatch { suggestion: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    /// Sorted by prefix.
    services: Vec<Service>,
    action_count: usize,
}

/// The catalogue, parsed on first use.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::parse(DATA))
}

impl Catalogue {
    /// Reads the TSV format described in the data file's header. Lines or pairs that do not
    /// fit the format are skipped: the embedded file is fixed and tested, and a partial
    /// catalogue only makes checks stricter.
    fn parse(data: &'static str) -> Catalogue {
        let mut services: Vec<Service> = data
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let (prefix, list) = line.split_once('\t')?;
                let mut actions: Vec<Action> = list.split(',').filter_map(parse_action).collect();
                actions.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
                actions.dedup_by(|a, b| a.name.eq_ignore_ascii_case(b.name));
                Some(Service {
                    prefix,
                    actions,
                    first_id: 0,
                })
            })
            .collect();
        services.sort_by(|a, b| cmp_ignore_case(a.prefix, b.prefix));
        services.dedup_by(|a, b| a.prefix.eq_ignore_ascii_case(b.prefix));
        let mut next = 0;
        for service in &mut services {
            service.first_id = next;
            next += service.actions.len();
        }
        Catalogue {
            services,
            action_count: next,
        }
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service with this prefix, ignoring case.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.services
            .binary_search_by(|s| cmp_ignore_case(s.prefix, prefix))
            .ok()
            .and_then(|i| self.services.get(i))
    }

    /// How many actions there are; ids run from 0 to this.
    pub fn action_count(&self) -> usize {
        self.action_count
    }

    /// The action with a catalogue-wide id.
    pub fn get(&self, id: usize) -> Option<Matched<'_>> {
        let after = self.services.partition_point(|s| s.first_id <= id);
        let service = self.services.get(after.checked_sub(1)?)?;
        let action = service.actions.get(id - service.first_id)?;
        Some(Matched {
            id,
            service,
            action,
        })
    }

    /// Every action, in id order.
    pub fn all(&self) -> impl Iterator<Item = Matched<'_>> {
        self.services.iter().flat_map(|service| {
            service
                .actions
                .iter()
                .enumerate()
                .map(move |(i, action)| Matched {
                    id: service.first_id + i,
                    service,
                    action,
                })
        })
    }

    /// Resolves an action string as written in a policy (`s3:GetObject`, `s3:Get*`, `*`),
    /// ignoring case as IAM does.
    pub fn lookup(&self, pattern: &str) -> Lookup<'_> {
        self.lookup_up_to(pattern, usize::MAX)
    }

    /// Like [`Catalogue::lookup`], but stops at the first match: enough to know that an
    /// action string is valid, and much cheaper for broad wildcards.
    pub fn lookup_first(&self, pattern: &str) -> Lookup<'_> {
        self.lookup_up_to(pattern, 1)
    }

    fn lookup_up_to(&self, pattern: &str, limit: usize) -> Lookup<'_> {
        if pattern == "*" {
            return Lookup::Everything;
        }
        let Some((service_part, action_part)) = pattern.split_once(':') else {
            return Lookup::Malformed("an action is written `service:Action`");
        };
        if service_part.is_empty() {
            return Lookup::Malformed("the service prefix before `:` is empty");
        }
        if action_part.is_empty() {
            return Lookup::Malformed("the action name after `:` is empty");
        }
        if wildcard::has_wildcard(service_part) {
            return self.lookup_across_services(service_part, action_part, limit);
        }
        let Some(service) = self.service(service_part) else {
            return Lookup::UnknownService {
                suggestion: self.suggest_service(service_part, action_part),
            };
        };
        if !wildcard::has_wildcard(action_part) {
            let index = service
                .actions
                .binary_search_by(|a| cmp_ignore_case(a.name, action_part))
                .ok();
            return match index.and_then(|i| Some((i, service.actions.get(i)?))) {
                Some((index, action)) => Lookup::Matches(vec![Matched {
                    id: service.first_id + index,
                    service,
                    action,
                }]),
                None => Lookup::UnknownAction {
                    suggestion: service
                        .closest_action(action_part)
                        .map(|name| format!("{}:{name}", service.prefix)),
                },
            };
        }
        let found: Vec<Matched<'_>> = service
            .matching(action_part)
            .take(limit)
            .map(|(id, action)| Matched {
                id,
                service,
                action,
            })
            .collect();
        if found.is_empty() {
            Lookup::NoMatch {
                suggestion: suggest_pattern(service, action_part)
                    .map(|p| format!("{}:{p}", service.prefix)),
            }
        } else {
            Lookup::Matches(found)
        }
    }

    /// A wildcard in the service prefix (`*:List*`) matches across services.
    fn lookup_across_services(
        &self,
        service_part: &str,
        action_part: &str,
        limit: usize,
    ) -> Lookup<'_> {
        let mut any_service = false;
        let mut found = Vec::new();
        for service in self
            .services
            .iter()
            .filter(|s| wildcard::matches(service_part, s.prefix, Case::Insensitive))
        {
            any_service = true;
            let room = limit.saturating_sub(found.len());
            found.extend(
                service
                    .matching(action_part)
                    .take(room)
                    .map(|(id, action)| Matched {
                        id,
                        service,
                        action,
                    }),
            );
        }
        match (any_service, found.is_empty()) {
            (false, _) => Lookup::UnknownService { suggestion: None },
            (true, true) => Lookup::NoMatch { suggestion: None },
            (true, false) => Lookup::Matches(found),
        }
    }

    fn suggest_service(&self, service_part: &str, action_part: &str) -> Option<String> {
        let prefix = suggest::closest(service_part, self.services.iter().map(|s| s.prefix))?;
        let action = self
            .service(prefix)
            .and_then(|s| s.action(action_part))
            .map_or(action_part, |a| a.name);
        Some(format!("{prefix}:{action}"))
    }
}

/// For a wildcard pattern that matches nothing, the same pattern with its literal prefix
/// replaced by the closest real one (`Gxt*` → `Get*`), if that matches something.
fn suggest_pattern(service: &Service, pattern: &str) -> Option<String> {
    let literal = wildcard::literal_prefix(pattern);
    let rest = pattern.get(literal.len()..)?;
    let width = literal.chars().count();
    if width == 0 {
        return None;
    }
    // Compare the literal part with the same number of leading characters of each name.
    let heads = service.actions.iter().filter_map(|a| a.name.get(..width));
    let mut heads: Vec<&str> = heads.collect();
    heads.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let head = suggest::closest(literal, heads)?;
    let candidate = format!("{head}{rest}");
    let matches_something = service.matching(&candidate).next().is_some();
    matches_something.then_some(candidate)
}

fn parse_action(pair: &'static str) -> Option<Action> {
    let (name, code) = pair.split_once('=')?;
    let (level, inferred) = match code {
        "R" => (AccessLevel::Read, false),
        "L" => (AccessLevel::List, false),
        "W" => (AccessLevel::Write, false),
        "P" => (AccessLevel::PermissionsManagement, false),
        "T" => (AccessLevel::Tagging, false),
        "r" => (AccessLevel::Read, true),
        "l" => (AccessLevel::List, true),
        "w" => (AccessLevel::Write, true),
        "t" => (AccessLevel::Tagging, true),
        _ => return None,
    };
    (!name.is_empty()).then_some(Action {
        name,
        level,
        inferred,
    })
}

/// Orders strings as if both were lower-cased, without allocating.
fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(lookup: &Lookup<'_>) -> Vec<String> {
        match lookup {
            Lookup::Matches(m) => m.iter().map(Matched::full_name).collect(),
            other => panic!("expected matches, got {other:?}"),
        }
    }

    #[test]
    fn loads_every_service_and_action() {
        let c = catalogue();
        assert_eq!(c.services().len(), 460);
        assert_eq!(c.action_count(), 22_362);
        assert_eq!(c.all().count(), 22_362);
        let last = c.get(c.action_count() - 1).unwrap();
        assert_eq!(last.id, c.action_count() - 1);
        assert!(c.get(c.action_count()).is_none());
    }

    #[test]
    fn ids_round_trip() {
        let c = catalogue();
        for m in c.all().step_by(97) {
            let again = c.get(m.id).unwrap();
            assert_eq!(again.full_name(), m.full_name());
        }
    }

    #[test]
    fn exact_names_ignore_case() {
        let c = catalogue();
        assert_eq!(names(&c.lookup("S3:getobject")), ["s3:GetObject"]);
        let m = &names(&c.lookup("iam:createrole"));
        assert_eq!(m, &["iam:CreateRole"]);
        let Lookup::Matches(found) = c.lookup("iam:CreateRole") else {
            panic!()
        };
        assert_eq!(found[0].action.level, AccessLevel::PermissionsManagement);
        assert_eq!(c.get(found[0].id).unwrap().full_name(), "iam:CreateRole");
    }

    #[test]
    fn wildcards_match_within_the_service() {
        let c = catalogue();
        let found = names(&c.lookup("s3:Get*"));
        assert!(found.contains(&"s3:GetObject".to_owned()));
        assert!(found.iter().all(|n| n.to_lowercase().starts_with("s3:get")));
        assert!(names(&c.lookup("sts:AssumeRole*")).len() >= 3);
        assert!(!names(&c.lookup("*:GetCallerIdentity")).is_empty());
        assert_eq!(names(&c.lookup("s3:GetObj?ct")), ["s3:GetObject"]);
        assert_eq!(names(&c.lookup_first("ec2:*Tags")).len(), 1);
        assert_eq!(names(&c.lookup_first("*:List*")).len(), 1);
    }

    #[test]
    fn suggests_the_closest_name() {
        let c = catalogue();
        assert_eq!(
            c.lookup("s3:GetObjekt"),
            Lookup::UnknownAction {
                suggestion: Some("s3:GetObject".into())
            }
        );
        assert_eq!(
            c.lookup("s3:Gxt*"),
            Lookup::NoMatch {
                suggestion: Some("s3:Get*".into())
            }
        );
        assert_eq!(
            c.lookup("s4:GetObject"),
            Lookup::UnknownService {
                suggestion: Some("s3:GetObject".into())
            }
        );
        assert!(matches!(c.lookup("s3"), Lookup::Malformed(_)));
        assert!(matches!(c.lookup("s3:"), Lookup::Malformed(_)));
        assert_eq!(c.lookup("*"), Lookup::Everything);
    }

    #[test]
    fn lower_case_only_actions_are_inferred() {
        let c = catalogue();
        let a = c
            .service("access-analyzer")
            .unwrap()
            .action("CreateServiceLinkedAnalyzer")
            .unwrap();
        assert!(a.inferred);
        assert_eq!(a.level, AccessLevel::Write);
    }
}
