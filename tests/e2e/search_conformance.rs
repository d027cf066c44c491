//! The search contract, checked the same way on every engine (see `wharf_tests::search`).
use anyhow::Result;
use uuid::Uuid;
use wharf::search::snippet::CROP_MARKER;
use wharf::search::text::{MARK_END, MARK_START, to_html};
use wharf::search::{SearchRequest, SearchResults};
use wharf_tests::conformance;
use wharf_tests::loud;
use wharf_tests::search::{TestEngine, doc, related_eval_set};

conformance!(
    a_two_character_chinese_word_finds_the_article_that_contains_it,
    an_english_word_with_a_typo_is_found,
    a_typo_on_the_first_letter_costs_two,
    english_and_chinese_articles_share_one_index,
    a_search_scoped_to_a_site_never_returns_another_sites_article,
    locale_and_tag_filters_narrow_the_hits,
    tag_counts_cover_all_matches_and_the_total_is_given,
    deleting_and_replacing_documents_takes_effect,
    related_articles_exclude_the_article_and_rank_by_shared_words_and_tags,
    matches_are_marked_in_title_and_excerpt,
    an_empty_query_lists_newest_first_and_pages_with_offset,
    words_of_other_scripts_are_matched_whole,
    a_word_deep_in_the_body_is_marked_in_the_snippet_and_markup_is_escaped,
    a_snippet_is_the_start_of_the_body_when_the_body_has_no_match,
    every_word_of_a_query_must_match_when_some_article_has_them_all,
    when_no_article_has_every_word_articles_with_any_of_them_are_found,
    related_articles_are_of_the_same_topic_at_a_precision_at_5_of_at_least_0_8,
);

async fn search(e: &TestEngine, r: SearchRequest) -> Result<SearchResults> {
    e.engine.search(&r).await
}

async fn a_two_character_chinese_word_finds_the_article_that_contains_it(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let diffusion = doc(
        site,
        "zh-CN",
        "扩散模型入门：从原理到实践",
        "本文介绍扩散模型的基本原理。",
        &[],
    );
    let fair = doc(
        site,
        "zh-CN",
        "广交会参展指南",
        "外贸企业如何准备展会。",
        &[],
    );
    e.engine
        .upsert(vec![diffusion.clone(), fair.clone()])
        .await?;
    assert_eq!(e.ids("扩散", |_| {}).await?, vec![diffusion.id]);
    assert_eq!(e.ids("模型", |_| {}).await?, vec![diffusion.id]);
    assert_eq!(e.ids("展会", |_| {}).await?, vec![fair.id]);
    assert_eq!(e.ids("外贸", |_| {}).await?, vec![fair.id]);
    assert!(e.ids("区块链", |_| {}).await?.is_empty());
    Ok(())
}

async fn an_english_word_with_a_typo_is_found(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let incoterms = doc(
        site,
        "en",
        "Incoterms 2020 explained",
        "FOB and CIF compared for exporters.",
        &[],
    );
    let cart = doc(site, "en", "A cart for the shop", "Checkout flows.", &[]);
    e.engine
        .upsert(vec![incoterms.clone(), cart.clone()])
        .await?;
    assert_eq!(e.ids("incotrems", |_| {}).await?, vec![incoterms.id]);
    assert_eq!(e.ids("exportrs", |_| {}).await?, vec![incoterms.id]);
    // Words under five characters get no typo: `cars` does not find `cart`.
    assert!(e.ids("cars", |_| {}).await?.is_empty());
    Ok(())
}

async fn a_typo_on_the_first_letter_costs_two(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let d = doc(
        site,
        "en",
        "Containers and shipping",
        "Booking containers.",
        &[],
    );
    e.engine.upsert(vec![d.clone()]).await?;
    // Ten letters allow two typos; a wrong first letter uses both.
    assert_eq!(e.ids("xontainers", |_| {}).await?, vec![d.id]);
    assert!(e.ids("xontainrs", |_| {}).await?.is_empty());
    // Eight letters allow one typo, which may not be on the first letter.
    assert!(e.ids("xhipping", |_| {}).await?.is_empty());
    assert_eq!(e.ids("shiping", |_| {}).await?, vec![d.id]);
    Ok(())
}

