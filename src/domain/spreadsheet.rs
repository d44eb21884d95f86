//! A released table as a grid of cell text, whatever it came as (CSV, XLSX, XLS or ODS), with
//! cells named as a spreadsheet names them (C7), so that a researcher can point at the values
//! they see in the authority's file.

use std::io::Cursor;

use calamine::{Data, DataType, Reader};

/// The most rows, columns and filled cells read from one sheet: released tables are far
/// smaller, and a sheet beyond them is refused rather than read.
pub const MAX_ROWS: usize = 100_000;
pub const MAX_COLUMNS: usize = 300;
pub const MAX_CELLS: usize = 1_000_000;
/// The most text one sheet may hold: a few bytes of XML can repeat one long string in every
/// cell.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// One sheet of a document, as text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sheet {
    /// Every sheet's name, in the workbook's order; a CSV file has one, named after the file.
    pub names: Vec<String>,
    /// The sheet read.
    pub name: String,
    /// `rows[0]` is row 1 and `rows[r][0]` is its column A; trailing empty cells are dropped.
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The text of a cell, by row number (from 1) and column index (from 0); empty outside.
    pub fn cell(&self, row: usize, column: usize) -> &str {
        row.checked_sub(1)
            .and_then(|r| self.rows.get(r))
            .and_then(|cells| cells.get(column))
            .map_or("", String::as_str)
    }

    /// The widest row's width.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// Whether a document can be read as a table, judged by its file name.
pub fn is_table(filename: &str) -> bool {
    matches!(extension(filename).as_str(), "csv" | "xlsx" | "xls" | "ods")
}

