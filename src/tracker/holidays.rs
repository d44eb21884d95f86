//! Bank holidays in the database: importing a newer gov.uk file, showing what it changes, and
//! recomputing every stored deadline with it. The calendar in use is the bundled copy with
//! every import laid over it, oldest first.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::audit::Caller;
use crate::db::{self, holidays, DbConnection};
use crate::domain::calendar::{Calendar, Division, HolidayLists};
use crate::error::AppError;

/// The calendar in use, rebuilt when a holiday file is imported (here or by another instance
/// sharing the database: the store asks for the latest import's id, one probe of its key,
/// whenever it is used). Not the register's version: read inside a write transaction that
/// is then rolled back, a version can come round again with a new import behind it.
pub struct CalendarStore {
    cached: RwLock<Cached>,
}

struct Cached {
    import_id: i32,
    calendar: Arc<Calendar>,
}

impl CalendarStore {
    pub fn load(conn: &mut DbConnection) -> Result<CalendarStore, AppError> {
        let (import_id, calendar) = build(conn)?;
        Ok(CalendarStore {
            cached: RwLock::new(Cached {
                import_id,
                calendar: Arc::new(calendar),
            }),
        })
    }

    /// The current calendar.
    pub fn current(&self, conn: &mut DbConnection) -> Result<Arc<Calendar>, AppError> {
        let latest = holidays::latest_id(conn)?;
        {
            let cached = self.cached.read().expect("calendar lock");
            if cached.import_id == latest {
                return Ok(cached.calendar.clone());
            }
        }
        let mut cached = self.cached.write().expect("calendar lock");
        if latest != cached.import_id {
            let (import_id, calendar) = build(conn)?;
            cached.import_id = import_id;
            cached.calendar = Arc::new(calendar);
        }
        Ok(cached.calendar.clone())
    }

    fn replace(&self, import_id: i32, calendar: Calendar) {
        let mut cached = self.cached.write().expect("calendar lock");
        cached.import_id = import_id;
        cached.calendar = Arc::new(calendar);
    }
}

/// The bundled lists with every stored import laid over them.
fn lists(conn: &mut DbConnection) -> Result<HolidayLists, AppError> {
    let mut lists = HolidayLists::bundled();
    for content in holidays::contents(conn)? {
        let import = HolidayLists::from_gov_uk_json(&content)
            .map_err(|e| AppError::Internal(format!("a stored holiday import no longer parses: {e}")))?;
        lists.merge(&import);
    }
    Ok(lists)
}

fn build(conn: &mut DbConnection) -> Result<(i32, Calendar), AppError> {
    let import_id = holidays::latest_id(conn)?;
    Ok((import_id, Calendar::new(&lists(conn)?)))
}

/// A day the import adds to or removes from a division's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedDay {
    pub date: NaiveDate,
    pub division: String,
    pub title: String,
}

/// A deadline the new calendar moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovedDeadline {
    pub request_id: i32,
    pub title: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub source: String,
    /// The years the file covers, e.g. "2012 to 2028".
    pub years: String,
    pub added: Vec<ChangedDay>,
    pub removed: Vec<ChangedDay>,
    pub moved: Vec<MovedDeadline>,
}

impl ImportReport {
    pub fn summary(&self) -> String {
        format!(
            "{}: {} days added, {} removed, {} deadlines moved",
            self.years,
            self.added.len(),
            self.removed.len(),
            self.moved.len()
        )
    }
}

/// Validates a gov.uk `bank-holidays.json`, reports what it changes, and (unless a dry run)
/// stores it and rewrites every deadline it moves, all in one transaction.
#[allow(clippy::too_many_arguments)]
pub fn import(
    conn: &mut DbConnection,
    store: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    source: &str,
    content: &str,
    dry_run: bool,
    now: NaiveDateTime,
) -> Result<ImportReport, AppError> {
    super::access::require_admin(caller)?;
    let file =
        HolidayLists::from_gov_uk_json(content).map_err(|e| AppError::invalid("file", e.to_string()))?;
    let (report, installed) = db::write_unless(dry_run, conn, |conn| {
        let old_lists = lists(conn)?;
        let old = Calendar::new(&old_lists);
        let mut new_lists = old_lists;
        new_lists.merge(&file);
        let new = Calendar::new(&new_lists);
        let (added, removed) = changed_days(&file, &old, &new);
        let moved = super::deadline_index::reindex_all(conn, &new, today, !dry_run)?;
        let years: BTreeSet<i32> = Division::ALL.iter().flat_map(|d| file.years(*d)).collect();
        let years = match (years.first(), years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        };
        let report = ImportReport {
            dry_run,
            source: source.to_string(),
            years,
            added,
            removed,
            moved,
        };
        if dry_run {
            return Ok::<_, AppError>((report, None));
        }
        let import_id = holidays::insert(conn, source, content, &report.summary(), now)?;
        let after = serde_json::json!({"source": source, "summary": report.summary(), "added": report.added, "removed": report.removed});
        super::audit::record(
            conn,
            caller,
            super::audit::Change::new("import", "holidays", import_id).after(after),
            now,
        )?;
        Ok((report, Some((import_id, new))))
    })?;
    // Only once committed does this instance start counting with the new calendar.
    if let Some((import_id, calendar)) = installed {
        store.replace(import_id, calendar);
    }
    Ok(report)
}

fn changed_days(file: &HolidayLists, old: &Calendar, new: &Calendar) -> (Vec<ChangedDay>, Vec<ChangedDay>) {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for division in Division::ALL {
        for year in file.years(division) {
            let before: HashMap<NaiveDate, String> = old
                .holidays(division, year)
                .into_iter()
                .map(|h| (h.date, h.title))
                .collect();
            let after: HashMap<NaiveDate, String> = new
                .holidays(division, year)
                .into_iter()
                .map(|h| (h.date, h.title))
                .collect();
            for (date, title) in &after {
                if !before.contains_key(date) {
                    added.push(day(*date, division, title));
                }
            }
            for (date, title) in &before {
                if !after.contains_key(date) {
                    removed.push(day(*date, division, title));
                }
            }
        }
    }
    added.sort_by_key(|d| (d.date, d.division.clone()));
    removed.sort_by_key(|d| (d.date, d.division.clone()));
    (added, removed)
}

fn day(date: NaiveDate, division: Division, title: &str) -> ChangedDay {
    ChangedDay {
        date,
        division: division.name().to_string(),
        title: title.to_string(),
    }
}

/// Every import so far, oldest first.
pub fn history(conn: &mut DbConnection) -> Result<Vec<holidays::HolidayImport>, AppError> {
    Ok(holidays::list(conn)?)
}

/// The holidays of one year in each division, for the admin page.
pub fn year(calendar: &Calendar, year: i32) -> Vec<(Division, Vec<crate::domain::calendar::Holiday>)> {
    let year = year.clamp(
        crate::domain::calendar::FIRST_YEAR,
        crate::domain::calendar::LAST_YEAR,
    );
    Division::ALL
        .iter()
        .map(|d| (*d, calendar.holidays(*d, year)))
        .filter(|(_, hs)| hs.iter().all(|h| h.date.year() == year))
        .collect()
}
