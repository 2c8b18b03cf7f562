//! Reading one cell: dates in the orders files write them, numbers with either decimal separator, customer ids.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// The order of day, month and year in dates written with `/`, `-` or `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `2011-12-09 12:50:00`, `2011/12/09 12:50`, `2011-12-09T12:50:00Z` (ISO 8601 and the like).
    YearFirst,
    /// `12/9/2011 12:50` (the UCI/Kaggle CSV; US).
    MonthFirst,
    /// `9/12/2011 12:50`, `09.12.2011 12:50` (most of Europe).
    DayFirst,
}

impl DateOrder {
    /// Decides the order from sample cells: a 3- or 4-digit first number means year first; otherwise a first
    /// number above 12 means day first, a second number above 12 means month first, and when the samples do not
    /// tell (every number ≤ 12) month first is assumed, as in the UCI file.
    pub fn detect<'a>(samples: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut first_above_12 = false;
        let mut second_above_12 = false;
        for sample in samples {
            let Some(parts) = date_parts(trim(sample)) else { continue };
            if parts.first_digits >= 3 {
                return DateOrder::YearFirst;
            }
            first_above_12 |= parts.first > 12;
            second_above_12 |= parts.second > 12;
        }
        if first_above_12 && !second_above_12 { DateOrder::DayFirst } else { DateOrder::MonthFirst }
    }

    /// How dates of this order look, for error messages.
    pub fn example(self) -> &'static str {
        match self {
            DateOrder::YearFirst => "2011-12-09 12:50:00",
            DateOrder::MonthFirst => "12/9/2011 12:50",
            DateOrder::DayFirst => "9/12/2011 12:50",
        }
    }
}

struct DateParts {
    first: u32,
    first_digits: usize,
    second: u32,
    third: u32,
    third_digits: usize,
    rest: usize,
}

/// `n1 sep n2 sep n3` with one separator out of `-`, `/`, `.`; `rest` is where the time starts.
fn date_parts(b: &[u8]) -> Option<DateParts> {
    let (first, first_digits, i) = digits(b, 0, 4)?;
    let sep = *b.get(i)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let (second, _, i) = digits(b, i + 1, 2)?;
    if b.get(i) != Some(&sep) {
        return None;
    }
    let (third, third_digits, rest) = digits(b, i + 1, 4)?;
    Some(DateParts { first, first_digits, second, third, third_digits, rest })
}

/// Up to `max` ASCII digits from `start`: value, count, next position. `None` when there is no digit.
fn digits(b: &[u8], start: usize, max: usize) -> Option<(u32, usize, usize)> {
    let mut value = 0u32;
    let mut i = start;
    while i < b.len() && i - start < max && b[i].is_ascii_digit() {
        value = value * 10 + u32::from(b[i] - b'0');
        i += 1;
    }
    (i > start).then_some((value, i - start, i))
}

pub(super) fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// Reads a date with an optional time: `[ |T]h:mm[:ss[.fraction]]`, an optional `AM`/`PM`, and an optional zone
/// (`Z` or `±hh:mm`, converted to UTC). Two-digit years are 20xx. A date alone means midnight. Times without a
/// zone are taken as UTC.
pub fn parse_datetime(raw: &[u8], order: DateOrder) -> Option<NaiveDateTime> {
    let b = trim(raw);
    let parts = date_parts(b)?;
    let (year, month, day, year_digits) = match order {
        DateOrder::YearFirst => (parts.first, parts.second, parts.third, parts.first_digits),
        DateOrder::MonthFirst => (parts.third, parts.first, parts.second, parts.third_digits),
        DateOrder::DayFirst => (parts.third, parts.second, parts.first, parts.third_digits),
    };
    if order == DateOrder::YearFirst && (parts.first_digits < 3 || parts.third_digits > 2) {
        return None;
    }
    let year = match year_digits {
        4 => i32::try_from(year).ok()?,
        2 => 2000 + i32::try_from(year).ok()?,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut i = parts.rest;
    if i == b.len() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if !matches!(b[i], b' ' | b'T' | b't') {
        return None;
    }
    while i < b.len() && matches!(b[i], b' ' | b'T' | b't') {
        i += 1;
    }
    let (mut hour, _, next) = digits(b, i, 2)?;
    i = next;
    if b.get(i) != Some(&b':') {
        return None;
    }
    let (minute, minute_digits, next) = digits(b, i + 1, 2)?;
    if minute_digits != 2 {
        return None;
    }
    i = next;
    let mut second = 0;
    let mut micro = 0;
    if b.get(i) == Some(&b':') {
        let (s, s_digits, next) = digits(b, i + 1, 2)?;
        if s_digits != 2 {
            return None;
        }
        second = s;
        i = next;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 6 {
                    micro = micro * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..6 {
                micro *= 10;
            }
        }
    }
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if let Some(suffix) = b.get(i..i + 2)
        && (suffix.eq_ignore_ascii_case(b"AM") || suffix.eq_ignore_ascii_case(b"PM"))
    {
        if !(1..=12).contains(&hour) {
            return None;
        }
        let pm = suffix.eq_ignore_ascii_case(b"PM");
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        i += 2;
    }
    let time = NaiveTime::from_hms_micro_opt(hour, minute, second, micro)?;
    let mut at = date.and_time(time);
    match &b[i..] {
        [] | [b'Z' | b'z'] => {}
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let (hours, _, _) = digits(&[*h1, *h2], 0, 2)?;
            let (minutes, _, _) = digits(&[*m1, *m2], 0, 2)?;
            let offset = Duration::minutes(i64::from(hours * 60 + minutes));
            at = if *sign == b'+' { at - offset } else { at + offset };
        }
        _ => return None,
    }
    Some(at)
}

