//! The static site: one small page per lab.
//!
//! `index.html` and everything in `www/` (the stylesheet, the presets,
//! tours and docs pages) are copied into `dist/`; the page's loader reads
//! the route (`#/gossip…`) and starts that lab's own wasm. Each lab is the
//! web crate built by Trunk with only its cargo feature, into
//! `dist/<lab>/`, so a page (or an embed) downloads only its lab. The labs
//! are the registry's protocols.

use super::{root, run, tools};
use faultline_core::ProtocolName;
use std::path::Path;

/// The most a lab's wasm and JavaScript together may weigh, gzip -9
/// (issue 14), and the PBS page's: `cargo xtask test` reports every page
/// against it and fails above it.
pub const PAGE_BUDGET_BYTES: u64 = 300_000;

/// Builds the whole site into `dist/`: the entry page and `www/`, then
/// every lab into its own folder.
pub fn build() -> Result<(), String> {
    let dist = root().join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear dist/: {e}"))?;
    }
    copy_dir(&root().join("www"), &dist)?;
    // The templates are Trunk's input, not pages of the site as they are.
    for template in ["lab.html", "pbs.html", "viewer.html"] {
        std::fs::remove_file(dist.join(template)).map_err(|e| e.to_string())?;
    }
    write_entry_page(&dist)?;
    for lab in labs() {
        trunk("www/lab.html", lab)?;
        // The page Trunk writes beside the lab is never served: the shell's
        // loader starts the lab.
        let _ = std::fs::remove_file(root().join("dist").join(lab).join("index.html"));
        // Nothing pins the lab's scripts by hash (no page of Trunk's loads
        // them), so their comments can go.
        compact_scripts(&root().join("dist").join(lab))?;
    }
    // The PBS calculator and the log viewer are pages: their `index.html`
    // stays.
    for page in PAGES {
        trunk(&format!("www/{page}.html"), page)?;
    }
    Ok(())
}

/// The PBS calculator's page and cargo feature (`dist/pbs/`), which the
/// quorum lab shows in a frame.
pub const PBS: &str = "pbs";

/// The log viewer's page and cargo feature (`dist/viewer/`).
pub const VIEWER: &str = "viewer";

/// The pages that are not labs, each built from `www/<page>.html` with the
/// web crate's feature of the same name.
pub const PAGES: [&str; 2] = [PBS, VIEWER];

