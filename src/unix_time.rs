//! Unix seconds, and reading the HTTP `Date` format: the client reads the service's clock
//! from it.

use std::time::{SystemTime, UNIX_EPOCH};

use time::{Date, Month, PrimitiveDateTime, Time};

/// A time as Unix seconds (negative before 1970), saturating at the ends of `i64`.
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// The month names of the HTTP `Date` format, January first.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// 9999-12-31T23:59:59Z, the last second the service's time format can carry (and the end
/// of `time`'s range unless its `large-dates` feature is on).
#[cfg(feature = "emulator")]
pub(crate) const LAST_SECOND: i64 = 253_402_300_799;

/// Formats Unix seconds as an HTTP `Date` (IMF-fixdate), clamped to the years 1970 to 9999.
#[cfg(feature = "emulator")]
pub(crate) fn format_http_date(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix.clamp(0, LAST_SECOND))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[t.month() as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses an HTTP `Date` (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    // Read on every answer: no allocation.
    let mut parts = text.split_ascii_whitespace();
    let (Some(_weekday), Some(day), Some(month), Some(year), Some(clock), Some("GMT"), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let month = MONTHS.iter().position(|m| *m == month)?;
    let month = Month::try_from(u8::try_from(month + 1).ok()?).ok()?;
    let mut hms = clock.split(':').map(|p| p.parse::<u8>().ok());
    let (Some(Some(h)), Some(Some(m)), Some(Some(s)), None) =
        (hms.next(), hms.next(), hms.next(), hms.next())
    else {
        return None;
    };
    let date = Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()?;
    let time = Time::from_hms(h, m, s).ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "emulator")]
    #[test]
    fn http_dates_round_trip() {
        for unix in [0, 1_656_429_792, 4_102_444_799] {
            assert_eq!(parse_http_date(&format_http_date(unix)), Some(unix));
        }
        assert_eq!(
            format_http_date(1_656_429_792),
            "Tue, 28 Jun 2022 15:23:12 GMT"
        );
        assert_eq!(format_http_date(i64::MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(format_http_date(-1), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Mon, 28 Jun 2022 15:23:12 GMT"),
            Some(1_656_429_792)
        );
        for bad in [
            "",
            "Mon, 28 Jun 2022 15:23:12",
            "Mon, 28 Foo 2022 15:23:12 GMT",
            "Mon, 28 Jun 2022 25:23:12 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }
}
