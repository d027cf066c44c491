//! Reading the shared state and the caller from a resolver's context.
use crate::auth::Principal;
use crate::error::Reason;
use crate::graphql::Loaders;
use crate::services::pagination::PageRequest;
use crate::state::AppState;
use async_graphql::Context;

/// The shared state.
pub fn state<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

/// The caller; anonymous when the request carried no credentials.
pub fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    ctx.data_opt::<Principal>().unwrap_or(&Principal::Anonymous)
}

/// The request's data loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    ctx.data::<Loaders>()
}

/// The paging arguments of a connection field (`first`, `after`).
pub struct PageArgs {
    /// How many items, at most the server's page size.
    pub first: Option<i32>,
    /// The cursor of the item before the page.
    pub after: Option<String>,
}

impl PageArgs {
    /// The page to read from a list in `order`; BAD_USER_INPUT on `first` or `after`.
    pub fn parse(self, ctx: &Context<'_>, order: &str) -> async_graphql::Result<PageRequest> {
        Ok(PageRequest::parse(
            self.first.map(i64::from),
            self.after.as_deref(),
            order,
            state(ctx)?.settings.max_page_size,
        )?)
    }
}

/// The caller's IP address, as the HTTP layer determined it.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub std::net::IpAddr);

/// Counts a login or registration attempt for `account`; refuses past the limits with
/// `RATE_LIMITED`, `extensions.retryAfter` and a `Retry-After` header.
pub fn check_sign_in(ctx: &Context<'_>, account: &str) -> async_graphql::Result<()> {
    let ip = ctx
        .data_opt::<ClientIp>()
        .map(|c| c.0)
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    let Err(wait) = state(ctx)?.limits.sign_in(ip, account) else {
        return Ok(());
    };
    let secs = crate::ratelimit::retry_after_secs(wait);
    ctx.insert_http_header("retry-after", secs.to_string());
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", crate::error::ErrorCode::RateLimited.as_str());
    ext.set("retryAfter", secs);
    ext.set("reason", Reason::RateLimited.as_str());
    ext.set(
        "params",
        super::error::params_value(&[("seconds", secs.into())]),
    );
    Err(async_graphql::Error {
        message: format!("too many sign-in attempts; retry in {secs} s"),
        source: None,
        extensions: Some(ext),
    })
}
