//! Time series with every bucket present: a period of whole buckets (UTC days, ISO weeks starting on Monday,
//! calendar months) and the zero-filled buckets of a set of counts.

use chrono::{Datelike, Duration, Months, NaiveDate};

use crate::{DomainError, FieldError, string_enum};

string_enum!(
    /// The length of one bucket of a series.
    Granularity, "groupBy" {
        /// One UTC day.
        Day => "day",
        /// One ISO week, Monday to Sunday.
        Week => "week",
        /// One calendar month.
        Month => "month",
    }
);

string_enum!(
    /// What a series counts, and by which date.
    Metric, "metric" {
        /// Predictions, by when they were made.
        Predictions => "predictions",
        /// Leads closed as Converted, by when they were closed.
        Conversions => "conversions",
        /// Leads, by when they were put on a call list.
        Leads => "leads",
    }
);

/// The most buckets one series may have: a year of days.
pub const MAX_BUCKETS: usize = 366;

/// Days analytics accept: years 1900 to 9999, which both databases store and compare as dates.
pub fn check_day(field: &str, day: NaiveDate) -> Result<NaiveDate, DomainError> {
    if (1900..=9999).contains(&day.year()) {
        Ok(day)
    } else {
        Err(DomainError::invalid(field, "must be a date between 1900-01-01 and 9999-12-31"))
    }
}

impl Granularity {
    /// The first day of the bucket holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => day,
            Self::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Self::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The first day of the bucket after the one starting on `start`; `None` past the end of the calendar.
    pub fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::Day => start.succ_opt(),
            Self::Week => start.checked_add_signed(Duration::days(7)),
            Self::Month => start.checked_add_months(Months::new(1)),
        }
    }

    /// The first day of the bucket `n` buckets before the one starting on `start`.
    fn back(self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        match self {
            Self::Day => start.checked_sub_signed(Duration::days(i64::from(n))),
            Self::Week => start.checked_sub_signed(Duration::days(7 * i64::from(n))),
            Self::Month => start.checked_sub_months(Months::new(n)),
        }
    }

    /// How a bucket is named: `2026-01-15`, ISO week `2026-W03` (the ISO year, which differs from the calendar
    /// year around New Year), `2026-01`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Self::Day => start.format("%Y-%m-%d").to_string(),
            Self::Week => {
                let week = start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Self::Month => start.format("%Y-%m").to_string(),
        }
    }

    /// Buckets shown when the caller gives no `from`: 30 days, 12 weeks or 12 months up to `to`.
    pub fn default_buckets(self) -> u32 {
        match self {
            Self::Day => 30,
            Self::Week | Self::Month => 12,
        }
    }
}

/// One bucket of a complete series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Its name (see [`Granularity::label`]).
    pub label: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
    /// What was counted in it.
    pub count: u64,
}

/// A validated period of a series, widened to whole buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesPeriod {
    granularity: Granularity,
    starts: Vec<NaiveDate>,
    end: NaiveDate,
}

