//! The columns of a transaction file and where a header puts them.

use crate::RowError;

/// A column of a transaction file (the UCI Online Retail layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// Invoice number; a leading `C` marks a cancellation.
    InvoiceNo,
    /// Product code (not used by the analysis).
    StockCode,
    /// Product name (not used by the analysis).
    Description,
    /// Units bought.
    Quantity,
    /// When the invoice was made.
    InvoiceDate,
    /// Price of one unit.
    UnitPrice,
    CustomerId,
    /// Customer's country (not used by the analysis).
    Country,
}

impl Column {
    /// The columns the analysis reads; a file without any of them is refused. The other three may be absent.
    pub const REQUIRED: [Column; 5] =
        [Column::InvoiceNo, Column::Quantity, Column::InvoiceDate, Column::UnitPrice, Column::CustomerId];

    /// The header as the UCI file spells it.
    pub fn header(self) -> &'static str {
        match self {
            Column::InvoiceNo => "InvoiceNo",
            Column::StockCode => "StockCode",
            Column::Description => "Description",
            Column::Quantity => "Quantity",
            Column::InvoiceDate => "InvoiceDate",
            Column::UnitPrice => "UnitPrice",
            Column::CustomerId => "CustomerID",
            Column::Country => "Country",
        }
    }

    /// The name used in API error items (camelCase).
    pub fn field(self) -> &'static str {
        match self {
            Column::InvoiceNo => "invoiceNo",
            Column::StockCode => "stockCode",
            Column::Description => "description",
            Column::Quantity => "quantity",
            Column::InvoiceDate => "invoiceDate",
            Column::UnitPrice => "unitPrice",
            Column::CustomerId => "customerId",
            Column::Country => "country",
        }
    }

    /// Accepted header names after [`normalise_header`]: the UCI names, plus those of "Online Retail II"
    /// (`Invoice`, `Price`, `Customer ID`).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::InvoiceNo => &["invoiceno", "invoice", "invoicenumber"],
            Column::StockCode => &["stockcode"],
            Column::Description => &["description"],
            Column::Quantity => &["quantity", "qty"],
            Column::InvoiceDate => &["invoicedate"],
            Column::UnitPrice => &["unitprice", "price"],
            Column::CustomerId => &["customerid", "customer"],
            Column::Country => &["country"],
        }
    }
}

/// A header name reduced to lower-case ASCII letters and digits: `Customer ID`, `customer_id` and `CUSTOMERID` are
/// the same column.
pub fn normalise_header(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Required columns the header lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumns {
    /// The required columns not found.
    pub missing: Vec<Column>,
    /// The header cells that were there.
    pub found: Vec<String>,
}

impl MissingColumns {
    /// One error per missing column, on row 1 (the header).
    pub fn row_errors(&self) -> Vec<RowError> {
        let found = if self.found.is_empty() { "none".to_owned() } else { self.found.join(", ") };
        self.missing
            .iter()
            .map(|column| RowError {
                row: 1,
                field: column.field().to_owned(),
                message: format!("missing column '{}' (header has: {found})", column.header()),
            })
            .collect()
    }
}

/// Where the required columns are in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnMap {
    pub(super) invoice_no: usize,
    pub(super) quantity: usize,
    pub(super) invoice_date: usize,
    pub(super) unit_price: usize,
    pub(super) customer_id: usize,
}

impl ColumnMap {
    /// Finds the required columns in a header row, case-insensitively and ignoring spaces and punctuation. When a
    /// column appears twice, the first one wins.
    pub fn from_header<S: AsRef<str>>(names: &[S]) -> Result<Self, MissingColumns> {
        let normalised: Vec<String> = names.iter().map(|n| normalise_header(n.as_ref())).collect();
        let find = |column: Column| normalised.iter().position(|n| column.aliases().contains(&n.as_str()));
        let found: Vec<Option<usize>> = Column::REQUIRED.iter().map(|c| find(*c)).collect();
        match found.as_slice() {
            [Some(invoice_no), Some(quantity), Some(invoice_date), Some(unit_price), Some(customer_id)] => Ok(Self {
                invoice_no: *invoice_no,
                quantity: *quantity,
                invoice_date: *invoice_date,
                unit_price: *unit_price,
                customer_id: *customer_id,
            }),
            _ => Err(MissingColumns {
                missing: Column::REQUIRED.iter().zip(&found).filter(|(_, i)| i.is_none()).map(|(c, _)| *c).collect(),
                found: names.iter().map(|n| n.as_ref().trim().to_owned()).filter(|n| !n.is_empty()).collect(),
            }),
        }
    }

    /// Position of the InvoiceDate column.
    pub fn invoice_date(&self) -> usize {
        self.invoice_date
    }
}
