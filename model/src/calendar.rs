//! The calendar both sides count by: weeks and months for leaderboards.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The Monday (UTC) starting the week `at` falls in: weekly leaderboards are grouped by the time
/// written in the events, so "this week" never needs a reset job.
#[must_use]
pub fn week_start(at: DateTime<Utc>) -> NaiveDate {
    let day = at.date_naive();
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// The first day (UTC) of the month `at` falls in: monthly leaderboards are grouped by the time
/// written in the events, like the weekly ones.
#[must_use]
pub fn month_start(at: DateTime<Utc>) -> NaiveDate {
    let day = at.date_naive();
    day - chrono::Days::new(u64::from(day.day0()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn weeks_start_on_monday_utc() {
        let sunday_night = Utc
            .with_ymd_and_hms(2026, 11, 29, 23, 59, 0)
            .single()
            .expect("valid");
        let monday = Utc
            .with_ymd_and_hms(2026, 11, 30, 0, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(
            week_start(sunday_night),
            NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid")
        );
        assert_eq!(
            week_start(monday),
            NaiveDate::from_ymd_opt(2026, 11, 30).expect("valid")
        );
    }

    #[test]
    fn months_start_on_the_first_utc() {
        let last_second = Utc
            .with_ymd_and_hms(2026, 2, 28, 23, 59, 59)
            .single()
            .expect("valid");
        let march = Utc
            .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(
            month_start(last_second),
            NaiveDate::from_ymd_opt(2026, 2, 1).expect("valid")
        );
        assert_eq!(
            month_start(march),
            NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid")
        );
    }
}
