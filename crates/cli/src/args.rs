//! Command-line arguments, parsed by hand (the grammar is small).

/// The usage text.
pub const USAGE: &str = "\
usage: faultline run SCENARIO.json|LINK [--seed N] [--runs K] [--trace FILE.jsonl]
       faultline explore SCENARIO.json|LINK [--budget RUNS] [--seed S] [--threads T]
                         [--property NAME]
       faultline explore --list-bugs
       faultline check-linearizable HISTORY
       faultline import shiviz LOG [--regex RX]

run: runs a scenario headless and prints one JSON report per run, one per line.
  LINK              a link shared from the lab (…#/raft?v=1&s=…): runs its
                    scenario to the time it was shared at
  --seed N          override the scenario's seed
  --runs K          run K times; run i uses seed + i (default 1)
  --trace FILE      write every trace event as one JSON object per line

explore: runs the scenario up to RUNS times (default 1000), each with its own
seed and random faults added (crash/restart, pause/resume, partitions,
one-way cuts, links that lose, duplicate or delay, clock skew, and where
membership may change a node removed and a fresh one added), checking
every named invariant after every event and, for the quorum store, whether
the history is linearizable when the run ends. The first failure is shrunk to a small schedule that still fails. Prints one
JSON line with found, property, runs, scenario and violation; exits 1
when it found one, 0 when not. The same seed and budget give the same answer
on any number of threads (T, default: every core).
  --property NAME   look for this property only: an invariant's name
                    (\"Election Safety\") or `linearizable`
  --list-bugs       print each protocol's invariants and the textbook bugs
                    `params.bugs` can switch on, with what each breaks

check-linearizable: checks a history for linearizability and ends with
`true` or `false`. HISTORY is a faultline history (JSON: an array, an object
with `history`, or a run report), a Jepsen register log, or an EDN
key-value history (one `{:process ...}` map per line).

import shiviz: reads a log with vector clocks in ShiViz's format and prints
one JSON object: hosts, events (host, clock, text, fields, line), the
messages the clocks imply as [from, to] indices into events (program order
plus messages give exactly the clocks' happened-before relation), and how
many non-blank lines no match covered (skipped). Bad clocks are named with
their line.
  --regex RX        the parser, with the groups (?<host>…), (?<clock>…) and
                    (?<event>…); other named groups become fields. Default:
                    the log's first line when the second is blank (ShiViz's
                    file format, and what the lab exports), else ShiViz's
                    (?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})
";

/// What was asked.
#[derive(Debug, PartialEq, Eq)]
pub enum Args {
    /// Print the usage.
    Help,
    /// Run a scenario.
    Run(RunArgs),
    /// Check the history in a file for linearizability.
    CheckLinearizable(String),
    /// Search for a fault schedule that breaks an invariant.
    Explore(ExploreArgs),
    /// List every protocol's bugs.
    ListBugs,
    /// Import a ShiViz log: the file and the parser, if given.
    ImportShiviz {
        /// Path of the log.
        file: String,
        /// The parser (`None`: the log's own, or ShiViz's default).
        regex: Option<String>,
    },
}

/// Arguments of `faultline explore`.
#[derive(Debug, PartialEq, Eq)]
pub struct ExploreArgs {
    /// Path of the scenario file, or a link.
    pub scenario: String,
    /// How many runs at most.
    pub budget: u64,
    /// The search's seed.
    pub seed: u64,
    /// Threads to spread runs over (`None`: every core).
    pub threads: Option<usize>,
    /// The one property to look for (`None`: any).
    pub property: Option<String>,
}

/// Arguments of `faultline run`.
#[derive(Debug, PartialEq, Eq)]
pub struct RunArgs {
    /// Path of the scenario file.
    pub scenario: String,
    /// Seed override.
    pub seed: Option<u64>,
    /// How many runs.
    pub runs: u64,
    /// Where to write the trace.
    pub trace: Option<String>,
}

impl Args {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut it = args.into_iter();
        match it.next().as_deref() {
            None | Some("-h" | "--help" | "help") => return Ok(Args::Help),
            Some("run") => {}
            Some("check-linearizable") => return Self::parse_check(it),
            Some("explore") => return Self::parse_explore(it),
            Some("import") => return Self::parse_import(it),
            Some(other) => return Err(format!("unknown command `{other}`")),
        }
        let mut run = RunArgs {
            scenario: String::new(),
            seed: None,
            runs: 1,
            trace: None,
        };
        while let Some(arg) = it.next() {
            let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
            match arg.as_str() {
                "--seed" => {
                    let v = value("--seed")?;
                    run.seed = Some(
                        v.parse()
                            .map_err(|_| format!("--seed: `{v}` is not a whole number"))?,
                    );
                }
                "--runs" => {
                    let v = value("--runs")?;
                    run.runs = v.parse().ok().filter(|&k| k >= 1).ok_or_else(|| {
                        format!("--runs: `{v}` is not a whole number of at least 1")
                    })?;
                }
                "--trace" => run.trace = Some(value("--trace")?),
                "-h" | "--help" => return Ok(Args::Help),
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                path if run.scenario.is_empty() => run.scenario = path.to_string(),
                extra => return Err(format!("unexpected argument `{extra}`")),
            }
        }
        if run.scenario.is_empty() {
            return Err("run needs a scenario file".into());
        }
        Ok(Args::Run(run))
    }

    /// The arguments of `explore`.
    fn parse_explore(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut a = ExploreArgs {
            scenario: String::new(),
            budget: 1000,
            seed: 1,
            threads: None,
            property: None,
        };
        let number = |flag: &str, v: Option<String>, least: u64| -> Result<u64, String> {
            let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
            v.parse()
                .ok()
                .filter(|&k| k >= least)
                .ok_or_else(|| format!("{flag}: `{v}` is not a whole number of at least {least}"))
        };
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--list-bugs" => return Ok(Args::ListBugs),
                "--budget" => a.budget = number("--budget", it.next(), 1)?,
                "--seed" => a.seed = number("--seed", it.next(), 0)?,
                "--threads" => a.threads = Some(number("--threads", it.next(), 1)? as usize),
                "--property" => {
                    a.property = Some(it.next().ok_or("--property needs a value")?);
                }
                "-h" | "--help" => return Ok(Args::Help),
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                path if a.scenario.is_empty() => a.scenario = path.to_string(),
                extra => return Err(format!("unexpected argument `{extra}`")),
            }
        }
        if a.scenario.is_empty() {
            return Err("explore needs a scenario file (or --list-bugs)".into());
        }
        Ok(Args::Explore(a))
    }

    /// The arguments of `import shiviz`.
    fn parse_import(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
        match it.next().as_deref() {
            Some("shiviz") => {}
            Some("-h" | "--help") => return Ok(Args::Help),
            Some(other) => {
                return Err(format!("import reads `shiviz` logs, not `{other}`"));
            }
            None => return Err("import needs a format: `import shiviz LOG`".into()),
        }
        let (mut file, mut regex) = (None, None);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--regex" => regex = Some(it.next().ok_or("--regex needs a value")?),
                "-h" | "--help" => return Ok(Args::Help),
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                _ if file.is_some() => return Err(format!("unexpected argument `{arg}`")),
                _ => file = Some(arg),
            }
        }
        let file = file.ok_or("import shiviz needs a log file")?;
        Ok(Args::ImportShiviz { file, regex })
    }

    /// The arguments of `check-linearizable`: one file.
    fn parse_check(args: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut file = None;
        for arg in args {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Args::Help),
                flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                _ if file.is_some() => return Err(format!("unexpected argument `{arg}`")),
                _ => file = Some(arg),
            }
        }
        file.map(Args::CheckLinearizable)
            .ok_or_else(|| "check-linearizable needs a history file".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Args, String> {
        Args::parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_explore_and_refuses_bad_numbers() {
        assert_eq!(
            parse("explore s.json --budget 50 --seed 3 --threads 2"),
            Ok(Args::Explore(ExploreArgs {
                scenario: "s.json".into(),
                budget: 50,
                seed: 3,
                threads: Some(2),
                property: None,
            }))
        );
        assert_eq!(
            Args::parse(
                ["explore", "s.json", "--property", "Election Safety"]
                    .into_iter()
                    .map(String::from)
            )
            .map(|a| match a {
                Args::Explore(e) => e.property,
                _ => None,
            }),
            Ok(Some("Election Safety".into()))
        );
        assert_eq!(
            parse("explore s.json --property"),
            Err("--property needs a value".into())
        );
        assert_eq!(parse("explore --list-bugs"), Ok(Args::ListBugs));
        assert_eq!(
            parse("explore s.json --budget 0"),
            Err("--budget: `0` is not a whole number of at least 1".into())
        );
        assert!(parse("explore").unwrap_err().contains("needs a scenario"));
    }

    #[test]
    fn parses_import() {
        assert_eq!(
            parse("import shiviz a.log --regex (?<host>.*)"),
            Ok(Args::ImportShiviz {
                file: "a.log".into(),
                regex: Some("(?<host>.*)".into())
            })
        );
        assert_eq!(
            parse("import shiviz a.log"),
            Ok(Args::ImportShiviz {
                file: "a.log".into(),
                regex: None
            })
        );
        assert!(parse("import jaeger a").unwrap_err().contains("`jaeger`"));
        assert!(parse("import shiviz").unwrap_err().contains("log file"));
        assert!(parse("import shiviz a --regex")
            .unwrap_err()
            .contains("value"));
        assert!(parse("import shiviz a b").unwrap_err().contains("`b`"));
    }

    #[test]
    fn parses_every_option() {
        assert_eq!(
            parse("run s.json --seed 9 --runs 3 --trace t.jsonl"),
            Ok(Args::Run(RunArgs {
                scenario: "s.json".into(),
                seed: Some(9),
                runs: 3,
                trace: Some("t.jsonl".into()),
            }))
        );
        assert_eq!(parse(""), Ok(Args::Help));
        assert_eq!(
            parse("check-linearizable h.log"),
            Ok(Args::CheckLinearizable("h.log".into()))
        );
        assert_eq!(parse("check-linearizable --help"), Ok(Args::Help));
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        assert!(parse("run").unwrap_err().contains("scenario"));
        assert!(parse("run s.json --runs 0").unwrap_err().contains("--runs"));
        assert!(parse("run s.json --seed x").unwrap_err().contains("--seed"));
        assert!(parse("run s.json --fast").unwrap_err().contains("--fast"));
        assert!(parse("walk").unwrap_err().contains("walk"));
        assert!(parse("check-linearizable")
            .unwrap_err()
            .contains("history file"));
        assert!(parse("check-linearizable a b").unwrap_err().contains("`b`"));
        assert!(parse("check-linearizable a --seed 1")
            .unwrap_err()
            .contains("--seed"));
    }
}
