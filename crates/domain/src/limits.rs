//! The size and range limits of the values the domain accepts, named once: the domain's checks use them, and the
//! HTTP layer's request validation and its OpenAPI constraints refer to the same constants instead of repeating
//! the numbers.

/// Person names (customers and accounts): long enough for any real name with titles.
pub const NAME_MAX_CHARS: usize = 120;
/// Phone numbers as people type them (digits, spaces, `+ - ( ) .`); E.164 needs 15 digits, the rest is formatting.
pub const PHONE_MAX_CHARS: usize = 32;
/// City names.
pub const CITY_MAX_CHARS: usize = 80;
/// Postal addresses of accounts.
pub const ADDRESS_MAX_CHARS: usize = 300;
/// The bank's own customer key (core-banking ids are short).
pub const EXTERNAL_ID_MAX_CHARS: usize = 64;
/// RFC 5321's limit on a forward path.
pub const EMAIL_MAX_CHARS: usize = 254;
/// Login names: short enough to show everywhere, long enough to be unique in a bank.
pub const USERNAME_MIN_CHARS: usize = 3;
/// See [`USERNAME_MIN_CHARS`].
pub const USERNAME_MAX_CHARS: usize = 32;

/// Average yearly balance in euros, either sign: beyond a billion a value is a typo, not a retail customer.
pub const BALANCE_LIMIT: i64 = 1_000_000_000;
/// A call cannot last longer than a day (seconds).
pub const DURATION_MAX_SECONDS: i64 = 86_400;
/// Contacts of one customer in one campaign, and before it (the data's maximum is 275).
pub const CONTACTS_MAX: i64 = 1_000;
/// Days since a previous campaign's contact (`-1` = never); the data's maximum is 871.
pub const PDAYS_MAX: i64 = 10_000;

/// Campaign names, shown in lists and file names.
pub const CAMPAIGN_NAME_MAX_CHARS: usize = 200;
/// Campaign descriptions.
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
