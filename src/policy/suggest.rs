//! The program-wide "did you mean" ([`crate::suggest`]), under the name the policy
//! modules use.

pub use crate::suggest::{closest, did_you_mean};
