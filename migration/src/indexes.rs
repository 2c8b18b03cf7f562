//! Replacing one index by another, shared by the migrations that do it.

use sea_orm_migration::prelude::*;

/// An index: its name and its columns in order.
pub(crate) type IndexSpec<C> = (&'static str, &'static [C]);

/// Creates `create` on `table`, then drops `drop`: in that order, so the queries it serves are never left without
/// an index. `down` calls it with the two swapped.
pub(crate) async fn swap<T, C>(
    manager: &SchemaManager<'_>,
    table: T,
    (create, cols): IndexSpec<C>,
    (drop, _): IndexSpec<C>,
) -> Result<(), DbErr>
where
    T: Iden + Copy + 'static,
    C: Iden + Copy + 'static,
{
    let mut index = Index::create().name(create).table(table).to_owned();
    for col in cols {
        index.col(*col);
    }
    manager.create_index(index).await?;
    manager.drop_index(Index::drop().name(drop).table(table).to_owned()).await
}
