//! Query pieces shared by the repositories: case-insensitive search, ranges and paging.

use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, NullOrdering, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Statement,
};

use crate::error::db_err;

/// `col LIKE '%q%'` on a column that holds lower-cased text (see `search_text`), with `q` lower-cased in Rust and
/// `%`, `_` and `\` taken literally. SQL `LOWER()` is not used because SQLite's folds ASCII letters only, so
/// "joão" would miss "João"; folding in Rust is Unicode-correct and identical on SQLite and PostgreSQL.
pub(crate) fn contains_ci(col: impl ColumnTrait, q: &str) -> SimpleExpr {
    let escaped = q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    Expr::col(col.as_column_ref()).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// The searchable fields, lower-cased and joined by a unit separator so a match never spans two fields.
pub(crate) fn search_text<'a>(fields: impl IntoIterator<Item = Option<&'a str>>) -> String {
    fields.into_iter().flatten().map(str::to_lowercase).collect::<Vec<_>>().join("\u{1f}")
}

/// Adds `from <= col <= to` for the bounds that are present.
pub(crate) fn in_range<E: EntityTrait>(
    mut select: Select<E>,
    col: impl ColumnTrait,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Select<E> {
    if let Some(from) = from {
        select = select.filter(col.gte(from));
    }
    if let Some(to) = to {
        select = select.filter(col.lte(to));
    }
    select
}

/// Sort order of a `SortDir`.
pub(crate) fn order(dir: SortDir) -> Order {
    match dir {
        SortDir::Asc => Order::Asc,
        SortDir::Desc => Order::Desc,
    }
}

/// Counts the matching rows, then fetches one page ordered by `sort` and, for a stable order, by `tie`.
pub(crate) async fn fetch_page<E, C>(
    db: &C,
    select: Select<E>,
    sort: impl ColumnTrait,
    dir: SortDir,
    tie: impl ColumnTrait,
    page: PageRequest,
) -> Result<Page<E::Model>, AppError>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let total_items = select.clone().count(db).await.map_err(db_err)?;
    let items = select
        // NULLs last in both directions: SQLite and PostgreSQL disagree on the default.
        .order_by_with_nulls(sort, order(dir), NullOrdering::Last)
        .order_by(tie, order(dir))
        .offset(page.offset())
        .limit(u64::from(page.limit()))
        .all(db)
        .await
        .map_err(db_err)?;
    Ok(Page { items, total_items, request: page })
}

/// A stored value that no longer parses into its domain type: the database was changed behind our back.
pub(crate) fn corrupt(what: &str, value: &str) -> AppError {
    AppError::Internal(format!("stored {what} '{value}' is not valid"))
}

/// A stored text column read back as its type (an enum's wire name, a number); a value that does not parse is a
/// corrupt row, not a client error.
pub(crate) fn parse<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, AppError> {
    value.parse().map_err(|_| corrupt(what, value))
}

/// A statement written once with `?` placeholders, run as is on SQLite and with them numbered `$1, $2, ...` on
/// PostgreSQL, so one SQL text serves both databases.
pub(crate) fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(ch);
                }
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}
