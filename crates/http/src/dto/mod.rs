//! Request and response bodies of the API. They are separate from domain types and database rows, so a client can
//! never set a field the API does not list (every request body denies unknown fields).

/// Declares an API enum for a domain enum: the same variants, each with its wire string (for serde and for the
/// spec), conversions both ways, and `as_str`.
macro_rules! api_enum {
    ($(#[$meta:meta])* $name:ident => $domain:ident {
        $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] #[schema(rename = $text)] $variant),+
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => $domain::$variant),+ }
            }
        }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value { $($domain::$variant => $name::$variant),+ }
            }
        }

        impl $name {
            /// The exact wire string.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        // The wire strings are typed here for serde and the spec; the build fails if one differs from the domain's.
        const _: () = {
            $(assert!(
                $crate::dto::same_text($text, $domain::$variant.as_str()),
                concat!(stringify!($name), "::", stringify!($variant), " is not the domain's wire string")
            );)+
        };
    };
}

/// String equality in a `const` context (`str::eq` is not `const`).
pub(crate) const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub mod activities;
pub mod analytics;
pub mod attributes;
pub mod auth;
pub mod campaigns;
pub mod common;
pub mod criteria;
pub mod customers;
pub mod media;
pub mod scoring;
pub mod segmentation;
pub mod users;
