//! Page requests and pages, shared by every list in the product.

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// Largest page a client may ask for; larger requests are refused, not clamped.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Page size used when the client does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 10;

/// A validated request for one page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    limit: u32,
}

impl PageRequest {
    /// Validates a page number (from 1) and a page size (1..=100).
    pub fn new(page: u32, limit: u32) -> Result<Self, DomainError> {
        if page == 0 {
            return Err(DomainError::invalid("page", "must be at least 1"));
        }
        if limit == 0 || limit > MAX_PAGE_SIZE {
            return Err(DomainError::invalid("limit", format!("must be between 1 and {MAX_PAGE_SIZE}")));
        }
        Ok(Self { page, limit })
    }

    /// The 1-based page number.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// The page size.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// How many rows come before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, limit: DEFAULT_PAGE_SIZE }
    }
}

/// One page of results with what a client needs to page on.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows matching the query across all pages.
    pub total_items: u64,
    /// The request that produced this page.
    pub request: PageRequest,
}

impl<T> Page<T> {
    /// Number of pages for `total_items` at this page size (0 when there is nothing).
    pub fn total_pages(&self) -> u64 {
        self.total_items.div_ceil(u64::from(self.request.limit()))
    }

    /// Converts every item, keeping the paging.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), total_items: self.total_items, request: self.request }
    }
}

/// Sort direction of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDir {
    /// Smallest first.
    Asc,
    /// Largest first.
    #[default]
    Desc,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_page_zero_and_oversized_limits() {
        assert!(PageRequest::new(0, 10).is_err());
        assert!(PageRequest::new(1, 0).is_err());
        assert!(PageRequest::new(1, 101).is_err());
        assert!(PageRequest::new(1, 100).is_ok());
    }

    #[test]
    fn computes_offset_and_total_pages() {
        let request = PageRequest::new(3, 10).unwrap();
        assert_eq!(request.offset(), 20);
        let page = Page { items: vec![1], total_items: 45, request };
        assert_eq!(page.total_pages(), 5);
        let empty: Page<u8> = Page { items: vec![], total_items: 0, request };
        assert_eq!(empty.total_pages(), 0);
    }
}
