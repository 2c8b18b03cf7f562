//! Who is asking: the authenticated principal every use case receives.

use leadscore_domain::users::Role;
use uuid::Uuid;

use crate::AppError;

/// The signed-in user on whose behalf a use case runs. Its role is read from the database on every request, so a
/// demotion or deactivation takes effect at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The user's id.
    pub id: Uuid,
    /// The user's current role.
    pub role: Role,
}

impl Caller {
    /// Fails with `Forbidden` unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) { Ok(()) } else { Err(AppError::Forbidden(Self::requirement(roles))) }
    }

    /// What [`Caller::require`] answers a caller without one of `roles` (also the spec's 403 examples).
    pub fn requirement(roles: &[Role]) -> String {
        format!("requires role {}", roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" or "))
    }

    /// Whether the caller is an Admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The operator at the shell (`leadscore import`, `seed`): trusted as an Admin, but no account — the audit
    /// trail records no actor for it.
    pub fn operator() -> Self {
        Self { id: Uuid::nil(), role: Role::Admin }
    }

    /// The account to record as the actor of an audit entry: none for the operator.
    pub fn actor_id(&self) -> Option<Uuid> {
        (!self.id.is_nil()).then_some(self.id)
    }
}
