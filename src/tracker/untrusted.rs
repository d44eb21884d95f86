//! Users' files read in the sandbox's child process: a spreadsheet that claims billions of rows,
//! or an email built to make its parser allocate without end, ends the child, never the server.

use serde::de::DeserializeOwned;

use crate::domain::document_text::{DocumentText, TextState};
use crate::domain::email::Email;
use crate::domain::spreadsheet::{self, Sheet};
use crate::error::AppError;
use crate::sandbox::{self, SandboxError};

/// The largest file a child reads from its stdin: more than any upload allowed.
pub const MAX_INPUT: usize = 256 * 1024 * 1024;
/// The most a child may answer with: a sheet's text is capped at 16 MB and an email's decoded
/// content at 32 MB, which JSON and base64 make somewhat larger.
const MAX_SHEET_OUTPUT: usize = 48 * 1024 * 1024;
const MAX_EMAIL_OUTPUT: usize = 64 * 1024 * 1024;
/// A document's text is capped at 16 MB; JSON escapes its tabs and newlines.
const MAX_TEXT_OUTPUT: usize = 48 * 1024 * 1024;

/// What the researcher is told when the child gave up.
pub fn too_complex(filename: &str) -> String {
    format!(
        "{filename} is too large or complex to read: it needs more memory or time than a document may take"
    )
}

/// Reads `sheet` (the first when `None`) of a CSV, XLSX, XLS or ODS document in the sandbox.
/// A file the reader refuses is a 422 on `sheet`; one that is over budget a 422 on `document`.
pub fn sheet(filename: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, AppError> {
    // The same refusal in-process, without a child, for what is plainly no table.
    if !spreadsheet::is_table(filename) {
        return spreadsheet::read(filename, bytes, sheet).map_err(|e| AppError::invalid("document", e));
    }
    let name = format!("--file-name={filename}");
    let wanted = sheet.map(|s| format!("--sheet={s}"));
    let mut args = vec!["parse-sheet", name.as_str()];
    args.extend(wanted.as_deref());
    let answer: Result<Sheet, String> = ask(&args, bytes, MAX_SHEET_OUTPUT, filename, "document")?;
    answer.map_err(|e| AppError::invalid("sheet", e))
}

/// Reads an `.eml` file in the sandbox; a message refused, or over budget, is a 422 on `file`.
pub fn email(filename: &str, bytes: &[u8]) -> Result<Email, AppError> {
    let name = format!("--file-name={filename}");
    let answer: Result<Email, String> =
        ask(&["parse-email", &name], bytes, MAX_EMAIL_OUTPUT, filename, "file")?;
    answer.map_err(|e| AppError::invalid("file", e))
}

/// Reads the searchable text of a stored document in the sandbox. A file that is over budget,
/// or that makes the parser panic, is no error: its text is unreadable, and the answer says
/// why, so that the document is kept and marked rather than refused.
pub fn document_text(filename: &str, bytes: &[u8]) -> Result<DocumentText, AppError> {
    let name = format!("--file-name={filename}");
    let answer = answer(&["parse-text", &name], bytes, MAX_TEXT_OUTPUT, filename)?;
    Ok(answer.unwrap_or_else(|problem| DocumentText {
        state: TextState::Unreadable,
        problem: Some(problem),
        parts: vec![],
    }))
}

fn ask<T: DeserializeOwned>(
    args: &[&str],
    bytes: &[u8],
    max_output: usize,
    filename: &str,
    field: &str,
) -> Result<T, AppError> {
    answer(args, bytes, max_output, filename)?.map_err(|problem| AppError::invalid(field, problem))
}

/// The child's answer; or, for a file over budget or that made the parser panic, what the
/// researcher is told. Only a parser that cannot be had at all is an error.
fn answer<T: DeserializeOwned>(
    args: &[&str],
    bytes: &[u8],
    max_output: usize,
    filename: &str,
) -> Result<Result<T, String>, AppError> {
    let output = match sandbox::run(args, bytes, max_output) {
        Ok(output) => output,
        Err(SandboxError::OverBudget(why)) => {
            tracing::warn!(file = %filename.escape_debug(), %why, "a user's file was over the parser's budget");
            return Ok(Err(too_complex(filename)));
        }
        Err(SandboxError::Panicked) => {
            tracing::error!(file = %filename.escape_debug(), "a parser panicked on a user's file");
            return Ok(Err(too_complex(filename)));
        }
        Err(SandboxError::Busy) => return Err(AppError::Unavailable("every parser is busy".into())),
        Err(SandboxError::Failed(why)) => {
            return Err(AppError::Internal(format!("the parser could not start: {why}")))
        }
    };
    serde_json::from_slice(&output)
        .map(Ok)
        .map_err(|e| AppError::Internal(format!("the parser's answer could not be read: {e}")))
}
