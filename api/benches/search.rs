//! Search benchmarks on the embedded engine: indexing throughput for 10,000 generated articles
//! (mixed English and Chinese), and search latency through Wharf's search service (site lookup,
//! engine, re-reading the hits from SQLite, highlighting) against the engine queried directly.
//!
//! Run: `cargo bench -p wharf --bench search`. Figures are in `docs/search-benchmarks.md`.
#![expect(clippy::unwrap_used, reason = "a benchmark stops at its first failure")]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use entities::{article, site};
use sea_orm::{ActiveValue::Set, EntityTrait};
use std::time::Duration;
use uuid::Uuid;
use wharf::Settings;
use wharf::search::embedded::EmbeddedIndex;
use wharf::search::han;
use wharf::search::{SearchDoc, SearchEngine, SearchRequest};
use wharf::services::search::{SearchInput, search_articles};

const ARTICLES: usize = 10_000;
const BATCH: usize = 500;

const EN: &[&str] = &[
    "incoterms",
    "shipping",
    "container",
    "freight",
    "export",
    "import",
    "customs",
    "tariff",
    "supplier",
    "factory",
    "quality",
    "inspection",
    "warehouse",
    "logistics",
    "invoice",
    "payment",
    "letter",
    "credit",
    "insurance",
    "cargo",
    "port",
    "vessel",
    "booking",
    "documents",
    "samples",
    "trade",
    "fair",
    "buyer",
    "order",
    "price",
    "quotation",
    "delivery",
    "packaging",
    "label",
    "certificate",
    "origin",
    "battery",
    "solar",
    "panel",
    "textile",
    "cotton",
    "steel",
    "pipe",
    "furniture",
    "bamboo",
    "machine",
    "parts",
    "market",
    "europe",
    "africa",
    "america",
    "the",
    "and",
    "for",
    "with",
    "your",
    "how",
    "to",
    "guide",
    "checklist",
    "rules",
    "compliance",
];
const ZH: &[&str] = &[
    "外贸",
    "展会",
    "扩散",
    "模型",
    "物流",
    "海运",
    "报关",
    "关税",
    "供应商",
    "工厂",
    "质量",
    "检验",
    "仓库",
    "发票",
    "付款",
    "信用证",
    "保险",
    "货物",
    "港口",
    "船期",
    "订舱",
    "单证",
    "样品",
    "买家",
    "订单",
    "价格",
    "报价",
    "交货",
    "包装",
    "标签",
    "证书",
    "原产地",
    "电池",
    "太阳能",
    "纺织",
    "棉花",
    "钢管",
    "家具",
    "竹子",
    "机械",
    "配件",
    "市场",
    "欧洲",
    "非洲",
];

/// A small deterministic generator, so every run indexes the same text.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
    fn words(&mut self, zh: bool, n: usize) -> String {
        let (list, sep) = if zh { (ZH, "") } else { (EN, " ") };
        (0..n)
            .map(|_| list[self.next(list.len())])
            .collect::<Vec<_>>()
            .join(sep)
    }
}

fn generate(sites: &[Uuid]) -> Vec<SearchDoc> {
    let mut g = Lcg(42);
    (0..ARTICLES)
        .map(|i| {
            let zh = i % 2 == 1;
            let tags = (0..3).map(|_| format!("tag-{}", g.next(40))).collect();
            SearchDoc {
                id: Uuid::new_v4(),
                site: sites[(i / 2) % sites.len()],
                locale: if zh { "zh-CN" } else { "en" }.to_owned(),
                title: g.words(zh, 6),
                excerpt: g.words(zh, 25),
                body: g.words(zh, 150),
                tags,
                status: "published".to_owned(),
                published_at: 1_700_000_000 + i as i64,
            }
        })
        .collect()
}

async fn index_all(engine: &SearchEngine, docs: &[SearchDoc]) {
    for chunk in docs.chunks(BATCH) {
        engine.upsert(chunk.to_vec()).await.unwrap();
    }
}

