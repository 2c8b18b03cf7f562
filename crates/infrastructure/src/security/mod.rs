//! Cryptography adapters: password hashing and access tokens.

mod bcrypt_hasher;
mod jwt;

pub use bcrypt_hasher::BcryptHasher;
pub use jwt::JwtIssuer;
