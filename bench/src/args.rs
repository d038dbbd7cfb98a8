//! The command line of BENCHMARKS.md:
//! `cargo run --release -p wakewire-bench -- [--quick] [--only WORKLOAD] [--json PATH] [--write-results]`,
//! plus `--contender` to run a subset of the contenders (for profiling one of them).

use std::path::PathBuf;

use crate::contender::{Info, Slot};
use crate::workloads::Workload;

pub(crate) const USAGE: &str = "usage: cargo run --release -p wakewire-bench -- [--quick] [--only WORKLOAD] [--json PATH] [--write-results] [--contender NAME[:SLOT]]

  --quick            shrink counts ~10x (the whole suite in under a minute)
  --only WORKLOAD    run one workload (repeat, or separate with commas, for several)
  --json PATH        also write the results as one JSON object to PATH
  --write-results    also write the table to bench/RESULTS.md, with the machine description
  --contender NAME[:SLOT]
                     run only this column (wakewire, wakewire-park, tokio, async-executor,
                     futures), optionally only one slot (multi, single); repeatable or
                     comma-separated. For profiling one runtime: no ratios without peers";

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Args {
    pub(crate) quick: bool,
    /// Empty: every workload.
    pub(crate) only: Vec<Workload>,
    pub(crate) json: Option<PathBuf>,
    pub(crate) write_results: bool,
    pub(crate) help: bool,
    /// Empty: every contender. Otherwise `(column, slot or any)`.
    pub(crate) contenders: Vec<(String, Option<Slot>)>,
}

impl Args {
    /// Parses the arguments after the program name.
    pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args::default();
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
                "--only" => {
                    let names = args.next().ok_or("--only needs a WORKLOAD")?;
                    for name in names.split(',') {
                        let workload = Workload::from_name(name).ok_or_else(|| {
                            let known: Vec<_> = Workload::ALL.iter().map(|w| w.name()).collect();
                            format!("unknown workload `{name}`; known: {}", known.join(", "))
                        })?;
                        if !parsed.only.contains(&workload) {
                            parsed.only.push(workload);
                        }
                    }
                }
                "--contender" => {
                    let names = args.next().ok_or("--contender needs a NAME")?;
                    for name in names.split(',') {
                        let (column, slot) = match name.split_once(':') {
                            None => (name, None),
                            Some((column, "multi")) => (column, Some(Slot::Multi)),
                            Some((column, "single")) => (column, Some(Slot::Single)),
                            Some((_, slot)) => {
                                return Err(format!("unknown slot `{slot}`; known: multi, single"))
                            }
                        };
                        parsed.contenders.push((column.to_owned(), slot));
                    }
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(parsed)
    }

    /// Whether the contender described by `info` was asked for.
    pub(crate) fn wants(&self, info: &Info) -> bool {
        self.contenders.is_empty()
            || self
                .contenders
                .iter()
                .any(|(name, slot)| name == info.name && slot.is_none_or(|s| s == info.slot))
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
            setup: "",
            repolls_in_place: false,
        };
        assert!(args.wants(&info("wakewire", Slot::Multi)));
        assert!(!args.wants(&info("wakewire", Slot::Single)));
        assert!(args.wants(&info("tokio", Slot::Single)));
        assert!(!args.wants(&info("futures", Slot::Multi)));
        assert!(parse(&["--contender", "tokio:both"]).is_err());
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
