//! The customer filter on the wire, defined once: the JSON criteria (`POST /customers/score`, campaign criteria) and
//! the list and export query parameters are all generated from the one field list in [`customer_filter!`], with the
//! conversion to and from the application's [`CustomerFilter`]. Adding a filter field is this list, the application
//! filter and its SQL.

use leadscore_application::customers::CustomerFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Calls `$callback!` with the given tokens followed by the filter's fields, once for every kind of wire type, so the
/// field list exists once. Bounds are the application's constants, so the two checks cannot drift apart; the
/// `[…]` after a type is its constraints in the spec (`#[schema]` or `#[param]`, by kind of wire type), literals
/// because utoipa takes no constants there — `tests/it/api/openapi.rs` checks them against what the server does.
macro_rules! with_filter_fields {
    ($callback:ident ! ($($args:tt)*)) => {
        $callback!($($args)*
            lists {
                /// Any of these jobs (repeat a query parameter for several: `job=admin.&job=retired`).
                job: $crate::dto::attributes::JobDto,
                /// Any of these marital statuses.
                marital: $crate::dto::attributes::MaritalDto,
                /// Any of these education levels.
                education: $crate::dto::attributes::EducationDto,
                /// Any of these contact types of the last contact.
                contact: $crate::dto::attributes::ContactDto,
                /// Any of these months of the last contact.
                month: $crate::dto::attributes::MonthDto,
                /// Any of these previous outcomes.
                poutcome: $crate::dto::attributes::PoutcomeDto,
                /// Any of these tiers (scored customers only).
                tier: $crate::dto::attributes::TierDto,
            }
            values {
                /// Age at least.
                #[garde(range(min = 0, max = leadscore_application::customers::CustomerFilter::AGE_BOUND_MAX))]
                age_min: i64 [minimum = 0, maximum = 150],
                /// Age at most.
                #[garde(range(min = 0, max = leadscore_application::customers::CustomerFilter::AGE_BOUND_MAX))]
                age_max: i64 [minimum = 0, maximum = 150],
                /// Balance in euros at least.
                #[garde(skip)]
                balance_min: i64,
                /// Balance in euros at most.
                #[garde(skip)]
                balance_max: i64,
                /// Has (`true`) or has not (`false`) a housing loan.
                #[garde(skip)]
                housing: bool,
                /// Has (`true`) or has not (`false`) a personal loan.
                #[garde(skip)]
                loan: bool,
                /// Has (`true`) or has not (`false`) credit in default.
                #[garde(skip)]
                default: bool,
                /// Score (0–100) at least; unscored customers never match a score bound.
                #[garde(range(min = 0, max = leadscore_application::customers::CustomerFilter::SCORE_MAX))]
                score_min: i64 [minimum = 0, maximum = 100],
                /// Score (0–100) at most.
                #[garde(range(min = 0, max = leadscore_application::customers::CustomerFilter::SCORE_MAX))]
                score_max: i64 [minimum = 0, maximum = 100],
                /// Case-insensitive substring of name, e-mail, phone, city or external id.
                #[garde(length(chars, max = leadscore_application::customers::CustomerFilter::Q_MAX_CHARS))]
                q: String [max_length = 200],
                /// Created at or after (RFC 3339).
                #[garde(skip)]
                from: chrono::DateTime<chrono::Utc>,
                /// Created at or before (RFC 3339).
                #[garde(skip)]
                to: chrono::DateTime<chrono::Utc>,
            }
        );
    };
}

