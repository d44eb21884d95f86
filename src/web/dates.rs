//! Dates typed as day, month and year (the GOV.UK date input,
//! `templates/partials/date_input.hbs`). Before a form or a filter is read, its `X-day`,
//! `X-month` and `X-year` are joined into the one field `X`, written YYYY-MM-DD as the API
//! sends it: every use case then takes one date field, and one parser
//! (`tracker::input::parse_date`) says what is wrong with what was typed, beside the field.
//! A form that sends `X` itself (an older form, a test, a script) is read as before.

const PARTS: [&str; 3] = ["-day", "-month", "-year"];

/// The pairs of a form with each date's three parts joined into one field.
pub fn join_parts(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    // name -> [day, month, year], in the order the dates first appear.
    let mut dates: Vec<(String, [String; 3])> = Vec::new();
    let mut rest = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        let part = PARTS
            .iter()
            .enumerate()
            .find_map(|(i, suffix)| key.strip_suffix(suffix).map(|name| (i, name.to_string())));
        let Some((i, name)) = part else {
            rest.push((key, value));
            continue;
        };
        match dates.iter_mut().find(|(n, _)| *n == name) {
            Some((_, parts)) => parts[i] = value.trim().to_string(),
            None => {
                let mut parts: [String; 3] = Default::default();
                parts[i] = value.trim().to_string();
                dates.push((name, parts));
            }
        }
    }
    for (name, [day, month, year]) in dates {
        let typed = [&day, &month, &year].iter().any(|p| !p.is_empty());
        let sent_whole = rest.iter().any(|(k, _)| *k == name);
        if typed || !sent_whole {
            rest.retain(|(k, _)| *k != name);
            let joined = if typed {
                format!("{year}-{}-{}", two_digits(&month), two_digits(&day))
            } else {
                String::new()
            };
            rest.push((name, joined));
        }
    }
    rest
}

/// "3" as "03", as a date is written; anything else as typed, for the parser to judge.
fn two_digits(part: &str) -> String {
    if part.len() == 1 && part.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{part}")
    } else {
        part.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_three_parts_become_one_date_field() {
        let joined = join_parts(pairs(&[
            ("title", "T"),
            ("sent_on-day", "2"),
            ("sent_on-month", "3"),
            ("sent_on-year", "2026"),
        ]));
        assert_eq!(joined, pairs(&[("title", "T"), ("sent_on", "2026-03-02")]));
        let missing_year = join_parts(pairs(&[("on-day", "31"), ("on-month", "04"), ("on-year", " ")]));
        assert_eq!(missing_year, pairs(&[("on", "-04-31")]));
        let empty = join_parts(pairs(&[("on-day", ""), ("on-month", ""), ("on-year", "")]));
        assert_eq!(empty, pairs(&[("on", "")]));
        let whole = join_parts(pairs(&[("sent_on", "2026-01-05")]));
        assert_eq!(whole, pairs(&[("sent_on", "2026-01-05")]));
        let both = join_parts(pairs(&[
            ("sent_on", "2026-01-05"),
            ("sent_on-day", ""),
            ("sent_on-month", ""),
            ("sent_on-year", ""),
        ]));
        assert_eq!(both, pairs(&[("sent_on", "2026-01-05")]));
    }
}