/// Reads a number: optional sign, digits, an optional decimal part and exponent. With `decimal_comma`, a comma is
/// the decimal separator (files delimited by `;` or tabs, as European spreadsheets write them).
pub fn parse_number(raw: &[u8], decimal_comma: bool) -> Option<f64> {
    let b = trim(raw);
    if b.is_empty() {
        return None;
    }
    if let Some(value) = plain_decimal(b) {
        return Some(value);
    }
    let text = std::str::from_utf8(b).ok()?;
    let value = if decimal_comma && text.contains(',') {
        if text.contains('.') {
            return None;
        }
        text.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        text.parse::<f64>().ok()?
    };
    value.is_finite().then_some(value)
}

/// `[-]digits[.digits]` with at most 15 digits, computed as an exact integer divided by an exact power of ten — one
/// correctly rounded operation, so the same double as the standard parser gives (Clinger's fast path) — or `None`
/// for anything else, which the standard parser then reads.
pub(super) fn plain_decimal(b: &[u8]) -> Option<f64> {
    const POWERS: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0;
    let mut fraction: Option<usize> = None;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
                if let Some(f) = fraction.as_mut() {
                    *f += 1;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
        if count > 15 {
            return None;
        }
    }
    if count == 0 {
        return None;
    }
    let value = mantissa as f64 / POWERS[fraction.unwrap_or(0)];
    Some(if negative { -value } else { value })
}

/// Longest customer id accepted.
pub const MAX_CUSTOMER_ID_CHARS: usize = 64;

/// Reads a CustomerID: `Ok(None)` when it is empty or a missing-value marker (`nan`, `null`, `none`, `n/a`, `na`);
/// `17850.0` (an integer id that went through a float column) becomes `17850`.
pub fn parse_customer_id(raw: &[u8]) -> Result<Option<&str>, &'static str> {
    let b = trim(raw);
    if b.is_empty() {
        return Ok(None);
    }
    if [&b"nan"[..], b"null", b"none", b"n/a", b"na"].iter().any(|m| b.eq_ignore_ascii_case(m)) {
        return Ok(None);
    }
    // Nearly every id is a few ASCII digits or letters: accept those without the general checks.
    if b.len() <= MAX_CUSTOMER_ID_CHARS
        && b.iter().all(u8::is_ascii_alphanumeric)
        && let Ok(text) = std::str::from_utf8(b)
    {
        return Ok(Some(text));
    }
    let text = std::str::from_utf8(b).map_err(|_| "is not valid UTF-8 text")?;
    let text = match text.split_once('.') {
        Some((int, frac))
            if !int.is_empty() && int.bytes().all(|c| c.is_ascii_digit()) && frac.bytes().all(|c| c == b'0') =>
        {
            int
        }
        _ => text,
    };
    if text.chars().count() > MAX_CUSTOMER_ID_CHARS {
        return Err("is longer than 64 characters");
    }
    if text.chars().any(char::is_control) {
        return Err("contains control characters");
    }
    Ok(Some(text))
}
