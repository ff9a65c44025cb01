//! AWS partitions, which every ARN names.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Partition {
    #[default]
    Aws,
    AwsCn,
    AwsUsGov,
}

impl Partition {
    pub const ALL: [Partition; 3] = [Partition::Aws, Partition::AwsCn, Partition::AwsUsGov];

    /// The partition as it appears in ARNs: `aws`, `aws-cn`, `aws-us-gov`.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// The partition with this ARN spelling.
    pub fn parse(text: &str) -> Option<Partition> {
        Partition::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_spelling() {
        for p in Partition::ALL {
            assert_eq!(Partition::parse(p.as_str()), Some(p));
        }
        assert_eq!(Partition::parse("aws-iso"), None);
        assert_eq!(Partition::default().to_string(), "aws");
    }
}
