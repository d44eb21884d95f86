//! Public authorities: list, read, create, edit, and import from CSV.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::access::{require_admin, unchanged_since_read};
use super::audit::{record, Caller, Change};
use super::input::{names, Fields};
use crate::db::authorities::{self, Authority, AuthorityValues};
use crate::db::{self, is_unique_violation, DbConnection};
use crate::domain::authority::Nation;
use crate::domain::regime::Regime;
use crate::domain::text::quoted;
use crate::domain::version::Expected;
use crate::error::{AppError, FieldError};

/// An authority as a form or an API client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuthorityInput {
    /// The full name, unique, e.g. "Home Office".
    #[serde(default)]
    #[schema(required = true)]
    pub name: String,
    /// A short name for lists, e.g. "HO".
    #[serde(default)]
    #[schema(required = true)]
    pub short_name: String,
    pub foi_email: Option<String>,
    pub website: Option<String>,
    /// foia, eir, foisa, eisr or sar.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::regime::Regime)]
    pub default_regime: String,
    /// uk, england, wales, scotland or northern_ireland.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::authority::Nation)]
    pub nation: String,
}

impl From<&Authority> for AuthorityInput {
    fn from(a: &Authority) -> AuthorityInput {
        AuthorityInput {
            name: a.values.name.clone(),
            short_name: a.values.short_name.clone(),
            foi_email: a.values.foi_email.clone(),
            website: a.values.website.clone(),
            default_regime: a.values.default_regime.to_string(),
            nation: a.values.nation.to_string(),
        }
    }
}

impl AuthorityInput {
    fn validate(&self) -> Result<AuthorityValues, AppError> {
        let mut f = Fields::new();
        let name = f.text("name", "Name", &self.name, 200);
        let short_name = f.text("short_name", "Short name", &self.short_name, 60);
        let foi_email = f.optional_email("foi_email", "FOI email", self.foi_email.as_deref());
        let website = f.optional_url("website", "Website", self.website.as_deref());
        let regime: Option<Regime> = f.closed(
            "default_regime",
            "Default regime",
            &self.default_regime,
            &names::<Regime>(),
        );
        let nation: Option<Nation> = f.closed("nation", "Nation", &self.nation, &names::<Nation>());
        f.finish(AuthorityValues {
            name,
            short_name,
            foi_email,
            website,
            // Both are required: `finish` refuses the input, and nothing is stored, when either
            // is missing, so these stand-ins are never written.
            default_regime: regime.unwrap_or(Regime::Foia),
            nation: nation.unwrap_or(Nation::England),
        })
    }
}

/// Every authority, for anyone signed in (or the server).
pub fn list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<Authority>, AppError> {
    signed_in(caller)?;
    Ok(authorities::list(conn)?)
}

pub fn read(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<Authority, AppError> {
    signed_in(caller)?;
    get(conn, id)
}

fn signed_in(caller: &Caller) -> Result<(), AppError> {
    if !caller.is_server() {
        super::access::require(caller, |_| true)?;
    }
    Ok(())
}

pub(crate) fn get(conn: &mut DbConnection, id: i32) -> Result<Authority, AppError> {
    authorities::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("authority {id}")))
}

fn taken(name: &str) -> AppError {
    AppError::conflict(
        Some("name"),
        format!("an authority called \"{name}\" already exists"),
    )
}

fn audit_value(a: &Authority) -> serde_json::Value {
    serde_json::to_value(AuthorityInput::from(a)).unwrap_or_default()
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    input: &AuthorityInput,
    now: NaiveDateTime,
) -> Result<Authority, AppError> {
    require_admin(caller)?;
    let values = input.validate()?;
    db::write(conn, |conn| {
        if authorities::find_by_name(conn, &values.name)?.is_some() {
            return Err(taken(&values.name));
        }
        let id = authorities::insert(conn, &values, now).map_err(|e| match is_unique_violation(&e) {
            true => taken(&values.name),
            false => e.into(),
        })?;
        let created = get(conn, id)?;
        record(
            conn,
            caller,
            Change::new("create", "authority", id).after(audit_value(&created)),
            now,
        )?;
        Ok(created)
    })
}

pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    input: &AuthorityInput,
    expected: &Expected,
    now: NaiveDateTime,
) -> Result<Authority, AppError> {
    require_admin(caller)?;
    let values = input.validate()?;
    db::write(conn, |conn| {
        let before = get(conn, id)?;
        unchanged_since_read(expected, before.updated_at, &format!("authority {id}"))?;
        if authorities::find_by_name(conn, &values.name)?.is_some_and(|other| other.id != id) {
            return Err(taken(&values.name));
        }
        authorities::update(conn, id, &values, now)?;
        let after = get(conn, id)?;
        record(
            conn,
            caller,
            Change::new("update", "authority", id)
                .before(audit_value(&before))
                .after(audit_value(&after)),
            now,
        )?;
        Ok(after)
    })
}

/// What an import did, or would do, with each row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: Vec<ImportRow>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows refused; when there are any, nothing was written.
    pub refused: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRow {
    /// The line in the file, counting the header as line 1.
    pub line: usize,
    pub name: String,
    pub action: ImportAction,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    Create,
    Update,
    Unchanged,
    Refused,
}

/// The columns an authorities CSV must have, in any order.
pub const CSV_COLUMNS: [&str; 6] = [
    "name",
    "short_name",
    "foi_email",
    "website",
    "default_regime",
    "nation",
];

