//! Validated values. Each type can only hold a value that passed its `parse`, so code that
//! receives one never checks it again.

mod domain_name;
mod email;
mod locale;
mod market;
mod slug;
mod text;

pub use domain_name::DomainName;
pub use email::Email;
pub use locale::Locale;
pub use market::{MAX_TAGS, parse_categories, parse_languages};
pub use slug::Slug;
pub use text::{bounded_text, optional_text};
