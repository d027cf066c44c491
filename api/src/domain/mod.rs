//! Validated values. Each type can only hold a value that passed its `parse`, so code that
//! receives one never checks it again.

mod country;
mod currency;
mod domain_name;
mod email;
mod hs_code;
mod incoterm;
mod locale;
mod market;
mod phone;
mod slug;
mod text;

pub use country::Country;
pub use currency::{Currency, MAX_MINOR_UNITS};
pub use domain_name::DomainName;
pub use email::Email;
pub use hs_code::HsCode;
pub use incoterm::Incoterm;
pub use locale::Locale;
pub use market::{MAX_TAGS, parse_categories, parse_languages};
pub use phone::Phone;
pub use slug::Slug;
pub use text::{bounded_text, optional_text};
