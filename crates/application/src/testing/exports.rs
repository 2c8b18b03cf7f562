//! Writing tables.

use crate::AppError;
use crate::exports::{Cell, Column, Sheet, TableWriter};
use crate::files::neutralise_formula;

/// Writes CSV (quoted where needed, formulas guarded as the contract asks); workbooks are not implemented.
#[derive(Debug, Default)]
pub struct FakeTableWriter;

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

fn cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => field(&neutralise_formula(text.clone())),
        Cell::Number(x) | Cell::Money(x) | Cell::Percent(x) | Cell::Decimal(x) => x.to_string(),
        Cell::Empty => String::new(),
    }
}

impl TableWriter for FakeTableWriter {
    fn csv(&self, header: Option<&[Column]>, rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
        let mut out = String::new();
        if let Some(columns) = header {
            let titles: Vec<String> = columns.iter().map(|c| field(c.title)).collect();
            out.push_str(&titles.join(","));
            out.push('\n');
        }
        for row in rows {
            out.push_str(&row.iter().map(cell).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        Ok(out.into_bytes())
    }

    fn xlsx(&self, _sheets: &[Sheet]) -> Result<Vec<u8>, AppError> {
        Err(super::unsupported("TableWriter::xlsx"))
    }
}
