//! Reading a released table, as the import's preview and import each do: a 10,000-row sheet of
//! six columns as XLSX and as CSV, and a hostile XLSX of two cells at A1 and XFD1048576, which
//! must be refused at once rather than expanded to its 17-billion-cell span. See BENCHMARKS.md.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use foi_tracker::domain::spreadsheet::read;

const ROWS: u32 = 10_000;

fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Table 1").unwrap();
    for (column, heading) in ["Quarter", "Nationality", "Sex", "Age", "Referred", "Detained"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *heading).unwrap();
    }
    for row in 1..=ROWS {
        sheet
            .write_string(row, 0, format!("{} Q{}", 2016 + row % 10, 1 + row % 4))
            .unwrap();
        sheet
            .write_string(row, 1, format!("Nationality {}", row % 40))
            .unwrap();
        sheet
            .write_string(row, 2, if row % 2 == 0 { "Female" } else { "Male" })
            .unwrap();
        sheet.write_string(row, 3, "18-24").unwrap();
        sheet.write_number(row, 4, f64::from(row % 997)).unwrap();
        if row % 13 == 0 {
            sheet.write_string(row, 5, "<5").unwrap();
        } else {
            sheet.write_number(row, 5, f64::from(row % 89)).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn csv() -> Vec<u8> {
    let mut text = String::from("Quarter,Nationality,Sex,Age,Referred,Detained\n");
    for row in 1..=ROWS {
        let detained = if row % 13 == 0 {
            "<5".to_string()
        } else {
            (row % 89).to_string()
        };
        let sex = if row % 2 == 0 { "Female" } else { "Male" };
        text.push_str(&format!(
            "{} Q{},Nationality {},{sex},18-24,\"{}\",{detained}\n",
            2016 + row % 10,
            1 + row % 4,
            row % 40,
            row % 997
        ));
    }
    text.into_bytes()
}

fn hostile() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Table 1").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    book.save_to_buffer().unwrap()
}

fn reading(c: &mut Criterion) {
    let mut group = c.benchmark_group("spreadsheet");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    let (xlsx, csv, hostile) = (xlsx(), csv(), hostile());
    group.bench_function("xlsx 10,000 rows x 6", |b| {
        b.iter(|| assert_eq!(read("t.xlsx", &xlsx, None).unwrap().rows.len(), ROWS as usize + 1))
    });
    group.bench_function("csv 10,000 rows x 6", |b| {
        b.iter(|| assert_eq!(read("t.csv", &csv, None).unwrap().rows.len(), ROWS as usize + 1))
    });
    group.bench_function("hostile xlsx A1 + XFD1048576", |b| {
        b.iter(|| assert!(read("t.xlsx", &hostile, None).is_err()))
    });
    group.finish();
}

criterion_group!(benches, reading);
criterion_main!(benches);
