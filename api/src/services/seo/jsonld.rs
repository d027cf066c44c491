//! schema.org structured data (JSON-LD) for a product (`Product` with its `Offer` or
//! `AggregateOffer`, and a `BreadcrumbList` down its main category's path) and for an article
//! (`BlogPosting`), in the shape Google's rich results read, ready to embed as the text of a
//! `<script type="application/ld+json">` element: `<`, `>` and `&` are written as `\u003c`,
//! `\u003e` and `\u0026` (and U+2028/U+2029 as escapes), so no text of the content (a product
//! named `</script><script>…`) can end the element; JSON parsers read the same strings back.
use super::{PageKind, page_url, site_base};
use crate::content::Digest;
use crate::error::{AppError, AppResult};
use crate::services::media::is_public;
use crate::services::product::{media_by_ids, media_of_products, price_of};
use crate::storage::Storage;
use chrono::{DateTime, SecondsFormat, Utc};
use entities::product_media::ProductMediaKind;
use entities::{article, media, product, site, user};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Map, Value, json};
use uuid::Uuid;

const CONTEXT: &str = "https://schema.org";

/// JSON text safe inside `<script type="application/ld+json">`: the JSON of `value` with `<`,
/// `>`, `&`, U+2028 and U+2029 escaped. These characters only ever occur inside JSON strings,
/// where `\uXXXX` means the same character, so the data is unchanged.
pub fn script_safe(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn site_of(db: &impl ConnectionTrait, id: Uuid) -> AppResult<site::Model> {
    site::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("site"))
}

/// Stable absolute URLs of the public ones among `ids` (in order, without repeats).
async fn image_urls(
    db: &impl ConnectionTrait,
    storage: &Storage,
    ids: &[Uuid],
) -> AppResult<Vec<String>> {
    let mut wanted: Vec<Uuid> = Vec::with_capacity(ids.len());
    for id in ids {
        if !wanted.contains(id) {
            wanted.push(*id);
        }
    }
    let found = media_by_ids(db, &wanted).await?;
    let mut out = Vec::new();
    for id in wanted {
        let Some(item) = found.get(&id) else { continue };
        if item.content_type.starts_with("image/") && is_public(db, item).await? {
            out.push(
                storage
                    .stable_url(&item.storage_key)
                    .map_err(crate::services::media::storage_failed)?,
            );
        }
    }
    Ok(out)
}

fn set(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value);
    }
}

/// The first text among `options` that is not empty.
fn first_text<'a>(options: impl IntoIterator<Item = Option<&'a str>>) -> Option<Value> {
    options
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|t| !t.is_empty())
        .map(|t| json!(t))
}

/// The JSON-LD of a product: `{"@context", "@graph": [Product, BreadcrumbList?]}`.
pub async fn product_json_ld(
    db: &impl ConnectionTrait,
    storage: &Storage,
    item: &product::Model,
) -> AppResult<String> {
    let site = site_of(db, item.site_id).await?;
    let url = page_url(&site, PageKind::Product, &item.locale, &item.slug);
    let mut ids: Vec<Uuid> = item.cover_media_id.into_iter().collect();
    let mut gallery = media_of_products(db, &[item.id]).await?;
    ids.extend(
        gallery
            .remove(&item.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|(kind, _)| *kind == ProductMediaKind::Gallery)
            .map(|(_, m): (_, media::Model)| m.id),
    );
    let images = image_urls(db, storage, &ids).await?;

    let mut node = Map::new();
    node.insert("@type".into(), json!("Product"));
    node.insert("@id".into(), json!(format!("{url}#product")));
    node.insert("name".into(), json!(item.name));
    let digest = Digest::stored(item.digest_rev, item.digest.as_deref());
    set(
        &mut node,
        "description",
        first_text([
            item.summary.as_deref(),
            item.meta_description.as_deref(),
            digest.as_ref().map(|d| d.excerpt.as_str()),
        ]),
    );
    node.insert("url".into(), json!(url));
    if let Some(model) = item.model_number.as_deref() {
        node.insert("sku".into(), json!(model));
        node.insert("mpn".into(), json!(model));
    }
    node.insert(
        "brand".into(),
        json!({ "@type": "Brand", "name": site.name }),
    );
    if !images.is_empty() {
        node.insert("image".into(), json!(images));
    }
    set(&mut node, "offers", offers(item, &url));

    let path = category_path(db, &site, item).await?;
    if let Some((last, _)) = path.last() {
        node.insert("category".into(), json!(last));
    }
    let mut graph = vec![Value::Object(node)];
    if !path.is_empty() {
        let mut items: Vec<Value> = path
            .iter()
            .map(|(name, link)| json!({ "name": name, "item": link }))
            .collect();
        items.push(json!({ "name": item.name, "item": url }));
        for (i, entry) in items.iter_mut().enumerate() {
            entry["@type"] = json!("ListItem");
            entry["position"] = json!(i + 1);
        }
        graph.push(json!({ "@type": "BreadcrumbList", "itemListElement": items }));
    }
    Ok(script_safe(
        &json!({ "@context": CONTEXT, "@graph": graph }),
    ))
}

