//! The customers of an analysis as a CSV or XLSX file.

use leadscore_domain::segmentation::{Analysis, SegmentedCustomer};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::AppError;
use crate::files::neutralise_formula;

/// File formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// RFC 4180, UTF-8, comma-separated (the default).
    #[default]
    Csv,
    /// An Excel workbook: a Customers sheet and a Segments sheet.
    Xlsx,
}

impl ExportFormat {
    /// The media type served.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// A file ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// Suggested file name.
    pub file_name: String,
    /// Media type.
    pub content_type: &'static str,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Column headers of both formats, as the API names the fields.
pub const COLUMNS: [&str; 10] =
    ["customerId", "recency", "frequency", "monetary", "rScore", "fScore", "mScore", "rfmScore", "cluster", "segment"];

/// The three scores as one code, e.g. `545`.
pub fn rfm_code(customer: &SegmentedCustomer) -> String {
    format!("{}{}{}", customer.r_score, customer.f_score, customer.m_score)
}

/// Customer ids come from uploaded files: the CSV-injection rule of every export.
fn neutralise(text: &str) -> String {
    neutralise_formula(text.to_owned())
}

/// The customers as CSV.
pub fn write_csv(customers: &[SegmentedCustomer]) -> Result<Vec<u8>, AppError> {
    let fail = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(64 * (customers.len() + 1)));
    writer.write_record(COLUMNS).map_err(fail)?;
    for c in customers {
        writer
            .write_record([
                neutralise(&c.customer_id),
                c.recency.to_string(),
                c.frequency.to_string(),
                format!("{:.2}", c.monetary),
                c.r_score.to_string(),
                c.f_score.to_string(),
                c.m_score.to_string(),
                rfm_code(c),
                c.cluster.to_string(),
                c.segment.clone(),
            ])
            .map_err(fail)?;
    }
    writer.into_inner().map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
}

/// The customers and the segment summary as a workbook: bold, frozen header rows with autofilters, typed numbers.
pub fn write_xlsx(analysis: &Analysis, customers: &[SegmentedCustomer]) -> Result<Vec<u8>, AppError> {
    build_xlsx(analysis, customers).map_err(|e| AppError::Internal(format!("writing XLSX: {e}")))
}

fn header(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col_index(col), *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn col_index(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

fn row_index(row: usize) -> u32 {
    u32::try_from(row).unwrap_or(u32::MAX)
}

fn build_xlsx(analysis: &Analysis, customers: &[SegmentedCustomer]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.0%");
    let decimal = Format::new().set_num_format("0.00");

    let sheet = workbook.add_worksheet();
    sheet.set_name("Customers")?;
    header(sheet, &COLUMNS, &bold)?;
    for (i, c) in customers.iter().enumerate() {
        let row = row_index(i + 1);
        sheet.write_string(row, 0, &c.customer_id)?;
        sheet.write_number(row, 1, f64::from(c.recency))?;
        sheet.write_number(row, 2, f64::from(c.frequency))?;
        sheet.write_number_with_format(row, 3, c.monetary, &money)?;
        sheet.write_number(row, 4, f64::from(c.r_score))?;
        sheet.write_number(row, 5, f64::from(c.f_score))?;
        sheet.write_number(row, 6, f64::from(c.m_score))?;
        sheet.write_string(row, 7, rfm_code(c))?;
        sheet.write_number(row, 8, f64::from(c.cluster))?;
        sheet.write_string(row, 9, &c.segment)?;
    }
    sheet.autofilter(0, 0, row_index(customers.len()), col_index(COLUMNS.len() - 1))?;
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(3, 14)?;
    sheet.set_column_width(9, 22)?;

    let summary = workbook.add_worksheet();
    summary.set_name("Segments")?;
    let columns = [
        "cluster",
        "segment",
        "customers",
        "revenue",
        "revenueShare",
        "recencyMean",
        "recencyMedian",
        "frequencyMean",
        "frequencyMedian",
        "monetaryMean",
        "monetaryMedian",
    ];
    header(summary, &columns, &bold)?;
    for (i, s) in analysis.segments.iter().enumerate() {
        let row = row_index(i + 1);
        summary.write_number(row, 0, f64::from(s.cluster))?;
        summary.write_string(row, 1, &s.name)?;
        summary.write_number(row, 2, s.size as f64)?;
        summary.write_number_with_format(row, 3, s.revenue, &money)?;
        summary.write_number_with_format(row, 4, s.revenue_share, &percent)?;
        summary.write_number_with_format(row, 5, s.recency.mean, &decimal)?;
        summary.write_number_with_format(row, 6, s.recency.median, &decimal)?;
        summary.write_number_with_format(row, 7, s.frequency.mean, &decimal)?;
        summary.write_number_with_format(row, 8, s.frequency.median, &decimal)?;
        summary.write_number_with_format(row, 9, s.monetary.mean, &money)?;
        summary.write_number_with_format(row, 10, s.monetary.median, &money)?;
    }
    summary.autofilter(0, 0, row_index(analysis.segments.len()), col_index(columns.len() - 1))?;
    summary.set_column_width(1, 22)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(id: &str) -> SegmentedCustomer {
        SegmentedCustomer {
            customer_id: id.into(),
            recency: 3,
            frequency: 7,
            monetary: 1234.5,
            r_score: 5,
            f_score: 4,
            m_score: 5,
            cluster: 0,
            segment: "Champions".into(),
        }
    }

    #[test]
    fn csv_has_a_header_typed_values_and_no_formulas() {
        let bytes = write_csv(&[customer("17850"), customer("=HYPERLINK(\"x\")")]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "customerId,recency,frequency,monetary,rScore,fScore,mScore,rfmScore,cluster,segment");
        assert_eq!(lines[1], "17850,3,7,1234.50,5,4,5,545,0,Champions");
        assert!(lines[2].starts_with("\"'=HYPERLINK"), "{}", lines[2]);
    }
}