/// Declares `$name` with the customer filter's fields plus the given extra ones (or, with `list … sorted by`, as a
/// paged, sorted list), and `filter()` that reads the application filter out of it.
macro_rules! customer_filter {
    // A paged, sorted list: the filter inside `list_params!`, so paging and sort are declared as on every list.
    (list $(#[$meta:meta])* $name:ident sorted by $sort:ty) => {
        $crate::dto::criteria::with_filter_fields!(customer_filter!(@list $(#[$meta])* $name sorted by ($sort)));
    };
    // A struct: `schema` for a JSON body (ToSchema), `param` for query parameters (IntoParams), naming the
    // attribute the constraints go in.
    ($kind:ident $(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $vis:vis $field:ident : $ty:ty),* $(,)? }) => {
        $crate::dto::criteria::with_filter_fields!(customer_filter!(@struct $kind $(#[$meta])* $name {
            $($(#[$fmeta])* $vis $field : $ty),*
        }));
    };
    (@struct $kind:ident $(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $vis:vis $field:ident : $ty:ty),* }
        lists { $($(#[$lmeta:meta])* $list:ident : $lty:ty),* $(,)? }
        values { $($(#[$vmeta:meta])* $value:ident : $vty:ty $([$($bound:tt)*])?),* $(,)? }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$lmeta])*
                #[serde(default, skip_serializing_if = "Vec::is_empty")]
                #[garde(skip)]
                pub $list: Vec<$lty>,
            )*
            $(
                $(#[$vmeta])*
                $(#[$kind($($bound)*)])?
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $value: Option<$vty>,
            )*
            $($(#[$fmeta])* $vis $field: $ty,)*
        }

        customer_filter!(@filter $name lists { $($list),* } values { $($value),* });
    };
    (@list $(#[$meta:meta])* $name:ident sorted by ($sort:ty)
        lists { $($(#[$lmeta:meta])* $list:ident : $lty:ty),* $(,)? }
        values { $($(#[$vmeta:meta])* $value:ident : $vty:ty $([$($bound:tt)*])?),* $(,)? }
    ) => {
        $crate::dto::common::list_params!(
            $(#[$meta])*
            $name sorted by $sort {
                $(
                    $(#[$lmeta])*
                    #[serde(default)]
                    #[garde(skip)]
                    pub $list: Vec<$lty>,
                )*
                $($(#[$vmeta])* $(#[param($($bound)*)])? pub $value: Option<$vty>,)*
            }
        );
        customer_filter!(@filter $name lists { $($list),* } values { $($value),* });
    };
    (@filter $name:ident lists { $($list:ident),* } values { $($value:ident),* }) => {
        impl $name {
            /// The application filter these fields select.
            pub fn filter(&self) -> leadscore_application::customers::CustomerFilter {
                leadscore_application::customers::CustomerFilter {
                    $($list: self.$list.iter().map(|v| (*v).into()).collect(),)*
                    $($value: self.$value.clone(),)*
                }
            }
        }
    };
    (@from $name:ident
        lists { $($(#[$lmeta:meta])* $list:ident : $lty:ty),* $(,)? }
        values { $($(#[$vmeta:meta])* $value:ident : $vty:ty $([$($bound:tt)*])?),* $(,)? }
    ) => {
        impl From<leadscore_application::customers::CustomerFilter> for $name {
            fn from(f: leadscore_application::customers::CustomerFilter) -> Self {
                Self { $($list: f.$list.into_iter().map(Into::into).collect(),)* $($value: f.$value,)* }
            }
        }
    };
}

pub(crate) use {customer_filter, with_filter_fields};

customer_filter!(
    schema
    /// Which customers: every set field narrows the selection; lists mean "any of"; an empty object means everyone.
    #[derive(Debug, Clone, Default, Serialize, Deserialize, garde::Validate, ToSchema)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[schema(example = json!({"job": ["management", "retired"], "ageMin": 30, "ageMax": 65, "housing": false,
        "poutcome": ["success"]}))]
    CustomerCriteriaDto {}
);

impl From<CustomerCriteriaDto> for CustomerFilter {
    fn from(c: CustomerCriteriaDto) -> Self {
        c.filter()
    }
}

with_filter_fields!(customer_filter!(@from CustomerCriteriaDto));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_field_survives_the_round_trip_through_the_wire_type() {
        let filter: CustomerFilter = serde_json::from_value(serde_json::json!({
            "job": ["admin."], "marital": ["single"], "education": ["primary"], "contact": ["cellular"],
            "month": ["may"], "poutcome": ["success"], "tier": ["Hot"], "ageMin": 20, "ageMax": 30,
            "balanceMin": -5, "balanceMax": 5, "housing": true, "loan": false, "default": false, "scoreMin": 1,
            "scoreMax": 99, "q": "silva", "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"
        }))
        .unwrap();
        let wire = CustomerCriteriaDto::from(filter.clone());
        assert_eq!(serde_json::to_value(&wire).unwrap(), serde_json::to_value(&filter).unwrap());
        assert_eq!(CustomerFilter::from(wire), filter);
    }
}
