//! ISO 4217 currencies, and amounts in them written as decimal text (`12.50`) and kept as
//! integer minor units (`1250`), so no price is ever rounded by a float.
use crate::error::{AppError, AppResult, Reason};

/// The active ISO 4217 codes that price goods, with their minor-unit digits (ISO 4217's own
/// list; funds codes, precious metals and testing codes left out).
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// Largest amount accepted, in minor units (about ten trillion in a two-digit currency): far
/// above any price, far below where integer arithmetic could overflow.
pub const MAX_MINOR_UNITS: i64 = 1_000_000_000_000_000;

/// An ISO 4217 currency in upper case, with its number of minor-unit digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    code: &'static str,
    digits: u8,
}

impl Currency {
    /// Parses a code in any case (`usd`, ` EUR `); BAD_USER_INPUT on `field` for anything that
    /// is not an active ISO 4217 currency.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let upper = value.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(code, _)| *code == upper)
            .map(|(code, digits)| Self {
                code,
                digits: *digits,
            })
            .ok_or_else(|| {
                AppError::bad_input(
                    field,
                    format!("{value:?} is not an ISO 4217 currency code such as USD, EUR or CNY"),
                )
                .because(Reason::InvalidCurrency)
                .with("value", value.trim())
            })
    }

    /// The code (`USD`).
    pub fn code(self) -> &'static str {
        self.code
    }

    /// Reads a non-negative decimal amount (`12.5`, `1,250.00` is refused: no separators) into
    /// minor units, refusing more decimals than the currency has (`0.001 USD`).
    pub fn parse_amount(self, field: &str, value: &str) -> AppResult<i64> {
        let text = value.trim();
        let refuse = |why: &str, reason| {
            AppError::bad_input(field, format!("{field} {why}")).because(reason)
        };
        let bad = |why: &str| refuse(why, Reason::InvalidAmount);
        let too_large = || refuse("is too large", Reason::AmountTooLarge);
        if text.starts_with('-') {
            return Err(bad("must not be negative"));
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return Err(bad("must be a decimal number such as 12.50"));
        }
        if text.contains('.') && fraction.is_empty() {
            return Err(bad("must be a decimal number such as 12.50"));
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > usize::from(self.digits) {
            return Err(refuse(
                &format!("has more decimals than {} has ({})", self.code, self.digits),
                Reason::TooManyDecimals,
            )
            .with("currency", self.code)
            .with("digits", u32::from(self.digits)));
        }
        let whole: i64 = whole
            .trim_start_matches('0')
            .get(..)
            .filter(|w| w.len() <= 18)
            .map(|w| {
                if w.is_empty() {
                    Ok(0)
                } else {
                    w.parse::<i64>()
                }
            })
            .ok_or_else(too_large)?
            .map_err(|_| too_large())?;
        let scale = 10_i64.pow(u32::from(self.digits));
        let mut frac: i64 = 0;
        for (i, b) in fraction.bytes().enumerate() {
            let place = 10_i64.pow(u32::from(self.digits) - 1 - u32::try_from(i).unwrap_or(0));
            frac += i64::from(b - b'0') * place;
        }
        let minor = whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac))
            .filter(|m| *m <= MAX_MINOR_UNITS)
            .ok_or_else(too_large)?;
        Ok(minor)
    }

    /// Writes minor units as a decimal amount with the currency's digits (`1250` → `12.50`).
    pub fn format_amount(self, minor: i64) -> String {
        if self.digits == 0 {
            return minor.to_string();
        }
        let scale = 10_i64.pow(u32::from(self.digits));
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        let scale = scale.unsigned_abs();
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = usize::from(self.digits)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("currency", "usd").unwrap_or(Currency {
            code: "?",
            digits: 9,
        })
    }

    #[test]
    fn codes_are_iso_4217_in_any_case() {
        assert_eq!(
            Currency::parse("c", " eur ").map(Currency::code).ok(),
            Some("EUR")
        );
        assert_eq!(
            Currency::parse("c", "CNY").map(Currency::code).ok(),
            Some("CNY")
        );
        for bad in ["", "US", "USDD", "XXX", "RMB", "XAU", "usd1"] {
            assert!(Currency::parse("c", bad).is_err(), "{bad}");
        }
        // Every code is three upper-case letters and listed once.
        let mut seen = std::collections::HashSet::new();
        for (code, digits) in CURRENCIES {
            assert!(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(*digits <= 3);
            assert!(seen.insert(code), "{code} twice");
        }
    }

    #[test]
    fn amounts_are_read_into_minor_units_without_rounding() {
        let usd = usd();
        assert_eq!(usd.parse_amount("p", "12.5").ok(), Some(1250));
        assert_eq!(usd.parse_amount("p", "12.50").ok(), Some(1250));
        assert_eq!(usd.parse_amount("p", "0.07").ok(), Some(7));
        assert_eq!(usd.parse_amount("p", "0").ok(), Some(0));
        assert_eq!(usd.parse_amount("p", "007.100").ok(), Some(710));
        assert_eq!(usd.format_amount(1250), "12.50");
        assert_eq!(usd.format_amount(7), "0.07");
        let jpy = Currency::parse("c", "JPY").unwrap_or(usd);
        assert_eq!(jpy.parse_amount("p", "1500").ok(), Some(1500));
        assert!(jpy.parse_amount("p", "1500.5").is_err());
        assert_eq!(jpy.format_amount(1500), "1500");
        let kwd = Currency::parse("c", "KWD").unwrap_or(usd);
        assert_eq!(kwd.parse_amount("p", "1.234").ok(), Some(1234));
        assert_eq!(kwd.format_amount(1234), "1.234");
        for bad in [
            "-1",
            "1.234",
            "1,000",
            "1e3",
            "",
            ".5",
            "5.",
            "abc",
            " 1 2",
            "99999999999999999999",
        ] {
            assert!(usd.parse_amount("p", bad).is_err(), "{bad}");
        }
    }
}
