//! Background work that runs beside the HTTP server: the outbox worker, the scheduler, the deal
//! watcher and the upload sweeper. Every job is safe with several instances on one database.

pub mod media;
pub mod outbox;
pub mod scheduler;
pub mod search;
pub mod uploads;
pub mod watcher;
pub mod webhooks;