async fn english_and_chinese_articles_share_one_index(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let en = doc(
        site,
        "en",
        "Trade fair checklist",
        "Shipping samples to the Canton fair.",
        &[],
    );
    let zh = doc(
        site,
        "zh-CN",
        "展会清单",
        "把样品寄到广交会。Canton fair 2026",
        &[],
    );
    e.engine.upsert(vec![en.clone(), zh.clone()]).await?;
    assert_eq!(e.ids("checklist", |_| {}).await?, vec![en.id]);
    assert_eq!(e.ids("样品", |_| {}).await?, vec![zh.id]);
    let mut both = e.ids("canton", |_| {}).await?;
    both.sort();
    let mut expected = vec![en.id, zh.id];
    expected.sort();
    assert_eq!(both, expected);
    Ok(())
}

async fn a_search_scoped_to_a_site_never_returns_another_sites_article(
    e: &TestEngine,
) -> Result<()> {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let on_a = doc(a, "en", "Container shipping rates", "Rates rise.", &[]);
    let on_b = doc(b, "en", "Container shipping rates", "Rates fall.", &[]);
    e.engine.upsert(vec![on_a.clone(), on_b.clone()]).await?;
    assert_eq!(
        e.ids("container", |r| r.site = Some(a)).await?,
        vec![on_a.id]
    );
    assert_eq!(
        e.ids("container", |r| r.site = Some(b)).await?,
        vec![on_b.id]
    );
    assert_eq!(e.ids("", |r| r.site = Some(a)).await?, vec![on_a.id]);
    assert_eq!(e.ids("container", |_| {}).await?.len(), 2);
    Ok(())
}

async fn locale_and_tag_filters_narrow_the_hits(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let en = doc(
        site,
        "en",
        "Steel pipes",
        "Pipes for export.",
        &["steel", "pipes"],
    );
    let de = doc(site, "de", "Stahlrohre pipes", "Rohre.", &["steel"]);
    let other = doc(site, "en", "Copper pipes", "Pipes.", &["copper", "pipes"]);
    e.engine
        .upsert(vec![en.clone(), de.clone(), other.clone()])
        .await?;
    assert_eq!(
        e.ids("pipes", |r| r.locale = Some("de".into())).await?,
        vec![de.id]
    );
    let mut tagged = e.ids("pipes", |r| r.tags = vec!["pipes".into()]).await?;
    tagged.sort();
    let mut expected = vec![en.id, other.id];
    expected.sort();
    assert_eq!(tagged, expected);
    assert_eq!(
        e.ids("pipes", |r| {
            r.tags = vec!["steel".into(), "pipes".into()];
            r.locale = Some("en".into());
        })
        .await?,
        vec![en.id]
    );
    Ok(())
}

async fn tag_counts_cover_all_matches_and_the_total_is_given(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let docs = vec![
        doc(
            site,
            "en",
            "Solar panels one",
            "Solar.",
            &["solar", "energy"],
        ),
        doc(site, "en", "Solar panels two", "Solar.", &["solar"]),
        doc(
            site,
            "en",
            "Solar panels three",
            "Solar.",
            &["solar", "export"],
        ),
        doc(site, "en", "Wind turbines", "Wind.", &["energy"]),
    ];
    e.engine.upsert(docs).await?;
    let found = search(
        e,
        SearchRequest {
            text: "solar".into(),
            limit: 1,
            ..SearchRequest::default()
        },
    )
    .await?;
    assert_eq!(found.hits.len(), 1);
    assert_eq!(found.estimated_total, 3);
    assert_eq!(
        found.tag_counts,
        vec![
            ("solar".to_owned(), 3),
            ("energy".to_owned(), 1),
            ("export".to_owned(), 1)
        ]
    );
    Ok(())
}

