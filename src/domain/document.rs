//! Which files a request's documents may be, and whether a file's content is what its name
//! says: an authority's reply is opened by coordinators and auditors, so an executable named
//! `.pdf` must never be stored as a PDF.

/// A kind of document people receive from authorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kind {
    extensions: &'static [&'static str],
    /// The type the document is served as.
    content_type: &'static str,
    /// What the content must be detected as; `None` for text formats, which have no magic
    /// number and must instead be text.
    detected: Option<&'static [&'static str]>,
    label: &'static str,
}

const OLE: &[&str] = &[
    "application/x-ole-storage",
    "application/msword",
    "application/vnd.ms-excel",
];

const KINDS: &[Kind] = &[
    Kind {
        extensions: &["pdf"],
        content_type: "application/pdf",
        detected: Some(&["application/pdf"]),
        label: "a PDF",
    },
    Kind {
        extensions: &["xlsx"],
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        detected: Some(&[
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/zip",
        ]),
        label: "an Excel spreadsheet",
    },
    Kind {
        extensions: &["xls"],
        content_type: "application/vnd.ms-excel",
        detected: Some(OLE),
        label: "an Excel 97-2003 spreadsheet",
    },
    Kind {
        extensions: &["docx"],
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        detected: Some(&[
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
        ]),
        label: "a Word document",
    },
    Kind {
        extensions: &["doc"],
        content_type: "application/msword",
        detected: Some(OLE),
        label: "a Word 97-2003 document",
    },
    Kind {
        extensions: &["odt"],
        content_type: "application/vnd.oasis.opendocument.text",
        detected: Some(&["application/vnd.oasis.opendocument.text", "application/zip"]),
        label: "an OpenDocument text",
    },
    Kind {
        extensions: &["ods"],
        content_type: "application/vnd.oasis.opendocument.spreadsheet",
        detected: Some(&[
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/zip",
        ]),
        label: "an OpenDocument spreadsheet",
    },
    Kind {
        extensions: &["png"],
        content_type: "image/png",
        detected: Some(&["image/png"]),
        label: "a PNG image",
    },
    Kind {
        extensions: &["jpg", "jpeg"],
        content_type: "image/jpeg",
        detected: Some(&["image/jpeg"]),
        label: "a JPEG image",
    },
    Kind {
        extensions: &["gif"],
        content_type: "image/gif",
        detected: Some(&["image/gif"]),
        label: "a GIF image",
    },
    Kind {
        extensions: &["tif", "tiff"],
        content_type: "image/tiff",
        detected: Some(&["image/tiff"]),
        label: "a TIFF image",
    },
    Kind {
        extensions: &["webp"],
        content_type: "image/webp",
        detected: Some(&["image/webp"]),
        label: "a WebP image",
    },
    Kind {
        extensions: &["csv"],
        content_type: "text/csv; charset=utf-8",
        detected: None,
        label: "a CSV file",
    },
    Kind {
        extensions: &["txt"],
        content_type: "text/plain; charset=utf-8",
        detected: None,
        label: "a text file",
    },
    Kind {
        extensions: &["eml"],
        content_type: "message/rfc822",
        detected: None,
        label: "an email",
    },
];

/// Every type a stored document is served as, without parameters: what a download may be.
pub fn served_types() -> Vec<&'static str> {
    KINDS
        .iter()
        .map(|k| k.content_type.split(';').next().unwrap_or(k.content_type))
        .collect()
}

/// The extensions accepted, for messages and the form's hint.
pub fn accepted() -> String {
    KINDS
        .iter()
        .flat_map(|k| k.extensions.iter().map(|e| format!(".{e}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The type to store and serve a file as, judged by its name and checked against its content;
/// or why it is refused, in words for the person uploading it.
pub fn content_type(file_name: &str, content: &[u8]) -> Result<&'static str, String> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = KINDS
        .iter()
        .find(|k| k.extensions.contains(&extension.as_str()))
        .ok_or_else(|| {
            format!(
                "{file_name} is not a kind of document foi-tracker keeps (it accepts {})",
                accepted()
            )
        })?;
    let found = infer::get(content).map(|t| t.mime_type());
    let is_program =
        |mime: &str| mime.contains("executable") || mime.contains("x-mach") || mime.contains("x-msdownload");
    let matches = match (kind.detected, found) {
        (Some(expected), Some(found)) => expected.contains(&found),
        (Some(_), None) => false,
        // An email may carry a PDF as text within its first kilobyte, which some signatures
        // look for, and 8-bit bodies in any charset: only NULs and programs give it away.
        (None, found) if kind.content_type == "message/rfc822" => {
            !content.contains(&0) && !found.is_some_and(is_program)
        }
        // Text has no signature: it must not be a binary format in disguise, nor hold NUL
        // bytes no text file has.
        (None, Some(_)) => false,
        (None, None) => !content.contains(&0) && std::str::from_utf8(content).is_ok(),
    };
    if matches {
        return Ok(kind.content_type);
    }
    let looks_like = match found {
        Some(mime) if is_program(mime) => " (it looks like a program)".to_string(),
        Some(mime) => format!(" (it looks like {mime})"),
        None => String::new(),
    };
    Err(format!(
        "The content of {file_name} is not {}{looks_like}",
        kind.label
    ))
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn names_and_contents_must_agree() {
        assert_eq!(content_type("reply.PDF", b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(
            content_type("figures.csv", b"quarter,count\n2025Q1,12\n"),
            Ok("text/csv; charset=utf-8")
        );
        // An ELF header, long enough to be recognised as one.
        let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
        elf.resize(64, 0);
        let elf = elf.as_slice();
        assert_eq!(
            content_type("reply.pdf", elf),
            Err("The content of reply.pdf is not a PDF (it looks like a program)".into())
        );
        assert!(content_type("figures.csv", elf).is_err());
        assert!(content_type("figures.csv", b"a,b\0c").is_err());
        // A short email with a PDF attached as text, and a Latin-1 body.
        let email = b"From: foi@example.gov.uk\r\nSubject: reply\r\n\r\nR\xe9ponse\r\n%PDF-1.4\r\n%%EOF\r\n";
        assert_eq!(content_type("reply.eml", email), Ok("message/rfc822"));
        assert!(content_type("reply.eml", elf).is_err());
        assert!(content_type("setup.exe", b"MZ")
            .unwrap_err()
            .starts_with("setup.exe is not a kind of document"));
        assert!(content_type("no-extension", b"%PDF-1.7").is_err());
    }
}
