//! Relay connections with `totalCount`.
use crate::services::pagination::Page;
use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{OutputType, SimpleObject};

/// Fields every connection carries besides edges and page info.
#[derive(SimpleObject)]
pub struct ConnectionFields {
    /// How many items match, over all pages.
    pub total_count: u64,
}

/// A connection of `N`.
pub type Conn<N> = Connection<String, N, ConnectionFields, EmptyFields>;

/// Builds a connection from a service page.
pub fn connection<T, N: OutputType>(page: Page<T>, node: impl Fn(T) -> N) -> Conn<N> {
    let mut conn = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        ConnectionFields {
            total_count: page.total_count,
        },
    );
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, item)| Edge::new(cursor, node(item))),
    );
    conn
}

/// Complexity of a list field: its items times the cost of one item.
pub fn list_complexity(first: Option<i32>, child: usize) -> usize {
    let n = usize::try_from(first.unwrap_or(20).max(1)).unwrap_or(1);
    n.saturating_mul(child).saturating_add(1)
}
