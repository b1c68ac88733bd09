//! The service's time format: `2022-06-27T15:23:10+0800` (no colon in the offset).

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::wire::{ReadField, WriteField};
use crate::error::InvalidInput;
use crate::xml::{Node, Writer};

/// A time as the service wrote it: the text, kept whatever it holds, and the instant when the
/// text is one ([`parse_time`]). A format never seen before makes [`ServiceTime::time`]
/// `None`; it does not fail the answer.
///
/// ```
/// use cos_ci_batch::ops::{Action, DescribeJob, HttpResponse};
///
/// let body = b"<Response><JobsDetail><JobId>b1</JobId><CreationTime>2022/06/27 15:23</CreationTime>\
///              <StartTime>2022-06-27T15:23:11+0800</StartTime></JobsDetail></Response>";
/// let job = DescribeJob::new("b1")?.parse(&HttpResponse::new(200, body.to_vec()))?.job;
/// let created = job.creation_time.unwrap();
/// assert_eq!((created.text(), created.time()), ("2022/06/27 15:23", None));
/// assert!(job.start_time.unwrap().time().is_some());
/// # Ok::<(), cos_ci_batch::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceTime {
    text: String,
    time: Option<OffsetDateTime>,
}

impl ServiceTime {
    /// The text as sent.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The instant, when the text is a time (`0` is the epoch, as in `TimeInterval.Start`).
    pub fn time(&self) -> Option<OffsetDateTime> {
        self.time
    }

    pub(crate) fn new(text: String) -> Self {
        let time = match text.trim() {
            "0" => Some(OffsetDateTime::UNIX_EPOCH),
            trimmed => parse_time(trimmed),
        };
        ServiceTime { text, time }
    }

    /// `None` for the service's "not yet" (`-` or nothing).
    pub(crate) fn unless_placeholder(self) -> Option<Self> {
        (!matches!(self.text.trim(), "" | "-")).then_some(self)
    }
}

impl ReadField for ServiceTime {
    fn read_field(node: &Node<'_, '_>) -> Self {
        ServiceTime::new(node.text())
    }

    /// `-` (or nothing) is how the service writes a time that has not come yet.
    fn read_present(node: &Node<'_, '_>) -> Option<Self> {
        Self::read_field(node).unless_placeholder()
    }
}

impl WriteField for ServiceTime {
    fn write_field(&self, w: &mut Writer, name: &str) -> Result<(), InvalidInput> {
        w.text(name, &self.text)
    }
}

/// Formats a time the way the service writes it: `YYYY-MM-DDTHH:MM:SS+HHMM`, in the time's
/// own offset.
///
/// The format has four year digits and an offset in whole minutes, so a year outside
/// `0..=9999` or an offset with seconds is refused ([`InvalidInput::UnrepresentableTime`])
/// rather than written as another instant.
///
/// ```
/// use cos_ci_batch::model::{format_time, parse_time};
/// use time::UtcOffset;
///
/// let t = parse_time("2022-06-27T15:23:10+08:00").unwrap();
/// assert_eq!(format_time(t).unwrap(), "2022-06-27T15:23:10+0800");
/// let odd_offset = t.to_offset(UtcOffset::from_hms(5, 30, 15).unwrap());
/// assert!(format_time(odd_offset).is_err());
/// assert!(format_time(t.replace_year(-1).unwrap()).is_err());
/// ```
pub fn format_time(t: OffsetDateTime) -> Result<String, InvalidInput> {
    let offset = t.offset();
    if offset.seconds_past_minute() != 0 || !(0..=9999).contains(&t.year()) {
        return Err(InvalidInput::UnrepresentableTime(t));
    }
    let seconds = offset.whole_seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    let mut out = date_and_time(t);
    out.push(sign);
    push_digits(&mut out, minutes / 60, 2);
    push_digits(&mut out, minutes % 60, 2);
    Ok(out)
}

