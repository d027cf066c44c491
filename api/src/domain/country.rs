//! ISO 3166-1 alpha-2 country codes (`CN`, `DE`).
use crate::error::{AppError, AppResult, Reason};

/// The 249 officially assigned codes of ISO 3166-1, in order.
const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL \
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK \
DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU \
GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY \
MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU \
RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// A country code, upper case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country(String);

impl Country {
    /// Parses a code in any case (`cn`); BAD_USER_INPUT on `field` for anything that is not an
    /// assigned ISO 3166-1 alpha-2 code (`UK` is not: the United Kingdom is `GB`).
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let upper = value.trim().to_ascii_uppercase();
        if upper.len() == 2 && CODES.split(' ').any(|c| c == upper) {
            return Ok(Self(upper));
        }
        Err(AppError::bad_input(
            field,
            format!("{value:?} is not an ISO 3166-1 alpha-2 country code such as CN, DE or US"),
        )
        .because(Reason::InvalidCountry)
        .with("value", value.trim()))
    }

    /// The code.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigned_alpha_2_codes_only() {
        let codes: Vec<&str> = CODES.split(' ').collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert_eq!(
            Country::parse("c", " cn ")
                .map(Country::into_string)
                .ok()
                .as_deref(),
            Some("CN")
        );
        for bad in ["UK", "EU", "XX", "CHN", "C", "", "zz"] {
            assert!(Country::parse("c", bad).is_err(), "{bad}");
        }
    }
}
