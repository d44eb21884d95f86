//! The records the history exports (requests, events, responses, appeals) and their columns:
//! one table that the CSV, the JSON rows and the API's document all follow.

closed_enum! {
    /// The records an export holds.
    pub enum Dataset {
        Requests,
        Events,
        Responses,
        Appeals,
    }
}

/// What a column of an export holds: a CSV cell is text whatever it holds, a JSON export
/// gives each value its type, and the API's document says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A record's id: a whole number, always there.
    Id,
    /// A whole number, or nothing (null).
    Number,
    /// A date, YYYY-MM-DD, or nothing (null).
    Date,
    /// true or false.
    Flag,
    /// Text, always there (perhaps empty).
    Text,
    /// Text, or nothing (null) where the cell is empty.
    Optional,
    /// Values separated by `;` in the CSV; a list in JSON.
    List,
}

impl Dataset {
    /// The export's columns, in order, as documented in the README.
    pub fn columns(self) -> &'static [(&'static str, Column)] {
        use Column::*;
        match self {
            Dataset::Requests => &[
                ("request_id", Id),
                ("authority", Text),
                ("regime", Text),
                ("received", Date),
                ("status", Text),
                ("response_due", Date),
                ("timeliness", Optional),
                ("working_days_to_respond", Number),
                ("first_outcome", Optional),
                ("title", Text),
                ("reference", Optional),
            ],
            Dataset::Events => &[
                ("event_id", Id),
                ("request_id", Id),
                ("kind", Text),
                ("occurred_on", Date),
                ("extended_to", Date),
                ("details", Text),
            ],
            Dataset::Responses => &[
                ("event_id", Id),
                ("request_id", Id),
                ("occurred_on", Date),
                ("outcome", Optional),
                ("grounds", List),
                ("citations", List),
                ("public_interest_test", Flag),
                ("promised_on", Date),
            ],
            Dataset::Appeals => &[
                ("event_id", Id),
                ("request_id", Id),
                ("event", Text),
                ("occurred_on", Date),
                ("stage", Text),
                ("reference", Optional),
                ("decision_reference", Optional),
                ("outcome", Optional),
            ],
        }
    }
}

impl Column {
    /// A CSV cell of this column as a JSON value of its type. A cell the column cannot hold
    /// (which the export never writes) stays text rather than being lost.
    pub fn json(self, cell: &str) -> serde_json::Value {
        use serde_json::Value;
        let empty = cell.trim().is_empty();
        match self {
            Column::Id | Column::Number if empty => Value::Null,
            Column::Id | Column::Number => cell
                .parse::<i64>()
                .map_or_else(|_| Value::from(cell), Value::from),
            Column::Date | Column::Optional if empty => Value::Null,
            Column::Date | Column::Optional | Column::Text => Value::from(cell),
            Column::Flag => match cell {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                other => Value::from(other),
            },
            Column::List => Value::from(
                cell.split(';')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect::<Vec<_>>(),
            ),
        }
    }
}
