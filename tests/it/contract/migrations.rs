//! Every migration can be rolled back and applied again on both databases: `down` is code too, and the index
//! replacements in particular must restore exactly what `up` dropped.

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

async fn down_to_nothing_and_up_again(db: &DatabaseConnection) {
    let applied = Migrator::get_applied_migrations(db).await.unwrap().len();
    assert_eq!(applied, Migrator::migrations().len());
    Migrator::down(db, None).await.unwrap();
    assert!(Migrator::get_applied_migrations(db).await.unwrap().is_empty());
    Migrator::up(db, None).await.unwrap();
    assert_eq!(Migrator::get_applied_migrations(db).await.unwrap().len(), applied);
}

super::contract!(migrations_roll_back_and_reapply, down_to_nothing_and_up_again);
