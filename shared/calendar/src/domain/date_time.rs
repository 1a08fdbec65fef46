//! Instants as requests write them: RFC 3339 `date-time`s, checked field by field before jiff reads
//! them, because jiff also takes forms RFC 3339 does not (offsets up to ±25:59, no seconds, a space
//! for `T`, bracketed annotations).

use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("is not an RFC 3339 date-time with offset, e.g. 2026-12-03T09:00:00-05:00")]
pub struct InvalidDateTime;

/// How the offset is written: RFC 3339's `+05:00`, or also without the colon (`+0500`, as Salesforce
/// writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetStyle {
    Rfc3339,
    ColonOptional,
}

/// `2026-12-03T09:00:00-05:00`, `2026-12-03T14:00:00.5Z`: hours 00–23, minutes 00–59, seconds
/// 00–60 (a leap second), offsets within ±23:59.
pub fn parse_rfc3339(raw: &str) -> Result<Timestamp, InvalidDateTime> {
    parse_offset_date_time(raw, OffsetStyle::Rfc3339)
}

pub fn parse_offset_date_time(raw: &str, style: OffsetStyle) -> Result<Timestamp, InvalidDateTime> {
    let bytes = raw.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let two_digits_up_to =
        |at: usize, max: u8| digits(at..at + 2) && (bytes[at] - b'0') * 10 + (bytes[at + 1] - b'0') <= max;
    let at = |index: usize, expected: &[u8]| bytes.get(index).is_some_and(|b| expected.contains(b));
    let date_and_time = digits(0..4)
        && at(4, b"-")
        && digits(5..7)
        && at(7, b"-")
        && digits(8..10)
        && at(10, b"Tt")
        && two_digits_up_to(11, 23)
        && at(13, b":")
        && two_digits_up_to(14, 59)
        && at(16, b":")
        && two_digits_up_to(17, 60);
    if !date_and_time {
        return Err(InvalidDateTime);
    }
    let mut offset_at = 19;
    if at(19, b".") {
        offset_at = 20 + bytes[20..].iter().take_while(|b| b.is_ascii_digit()).count();
        if offset_at == 20 {
            return Err(InvalidDateTime);
        }
    }
    let offset = &bytes[offset_at..];
    let offset_ok = match offset {
        b"Z" | b"z" => true,
        [b'+' | b'-', ..] => {
            let colon = offset.len() == 6 && offset[3] == b':';
            let bare = style == OffsetStyle::ColonOptional && offset.len() == 5;
            let minutes_at = offset_at + if colon { 4 } else { 3 };
            (colon || bare) && two_digits_up_to(offset_at + 1, 23) && two_digits_up_to(minutes_at, 59)
        }
        _ => false,
    };
    if !offset_ok {
        return Err(InvalidDateTime);
    }
    raw.parse().map_err(|_| InvalidDateTime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rfc_3339_date_times() {
        let utc = |rfc3339: &str| rfc3339.parse::<Timestamp>().unwrap();
        assert_eq!(parse_rfc3339("2026-12-03T09:00:00-05:00"), Ok(utc("2026-12-03T14:00:00Z")));
        assert_eq!(parse_rfc3339("2026-12-03t14:00:00.123456789z"), Ok(utc("2026-12-03T14:00:00.123456789Z")));
        assert_eq!(parse_rfc3339("2026-12-03T09:00:00+23:59"), Ok(utc("2026-12-02T09:01:00Z")));
        assert_eq!(parse_rfc3339("2026-12-03T09:00:00-00:00"), Ok(utc("2026-12-03T09:00:00Z")));
    }

    #[test]
    fn refuses_what_rfc_3339_does_not_allow() {
        for bad in [
            "2026-12-03T09:00:00+25:00",
            "2026-12-03T09:00:00-24:00",
            "2026-12-03T09:00:00+05:60",
            "2026-12-03T24:00:00Z",
            "2026-12-03T09:60:00Z",
            "2026-12-03T09:00:61Z",
            "2026-12-03T09:00Z",
            "2026-12-03 09:00:00Z",
            "2026-12-03T09:00:00",
            "2026-12-03T09:00:00+0500",
            "2026-12-03T09:00:00+05",
            "2026-12-03T09:00:00.Z",
            "2026-12-03T09:00:00Z[America/New_York]",
            "2026-12-32T09:00:00Z",
            "2026-02-30T09:00:00Z",
            "+2026-12-03T09:00:00Z",
            "2026-12-03T09:00:00Z ",
            "",
            "2026-12-03T09:00:00+\u{663}5:00",
        ] {
            assert_eq!(parse_rfc3339(bad), Err(InvalidDateTime), "{bad}");
        }
    }

    #[test]
    fn salesforce_offsets_may_leave_out_the_colon() {
        let parsed = parse_offset_date_time("2026-12-07T17:00:00.000+0000", OffsetStyle::ColonOptional);
        assert_eq!(parsed, Ok("2026-12-07T17:00:00Z".parse().unwrap()));
        assert!(parse_offset_date_time("2026-12-07T17:00:00+05:30", OffsetStyle::ColonOptional).is_ok());
        for bad in ["2026-12-07T17:00:00.000+2500", "2026-12-07T17:00:00.000+000", "2026-12-07T17:00:00+05:3"] {
            assert_eq!(parse_offset_date_time(bad, OffsetStyle::ColonOptional), Err(InvalidDateTime), "{bad}");
        }
    }
}
