//! Reasons of the catalogue (products, categories) and of lists (page sizes and cursors).
use super::first_error;
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    a_product_refusal_names_its_reason_beside_the_field,
    a_category_refusal_names_what_is_in_the_way,
    a_bad_page_size_or_cursor_is_refused_with_its_reason,
);

const CREATE_PRODUCT: &str =
    "mutation($i: CreateProductInput!) { createProduct(input: $i) { id version } }";
const CREATE_CATEGORY: &str =
    "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { id version } }";
const UPDATE_CATEGORY: &str = "mutation($id: ID!, $i: UpdateCategoryInput!) { updateCategory(id: $id, input: $i) { id version } }";

/// The owner's token and the ID of a site in English and Chinese.
async fn shop(app: &TestApp) -> Result<(String, String)> {
    let owner = app.signup("owner@valves.example.com").await?;
    let site = app
        .create_site(&owner.token, "valves.example.com", &["en", "zh-CN"])
        .await?;
    Ok((owner.token, site))
}

/// Asserts the first error's message and whole extensions.
fn refused(body: &Value, message: &str, extensions: Value) -> Result<()> {
    let (got, ext) = first_error(body)?;
    assert_eq!(got, message, "{body}");
    assert_eq!(ext, extensions, "{message}");
    Ok(())
}

async fn a_product_refusal_names_its_reason_beside_the_field(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let create = |patch: Value| {
        let mut input = json!({ "siteId": site, "name": "Ball valve DN50" });
        for (k, v) in patch.as_object().into_iter().flatten() {
            input[k] = v.clone();
        }
        let token = token.clone();
        let app = &app;
        async move {
            app.graphql_as(&token, CREATE_PRODUCT, json!({ "i": input }))
                .await
        }
    };
    ok(&create(json!({ "modelNumber": "BV-50" })).await?)?;
    refused(
        &create(json!({ "name": "Ball valve DN50 (stainless)", "modelNumber": "BV-50" })).await?,
        "another product of this site has the model number BV-50",
        json!({ "code": "CONFLICT", "field": "modelNumber", "fieldPath": "input.modelNumber",
            "reason": "MODEL_NUMBER_TAKEN", "params": { "value": "BV-50" } }),
    )?;
    refused(
        &create(json!({ "priceMin": "12.505", "currency": "usd" })).await?,
        "priceMin has more decimals than USD has (2)",
        json!({ "code": "BAD_USER_INPUT", "field": "priceMin", "fieldPath": "input.priceMin",
            "reason": "TOO_MANY_DECIMALS", "params": { "currency": "USD", "digits": 2 } }),
    )?;
    refused(
        &create(json!({ "priceMin": "20", "priceMax": "12.5", "currency": "USD" })).await?,
        "priceMax must not be below priceMin",
        json!({ "code": "BAD_USER_INPUT", "field": "priceMax", "fieldPath": "input.priceMax",
            "reason": "PRICE_MAX_BELOW_MIN" }),
    )?;
    refused(
        &create(json!({ "moqQuantity": 500 })).await?,
        "give the unit of the minimum order (pieces, sets, tons…)",
        json!({ "code": "BAD_USER_INPUT", "field": "moqUnit", "fieldPath": "input.moqUnit",
            "reason": "REQUIRED" }),
    )?;
    refused(
        &create(json!({ "incotermPlace": "Ningbo" })).await?,
        "incotermPlace names the port or place of an Incoterm: give incoterm too",
        json!({ "code": "BAD_USER_INPUT", "field": "incotermPlace",
            "fieldPath": "input.incotermPlace", "reason": "INCOTERM_REQUIRED" }),
    )?;
    refused(
        &create(json!({ "hsCode": "84" })).await?,
        "\"84\" is not an HS code: 6 to 10 digits, such as 8481.80",
        json!({ "code": "BAD_USER_INPUT", "field": "hsCode", "fieldPath": "input.hsCode",
            "reason": "INVALID_HS_CODE", "params": { "value": "84" } }),
    )?;
    // Refused input stores nothing: the one product is the first.
    let listed = app
        .graphql_as(
            &token,
            "query($s: String!) { products(filter: { site: $s }) { totalCount } }",
            json!({ "s": "valves.example.com" }),
        )
        .await?;
    assert_eq!(ok(&listed)?["products"]["totalCount"], 1, "{listed}");
    Ok(())
}

