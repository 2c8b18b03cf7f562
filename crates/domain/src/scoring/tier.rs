//! Scores and tiers. Tier thresholds come from the model card, never from code.

use crate::string_enum;

string_enum!(
    /// How promising a lead is, from the model card's probability thresholds.
    Tier, "tier" {
        /// Call first.
        Hot => "Hot",
        /// Call next.
        Warm => "Warm",
        /// Call last.
        Cold => "Cold",
    }
);
