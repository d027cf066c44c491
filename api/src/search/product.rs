//! Products in the search contract: what an index holds of a published product, what a product
//! search asks, and what it answers. Both engines keep products in an index of their own beside
//! the articles' (embedded: `search/products`; Meilisearch: `{prefix}_products`).
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One published product as an index holds it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProductDoc {
    /// The product's ID.
    pub id: Uuid,
    /// Its site's ID.
    pub site: Uuid,
    /// Locale tag.
    pub locale: String,
    /// Name.
    pub name: String,
    /// Model number as written (`BV-200`); empty when it has none.
    pub model: String,
    /// The model number's letters and digits alone, lower-cased (`bv200`), so that `bv200` and
    /// `BV200` find `BV-200`.
    pub model_key: String,
    /// Summary (empty when it has none).
    pub summary: String,
    /// The description as plain text (rendered, no markup).
    pub body: String,
    /// The specification rows as text, one `name: value unit` a line.
    pub specs: String,
    /// The names (in the product's locale, else the site's default) of its categories and of
    /// their ancestors.
    pub category_names: Vec<String>,
    /// The IDs of its categories and of all their ancestors: filtering on a category finds the
    /// products of its whole subtree, and the counts of a category include its subcategories'.
    pub categories: Vec<String>,
    /// Certification names as written (`ISO 9001`), searched as text.
    pub certification_names: Vec<String>,
    /// Certification keys (lower case, single spaces: `iso 9001`, as the catalogue keys them);
    /// filtered and counted.
    pub certifications: Vec<String>,
    /// Always `published` (kept so that the index can be filtered on it).
    pub status: String,
    /// Publication time, in seconds since the epoch.
    pub published_at: i64,
}

/// The letters and digits of a model number, lower-cased: `BV-200 / A` → `bv200a`.
pub fn model_key(model: &str) -> String {
    model
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What to search for among products.
#[derive(Clone, Debug, Default)]
pub struct ProductSearchRequest {
    /// The words typed; empty lists everything that matches the filters, newest first.
    pub text: String,
    /// Only this site.
    pub site: Option<Uuid>,
    /// Only this locale.
    pub locale: Option<String>,
    /// Only products in at least one of these categories (IDs) or their subcategories.
    pub categories: Vec<String>,
    /// Only products carrying all of these certification keys.
    pub certifications: Vec<String>,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Leave names and summaries unmarked.
    pub skip_highlights: bool,
    /// Leave the snippets empty.
    pub skip_snippets: bool,
}

/// One ranked product hit.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductHit {
    /// The product's ID.
    pub id: Uuid,
    /// The name with matches marked.
    pub name: String,
    /// The summary with matches marked.
    pub summary: String,
    /// The passage of the description around the best match, as for articles.
    pub snippet: String,
}

/// A page of product hits with facet counts over all matches.
#[derive(Clone, Debug, Default)]
pub struct ProductResults {
    /// Hits, best first.
    pub hits: Vec<ProductHit>,
    /// Category ID and how many matching products are in it or its subcategories.
    pub category_counts: Vec<(String, u64)>,
    /// Certification key and how many matching products carry it.
    pub certification_counts: Vec<(String, u64)>,
    /// How many products match in all (an estimate on Meilisearch).
    pub estimated_total: u64,
}

/// Sorts facet counts most frequent first, then by value.
pub(crate) fn sort_counts(counts: &mut [(String, u64)]) {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_key_keeps_letters_and_digits_lower_cased() {
        assert_eq!(model_key("BV-200"), "bv200");
        assert_eq!(model_key(" BV 200/a "), "bv200a");
        assert_eq!(model_key("球阀-Q41F"), "球阀q41f");
        assert_eq!(model_key(""), "");
    }
}
