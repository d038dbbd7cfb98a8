//! A one-line description of the machine, for the report and the JSON.

use std::fs;

/// `"<cpu model>, <n> cores, Linux <kernel>, <rustc version>"`.
pub(crate) fn describe() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| k.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    let rustc = env!("WAKEWIRE_BENCH_RUSTC");
    format!("{cpu}, {cores} cores, Linux {kernel}, {rustc}")
}

/// The 1, 5 and 15 minute load averages from `/proc/loadavg`: on a shared machine they say
/// how much to trust a run.
pub(crate) fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}
