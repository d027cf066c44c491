//! The one macro that declares end-to-end tests.

/// Declares end-to-end tests, each an `async fn name(app: TestApp) -> anyhow::Result<()>` run
/// once per stack (a `sqlite` and a `postgres` test in a module named after it):
///
/// - `e2e!(name, ...)`: with local media and the test settings;
/// - `e2e!(settings = tweak; name, ...)`: with the settings changed by `tweak`, a
///   `fn(&mut Settings)` of the calling module, first;
/// - `e2e!(media; name, ...)`: once per media store too, local disk and the S3 server (modules
///   `local` and `s3`); `e2e!(media, settings = tweak; ...)` with changed settings;
/// - `e2e!(stores = [s3: S3WrongSecret]; name, ...)`: over chosen stores (`module: MediaStore`);
/// - `e2e!(search; name, ...)`: a `meilisearch` test too, the same body on a server whose
///   search engine is Meilisearch (see [`on_meilisearch`](crate::search::on_meilisearch));
/// - `e2e!(partner = configure; name, ...)`: with a [`PartnerServer`](crate::PartnerServer)
///   serving partner sites' pages, for `async fn name(app: TestApp, partner: PartnerServer)`,
///   where `fn configure(&mut Settings, &PartnerServer)` adjusts the server's settings;
/// - `e2e!(smtp = configure; name, ...)`: with an [`SmtpServer`](crate::SmtpServer) started
///   first, for `async fn name(app: TestApp, smtp: SmtpServer)`, where
///   `fn configure(&mut Settings, &SmtpServer)` points the server's settings at it;
/// - `e2e!(postgres, settings = tweak; name, ...)`: on PostgreSQL alone (a `postgres` test), for
///   what only exists there; the module that declares it says why SQLite has no counterpart.
#[macro_export]
macro_rules! e2e {
    // The two tests of one stack pair; `$up` leads from the generated module to the caller's.
    (@stacks ($($up:tt)*) $name:ident $store:ident $tweak:tt) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() -> anyhow::Result<()> {
            $crate::e2e!(@run ($($up)*) $name Sqlite $store $tweak)
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres() -> anyhow::Result<()> {
            $crate::e2e!(@run ($($up)*) $name Postgres $store $tweak)
        }
    };
    (@run ($($up:tt)*) $name:ident $stack:ident $store:ident []) => {
        match $crate::spawn_app_with($crate::Stack::$stack, $crate::MediaStore::$store).await? {
            Some(app) => $($up)*::$name(app).await,
            None => Ok(()),
        }
    };
    (@run ($($up:tt)*) $name:ident $stack:ident $store:ident [$tweak:ident]) => {
        match $crate::spawn_app_tweaked(
            $crate::Stack::$stack,
            $crate::MediaStore::$store,
            $($up)*::$tweak,
        )
        .await?
        {
            Some(app) => $($up)*::$name(app).await,
            None => Ok(()),
        }
    };
    (@stores [$($module:ident: $store:ident),+] $tweak:tt $name:ident) => {
        mod $name {
            $(
                mod $module {
                    $crate::e2e!(@stacks (super::super) $name $store $tweak);
                }
            )+
        }
    };
    (partner = $configure:ident; $($name:ident),+ $(,)?) => {
        $crate::e2e!(@server PartnerServer $configure; $($name),+);
    };
    (smtp = $configure:ident; $($name:ident),+ $(,)?) => {
        $crate::e2e!(@server SmtpServer $configure; $($name),+);
    };
    // A test with a server of the harness beside the app (`PartnerServer`, `SmtpServer`): started
    // first, handed to `configure` for the app's settings, then to the test.
    (@server $server:ident $configure:ident; $($name:ident),+) => {$(
        mod $name {
            async fn run(stack: $crate::Stack) -> anyhow::Result<()> {
                let server = $crate::$server::start().await?;
                let configure = |s: &mut wharf::Settings| super::$configure(s, &server);
                match $crate::spawn_app_tweaked(stack, $crate::MediaStore::Local, configure).await? {
                    Some(app) => super::$name(app, server).await,
                    None => Ok(()),
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> anyhow::Result<()> {
                run($crate::Stack::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> anyhow::Result<()> {
                run($crate::Stack::Postgres).await
            }
        }
    )+};
    (search; $($name:ident),+ $(,)?) => {$(
        mod $name {
            $crate::e2e!(@stacks (super) $name Local []);

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn meilisearch() -> anyhow::Result<()> {
                $crate::search::on_meilisearch(super::$name).await
            }
        }
    )+};
    (media; $($name:ident),+ $(,)?) => {
        $crate::e2e!(stores = [local: Local, s3: S3]; $($name),+);
    };
    (media, settings = $tweak:ident; $($name:ident),+ $(,)?) => {
        $crate::e2e!(stores = [local: Local, s3: S3], settings = $tweak; $($name),+);
    };
    (stores = $stores:tt; $($name:ident),+ $(,)?) => {$(
        $crate::e2e!(@stores $stores [] $name);
    )+};
    (stores = $stores:tt, settings = $tweak:ident; $($name:ident),+ $(,)?) => {$(
        $crate::e2e!(@stores $stores [$tweak] $name);
    )+};
    (postgres, settings = $tweak:ident; $($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> anyhow::Result<()> {
                $crate::e2e!(@run (super) $name Postgres Local [$tweak])
            }
        }
    )+};
    (settings = $tweak:ident; $($name:ident),+ $(,)?) => {$(
        mod $name {
            $crate::e2e!(@stacks (super) $name Local [$tweak]);
        }
    )+};
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            $crate::e2e!(@stacks (super) $name Local []);
        }
    )+};
}