/// Compacts the JavaScript wasm-bindgen wrote in `dir` (Trunk does not
/// minify it): without its comments, blank lines and indentation, every
/// lab is about 1.2 kB lighter gzipped.
fn compact_scripts(dir: &Path) -> Result<(), String> {
    for entry in
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("faultline-") && name.ends_with(".js") {
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            std::fs::write(&path, compact_js(&text)).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// `js` without comment lines, block comments that start a line, blank
/// lines and indentation. Safe for wasm-bindgen's output, whose strings and
/// template literals never span lines; line breaks stay, so automatic
/// semicolon insertion reads the code as before.
fn compact_js(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_comment = false;
    for line in js.lines() {
        let t = line.trim();
        if in_comment {
            in_comment = !t.ends_with("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.ends_with("*/");
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        out.push_str(t);
        out.push('\n');
    }
    out
}

/// Builds `template` with only the web crate's `feature` into
/// `dist/<feature>/`, and checks what its wasm imports.
fn trunk(template: &str, feature: &str) -> Result<(), String> {
    let dist = format!("dist/{feature}");
    run(
        "trunk",
        &[
            "build",
            template,
            "--release",
            "--no-default-features",
            "--features",
            feature,
            "--filehash",
            "false",
            "--dist",
            &dist,
        ],
    )?;
    tools::check_wasm_imports(&root().join(&dist))
}

/// Writes `index.html` into `dist/` with the registry's labs in its
/// loader (between the `/*labs*/` markers), so a route to any of them
/// starts its page and anything else starts the first; and the embed
/// builder's labs, labels and presets into `dist/embed.js`, from the web
/// crate's registry.
fn write_entry_page(dist: &Path) -> Result<(), String> {
    let names: Vec<String> = labs().map(|l| format!("\"{l}\"")).collect();
    fill_marker(
        &root().join("index.html"),
        &dist.join("index.html"),
        &format!("[{}]", names.join(", ")),
    )?;
    let entries: Vec<serde_json::Value> = web_labs()?
        .into_iter()
        .map(|l| serde_json::json!({ "name": l.name, "label": l.label, "presets": l.presets }))
        .collect();
    let list = serde_json::to_string(&entries).map_err(|e| e.to_string())?;
    fill_marker(&root().join("www/embed.js"), &dist.join("embed.js"), &list)
}

/// Copies `from` to `to` with the text between its two `/*labs*/` markers
/// replaced by `list`.
fn fill_marker(from: &Path, to: &Path, list: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let marker = "/*labs*/";
    let (Some(a), Some(b)) = (text.find(marker), text.rfind(marker)) else {
        return Err(format!(
            "{} has no {marker}…{marker} list of labs",
            from.display()
        ));
    };
    let text = format!("{}{marker}{list}{}", &text[..a], &text[b..]);
    std::fs::write(to, text).map_err(|e| format!("cannot write {}: {e}", to.display()))
}

/// A lab as the web crate's registry writes it.
#[derive(Debug, PartialEq)]
pub struct WebLab {
    /// Its route name and cargo feature (`ring`).
    pub name: String,
    /// Its tab label (`Hash ring`).
    pub label: String,
    /// Its presets' ids, `<name>-default` first.
    pub presets: Vec<String>,
}

/// The labs of the web crate's registry (`crates/web/src/labs/mod.rs`,
/// one line each: `"ring" => ring: "Hash ring" ["ring-default", …],`), in
/// order; they must be the core registry's protocols, in its order.
pub fn web_labs() -> Result<Vec<WebLab>, String> {
    let path = root().join("crates/web/src/labs/mod.rs");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let block = text
        .split_once("\nregistry! {")
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map(|(block, _)| block)
        .ok_or("crates/web/src/labs/mod.rs has no `registry! { … }`")?;
    let quoted = |s: &str| -> Vec<String> {
        s.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut out = Vec::new();
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (head, presets) = line
            .split_once('[')
            .ok_or_else(|| format!("a web registry line without presets: {line}"))?;
        let words = quoted(head);
        let [name, label] = <[String; 2]>::try_from(words).map_err(|_| {
            format!("a web registry line not of the form \"name\" => lab: \"Label\" […]: {line}")
        })?;
        out.push(WebLab {
            name,
            label,
            presets: quoted(presets),
        });
    }
    let names: Vec<&str> = out.iter().map(|l| l.name.as_str()).collect();
    let core: Vec<&str> = labs().collect();
    if names != core {
        return Err(format!(
            "the web registry lists {names:?}, the core registry {core:?}"
        ));
    }
    Ok(out)
}

/// Copies the folder `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Every lab, by its route name.
pub fn labs() -> impl Iterator<Item = &'static str> {
    ProtocolName::ALL.iter().map(|p| p.as_str())
}

/// Whether a file of a lab's folder belongs to its "Break it" search
/// (loaded in Web Workers when the reader presses Find), not to the page.
fn is_search(name: &str) -> bool {
    name.starts_with("faultline-search") || name == "search-worker.js"
}

/// A lab's bundle, the page's or (`search`) its search worker's: (wasm +
/// js raw bytes, gzip -9 bytes).
pub fn lab_bundle(dist: &Path, lab: &str, search: bool) -> Result<(u64, u64), String> {
    let dir = dist.join(lab);
    let mut raw = 0;
    let mut gzip = 0;
    for entry in
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.extension().is_some_and(|x| x == "wasm" || x == "js") && is_search(name) == search {
            let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
            raw += bytes.len() as u64;
            gzip += gzip_len(&bytes);
        }
    }
    Ok((raw, gzip))
}

/// The size of `bytes` gzip-compressed at level 9 (the DEFLATE stream plus
/// gzip's 18 bytes of header and trailer).
fn gzip_len(bytes: &[u8]) -> u64 {
    miniz_oxide::deflate::compress_to_vec(bytes, 9).len() as u64 + 18
}

/// Prints every lab's size (and the PBS page's) against the budget; fails
/// when one is over [`PAGE_BUDGET_BYTES`]. Sizes are deterministic, unlike
/// timings, so this is a test, not a benchmark.
pub fn check_budgets() -> Result<(), String> {
    let dist = root().join("dist");
    let kb = |b: u64| b as f64 / 1000.0;
    let mut over = Vec::new();
    println!(
        "\npage bundles (wasm + js), budget {} kB gzip:",
        kb(PAGE_BUDGET_BYTES)
    );
    let searches = labs().map(|lab| (lab, true));
    for (page, search) in labs().chain(PAGES).map(|p| (p, false)).chain(searches) {
        if search && page == labs().next().unwrap_or_default() {
            println!("search workers' bundles (loaded when Find is pressed), same budget:");
        }
        let (raw, gzip) = lab_bundle(&dist, page, search)?;
        let room = kb(PAGE_BUDGET_BYTES) - kb(gzip);
        println!(
            "  {page:<7} {:>7.1} kB raw {:>7.1} kB gzip  {room:>5.1} kB to spare",
            kb(raw),
            kb(gzip)
        );
        if gzip > PAGE_BUDGET_BYTES {
            let what = if search { " search" } else { "" };
            over.push(format!("{page}{what}: {:.1} kB gzip", kb(gzip)));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "pages over the {} kB gzip budget: {}",
            kb(PAGE_BUDGET_BYTES),
            over.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Comments, blank lines and indentation go; code, strings that hold
    /// comment-like text, and line breaks stay.
    #[test]
    fn compacting_keeps_the_code_and_drops_the_comments() {
        let js = "/**\n * Docs.\n */\nexport function f(a) {\n    // a note\n\n    const u = 'http://x/*y';\n    return `${a}//b`; /* tail */\n}\n/* one line */\nlet x = 1\n";
        assert_eq!(
            compact_js(js),
            "export function f(a) {\nconst u = 'http://x/*y';\nreturn `${a}//b`; /* tail */\n}\nlet x = 1\n"
        );
    }

    /// The embed builder's lists come from the web registry: every lab,
    /// its default preset first, and exactly the preset files it owns.
    #[test]
    fn the_web_registry_lists_every_lab_and_exactly_its_preset_files() {
        let labs = web_labs().unwrap();
        let files: Vec<String> = std::fs::read_dir(root().join("www/presets"))
            .unwrap()
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                Some(name.strip_suffix(".json")?.to_string())
            })
            .collect();
        for lab in &labs {
            assert_eq!(lab.presets.first(), Some(&format!("{}-default", lab.name)));
            let mut own: Vec<&String> = files
                .iter()
                .filter(|f| f.split('-').next() == Some(lab.name.as_str()))
                .collect();
            let mut listed: Vec<&String> = lab.presets.iter().collect();
            own.sort();
            listed.sort();
            assert_eq!(listed, own, "{}", lab.name);
        }
        assert_eq!(labs[4].label, "Hash ring");
    }
}
