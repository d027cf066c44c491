//! Import and export of articles as markdown files with YAML front matter:
//!
//! ```text
//! ---
//! title: 扩散模型入门
//! slug: diffusion-intro
//! locale: zh-CN
//! tags: [AI, 外贸]
//! translation_of: diffusion-intro      # slug of the article in the site's default locale
//! published_at: 2026-01-05T08:00:00Z   # past: published then; future: scheduled
//! excerpt: 一句话简介
//! ---
//! # 正文…
//! ```
//!
//! Import is idempotent: an article is matched by site, locale and slug and updated in place.
use super::{ArticlePatch, NewArticle, SeoPatch, create_article, publish_article, update_article};
use crate::auth::Principal;
use crate::domain::Slug;
use crate::error::{AppError, AppResult, Reason};
use crate::services::outbox::{OutboxJob, enqueue};
use crate::services::{now, tag as tags};
use chrono::{DateTime, Utc};
use entities::article::{self, ArticleStatus};
use entities::site;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The front matter of one file.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Title (required).
    pub title: String,
    /// Slug; the file name (without `.md`) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Locale; the site's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Tag names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Slug of the default-locale article this one translates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_of: Option<String>,
    /// Publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    /// Explicit excerpt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// Splits a file into front matter and body.
pub fn parse_file(text: &str) -> Result<(FrontMatter, String), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or("the file does not start with --- front matter")?;
    let end = rest
        .find("\n---")
        .ok_or("the front matter is not closed with ---")?;
    let yaml = &rest[..end];
    let after = &rest[end + 4..];
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    let front: FrontMatter =
        yaml_serde::from_str(yaml).map_err(|e| format!("front matter: {e}"))?;
    Ok((front, body.to_owned()))
}

/// Writes front matter and body as one file.
pub fn format_file(front: &FrontMatter, body: &str) -> Result<String, String> {
    let yaml = yaml_serde::to_string(front).map_err(|e| e.to_string())?;
    Ok(format!("---\n{yaml}---\n{body}"))
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Articles created.
    pub created: usize,
    /// Of the created articles, those published (readers, search and related articles see them).
    pub created_published: usize,
    /// Of the created articles, those scheduled (a `published_at` in the future).
    pub created_scheduled: usize,
    /// Of the created articles, the drafts (no `published_at`): invisible to readers and search.
    pub created_drafts: usize,
    /// Articles updated.
    pub updated: usize,
    /// Files refused, with the reason.
    pub failed: Vec<(PathBuf, String)>,
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            markdown_files(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e == "md" || e == "markdown")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Imports every markdown file under `dir` into `site`. Default-locale files go first, so that
/// translations find the article they translate.
pub async fn import_dir(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    site: &site::Model,
    dir: &Path,
    limits: super::BodyLimits,
) -> AppResult<ImportReport> {
    let mut files = Vec::new();
    markdown_files(dir, &mut files).map_err(|e| {
        AppError::bad_input(
            "dir",
            format!("cannot read the folder {}: {e}", dir.display()),
        )
    })?;
    files.sort();
    let mut parsed = Vec::new();
    let mut report = ImportReport::default();
    for path in files {
        match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| parse_file(&t))
        {
            Ok((front, body)) => parsed.push((path, front, body)),
            Err(e) => report.failed.push((path, e)),
        }
    }
    parsed.sort_by_key(|(_, f, _)| f.translation_of.is_some());
    for (path, front, body) in parsed {
        match import_one(db, principal, site, &path, front, body, limits).await {
            Ok((true, status)) => {
                report.created += 1;
                match status {
                    ArticleStatus::Published => report.created_published += 1,
                    ArticleStatus::Scheduled => report.created_scheduled += 1,
                    ArticleStatus::Draft => report.created_drafts += 1,
                }
            }
            Ok((false, _)) => report.updated += 1,
            Err(e) => report.failed.push((
                path,
                format!(
                    "{}{}",
                    e.field.map(|f| format!("{f}: ")).unwrap_or_default(),
                    e.message
                ),
            )),
        }
    }
    Ok(report)
}

