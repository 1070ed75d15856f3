//! `cargo xtask serve | test | dist | bench`: everything the project needs, from a
//! fresh machine, with nothing downloaded from outside the package
//! registries.

mod bench;
mod report;
mod serve;
mod site;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <serve | test | dist | bench [options]>
  serve   install what is missing, build every lab's page, serve dist/ on http://127.0.0.1:8080
  test    fmt, clippy, native tests, wasm build, benches (test mode), release site with each lab's bundle budget, browser end-to-end tests
  dist    release build of the static site into dist/, one wasm per lab (relative URLs: any sub-path works)
  bench   the core natively and as wasm in Chromium, every lab's frame work, load, soak, bundle;
          prints the table and writes docs/benchmarks.md, docs/benchmarks.json and README's block
          (about 15 minutes). Options: --frame-seconds N (10), --soak-seconds N (300)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().cloned().unwrap_or_default();
    let result = match task.as_str() {
        "bench" => bench::bench(&args[1..]),
        "serve" => serve(),
        "test" => test(),
        "dist" => dist(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command in the workspace root with the project's tool path.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    println!("\n$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root())
        .env("PATH", tools::path())
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn cargo(args: &[&str]) -> Result<(), String> {
    run("cargo", args)
}

fn serve() -> Result<(), String> {
    tools::ensure_build_tools()?;
    cargo(&["fetch"])?;
    site::build()?;
    serve::serve(&root().join("dist"), "127.0.0.1:8080")
}

fn dist() -> Result<(), String> {
    tools::ensure_build_tools()?;
    cargo(&["fetch"])?;
    site::build()?;
    if let Err(e) = site::check_budgets() {
        eprintln!("warning: {e}");
    }
    println!("\ndist/ is ready: copy it to any static host, at any path.");
    Ok(())
}

fn test() -> Result<(), String> {
    tools::ensure_build_tools()?;
    tools::ensure_chromium()?;
    cargo(&["fetch"])?;
    cargo(&["fmt", "--all", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&[
        "clippy",
        "-p",
        "faultline-web",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--workspace"])?;
    cargo(&[
        "build",
        "-p",
        "faultline-core",
        "--target",
        "wasm32-unknown-unknown",
    ])?;
    // Benches compile and run once (criterion's test mode): they cannot rot.
    cargo(&["bench", "-p", "faultline-core", "--", "--test"])?;
    // The wasm side of the benchmarks builds as `cargo xtask bench` builds it.
    cargo(bench::BUILD_WASM)?;
    site::build()?;
    // A size is deterministic: no page may grow past the budget.
    site::check_budgets()?;
    // Name the test files: how a directory argument is read differs between
    // Node versions.
    let mut files: Vec<String> = std::fs::read_dir(root().join("e2e"))
        .map_err(|e| format!("cannot read e2e/: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".test.mjs"))
        .map(|f| format!("e2e/{f}"))
        .collect();
    files.sort();
    let mut args = vec!["--test", "--test-concurrency=1"];
    args.extend(files.iter().map(String::as_str));
    run("node", &args)
}
