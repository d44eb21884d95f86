//! What a person typed into the search box, as terms the database can be asked for: words,
//! "quoted phrases" and -excluded words. Each backend's own tokenizer splits a term into
//! words (so "safe-house" and "s.31" mean what its index made of them); this module only
//! decides which text is a term, and keeps every character that is syntax to a database
//! engine (quotes, `NEAR(`, `*`, `:`, `^`, parentheses) from ever reaching it as syntax.

use serde::Serialize;

/// The longest query read: a question, not a document.
pub const MAX_QUERY_CHARS: usize = 300;
/// The most terms one query may hold.
pub const MAX_TERMS: usize = 20;

/// One word or phrase, as typed, with nothing in it that a query language reads as syntax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term(String);

impl Term {
    pub fn text(&self) -> &str {
        &self.0
    }
}

/// A query: every included term must be found, no excluded one may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    pub include: Vec<Term>,
    pub exclude: Vec<Term>,
}

impl Query {
    /// The included terms' words, lower case, for pointing at the place a hit is (which cell of
    /// a sheet): a rough match is enough there, the index already chose the hit.
    pub fn words(&self) -> Vec<String> {
        self.include
            .iter()
            .flat_map(|t| t.0.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    /// The query as SQLite's FTS5 reads it: each term a quoted string, which FTS5 splits with
    /// the index's own tokenizer and never reads as an operator.
    pub fn fts5(&self) -> String {
        let quoted = |t: &Term| format!("\"{}\"", t.0);
        let include: Vec<String> = self.include.iter().map(quoted).collect();
        let mut text = format!("({})", include.join(" "));
        for term in &self.exclude {
            text.push_str(" NOT ");
            text.push_str(&quoted(term));
        }
        text
    }

    /// The query as PostgreSQL's `websearch_to_tsquery` reads it: each term quoted (so that
    /// "or" is a word, not an operator), an excluded one after a minus.
    pub fn websearch(&self) -> String {
        let include = self.include.iter().map(|t| format!("\"{}\"", t.0));
        let exclude = self.exclude.iter().map(|t| format!("-\"{}\"", t.0));
        include.chain(exclude).collect::<Vec<_>>().join(" ")
    }
}

/// Reads a query: words, "phrases in quotes" (an unclosed quote runs to the end) and -words
/// or -"phrases" to leave out. Characters that are neither letters nor digits stay inside a
/// term, where the index's tokenizer treats them as it treated the documents' text, except
/// the quote, which only delimits. A term with no letter or digit (`*`, `-`, `NEAR(` keeps
/// "NEAR") is dropped. Errors are for the person, about the field `q`.
pub fn parse(text: &str) -> Result<Query, String> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(format!(
            "A search may be at most {MAX_QUERY_CHARS} characters long"
        ));
    }
    let mut query = Query {
        include: Vec::new(),
        exclude: Vec::new(),
    };
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let excluded = first == '-';
        if excluded {
            chars.next();
        }
        let mut term = String::new();
        if chars.next_if_eq(&'"').is_some() {
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                term.push(if c.is_whitespace() || c.is_control() {
                    ' '
                } else {
                    c
                });
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c != '"' && !c.is_control() {
                    term.push(c);
                }
            }
        }
        let term = term.split_whitespace().collect::<Vec<_>>().join(" ");
        if !term.chars().any(char::is_alphanumeric) {
            continue;
        }
        match excluded {
            true => query.exclude.push(Term(term)),
            false => query.include.push(Term(term)),
        }
    }
    if query.include.len() + query.exclude.len() > MAX_TERMS {
        return Err(format!("A search may have at most {MAX_TERMS} words and phrases"));
    }
    if query.include.is_empty() {
        return Err(match query.exclude.is_empty() {
            true => "Type a word or a \"phrase in quotes\" to look for".to_string(),
            false => "Say what to look for as well as what to leave out: -word only leaves out".to_string(),
        });
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(q: &Query) -> (Vec<&str>, Vec<&str>) {
        (
            q.include.iter().map(Term::text).collect(),
            q.exclude.iter().map(Term::text).collect(),
        )
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = parse(r#"detention "safe house" -Albania -"re-trafficked victims" s.31"#).unwrap();
        assert_eq!(
            terms(&q),
            (
                vec!["detention", "safe house", "s.31"],
                vec!["Albania", "re-trafficked victims"]
            )
        );
        assert_eq!(
            q.fts5(),
            r#"("detention" "safe house" "s.31") NOT "Albania" NOT "re-trafficked victims""#
        );
        assert_eq!(
            q.websearch(),
            r#""detention" "safe house" "s.31" -"Albania" -"re-trafficked victims""#
        );
    }

    #[test]
    fn query_syntax_is_only_ever_text() {
        // Each of these is an error or worse in FTS5's own syntax.
        let q = parse(r#"NEAR( "unclosed phrase"#).unwrap();
        assert_eq!(terms(&q), (vec!["NEAR(", "unclosed phrase"], vec![]));
        assert_eq!(q.fts5(), r#"("NEAR(" "unclosed phrase")"#);
        let q = parse(r#"title:refusal a*b ^start (x) OR y"#).unwrap();
        assert_eq!(
            terms(&q).0,
            vec!["title:refusal", "a*b", "^start", "(x)", "OR", "y"]
        );
        assert!(!q.fts5().contains("\"\""), "no empty phrase");
        let q = parse(r#"ab"cd"#).unwrap();
        assert_eq!(terms(&q).0, vec!["abcd"], "a quote inside a word only delimits");
        for only_syntax in ["*", "-", "\"\"", "- -", ":", "( )", "   "] {
            assert!(parse(only_syntax).is_err(), "{only_syntax:?}");
        }
        assert!(parse("-Albania").unwrap_err().contains("leave out"));
        assert!(parse(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        assert!(parse(&"w ".repeat(MAX_TERMS + 1)).is_err());
        assert_eq!(parse("\u{0}tab\tword").unwrap().include.len(), 2);
    }

    #[test]
    fn words_for_pointing_at_a_cell() {
        let q = parse(r#"Albania "Safe-house places" -Kosovo"#).unwrap();
        assert_eq!(q.words(), vec!["albania", "safe", "house", "places"]);
    }
}