impl SeriesPeriod {
    /// The period from `from` to `to` (inclusive UTC days), widened to whole buckets so no bucket is counted in
    /// part. `to` defaults to `today`; `from` to [`Granularity::default_buckets`] buckets ending with `to`'s.
    /// Field errors: `from` after `to`, or more than [`MAX_BUCKETS`] buckets.
    pub fn new(
        granularity: Granularity,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let mut errors = Vec::new();
        for (field, day) in [("from", from), ("to", to)] {
            if let Some(Err(DomainError::Invalid(fields))) = day.map(|d| check_day(field, d)) {
                errors.extend(fields);
            }
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let to = to.unwrap_or(today);
        let last_start = granularity.start_of(to);
        let from = match from {
            Some(from) => from,
            None => granularity.back(last_start, granularity.default_buckets() - 1).unwrap_or(last_start),
        };
        if from > to {
            return Err(DomainError::Invalid(vec![FieldError::new("from", "must be on or before to")]));
        }
        let mut starts = Vec::new();
        let mut start = granularity.start_of(from);
        let mut end = None;
        while start <= to {
            if starts.len() == MAX_BUCKETS {
                return Err(DomainError::invalid(
                    "to",
                    format!(
                        "the period has more than {MAX_BUCKETS} {} buckets; shorten it or group by a longer unit",
                        granularity.as_str()
                    ),
                ));
            }
            starts.push(start);
            match granularity.next(start) {
                Some(next) => {
                    end = next.pred_opt();
                    start = next;
                }
                None => {
                    end = Some(NaiveDate::MAX);
                    break;
                }
            }
        }
        let end = end.unwrap_or(to);
        Ok(Self { granularity, starts, end })
    }

    /// The bucket length.
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// First day of the first bucket.
    pub fn first_day(&self) -> NaiveDate {
        self.starts.first().copied().unwrap_or(self.end)
    }

    /// Last day of the last bucket (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.end
    }

    /// First day of every bucket, in order.
    pub fn starts(&self) -> &[NaiveDate] {
        &self.starts
    }