async fn deleting_and_replacing_documents_takes_effect(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let mut a = doc(site, "en", "Bamboo furniture", "Chairs.", &[]);
    let b = doc(site, "en", "Bamboo flooring", "Floors.", &[]);
    e.engine.upsert(vec![a.clone(), b.clone()]).await?;
    e.engine.delete(vec![b.id, Uuid::new_v4()]).await?;
    assert_eq!(e.ids("bamboo", |_| {}).await?, vec![a.id]);
    a.title = "Rattan furniture".into();
    e.engine.upsert(vec![a.clone()]).await?;
    e.engine.upsert(vec![a.clone()]).await?;
    assert!(e.ids("bamboo", |_| {}).await?.is_empty());
    assert_eq!(e.ids("rattan", |_| {}).await?, vec![a.id]);
    e.engine.clear().await?;
    assert!(e.ids("", |_| {}).await?.is_empty());
    Ok(())
}

async fn related_articles_exclude_the_article_and_rank_by_shared_words_and_tags(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let this = doc(
        site,
        "en",
        "Shipping lithium batteries by sea",
        "Dangerous goods rules for lithium batteries in containers.",
        &["batteries", "shipping", "dangerous-goods"],
    );
    let two_tags = doc(
        site,
        "en",
        "Packing rules for exporters",
        "Labels and boxes.",
        &["batteries", "shipping"],
    );
    let one_tag = doc(
        site,
        "en",
        "Freight forwarders",
        "Choosing a forwarder.",
        &["shipping"],
    );
    let text_only = doc(
        site,
        "en",
        "Lithium batteries by air",
        "Air rules for lithium batteries.",
        &[],
    );
    let unrelated = doc(site, "en", "Our new office", "We moved.", &["company"]);
    let other_site = doc(
        Uuid::new_v4(),
        "en",
        "Shipping lithium batteries by sea",
        "Same text, other site.",
        &["batteries", "shipping"],
    );
    let other_locale = doc(
        site,
        "de",
        "Lithium batteries shipping",
        "Deutsch.",
        &["batteries", "shipping"],
    );
    e.engine
        .upsert(vec![
            this.clone(),
            two_tags.clone(),
            one_tag.clone(),
            text_only.clone(),
            unrelated.clone(),
            other_site.clone(),
            other_locale.clone(),
        ])
        .await?;
    let related = e.engine.related(&this, 10).await?;
    // Two shared tags and a shared title word (rules) first; then the article about the same
    // lithium batteries without tags; last the one that shares only the broad `shipping` tag.
    assert_eq!(related, vec![two_tags.id, text_only.id, one_tag.id]);
    assert_eq!(e.engine.related(&this, 1).await?, vec![two_tags.id]);
    Ok(())
}

async fn matches_are_marked_in_title_and_excerpt(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let d = doc(
        site,
        "en",
        "Incoterms for beginners",
        "What incoterms mean for your quotes.",
        &[],
    );
    let zh = doc(site, "zh-CN", "扩散模型入门", "扩散模型的原理", &[]);
    e.engine.upsert(vec![d, zh]).await?;
    let found = search(
        e,
        SearchRequest {
            text: "incoterms".into(),
            limit: 5,
            ..SearchRequest::default()
        },
    )
    .await?;
    let hit = found
        .hits
        .first()
        .ok_or_else(|| anyhow::anyhow!("no hit"))?;
    assert_eq!(
        hit.title,
        format!("{MARK_START}Incoterms{MARK_END} for beginners")
    );
    assert!(
        hit.excerpt
            .contains(&format!("{MARK_START}incoterms{MARK_END}")),
        "{}",
        hit.excerpt
    );
    // Without highlights (the client asked for none) the text comes back unmarked.
    let plain = search(
        e,
        SearchRequest {
            text: "incoterms".into(),
            limit: 5,
            skip_highlights: true,
            ..SearchRequest::default()
        },
    )
    .await?;
    let hit = plain
        .hits
        .first()
        .ok_or_else(|| anyhow::anyhow!("no hit"))?;
    assert_eq!(hit.title, "Incoterms for beginners");
    assert!(!hit.excerpt.contains(MARK_START), "{}", hit.excerpt);
    let found = search(
        e,
        SearchRequest {
            text: "扩散".into(),
            limit: 5,
            ..SearchRequest::default()
        },
    )
    .await?;
    let hit = found
        .hits
        .first()
        .ok_or_else(|| anyhow::anyhow!("no hit"))?;
    assert!(
        hit.title
            .starts_with(&format!("{MARK_START}扩散{MARK_END}")),
        "{}",
        hit.title
    );
    Ok(())
}