/// `t` in UTC as RFC 3339 writes it, `2026-12-07T05:31:19Z` (what `jq fromdateiso8601`
/// reads); `None` when its year in UTC is outside 0000 to 9999.
///
/// ```
/// use cos_ci_batch::model::{format_utc, parse_time};
///
/// let t = parse_time("2022-06-27T15:23:10+0800").unwrap();
/// assert_eq!(format_utc(t).as_deref(), Some("2022-06-27T07:23:10Z"));
/// assert_eq!(format_utc(parse_time("9999-12-31T23:59:59-1200").unwrap()), None);
/// ```
pub fn format_utc(t: OffsetDateTime) -> Option<String> {
    let utc = t
        .checked_to_offset(time::UtcOffset::UTC)
        .filter(|utc| (0..=9999).contains(&utc.year()))?;
    let mut out = date_and_time(utc);
    out.push('Z');
    Some(out)
}

/// `YYYY-MM-DDTHH:MM:SS` of a time whose year has four digits.
fn date_and_time(t: OffsetDateTime) -> String {
    let mut out = String::with_capacity(25);
    push_digits(&mut out, t.year() as u32, 4);
    out.push('-');
    push_digits(&mut out, u32::from(t.month() as u8), 2);
    out.push('-');
    push_digits(&mut out, u32::from(t.day()), 2);
    out.push('T');
    push_digits(&mut out, u32::from(t.hour()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.minute()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.second()), 2);
    out
}

/// Appends `value` as exactly `width` decimal digits (zero-padded).
fn push_digits(out: &mut String, value: u32, width: u32) {
    for power in (0..width).rev() {
        let digit = (value / 10u32.pow(power)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Parses a service time leniently: the offset may be `+0800`, `+08:00`, `+08`, `Z` or `z`;
/// fractional seconds are accepted and dropped. `None` when the text is not such a time.
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(range)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let year = num(0..4)? as i32;
    let month = Month::try_from(num(5..7)? as u8).ok()?;
    let date = Date::from_calendar_date(year, month, num(8..10)? as u8).ok()?;
    let time = Time::from_hms(num(11..13)? as u8, num(14..16)? as u8, num(17..19)? as u8).ok()?;
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = parse_offset(rest)?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

fn parse_offset(text: &str) -> Option<UtcOffset> {
    let (sign, rest) = match text.as_bytes() {
        [b'Z' | b'z'] => return Some(UtcOffset::UTC),
        [b'+', rest @ ..] => (1i8, rest),
        [b'-', rest @ ..] => (-1i8, rest),
        _ => return None,
    };
    let (hours, minutes) = match *rest {
        [h1, h2] => ([h1, h2], [b'0', b'0']),
        [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => ([h1, h2], [m1, m2]),
        _ => return None,
    };
    let two_digits = |[tens, ones]: [u8; 2]| -> Option<i8> {
        (tens.is_ascii_digit() && ones.is_ascii_digit())
            .then(|| ((tens - b'0') * 10 + (ones - b'0')) as i8)
    };
    let (hours, minutes) = (two_digits(hours)?, two_digits(minutes)?);
    if minutes >= 60 {
        return None;
    }
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_every_offset_form() {
        for (input, output) in [
            ("2022-06-27T15:23:10+0800", "2022-06-27T15:23:10+0800"),
            ("2022-06-27T15:23:10+08:00", "2022-06-27T15:23:10+0800"),
            ("2022-02-25T12:00:00z", "2022-02-25T12:00:00+0000"),
            ("2022-02-25T12:00:00Z", "2022-02-25T12:00:00+0000"),
            ("2022-02-25T12:00:00.123-0330", "2022-02-25T12:00:00-0330"),
            ("2022-02-25T12:00:00+05", "2022-02-25T12:00:00+0500"),
        ] {
            assert_eq!(
                parse_time(input)
                    .map(|t| format_time(t).unwrap())
                    .as_deref(),
                Some(output),
                "{input}"
            );
        }
        for bad in [
            "",
            "-",
            "0",
            "2022-02-25T12:00:00",
            "2022-13-01T00:00:00Z",
            "2022-02-25T12:00:00+0860",
            "２０２２-02-25T12:00:00Z",
            "2022-06-27T15:23:10+0::::",
            "2022-06-27T15:23:10+08:0",
            "2022-06-27T15:23:10+0:000",
            "2022-06-27T15:23:10+",
            "2022-06-27T15:23:10+08:00:00",
            "2022-06-27T15:23:10+-800",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
