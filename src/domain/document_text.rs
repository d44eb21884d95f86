//! The searchable text of a stored document, in parts that name where they are (a page, a
//! sheet), so that a search hit can point a researcher at "page 3" or "Albania 2025!C12".
//!
//! Every document is an authority's or a stranger's file: each reader works within budgets,
//! and runs in the sandbox's child, where a file that breaks a library ends the child only.

mod office;

use crate::domain::{email, spreadsheet};

closed_enum! {
    /// What came of reading a document's text.
    pub enum TextState {
        /// Text was found (at least one non-blank part).
        Text,
        /// A PDF with pages but no text layer: a scan, to be read by a person (or OCR) instead.
        Scanned,
        /// The file is broken, hostile or over budget: `problem` says why.
        Unreadable,
        /// A format whose text is not read (images, unknown types).
        Unsupported,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TextPart {
    /// Where the part is, for people: "page 3", a sheet's name ("Albania 2025"), "" for a document read whole.
    pub label: String,
    /// For a sheet: the 0-based index of the sheet row on the part's first line (a long sheet is split into
    /// several parts, each continuing where the last stopped, so that a search hit can name the cell as "Sheet!C12").
    /// 0 otherwise.
    pub first_line: u32,
    /// The text. For sheets: one line per row (rows joined by '\n'), cells joined by '\t', in column order,
    /// empty cells kept as empty strings between tabs so column positions hold; never contains '\t' or '\n'
    /// inside a cell (replace them by spaces).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DocumentText {
    pub state: TextState,
    /// Why it is Scanned/Unreadable/Unsupported, or that the text was cut at the budget, in words for a researcher.
    pub problem: Option<String>,
    pub parts: Vec<TextPart>,
}

/// The most bytes of text in one part: a PostgreSQL tsvector is capped at 1 MB, so long pages/sheets are split.
pub const MAX_PART_BYTES: usize = 100_000;
/// The most text kept of one document; beyond it the text is cut and `problem` says so (state stays Text).
/// A thousand-page report holds about 2 MB; writing more would hold the database's write lock for long.
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// The most sheets read of one workbook: the reader opens the workbook again for each, and a
/// file can name thousands.
pub const MAX_SHEETS: usize = 50;
/// The most XML inflated from a DOCX or ODT archive's entry; a larger one is refused.
pub use office::MAX_XML_BYTES;

/// The formats whose text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pdf,
    Docx,
    Odt,
    /// A table, with the extension the spreadsheet reader goes by.
    Sheet(&'static str),
    Email,
    Plain,
}

/// Reads the text of a document, judged by its file name's extension and, where the name says nothing, by its
/// first bytes. Never panics on purpose (it runs in a sandboxed child which also catches panics), allocates only
/// within budgets checked before allocating (a zip entry's declared size, and reading through `Read::take`
/// because the declared size can lie).
pub fn extract(filename: &str, bytes: &[u8]) -> DocumentText {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some(format) = by_name(&extension).or_else(|| by_content(&extension, bytes)) else {
        let kind = match extension.as_str() {
            "" => "files of this kind".to_string(),
            e => format!(".{e} files"),
        };
        return empty(TextState::Unsupported, format!("no text is read from {kind}"));
    };
    match format {
        Format::Pdf => pdf(bytes),
        Format::Docx => whole(office::docx(bytes)),
        Format::Odt => whole(office::odt(bytes)),
        Format::Sheet(e) if e == extension => sheets(filename, bytes),
        // Named otherwise, and found to be a table by its content: the reader goes by name.
        Format::Sheet(e) => sheets(&format!("{filename}.{e}"), bytes),
        // Its attachments are documents of their own; a message lacking what recording it
        // would need (a date) is still searched.
        Format::Email => {
            whole(email::words(bytes).ok_or_else(|| format!("{filename} is not an email message")))
        }
        Format::Plain => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            whole(Ok(String::from_utf8_lossy(bytes).into_owned()))
        }
    }
}

fn by_name(extension: &str) -> Option<Format> {
    Some(match extension {
        "pdf" => Format::Pdf,
        "docx" => Format::Docx,
        "odt" => Format::Odt,
        "csv" => Format::Sheet("csv"),
        "xlsx" => Format::Sheet("xlsx"),
        "xls" => Format::Sheet("xls"),
        "ods" => Format::Sheet("ods"),
        "eml" => Format::Email,
        "txt" | "text" | "md" => Format::Plain,
        _ => return None,
    })
}

/// The format of a file whose name says nothing of it (no extension, or one of no kind known
/// here), by its signature; an image or a Word 97 file stays unread whatever it holds.
fn by_content(extension: &str, bytes: &[u8]) -> Option<Format> {
    const UNREAD: &[&str] = &["png", "jpg", "jpeg", "gif", "tif", "tiff", "webp", "bmp", "doc"];
    if UNREAD.contains(&extension) {
        return None;
    }
    // PDF readers accept the header anywhere in the first kilobyte.
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some(Format::Pdf);
    }
    Some(match infer::get(bytes)?.mime_type() {
        "application/pdf" => Format::Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Format::Docx,
        "application/vnd.oasis.opendocument.text" => Format::Odt,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Format::Sheet("xlsx"),
        "application/vnd.ms-excel" => Format::Sheet("xls"),
        "application/vnd.oasis.opendocument.spreadsheet" => Format::Sheet("ods"),
        _ => return None,
    })
}

