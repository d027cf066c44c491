//! Background work that runs beside the HTTP server: the outbox worker (with its handlers:
//! search, webhooks, media deletes, inquiry e-mails), the scheduler, the deal watcher, the upload
//! sweeper and the inquiry retention purge. Every job is safe with several instances on one
//! database.

pub mod inquiries;
pub mod mail;
pub mod media;
pub mod outbox;
pub mod scheduler;
pub mod search;
pub mod uploads;
pub mod watcher;
pub mod webhooks;
