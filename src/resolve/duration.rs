//! ISO-8601 durations (`PT8H`, `PT90M`, `P0DT1H30M`) as permission sets write them.

/// Seconds in an ISO-8601 duration, or why it is not one. Years and months are
/// refused: their length varies, and no session lasts that long.
pub fn parse_iso8601_duration(s: &str) -> Result<u64, String> {
    let rest = s
        .strip_prefix('P')
        .ok_or_else(|| "an ISO-8601 duration starts with `P`".to_string())?;
    if rest.is_empty() {
        return Err("the duration has no value after `P`".to_string());
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return Err("nothing follows `T`".to_string());
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut total: f64 = 0.0;
    total += fields(
        date,
        &[('W', 604_800.0), ('D', 86_400.0)],
        "before `T` only `W` and `D` (weeks, days) are allowed",
    )?;
    if let Some(t) = time {
        total += fields(
            t,
            &[('H', 3600.0), ('M', 60.0), ('S', 1.0)],
            "after `T` only `H`, `M` and `S` are allowed, in that order",
        )?;
    }
    if total.fract() != 0.0 {
        return Err("the duration is not a whole number of seconds".to_string());
    }
    Ok(total as u64)
}

/// Sum `<number><unit>` pairs, units in the given order, each at most once.
fn fields(s: &str, units: &[(char, f64)], order_msg: &str) -> Result<f64, String> {
    let mut total = 0.0;
    let mut next_unit = 0;
    let mut number = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() || c == '.' || c == ',' {
            number.push(if c == ',' { '.' } else { c });
            continue;
        }
        let pos = units
            .iter()
            .skip(next_unit)
            .position(|(u, _)| *u == c)
            .ok_or_else(|| format!("unexpected `{c}`: {order_msg}"))?;
        let (_, factor) = units.get(next_unit + pos).copied().unwrap_or(('?', 0.0));
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{c}` must follow a number"))?;
        total += value * factor;
        number.clear();
        next_unit += pos + 1;
    }
    if !number.is_empty() {
        return Err(format!("`{number}` has no unit"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_form_of_the_same_duration() {
        assert_eq!(parse_iso8601_duration("PT1H"), Ok(3600));
        assert_eq!(parse_iso8601_duration("PT90M"), Ok(5400));
        assert_eq!(parse_iso8601_duration("PT1H30M"), Ok(5400));
        assert_eq!(parse_iso8601_duration("P0DT2H"), Ok(7200));
        assert_eq!(parse_iso8601_duration("PT3600S"), Ok(3600));
        assert_eq!(parse_iso8601_duration("PT1.5H"), Ok(5400));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        assert!(parse_iso8601_duration("1H").is_err());
        assert!(parse_iso8601_duration("PT").is_err());
        assert!(parse_iso8601_duration("P").is_err());
        assert!(parse_iso8601_duration("PT1M1H").is_err());
        assert!(parse_iso8601_duration("P1M").is_err());
        assert!(parse_iso8601_duration("PT5").is_err());
        assert!(parse_iso8601_duration("PTH").is_err());
        assert!(parse_iso8601_duration("PT0.5S").is_err());
    }
}
