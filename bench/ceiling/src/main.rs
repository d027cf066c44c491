//! `ceiling DB PORT SITE_DOMAIN`: the smallest server that answers Wharf's two storefront reads
//! with the same JSON, the reference ("raw ceiling") of the load benchmarks. `DB` is a Wharf
//! SQLite file or a `postgres://` URL of a Wharf database.
//!
//! - A `POST /graphql` whose query holds `articles(` gets the 20 newest published articles of the
//!   site with `id slug title excerpt publishedAt tags { id name slug }`: two statements, the page
//!   and the tags of its articles (as Wharf does).
//! - Any other query is the slug read: the `slug: "…"` in it names one published article of the
//!   site, answered with `id slug title body publishedAt tags { id name slug }` (the markdown
//!   body: the ceiling does not render).
//!
//! No GraphQL parsing, no validation, no auth, no limits: what is left is the database and JSON.
use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use uuid::Uuid;

enum Db {
    /// The pool, the site's ID and its default locale.
    Sqlite(SqlitePool, Vec<u8>, String),
    Postgres(PgPool, Uuid, String),
}

struct Article {
    id: Uuid,
    slug: String,
    title: String,
    excerpt: Option<String>,
    body: Option<String>,
    published_at: String,
}

struct Tag {
    article: Uuid,
    id: Uuid,
    name: String,
    slug: String,
}

// `NULLS LAST`: the order of the (site, status, newest first) index, which PostgreSQL can then
// walk instead of sorting the site's articles (a `DESC` order puts NULLs first by default).
const LIST: &str = "SELECT id, slug, title, excerpt, published_at FROM articles \
     WHERE site_id = $1 AND status = 'published' ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 20";
// Site, locale and slug: the unique index. The locale is the site's default, read at start.
const SLUG: &str = "SELECT id, slug, title, body, published_at FROM articles \
     WHERE site_id = $1 AND slug = $2 AND locale = $3 AND status = 'published' LIMIT 1";

fn uuid_of(bytes: &[u8]) -> Uuid {
    Uuid::from_slice(bytes).unwrap_or_default()
}

impl Db {
    async fn articles(&self, slug: Option<&str>) -> Result<Vec<Article>, sqlx::Error> {
        let sql = if slug.is_some() { SLUG } else { LIST };
        match self {
            Db::Sqlite(pool, site, locale) => {
                let mut q = sqlx::query(sql).bind(site);
                if let Some(s) = slug {
                    q = q.bind(s).bind(locale);
                }
                Ok(q.fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| Article {
                        id: uuid_of(&r.get::<Vec<u8>, _>("id")),
                        slug: r.get("slug"),
                        title: r.get("title"),
                        excerpt: r.try_get("excerpt").ok(),
                        body: r.try_get("body").ok(),
                        published_at: r.get("published_at"),
                    })
                    .collect())
            }
            Db::Postgres(pool, site, locale) => {
                let mut q = sqlx::query(sql).bind(site);
                if let Some(s) = slug {
                    q = q.bind(s).bind(locale);
                }
                Ok(q.fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| Article {
                        id: r.get("id"),
                        slug: r.get("slug"),
                        title: r.get("title"),
                        excerpt: r.try_get("excerpt").ok(),
                        body: r.try_get("body").ok(),
                        published_at: r
                            .get::<chrono::DateTime<chrono::Utc>, _>("published_at")
                            .to_rfc3339(),
                    })
                    .collect())
            }
        }
    }

    async fn tags(&self, articles: &[Article]) -> Result<Vec<Tag>, sqlx::Error> {
        if articles.is_empty() {
            return Ok(Vec::new());
        }
        match self {
            Db::Sqlite(pool, _, _) => {
                let placeholders = vec!["?"; articles.len()].join(",");
                let sql = format!(
                    "SELECT at.article_id, t.id, t.name, t.slug FROM article_tags at \
                     JOIN tags t ON t.id = at.tag_id WHERE at.article_id IN ({placeholders}) \
                     ORDER BY at.article_id, at.position"
                );
                // Only "?" placeholders are interpolated; every value is bound.
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for a in articles {
                    q = q.bind(a.id.as_bytes().to_vec());
                }
                Ok(q.fetch_all(pool)
                    .await?
                    .iter()
                    .map(|r| Tag {
                        article: uuid_of(&r.get::<Vec<u8>, _>("article_id")),
                        id: uuid_of(&r.get::<Vec<u8>, _>("id")),
                        name: r.get("name"),
                        slug: r.get("slug"),
                    })
                    .collect())
            }
            Db::Postgres(pool, _, _) => {
                let ids: Vec<Uuid> = articles.iter().map(|a| a.id).collect();
                Ok(sqlx::query(
                    "SELECT at.article_id, t.id, t.name, t.slug FROM article_tags at \
                     JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ANY($1) \
                     ORDER BY at.article_id, at.position",
                )
                .bind(ids)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Tag {
                    article: r.get("article_id"),
                    id: r.get("id"),
                    name: r.get("name"),
                    slug: r.get("slug"),
                })
                .collect())
            }
        }
    }
}