/// `Offer` for one price, `AggregateOffer` for a range, nothing without a price (price on
/// request: Google then shows no price, which is the truth). Availability: `MadeToOrder` when
/// the product has a lead time, else `InStock`.
fn offers(item: &product::Model, url: &str) -> Option<Value> {
    let price = price_of(item)?;
    let availability = if item.lead_time_days.is_some_and(|d| d > 0) {
        "https://schema.org/MadeToOrder"
    } else {
        "https://schema.org/InStock"
    };
    let mut offer = if price.min == price.max {
        json!({ "@type": "Offer", "price": price.min })
    } else {
        json!({ "@type": "AggregateOffer", "lowPrice": price.min, "highPrice": price.max })
    };
    offer["priceCurrency"] = json!(price.currency);
    offer["availability"] = json!(availability);
    offer["url"] = json!(url);
    if let (Some(quantity), Some(unit)) = (item.moq_quantity, item.moq_unit.as_deref()) {
        offer["eligibleQuantity"] =
            json!({ "@type": "QuantitativeValue", "minValue": quantity, "unitText": unit });
    }
    Some(offer)
}

/// The product's main category and its ancestors, top first: (name in the product's locale,
/// else the site's default, else the slug; URL).
async fn category_path(
    db: &impl ConnectionTrait,
    site: &site::Model,
    item: &product::Model,
) -> AppResult<Vec<(String, String)>> {
    let chain = crate::services::product::category::main_category_path(db, item.id).await?;
    Ok(chain
        .into_iter()
        .map(|named| {
            let c = named.category;
            let name_in = |locale: &str| {
                named
                    .translations
                    .iter()
                    .find(|t| t.locale == locale)
                    .map(|t| t.name.clone())
            };
            let name = name_in(&item.locale)
                .or_else(|| name_in(&site.default_locale))
                .unwrap_or_else(|| c.slug.clone());
            (
                name,
                page_url(site, PageKind::Category, &item.locale, &c.slug),
            )
        })
        .collect())
}

/// The JSON-LD of an article: a `BlogPosting`.
pub async fn article_json_ld(
    db: &impl ConnectionTrait,
    storage: &Storage,
    item: &article::Model,
) -> AppResult<String> {
    let site = site_of(db, item.site_id).await?;
    let url = page_url(&site, PageKind::Article, &item.locale, &item.slug);
    let ids: Vec<Uuid> = [item.cover_media_id, item.og_image_media_id]
        .into_iter()
        .flatten()
        .collect();
    let images = image_urls(db, storage, &ids).await?;
    let author = match item.author_id {
        Some(id) => user::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let mut node = Map::new();
    node.insert("@context".into(), json!(CONTEXT));
    node.insert("@type".into(), json!("BlogPosting"));
    node.insert("@id".into(), json!(format!("{url}#article")));
    node.insert("headline".into(), json!(item.title));
    let digest = Digest::stored(item.digest_rev, item.digest.as_deref());
    set(
        &mut node,
        "description",
        first_text([
            item.meta_description.as_deref(),
            item.excerpt.as_deref(),
            digest.as_ref().map(|d| d.excerpt.as_str()),
        ]),
    );
    node.insert("inLanguage".into(), json!(item.locale));
    set(
        &mut node,
        "datePublished",
        item.published_at.map(|d| json!(date(d))),
    );
    node.insert("dateModified".into(), json!(date(item.updated_at)));
    if let Some(author) = author {
        node.insert(
            "author".into(),
            json!({ "@type": "Person", "name": author.display_name }),
        );
    }
    node.insert(
        "publisher".into(),
        json!({ "@type": "Organization", "name": site.name, "url": site_base(&site) }),
    );
    if !images.is_empty() {
        node.insert("image".into(), json!(images));
    }
    node.insert(
        "mainEntityOfPage".into(),
        json!({ "@type": "WebPage", "@id": url }),
    );
    node.insert("url".into(), json!(url));
    Ok(script_safe(&Value::Object(node)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breaking_text_is_escaped_and_reads_back_the_same() {
        let name = "</script><script>alert(1)</script> & 球阀 \u{2028}";
        let text = script_safe(&json!({ "name": name }));
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(text.contains("球阀"), "Chinese stays as it is: {text}");
        let back: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back["name"], name);
    }
}
