//! Background work that runs beside the HTTP server: the outbox worker (and, later, the
//! scheduler and the link checker). Every job is safe with several instances on one database.

pub mod outbox;
pub mod search;
