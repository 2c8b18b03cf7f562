//! Accounts: profiles, passwords, avatars and Admin user management.

mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use ports::{PasswordHasher, UserQuery, UserRepository, UserSortField};
pub use service::{AdminUserPatch, CreateUser, ProfilePatch, UserService};