async fn a_category_refusal_names_what_is_in_the_way(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let category = |parent: Option<&str>, en: &str, zh: &str| {
        let vars = json!({ "i": { "siteId": site, "parentId": parent, "translations": [
            { "locale": "en", "name": en }, { "locale": "zh-CN", "name": zh }] } });
        let token = token.clone();
        let app = &app;
        async move {
            let body = app.graphql_as(&token, CREATE_CATEGORY, vars).await?;
            str_at(ok(&body)?, "/createCategory/id")
        }
    };
    let valves = category(None, "Valves", "阀门").await?;
    let ball = category(Some(&valves), "Ball valves", "球阀").await?;
    ok(&app
        .graphql_as(
            &token,
            CREATE_PRODUCT,
            json!({ "i": { "siteId": site, "name": "Ball valve DN50", "categoryIds": [ball] } }),
        )
        .await?)?;

    let only_chinese = app
        .graphql_as(
            &token,
            CREATE_CATEGORY,
            json!({ "i": { "siteId": site, "translations": [{ "locale": "zh-CN", "name": "泵" }] } }),
        )
        .await?;
    refused(
        &only_chinese,
        "give the category's name in the site's default locale (en)",
        json!({ "code": "BAD_USER_INPUT", "field": "translations", "fieldPath": "input.translations",
            "reason": "DEFAULT_LOCALE_REQUIRED", "params": { "locale": "en" } }),
    )?;
    let under_itself = app
        .graphql_as(
            &token,
            UPDATE_CATEGORY,
            json!({ "id": valves, "i": { "parentId": ball } }),
        )
        .await?;
    refused(
        &under_itself,
        "a category cannot move under itself or one of its subcategories",
        json!({ "code": "BAD_USER_INPUT", "field": "parentId", "fieldPath": "input.parentId",
            "reason": "CATEGORY_CYCLE" }),
    )?;
    let stale = app
        .graphql_as(
            &token,
            UPDATE_CATEGORY,
            json!({ "id": valves, "i": { "slug": "all-valves", "expectedVersion": 7 } }),
        )
        .await?;
    refused(
        &stale,
        "the category is at version 1, not 7; reload it",
        json!({ "code": "CONFLICT", "field": "expectedVersion", "fieldPath": "input.expectedVersion",
            "reason": "STALE_VERSION", "params": { "current": 1, "expected": 7 } }),
    )?;
    let delete = "mutation($id: ID!) { deleteCategory(id: $id) }";
    refused(
        &app.graphql_as(&token, delete, json!({ "id": valves }))
            .await?,
        "the category has 1 subcategory; move or delete it first",
        json!({ "code": "CONFLICT", "field": "id", "fieldPath": "id",
            "reason": "CATEGORY_HAS_SUBCATEGORIES", "params": { "count": 1 } }),
    )?;
    refused(
        &app.graphql_as(&token, delete, json!({ "id": ball }))
            .await?,
        "the category has 1 product; move it to another category first",
        json!({ "code": "CONFLICT", "field": "id", "fieldPath": "id",
            "reason": "CATEGORY_HAS_PRODUCTS", "params": { "count": 1 } }),
    )?;
    // Nothing changed: both categories are still there, the first at version 1.
    let tree = app
        .graphql_as(
            &token,
            "query { categories(site: \"valves.example.com\") { slug version children { slug } } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        ok(&tree)?["categories"],
        json!([{ "slug": "valves", "version": 1, "children": [{ "slug": "ball-valves" }] }])
    );
    Ok(())
}

async fn a_bad_page_size_or_cursor_is_refused_with_its_reason(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    for name in ["Ball valve", "Gate valve"] {
        ok(&app
            .graphql_as(
                &token,
                CREATE_PRODUCT,
                json!({ "i": { "siteId": site, "name": name } }),
            )
            .await?)?;
    }
    let list = |first: Option<i64>, after: Option<&str>, order: &str| {
        let query = format!(
            "query($first: Int, $after: String) {{ products(first: $first, after: $after, \
             filter: {{ site: \"valves.example.com\" }}, orderBy: {order}) {{ pageInfo {{ endCursor }} }} }}"
        );
        let vars = json!({ "first": first, "after": after });
        let token = token.clone();
        let app = &app;
        async move { app.graphql_as(&token, &query, vars).await }
    };
    let by_name = "{ field: NAME, direction: ASC }";
    let newest = "{ field: CREATED_AT, direction: DESC }";
    let out_of_range = json!({ "code": "BAD_USER_INPUT", "field": "first", "fieldPath": "first",
        "reason": "OUT_OF_RANGE", "params": { "min": 0, "max": 100 } });
    refused(
        &list(Some(101), None, by_name).await?,
        "first must be at most 100",
        out_of_range.clone(),
    )?;
    refused(
        &list(Some(-1), None, by_name).await?,
        "first must not be negative",
        out_of_range,
    )?;
    refused(
        &list(Some(1), Some("not-a-cursor"), by_name).await?,
        "after is not a cursor from this list",
        json!({ "code": "BAD_USER_INPUT", "field": "after", "fieldPath": "after",
            "reason": "INVALID_CURSOR" }),
    )?;
    let page = list(Some(1), None, by_name).await?;
    let cursor = str_at(ok(&page)?, "/products/pageInfo/endCursor")?;
    ok(&list(Some(1), Some(&cursor), by_name).await?)?;
    refused(
        &list(Some(1), Some(&cursor), newest).await?,
        "after was made for another ordering of this list",
        json!({ "code": "BAD_USER_INPUT", "field": "after", "fieldPath": "after",
            "reason": "CURSOR_OTHER_ORDER" }),
    )?;
    // Articles and the inbox read pages through the same checks.
    let articles = app
        .graphql_as(
            &token,
            "query { articles(first: 1, after: \"bm9wZQ\") { nodes { id } } }",
            json!({}),
        )
        .await?;
    assert_eq!(first_error(&articles)?.1["reason"], "INVALID_CURSOR");
    Ok(())
}
