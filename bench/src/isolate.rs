//! `--isolate`: each contender in its own process, one runtime per process.
//!
//! The harness re-executes itself once per contender with `--serve NAME:SLOT` (and the
//! parent's `--workers`, `--quick` and blocking-job calibration). The child builds that one
//! runtime and waits on stdin; the parent keeps the rounds interleaved exactly as in one
//! process, asking each child in turn for one run (a workload name on a line) and reading
//! the sample back from its stdout as one JSON line: `{"values": [...]}`, or
//! `{"values": null}` when the workload does not apply to it. The runtimes of the other
//! columns are idle in their own processes meanwhile.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::args::Args;
use crate::contender::{DynContender, Info, Slot};
use crate::runner::{HangWatch, HANG_LIMIT};
use crate::runtimes;
use crate::workloads::{Counts, Sample, Workload};

/// A contender that runs in a child process.
pub(crate) struct Child {
    label: String,
    process: std::process::Child,
    pipes: RefCell<Option<(ChildStdin, BufReader<ChildStdout>)>>,
}

impl Child {
    /// Starts the child process that serves `info`'s contender.
    pub(crate) fn spawn(info: &Info, quick: bool, work_iterations: u64) -> Child {
        let exe = std::env::current_exe().expect("wakewire-bench: cannot find its own binary");
        let mut command = Command::new(exe);
        command
            .arg("--serve")
            .arg(format!("{}:{}", info.name, info.slot.as_str()))
            .arg("--work-iterations")
            .arg(work_iterations.to_string());
        if let Slot::Multi(workers) = info.slot {
            command.arg("--workers").arg(workers.to_string());
        }
        if quick {
            command.arg("--quick");
        }
        let label = format!("{} ({})", info.name, info.slot);
        let mut process = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| {
                panic!("wakewire-bench: cannot start the child for {label}: {err}")
            });
        let stdin = process.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(process.stdout.take().expect("piped stdout"));
        Child {
            label,
            process,
            pipes: RefCell::new(Some((stdin, stdout))),
        }
    }
}

impl DynContender for Child {
    fn run(&self, workload: Workload, _counts: &Counts) -> Option<Sample> {
        let mut pipes = self.pipes.borrow_mut();
        let (stdin, stdout) = pipes.as_mut().expect("the child is running");
        let failed = |what: &str| -> ! {
            panic!(
                "wakewire-bench: the child process of {} failed during {}: {what}",
                self.label,
                workload.name()
            )
        };
        if writeln!(stdin, "{}", workload.name())
            .and_then(|()| stdin.flush())
            .is_err()
        {
            failed("it is gone");
        }
        let mut line = String::new();
        match stdout.read_line(&mut line) {
            Ok(0) | Err(_) => failed("it exited (a panic or a hang: see its message above)"),
            Ok(_) => {}
        }
        parse_sample(&line).unwrap_or_else(|err| failed(&err))
    }
}

impl Drop for Child {
    /// Closes the child's stdin (it then drops its runtime and exits); kills it if it has
    /// not exited within a few seconds.
    fn drop(&mut self) {
        drop(self.pipes.get_mut().take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        eprintln!(
            "wakewire-bench: the child of {} did not exit: killed",
            self.label
        );
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The child's answer line for one run.
pub(crate) fn format_sample(sample: Option<&Sample>) -> String {
    match sample {
        None => "{\"values\": null}".to_owned(),
        Some(values) => {
            let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            format!("{{\"values\": [{}]}}", values.join(", "))
        }
    }
}

/// Reads a line written by [`format_sample`].
pub(crate) fn parse_sample(line: &str) -> Result<Option<Sample>, String> {
    let value: serde_json::Value =
        serde_json::from_str(line.trim()).map_err(|err| format!("bad answer {line:?}: {err}"))?;
    match &value["values"] {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Array(values) => values
            .iter()
            .map(|v| {
                v.as_f64()
                    .ok_or_else(|| format!("not a number in {line:?}"))
            })
            .collect::<Result<Sample, String>>()
            .map(Some),
        _ => Err(format!("bad answer {line:?}")),
    }
}

/// The child's side (`--serve NAME:SLOT`): builds that one contender, then runs each
/// workload named on stdin and answers on stdout, until stdin closes.
pub(crate) fn serve(args: &Args) -> Result<(), String> {
    let mut entries: Vec<_> = runtimes::catalogue(&args.workers)
        .into_iter()
        .filter(|entry| args.wants(&entry.info))
        .collect();
    if entries.len() != 1 {
        return Err(format!(
            "--serve names {} contenders; it needs exactly one NAME:SLOT",
            entries.len()
        ));
    }
    let entry = entries.remove(0);
    let work = args
        .work_iterations
        .ok_or("--serve needs --work-iterations (the parent's calibration)")?;
    let counts = Counts::with_work(args.quick, work);
    let contender = entry.make();
    let watch = HangWatch::start(HANG_LIMIT);
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.map_err(|err| format!("reading stdin: {err}"))?;
        let workload =
            Workload::from_name(line.trim()).ok_or_else(|| format!("unknown workload {line:?}"))?;
        watch.set(Some(format!(
            "{} on {} ({})",
            workload.name(),
            entry.info.name,
            entry.info.slot
        )));
        let sample = contender.run(workload, &counts);
        watch.set(None);
        writeln!(stdout, "{}", format_sample(sample.as_ref()))
            .and_then(|()| stdout.flush())
            .map_err(|err| format!("writing stdout: {err}"))?;
    }
    drop(contender);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_round_trip_through_the_child_protocol() {
        let sample = vec![12.5, 1e9, 0.0];
        let line = format_sample(Some(&sample));
        assert_eq!(parse_sample(&line), Ok(Some(sample)));
        assert_eq!(parse_sample(&format_sample(None)), Ok(None));
        assert!(parse_sample("garbage").is_err());
        assert!(parse_sample("{\"values\": [\"x\"]}").is_err());
    }
}