async fn an_empty_query_lists_newest_first_and_pages_with_offset(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let mut docs = Vec::new();
    for i in 0..5 {
        let mut d = doc(site, "en", &format!("Note {i}"), "Text.", &[]);
        d.published_at = 1_700_000_000 + i64::from(i);
        docs.push(d);
    }
    e.engine.upsert(docs.clone()).await?;
    let newest_first: Vec<Uuid> = docs.iter().rev().map(|d| d.id).collect();
    assert_eq!(e.ids("", |_| {}).await?, newest_first);
    assert_eq!(
        e.ids("", |r| {
            r.offset = 1;
            r.limit = 2;
        })
        .await?,
        newest_first[1..3].to_vec()
    );
    Ok(())
}

/// Cyrillic, Korean and accented Latin are cut at word boundaries like English: a word finds
/// its article, and letters from the middle of a word find nothing.
async fn words_of_other_scripts_are_matched_whole(e: &TestEngine) -> Result<()> {
    let site = Uuid::new_v4();
    let furniture = doc(
        site,
        "ru",
        "Экспорт мебели в Европу",
        "Доставка по морю и железной дороге.",
        &[],
    );
    let korean = doc(site, "ko", "가구 수출 안내", "해상 운송과 통관 절차.", &[]);
    let german = doc(
        site,
        "de",
        "Müller Maschinenbau",
        "Qualität aus Süddeutschland.",
        &[],
    );
    e.engine
        .upsert(vec![furniture.clone(), korean.clone(), german.clone()])
        .await?;
    assert_eq!(e.ids("мебели", |_| {}).await?, vec![furniture.id]);
    assert_eq!(e.ids("Европу", |_| {}).await?, vec![furniture.id]);
    assert_eq!(e.ids("수출", |_| {}).await?, vec![korean.id]);
    assert_eq!(e.ids("müller", |_| {}).await?, vec![german.id]);
    assert_eq!(e.ids("qualität", |_| {}).await?, vec![german.id]);
    // Letters from inside a word are not a word: neither engine matches them.
    assert!(e.ids("ебел", |_| {}).await?.is_empty());
    assert!(e.ids("ллер", |_| {}).await?.is_empty());
    Ok(())
}

/// The snippet of the first hit of a search for `text`.
async fn first_snippet(e: &TestEngine, text: &str) -> Result<String> {
    let found = search(
        e,
        SearchRequest {
            text: text.into(),
            limit: 5,
            ..SearchRequest::default()
        },
    )
    .await?;
    let hit = found
        .hits
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no hit for {text}"))?;
    Ok(hit.snippet)
}

const LONG_EN: &str = "Our factory in Dongguan has machined aluminium housings for buyers in \
    Europe and North America since 2009. Every order starts with a drawing review, a quotation \
    within two working days and a first article inspection report. Most customers order between \
    two hundred and five thousand pieces, and repeat orders ship within three weeks. For outdoor \
    lighting housings we recommend hard anodizing after machining, because the coating keeps \
    the <b>colour</b> & \"finish\" stable in salt spray tests. Our engineers also advise on \
    tolerances, thread standards and packing, so that the parts arrive ready for assembly at \
    your plant without rework or delays at customs.";

