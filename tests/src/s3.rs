//! A real S3 server inside the test process: `s3s-fs` over a temporary folder, behind `s3s`,
//! which checks SigV4 signatures (a wrong secret or a tampered presigned URL is refused). A
//! bucket is a folder under the root; objects are files under it.
use anyhow::{Context, Result};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use s3s_fs::FileSystem;
use std::path::{Path, PathBuf};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The access key the test server accepts.
pub const ACCESS_KEY: &str = "wharf-test-access";
/// The secret the test server accepts.
pub const SECRET_KEY: &str = "wharf-test-secret-0123456789";
/// The bucket created for each test.
pub const BUCKET: &str = "wharf-media";

/// A running S3 server; stopped when dropped.
pub struct S3Server {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    port: u16,
    root: PathBuf,
    task: Option<JoinHandle<()>>,
    /// While stopped: the port, bound but not listening (refusing connections, and kept from
    /// other tests).
    parked: Option<tokio::net::TcpSocket>,
    _dir: tempfile::TempDir,
}

fn service(root: &Path) -> Result<S3Service> {
    let fs = FileSystem::new(root).map_err(|e| anyhow::anyhow!("s3s-fs: {e:?}"))?;
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    Ok(builder.build())
}

/// Accepts connections until aborted; aborting also drops (closes) every open connection.
fn serve(listener: TcpListener, service: S3Service) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let service = service.clone();
            connections.spawn(async move {
                let conn = ConnBuilder::new(TokioExecutor::new());
                let _ = conn.serve_connection(TokioIo::new(socket), service).await;
            });
            while connections.try_join_next().is_some() {}
        }
    })
}

impl S3Server {
    /// Starts a server on a free port with one empty bucket.
    pub async fn start() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join(BUCKET))?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the test S3 server")?;
        let port = listener.local_addr()?.port();
        let task = serve(listener, service(&root)?);
        Ok(Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            root,
            task: Some(task),
            parked: None,
            _dir: dir,
        })
    }

    /// The folder holding the bucket's objects.
    pub fn bucket_dir(&self) -> PathBuf {
        self.root.join(BUCKET)
    }

    /// Stops answering: connections to the port are refused and open ones are dropped.
    pub async fn stop(&mut self) -> Result<()> {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        if self.parked.is_none() {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.set_reuseaddr(true)?;
            socket.bind(([127, 0, 0, 1], self.port).into())?;
            self.parked = Some(socket);
        }
        Ok(())
    }

    /// Answers again on the same port, with the same objects.
    pub async fn restart(&mut self) -> Result<()> {
        self.stop().await?;
        self.parked = None;
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .context("rebinding the test S3 server")?;
        self.task = Some(serve(listener, service(&self.root)?));
        Ok(())
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A local port that refuses connections, reserved for as long as the returned socket lives
/// (bound but not listening, so no other test can take the port meanwhile).
pub fn closed_port() -> Result<(u16, tokio::net::TcpSocket)> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind("127.0.0.1:0".parse()?)?;
    let port = socket.local_addr()?.port();
    Ok((port, socket))
}