fn extension(filename: &str) -> String {
    filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads `sheet` (the first when `None`) of a CSV, XLSX, XLS or ODS document; or why it cannot
/// be read, in words for the researcher.
pub fn read(filename: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, String> {
    match extension(filename).as_str() {
        "csv" => read_csv(filename, bytes, sheet),
        "xlsx" | "xls" | "ods" => read_workbook(filename, bytes, sheet),
        _ => Err(format!(
            "{filename} is not a table: figures can be imported from CSV, XLSX, XLS and ODS files"
        )),
    }
}

fn read_csv(filename: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, String> {
    let name = filename.to_string();
    if let Some(other) = sheet.filter(|s| !s.is_empty() && *s != name) {
        return Err(format!("{filename} has no sheet called {other}"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let record = record.map_err(|e| format!("{filename} is not a readable CSV file: {e}"))?;
        if rows.len() == MAX_ROWS {
            return Err(format!("{filename} has more than {MAX_ROWS} rows"));
        }
        // Authorities' exports are often Windows-1252: a stray byte must not lose the row.
        let cells = record
            .iter()
            .take(MAX_COLUMNS)
            .map(|field| String::from_utf8_lossy(field).trim().to_string())
            .collect();
        rows.push(trimmed(cells));
    }
    Ok(Sheet {
        names: vec![name.clone()],
        name,
        rows,
    })
}

fn read_workbook(filename: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("{filename} is not a readable spreadsheet: {e}");
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names = workbook.sheet_names();
    let name = match sheet.filter(|s| !s.is_empty()) {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| format!("{filename} has no sheet called {wanted}"))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| format!("{filename} has no sheets"))?,
    };
    let mut grid = Grid::default();
    let too_big = || {
        format!(
            "{filename} has more than {MAX_ROWS} rows, {MAX_COLUMNS} columns, {MAX_CELLS} cells or {} MB of text in the sheet",
            MAX_TEXT_BYTES / (1024 * 1024)
        )
    };
    match &mut workbook {
        // Cell by cell: a whole range is allocated over the cells' bounding box, which a file
        // of a few bytes can make billions of cells wide. (ODS and XLS bound theirs: calamine
        // caps ODS at 100 million cells, and XLS has at most 65,536 rows of 256 columns.)
        calamine::Sheets::Xlsx(xlsx) => {
            let mut cells = xlsx.worksheet_cells_reader(&name).map_err(|e| unreadable(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
                let value = Data::from(cell.get_value().clone());
                grid.put(cell.get_position(), text(&value)).ok_or_else(too_big)?;
            }
        }
        _ => {
            let range = workbook.worksheet_range(&name).map_err(|e| unreadable(&e))?;
            let (top, left) = range.start().unwrap_or_default();
            for (row, column, value) in range.used_cells() {
                let at = (top + row as u32, left + column as u32);
                grid.put(at, text(value)).ok_or_else(too_big)?;
            }
        }
    }
    Ok(Sheet {
        names,
        name,
        rows: grid.rows,
    })
}

/// Cells placed by position, within the caps.
#[derive(Default)]
struct Grid {
    rows: Vec<Vec<String>>,
    cells: usize,
    bytes: usize,
}

impl Grid {
    /// Places a cell at its (row, column) from 0; `None` once a cap is passed.
    fn put(&mut self, (row, column): (u32, u32), text: String) -> Option<()> {
        if text.is_empty() {
            return Some(());
        }
        let (row, column) = (row as usize, column as usize);
        self.cells += 1;
        self.bytes += text.len();
        if row >= MAX_ROWS || column >= MAX_COLUMNS || self.cells > MAX_CELLS || self.bytes > MAX_TEXT_BYTES {
            return None;
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text;
        Some(())
    }
}

fn trimmed(mut cells: Vec<String>) -> Vec<String> {
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    cells
}

/// A cell as the researcher sees it in the spreadsheet: whole numbers without ".0", dates as
/// 2024-03-31, errors as Excel shows them (#DIV/0!).
fn text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(_) => cell
            .as_date()
            .map_or_else(|| cell.to_string(), |d| d.format("%Y-%m-%d").to_string()),
        Data::String(s) => s.trim().to_string(),
        Data::Error(e) => format!("{e}"),
        other => other.to_string(),
    }
}

/// The index of a column named by its letters (A is 0, Z is 25, AA is 26); `None` for
/// anything else.
pub fn column(letters: &str) -> Option<usize> {
    let letters = letters.trim();
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let index = letters
        .to_ascii_uppercase()
        .bytes()
        .fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1));
    Some(index - 1)
}

/// The letters of a column index: 0 is A, 26 is AA.
pub fn letters(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip() {
        for (name, index) in [
            ("A", 0),
            ("Z", 25),
            ("AA", 26),
            ("AZ", 51),
            ("BA", 52),
            ("ZZ", 701),
        ] {
            assert_eq!(column(name), Some(index), "{name}");
            assert_eq!(letters(index), name);
        }
        assert_eq!(column("c"), Some(2));
        assert_eq!(column(""), None);
        assert_eq!(column("C7"), None);
        assert_eq!(column("ABCD"), None);
    }

    #[test]
    fn csv_cells_by_row_and_column() {
        let sheet = read(
            "outcomes.csv",
            "\u{feff}Quarter,Nationality,Refused\n2024 Q1,Albanian,\"1,256\"\n,,\n".as_bytes(),
            None,
        )
        .unwrap();
        assert_eq!(sheet.names, vec!["outcomes.csv"]);
        assert_eq!(sheet.cell(1, 0), "Quarter");
        assert_eq!(sheet.cell(2, 2), "1,256");
        assert_eq!(sheet.cell(3, 0), "");
        assert_eq!(sheet.cell(9, 9), "");
        assert_eq!(sheet.width(), 3);
        assert!(read("outcomes.csv", b"a,b\n", Some("Table 2")).is_err());
    }

    /// An OpenDocument spreadsheet as LibreOffice lays one out: the mimetype stored first,
    /// the manifest, and the sheets in content.xml.
    fn ods(rows: &str) -> Vec<u8> {
        use std::io::Write;
        use zip::write::SimpleFileOptions;
        let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#)
            .unwrap();
        zip.start_file("content.xml", stored).unwrap();
        write!(
            zip,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="Notes"><table:table-row><table:table-cell office:value-type="string"><text:p>Provisional</text:p></table:table-cell></table:table-row></table:table>
<table:table table:name="Returns">{rows}</table:table>
</office:spreadsheet></office:body></office:document-content>"#
        )
        .unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn ods_sheets_by_name() {
        let text = |t: &str| {
            format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#)
        };
        let number = |n: &str| {
            format!(
                r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
            )
        };
        let rows = format!(
            "<table:table-row>{}{}</table:table-row><table:table-row>{}{}</table:table-row><table:table-row>{}{}</table:table-row>",
            text("Quarter"),
            text("Returned"),
            text("2025 Q1"),
            number("12"),
            text("2025 Q2"),
            number("7.5"),
        );
        let bytes = ods(&rows);
        let first = read("returns.ods", &bytes, None).unwrap();
        assert_eq!(first.names, vec!["Notes", "Returns"]);
        assert_eq!(first.cell(1, 0), "Provisional");
        let sheet = read("returns.ods", &bytes, Some("Returns")).unwrap();
        assert_eq!(sheet.name, "Returns");
        assert_eq!(sheet.cell(2, 0), "2025 Q1");
        assert_eq!(sheet.cell(2, 1), "12");
        assert_eq!(sheet.cell(3, 1), "7.5");
        assert!(read("returns.ods", &bytes, Some("Table 9"))
            .unwrap_err()
            .contains("no sheet called Table 9"));
    }

    #[test]
    fn a_sheet_past_the_caps_is_refused_without_reading_its_whole_span() {
        // Two cells, at A1 and at the last cell Excel has: a grid over both would be 17
        // billion cells.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Table 1").unwrap();
        sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let error = read("wide.xlsx", &bytes, None).unwrap_err();
        assert!(error.contains("has more than 100000 rows"), "{error}");
    }

    #[test]
    fn other_files_are_not_tables() {
        assert!(!is_table("reply.pdf"));
        assert!(is_table("Table.XLSX"));
        assert!(read("reply.pdf", b"%PDF-1.4", None)
            .unwrap_err()
            .contains("not a table"));
        assert!(read("broken.xlsx", b"not a zip", None)
            .unwrap_err()
            .contains("not a readable spreadsheet"));
    }
}
