//! Background work that runs beside the HTTP server: the outbox worker (and, later, the
//! scheduler and the link checker). Every job is safe with several instances on one database.

pub mod media;
pub mod outbox;
pub mod scheduler;
pub mod search;
pub mod watcher;
pub mod webhooks;
