//! Property tests of the readers of users' files (issue 14): spreadsheets (CSV, XLSX, XLS,
//! ODS) and `.eml` replies, fed mutated copies of small valid files and files declaring
//! arbitrary sizes, through the sandbox the server uses. Whatever the bytes, the reader answers
//! with a sheet or email, or with a message for the researcher; or it is stopped by the
//! sandbox's limits. It never panics, and a sheet it answers with is within the caps.
//!
//! Cases per property: `PROPTEST_CASES` (64 unless set), e.g.
//! `PROPTEST_CASES=20000 cargo test --release --test parser_properties`.

use crate::support;

use crate::support::hostile;
use foi_tracker::domain::email::{Email, MAX_ATTACHMENTS};
use foi_tracker::domain::spreadsheet::{Sheet, MAX_COLUMNS, MAX_ROWS};
use foi_tracker::sandbox::{self, SandboxError};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart, SinglePart};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // A failing case is shrunk by re-running the parser: bound the time it may take.
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

/// The child's answer, or why there is none; a panic fails the property.
fn parse<T: serde::de::DeserializeOwned>(args: &[&str], bytes: &[u8]) -> Option<Result<T, String>> {
    sandbox::use_program(env!("CARGO_BIN_EXE_foi-tracker"));
    match sandbox::run(args, bytes, 64 * 1024 * 1024) {
        Ok(output) => Some(serde_json::from_slice(&output).expect("the child's answer is JSON")),
        Err(SandboxError::OverBudget(_)) => None,
        Err(SandboxError::Panicked) => panic!(
            "the reader panicked on {} bytes: {:?}",
            bytes.len(),
            &bytes[..bytes.len().min(256)]
        ),
        Err(other) => panic!("{other}"),
    }
}

fn check_sheet(name: &str, bytes: &[u8]) {
    let answer: Option<Result<Sheet, String>> =
        parse(&["parse-sheet", &format!("--file-name={name}")], bytes);
    match answer {
        Some(Ok(sheet)) => {
            assert!(sheet.rows.len() <= MAX_ROWS);
            assert!(sheet.width() <= MAX_COLUMNS);
            assert!(sheet.names.contains(&sheet.name));
        }
        Some(Err(message)) => {
            assert!(message.starts_with(name), "a message naming the file: {message}");
            assert!(!message.contains('\n'));
        }
        None => {}
    }
}

fn check_email(bytes: &[u8]) {
    let answer: Option<Result<Email, String>> = parse(&["parse-email", "--file-name=reply.eml"], bytes);
    match answer {
        Some(Ok(email)) => {
            assert!(email.attachments.len() <= MAX_ATTACHMENTS);
            assert!(chrono::DateTime::from_timestamp(email.sent, 0).is_some());
        }
        Some(Err(message)) => assert!(message.starts_with("reply.eml"), "{message}"),
        None => {}
    }
}

/// A copy of `seed` with some bytes changed, some removed, and perhaps cut short.
fn mutated(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = seed.len();
    (
        prop::collection::vec((0..len, any::<u8>()), 0..16),
        prop::collection::vec(0..len, 0..4),
        prop::option::of(0..len),
    )
        .prop_map(move |(changes, removals, cut)| {
            let mut bytes = seed.clone();
            for (at, byte) in changes {
                bytes[at] = byte;
            }
            for at in removals {
                if at < bytes.len() {
                    bytes.remove(at);
                }
            }
            if let Some(cut) = cut.filter(|c| *c < bytes.len()) {
                bytes.truncate(cut);
            }
            bytes
        })
}

/// XML with some characters changed before it is packed: the zip stays valid, so the
/// mutation reaches the spreadsheet reader rather than the zip's checksum.
fn mutated_text(seed: &'static str) -> impl Strategy<Value = String> {
    let len = seed.len();
    prop::collection::vec(
        (
            0..len,
            prop::sample::select(vec!['<', '>', '"', '9', '0', '-', '&', ' ', 'x', '/']),
        ),
        0..8,
    )
    .prop_map(move |changes| {
        let mut bytes = seed.as_bytes().to_vec();
        for (at, c) in changes {
            bytes[at] = c as u8;
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

const SHARED: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>Quarter</t></si><si><t>Returned</t></si><si><t>2025 Q1</t></si></sst>"#;
const CELLS: &str = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>12</v></c></row>"#;
const ODS_ROWS: &str = r#"<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3" office:value-type="string"><text:p>Quarter</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="12"><text:p>12</text:p></table:table-cell></table:table-row>"#;

fn reply() -> Vec<u8> {
    support::home_office_reply("FOI 12345: your request")
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(
                    "Please find attached our response.".to_string(),
                ))
                .singlepart(Attachment::new("table.csv".to_string()).body(
                    b"quarter,returned\n2025Q4,14\n".to_vec(),
                    ContentType::parse("text/csv").unwrap(),
                ))
                .singlepart(Attachment::new("reply.pdf".to_string()).body(
                    b"%PDF-1.7\n%%EOF\n".to_vec(),
                    ContentType::parse("application/pdf").unwrap(),
                )),
        )
        .unwrap()
        .formatted()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_workbooks_are_read_or_refused(
        xlsx in mutated(hostile::small_xlsx()),
        xls in mutated(hostile::small_xls()),
        ods in mutated(hostile::small_ods()),
    ) {
        check_sheet("table.xlsx", &xlsx);
        check_sheet("table.xls", &xls);
        check_sheet("table.ods", &ods);
    }

    #[test]
    fn workbooks_with_mutated_xml_are_read_or_refused(
        shared in mutated_text(SHARED),
        cells in mutated_text(CELLS),
        rows in mutated_text(ODS_ROWS),
    ) {
        check_sheet("table.xlsx", &hostile::xlsx(&shared, &cells));
        check_sheet("table.ods", &hostile::ods(&rows));
    }

    #[test]
    fn declared_sizes_are_not_believed(unique in any::<u64>(), rows in any::<u32>(), repeat_rows in any::<u32>(), repeat_columns in any::<u16>()) {
        let shared = SHARED.replace(r#"uniqueCount="3""#, &format!(r#"uniqueCount="{unique}""#));
        check_sheet("table.xlsx", &hostile::xlsx(&shared, CELLS));
        check_sheet("table.xls", &hostile::xls(rows));
        let repeated = ODS_ROWS
            .replace(r#"number-rows-repeated="2""#, &format!(r#"number-rows-repeated="{repeat_rows}""#))
            .replace(r#"number-columns-repeated="3""#, &format!(r#"number-columns-repeated="{repeat_columns}""#));
        check_sheet("table.ods", &hostile::ods(&repeated));
    }

    #[test]
    fn mutated_csv_is_read_or_refused(csv in mutated(b"\xEF\xBB\xBFQuarter,Returned\n2025 Q1,\"1,256\"\n2025 Q2,<5\n".to_vec())) {
        check_sheet("table.csv", &csv);
    }

    #[test]
    fn mutated_emails_are_read_or_refused(eml in mutated(reply())) {
        check_email(&eml);
    }

    #[test]
    fn arbitrary_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_email(&bytes);
        check_sheet("table.xlsx", &bytes);
        check_sheet("table.xls", &bytes);
    }
}
