//! The workspace's conventions as tests (they run in `cargo test --workspace`): each walks the
//! source tree or the Cargo.toml files and fails naming every file that breaks its rule.
//!
//! - every `.rs` file opens with a `//!` line saying what it handles;
//! - each engine crate (crates/engine/*) exposes exactly one public `…Plugin`;
//! - `anyhow` appears only in the root package's and xtask's dependency tables (libraries,
//!   their tests included, return and expect `thiserror` errors);
//! - every dependency, internal or external, is declared once in the root
//!   `[workspace.dependencies]`, and members use it as `name.workspace = true` (adding features
//!   at most); every entry there is used;
//! - ARCHITECTURE.md's code map lists each crate once, and its engine dependency table matches
//!   the engine crates' Cargo.toml files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace root")
        .to_owned()
}

/// Folders the walk never enters: build outputs and anything hidden (.git, .cargo, venvs).
fn skipped(name: &str) -> bool {
    name.starts_with('.') || ["target", "out", "node_modules", "shared"].contains(&name)
}

/// Every file under `dir` whose name ends with `suffix`, sorted.
fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
        for entry in entries {
            let entry = entry.expect("directory entry");
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() && !skipped(&name) {
                pending.push(path);
            } else if kind.is_file() && name.ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Fails with one line per violation.
fn report(rule: &str, violations: &[String]) {
    assert!(
        violations.is_empty(),
        "{} violation(s) of the rule \"{rule}\":\n  {}",
        violations.len(),
        violations.join("\n  ")
    );
}

/// One `key = value` entry of a Cargo.toml table (a value may span lines: arrays, tables).
#[derive(Debug)]
struct Entry {
    key: String,
    value: String,
    line: usize,
}

/// A Cargo.toml as its tables in order: `(header, entries)`; entries before any header sit
/// under the header "".
fn toml_tables(text: &str) -> Vec<(String, Vec<Entry>)> {
    let mut tables = vec![(String::new(), Vec::new())];
    let mut open: Option<Entry> = None;
    let mut depth = 0i32;
    for (index, raw) in text.lines().enumerate() {
        let line = strip_comment(raw).trim();
        if let Some(entry) = open.as_mut() {
            entry.value.push(' ');
            entry.value.push_str(line);
            depth += bracket_balance(line);
            if depth <= 0 {
                let entry = open.take().expect("open entry");
                tables.last_mut().expect("a table").1.push(entry);
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            tables.push((header.trim().to_owned(), Vec::new()));
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let entry = Entry {
            key: key.trim().trim_matches('"').to_owned(),
            value: value.trim().to_owned(),
            line: index + 1,
        };
        depth = bracket_balance(&entry.value);
        if depth > 0 {
            open = Some(entry);
        } else {
            tables.last_mut().expect("a table").1.push(entry);
        }
    }
    tables
}

/// The line without a `#` comment (outside strings).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..at],
            _ => {}
        }
    }
    line
}

/// Opening minus closing brackets and braces.
fn bracket_balance(text: &str) -> i32 {
    text.chars()
        .map(|c| match c {
            '[' | '{' => 1,
            ']' | '}' => -1,
            _ => 0,
        })
        .sum()
}

/// Whether a table header names a dependency table (`dependencies`, `dev-dependencies`,
/// `build-dependencies`, `target.'cfg(…)'.dependencies`, …).
fn is_dependency_table(header: &str) -> bool {
    header
        .rsplit('.')
        .next()
        .is_some_and(|last| last.ends_with("dependencies"))
        && header != "workspace.dependencies"
}

/// A dependency entry's crate name (`foo.workspace` → `foo`).
fn dependency_name(key: &str) -> &str {
    key.split('.').next().unwrap_or(key).trim_matches('"')
}

/// A workspace member: its folder, manifest text and package name.
struct Member {
    dir: PathBuf,
    manifest: PathBuf,
    name: String,
    tables: Vec<(String, Vec<Entry>)>,
}

impl Member {
    fn table(&self, header: &str) -> impl Iterator<Item = &Entry> {
        self.tables
            .iter()
            .filter(move |(name, _)| name == header)
            .flat_map(|(_, entries)| entries)
    }

    fn dependency_entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.tables
            .iter()
            .filter(|(header, _)| is_dependency_table(header))
            .flat_map(|(header, entries)| entries.iter().map(move |e| (header.as_str(), e)))
    }
}

