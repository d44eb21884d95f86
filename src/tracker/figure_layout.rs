//! Where a released table's figures are: the rows to read, and the columns of value, period and
//! breakdown, taken from the import's input and checked against the sheet; each row then read
//! into a figure's input, its problems named.

use super::figure_import::ImportInput;
use super::figures::FigureInput;
use super::input::{names, Fields};
use crate::db::documents::Document;
use crate::domain::demand::{parse_breakdown, DefinitionMatch};
use crate::domain::figure_import::{read_breakdown_columns, read_period, read_rows, read_value, CellValue};
use crate::domain::spreadsheet::{column, letters, Sheet};
use crate::error::AppError;

/// Where the figures are, read from the input and checked against the sheet.
pub(super) struct Layout {
    first: usize,
    last: usize,
    skip: Vec<(usize, usize)>,
    value: usize,
    period: Option<usize>,
    breakdowns: Vec<(usize, String)>,
}

impl Layout {
    /// The layout, and the fields every figure shares checked once, so that a mistake in them
    /// is shown beside its field rather than on every row.
    pub(super) fn read(
        input: &ImportInput,
        sheet: &Sheet,
        known_indicator: bool,
    ) -> Result<Layout, AppError> {
        let mut f = Fields::new();
        if !known_indicator {
            f.error(
                "indicator_id",
                format!(
                    "{} is not an indicator of the catalogue",
                    input.indicator_id.trim()
                ),
            );
        }
        f.lines("definition", "Definition", &input.definition, 2000);
        f.closed::<DefinitionMatch>(
            "definition_match",
            "Definition match",
            &input.definition_match,
            &names::<DefinitionMatch>(),
        );
        if let Err(e) = parse_breakdown(&input.breakdown) {
            f.error("breakdown", e);
        }
        let row_number =
            |f: &mut Fields, field: &str, label: &str, text: &str| match text.trim().parse::<usize>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    f.error(field, format!("{label} must be a row number, such as 5"));
                    None
                }
            };
        let first = row_number(&mut f, "first_row", "First row", &input.first_row);
        let last = match input.last_row.trim() {
            "" => Some(sheet.rows.len()),
            text => row_number(&mut f, "last_row", "Last row", text),
        };
        if let (Some(first), Some(last)) = (first, last) {
            if !input.last_row.trim().is_empty() && last < first {
                f.error("last_row", "Last row must not be before the first");
            }
        }
        let skip = read_rows(&input.skip_rows).unwrap_or_else(|e| {
            f.error("skip_rows", e);
            Vec::new()
        });
        let value = column(&input.value_column);
        if value.is_none() {
            f.error(
                "value_column",
                "Value column must be a column's letters, such as C",
            );
        }
        let period = match input.period_column.trim() {
            "" => {
                if input.period_start.trim().is_empty() && input.period_end.trim().is_empty() {
                    f.error(
                        "period_column",
                        "Give the column naming each row's period, or the period every figure covers",
                    );
                } else {
                    let start = f.date("period_start", "Period start", &input.period_start, None);
                    let end = f.date("period_end", "Period end", &input.period_end, None);
                    if start.zip(end).is_some_and(|(s, e)| e < s) {
                        f.error("period_end", "Period end must not be before its start");
                    }
                }
                None
            }
            text => {
                let index = column(text);
                if index.is_none() {
                    f.error(
                        "period_column",
                        "Period column must be a column's letters, such as A",
                    );
                }
                index
            }
        };
        let breakdowns = read_breakdown_columns(&input.breakdown_columns).unwrap_or_else(|e| {
            f.error("breakdown_columns", e);
            Vec::new()
        });
        f.finish(())?;
        Ok(Layout {
            first: first.unwrap_or(1),
            // Rows past the sheet's end hold nothing.
            last: last.unwrap_or(0).min(sheet.rows.len()),
            skip,
            value: value.unwrap_or(0),
            period,
            breakdowns,
        })
    }

    /// The rows to read: from first to last, less those skipped and those with nothing in the
    /// value, period or breakdown cells (a table's spacer rows).
    pub(super) fn rows<'a>(&'a self, sheet: &'a Sheet) -> impl Iterator<Item = usize> + 'a {
        (self.first..=self.last).filter(move |row| {
            !self.skip.iter().any(|(from, to)| (from..=to).contains(&row))
                && (!sheet.cell(*row, self.value).is_empty()
                    || self.period.is_some_and(|p| !sheet.cell(*row, p).is_empty())
                    || self
                        .breakdowns
                        .iter()
                        .any(|(c, _)| !sheet.cell(*row, *c).is_empty()))
        })
    }

    /// The figure a row describes, as if typed on the figure form; problems reading its cells
    /// go to `errors`.
    pub(super) fn figure_input(
        &self,
        input: &ImportInput,
        document: &Document,
        sheet: &Sheet,
        row: usize,
        errors: &mut Vec<String>,
    ) -> FigureInput {
        let cell = sheet.cell(row, self.value);
        let (value, suppressed) = match read_value(cell) {
            Ok(CellValue::Number(n)) => (n, String::new()),
            Ok(CellValue::Suppressed(s)) => (String::new(), s),
            Err(e) => {
                errors.push(format!("{}: {e}", letters(self.value)));
                ("0".into(), String::new())
            }
        };
        let (period_start, period_end) = match self.period {
            None => (input.period_start.clone(), input.period_end.clone()),
            Some(column) => match read_period(sheet.cell(row, column)) {
                Ok((start, end)) => (start.to_string(), end.to_string()),
                Err(e) => {
                    errors.push(format!("{}: {e}", letters(column)));
                    (input.period_start.clone(), input.period_end.clone())
                }
            },
        };
        let mut breakdown = vec![input.breakdown.clone()];
        for (column, dimension) in &self.breakdowns {
            let text = sheet.cell(row, *column);
            if !(text.is_empty() || text.eq_ignore_ascii_case("total") || text.eq_ignore_ascii_case("all")) {
                // A cell's own separators must not split it into two pairs.
                let value = text.replace([';', '\n', '\r'], " ");
                breakdown.push(format!(
                    "{dimension} = {}",
                    value.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
        let place = format!("{}{row}", letters(self.value));
        let location = if sheet.names.len() == 1 && document.filename == sheet.name {
            place
        } else {
            format!("{}!{place}", sheet.name)
        };
        FigureInput {
            indicator_id: input.indicator_id.clone(),
            value,
            suppressed,
            unit: input.unit.clone(),
            period_start,
            period_end,
            breakdown: breakdown.join("; "),
            definition: input.definition.clone(),
            definition_match: input.definition_match.clone(),
            caveats: input.caveats.clone(),
            source_kind: "request".into(),
            request_id: Some(document.request_id),
            event_id: document.event_id,
            document_id: Some(document.id),
            location,
            ..FigureInput::default()
        }
    }
}
