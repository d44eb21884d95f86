//! What a cell of a CSV file the app writes may hold. A spreadsheet opening the file runs a
//! cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
//! formula, so text from users (titles, caveats, audit entries) could run in a reader's
//! spreadsheet. Such a cell is written with a single quote in front, as OWASP advises
//! ("CSV Injection"); a number, negative or not, stays a number.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as a CSV file may carry it: unchanged unless a spreadsheet would run it.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    match cell.starts_with(TRIGGERS) && !is_number(cell) {
        true => Cow::Owned(format!("'{cell}")),
        false => Cow::Borrowed(cell),
    }
}

/// A plain decimal number: an optional sign, digits with at most one point, and an optional
/// exponent. Nothing a spreadsheet would take for a formula.
fn is_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) || whole.is_empty())
                && (digits(fraction) || fraction.is_empty())
                && mantissa != "."
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let table = [
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
            ),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("-", "'-"),
            ("-.", "'-."),
            ("-1e", "'-1e"),
            ("-5", "-5"),
            ("+5", "+5"),
            ("-1.5", "-1.5"),
            ("-.5", "-.5"),
            ("-1.5e-3", "-1.5e-3"),
            ("1.5", "1.5"),
            ("Home Office", "Home Office"),
            ("a=b", "a=b"),
            ("", ""),
        ];
        for (cell, written) in table {
            assert_eq!(neutralised(cell), written, "{cell:?}");
        }
    }
}
