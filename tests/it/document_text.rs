//! Reading a document's text for search (`domain::document_text`), over files made here: each
//! format's words by page or sheet, and every file that cannot be read, broken, hostile or a
//! scan, answered within the rules. No server: the reader itself.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

use foi_tracker::domain::document_text::*;

use crate::support::{image_pdf, text_pdf};

/// A zip archive of `entries`, deflated, as office files are.
pub(crate) fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const WORD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Refused under</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">section 31 &amp; 40</w:t></w:r></w:p>
<w:p><w:r><w:t>Second paragraph</w:t></w:r><w:del><w:r><w:delText>withdrawn</w:delText></w:r></w:del></w:p>
</w:body></w:document>"#;

fn text_of(document: &DocumentText) -> Vec<(&str, u32, &str)> {
    document
        .parts
        .iter()
        .map(|p| (p.label.as_str(), p.first_line, p.text.as_str()))
        .collect()
}

#[test]
fn a_pdf_is_read_page_by_page() {
    let document = extract(
        "reply.pdf",
        &text_pdf(&["Returned victims 2025", "Section (40) applies"]),
    );
    assert_eq!(document.state, TextState::Text, "{document:?}");
    assert_eq!(document.problem, None);
    assert_eq!(document.parts.len(), 2, "{document:?}");
    assert_eq!(document.parts[0].label, "page 1");
    assert_eq!(document.parts[1].label, "page 2");
    assert!(
        document.parts[0].text.contains("Returned victims 2025"),
        "{document:?}"
    );
    assert!(
        document.parts[1].text.contains("Section (40) applies"),
        "{document:?}"
    );
    // Its name need not say it is a PDF: its first bytes do.
    assert_eq!(
        extract("reply", &text_pdf(&["Hello"])).parts,
        extract("reply.pdf", &text_pdf(&["Hello"])).parts
    );
}

#[test]
fn a_pdf_without_text_is_a_scan_and_a_broken_one_unreadable() {
    let scan = extract("scan.pdf", &image_pdf());
    assert_eq!(scan.state, TextState::Scanned, "{scan:?}");
    assert!(scan.problem.unwrap().contains("scanned"));
    assert!(scan.parts.is_empty());
    // Blank pages are skipped, the others kept with their numbers.
    let mixed = extract("mixed.pdf", &text_pdf(&["", "Only words"]));
    assert_eq!(
        text_of(&mixed).iter().map(|p| p.0).collect::<Vec<_>>(),
        ["page 2"]
    );
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    let broken = extract("reply.pdf", &garbage);
    assert_eq!(broken.state, TextState::Unreadable, "{broken:?}");
    assert_eq!(broken.problem.as_deref(), Some("it is not a readable PDF"));
}

#[test]
fn a_word_document_is_read_by_paragraph() {
    let document = extract("reply.docx", &zip_of(&[("word/document.xml", WORD)]));
    assert_eq!(
        text_of(&document),
        [("", 0, "Refused under section 31 & 40\nSecond paragraph")],
        "{document:?}"
    );
    assert_eq!(document.state, TextState::Text);
    let not_word = extract("reply.docx", &zip_of(&[("other.xml", "<a/>")]));
    assert_eq!(not_word.state, TextState::Unreadable);
    assert_eq!(
        not_word.problem.as_deref(),
        Some("it is not a Word document: it has no word/document.xml")
    );
}

#[test]
fn an_opendocument_text_is_read_by_paragraph() {
    let content = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>
<text:tracked-changes><text:changed-region><text:deletion><text:p>gone</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h>Decision</text:h><text:p>Withheld<text:s/>under<text:tab/><text:span>s.31</text:span></text:p><text:p/><text:p>End</text:p>
</office:text></office:body></office:document-content>"#;
    let document = extract(
        "reply.odt",
        &zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", content),
        ]),
    );
    assert_eq!(
        text_of(&document),
        [("", 0, "Decision\nWithheld under s.31\n\nEnd")],
        "{document:?}"
    );
}

