//! The product search contract, checked the same way on every engine (see
//! `wharf_tests::search`): model numbers, Chinese and typos, spec rows, category names and
//! certifications as text; category filters over whole subtrees; category and certification
//! counts over all matches; the articles' matching rule and paging.
use anyhow::Result;
use uuid::Uuid;
use wharf::search::product::{ProductDoc, ProductResults, ProductSearchRequest, model_key};
use wharf::search::text::{MARK_END, MARK_START};
use wharf_tests::conformance;
use wharf_tests::search::TestEngine;

conformance!(
    a_chinese_word_finds_the_product_that_contains_it_and_a_typo_the_english_one,
    a_model_number_is_found_as_written_without_its_dash_and_by_its_start,
    spec_values_category_names_and_certifications_are_searched_as_text,
    a_category_filter_covers_its_subcategories_and_counts_cover_all_matches,
    certification_filters_require_every_one_and_are_counted,
    site_locale_and_deletion_narrow_the_products,
    an_empty_product_query_lists_newest_first_and_pages_with_offset,
    when_no_product_has_every_word_products_with_any_part_are_found,
    product_matches_are_marked_in_name_summary_and_snippet,
);

/// A published product document for the index.
fn product(site: Uuid, locale: &str, name: &str, model: &str, body: &str) -> ProductDoc {
    ProductDoc {
        id: Uuid::new_v4(),
        site,
        locale: locale.to_owned(),
        name: name.to_owned(),
        model: model.to_owned(),
        model_key: model_key(model),
        summary: String::new(),
        body: body.to_owned(),
        specs: String::new(),
        category_names: Vec::new(),
        categories: Vec::new(),
        certification_names: Vec::new(),
        certifications: Vec::new(),
        status: "published".to_owned(),
        published_at: chrono::Utc::now().timestamp(),
    }
}

fn in_categories(mut p: ProductDoc, path: &[(&Uuid, &str)]) -> ProductDoc {
    p.categories = path.iter().map(|(id, _)| id.to_string()).collect();
    p.category_names = path.iter().map(|(_, name)| (*name).to_owned()).collect();
    p
}

fn certified(mut p: ProductDoc, names: &[&str]) -> ProductDoc {
    p.certification_names = names.iter().map(|n| (*n).to_owned()).collect();
    p.certifications = names.iter().map(|n| n.to_lowercase()).collect();
    p
}

async fn search(
    e: &TestEngine,
    text: &str,
    configure: impl FnOnce(&mut ProductSearchRequest),
) -> Result<ProductResults> {
    let mut r = ProductSearchRequest {
        text: text.to_owned(),
        limit: 20,
        ..ProductSearchRequest::default()
    };
    configure(&mut r);
    e.engine.search_products(&r).await
}

