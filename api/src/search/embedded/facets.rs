//! The total and the facet counts of a search, from a pass over the matches that does not score
//! them (the scoring pass only ranks the page).
use tantivy::query::Query;
use tantivy::schema::Field;

/// Matches whose facets are counted; past this many, the counts describe the first
/// `FACET_SCAN` matches (in index order) and the total is still exact.
const FACET_SCAN: u64 = 10_000;

/// Values of one facet and how many matches carry each.
pub(super) type Counts = Vec<(String, u64)>;

/// The number of matches of `query` and, for each of `facet_fields`, the counts of its values
/// over them, walking the matches without scoring them (the scoring pass only ranks the page).
pub(super) fn count_and_facets(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    facet_fields: &[Field],
) -> anyhow::Result<(u64, Vec<Counts>)> {
    use std::collections::HashMap;
    use tantivy::{DocSet, TERMINATED};
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    let names: Vec<String> = facet_fields
        .iter()
        .map(|f| searcher.schema().get_field_name(*f).to_owned())
        .collect();
    let mut total = 0u64;
    let mut by_value: Vec<HashMap<String, u64>> = vec![HashMap::new(); facet_fields.len()];
    for reader in searcher.segment_readers() {
        if total >= FACET_SCAN {
            total += u64::from(weight.count(reader)?);
            continue;
        }
        let facets = names
            .iter()
            .map(|name| reader.facet_reader(name))
            .collect::<Result<Vec<_>, _>>()?;
        let mut per_ord: Vec<HashMap<u64, u64>> = vec![HashMap::new(); facets.len()];
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                if total < FACET_SCAN {
                    for (facet, counts) in facets.iter().zip(per_ord.iter_mut()) {
                        for ord in facet.facet_ords(doc) {
                            *counts.entry(ord).or_default() += 1;
                        }
                    }
                }
                total += 1;
            }
            doc = scorer.advance();
        }
        let mut facet = tantivy::schema::Facet::root();
        for ((reader, counts), out) in facets.iter().zip(per_ord).zip(by_value.iter_mut()) {
            for (ord, count) in counts {
                reader.facet_from_ord(ord, &mut facet)?;
                if let Some(value) = facet.to_path().last().filter(|t| !t.is_empty()) {
                    *out.entry((*value).to_owned()).or_default() += count;
                }
            }
        }
    }
    Ok((
        total,
        by_value
            .into_iter()
            .map(|m| m.into_iter().collect())
            .collect(),
    ))
}