/// Zeros that inflate past the cap from some 70 KB, written without holding them.
/// A .docx that is a compressed bomb: its document inflates past what the reader takes.
pub(crate) fn bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..(MAX_XML_BYTES / (1024 * 1024) + 2) {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_is_refused_whether_its_declared_size_is_true_or_a_lie() {
    let bomb = bomb();
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let refused = extract("reply.docx", &bomb);
    assert_eq!(refused.state, TextState::Unreadable);
    assert!(refused.problem.unwrap().contains("compressed bomb"));
    // The same entry declaring 1 KB, in its local and its central header.
    let mut lying = bomb.clone();
    let size = (MAX_XML_BYTES + 2 * 1024 * 1024) as u32;
    for (signature, at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let header = lying.windows(4).position(|w| w == signature).unwrap();
        assert_eq!(lying[header + at..header + at + 4], size.to_le_bytes());
        lying[header + at..header + at + 4].copy_from_slice(&1024u32.to_le_bytes());
    }
    // zip stops at the declared size and finds the checksum wrong; the reader's own cap
    // would stop it at MAX_XML_BYTES if it did not.
    let refused = extract("reply.docx", &lying);
    assert_eq!(refused.state, TextState::Unreadable, "{refused:?}");
    assert!(refused.problem.unwrap().contains("word/document.xml"));
    assert!(refused.parts.is_empty());
}

#[test]
fn every_sheet_of_a_workbook_is_a_part_named_after_it() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let first = workbook.add_worksheet().set_name("Albania 2025").unwrap();
    first.write(0, 0, "Quarter").unwrap();
    first.write(0, 2, "Returns\tin\nfull").unwrap();
    first.write(1, 0, "2025Q1").unwrap();
    first.write(1, 2, 12).unwrap();
    let second = workbook.add_worksheet().set_name("Notes").unwrap();
    second.write(2, 1, "Figures are provisional").unwrap();
    let document = extract("figures.xlsx", &workbook.save_to_buffer().unwrap());
    assert_eq!(
        text_of(&document),
        [
            ("Albania 2025", 0, "Quarter\t\tReturns in full\n2025Q1\t\t12"),
            ("Notes", 0, "\n\n\tFigures are provisional"),
        ],
        "{document:?}"
    );
    assert_eq!(document.problem, None);
}

#[test]
fn a_csv_file_is_one_sheet() {
    let document = extract("figures.csv", b"quarter,,count\n2025Q1,,12\n");
    assert_eq!(
        text_of(&document),
        [("figures.csv", 0, "quarter\t\tcount\n2025Q1\t\t12")]
    );
}

#[test]
fn a_long_sheet_is_split_where_rows_end_and_each_part_says_its_first_row() {
    let mut csv = String::new();
    for row in 0..5_000 {
        csv.push_str(&format!("row{row},{}\n", "x".repeat(60)));
    }
    let document = extract("long.csv", csv.as_bytes());
    assert!(document.parts.len() >= 3, "{} parts", document.parts.len());
    let mut next = 0;
    for part in &document.parts {
        assert!(part.text.len() <= MAX_PART_BYTES);
        assert_eq!(part.first_line, next);
        for (k, line) in part.text.lines().enumerate() {
            assert!(
                line.starts_with(&format!("row{}\t", part.first_line as usize + k)),
                "{line}"
            );
        }
        next += part.text.lines().count() as u32;
    }
    assert_eq!(next, 5_000);
}

#[test]
fn an_email_is_its_subject_sender_and_body() {
    let message = b"From: FOI Team <foi@homeoffice.gov.uk>\r\nTo: researcher@coalition.example\r\nSubject: Your request 123\r\nDate: Thu, 28 May 2026 23:30:00 +0100\r\n\r\nPlease find attached our response.\r\n";
    let document = extract("reply.eml", message);
    assert_eq!(
        text_of(&document),
        [(
            "",
            0,
            "Subject: Your request 123\nFrom: foi@homeoffice.gov.uk\n\nPlease find attached our response."
        )]
    );
    assert_eq!(
        extract("reply.eml", b"\x00\x01 not mail").state,
        TextState::Unreadable
    );
    // Without the date that recording it as a response needs, it is still searched.
    let undated = b"From: foi@homeoffice.gov.uk\r\nSubject: Figures\r\n\r\nThe figures.\r\n";
    assert_eq!(
        text_of(&extract("undated.eml", undated)),
        [(
            "",
            0,
            "Subject: Figures\nFrom: foi@homeoffice.gov.uk\n\nThe figures."
        )]
    );
}

