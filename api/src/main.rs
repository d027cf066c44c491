//! The `wharf` command: serve (default), migrate, reindex, export-schema, import, export,
//! import-products, export-products, backup, restore, transfer,
//! create-admin.
use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::SecretString;
use std::io::Read;
use std::path::PathBuf;
use wharf::{Application, Settings, backup, db, graphql, search, services, telemetry};

/// jemalloc, which returns freed memory to the system within a second (`.cargo/config.toml`),
/// where glibc kept each thread's arena: 250 MB resident after a burst of 400 article writes.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "wharf",
    version,
    about = "Headless CMS and link-exchange market over GraphQL"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database: clear it, then add every published article.
    Reindex {
        /// Articles per batch.
        #[arg(long, default_value_t = 500)]
        batch: u64,
    },
    /// Write the GraphQL schema (SDL) to a file, or to stdout with `-`.
    ExportSchema {
        /// Where to write it.
        #[arg(default_value = "schema.graphql")]
        out: PathBuf,
    },
    /// Import markdown files with YAML front matter into a site (idempotent: updates by slug).
    #[command(after_long_help = IMPORT_HELP)]
    Import {
        /// Folder of `.md` files (searched recursively).
        dir: PathBuf,
        /// The site's domain or ID.
        #[arg(long)]
        site: String,
    },
    /// Export a site's articles as `{locale}/{slug}.md` files with YAML front matter.
    Export {
        /// Folder to write to.
        dir: PathBuf,
        /// The site's domain or ID.
        #[arg(long)]
        site: String,
    },
    /// Import a product CSV into a site (columns: README, "Product CSV"). All or nothing: when
    /// any row is refused, every refused row is listed, nothing is written and the exit code is 1.
    ImportProducts {
        /// The CSV file (UTF-8, with or without a BOM).
        file: PathBuf,
        /// The site's domain or ID.
        #[arg(long)]
        site: String,
        /// Check every row without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export a site's products as a CSV file in the import format (to stdout without FILE).
    ExportProducts {
        /// The site's domain or ID.
        #[arg(long)]
        site: String,
        /// Where to write it.
        file: Option<PathBuf>,
    },
    /// Write a consistent backup of the database and media into a new folder, while the server
    /// keeps serving (see `docs/operations.md`).
    Backup {
        /// The folder to create (must not exist, or be empty).
        dest: PathBuf,
    },
    /// Restore a backup into an empty database and media store, then rebuild the search index.
    /// Run again after an interruption, it goes on where it stopped.
    Restore {
        /// The backup folder.
        src: PathBuf,
    },
    /// Move everything to another stack (a new PostgreSQL database, S3, Meilisearch): a backup
    /// of the running configuration restored into the target, checked table by table.
    Transfer {
        /// The new database (`postgres://…`; it must be empty).
        #[arg(long)]
        to_database: Option<String>,
        /// A data folder for the target (its embedded index and local media when those stay).
        #[arg(long)]
        to_data_dir: Option<PathBuf>,
        /// S3 bucket for the target's media (keys: `WHARF_TO_S3_ACCESS_KEY_ID`,
        /// `WHARF_TO_S3_SECRET_ACCESS_KEY`).
        #[arg(long)]
        to_s3_bucket: Option<String>,
        /// S3 endpoint of an S3-compatible store.
        #[arg(long)]
        to_s3_endpoint: Option<String>,
        /// S3 region.
        #[arg(long)]
        to_s3_region: Option<String>,
        /// Path-style S3 URLs (most S3-compatible stores).
        #[arg(long)]
        to_s3_path_style: bool,
        /// Meilisearch for the target (key: `WHARF_TO_MEILI_API_KEY`).
        #[arg(long)]
        to_meili_url: Option<String>,
        /// The backup folder the data goes through (default: `DATA_DIR/transfer-TIME`); give
        /// the folder of an interrupted transfer to resume it.
        #[arg(long)]
        via: Option<PathBuf>,
    },
    /// Create the first admin, or make an existing account an admin.
    CreateAdmin {
        /// The admin's email.
        #[arg(long)]
        email: String,
        /// Read the password from standard input instead of `WHARF_ADMIN_PASSWORD`.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// The front-matter format, for `wharf import --help`.
const IMPORT_HELP: &str = "\
Each file starts with YAML front matter between two `---` lines, then the markdown body:

  ---
  title: Canton Fair guide            # required
  slug: canton-fair                   # default: the file name without .md
  locale: en                          # default: the site's default locale
  tags: [Fairs, China]                # tag names; default: none
  translation_of: canton-fair         # slug of the default-locale article this one translates
  published_at: 2026-04-15T08:00:00Z  # absent: a DRAFT; past: published then; future: scheduled
  excerpt: One line for lists         # default: derived from the body
  ---
  # Canton Fair
  ...

Without published_at an article is a draft: readers, search and related articles do not see
it until it is published (publishArticle, or published_at in the file). Any other field is
refused. An article is matched by site, locale and slug: importing again updates it in place,
and a published article stays published (a future published_at on it is refused: scheduling
would take it offline). Files that cannot be imported are listed and the exit code is 1.";

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::ExportSchema { out }) = &cli.command {
        let sdl = graphql::sdl();
        if out.as_os_str() == "-" {
            print!("{sdl}");
        } else {
            std::fs::write(out, sdl).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("wrote {}", out.display());
        }
        return Ok(());
    }
    let settings = Settings::load()?;
    telemetry::init(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "wharf is listening; GraphQL at /graphql");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let conn = db::connect(&settings).await?;
            db::migrate(&conn).await?;
            tracing::info!("migrations applied");
        }
        Command::Reindex { batch } => {
            let engine = search::SearchEngine::from_settings(&settings)?;
            // The embedded index has one writer: refuse at once when a server holds it.
            let _lock = match engine {
                search::SearchEngine::Embedded(_) => Some(
                    wharf::serve_lock::ServeLock::for_command(&settings.data_dir)?,
                ),
                _ => None,
            };
            let conn = db::connect(&settings).await?;
            db::migrate(&conn).await?;
            let count = services::search::reindex_all(&conn, &engine, batch.max(1))
                .await
                .map_err(explain_busy_index)?;
            println!(
                "reindexed {} published articles and {} published products into the {} engine",
                count.articles,
                count.products,
                engine.name()
            );
        }
        Command::CreateAdmin {
            email,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut buf = String::new();
                std::io::stdin().read_to_string(&mut buf)?;
                buf.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                std::env::var("WHARF_ADMIN_PASSWORD")
                    .context("set WHARF_ADMIN_PASSWORD or pass --password-stdin")?
            };
            let conn = db::connect(&settings).await?;
            db::migrate(&conn).await?;
            let admin = services::user::ensure_admin(&conn, &email, SecretString::from(password))
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            println!("admin {} ({}) is ready", admin.email, admin.id);
        }
        Command::Import { dir, site } => {
            if !dir.is_dir() {
                anyhow::bail!(if dir.exists() {
                    format!(
                        "{} is not a folder: give the folder of the .md files",
                        dir.display()
                    )
                } else {
                    format!("the path {} does not exist", dir.display())
                });
            }
            let conn = db::connect(&settings).await?;
            db::migrate(&conn).await?;
            let site = services::site::find_site(&conn, "site", &site)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let principal = admin_principal(&conn).await?;
            let report = services::article::transfer::import_dir(
                &conn,
                &principal,
                &site,
                &dir,
                services::article::BodyLimits {
                    max_bytes: settings.max_article_body_bytes,
                    render_budget: std::time::Duration::from_millis(settings.render_budget_ms),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            for (path, why) in &report.failed {
                eprintln!("refused {}: {why}", path.display());
            }
            println!(
                "imported into {}: {} created ({}), {} updated, {} refused",
                site.domain,
                report.created,
                created_breakdown(&report),
                report.updated,
                report.failed.len()
            );
            if report.created_drafts > 0 {
                eprintln!(
                    "note: drafts are not visible to readers or search; add `published_at:` to their front matter and import again, or publish them (see `wharf import --help`)"
                );
            }
            if !report.failed.is_empty() {
                std::process::exit(1);
            }
        }
        Command::Export { dir, site } => {
            let conn = db::connect(&settings).await?;
            let site = services::site::find_site(&conn, "site", &site)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let n = services::article::transfer::export_dir(&conn, &site, &dir)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            println!(
                "exported {n} articles of {} to {}",
                site.domain,
                dir.display()
            );
        }
        Command::ImportProducts {
            file,
            site,
            dry_run,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let conn = db::connect(&settings).await?;
            db::migrate(&conn).await?;
            let principal = admin_principal(&conn).await?;
            let limits = services::article::BodyLimits {
                max_bytes: settings.max_article_body_bytes,
                render_budget: std::time::Duration::from_millis(settings.render_budget_ms),
            };
            let report = services::product::csv::import::import_products(
                &conn, &principal, &site, &bytes, limits, dry_run,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            for e in &report.errors {
                let column = e.column.as_deref().unwrap_or("-");
                let reason = e.reason.unwrap_or(e.code);
                eprintln!("line {}: {column}: {reason}: {}", e.line, e.message);
            }
            let verb = if report.written {
                "imported"
            } else {
                "not imported"
            };
            println!(
                "{verb} ({} rows): {} created, {} updated, {} unchanged, {} refused",
                report.rows,
                report.created,
                report.updated,
                report.unchanged,
                report.errors.len()
            );
            if !report.errors.is_empty() {
                std::process::exit(1);
            }
        }
        Command::ExportProducts { site, file } => {
            let conn = db::connect(&settings).await?;
            let site = services::site::find_site(&conn, "site", &site)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let export = services::product::csv::export::write_site(&conn, &site)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            match file {
                Some(path) => {
                    std::fs::write(&path, export.csv.as_bytes())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "exported {} products of {} to {}",
                        export.rows,
                        site.domain,
                        path.display()
                    );
                }
                None => print!("{}", export.csv),
            }
        }
        Command::Backup { dest } => {
            let manifest = backup::backup_command(&settings, &dest).await?;
            let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
            println!(
                "backed up {rows} rows of {} tables and {} media objects to {} (migration {})",
                manifest.tables.len(),
                manifest.objects.len(),
                dest.display(),
                manifest.migration
            );
        }
        Command::Restore { src } => {
            let (report, indexed) = backup::restore_command(&settings, &src).await?;
            print_restore(&report, indexed);
        }
        Command::Transfer {
            to_database,
            to_data_dir,
            to_s3_bucket,
            to_s3_endpoint,
            to_s3_region,
            to_s3_path_style,
            to_meili_url,
            via,
        } => {
            let to = backup::TransferTo {
                database: to_database,
                data_dir: to_data_dir,
                s3_bucket: to_s3_bucket,
                s3_access_key_id: std::env::var("WHARF_TO_S3_ACCESS_KEY_ID").ok(),
                s3_secret_access_key: std::env::var("WHARF_TO_S3_SECRET_ACCESS_KEY")
                    .ok()
                    .map(SecretString::from),
                s3_endpoint: to_s3_endpoint,
                s3_region: to_s3_region,
                s3_path_style: to_s3_path_style,
                meili_url: to_meili_url,
                meili_api_key: std::env::var("WHARF_TO_MEILI_API_KEY")
                    .ok()
                    .map(SecretString::from),
                via,
            };
            let done = backup::transfer_command(&settings, &to).await?;
            println!(
                "{} {}",
                if done.made_now {
                    "backed up to"
                } else {
                    "resumed from"
                },
                done.via.display()
            );
            print_restore(&done.restored, done.indexed);
            println!("switch the server's settings to the target's to go on there");
        }
        Command::ExportSchema { .. } => {}
    }
    Ok(())
}

