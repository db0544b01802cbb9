//! Layers only point down (ARCHITECTURE.md): a module imports from its own
//! layer or from one below it, never from one above. A new upward import —
//! the start of a cycle — fails here with the file and the line.

use std::path::Path;

/// Each top-level module of src/ and its layer, top first. `engine` and
/// `error` are utilities every layer may use. `cli` holds the typed
/// arguments the commands read, so it sits just below them.
const LAYERS: &[(&str, u8)] = &[
    ("commands", 7),
    ("cli", 6),
    ("report", 5),
    ("render", 4),
    ("sample", 4),
    ("metrics", 3),
    ("journey", 2),
    ("input", 1),
    ("engine", 0),
    ("error", 0),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Each `prefix<name>` a file's lines name: (line number, name).
fn imports(text: &str, prefix: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (i, _) in line.match_indices(prefix) {
            let target: String = line[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((n + 1, target));
        }
    }
    out
}

/// Every .rs file below `dir` (sorted): its path from `dir`, the module
/// it belongs to there (its first folder, or the file without `.rs`) and
/// its text.
fn modules(dir: &Path) -> Vec<(std::path::PathBuf, String, String)> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    files.sort();
    files
        .iter()
        .map(|file| {
            let rel = file.strip_prefix(dir).unwrap().to_path_buf();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            (rel, module, std::fs::read_to_string(file).unwrap())
        })
        .collect()
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut upward = Vec::new();
    for (rel, own, text) in modules(&src) {
        let own = own.as_str();
        let Some(own_layer) = layer(own) else {
            continue; // main.rs and lib.rs sit above every layer
        };
        for (n, target) in imports(&text, "crate::") {
            match layer(&target) {
                Some(l) if l > own_layer => upward.push(format!(
                    "{}:{n}: {own} (layer {own_layer}) imports {target} (layer {l})",
                    rel.display(),
                )),
                Some(_) => {}
                None => upward.push(format!(
                    "{}:{n}: crate::{target} is not in a known layer; add it to LAYERS",
                    rel.display(),
                )),
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

/// input/'s own pipeline (ARCHITECTURE.md): format → shape → rows →
/// settle, each importing only from the ones before it; `config` is read
/// by all and `recognise` (init's guesses) may read any.
const INPUT_STAGES: &[(&str, u8)] = &[
    ("config", 0),
    ("format", 1),
    ("shape", 2),
    ("rows", 3),
    ("settle", 4),
    ("recognise", 5),
];

#[test]
fn input_stages_import_only_from_earlier_ones() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/input");
    let stage = |name: &str| {
        INPUT_STAGES
            .iter()
            .find(|(s, _)| *s == name)
            .map(|(_, n)| *n)
    };
    let mut later = Vec::new();
    for (rel, module, text) in modules(&input) {
        let Some(own) = stage(&module) else {
            continue; // input/mod.rs
        };
        for (n, target) in imports(&text, "crate::input::") {
            // config is read by every stage and reads the rules it
            // resolves names against (event types, missing markers).
            let from_config = own == 0;
            if stage(&target).is_some_and(|t| t > own) && !from_config {
                later.push(format!(
                    "input/{}:{n}: imports input::{target}, a later stage",
                    rel.display(),
                ));
            }
        }
    }
    assert!(
        later.is_empty(),
        "imports from a later stage:\n{}",
        later.join("\n")
    );
}
