//! Small builders shared by the migrations.
use sea_orm_migration::{prelude::*, schema::*};

/// A `timestamp with time zone NOT NULL` column.
pub fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

/// A nullable `timestamp with time zone` column.
pub fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .to_owned()
}

/// An index over `columns` of `table`, unique when asked.
pub fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(table)
        .if_not_exists();
    for column in columns {
        stmt.col(*column);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// Drops the tables in the given order.
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}
