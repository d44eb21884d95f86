//! The text of Word (DOCX) and OpenDocument (ODT) documents: their paragraphs, read from the
//! XML inside the zip archive. A few kilobytes of zip can inflate to gigabytes, so an entry's
//! declared size is checked before anything is read, and the reading stops at the cap whatever
//! the entry declared.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

/// The most bytes of XML inflated from one entry: a long report's `document.xml` is a few
/// megabytes.
pub const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;
/// The most files an archive may hold: a document has a few dozen.
pub const MAX_ENTRIES: usize = 10_000;

/// The paragraphs of a Word document, one a line.
pub(super) fn docx(bytes: &[u8]) -> Result<String, String> {
    let xml = entry(bytes, "word/document.xml", "a Word document")?;
    paragraphs(&xml, Dialect::Word)
}

/// The paragraphs and headings of an OpenDocument text, one a line.
pub(super) fn odt(bytes: &[u8]) -> Result<String, String> {
    let xml = entry(bytes, "content.xml", "an OpenDocument text")?;
    paragraphs(&xml, Dialect::Open)
}

/// The entry `name` of the archive, as text; or why it cannot be had.
fn entry(bytes: &[u8], name: &str, kind: &str) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| format!("it is not {kind}: it is not a readable zip archive"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!(
            "it holds {} files, more than the {MAX_ENTRIES} a document may",
            archive.len()
        ));
    }
    let too_large = || {
        format!(
            "it is too large to read, or a compressed bomb: its {name} would inflate to more than {} MB",
            MAX_XML_BYTES / (1024 * 1024)
        )
    };
    let entry = archive.by_name(name).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => format!("it is not {kind}: it has no {name}"),
        _ => format!("its {name} cannot be read (it may be encrypted)"),
    })?;
    if entry.size() > MAX_XML_BYTES {
        return Err(too_large());
    }
    // The declared size can lie: the cap holds however much the entry really inflates to.
    let mut xml = Vec::new();
    entry
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|_| format!("its {name} is damaged"))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(too_large());
    }
    Ok(String::from_utf8(xml).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// WordprocessingML: text is in `w:t` within runs (`w:r`) of paragraphs (`w:p`).
    Word,
    /// OpenDocument: text is anywhere within `text:p` and `text:h`.
    Open,
}

/// Where the reader is in the document.
#[derive(Default)]
struct Place {
    /// Open paragraphs (ODT) or `w:t` elements (DOCX): text is kept while it is above 0.
    keeping: usize,
    /// Open runs (DOCX): a `w:tab` outside one is a tab stop's definition, not a tab.
    runs: usize,
    /// Open elements whose text is not the document's: deleted text in tracked changes.
    skipped: usize,
}

/// The text of the paragraphs, one a line. Element names are matched without their prefix,
/// which documents may choose freely.
fn paragraphs(xml: &str, dialect: Dialect) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut text = String::new();
    let mut place = Place::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|_| "its XML is damaged".to_string())?;
        match event {
            Event::Eof => break,
            Event::Start(e) => open(&e, dialect, &mut place),
            Event::End(e) => close(e.local_name().as_ref(), dialect, &mut place, &mut text),
            Event::Empty(e) => {
                open(&e, dialect, &mut place);
                close(e.local_name().as_ref(), dialect, &mut place, &mut text);
                if is_space(e.local_name().as_ref(), dialect, &place) {
                    text.push(' ');
                }
            }
            Event::Text(e) if keeps(&place) => text.push_str(&e.xml10_content()),
            Event::CData(e) if keeps(&place) => text.push_str(&e.xml10_content()),
            Event::GeneralRef(e) if keeps(&place) => text.push_str(&entity(&e)),
            _ => {}
        }
        // The document's budget would cut the rest anyway.
        if text.len() > super::MAX_TEXT_BYTES {
            break;
        }
    }
    Ok(text)
}

fn keeps(place: &Place) -> bool {
    place.keeping > 0 && place.skipped == 0
}

fn open(element: &BytesStart<'_>, dialect: Dialect, place: &mut Place) {
    match (dialect, element.local_name().as_ref()) {
        (Dialect::Word, "t") | (Dialect::Open, "p" | "h") => place.keeping += 1,
        (Dialect::Word, "r") => place.runs += 1,
        (Dialect::Open, "tracked-changes") => place.skipped += 1,
        _ => {}
    }
}

fn close(name: &str, dialect: Dialect, place: &mut Place, text: &mut String) {
    match (dialect, name) {
        (Dialect::Word, "t") => place.keeping = place.keeping.saturating_sub(1),
        (Dialect::Word, "r") => place.runs = place.runs.saturating_sub(1),
        (Dialect::Word, "p") => text.push('\n'),
        (Dialect::Open, "p" | "h") => {
            place.keeping = place.keeping.saturating_sub(1);
            text.push('\n');
        }
        (Dialect::Open, "tracked-changes") => place.skipped = place.skipped.saturating_sub(1),
        _ => {}
    }
}

/// Whether an empty element stands for white space: a tab or a line break within the text.
fn is_space(name: &str, dialect: Dialect, place: &Place) -> bool {
    match dialect {
        Dialect::Word => place.runs > 0 && matches!(name, "tab" | "br" | "cr"),
        Dialect::Open => keeps(place) && matches!(name, "s" | "tab" | "line-break"),
    }
}

/// An entity's text: a character reference or one of XML's five; a document's own entities
/// are not expanded (they are how a few bytes of XML become gigabytes).
fn entity(reference: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
        .unwrap_or_default()
        .to_string()
}
