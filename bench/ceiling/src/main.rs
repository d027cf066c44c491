//! `ceiling DB_PATH PORT SITE_DOMAIN`: answers `POST /graphql` with the 20 newest published
//! articles of the site and their tags, in the JSON Wharf returns for
//! `{ articles(first: 20, filter: {site: …}) { edges { node { id title slug publishedAt tags { name slug } } } } }`.
//! Two queries a request, like Wharf: the page, then the tags of its articles.
use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::json;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;

struct State {
    pool: SqlitePool,
    site: Vec<u8>,
}

async fn list(state: web::Data<State>) -> HttpResponse {
    let rows = match sqlx::query(
        "SELECT id, title, slug, published_at FROM articles WHERE site_id = ? AND status = 'published' \
         ORDER BY published_at DESC, id DESC LIMIT 20",
    )
    .bind(&state.site)
    .fetch_all(&state.pool)
    .await
    {
        Ok(rows) => rows,
        Err(_) => return HttpResponse::InternalServerError().finish(),
    };
    let ids: Vec<Vec<u8>> = rows.iter().map(|r| r.get::<Vec<u8>, _>("id")).collect();
    let placeholders = vec!["?"; ids.len()].join(",");
    let sql = format!(
        "SELECT at.article_id, t.name, t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id \
         WHERE at.article_id IN ({placeholders}) ORDER BY at.position"
    );
    // Only "?" placeholders are interpolated; every value is bound.
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in &ids {
        q = q.bind(id);
    }
    let tags = q.fetch_all(&state.pool).await.unwrap_or_default();
    let edges: Vec<_> = rows
        .iter()
        .map(|r| {
            let id: Vec<u8> = r.get("id");
            let tag_list: Vec<_> = tags
                .iter()
                .filter(|t| t.get::<Vec<u8>, _>("article_id") == id)
                .map(|t| json!({ "name": t.get::<String, _>("name"), "slug": t.get::<String, _>("slug") }))
                .collect();
            let uuid = uuid::Uuid::from_slice(&id).map(|u| u.to_string()).unwrap_or_default();
            json!({ "node": {
                "id": uuid,
                "title": r.get::<String, _>("title"),
                "slug": r.get::<String, _>("slug"),
                "publishedAt": r.get::<String, _>("published_at"),
                "tags": tag_list,
            } })
        })
        .collect();
    HttpResponse::Ok().json(json!({ "data": { "articles": { "edges": edges } } }))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (db, port, domain) = (&args[1], args[2].parse::<u16>().unwrap_or(18300), &args[3]);
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{db}"))
        .map_err(std::io::Error::other)?
        .pragma("journal_mode", "WAL");
    let pool = SqlitePoolOptions::new().max_connections(10).connect_with(options).await.map_err(std::io::Error::other)?;
    let site: Vec<u8> = sqlx::query("SELECT id FROM sites WHERE domain = ?")
        .bind(domain)
        .fetch_one(&pool)
        .await
        .map_err(std::io::Error::other)?
        .get("id");
    let state = web::Data::new(State { pool, site });
    HttpServer::new(move || App::new().app_data(state.clone()).route("/graphql", web::post().to(list)))
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
