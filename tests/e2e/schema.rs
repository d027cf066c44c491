//! `schema.graphql` must be what the code generates.

#[test]
fn schema_graphql_is_up_to_date() -> anyhow::Result<()> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = wharf::graphql::sdl();
    assert!(
        on_disk == generated,
        "schema.graphql is stale. Regenerate it with:\n\n    cargo run -p wharf -- export-schema schema.graphql\n"
    );
    Ok(())
}
