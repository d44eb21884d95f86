//! Imports point down only (ARCHITECTURE.md): domain ← db ← tracker ← jobs ← web and cli,
//! with `mail`, `config` and the small leaf modules beside db. This reads every source file,
//! resolves each path that leaves its own module (`crate::x::…`, `use crate::{x, y}`,
//! `super::super::x`) to the top-level module it reaches, and fails on any that the table
//! below does not allow. It reads the sources as text rather than linking the crate, so it
//! costs nothing to build.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The modules that may know HTTP: the rest compile without the web framework.
const KNOWS_HTTP: &[&str] = &["web", "startup", "cli"];

/// The top-level modules from the bottom up. A module may name only those in layers below
/// its own; a module missing here fails the test, so a new one has to be given a place.
const LAYERS: &[&[&str]] = &[
    // Import nothing of the app.
    &["domain", "config", "clock", "sandbox", "metrics"],
    // Storage, and what sits beside it.
    &["db", "templates", "telemetry"],
    &["error", "imap", "mail", "sealing", "alaveteli"],
    // The use cases.
    &["tracker"],
    &["jobs"],
    &["web"],
    &["startup"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

/// Splits Rust source into the few tokens that paths are made of. Comments, string, byte
/// string, raw string and character literals vanish, so a path quoted in a doc comment or a
/// message is never taken for an import.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_quoted(&chars, i);
            out.push(Token::Other);
        } else if c == '\'' {
            // A character literal closes within a few characters; a lifetime does not.
            let close = match next {
                Some('\\') => chars
                    .get(i + 3..)
                    .and_then(|rest| rest.iter().position(|&c| c == '\''))
                    .map(|p| i + 3 + p),
                Some(_) if chars.get(i + 2) == Some(&'\'') => Some(i + 2),
                _ => None,
            };
            match close {
                Some(end) => {
                    i = end + 1;
                    out.push(Token::Other);
                }
                None => i += 1,
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
            let raw_string = matches!(word.as_str(), "r" | "br") && chars.get(i + hashes) == Some(&'"');
            if raw_string {
                i = skip_raw(&chars, i);
                out.push(Token::Other);
            } else if matches!(word.as_str(), "b") && chars.get(i) == Some(&'"') {
                i = skip_quoted(&chars, i);
                out.push(Token::Other);
            } else {
                out.push(Token::Ident(word));
            }
        } else if c == ':' && next == Some(':') {
            out.push(Token::PathSep);
            i += 2;
        } else {
            out.push(match c {
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                _ => Token::Other,
            });
            i += 1;
        }
    }
    out
}

/// From the opening quote, past the closing one, minding escapes.
fn skip_quoted(chars: &[char], mut i: usize) -> usize {
    i += 1;
    while i < chars.len() && chars[i] != '"' {
        if chars[i] == '\\' {
            i += 1;
        }
        i += 1;
    }
    i + 1
}