/// What a restore did, in a line or two.
fn print_restore(report: &backup::RestoreReport, indexed: u64) {
    println!(
        "restored {} rows into {} tables ({} already complete), {} media objects ({} already stored); indexed {indexed} published articles{}",
        report.rows,
        report.tables_loaded,
        report.tables_skipped,
        report.objects_stored,
        report.objects_skipped,
        if report.verified {
            "; every table and object checked against the backup"
        } else {
            "; objects checked (tables migrated since the backup, counted only)"
        }
    );
}

/// "3 published, 1 scheduled, 2 drafts" (scheduled only when there are some).
fn created_breakdown(report: &services::article::transfer::ImportReport) -> String {
    let mut parts = vec![format!("{} published", report.created_published)];
    if report.created_scheduled > 0 {
        parts.push(format!("{} scheduled", report.created_scheduled));
    }
    parts.push(format!(
        "{} draft{}",
        report.created_drafts,
        if report.created_drafts == 1 { "" } else { "s" }
    ));
    parts.join(", ")
}

/// A reindex that found the embedded index's writer taken (a server that started meanwhile,
/// or one older than the lock file) says what to do instead of tantivy's "LockBusy".
fn explain_busy_index(err: anyhow::Error) -> anyhow::Error {
    let busy = err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<tantivy::TantivyError>(),
            Some(tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _
            ))
        )
    });
    if busy {
        anyhow::anyhow!(wharf::serve_lock::IN_USE)
    } else {
        err
    }
}

/// The principal an import acts as: the first admin.
async fn admin_principal(
    conn: &sea_orm::DatabaseConnection,
) -> anyhow::Result<wharf::auth::Principal> {
    let admin = services::user::first_admin(conn)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?
        .context("import acts as an admin: create one first with `wharf create-admin`")?;
    Ok(wharf::auth::Principal::User {
        user_id: admin.id,
        is_admin: true,
    })
}
