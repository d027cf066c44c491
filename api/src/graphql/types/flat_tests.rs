//! The fast path answers exactly what async-graphql's own path answers, for every shape of
//! selection, and is really taken when it can be (a counter in a normal resolver shows it).
use super::*;
use crate::graphql::types::{
    category::Category, media::Media, product_parts::ProductSpec, tag::Tag,
};
use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value as Json;
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

/// How many times `Row.counted` went through its normal resolver (only one test asks for it).
static COUNTED: AtomicUsize = AtomicUsize::new(0);

#[derive(Clone)]
struct Row {
    a: i32,
    b: String,
    c: Option<String>,
    at: DateTime<Utc>,
}

#[Object]
impl Row {
    async fn a(&self) -> i32 {
        self.a
    }
    async fn b(&self) -> &str {
        &self.b
    }
    async fn counted(&self) -> i32 {
        COUNTED.fetch_add(1, Ordering::SeqCst);
        self.a
    }
    async fn c(&self) -> Option<&str> {
        self.c.as_deref()
    }
    async fn at(&self) -> DateTime<Utc> {
        self.at
    }
    /// With an argument: only the normal path answers it.
    async fn plus(&self, x: i32) -> i32 {
        self.a + x
    }
    /// A nested object: only the normal path answers it.
    async fn twin(&self) -> Row {
        self.clone()
    }
}

impl FlatFields for Row {
    fn flat_field(&self, _: &ContextSelectionSet<'_>, name: &str) -> Option<Value> {
        Some(match name {
            "a" => scalar(&self.a),
            "b" => text(&self.b),
            "c" => opt_text(self.c.as_deref()),
            "at" => scalar(&self.at),
            "counted" => scalar(&self.a),
            _ => return None,
        })
    }
}

fn rows() -> Vec<Row> {
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 30, 5).single();
    (0..3)
        .map(|i| Row {
            a: i,
            b: format!("行 {i}"),
            c: (i % 2 == 0).then(|| format!("c{i}")),
            at: at.unwrap_or_default() + chrono::Duration::milliseconds(i64::from(i) * 1234),
        })
        .collect()
}

fn ids(n: u128) -> Uuid {
    Uuid::from_u128(0x1234_5678_9abc_def0_0000_0000_0000_0000 + n)
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 23, 59, 58)
        .single()
        .unwrap_or_default()
}

fn tags() -> Vec<Tag> {
    (1..3)
        .map(|n| {
            Tag(entities::tag::Model {
                id: ids(n),
                site_id: ids(100),
                name: format!("阀门 {n}"),
                slug: format!("valves-{n}"),
                created_at: at(),
            })
        })
        .collect()
}

fn specs() -> Vec<ProductSpec> {
    (0..3)
        .map(|n| {
            ProductSpec(entities::product_spec::Model {
                product_id: ids(7),
                position: n,
                spec_group: (n > 0).then(|| "材质".to_owned()),
                name: format!("压力 {n}"),
                value: "PN16".to_owned(),
                unit: (n == 1).then(|| "MPa".to_owned()),
            })
        })
        .collect()
}

fn categories() -> Vec<Category> {
    let row = |n: u128, parent| entities::category::Model {
        id: ids(n),
        site_id: ids(100),
        parent_id: parent,
        position: 2,
        slug: format!("cat-{n}"),
        version: 3,
        created_at: at(),
        updated_at: at(),
    };
    let named = |n: u128, locale: &str, name: &str| entities::category_translation::Model {
        category_id: ids(n),
        locale: locale.to_owned(),
        name: name.to_owned(),
        description: (n == 20).then(|| "说明".to_owned()),
    };
    vec![
        Category {
            row: row(20, None),
            translations: vec![named(20, "en", "Valves"), named(20, "zh-CN", "阀门")],
            locale: Some("zh-CN".to_owned()),
            children: Vec::new(),
            product_count: Some(4),
        },
        Category {
            row: row(21, Some(ids(20))),
            translations: vec![named(21, "zh-CN", "球阀")],
            locale: Some("zh-CN".to_owned()),
            children: Vec::new(),
            product_count: None,
        },
    ]
}

fn media() -> Vec<Media> {
    (0..2)
        .map(|n| {
            Media(entities::media::Model {
                id: ids(30 + n),
                site_id: ids(100),
                uploader_id: None,
                storage_key: format!("k/{n}.png"),
                filename: "图.png".to_owned(),
                content_type: "image/png".to_owned(),
                size_bytes: 12_345 + n as i64,
                sha256: "ab".repeat(32),
                width: Some(640),
                height: (n == 0).then_some(480),
                alt: (n == 1).then(|| "alt".to_owned()),
                created_at: at(),
                public: n == 0,
                blurhash: Some("LEHV6nWB2yk8pyo0adR*.7kCMdnj".to_owned()),
                dominant_color: None,
            })
        })
        .collect()
}