/// Imports one file; answers whether it created the article, and the article's status after.
async fn import_one(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    site: &site::Model,
    path: &Path,
    front: FrontMatter,
    body: String,
    limits: super::BodyLimits,
) -> AppResult<(bool, ArticleStatus)> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let slug = match &front.slug {
        Some(s) => Slug::parse("slug", s)?,
        None => Slug::parse("slug", stem).or_else(|_| {
            Slug::from_title(&front.title).ok_or_else(|| {
                AppError::bad_input("title", "no slug can be made").because(Reason::NoLetterOrDigit)
            })
        })?,
    };
    let locale =
        crate::services::site::require_site_locale(site, "locale", front.locale.as_deref())?;
    let existing = article::Entity::find()
        .filter(article::Column::SiteId.eq(site.id))
        .filter(article::Column::Locale.eq(&locale))
        .filter(article::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await?;
    if let (Some(a), Some(at)) = (&existing, front.published_at)
        && a.status == ArticleStatus::Published
        && at > now()
    {
        // Checked before anything is written, so a refused file changes nothing.
        return Err(AppError::conflict(
            "published_at",
            "the article is already published; a published_at in the future would take it offline until then (unpublish it first to schedule it)",
        )
        .because(Reason::AlreadyPublished));
    }
    let created = existing.is_none();
    let current = match existing {
        Some(a) => {
            let patch = ArticlePatch {
                title: Some(front.title.clone()),
                body: Some(body),
                excerpt: Some(front.excerpt.clone().unwrap_or_default()),
                tags: Some(front.tags.clone()),
                ..Default::default()
            };
            update_article(db, principal, a.id, patch, limits).await?
        }
        None => {
            let translation_of = match &front.translation_of {
                None => None,
                Some(original) => Some(
                    article::Entity::find()
                        .filter(article::Column::SiteId.eq(site.id))
                        .filter(article::Column::Locale.eq(&site.default_locale))
                        .filter(article::Column::Slug.eq(original.trim()))
                        .one(db)
                        .await?
                        .ok_or_else(|| {
                            AppError::bad_input(
                                "translation_of",
                                format!(
                                    "no {} article has the slug {original:?}",
                                    site.default_locale
                                ),
                            )
                            .because(Reason::NotFound)
                        })?
                        .id
                        .to_string(),
                ),
            };
            let new = NewArticle {
                site_id: site.id.to_string(),
                locale: Some(locale),
                slug: Some(slug.into_string()),
                title: front.title.clone(),
                body,
                excerpt: front.excerpt.clone(),
                tags: front.tags.clone(),
                translation_of,
                seo: SeoPatch::default(),
            };
            create_article(db, principal, new, limits).await?
        }
    };
    let mut status = current.status;
    if let Some(at) = front.published_at {
        if at > now() {
            status = publish_article(db, principal, current.id, Some(at))
                .await?
                .status;
        } else {
            status = ArticleStatus::Published;
            let published = if current.status == ArticleStatus::Published {
                current
            } else {
                publish_article(db, principal, current.id, None).await?
            };
            if published.published_at != Some(at) {
                let id = published.id;
                let mut active: article::ActiveModel = published.into();
                active.published_at = Set(Some(at));
                active.update(db).await?;
                enqueue(db, &OutboxJob::SearchUpsert { article_id: id }).await?;
            }
        }
    }
    Ok((created, status))
}

/// Writes every article of `site` to `dir` as `{locale}/{slug}.md`; returns how many.
pub async fn export_dir(
    db: &impl ConnectionTrait,
    site: &site::Model,
    dir: &Path,
) -> AppResult<usize> {
    let articles = article::Entity::find()
        .filter(article::Column::SiteId.eq(site.id))
        .order_by_asc(article::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<uuid::Uuid> = articles.iter().map(|a| a.id).collect();
    let mut tag_map = tags::tags_of_articles(db, &ids).await?;
    let originals: std::collections::HashMap<uuid::Uuid, String> = articles
        .iter()
        .filter(|a| a.locale == site.default_locale)
        .map(|a| (a.translation_group_id, a.slug.clone()))
        .collect();
    for a in &articles {
        let translation_of = (a.locale != site.default_locale)
            .then(|| originals.get(&a.translation_group_id).cloned())
            .flatten();
        let front = FrontMatter {
            title: a.title.clone(),
            slug: Some(a.slug.clone()),
            locale: Some(a.locale.clone()),
            tags: tag_map
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.name)
                .collect(),
            translation_of,
            published_at: if a.status == ArticleStatus::Scheduled {
                a.scheduled_at
            } else {
                a.published_at
                    .filter(|_| a.status == ArticleStatus::Published)
            },
            excerpt: a.excerpt.clone(),
        };
        let folder = dir.join(&a.locale);
        std::fs::create_dir_all(&folder).map_err(AppError::internal)?;
        let text =
            format_file(&front, &a.body).map_err(|e| AppError::internal(anyhow::anyhow!(e)))?;
        std::fs::write(folder.join(format!("{}.md", a.slug)), text).map_err(AppError::internal)?;
    }
    Ok(articles.len())
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