#[test]
fn images_and_unknown_kinds_are_not_read() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let document = extract("chart.png", png);
    assert_eq!(document.state, TextState::Unsupported);
    assert_eq!(
        document.problem.as_deref(),
        Some("no text is read from .png files")
    );
    assert_eq!(
        extract("chart", png).problem.as_deref(),
        Some("no text is read from files of this kind")
    );
    // An image named as one stays unread, whatever it holds.
    assert_eq!(
        extract("scan.jpg", &text_pdf(&["Hidden"])).state,
        TextState::Unsupported
    );
}

#[test]
fn text_loses_nul_and_control_characters() {
    let document = extract(
        "notes.txt",
        b"\xEF\xBB\xBFR\0e\0f\x07used\r\nunder\ts.40   \r\n\rold\rMac\n\xff",
    );
    assert_eq!(
        text_of(&document),
        [("", 0, "Refused\nunder\ts.40\n\nold\nMac\n\u{fffd}")]
    );
    let blank = extract("blank.txt", b" \n\0\n");
    assert_eq!(blank.state, TextState::Unreadable);
    assert_eq!(blank.problem.as_deref(), Some("it holds no text"));
}

/// Damaged copies of good files: each is read to some answer, and every answer keeps the
/// rules a part must keep.
#[test]
fn damaged_files_are_answered_within_the_rules() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().write(0, 0, "Quarter").unwrap();
    let files = [
        ("reply.pdf", text_pdf(&["Returned victims", "Section 40"])),
        ("reply.docx", zip_of(&[("word/document.xml", WORD)])),
        ("figures.xlsx", workbook.save_to_buffer().unwrap()),
    ];
    for (name, good) in &files {
        for step in 0..64 {
            let at = good.len() * step / 64;
            let mut flipped = good.clone();
            flipped[at] ^= 0x5a;
            for bytes in [&good[..at], &flipped[..]] {
                let document = extract(name, bytes);
                assert_eq!(
                    document.state == TextState::Text,
                    !document.parts.is_empty(),
                    "{name} {at}"
                );
                assert!(document.state == TextState::Text || document.problem.is_some());
                for part in &document.parts {
                    assert!(part.text.len() <= MAX_PART_BYTES && !part.text.trim().is_empty());
                    assert!(!part
                        .text
                        .chars()
                        .any(|c| c.is_ascii_control() && c != '\t' && c != '\n'));
                }
            }
        }
    }
}

#[test]
fn text_past_the_budget_is_cut_and_said_to_be() {
    let line = format!("{}\n", "word ".repeat(199));
    let text = line.repeat(MAX_TEXT_BYTES / line.len() + 100);
    let document = extract("long.txt", text.as_bytes());
    assert_eq!(document.state, TextState::Text);
    assert_eq!(
        document.problem.as_deref(),
        Some("only the first 4 MB of its text is searchable")
    );
    let kept: usize = document.parts.iter().map(|p| p.text.len()).sum();
    assert!(
        kept <= MAX_TEXT_BYTES && kept > MAX_TEXT_BYTES - MAX_PART_BYTES,
        "{kept}"
    );
    assert!(document
        .parts
        .iter()
        .all(|p| p.text.len() <= MAX_PART_BYTES && p.label.is_empty()));
    // A line longer than a part is split within it, on a character's boundary.
    let long = "é".repeat(MAX_PART_BYTES);
    let document = extract("long.txt", long.as_bytes());
    assert_eq!(document.parts.len(), 2);
    assert_eq!(
        document.parts.iter().map(|p| p.text.as_str()).collect::<String>(),
        long
    );
}