/// From the first `#` or quote after `r`, past the quote and as many hashes.
fn skip_raw(chars: &[char], mut i: usize) -> usize {
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    i += 1;
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// The module path of a file under `src/`: `db/accounts.rs` is `[db, accounts]`, `db/mod.rs`
/// is `[db]`, `lib.rs` is the crate root.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The top-level modules that a file's paths reach, other than through its own.
fn reached(module: &[String], source: &str) -> BTreeSet<String> {
    let tokens = tokens(source);
    let mut found = BTreeSet::new();
    // Inline `mod name { … }` blocks deepen the module path for `super`.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Open => depth += 1,
            Token::Close => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, at)| *at == depth) {
                    inline.pop();
                }
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some(Token::Ident(name)), Some(Token::Open)) = (tokens.get(i + 1), tokens.get(i + 2))
                {
                    inline.push((name.clone(), depth));
                }
            }
            Token::Ident(word) if word == "crate" || word == "super" => {
                let preceded_by_path = i > 0 && tokens[i - 1] == Token::PathSep;
                if !preceded_by_path {
                    let mut here: Vec<String> = module.to_vec();
                    here.extend(inline.iter().map(|(name, _)| name.clone()));
                    let (base, next) = climb(&tokens, i, here);
                    match base.first() {
                        Some(top) => {
                            found.insert(top.clone());
                        }
                        None => found.extend(first_segments(&tokens, next)),
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(own) = module.first() {
        found.remove(own);
    }
    found.remove("self");
    found.remove("super");
    found
}

/// The first name of the web framework (`actix_web`, `actix_rt`, …) in a file, if any.
fn http_framework(source: &str) -> Option<String> {
    tokens(source).into_iter().find_map(|token| match token {
        Token::Ident(word) if word.starts_with("actix") => Some(word),
        _ => None,
    })
}

/// Walks `crate::` or a chain of `super::` from token `i`, returning the module reached and
/// the index of the token after the last `::`.
fn climb(tokens: &[Token], mut i: usize, mut here: Vec<String>) -> (Vec<String>, usize) {
    loop {
        match &tokens[i] {
            Token::Ident(word) if word == "crate" => here.clear(),
            Token::Ident(word) if word == "super" => {
                here.pop();
            }
            _ => return (here, i),
        }
        if tokens.get(i + 1) != Some(&Token::PathSep) {
            return (here, i + 1);
        }
        i += 2;
    }
}

/// At the crate root, the first segment of the path at `i`, or of each path in a
/// `{a, b::c, d::{e}}` group.
fn first_segments(tokens: &[Token], i: usize) -> Vec<String> {
    match tokens.get(i) {
        Some(Token::Ident(word)) => vec![word.clone()],
        Some(Token::Open) => {
            let mut out = Vec::new();
            let mut depth = 0;
            let mut expecting = true;
            for token in &tokens[i..] {
                match token {
                    Token::Open => depth += 1,
                    Token::Close => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Token::Comma if depth == 1 => expecting = true,
                    Token::Ident(word) if depth == 1 && expecting => {
                        out.push(word.clone());
                        expecting = false;
                    }
                    _ => {}
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("reading {}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Every import in the tree under `root` that runs against the table, as
/// `file: module → module`.
fn violations(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    sources(root, &mut files);
    let mut out = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).expect("under the root");
        let module = module_path(relative);
        let Some(top) = module.first() else {
            continue;
        };
        let source = std::fs::read_to_string(&file).expect("a readable source file");
        for target in reached(&module, &source) {
            let permitted = matches!((layer(top), layer(&target)), (Some(own), Some(other)) if other < own);
            if !permitted {
                out.push(format!("{}: {top} → {target}", relative.display()));
            }
        }
        if !KNOWS_HTTP.contains(&top.as_str()) {
            if let Some(framework) = http_framework(&source) {
                out.push(format!("{}: {top} → {framework}", relative.display()));
            }
        }
    }
    out
}

#[test]
fn imports_point_down_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "imports that run up the layers:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_place_in_the_layers() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs");
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    assert!(declared.contains(&"domain") && declared.contains(&"web"));
    for module in declared {
        assert!(
            layer(module).is_some(),
            "src/{module} is in lib.rs but not in the layering table"
        );
    }
}

/// A copy of a few real files with violations planted in each form the check must see.
#[test]
fn a_planted_upward_import_is_reported() {
    let root = std::env::temp_dir().join(format!("foi-layering-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
        std::fs::write(path, text).expect("a written file");
    };
    write(
        "domain/clean.rs",
        "//! Mentions crate::web in a comment.\nuse super::text::Line;\n\
         const A: &str = \"crate::startup::AppState\";\nconst B: &str = r#\"crate::jobs\"#;\n\
         fn f<'a>(x: &'a str) -> char { let _ = crate::domain::text::x; 'c' }\n\
         #[cfg(test)]\nmod tests {\n    use super::super::regime::Regime;\n}\n",
    );
    write("db/inline.rs", "fn f() { crate::web::pages::render(); }\n");
    write(
        "error.rs",
        "impl actix_web::ResponseError for Error {}\n// actix_web in a comment is fine\n",
    );
    write(
        "tracker/grouped.rs",
        "use crate::{\n    db::Pool,\n    startup::AppState,\n};\n",
    );
    write("mail.rs", "use super::jobs::sweep;\n");
    write(
        "tracker/deep/mod.rs",
        "mod inner {\n    fn g() { super::super::super::web::x(); }\n}\n",
    );
    write("config.rs", "use crate::{clock::{now, today}};\n");
    write("newcomer.rs", "use crate::domain::Thing;\n");

    let found = violations(&root);
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(
        found,
        vec![
            "config.rs: config → clock",
            "db/inline.rs: db → web",
            "error.rs: error → actix_web",
            "mail.rs: mail → jobs",
            "newcomer.rs: newcomer → domain",
            "tracker/deep/mod.rs: tracker → web",
            "tracker/grouped.rs: tracker → startup",
        ]
    );
}