const LONG_ZH: &str = "我们的工厂位于东莞，自二零零九年起为欧洲和北美的客户加工铝合金外壳。\
    每一个订单都从图纸评审开始，两个工作日内报价，并提供首件检验报告。大多数客户的订单数量在两百件到\
    五千件之间，返单三周内即可出货。对于户外灯具外壳，我们建议在加工之后进行硬质阳极氧化，\
    因为这种涂层能让颜色在盐雾测试中保持稳定。我们的工程师还会就公差、螺纹标准和包装方式提供建议，\
    确保零件到达客户工厂时可以直接装配，不会因为返工或清关而延误交期。";

async fn a_word_deep_in_the_body_is_marked_in_the_snippet_and_markup_is_escaped(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let mut en = doc(site, "en", "CNC machining for export", LONG_EN, &[]);
    en.excerpt = "Aluminium housings for buyers abroad.".into();
    let mut zh = doc(site, "zh-CN", "出口数控加工", LONG_ZH, &[]);
    zh.excerpt = "为海外客户加工铝合金外壳。".into();
    e.engine.upsert(vec![en, zh]).await?;

    let snippet = first_snippet(e, "anodizing").await?;
    assert!(
        snippet.contains(&format!("{MARK_START}anodizing{MARK_END}")),
        "{snippet}"
    );
    assert!(
        snippet.starts_with(CROP_MARKER) && snippet.ends_with(CROP_MARKER),
        "{snippet}"
    );
    let words = snippet.split_whitespace().count();
    assert!((24..=34).contains(&words), "{words} words: {snippet}");
    let html = to_html(&snippet);
    assert!(html.contains("<em>anodizing</em>"), "{html}");
    assert!(
        html.contains("&lt;b&gt;colour&lt;/b&gt; &amp; &quot;finish&quot;"),
        "{html}"
    );
    assert!(!html.contains("<b>"), "{html}");

    let snippet = first_snippet(e, "阳极氧化").await?;
    let html = to_html(&snippet);
    assert!(html.contains("<em>阳极氧化</em>"), "{html}");
    assert!(
        snippet.starts_with(CROP_MARKER) && snippet.ends_with(CROP_MARKER),
        "{snippet}"
    );
    let han = snippet
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    assert!((40..=70).contains(&han), "{han} characters: {snippet}");
    Ok(())
}

async fn a_snippet_is_the_start_of_the_body_when_the_body_has_no_match(
    e: &TestEngine,
) -> Result<()> {
    let site = Uuid::new_v4();
    let d = doc(site, "en", "Supplier profile", LONG_EN, &[]);
    let short = doc(site, "en", "Short note", "Two <i>lines</i> only.", &[]);
    e.engine.upsert(vec![d, short]).await?;
    let snippet = first_snippet(e, "profile").await?;
    assert!(snippet.starts_with("Our factory in Dongguan"), "{snippet}");
    assert!(snippet.ends_with(CROP_MARKER), "{snippet}");
    assert!(!snippet.contains(MARK_START), "{snippet}");
    let snippet = first_snippet(e, "short").await?;
    assert_eq!(to_html(&snippet), "Two &lt;i&gt;lines&lt;/i&gt; only.");
    Ok(())
}