fn empty(state: TextState, problem: String) -> DocumentText {
    DocumentText {
        state,
        problem: Some(problem),
        parts: Vec::new(),
    }
}

/// A document read whole: one part labelled "", or more if it is long.
fn whole(text: Result<String, String>) -> DocumentText {
    let text = match text {
        Ok(text) => text,
        Err(problem) => return empty(TextState::Unreadable, problem),
    };
    let mut parts = Parts::default();
    parts.add("", false, lines(&text));
    parts.finish(Vec::new())
}

/// A PDF, one part a page. Its streams are inflated by the PDF library, which sets no bound of
/// its own: the child's memory limit is that budget.
fn pdf(bytes: &[u8]) -> DocumentText {
    // pdf-extract panics on many malformed fonts and streams; such a file is broken, and is
    // told so, rather than ending the child with nothing said.
    let read = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    let pages = match read {
        Ok(Ok(pages)) => pages,
        Ok(Err(pdf_extract::OutputError::PdfError(pdf_extract::Error::Decryption(_)))) => {
            return empty(
                TextState::Unreadable,
                "it is encrypted with a password, so its text cannot be read".into(),
            )
        }
        Ok(Err(_)) | Err(_) => return empty(TextState::Unreadable, "it is not a readable PDF".into()),
    };
    if pages.is_empty() {
        return empty(TextState::Unreadable, "it has no page that can be read".into());
    }
    let mut parts = Parts::default();
    for (n, page) in pages.iter().enumerate() {
        let label = format!("page {}", n + 1);
        parts.add(&label, false, lines(page));
    }
    if parts.parts.is_empty() {
        return empty(
            TextState::Scanned,
            "it has no text, only images of its pages: it was probably scanned".into(),
        );
    }
    parts.finish(Vec::new())
}

/// Every sheet of a table (up to `MAX_SHEETS`), each in one or more parts labelled with its
/// name; a sheet the reader refuses is left out, and why is told.
fn sheets(filename: &str, bytes: &[u8]) -> DocumentText {
    let first = match spreadsheet::read(filename, bytes, None) {
        Ok(sheet) => sheet,
        Err(problem) => return empty(TextState::Unreadable, problem),
    };
    let mut problems = Vec::new();
    let mut parts = Parts::default();
    add_sheet(&mut parts, &first);
    let others = first.names.iter().filter(|n| **n != first.name);
    for (n, name) in others.enumerate() {
        if n + 1 == MAX_SHEETS {
            problems.push(format!("only its first {MAX_SHEETS} sheets are searchable"));
            break;
        }
        match spreadsheet::read(filename, bytes, Some(name)) {
            Ok(sheet) => add_sheet(&mut parts, &sheet),
            Err(problem) => problems.push(problem),
        }
    }
    parts.finish(problems)
}

