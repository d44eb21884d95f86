//! Spreadsheets built to exhaust a reader: each states a size the reader believes, in a file of
//! a few bytes or kilobytes. And small valid ones of each kind, to mutate in property tests.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
}

/// An XLSX workbook of one sheet, "Table 1", with these shared strings and sheet data.
pub fn xlsx(shared_strings: &str, sheet_data: &str) -> Vec<u8> {
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut put = |name: &str, text: String| {
        zip.start_file(name, stored()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    put(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.into(),
    );
    put(
        "_rels/.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
    );
    put(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Table 1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        ),
    );
    put("xl/sharedStrings.xml", shared_strings.to_string());
    put(
        "xl/worksheets/sheet1.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{sheet_data}</sheetData></worksheet>"#
        ),
    );
    zip.finish().unwrap().into_inner()
}

fn sst(count: &str, strings: &[&str]) -> String {
    let items: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">{items}</sst>"#
    )
}

/// A small, valid XLSX: a header row and two quarters' figures.
pub fn small_xlsx() -> Vec<u8> {
    xlsx(
        &sst("3", &["Quarter", "Returned", "2025 Q1"]),
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>12</v></c></row>"#,
    )
}

/// Shared strings that claim a hundred million million entries: a reader reserving that many
/// asks for petabytes.
pub fn huge_shared_strings_xlsx() -> Vec<u8> {
    xlsx(
        &sst("100000000000000", &["Quarter"]),
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
    )
}

/// One shared string of 2 MB, used by 100 cells: 200 MB of text from a 2 MB file.
pub fn long_shared_string_xlsx() -> Vec<u8> {
    let long = "A".repeat(2 * 1024 * 1024);
    let cells: String = (1..=100)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    xlsx(&sst("1", &[&long]), &cells)
}

/// An OpenDocument spreadsheet whose one sheet holds `rows` (table:table-row elements).
pub fn ods(rows: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", stored()).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored()).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#)
        .unwrap();
    zip.start_file("content.xml", stored()).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Table 1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

/// A small, valid ODS.
pub fn small_ods() -> Vec<u8> {
    ods(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>Quarter</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="12"><text:p>12</text:p></table:table-cell></table:table-row>"#,
    )
}

/// A million rows each repeating a cell across 16,384 columns: a reader expanding the repeats
/// builds billions of cells.
pub fn repeated_ods() -> Vec<u8> {
    ods(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
    )
}

fn record(stream: &mut Vec<u8>, kind: u16, data: &[u8]) {
    stream.extend_from_slice(&kind.to_le_bytes());
    stream.extend_from_slice(&(data.len() as u16).to_le_bytes());
    stream.extend_from_slice(data);
}

fn bof(dt: u16) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&0x0600u16.to_le_bytes());
    data.extend_from_slice(&dt.to_le_bytes());
    data.extend_from_slice(&[0; 12]);
    data
}

/// An Excel 97-2003 workbook whose sheet's DIMENSIONS record claims `rows` rows, holding one
/// number at A1.
pub fn xls(rows: u32) -> Vec<u8> {
    let name = b"Table 1";
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    record(&mut globals, 0x0042, &1252u16.to_le_bytes());
    let boundsheet_len = 4 + 2 + 2 + name.len();
    let sheet_at = globals.len() + 4 + boundsheet_len + 4;
    let mut boundsheet = (sheet_at as u32).to_le_bytes().to_vec();
    boundsheet.extend_from_slice(&[0, 0, name.len() as u8, 0]);
    boundsheet.extend_from_slice(name);
    record(&mut globals, 0x0085, &boundsheet);
    record(&mut globals, 0x000A, &[]);
    assert_eq!(globals.len(), sheet_at);
    let mut stream = globals;
    record(&mut stream, 0x0809, &bof(0x0010));
    let mut dimensions = 0u32.to_le_bytes().to_vec();
    dimensions.extend_from_slice(&rows.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    dimensions.extend_from_slice(&1u16.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    record(&mut stream, 0x0200, &dimensions);
    let mut number = vec![0, 0, 0, 0, 0, 0];
    number.extend_from_slice(&12.0f64.to_le_bytes());
    record(&mut stream, 0x0203, &number);
    record(&mut stream, 0x000A, &[]);
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// A small, valid XLS.
pub fn small_xls() -> Vec<u8> {
    xls(1)
}

/// An XLS whose sheet claims about four billion rows.
pub fn huge_dimensions_xls() -> Vec<u8> {
    xls(u32::MAX)
}

/// The crafted files, by the name each is uploaded as.
pub fn crafted() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("shared-strings.xlsx", huge_shared_strings_xlsx()),
        ("dimensions.xls", huge_dimensions_xls()),
        ("long-string.xlsx", long_shared_string_xlsx()),
        ("repeats.ods", repeated_ods()),
    ]
}