struct Query;

#[Object]
impl Query {
    async fn plain(&self) -> Vec<Row> {
        rows()
    }
    async fn flat(&self) -> FlatList<Row> {
        FlatList(rows())
    }
    async fn one(&self) -> Row {
        rows().remove(1)
    }
    async fn one_flat(&self) -> Flat<Row> {
        Flat(rows().remove(1))
    }
    async fn none_flat(&self) -> Option<Flat<Row>> {
        None
    }
    async fn tags(&self) -> Vec<Tag> {
        tags()
    }
    async fn flat_tags(&self) -> FlatList<Tag> {
        FlatList(tags())
    }
    async fn specs(&self) -> Vec<ProductSpec> {
        specs()
    }
    async fn flat_specs(&self) -> FlatList<ProductSpec> {
        FlatList(specs())
    }
    async fn categories(&self) -> Vec<Category> {
        categories()
    }
    async fn flat_categories(&self) -> FlatList<Category> {
        FlatList(categories())
    }
    async fn media(&self) -> Vec<Media> {
        media()
    }
    async fn flat_media(&self) -> FlatList<Media> {
        FlatList(media())
    }
}

async fn run(query: &str) -> Json {
    let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
    let response = schema.execute(query).await;
    assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    response.data.into_json().unwrap_or_default()
}

/// Runs `selection` on both fields of each pair and checks both answers are equal.
async fn same(pairs: &[(&str, &str)], selection: &str, fragments: &str) {
    let fields: String = pairs
        .iter()
        .map(|(plain, flat)| format!("{plain} {selection} {flat} {selection} "))
        .collect();
    let data = run(&format!("{{ {fields} }} {fragments}")).await;
    for (plain, flat) in pairs {
        assert!(!data[plain].is_null(), "{selection}: {data}");
        assert_eq!(data[plain], data[flat], "{selection} on {plain}");
        let keys = |v: &Json| -> Vec<Vec<String>> {
            let items = v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
            items
                .iter()
                .map(|o| {
                    o.as_object()
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default()
                })
                .collect()
        };
        assert_eq!(
            keys(&data[plain]),
            keys(&data[flat]),
            "key order of {selection}"
        );
    }
}

const ROWS: [(&str, &str); 2] = [("plain", "flat"), ("one", "oneFlat")];

#[tokio::test]
async fn every_shape_of_selection_is_answered_as_the_normal_path_answers_it() {
    for selection in [
        "{ a b c at }",
        "{ c a }",
        "{ first: a second: b a __typename }",
        "{ b b a b }",
        "{ ...R c }",
        "{ ... on Row { b } ... { a } c }",
        "{ ... { ... on Row { ...R } } }",
        "{ a plus(x: 2) }",
        "{ b twin { a b } }",
        "{ a twin { ...R } }",
        "{ a b @include(if: true) c @skip(if: true) }",
        "{ a ... @include(if: false) { b } }",
    ] {
        let fragment = if selection.contains("...R") {
            "fragment R on Row { at b }"
        } else {
            ""
        };
        same(&ROWS, selection, fragment).await;
    }
    let data = run("{ noneFlat { a } }").await;
    assert!(data["noneFlat"].is_null(), "{data}");
}

#[tokio::test]
async fn the_fast_path_is_taken_when_it_can_be_and_left_when_it_cannot() {
    let data =
        run("{ flat { a counted ...R } oneFlat { counted } } fragment R on Row { counted }").await;
    assert_eq!(data["flat"][2]["counted"], 2, "{data}");
    assert_eq!(
        COUNTED.load(Ordering::SeqCst),
        0,
        "the flat fields went the normal way"
    );
    run("{ flat { counted plus(x: 1) } }").await;
    assert_eq!(
        COUNTED.load(Ordering::SeqCst),
        3,
        "a field with arguments must send every row down the normal path"
    );
}

#[tokio::test]
async fn the_api_types_answer_their_fast_fields_as_their_resolvers_do() {
    same(
        &[("tags", "flatTags")],
        "{ id siteId name slug __typename }",
        "",
    )
    .await;
    same(&[("specs", "flatSpecs")], "{ group name value unit }", "").await;
    same(
        &[("categories", "flatCategories")],
        "{ id parentId position slug name description locale productCount version updatedAt }",
        "",
    )
    .await;
    same(
        &[("media", "flatMedia")],
        "{ id key filename contentType size sha256 width height alt createdAt blurhash dominantColor }",
        "",
    )
    .await;
}
