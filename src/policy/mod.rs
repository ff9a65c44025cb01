//! IAM policies: checking policy text, the action catalogue, AWS-managed policies, access
//! levels and injection-proof template rendering.

pub mod actions;
pub mod allowance;
pub mod check;
pub mod document;
pub mod json;
pub mod level;
pub mod lint;
pub mod managed;
pub mod partition;
pub mod problem;
mod suggest;
pub mod template;
pub mod wildcard;

pub use allowance::{Allowance, allows_action_on};
pub use check::{Checked, PolicyKind, check, check_document, size_without_whitespace};
pub use document::{Condition, Effect, OneOrMany, PolicyDocument, Principal, Statement};
pub use level::{Level, LevelReport, level_of, managed_policy_level};
pub use managed::{ManagedPolicy, ResolvedPolicy, managed_policies, resolve};
pub use partition::Partition;
pub use problem::{Problem, Severity};
pub use template::{Rejected, RenderedPolicy, TemplateContext, TemplateProblem, Templates};
