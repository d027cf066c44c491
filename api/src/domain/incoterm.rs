//! The eleven rules of Incoterms 2020, which say who pays and bears the risk of carriage.
use crate::error::{AppError, AppResult, Reason};

/// The rules, by code, with whether they are for sea and inland waterway transport only
/// (their named place is then a port).
const RULES: &[(&str, bool)] = &[
    ("EXW", false),
    ("FCA", false),
    ("CPT", false),
    ("CIP", false),
    ("DAP", false),
    ("DPU", false),
    ("DDP", false),
    ("FAS", true),
    ("FOB", true),
    ("CFR", true),
    ("CIF", true),
];

/// One Incoterms 2020 rule (`FOB`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incoterm(&'static str);

impl Incoterm {
    /// Parses a rule's code in any case; BAD_USER_INPUT on `field` for anything else (including
    /// `DAT`, which Incoterms 2020 replaced with `DPU`).
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let upper = value.trim().to_ascii_uppercase();
        RULES
            .iter()
            .find(|(code, _)| *code == upper)
            .map(|(code, _)| Self(code))
            .ok_or_else(|| {
                let allowed = RULES.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
                AppError::bad_input(
                    field,
                    format!("{value:?} is not an Incoterms 2020 rule; the rules are {allowed}"),
                )
                .because(Reason::UnknownValue)
                .with("value", value.trim())
                .with("allowed", allowed)
            })
    }

    /// Every rule's code, in the order of the rules (any mode of transport, then sea).
    pub fn codes() -> impl Iterator<Item = &'static str> {
        RULES.iter().map(|(code, _)| *code)
    }

    /// The code.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// Whether the rule is for sea and inland waterway transport only (FAS, FOB, CFR, CIF).
    pub fn sea_only(self) -> bool {
        RULES.iter().any(|(code, sea)| *code == self.0 && *sea)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleven_rules_of_2020_and_nothing_else() {
        assert_eq!(RULES.len(), 11);
        assert_eq!(
            Incoterm::parse("i", " fob ").map(Incoterm::code).ok(),
            Some("FOB")
        );
        assert!(Incoterm::parse("i", "CIF").is_ok_and(Incoterm::sea_only));
        assert!(Incoterm::parse("i", "DAP").is_ok_and(|i| !i.sea_only()));
        for bad in ["DAT", "DDU", "DES", "FOBB", "", "F.O.B."] {
            assert!(Incoterm::parse("i", bad).is_err(), "{bad}");
        }
    }
}
