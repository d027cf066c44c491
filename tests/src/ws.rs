//! A GraphQL-over-WebSocket client (`graphql-transport-ws`) for the tests.
use anyhow::{Result, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for one message.
const WAIT: Duration = Duration::from_secs(10);

/// One socket to `/graphql`.
pub struct WsClient {
    socket: Socket,
    next_id: u64,
}

/// How the server answered an upgrade it refused.
#[derive(Debug)]
pub struct Refused {
    /// The HTTP status.
    pub status: u16,
}

impl WsClient {
    /// Opens a socket without sending `connection_init`. `forwarded_for` sets `X-Forwarded-For`
    /// (servers that trust proxy headers take the client address from it).
    pub async fn open(address: &str, forwarded_for: Option<&str>) -> Result<Result<Self, Refused>> {
        let url = format!("{}/graphql", address.replace("http://", "ws://"));
        let mut request = url.into_client_request()?;
        request
            .headers_mut()
            .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
        if let Some(ip) = forwarded_for {
            request.headers_mut().insert("x-forwarded-for", ip.parse()?);
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Ok(Self { socket, next_id: 0 })),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Ok(Err(Refused {
                status: response.status().as_u16(),
            })),
            Err(err) => Err(err.into()),
        }
    }

    /// Opens a socket and completes `connection_init` with `init` as its payload.
    pub async fn connect(address: &str, init: Value, forwarded_for: Option<&str>) -> Result<Self> {
        let mut client = match Self::open(address, forwarded_for).await? {
            Ok(client) => client,
            Err(refused) => bail!("the upgrade was refused: {refused:?}"),
        };
        client
            .send(json!({ "type": "connection_init", "payload": init }))
            .await?;
        let ack = client.receive().await?;
        if ack["type"] != "connection_ack" {
            bail!("no connection_ack: {ack}");
        }
        Ok(client)
    }

    /// Connects with `Authorization: Bearer token` in `connection_init`.
    pub async fn connect_as(address: &str, token: &str) -> Result<Self> {
        Self::connect(
            address,
            json!({ "Authorization": format!("Bearer {token}") }),
            None,
        )
        .await
    }

    /// Sends one protocol message.
    pub async fn send(&mut self, message: Value) -> Result<()> {
        self.socket.send(Message::text(message.to_string())).await?;
        Ok(())
    }

    /// The next protocol message (pings are answered by the library).
    pub async fn receive(&mut self) -> Result<Value> {
        loop {
            let next = tokio::time::timeout(WAIT, self.socket.next()).await?;
            match next {
                Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text)?),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => bail!("the socket closed or failed: {other:?}"),
            }
        }
    }

    /// Starts an operation; returns its ID.
    pub async fn start(&mut self, query: &str, variables: Value) -> Result<String> {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await?;
        Ok(id)
    }

    /// Runs a query or mutation and returns its result as a GraphQL response
    /// (`{"data": …}` or `{"errors": […]}`), whatever the protocol wrapped it in.
    pub async fn run(&mut self, query: &str, variables: Value) -> Result<Value> {
        let id = self.start(query, variables).await?;
        self.result_of(&id).await
    }

    /// The first `next` or `error` message for operation `id`, as a GraphQL response.
    pub async fn result_of(&mut self, id: &str) -> Result<Value> {
        loop {
            let (of, response) = self.any_result().await?;
            if of == id {
                return Ok(response);
            }
        }
    }

    /// The next `next` or `error` message of any operation: its ID and the GraphQL response.
    pub async fn any_result(&mut self) -> Result<(String, Value)> {
        loop {
            let message = self.receive().await?;
            let id = message["id"].as_str().unwrap_or_default().to_owned();
            match message["type"].as_str() {
                Some("next") => return Ok((id, message["payload"].clone())),
                Some("error") => return Ok((id, json!({ "errors": message["payload"] }))),
                Some("complete" | "pong" | "ping") => {}
                _ => bail!("unexpected message: {message}"),
            }
        }
    }

    /// Waits for the server to close the socket; returns the close code and reason.
    pub async fn closed(&mut self) -> Result<(u16, String)> {
        loop {
            let next = tokio::time::timeout(WAIT, self.socket.next()).await?;
            match next {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return Ok((u16::from(frame.code), frame.reason.to_string()));
                }
                Some(Ok(Message::Close(None))) => {
                    return Ok((u16::from(CloseCode::Status), String::new()));
                }
                Some(Ok(_)) => {}
                other => bail!("the socket ended without a close frame: {other:?}"),
            }
        }
    }

    /// Closes the socket from the client side.
    pub async fn close(mut self) -> Result<()> {
        self.socket.close(None).await?;
        Ok(())
    }
}