    /// Every bucket, with the count of `counts` (bucket start → count) or zero; counts outside the period are
    /// ignored.
    pub fn fill(&self, counts: &[(NaiveDate, u64)]) -> Vec<Bucket> {
        self.starts
            .iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = self.starts.get(i + 1).and_then(|next| next.pred_opt()).unwrap_or(self.end);
                let count = counts.iter().filter(|(day, _)| *day == start).map(|(_, n)| n).sum();
                Bucket { label: self.granularity.label(start), start, end, count }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn labels(period: &SeriesPeriod) -> Vec<String> {
        period.fill(&[]).into_iter().map(|b| b.label).collect()
    }

    #[test]
    fn iso_weeks_start_on_monday_and_carry_the_iso_year() {
        // 2026-01-01 is a Thursday: its ISO week is 2026-W01, which starts on Monday 2025-12-29.
        assert_eq!(Granularity::Week.start_of(day(2026, 1, 1)), day(2025, 12, 29));
        assert_eq!(Granularity::Week.label(day(2025, 12, 29)), "2026-W01");
        // 2021-01-03 is a Sunday in week 53 of 2020.
        assert_eq!(Granularity::Week.start_of(day(2021, 1, 3)), day(2020, 12, 28));
        assert_eq!(Granularity::Week.label(day(2020, 12, 28)), "2020-W53");
        // A Monday is its own start.
        assert_eq!(Granularity::Week.start_of(day(2026, 1, 5)), day(2026, 1, 5));
    }

    #[test]
    fn a_week_series_across_new_year_is_widened_to_whole_weeks() {
        let period =
            SeriesPeriod::new(Granularity::Week, Some(day(2025, 12, 24)), Some(day(2026, 1, 6)), day(2026, 2, 1))
                .unwrap();
        assert_eq!(labels(&period), ["2025-W52", "2026-W01", "2026-W02"]);
        assert_eq!(period.first_day(), day(2025, 12, 22));
        assert_eq!(period.last_day(), day(2026, 1, 11));
        let buckets = period.fill(&[(day(2025, 12, 29), 4)]);
        assert_eq!(buckets[1].start, day(2025, 12, 29));
        assert_eq!(buckets[1].end, day(2026, 1, 4));
        assert_eq!(buckets.iter().map(|b| b.count).collect::<Vec<_>>(), [0, 4, 0]);
    }

    #[test]
    fn months_end_on_their_last_day_including_leap_february() {
        let period =
            SeriesPeriod::new(Granularity::Month, Some(day(2024, 1, 31)), Some(day(2024, 3, 1)), day(2024, 3, 1))
                .unwrap();
        let buckets = period.fill(&[]);
        assert_eq!(labels(&period), ["2024-01", "2024-02", "2024-03"]);
        assert_eq!(buckets[0].end, day(2024, 1, 31));
        assert_eq!(buckets[1].end, day(2024, 2, 29));
        assert_eq!(buckets[2].end, day(2024, 3, 31));
        let common =
            SeriesPeriod::new(Granularity::Month, Some(day(2026, 2, 10)), Some(day(2026, 2, 10)), day(2026, 2, 10))
                .unwrap();
        assert_eq!(common.last_day(), day(2026, 2, 28));
    }

    #[test]
    fn days_across_a_leap_day_and_new_year() {
        let leap = SeriesPeriod::new(Granularity::Day, Some(day(2024, 2, 28)), Some(day(2024, 3, 1)), day(2024, 3, 1))
            .unwrap();
        assert_eq!(labels(&leap), ["2024-02-28", "2024-02-29", "2024-03-01"]);
        let new_year =
            SeriesPeriod::new(Granularity::Day, Some(day(2025, 12, 31)), Some(day(2026, 1, 1)), day(2026, 1, 1))
                .unwrap();
        assert_eq!(labels(&new_year), ["2025-12-31", "2026-01-01"]);
    }

    #[test]
    fn defaults_end_today_and_span_the_default_number_of_buckets() {
        let today = day(2026, 3, 15);
        let days = SeriesPeriod::new(Granularity::Day, None, None, today).unwrap();
        assert_eq!(days.starts().len(), 30);
        assert_eq!(days.first_day(), day(2026, 2, 14));
        assert_eq!(days.last_day(), today);
        let weeks = SeriesPeriod::new(Granularity::Week, None, None, today).unwrap();
        assert_eq!(weeks.starts().len(), 12);
        assert_eq!(weeks.last_day(), day(2026, 3, 15), "Sunday ends the week");
        let months = SeriesPeriod::new(Granularity::Month, None, Some(day(2026, 1, 20)), today).unwrap();
        assert_eq!(months.first_day(), day(2025, 2, 1));
        assert_eq!(months.last_day(), day(2026, 1, 31));
    }

    #[test]
    fn from_after_to_and_too_many_buckets_are_field_errors() {
        let today = day(2026, 3, 15);
        let err = SeriesPeriod::new(Granularity::Day, Some(day(2026, 3, 2)), Some(day(2026, 3, 1)), today).unwrap_err();
        assert_eq!(err, DomainError::invalid("from", "must be on or before to"));
        // 2024 is a leap year: 366 days fit, 367 do not.
        assert!(SeriesPeriod::new(Granularity::Day, Some(day(2024, 1, 1)), Some(day(2024, 12, 31)), today).is_ok());
        let err = SeriesPeriod::new(Granularity::Day, Some(day(2024, 1, 1)), Some(day(2025, 1, 1)), today).unwrap_err();
        assert!(matches!(err, DomainError::Invalid(ref f) if f[0].field == "to"), "{err:?}");
        assert!(SeriesPeriod::new(Granularity::Month, Some(day(1990, 1, 1)), Some(day(2026, 1, 1)), today).is_err());
        assert!(SeriesPeriod::new(Granularity::Week, Some(day(2020, 1, 1)), Some(day(2026, 1, 1)), today).is_ok());
        let err =
            SeriesPeriod::new(Granularity::Day, Some(day(1800, 1, 1)), Some(day(10_000, 1, 1)), today).unwrap_err();
        assert!(matches!(err, DomainError::Invalid(ref f) if f.len() == 2), "{err:?}");
    }

    #[test]
    fn counts_outside_the_buckets_are_ignored() {
        let period =
            SeriesPeriod::new(Granularity::Day, Some(day(2026, 1, 1)), Some(day(2026, 1, 2)), day(2026, 1, 2)).unwrap();
        let buckets = period.fill(&[(day(2026, 1, 2), 3), (day(2026, 1, 9), 5)]);
        assert_eq!(buckets.iter().map(|b| b.count).collect::<Vec<_>>(), [0, 3]);
    }
}