/// Articles about solar panels, inverters and both, in English and Chinese.
async fn solar_and_inverters(e: &TestEngine) -> Result<[Uuid; 6]> {
    let site = Uuid::new_v4();
    let docs = [
        doc(
            site,
            "en",
            "Solar panel installation",
            "Mounting rails and cabling.",
            &[],
        ),
        doc(
            site,
            "en",
            "Inverter sizing",
            "Choosing the power rating.",
            &[],
        ),
        doc(
            site,
            "en",
            "Solar inverter buying guide",
            "What to compare.",
            &[],
        ),
        doc(site, "zh-CN", "太阳能电池板安装", "支架与布线。", &[]),
        doc(site, "zh-CN", "逆变器选型", "如何选择功率。", &[]),
        doc(
            site,
            "zh-CN",
            "太阳能逆变器采购指南",
            "需要比较的参数。",
            &[],
        ),
    ];
    e.engine.upsert(docs.to_vec()).await?;
    Ok(docs.map(|d| d.id))
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

async fn every_word_of_a_query_must_match_when_some_article_has_them_all(
    e: &TestEngine,
) -> Result<()> {
    let [_, _, solar_inverter, _, _, zh_both] = solar_and_inverters(e).await?;
    assert_eq!(e.ids("solar inverter", |_| {}).await?, vec![solar_inverter]);
    assert_eq!(e.ids("inverter solar", |_| {}).await?, vec![solar_inverter]);
    assert_eq!(e.ids("太阳能 逆变器", |_| {}).await?, vec![zh_both]);
    assert_eq!(e.ids("逆变器 太阳能", |_| {}).await?, vec![zh_both]);
    Ok(())
}

async fn when_no_article_has_every_word_articles_with_any_of_them_are_found(
    e: &TestEngine,
) -> Result<()> {
    let [solar, inverter, both, zh_solar, zh_inverter, zh_both] = solar_and_inverters(e).await?;
    // Two words, only one of which occurs: the articles with that word, whichever comes first.
    assert_eq!(
        sorted(e.ids("solar blockchain", |_| {}).await?),
        sorted(vec![solar, both])
    );
    assert_eq!(
        sorted(e.ids("blockchain inverter", |_| {}).await?),
        sorted(vec![inverter, both])
    );
    assert_eq!(
        sorted(e.ids("太阳能 区块链", |_| {}).await?),
        sorted(vec![zh_solar, zh_both])
    );
    assert_eq!(
        sorted(e.ids("区块链 逆变器", |_| {}).await?),
        sorted(vec![zh_inverter, zh_both])
    );
    // The total and the filters follow the fallback too.
    let found = search(
        e,
        SearchRequest {
            text: "blockchain inverter".into(),
            locale: Some("en".into()),
            limit: 1,
            ..SearchRequest::default()
        },
    )
    .await?;
    assert_eq!(found.hits.len(), 1);
    assert_eq!(found.estimated_total, 2);
    // A query none of whose words occurs finds nothing.
    assert!(e.ids("blockchain metaverse", |_| {}).await?.is_empty());
    Ok(())
}

/// Precision@5 of `related` over the labelled evaluation set (tests/fixtures/related-eval.txt):
/// the share of the five related articles of each article that are of its topic, averaged.
async fn related_articles_are_of_the_same_topic_at_a_precision_at_5_of_at_least_0_8(
    e: &TestEngine,
) -> Result<()> {
    let set = related_eval_set(Uuid::new_v4())?;
    e.engine
        .upsert(set.iter().map(|l| l.doc.clone()).collect())
        .await?;
    let topic_of: std::collections::HashMap<Uuid, &str> =
        set.iter().map(|l| (l.doc.id, l.topic.as_str())).collect();
    let mut by_topic: std::collections::BTreeMap<(String, &str), (usize, usize)> =
        std::collections::BTreeMap::new();
    let (mut hits, mut slots) = (0, 0);
    let started = std::time::Instant::now();
    for l in &set {
        let related = e.engine.related(&l.doc, 5).await?;
        let good = related
            .iter()
            .filter(|id| topic_of.get(id) == Some(&l.topic.as_str()))
            .count();
        hits += good;
        slots += 5;
        let entry = by_topic
            .entry((l.doc.locale.clone(), l.topic.as_str()))
            .or_default();
        entry.0 += good;
        entry.1 += 5;
    }
    // Only reported (tests never assert on time): the mean time of one `related` call.
    let mean_ms = started.elapsed().as_secs_f64() * 1000.0 / set.len() as f64;
    let precision = hits as f64 / slots as f64;
    let engine = e.engine.name();
    let detail: Vec<String> = by_topic
        .iter()
        .map(|((locale, topic), (good, n))| {
            format!("{locale}/{topic} {:.2}", *good as f64 / *n as f64)
        })
        .collect();
    loud(&format!(
        "related precision@5 on {engine}: {precision:.3} over {} articles, {mean_ms:.1} ms a call ({})",
        set.len(),
        detail.join(", ")
    ));
    assert!(
        precision >= 0.8,
        "precision@5 of related on {engine} is {precision:.3}, below 0.8"
    );
    Ok(())
}
