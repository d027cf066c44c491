//! Outbound network policy shared by every component that connects to addresses users give:
//! the backlink checker (`linkcheck`) and webhook deliveries (`jobs/webhooks.rs`).
pub mod guard;