/// The root package and every member the root's `members` globs (`dir/*` or `dir`) name.
fn members(root: &Path) -> Vec<Member> {
    let root_tables = toml_tables(&read(&root.join("Cargo.toml")));
    let globs = root_tables
        .iter()
        .filter(|(header, _)| header == "workspace")
        .flat_map(|(_, entries)| entries)
        .find(|entry| entry.key == "members")
        .expect("the root Cargo.toml lists workspace members")
        .value
        .clone();
    let mut dirs = vec![root.to_owned()];
    for glob in globs
        .trim_matches(['[', ']'])
        .split(',')
        .map(|g| g.trim().trim_matches('"'))
        .filter(|g| !g.is_empty())
    {
        match glob.strip_suffix("/*") {
            Some(parent) => {
                let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(parent))
                    .unwrap_or_else(|error| panic!("cannot list {parent}: {error}"))
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .filter(|dir| dir.join("Cargo.toml").is_file())
                    .collect();
                found.sort();
                dirs.extend(found);
            }
            None => dirs.push(root.join(glob)),
        }
    }
    dirs.into_iter()
        .map(|dir| {
            let manifest = dir.join("Cargo.toml");
            let tables = toml_tables(&read(&manifest));
            let name = tables
                .iter()
                .filter(|(header, _)| header == "package")
                .flat_map(|(_, entries)| entries)
                .find(|entry| entry.key == "name")
                .map(|entry| entry.value.trim_matches('"').to_owned())
                .unwrap_or_else(|| panic!("{} has no package name", manifest.display()));
            Member {
                dir,
                manifest,
                name,
                tables,
            }
        })
        .collect()
}

#[test]
fn every_source_file_opens_with_a_module_comment() {
    let root = workspace_root();
    let violations: Vec<String> = files_ending(&root, ".rs")
        .into_iter()
        .filter(|path| !read(path).starts_with("//!"))
        .map(|path| {
            format!(
                "{}: the first line is not a `//!` comment",
                relative(&root, &path)
            )
        })
        .collect();
    report(
        "every .rs file opens with a `//!` line saying what it handles",
        &violations,
    );
}

/// Names ending in `Plugin` that a crate's lib.rs makes public: `pub struct`/`pub enum` in
/// lib.rs or in a `pub mod`, and `pub use` re-exports.
fn public_plugins(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut files = vec![src.join("lib.rs")];
    while let Some(file) = files.pop() {
        let text = read(&file);
        let at = relative(src, &file);
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("pub mod ") {
                let name = rest.trim_end_matches([';', ' ', '{']);
                let dir = file.parent().expect("a folder");
                // Modules of lib.rs / mod.rs sit beside it; others in the folder named after them.
                let base = if file.ends_with("lib.rs") || file.ends_with("mod.rs") {
                    dir.to_owned()
                } else {
                    dir.join(file.file_stem().expect("a stem"))
                };
                let candidates = [
                    base.join(format!("{name}.rs")),
                    base.join(name).join("mod.rs"),
                ];
                files.extend(candidates.into_iter().filter(|path| path.is_file()));
            }
            for prefix in ["pub struct ", "pub enum "] {
                if let Some(rest) = line.strip_prefix(prefix) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if name.ends_with("Plugin") {
                        found.insert(name, at.clone());
                    }
                }
            }
        }
        // `pub use` statements may span lines: take each up to its `;`.
        let mut rest = text.as_str();
        while let Some(start) = rest.find("pub use ") {
            let statement = &rest[start..];
            let end = statement.find(';').unwrap_or(statement.len());
            for name in statement[..end]
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|word| word.ends_with("Plugin") && word.len() > "Plugin".len())
            {
                found.insert(name.to_owned(), format!("{at} (pub use)"));
            }
            rest = &statement[end..];
        }
    }
    found
}

#[test]
fn each_engine_crate_exposes_one_plugin() {
    let root = workspace_root();
    let mut violations = Vec::new();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates/engine"))
        .expect("crates/engine")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .collect();
    crates.sort();
    assert!(!crates.is_empty(), "no engine crates found");
    for dir in crates {
        let plugins = public_plugins(&dir.join("src"));
        if plugins.len() != 1 {
            let listed: Vec<String> = plugins
                .iter()
                .map(|(name, file)| format!("{name} in {file}"))
                .collect();
            violations.push(format!(
                "{}: {} public plugins ({})",
                relative(&root, &dir.join("src/lib.rs")),
                plugins.len(),
                listed.join(", ")
            ));
        }
    }
    report(
        "each engine crate exposes exactly one public …Plugin",
        &violations,
    );
}