async fn ids(
    e: &TestEngine,
    text: &str,
    configure: impl FnOnce(&mut ProductSearchRequest),
) -> Result<Vec<Uuid>> {
    Ok(search(e, text, configure)
        .await?
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect())
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

async fn a_chinese_word_finds_the_product_that_contains_it_and_a_typo_the_english_one(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let zh = product(
        site,
        "zh-CN",
        "不锈钢球阀",
        "Q41F-16P",
        "适用于水、油、气等介质。",
    );
    let en = product(
        site,
        "en",
        "Stainless steel ball valve",
        "BV-200",
        "For water and oil.",
    );
    let pump = product(site, "en", "Centrifugal pump", "CP-10", "Moves water.");
    e.engine
        .apply_products(vec![zh.clone(), en.clone(), pump.clone()], Vec::new())
        .await?;
    assert_eq!(ids(e, "球阀", |_| {}).await?, vec![zh.id]);
    assert_eq!(ids(e, "不锈钢", |_| {}).await?, vec![zh.id]);
    assert_eq!(ids(e, "vavle", |_| {}).await?, vec![en.id]);
    assert_eq!(ids(e, "stainles", |_| {}).await?, vec![en.id]);
    assert_eq!(
        sorted(ids(e, "water", |_| {}).await?),
        sorted(vec![en.id, pump.id])
    );
    assert!(ids(e, "蝶阀", |_| {}).await?.is_empty());
    Ok(())
}

async fn a_model_number_is_found_as_written_without_its_dash_and_by_its_start(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let bv = product(site, "en", "Ball valve", "BV-200", "Brass.");
    let other = product(site, "en", "Ball valve", "BV-300", "Brass.");
    e.engine
        .apply_products(vec![bv.clone(), other.clone()], Vec::new())
        .await?;
    assert_eq!(ids(e, "BV-200", |_| {}).await?, vec![bv.id]);
    assert_eq!(ids(e, "bv200", |_| {}).await?, vec![bv.id]);
    assert_eq!(ids(e, "BV200", |_| {}).await?, vec![bv.id]);
    assert_eq!(ids(e, "bv20", |_| {}).await?, vec![bv.id], "a prefix");
    assert_eq!(
        sorted(ids(e, "bv", |_| {}).await?),
        sorted(vec![bv.id, other.id])
    );
    assert!(ids(e, "bv400", |_| {}).await?.is_empty());
    Ok(())
}

async fn spec_values_category_names_and_certifications_are_searched_as_text(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let valves = Uuid::new_v4();
    let mut valve = product(site, "en", "Ball valve", "BV-200", "Brass.");
    valve.specs = "Nominal size: DN50\nPressure: PN16 bar".into();
    valve.summary = "Full bore, lever operated".into();
    let valve = certified(
        in_categories(valve, &[(&valves, "Industrial valves")]),
        &["RoHS"],
    );
    let panel = certified(
        product(site, "en", "LED panel", "LP-36", "Office lighting."),
        &["ISO 9001"],
    );
    e.engine
        .apply_products(vec![valve.clone(), panel.clone()], Vec::new())
        .await?;
    assert_eq!(ids(e, "DN50", |_| {}).await?, vec![valve.id]);
    assert_eq!(ids(e, "industrial", |_| {}).await?, vec![valve.id]);
    assert_eq!(ids(e, "rohs", |_| {}).await?, vec![valve.id]);
    assert_eq!(ids(e, "lever", |_| {}).await?, vec![valve.id]);
    assert_eq!(ids(e, "iso 9001", |_| {}).await?, vec![panel.id]);
    Ok(())
}

async fn a_category_filter_covers_its_subcategories_and_counts_cover_all_matches(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let (valves, ball, gate, pumps) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let docs = vec![
        in_categories(
            product(site, "en", "Brass ball valve", "B1", "Steel."),
            &[(&ball, "Ball valves"), (&valves, "Valves")],
        ),
        in_categories(
            product(site, "en", "Steel ball valve", "B2", "Steel."),
            &[(&ball, "Ball valves"), (&valves, "Valves")],
        ),
        in_categories(
            product(site, "en", "Steel gate valve", "G1", "Steel."),
            &[(&gate, "Gate valves"), (&valves, "Valves")],
        ),
        in_categories(
            product(site, "en", "Steel pump", "P1", "Steel."),
            &[(&pumps, "Pumps")],
        ),
    ];
    let [b1, b2, g1, p1] = [docs[0].id, docs[1].id, docs[2].id, docs[3].id];
    e.engine.apply_products(docs, Vec::new()).await?;
    let page = search(e, "steel", |r| {
        r.categories = vec![valves.to_string()];
        r.limit = 1;
    })
    .await?;
    assert_eq!(page.hits.len(), 1);
    assert_eq!(page.estimated_total, 3);
    assert_eq!(
        page.category_counts,
        vec![
            (valves.to_string(), 3),
            (ball.to_string(), 2),
            (gate.to_string(), 1)
        ]
    );
    assert_eq!(
        sorted(ids(e, "", |r| r.categories = vec![ball.to_string()]).await?),
        sorted(vec![b1, b2])
    );
    // Any of several categories.
    assert_eq!(
        sorted(
            ids(e, "steel", |r| r.categories =
                vec![gate.to_string(), pumps.to_string()])
            .await?
        ),
        sorted(vec![g1, p1])
    );
    let everything = search(e, "steel", |_| {}).await?;
    assert_eq!(everything.estimated_total, 4);
    assert_eq!(everything.category_counts.len(), 4);
    Ok(())
}

async fn certification_filters_require_every_one_and_are_counted(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let ce_rohs = certified(
        product(site, "en", "LED panel 36W", "L36", "Light."),
        &["CE", "RoHS"],
    );
    let ce = certified(
        product(site, "en", "LED panel 48W", "L48", "Light."),
        &["CE"],
    );
    let none = product(site, "en", "LED panel 60W", "L60", "Light.");
    e.engine
        .apply_products(vec![ce_rohs.clone(), ce.clone(), none.clone()], Vec::new())
        .await?;
    let all = search(e, "panel", |_| {}).await?;
    assert_eq!(all.estimated_total, 3);
    assert_eq!(
        all.certification_counts,
        vec![("ce".to_owned(), 2), ("rohs".to_owned(), 1)]
    );
    assert_eq!(
        sorted(ids(e, "panel", |r| r.certifications = vec!["ce".into()]).await?),
        sorted(vec![ce_rohs.id, ce.id])
    );
    assert_eq!(
        ids(e, "", |r| r.certifications =
            vec!["ce".into(), "rohs".into()])
        .await?,
        vec![ce_rohs.id]
    );
    Ok(())
}

async fn site_locale_and_deletion_narrow_the_products(e: &TestEngine) -> Result<()> {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let on_a = product(a, "en", "Ball valve", "BV-1", "Brass.");
    let zh_a = product(a, "zh-CN", "球阀 valve", "BV-1", "黄铜。");
    let mut on_b = product(b, "en", "Ball valve", "BV-1", "Brass.");
    e.engine
        .apply_products(vec![on_a.clone(), zh_a.clone(), on_b.clone()], Vec::new())
        .await?;
    assert_eq!(
        sorted(ids(e, "valve", |r| r.site = Some(a)).await?),
        sorted(vec![on_a.id, zh_a.id])
    );
    assert_eq!(
        ids(e, "valve", |r| {
            r.site = Some(a);
            r.locale = Some("zh-CN".into());
        })
        .await?,
        vec![zh_a.id]
    );
    assert_eq!(ids(e, "valve", |r| r.site = Some(b)).await?, vec![on_b.id]);
    // Removed, replaced, cleared; the articles' index is another one.
    on_b.name = "Gate valve".into();
    e.engine
        .apply_products(vec![on_b.clone()], vec![on_a.id, Uuid::new_v4()])
        .await?;
    assert!(ids(e, "ball", |_| {}).await?.is_empty());
    assert_eq!(ids(e, "valve", |r| r.site = Some(a)).await?, vec![zh_a.id]);
    assert_eq!(ids(e, "gate", |_| {}).await?, vec![on_b.id]);
    let articles = e
        .engine
        .search(&wharf::search::SearchRequest {
            limit: 10,
            ..Default::default()
        })
        .await?;
    assert!(articles.hits.is_empty(), "products are not articles");
    e.engine.clear_products().await?;
    assert!(ids(e, "", |_| {}).await?.is_empty());
    Ok(())
}

async fn an_empty_product_query_lists_newest_first_and_pages_with_offset(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let mut docs = Vec::new();
    for i in 0..3 {
        let mut p = product(site, "en", &format!("Valve {i}"), "", "Brass.");
        p.published_at = 1_700_000_000 + i;
        docs.push(p);
    }
    let newest_first: Vec<Uuid> = docs.iter().rev().map(|p| p.id).collect();
    e.engine.apply_products(docs, Vec::new()).await?;
    assert_eq!(ids(e, "", |_| {}).await?, newest_first);
    assert_eq!(
        ids(e, "", |r| {
            r.offset = 1;
            r.limit = 1;
        })
        .await?,
        newest_first[1..2]
    );
    Ok(())
}

async fn when_no_product_has_every_word_products_with_any_part_are_found(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let valve = product(site, "en", "Ball valve", "", "Brass.");
    let pump = product(site, "en", "Water pump", "", "Iron.");
    let zh = product(site, "zh-CN", "不锈钢球阀", "", "黄铜。");
    e.engine
        .apply_products(vec![valve.clone(), pump.clone(), zh.clone()], Vec::new())
        .await?;
    assert_eq!(ids(e, "ball valve", |_| {}).await?, vec![valve.id]);
    assert_eq!(
        sorted(ids(e, "valve pump", |_| {}).await?),
        sorted(vec![valve.id, pump.id])
    );
    assert_eq!(ids(e, "球阀 区块链", |_| {}).await?, vec![zh.id]);
    assert!(ids(e, "blockchain metaverse", |_| {}).await?.is_empty());
    Ok(())
}

async fn product_matches_are_marked_in_name_summary_and_snippet(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let mut p = product(
        site,
        "en",
        "Flanged ball valve",
        "FV-1",
        "Bodies are cast, machined and tested. Every valve is pressure tested before shipping.",
    );
    p.summary = "A valve for pipelines".into();
    e.engine.apply_products(vec![p.clone()], Vec::new()).await?;
    let found = search(e, "valve", |_| {}).await?;
    let hit = found.hits.first().cloned();
    let Some(hit) = hit else {
        anyhow::bail!("no hit for valve");
    };
    let marked = format!("{MARK_START}valve{MARK_END}");
    assert!(hit.name.contains(&marked), "{}", hit.name);
    assert!(hit.summary.contains(&marked), "{}", hit.summary);
    assert!(hit.snippet.contains(&marked), "{}", hit.snippet);
    Ok(())
}
