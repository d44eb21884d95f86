//! The public deadline calculator: a request that is not stored, from its regime and events.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::{names, Fields};
use crate::domain::calendar::Calendar;
use crate::domain::regime::Regime;
use crate::domain::timeline::{self, Event, EventKind, Schedule};
use crate::error::AppError;

/// Computes the schedule of a request received on `received` with the later `events`, in the
/// order recorded; `extended_to` goes to the last extension.
pub fn calculate(
    calendar: &Calendar,
    regime: Regime,
    received: NaiveDate,
    later: &[Event],
    extended_to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Schedule, AppError> {
    let mut events = vec![Event::new(EventKind::Received, received)];
    events.extend_from_slice(later);
    if let Some(to) = extended_to {
        events
            .iter_mut()
            .rev()
            .find(|e| e.kind == EventKind::Extension)
            .ok_or_else(|| AppError::invalid("extended_to", "An extended date needs an extension event"))?
            .extended_to = Some(to);
    }
    timeline::schedule(regime, &events, calendar, today)
        .map_err(|e| AppError::invalid(e.field(), e.to_string()))
}

/// The calculator's input as the page's form and the API send it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalculatorInput {
    /// foia, eir, foisa, eisr or sar.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::regime::Regime)]
    pub regime: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub received: String,
    /// Later events in the order recorded.
    #[serde(default)]
    pub events: Vec<CalculatorEvent>,
    #[schema(format = Date)]
    pub extended_to: Option<String>,
    /// Judge the deadlines as on this day (default: today in London).
    #[schema(format = Date)]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalculatorEvent {
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::timeline::EventKind)]
    pub kind: String,
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub date: String,
}

impl CalculatorInput {
    pub fn calculate(&self, calendar: &Calendar, today: NaiveDate) -> Result<Schedule, AppError> {
        let mut f = Fields::new();
        let regime: Option<Regime> = f.closed("regime", "Regime", &self.regime, &names::<Regime>());
        let received = f.date("received", "Date received", &self.received, None);
        let extended_to = f.optional_date("extended_to", "Extended to", self.extended_to.as_deref(), None);
        let today = f
            .optional_date("today", "Today", self.today.as_deref(), None)
            .unwrap_or(today);
        let mut events = Vec::new();
        for (i, event) in self.events.iter().enumerate() {
            let kind: Option<EventKind> = f.closed(
                &format!("events[{i}].kind"),
                "Event",
                &event.kind,
                &names::<EventKind>(),
            );
            let date = f.date(&format!("events[{i}].date"), "Date", &event.date, None);
            if let (Some(kind), Some(date)) = (kind, date) {
                events.push(Event::new(kind, date));
            }
        }
        let (regime, received) = f.finish((regime, received))?;
        let (Some(regime), Some(received)) = (regime, received) else {
            return Err(AppError::Internal("validated fields missing".into()));
        };
        calculate(calendar, regime, received, &events, extended_to, today)
    }
}