fn node(a: &Article, tags: &[Tag]) -> Value {
    let tags: Vec<Value> = tags
        .iter()
        .filter(|t| t.article == a.id)
        .map(|t| json!({ "id": t.id.to_string(), "name": t.name, "slug": t.slug }))
        .collect();
    let mut n = json!({
        "id": a.id.to_string(),
        "slug": a.slug,
        "title": a.title,
        "publishedAt": a.published_at,
        "tags": tags,
    });
    if let Some(b) = &a.body {
        n["body"] = json!(b);
    } else {
        n["excerpt"] = json!(a.excerpt);
    }
    n
}

/// The `slug: "…"` of a slug read's query.
fn slug_in(query: &str) -> Option<&str> {
    let start = query.find("slug: \"")? + 7;
    let len = query[start..].find('"')?;
    Some(&query[start..start + len])
}

async fn graphql(db: web::Data<Db>, body: web::Json<Value>) -> HttpResponse {
    let query = body["query"].as_str().unwrap_or_default();
    let slug = if query.contains("articles(") { None } else { slug_in(query) };
    let answer = async {
        let articles = db.articles(slug).await?;
        let tags = db.tags(&articles).await?;
        Ok::<_, sqlx::Error>(match slug {
            None => json!({ "data": { "articles": { "edges":
                articles.iter().map(|a| json!({ "node": node(a, &tags) })).collect::<Vec<_>>() } } }),
            Some(_) => json!({ "data": { "article": articles.first().map(|a| node(a, &tags)) } }),
        })
    };
    match answer.await {
        Ok(v) => HttpResponse::Ok().json(v),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (db, port, domain) = (&args[1], args[2].parse::<u16>().unwrap_or(18300), &args[3]);
    let db = if db.starts_with("postgres") {
        let pool = PgPoolOptions::new().max_connections(8).connect(db).await.map_err(std::io::Error::other)?;
        let row = sqlx::query("SELECT id, default_locale FROM sites WHERE domain = $1")
            .bind(domain)
            .fetch_one(&pool)
            .await
            .map_err(std::io::Error::other)?;
        Db::Postgres(pool, row.get("id"), row.get("default_locale"))
    } else {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{db}"))
            .map_err(std::io::Error::other)?
            .pragma("journal_mode", "WAL");
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(std::io::Error::other)?;
        let row = sqlx::query("SELECT id, default_locale FROM sites WHERE domain = ?")
            .bind(domain)
            .fetch_one(&pool)
            .await
            .map_err(std::io::Error::other)?;
        Db::Sqlite(pool, row.get("id"), row.get("default_locale"))
    };
    let db = web::Data::new(db);
    HttpServer::new(move || App::new().app_data(db.clone()).route("/graphql", web::post().to(graphql)))
        .workers(2)
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
