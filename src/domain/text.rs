//! What counts as text: the one rule every text input passes, whatever reaches it (a form,
//! JSON, a query string, a path, an upload's name, a file read in), and how a value is quoted
//! in a message or a log line.

/// Whether a text may run over several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A title, a name, a tag, an id: no control character at all.
    Line,
    /// A letter, details, a definition: line breaks and tabs too.
    Lines,
}

/// Unicode's explicit direction formatting characters (embeddings, overrides, isolates):
/// invisible, they make text display in another order than it is stored, so that a title or
/// a file name can show something other than what it says (CVE-2021-42574, "Trojan Source").
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one rule every text input passes, whatever reaches it (a form, JSON, a query string,
/// a path, an upload's name, a file read in): why `value` cannot be stored, if it cannot. No
/// control character (NUL above all, which PostgreSQL refuses), except line breaks and tabs
/// where the text may have several lines; no direction override or isolate. The message names
/// the character by its code point, never echoes the text.
pub fn text_problem(value: &str, shape: Shape) -> Option<String> {
    value.chars().find_map(|c| {
        if let Some(problem) = control_problem(c, shape) {
            Some(problem)
        } else if is_direction_control(c) {
            Some(format!(
                "contains a direction override (U+{:04X}), which can make text show other than it reads",
                c as u32
            ))
        } else {
            None
        }
    })
}

/// The first half of the rule alone: no control character (line breaks and tabs allowed in
/// text of several lines). Forms check it on every field before any use case runs, as nothing
/// typed in a browser holds one; the use case then checks its fields whole, and shows a
/// direction override beside the field it is in.
pub fn control_characters(value: &str, shape: Shape) -> Option<String> {
    value.chars().find_map(|c| control_problem(c, shape))
}

fn control_problem(c: char, shape: Shape) -> Option<String> {
    if !c.is_control() || (shape == Shape::Lines && matches!(c, '\n' | '\r' | '\t')) {
        return None;
    }
    Some(match c {
        '\n' | '\r' => "must be on one line".to_string(),
        _ => format!(
            "contains a control character (U+{:04X}), which is not text",
            c as u32
        ),
    })
}

/// `value` quoted for a message or a log line: control characters (a newline above all, which
/// would start a line of its own), direction overrides and quotes escaped, at most `max`
/// characters.
pub fn quoted(value: &str, max: usize) -> String {
    let mut escaped: String = value.chars().take(max).flat_map(char::escape_debug).collect();
    if value.chars().count() > max {
        escaped.push('…');
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        assert_eq!(text_problem("Détention: 2026 Q1", Shape::Line), None);
        assert_eq!(text_problem("one\ntwo\tthree\r\n", Shape::Lines), None);
        assert!(text_problem("one\ntwo", Shape::Line)
            .unwrap()
            .contains("one line"));
        assert!(text_problem("a\u{0}b", Shape::Lines).unwrap().contains("U+0000"));
        assert!(text_problem("a\u{85}b", Shape::Lines).unwrap().contains("U+0085"));
        assert!(text_problem("invoice\u{202E}fdp.exe", Shape::Line)
            .unwrap()
            .contains("U+202E"));
        assert!(text_problem("\u{2066}x\u{2069}", Shape::Lines)
            .unwrap()
            .contains("U+2066"));
        // Arabic and Hebrew text needs no override: the letters carry their direction.
        assert_eq!(text_problem("طلب معلومات · בקשה", Shape::Line), None);
    }

    #[test]
    fn a_quoted_value_cannot_start_a_line_of_its_own() {
        let forged = "x\n2026-06-01T00:00:00Z  INFO admin signed in\r\u{202E}\u{0}";
        let quoted = quoted(forged, 1000);
        assert!(!quoted.contains(['\n', '\r', '\u{202E}', '\u{0}']), "{quoted}");
        assert!(quoted.contains("\\n2026"), "{quoted}");
        assert_eq!(super::quoted("abcdef", 3), "abc…");
    }
}