#[test]
fn anyhow_only_in_the_binary_and_xtask() {
    let root = workspace_root();
    let mut violations = Vec::new();
    for member in members(&root) {
        if member.name == "neuraxis" || member.name == "xtask" {
            continue;
        }
        for (header, entry) in member.dependency_entries() {
            if dependency_name(&entry.key) == "anyhow" {
                violations.push(format!(
                    "{}:{}: [{header}] names anyhow; a library returns thiserror errors",
                    relative(&root, &member.manifest),
                    entry.line
                ));
            }
        }
    }
    report(
        "anyhow only in the root package (the binary) and xtask, dev-dependencies included",
        &violations,
    );
}

#[test]
fn dependencies_are_declared_once_in_the_workspace() {
    let root = workspace_root();
    let root_manifest = root.join("Cargo.toml");
    let root_tables = toml_tables(&read(&root_manifest));
    let mut declared = BTreeMap::new();
    let mut violations = Vec::new();
    for entry in root_tables
        .iter()
        .filter(|(header, _)| header == "workspace.dependencies")
        .flat_map(|(_, entries)| entries)
    {
        let name = dependency_name(&entry.key).to_owned();
        if declared.insert(name.clone(), entry.line).is_some() {
            violations.push(format!(
                "Cargo.toml:{}: {name} is declared twice in [workspace.dependencies]",
                entry.line
            ));
        }
    }
    let members = members(&root);
    let mut used = BTreeSet::new();
    for member in &members {
        let manifest = relative(&root, &member.manifest);
        let is_library = member.dir != root && member.dir.join("src/lib.rs").is_file();
        if is_library && !declared.contains_key(&member.name) {
            violations.push(format!(
                "{manifest}: the crate {} is not in the root [workspace.dependencies]",
                member.name
            ));
        }
        for (header, entry) in member.dependency_entries() {
            let name = dependency_name(&entry.key);
            used.insert(name.to_owned());
            let inherited = (entry.key.ends_with(".workspace") && entry.value == "true")
                || (entry.value.starts_with('{')
                    && entry.value.replace(' ', "").contains("workspace=true"));
            if !inherited {
                violations.push(format!(
                    "{manifest}:{}: [{header}] {name} must be `{name}.workspace = true` (declare it in the root [workspace.dependencies])",
                    entry.line
                ));
            }
            for key in ["version", "path", "git", "default-features"] {
                if entry.value.replace(' ', "").contains(&format!("{key}=")) {
                    violations.push(format!(
                        "{manifest}:{}: [{header}] {name} sets `{key}`; only the root [workspace.dependencies] may",
                        entry.line
                    ));
                }
            }
        }
        for header in member.tables.iter().map(|(header, _)| header) {
            let mut parts = header.rsplitn(2, '.');
            let (last, parent) = (parts.next(), parts.next());
            if let (Some(name), Some(parent)) = (last, parent)
                && is_dependency_table(parent)
            {
                violations.push(format!(
                    "{manifest}: [{header}]: write `{name}.workspace = true` under [{parent}] instead"
                ));
            }
        }
    }
    for (name, line) in &declared {
        if !used.contains(name) {
            violations.push(format!(
                "Cargo.toml:{line}: {name} is in [workspace.dependencies] but no member uses it"
            ));
        }
    }
    report(
        "every dependency is declared once in the root [workspace.dependencies] and used with `.workspace = true`",
        &violations,
    );
}

/// The code map's rows: `(path, line)` from the table under `## Code map`.
fn code_map_rows(architecture: &str) -> Vec<(String, usize)> {
    architecture
        .lines()
        .enumerate()
        .skip_while(|(_, line)| !line.starts_with("## Code map"))
        .skip(1)
        .take_while(|(_, line)| !line.starts_with('#'))
        .filter_map(|(index, line)| {
            let path = line.strip_prefix("| `")?.split('`').next()?;
            Some((path.trim_end_matches('/').to_owned(), index + 1))
        })
        .collect()
}