fn add_sheet(parts: &mut Parts, sheet: &spreadsheet::Sheet) {
    let rows = sheet.rows.iter().map(|cells| {
        let cells: Vec<String> = cells.iter().map(|c| clean_cell(c)).collect();
        cells.join("\t")
    });
    parts.add(&sheet.name, true, rows);
}

/// The clean lines of a text, whichever of "\n", "\r\n" or "\r" ends them.
fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
        .map(clean_line)
}

/// A line of text as PostgreSQL can store it: no NUL, nor other control characters but tabs.
fn clean_line(line: &str) -> String {
    line.chars()
        .filter(|c| *c == '\t' || !c.is_ascii_control())
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// A cell, on one line and free of tabs, which separate cells.
fn clean_cell(cell: &str) -> String {
    cell.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_ascii_control() => None,
            c => Some(c),
        })
        .collect()
}

/// The parts gathered so far, within the document's budget.
#[derive(Default)]
struct Parts {
    parts: Vec<TextPart>,
    bytes: usize,
    /// Whether text was left out at `MAX_TEXT_BYTES`.
    cut: bool,
}

impl Parts {
    /// Adds one piece (a page, a sheet, a document) from its clean lines, in parts of at most
    /// `MAX_PART_BYTES` split between lines, or within a line longer than that. A sheet's parts
    /// are `numbered`: each names the row it starts at.
    fn add(&mut self, label: &str, numbered: bool, lines: impl Iterator<Item = String>) {
        let mut text = String::new();
        // The index of the buffer's first line, once it has one.
        let mut start: Option<usize> = None;
        for (index, line) in lines.enumerate() {
            if self.cut {
                return;
            }
            if let Some(first) = start.filter(|_| text.len() + 1 + line.len() > MAX_PART_BYTES) {
                self.push(label, numbered.then_some(first), &text);
                text.clear();
                start = None;
            }
            let mut rest = line.as_str();
            while rest.len() > MAX_PART_BYTES {
                let at = rest.floor_char_boundary(MAX_PART_BYTES);
                self.push(label, numbered.then_some(index), &rest[..at]);
                rest = &rest[at..];
            }
            match start {
                Some(_) => text.push('\n'),
                None => start = Some(index),
            }
            text.push_str(rest);
        }
        if let Some(first) = start {
            self.push(label, numbered.then_some(first), &text);
        }
    }

    /// Keeps a part unless it is blank, cut to what is left of the budget.
    fn push(&mut self, label: &str, first_line: Option<usize>, text: &str) {
        // A sheet's leading empty rows stay, for its lines to keep their numbers.
        let text = match first_line {
            Some(_) => text.trim_end(),
            None => text.trim_matches('\n').trim_end(),
        };
        if self.cut || text.trim().is_empty() {
            return;
        }
        let room = MAX_TEXT_BYTES - self.bytes;
        let text = if text.len() > room {
            self.cut = true;
            let at = text.floor_char_boundary(room);
            text[..at].rfind('\n').map_or(&text[..at], |n| &text[..n])
        } else {
            text
        };
        if text.trim().is_empty() {
            return;
        }
        self.bytes += text.len();
        self.parts.push(TextPart {
            label: label.to_string(),
            first_line: first_line.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            text: text.to_string(),
        });
    }

    /// What was read: text if any part was kept, with what was left out said; else why none.
    fn finish(self, mut problems: Vec<String>) -> DocumentText {
        if self.cut {
            problems.push(format!(
                "only the first {} MB of its text is searchable",
                MAX_TEXT_BYTES / (1024 * 1024)
            ));
        }
        let state = match (self.parts.is_empty(), problems.is_empty()) {
            (false, _) => TextState::Text,
            (true, true) => {
                problems.push("it holds no text".into());
                TextState::Unreadable
            }
            (true, false) => TextState::Unreadable,
        };
        DocumentText {
            state,
            problem: (!problems.is_empty()).then(|| problems.join("; ")),
            parts: self.parts,
        }
    }
}