/// A SQLite database holding the sites and the articles of `docs`, as the service reads them.
async fn database(
    dir: &std::path::Path,
    sites: &[Uuid],
    docs: &[SearchDoc],
) -> sea_orm::DatabaseConnection {
    let settings = Settings {
        data_dir: dir.to_path_buf(),
        ..Settings::default()
    };
    let db = wharf::db::connect(&settings).await.unwrap();
    wharf::db::migrate(&db).await.unwrap();
    let now = chrono::Utc::now();
    for (i, id) in sites.iter().enumerate() {
        site::Entity::insert(site::ActiveModel {
            id: Set(*id),
            name: Set(format!("Site {i}")),
            domain: Set(format!("site{i}.example.com")),
            default_locale: Set("en".into()),
            locales: Set(serde_json::json!(["en", "zh-CN"])),
            description: Set(None),
            country: Set(None),
            categories: Set(serde_json::json!([])),
            languages: Set(serde_json::json!([])),
            verification_token: Set(format!("token-{i}")),
            verified_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&db)
        .await
        .unwrap();
    }
    for chunk in docs.chunks(200) {
        let rows = chunk.iter().map(|d| article::ActiveModel {
            id: Set(d.id),
            site_id: Set(d.site),
            translation_group_id: Set(d.id),
            locale: Set(d.locale.clone()),
            slug: Set(d.id.to_string()),
            title: Set(d.title.clone()),
            body: Set(d.body.clone()),
            excerpt: Set(Some(d.excerpt.clone())),
            status: Set(article::ArticleStatus::Published),
            published_at: Set(d.published()),
            scheduled_at: Set(None),
            author_id: Set(None),
            cover_media_id: Set(None),
            meta_title: Set(None),
            meta_description: Set(None),
            canonical_url: Set(None),
            og_image_media_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            digest_rev: Set(None),
            digest: Set(None),
        });
        article::Entity::insert_many(rows).exec(&db).await.unwrap();
    }
    db
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sites = [Uuid::new_v4(), Uuid::new_v4()];
    let docs = generate(&sites);

    let mut indexing = c.benchmark_group("indexing");
    indexing
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    indexing.throughput(Throughput::Elements(ARTICLES as u64));
    indexing.bench_function("embedded_10000_articles_batches_of_500", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let engine = SearchEngine::Embedded(
                    EmbeddedIndex::open(&dir.path().join("search")).unwrap(),
                );
                (dir, engine)
            },
            |(dir, engine)| {
                rt.block_on(index_all(&engine, &docs));
                drop(engine);
                dir
            },
            BatchSize::PerIteration,
        );
    });
    indexing.finish();

    let dir = tempfile::tempdir().unwrap();
    let engine = SearchEngine::Embedded(EmbeddedIndex::open(&dir.path().join("search")).unwrap());
    rt.block_on(index_all(&engine, &docs));
    let db = rt.block_on(database(dir.path(), &sites, &docs));

    let mut latency = c.benchmark_group("search_latency");
    latency
        .sample_size(50)
        .measurement_time(Duration::from_secs(5));
    for (name, text) in [
        ("english", "shipping container"),
        ("typo", "incotrems"),
        ("chinese", "外贸"),
    ] {
        latency.bench_function(format!("engine_direct/{name}"), |b| {
            b.iter(|| {
                let request = SearchRequest {
                    text: text.to_owned(),
                    site: Some(sites[0]),
                    limit: 20,
                    ..SearchRequest::default()
                };
                rt.block_on(engine.search(&request)).unwrap()
            });
        });
        // Site IDs are remembered as the server remembers them (its response cache's).
        let sites = wharf::cache::ResponseCache::new(1, std::time::Duration::ZERO);
        latency.bench_function(format!("through_wharf/{name}"), |b| {
            b.iter(|| {
                let input = SearchInput {
                    text: text.to_owned(),
                    site: Some("site0.example.com".to_owned()),
                    first: Some(20),
                    ..SearchInput::default()
                };
                let page = rt
                    .block_on(search_articles(&db, &engine, &sites, input, 100))
                    .ok()
                    .unwrap();
                assert!(!page.hits.is_empty());
                page
            });
        });
    }
    latency.finish();
}

/// Chinese word segmentation alone: Wharf's (jieba's algorithm over a trie embedded in the
/// binary) against jieba-rs with its own heap dictionary, on the same runs of Han text.
fn segmentation(c: &mut Criterion) {
    let mut g = Lcg(7);
    let text: String = (0..400).map(|_| g.words(true, 8) + "，").collect();
    let runs: Vec<&str> = text.split('，').filter(|r| !r.is_empty()).collect();
    let jieba = jieba_rs::Jieba::new();
    let mut group = c.benchmark_group("chinese_segmentation");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("wharf_embedded_trie", |b| {
        b.iter(|| {
            runs.iter()
                .map(|r| han::cut_for_search(r).len())
                .sum::<usize>()
        });
    });
    group.bench_function("jieba_rs_heap_dictionary", |b| {
        b.iter(|| {
            runs.iter()
                .map(|r| jieba.cut_for_search(r, true).len())
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(search, benches, segmentation);
criterion_main!(search);