#[test]
fn the_code_map_lists_each_crate_once() {
    let root = workspace_root();
    let architecture = read(&root.join("ARCHITECTURE.md"));
    let rows = code_map_rows(&architecture);
    let mut violations = Vec::new();
    let mut seen = BTreeMap::new();
    for (path, line) in &rows {
        if let Some(first) = seen.insert(path.clone(), *line) {
            violations.push(format!(
                "ARCHITECTURE.md:{line}: `{path}` is listed again (first at line {first})"
            ));
        }
    }
    for member in members(&root) {
        let path = if member.dir == root {
            "src".to_owned()
        } else {
            relative(&root, &member.dir)
        };
        if !seen.contains_key(&path) {
            violations.push(format!(
                "ARCHITECTURE.md: the code map has no row for `{path}` (crate {})",
                member.name
            ));
        }
    }
    report(
        "ARCHITECTURE.md's code map lists each crate once",
        &violations,
    );
}

/// The engine dependency table under `### Engine crates' dependency order`: crate → the engine
/// crates it depends on.
fn documented_engine_order(architecture: &str) -> BTreeMap<String, BTreeSet<String>> {
    architecture
        .lines()
        .skip_while(|line| !line.starts_with("### Engine crates' dependency order"))
        .skip(1)
        .take_while(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut cells = line.trim().strip_prefix('|')?.split('|');
            let krate = cells.next()?.trim().trim_matches('`');
            let uses = cells.next()?;
            if krate.is_empty() || krate.starts_with('-') || krate == "engine crate" {
                return None;
            }
            let uses = uses
                .split(',')
                .map(|name| name.trim().trim_matches('`').to_owned())
                .filter(|name| !name.is_empty() && name != "—")
                .collect();
            Some((krate.to_owned(), uses))
        })
        .collect()
}

#[test]
fn the_engine_dependency_order_matches_the_manifests() {
    let root = workspace_root();
    let members = members(&root);
    let engine: BTreeSet<&str> = members
        .iter()
        .filter(|member| member.dir.starts_with(root.join("crates/engine")))
        .map(|member| member.name.as_str())
        .collect();
    let actual: BTreeMap<String, BTreeSet<String>> = members
        .iter()
        .filter(|member| engine.contains(member.name.as_str()))
        .map(|member| {
            let uses = member
                .table("dependencies")
                .map(|entry| dependency_name(&entry.key))
                .filter(|name| engine.contains(name))
                .map(str::to_owned)
                .collect();
            (member.name.clone(), uses)
        })
        .collect();
    let documented = documented_engine_order(&read(&root.join("ARCHITECTURE.md")));
    let mut violations = Vec::new();
    for (krate, uses) in &actual {
        match documented.get(krate) {
            None => violations.push(format!(
                "ARCHITECTURE.md: the engine dependency table has no row for {krate}"
            )),
            Some(listed) if listed != uses => violations.push(format!(
                "ARCHITECTURE.md: the engine dependency table says {krate} depends on {listed:?}; crates/engine/{krate}/Cargo.toml says {uses:?}"
            )),
            Some(_) => {}
        }
    }
    for krate in documented.keys().filter(|k| !actual.contains_key(*k)) {
        violations.push(format!(
            "ARCHITECTURE.md: the engine dependency table names {krate}, which is no engine crate"
        ));
    }
    report(
        "ARCHITECTURE.md's engine dependency table matches the engine crates' [dependencies]",
        &violations,
    );
}

#[test]
fn the_toml_reader_sees_tables_and_multi_line_values() {
    let tables = toml_tables(
        "[package]\nname = \"x\" # a comment\n\n[dependencies]\nbevy = { version = \"1\", features = [\n  \"a\",\n] }\nglam.workspace = true\n[dependencies.serde]\nworkspace = true\n",
    );
    let headers: Vec<&str> = tables.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        headers,
        ["", "package", "dependencies", "dependencies.serde"]
    );
    assert_eq!(tables[1].1[0].value, "\"x\"");
    let keys: Vec<&str> = tables[2].1.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["bevy", "glam.workspace"]);
    assert_eq!(tables[2].1[1].line, 8);
    assert!(is_dependency_table("dev-dependencies"));
    assert!(is_dependency_table("target.'cfg(unix)'.dependencies"));
    assert!(!is_dependency_table("workspace.dependencies"));
    assert!(!is_dependency_table("dependencies.serde"));
}
