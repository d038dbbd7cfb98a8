//! The command line of BENCHMARKS.md:
//! `cargo run --release -p wakewire-bench -- [--quick] [--only WORKLOAD] [--json PATH] [--write-results]`,
//! plus `--isolate`/`--both` (a process per contender), `--workers` (the multi slot's
//! worker counts), and `--contender` to run a subset of the contenders (for profiling one
//! of them).

use std::path::PathBuf;

use crate::contender::Info;
use crate::workloads::Workload;

pub(crate) const USAGE: &str = "usage: cargo run --release -p wakewire-bench -- [--quick] [--only WORKLOAD] [--json PATH] [--write-results] [--isolate | --both] [--workers N[,N...]] [--contender NAME[:SLOT]]

  --quick            shrink counts ~10x (the whole suite in a few minutes)
  --only WORKLOAD    run one workload (repeat, or separate with commas, for several);
                     `memory` selects both memory rows, `traced_yield` the tracer's four
  --json PATH        also write the results as one JSON object to PATH
  --write-results    also write the tables to bench/RESULTS.md, with the machine description
  --isolate          run each contender in its own process (one runtime per process),
                     rounds still interleaved across the processes
  --both             run the suite in-process, then isolated; report both
  --workers N[,N...] worker threads of every multi-slot contender, one set of rows per N
                     (default 2). On a 16-core machine: `--workers 16`, or
                     `--workers 1,2,4,8,16` for a scaling curve
  --contender NAME[:SLOT]
                     run only this column (wakewire, wakewire-park, wakewire-sup,
                     wakewire-sup-park, tokio, async-executor, futures), optionally only
                     one slot (multi, single); repeatable or
                     comma-separated. For profiling one runtime: no ratios without peers";

