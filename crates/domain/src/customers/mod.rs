//! Bank customers: the UCI Bank Marketing attributes with their real domains, contact details, the known outcome
//! and the latest score.

mod attributes;
mod customer;

pub use attributes::{BankAttribute, Contact, Education, Job, Marital, Month, Outcome, Poutcome, parse_yes_no};
pub use customer::{
    Age, BankProfile, ContactDetails, Customer, CustomerDraft, LatestScore, NewCustomer, parse_category,
};
