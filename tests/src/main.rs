//! `cargo run --release -p wakewire-matrix`: runs the cross-compatibility matrix and prints
//! it; see `--help`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use wakewire_matrix::{contract_scenarios, default_jobs, Event, Filter, Matrix, Status};

const HELP: &str = "\
wakewire-matrix: every Wakewire executor against every reactor, in every drive mode.

USAGE: cargo run --release -p wakewire-matrix -- [OPTIONS]

OPTIONS:
  --only EXECUTOR/REACTOR   run only matching cells (repeatable); either side may be empty
                            or *, the reactor may name a mode (mio/park) or `contract`
  --json PATH               also write the cells as JSON
  --markdown PATH           also write the matrix as Markdown (docs/MATRIX.md)
  --list                    print the executors, reactors and scenarios, and exit
  --jobs N                  cells run at once (default: the cores, at least 2)
  --show-panics             also print the panics scenarios provoke on purpose
  -h, --help                this text

Exits 1 if any cell fails. WAKEWIRE_MATRIX_SCENARIO_SECS sets how long a scenario may run
before its cell is reported as hung (default 10).";

struct Options {
    only: Vec<String>,
    json: Option<String>,
    markdown: Option<String>,
    list: bool,
    jobs: usize,
    show_panics: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        only: Vec::new(),
        json: None,
        markdown: None,
        list: false,
        jobs: default_jobs(),
        show_panics: false,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--only" => options.only.push(value("--only")?),
            "--json" => options.json = Some(value("--json")?),
            "--markdown" => options.markdown = Some(value("--markdown")?),
            "--jobs" => {
                options.jobs = value("--jobs")?
                    .parse()
                    .map_err(|e| format!("--jobs: {e}"))?
            }
            "--list" => options.list = true,
            "--show-panics" => options.show_panics = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}; see --help")),
        }
    }
    Ok(Some(options))
}

fn list(matrix: &Matrix) {
    println!("Executors (rows):");
    for executor in matrix.executors() {
        let park = match executor.park_mode() {
            Ok(()) => "park mode: yes".to_owned(),
            Err(reason) => format!("park mode: n/a ({reason})"),
        };
        println!(
            "  {:<22} {}\n  {:<22} {park}",
            executor.name(),
            executor.about(),
            ""
        );
    }
    println!("\nThe contract column (every executor):");
    for scenario in contract_scenarios() {
        println!("  {:<26} {}", scenario.name, scenario.about);
    }
    println!("\nReactors (columns: reactor/thread, reactor/park):");
    for reactor in matrix.reactors() {
        println!("\n  {}: {}", reactor.name(), reactor.about());
        for mode in wakewire_matrix::Mode::ALL {
            if let Err(reason) = reactor.mode(mode) {
                println!("    {mode} mode: n/a ({reason})");
            }
        }
        for scenario in reactor.scenarios() {
            println!("    {:<26} {}", scenario.name, scenario.about);
        }
    }
}

/// Progress on stderr: one updating line on a terminal, a line per finished cell elsewhere.
fn progress(event: Event<'_>, tty: bool, last: &Mutex<String>) {
    let mut stderr = std::io::stderr().lock();
    match event {
        Event::Started {
            done,
            total,
            executor,
            column,
        } if tty => {
            let line = format!("[{done:>3}/{total}] running {executor} × {column}");
            let _ = write!(stderr, "\r\x1b[K{line}");
            *last.lock().unwrap_or_else(|e| e.into_inner()) = line;
        }
        Event::Finished { done, total, cell } => {
            let mark = match cell.status {
                Status::Pass => "✓",
                Status::Fail => "✗",
                Status::NotApplicable => "-",
            };
            if tty {
                let _ = write!(
                    stderr,
                    "\r\x1b[K[{done:>3}/{total}] {mark} {} × {}",
                    cell.executor,
                    cell.column()
                );
            } else if cell.status != Status::NotApplicable {
                let _ = writeln!(
                    stderr,
                    "[{done:>3}/{total}] {mark} {} × {} ({:.0} ms)",
                    cell.executor,
                    cell.column(),
                    cell.ms
                );
            }
            if cell.status == Status::Fail {
                let _ = writeln!(
                    stderr,
                    "{}    ✗ {} × {}: {}",
                    if tty { "\n" } else { "" },
                    cell.executor,
                    cell.column(),
                    cell.detail
                );
            }
        }
        Event::Started { .. } => {}
    }
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("wakewire-matrix: {error}");
            return ExitCode::from(2);
        }
    };
    let matrix = Matrix::wakewire();
    if options.list {
        list(&matrix);
        return ExitCode::SUCCESS;
    }
    let filter = match Filter::parse(&options.only) {
        Ok(filter) => filter,
        Err(error) => {
            eprintln!("wakewire-matrix: {error}");
            return ExitCode::from(2);
        }
    };
    if !options.show_panics {
        // Scenarios provoke panics on purpose; every other panic still prints (and fails
        // its cell).
        wakewire_matrix::hide_expected_panics();
    }
    let tty = std::io::stderr().is_terminal();
    let last = Mutex::new(String::new());
    let started = Instant::now();
    let report = matrix.run(&filter, options.jobs, &|event| progress(event, tty, &last));
    if tty {
        eprintln!("\r\x1b[K");
    }
    eprintln!(
        "ran {} cells in {:.1}s ({} at a time)",
        report.cells.len(),
        started.elapsed().as_secs_f64(),
        options.jobs
    );
    print!("{}", report.to_text());
    for (path, text) in [
        (&options.json, report.to_json()),
        (&options.markdown, report.to_markdown(&matrix)),
    ] {
        if let Some(path) = path {
            if let Err(error) = std::fs::write(path, text) {
                eprintln!("wakewire-matrix: cannot write {path}: {error}");
                return ExitCode::from(2);
            }
        }
    }
    let _ = std::io::stdout().flush();
    // Cells that hung left threads behind; exit without waiting for them.
    std::process::exit(if report.all_passed() { 0 } else { 1 });
}
