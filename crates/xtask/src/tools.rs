//! Installing the toolchain pieces the project needs, at pinned versions,
//! from the package registries only.

use super::{root, run};
use std::path::Path;
use std::process::Command;

/// The Trunk version the project builds with (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";

/// The tool search path: the project's npm tools, the bin folder `cargo
/// install` writes to (`$CARGO_HOME/bin`, by default `~/.cargo/bin`), then
/// the rest.
pub fn path() -> String {
    let cargo_home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    let npm_bin = root().join("e2e/node_modules/.bin");
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{cargo_home}/bin:{old}", npm_bin.display())
}

/// The first line a tool prints for `--version`, if it runs.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program)
        .arg("--version")
        .env("PATH", path())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The version of `package` recorded in Cargo.lock.
fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').ok_or("Cargo.lock is malformed")?;
    Ok(lock[start..start + end].to_string())
}

/// The wasm32 target, Trunk, wasm-bindgen-cli (matching Cargo.lock) and
/// binaryen's wasm-opt (npm, from the lock file).
pub fn ensure_build_tools() -> Result<(), String> {
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the wasm32 target: {e}"))?;
    if !String::from_utf8_lossy(&targets.stdout).contains("wasm32-unknown-unknown") {
        run("rustup", &["target", "add", "wasm32-unknown-unknown"])?;
    }
    if version_of("trunk").as_deref() != Some(&format!("trunk {TRUNK_VERSION}")) {
        run(
            "cargo",
            &["install", "trunk", "--locked", "--version", TRUNK_VERSION],
        )?;
    }
    let bindgen = locked_version("wasm-bindgen")?;
    let trunk_toml = std::fs::read_to_string(root().join("Trunk.toml"))
        .map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{bindgen}\"")) {
        return Err(format!(
            "Trunk.toml must pin wasm_bindgen = \"{bindgen}\", the version in Cargo.lock"
        ));
    }
    if version_of("wasm-bindgen").as_deref() != Some(&format!("wasm-bindgen {bindgen}")) {
        // Without --locked: its lock file names a crate version the registry lacks.
        run(
            "cargo",
            &["install", "wasm-bindgen-cli", "--version", &bindgen],
        )?;
    }
    let modules = root().join("e2e/node_modules");
    if !modules.join(".package-lock.json").exists() || stale(&modules) {
        run("npm", &["ci", "--prefix", "e2e", "--no-audit", "--no-fund"])?;
    }
    Ok(())
}

/// Whether the installed npm packages are older than the lock file.
fn stale(modules: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&modules.join(".package-lock.json")),
        modified(&root().join("e2e/package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    }
}

/// Debian's Chromium and ChromeDriver, for the end-to-end tests.
pub fn ensure_chromium() -> Result<(), String> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    run("apt-get", &["update"])?;
    run(
        "apt-get",
        &[
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ],
    )
}

/// Fails if the release wasm imports anything from `env` (a sign that a
/// native-only dependency slipped into the browser build).
pub fn check_wasm_imports(dist: &Path) -> Result<(), String> {
    let wasm = std::fs::read_dir(dist)
        .map_err(|e| format!("cannot read {}: {e}", dist.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .ok_or("no .wasm file in dist/")?;
    let bytes = std::fs::read(&wasm).map_err(|e| e.to_string())?;
    let modules = wasm_import_modules(&bytes)?;
    if let Some(bad) = modules.iter().find(|m| m.as_str() == "env") {
        return Err(format!("{} imports from `{bad}`", wasm.display()));
    }
    println!("wasm imports only from: {}", modules.join(", "));
    Ok(())
}

fn leb(bytes: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut result = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*at).ok_or("truncated wasm")?;
        *at += 1;
        result |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(result);
        }
        shift += 7;
        if shift > 63 {
            return Err("bad LEB128 in wasm".into());
        }
    }
}

fn name(bytes: &[u8], at: &mut usize) -> Result<String, String> {
    let len = leb(bytes, at)? as usize;
    let s = bytes.get(*at..*at + len).ok_or("truncated wasm name")?;
    *at += len;
    Ok(String::from_utf8_lossy(s).into_owned())
}

/// The distinct module names of a wasm binary's imports.
fn wasm_import_modules(bytes: &[u8]) -> Result<Vec<String>, String> {
    if bytes.get(..4) != Some(b"\0asm") {
        return Err("not a wasm binary".into());
    }
    let mut at = 8;
    let mut modules = Vec::new();
    while at < bytes.len() {
        let id = bytes[at];
        at += 1;
        let size = leb(bytes, &mut at)? as usize;
        let end = at + size;
        if id == 2 {
            let count = leb(bytes, &mut at)?;
            for _ in 0..count {
                let module = name(bytes, &mut at)?;
                let _field = name(bytes, &mut at)?;
                let kind = *bytes.get(at).ok_or("truncated import")?;
                at += 1;
                match kind {
                    0 => {
                        leb(bytes, &mut at)?;
                    }
                    1 => {
                        at += 1;
                        let flags = leb(bytes, &mut at)?;
                        leb(bytes, &mut at)?;
                        if flags & 1 == 1 {
                            leb(bytes, &mut at)?;
                        }
                    }
                    2 => {
                        let flags = leb(bytes, &mut at)?;
                        leb(bytes, &mut at)?;
                        if flags & 1 == 1 {
                            leb(bytes, &mut at)?;
                        }
                    }
                    3 => at += 2,
                    4 => {
                        at += 1;
                        leb(bytes, &mut at)?;
                    }
                    _ => return Err(format!("unknown import kind {kind}")),
                }
                if !modules.contains(&module) {
                    modules.push(module);
                }
            }
            return Ok(modules);
        }
        at = end;
    }
    Ok(modules)
}