/// The largest authorities file read: the register has a few hundred authorities.
pub const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;
/// The most rows, after the header, one file may hold.
pub const MAX_CSV_ROWS: usize = 5_000;
/// The most columns a row may have: the six known and some others, which are ignored.
pub const MAX_CSV_COLUMNS: usize = 32;

/// One row of an authorities file, by its line: the name and the values to store, or why the
/// row is refused.
pub type CsvRow = (usize, Result<(String, AuthorityValues), AppError>);

/// Imports authorities from CSV with a header row: a new name creates an authority, a known
/// name updates it. Every row is checked first; if any is refused, nothing is written.
pub fn import_csv(
    conn: &mut DbConnection,
    caller: &Caller,
    csv_text: &str,
    dry_run: bool,
    now: NaiveDateTime,
) -> Result<ImportReport, AppError> {
    require_admin(caller)?;
    let parsed = read_csv(csv_text)?;
    write_rows(conn, caller, parsed, dry_run, now)
}

/// Reads an authorities file without touching the database: every row checked, within the
/// budgets (size before parsing, then rows and columns), or the reason the file as a whole is
/// refused. Messages quote nothing of the file but escaped and shortened.
pub fn read_csv(csv_text: &str) -> Result<Vec<CsvRow>, AppError> {
    if csv_text.len() > MAX_CSV_BYTES {
        return Err(AppError::invalid(
            "file",
            format!(
                "the file is {} bytes; an authorities file has at most {MAX_CSV_BYTES}",
                csv_text.len()
            ),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            AppError::invalid(
                "file",
                format!("cannot read the header row: {}", quoted(&e.to_string(), 200)),
            )
        })?
        .clone();
    if headers.len() > MAX_CSV_COLUMNS {
        return Err(AppError::invalid(
            "file",
            format!(
                "the header row has {} columns; at most {MAX_CSV_COLUMNS}",
                headers.len()
            ),
        ));
    }
    let missing: Vec<&str> = CSV_COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::invalid(
            "file",
            format!(
                "the header row lacks {} (expected {})",
                missing.join(", "),
                CSV_COLUMNS.join(",")
            ),
        ));
    }
    let mut parsed = Vec::new();
    for (i, record) in reader.deserialize::<AuthorityInput>().enumerate() {
        let line = i + 2;
        if i >= MAX_CSV_ROWS {
            return Err(AppError::invalid(
                "file",
                format!("the file has more than {MAX_CSV_ROWS} rows"),
            ));
        }
        parsed.push(match record {
            Ok(input) => (line, input.validate().map(|v| (input.name.clone(), v))),
            Err(e) => (
                line,
                Err(AppError::invalid(
                    "file",
                    format!("line {line}: {}", quoted(&e.to_string(), 200)),
                )),
            ),
        });
    }
    Ok(parsed)
}

fn write_rows(
    conn: &mut DbConnection,
    caller: &Caller,
    parsed: Vec<CsvRow>,
    dry_run: bool,
    now: NaiveDateTime,
) -> Result<ImportReport, AppError> {
    db::write_unless(dry_run, conn, |conn| {
        let mut report = ImportReport {
            dry_run,
            rows: Vec::new(),
            created: 0,
            updated: 0,
            unchanged: 0,
            refused: 0,
        };
        let mut seen = std::collections::HashSet::new();
        let mut writes = Vec::new();
        for (line, result) in parsed {
            let (name, action, errors) = match result {
                Err(error) => (String::new(), ImportAction::Refused, error.field_errors()),
                Ok((name, _)) if !seen.insert(name.clone()) => (
                    name,
                    ImportAction::Refused,
                    vec![FieldError::new("name", "this name appears twice in the file")],
                ),
                Ok((name, values)) => match authorities::find_by_name(conn, &values.name)? {
                    None => {
                        writes.push((None, values));
                        (name, ImportAction::Create, Vec::new())
                    }
                    Some(existing) if AuthorityInput::from(&existing).validate()? == values => {
                        (name, ImportAction::Unchanged, Vec::new())
                    }
                    Some(existing) => {
                        writes.push((Some(existing.id), values));
                        (name, ImportAction::Update, Vec::new())
                    }
                },
            };
            match action {
                ImportAction::Create => report.created += 1,
                ImportAction::Update => report.updated += 1,
                ImportAction::Unchanged => report.unchanged += 1,
                ImportAction::Refused => report.refused += 1,
            }
            report.rows.push(ImportRow {
                line,
                name,
                action,
                errors,
            });
        }
        if dry_run || report.refused > 0 {
            return Ok(report);
        }
        for (id, values) in writes {
            let (action, id, before) = match id {
                Some(id) => {
                    let before = audit_value(&get(conn, id)?);
                    authorities::update(conn, id, &values, now)?;
                    ("update", id, Some(before))
                }
                None => ("create", authorities::insert(conn, &values, now)?, None),
            };
            let after = audit_value(&get(conn, id)?);
            record(
                conn,
                caller,
                Change::new(action, "authority", id).before(before).after(after),
                now,
            )?;
        }
        Ok(report)
    })
}

const SEED: &str = include_str!("../../data/authorities.csv");

/// Fills an empty register with the authorities the coalition writes to most.
pub fn seed(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    if authorities::count(conn)? > 0 {
        return Ok(0);
    }
    let report = import_csv(conn, &Caller::system("first start"), SEED, false, now)?;
    Ok(report.created)
}
