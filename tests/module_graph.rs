//! The core's modules import one way: no module reaches, through `crate::`
//! paths, a module that reaches it back, and `error` (the taxonomy every other
//! module uses) reaches none. Read from the sources, tests included, so a cycle
//! cannot hide in a test module either.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules a source names through `crate::` (`crate::a::…`, or
/// each of `crate::{a, b::…}`).
fn named_modules(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut named = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The group's items at its own depth: `a`, `b::{c, d}`, …
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        named.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            named.insert(ident(rest));
        }
    }
    named.retain(|name| !name.is_empty() && name != "self");
    named
}

/// Module → the modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a file name");
        let module = Path::new(first.as_os_str())
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source");
        let mut named = named_modules(&text);
        named.remove(&module);
        // Exported macros (`$crate::with_error_cases!`) live at the crate root.
        named.retain(|name| src.join(format!("{name}.rs")).exists() || src.join(name).is_dir());
        graph.entry(module).or_default().extend(named);
    }
    graph
}

/// A cycle through `at`, as the path that closes it, if there is one.
fn find_cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    at: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(start) = path.iter().position(|m| m == at) {
        let mut cycle = path[start..].to_vec();
        cycle.push(at.to_owned());
        return Some(cycle);
    }
    if done.contains(at) {
        return None;
    }
    path.push(at.to_owned());
    for next in graph.get(at).into_iter().flatten() {
        if let Some(cycle) = find_cycle(graph, next, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(at.to_owned());
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = graph();
    assert!(graph.contains_key("chat") && graph.contains_key("error"));
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = find_cycle(&graph, module, &mut Vec::new(), &mut done) {
            panic!("an import circle in src: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn error_imports_nothing_from_the_crate() {
    assert_eq!(graph()["error"], BTreeSet::new());
}

#[test]
fn the_reader_sees_both_forms_of_use() {
    let named = named_modules("use crate::{api, chat::{self, X}};\nlet x = crate::http::y;");
    assert_eq!(named, ["api", "chat", "http"].map(String::from).into());
}