#[derive(Debug, PartialEq)]
pub(crate) struct Args {
    pub(crate) quick: bool,
    /// Empty: every workload.
    pub(crate) only: Vec<Workload>,
    pub(crate) json: Option<PathBuf>,
    pub(crate) write_results: bool,
    pub(crate) help: bool,
    /// Empty: every contender. Otherwise `(column, "multi" / "single" or any)`.
    pub(crate) contenders: Vec<(String, Option<&'static str>)>,
    /// Each contender in its own process.
    pub(crate) isolate: bool,
    /// In-process, then isolated.
    pub(crate) both: bool,
    /// The multi slot's worker counts, one set of rows each.
    pub(crate) workers: Vec<usize>,
    /// Internal (`--serve NAME:SLOT`): this process is the child of an isolated run,
    /// serving the one contender named by `contenders`.
    pub(crate) serve: bool,
    /// Internal: the parent's calibration of the blocking jobs.
    pub(crate) work_iterations: Option<u64>,
}

impl Args {
    /// Parses the arguments after the program name.
    pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args {
            quick: false,
            only: Vec::new(),
            json: None,
            write_results: false,
            help: false,
            contenders: Vec::new(),
            isolate: false,
            both: false,
            workers: Vec::new(),
            serve: false,
            work_iterations: None,
        };
        // `--flag=value` is the same as `--flag value`.
        let mut args = args.into_iter().flat_map(|arg| match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                vec![flag.to_owned(), value.to_owned()]
            }
            _ => vec![arg],
        });
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => parsed.quick = true,
                "--write-results" => parsed.write_results = true,
                "--help" | "-h" => parsed.help = true,
                "--json" => {
                    let path = args.next().ok_or("--json needs a PATH")?;
                    parsed.json = Some(PathBuf::from(path));
                }
                "--isolate" => parsed.isolate = true,
                "--both" => parsed.both = true,
                "--only" => {
                    let names = args.next().ok_or("--only needs a WORKLOAD")?;
                    for name in names.split(',') {
                        let workloads = Workload::select(name);
                        if workloads.is_empty() {
                            let known: Vec<_> = Workload::ALL.iter().map(|w| w.name()).collect();
                            return Err(format!(
                                "unknown workload `{name}`; known: {}, memory, traced_yield",
                                known.join(", ")
                            ));
                        }
                        for workload in workloads {
                            if !parsed.only.contains(&workload) {
                                parsed.only.push(workload);
                            }
                        }
                    }
                }
                "--contender" | "--serve" => {
                    parsed.serve |= arg == "--serve";
                    let names = args.next().ok_or("--contender needs a NAME")?;
                    for name in names.split(',') {
                        let (column, slot) = match name.split_once(':') {
                            None => (name, None),
                            Some((column, "multi")) => (column, Some("multi")),
                            Some((column, "single")) => (column, Some("single")),
                            Some((_, slot)) => {
                                return Err(format!("unknown slot `{slot}`; known: multi, single"))
                            }
                        };
                        parsed.contenders.push((column.to_owned(), slot));
                    }
                }
                "--workers" => {
                    let counts = args.next().ok_or("--workers needs N")?;
                    for count in counts.split(',') {
                        match count.parse::<usize>() {
                            Ok(n) if n > 0 => {
                                if !parsed.workers.contains(&n) {
                                    parsed.workers.push(n);
                                }
                            }
                            _ => {
                                return Err(format!(
                                    "--workers: `{count}` is not a worker count (1 or more)"
                                ))
                            }
                        }
                    }
                }
                "--work-iterations" => {
                    let work = args.next().ok_or("--work-iterations needs a count")?;
                    parsed.work_iterations = Some(
                        work.parse()
                            .map_err(|_| format!("--work-iterations: bad count `{work}`"))?,
                    );
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if parsed.workers.is_empty() {
            parsed.workers.push(2);
        }
        Ok(parsed)
    }

    /// Whether the contender described by `info` was asked for.
    pub(crate) fn wants(&self, info: &Info) -> bool {
        self.contenders.is_empty()
            || self.contenders.iter().any(|(name, slot)| {
                name == info.name && slot.is_none_or(|s| s == info.slot.as_str())
            })
    }

    /// The workloads to run, in report order.
    pub(crate) fn workloads(&self) -> Vec<Workload> {
        Workload::ALL
            .into_iter()
            .filter(|w| self.only.is_empty() || self.only.contains(w))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contender::Slot;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn every_flag() {
        let args = parse(&[
            "--quick",
            "--only",
            "ping_pong",
            "--json",
            "out.json",
            "--write-results",
        ])
        .unwrap();
        assert!(args.quick && args.write_results);
        assert_eq!(args.only, [Workload::PingPong]);
        assert_eq!(args.json, Some(PathBuf::from("out.json")));
        assert_eq!(args.workloads(), [Workload::PingPong]);
    }

    #[test]
    fn equals_form_and_lists() {
        let args = parse(&["--only=yield_many,spawn_many", "--json=x.json"]).unwrap();
        assert_eq!(args.workloads(), [Workload::SpawnMany, Workload::YieldMany]);
        assert_eq!(args.json, Some(PathBuf::from("x.json")));
    }

    #[test]
    fn no_flags_runs_everything_in_order() {
        assert_eq!(parse(&[]).unwrap().workloads(), Workload::ALL);
    }

    #[test]
    fn contender_filter() {
        let args = parse(&["--contender", "wakewire:multi,tokio"]).unwrap();
        let info = |name, slot| Info {
            name,
            slot,
            setup: String::new(),
            repolls_in_place: false,
        };
        assert!(args.wants(&info("wakewire", Slot::Multi(2))));
        assert!(args.wants(&info("wakewire", Slot::Multi(16))));
        assert!(!args.wants(&info("wakewire", Slot::Single)));
        assert!(args.wants(&info("tokio", Slot::Single)));
        assert!(!args.wants(&info("futures", Slot::Multi(2))));
        assert!(parse(&["--contender", "tokio:both"]).is_err());
    }

    #[test]
    fn isolation_and_workers() {
        let args = parse(&["--isolate", "--workers", "1,2,16,2"]).unwrap();
        assert!(args.isolate && !args.both && !args.serve);
        assert_eq!(args.workers, [1, 2, 16]);
        assert_eq!(parse(&[]).unwrap().workers, [2], "2 workers unless asked");
        assert!(parse(&["--workers", "0"]).is_err());
        assert!(parse(&["--workers", "two"]).is_err());
        let child = parse(&["--serve", "tokio:multi", "--work-iterations", "400"]).unwrap();
        assert!(child.serve);
        assert_eq!(child.work_iterations, Some(400));
        assert_eq!(child.contenders, [("tokio".to_owned(), Some("multi"))]);
    }

    #[test]
    fn groups_of_workloads() {
        let args = parse(&["--only", "memory,traced_yield"]).unwrap();
        assert_eq!(args.only.len(), 6);
        assert!(args.only.contains(&Workload::MemoryTcp));
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(parse(&["--only", "nope"])
            .unwrap_err()
            .contains("known: spawn_many"));
        assert!(parse(&["--json"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}
