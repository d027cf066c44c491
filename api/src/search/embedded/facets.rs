//! The total and the tag counts of a search, from a pass over the matches that does not score
//! them (the scoring pass only ranks the page).
use tantivy::query::Query;
use tantivy::schema::Field;

/// Matches whose tags are counted; past this many, the tag counts describe the first
/// `FACET_SCAN` matches (in index order) and the total is still exact.
const FACET_SCAN: u64 = 10_000;

/// The number of matches of `query` and the tag counts over them, walking the matches without
/// scoring them (the scoring pass only ranks the page).
pub(super) fn count_and_facets(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    facet_field: Field,
) -> anyhow::Result<(u64, Vec<(String, u64)>)> {
    use tantivy::{DocSet, TERMINATED};
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    let facet_name = searcher.schema().get_field_name(facet_field).to_owned();
    let mut total = 0u64;
    let mut by_tag: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for reader in searcher.segment_readers() {
        if total >= FACET_SCAN {
            total += u64::from(weight.count(reader)?);
            continue;
        }
        let facets = reader.facet_reader(&facet_name)?;
        let mut per_ord: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                if total < FACET_SCAN {
                    for ord in facets.facet_ords(doc) {
                        *per_ord.entry(ord).or_default() += 1;
                    }
                }
                total += 1;
            }
            doc = scorer.advance();
        }
        let mut facet = tantivy::schema::Facet::root();
        for (ord, count) in per_ord {
            facets.facet_from_ord(ord, &mut facet)?;
            if let Some(tag) = facet.to_path().last().filter(|t| !t.is_empty()) {
                *by_tag.entry((*tag).to_owned()).or_default() += count;
            }
        }
    }
    Ok((total, by_tag.into_iter().collect()))
}
