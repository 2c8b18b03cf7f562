//! The typed customer filter and sort as SQL: one WHERE clause per set field, and a total order for keyset walks.

use leadscore_application::customers::{CustomerFilter, CustomerSort, CustomerSortField};
use sea_orm::sea_query::NullOrdering;
use sea_orm::{ColumnTrait, Condition, QueryOrder, Select};

use super::super::query::{contains_ci, order};
use crate::entities::customers::{Column, Entity};

fn codes<T: ToString>(values: &[T]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

/// The filter as a WHERE condition, one clause per set field.
pub(super) fn condition(f: &CustomerFilter) -> Condition {
    let mut c = Condition::all();
    let lists = [
        (Column::Job, codes(&f.job)),
        (Column::Marital, codes(&f.marital)),
        (Column::Education, codes(&f.education)),
        (Column::Contact, codes(&f.contact)),
        (Column::Month, codes(&f.month)),
        (Column::Poutcome, codes(&f.poutcome)),
        (Column::Tier, codes(&f.tier)),
    ];
    for (column, values) in lists {
        if !values.is_empty() {
            c = c.add(column.is_in(values));
        }
    }
    if let Some(v) = f.age_min {
        c = c.add(Column::Age.gte(v));
    }
    if let Some(v) = f.age_max {
        c = c.add(Column::Age.lte(v));
    }
    if let Some(v) = f.balance_min {
        c = c.add(Column::Balance.gte(v));
    }
    if let Some(v) = f.balance_max {
        c = c.add(Column::Balance.lte(v));
    }
    if let Some(v) = f.score_min {
        c = c.add(Column::Score.gte(v));
    }
    if let Some(v) = f.score_max {
        c = c.add(Column::Score.lte(v));
    }
    for (column, value) in [(Column::Housing, f.housing), (Column::Loan, f.loan), (Column::Default, f.default)] {
        if let Some(v) = value {
            c = c.add(column.eq(v));
        }
    }
    if let Some(q) = f.query_text() {
        c = c.add(contains_ci(Column::SearchText, q));
    }
    if let Some(from) = f.from {
        c = c.add(Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        c = c.add(Column::CreatedAt.lte(to));
    }
    c
}

pub(super) fn sorted(select: Select<Entity>, sort: CustomerSort) -> Select<Entity> {
    let dir = order(sort.dir);
    let select = match sort.field {
        CustomerSortField::Age => select.order_by(Column::Age, dir.clone()),
        CustomerSortField::Balance => select.order_by(Column::Balance, dir.clone()),
        // Unscored and unnamed customers go last either way, identically on SQLite and PostgreSQL.
        CustomerSortField::Score => select.order_by_with_nulls(Column::Score, dir.clone(), NullOrdering::Last),
        CustomerSortField::Name => select.order_by_with_nulls(Column::Name, dir.clone(), NullOrdering::Last),
        CustomerSortField::CreatedAt => select.order_by(Column::CreatedAt, dir.clone()),
    };
    select.order_by(Column::Id, dir)
}
