//! The learning path's examples (`examples/00_…` to `examples/13_…`) print what their
//! golden files beside this test (`examples/golden/`) say, with times and thread numbers normalised, so
//! the teaching material cannot silently rot.
//!
//! Each example's `run()` is compiled into this test (no `cargo run`, no rebuild) and
//! called on a thread named `main`, as `cargo run --example` would. After an intended
//! change, rewrite the golden files with:
//!
//! ```text
//! WAKEWIRE_BLESS=1 cargo test --test learning_path_golden
//! ```

use std::path::PathBuf;

macro_rules! lessons {
    ($($module:ident => $file:literal,)*) => {
        $(
            #[path = $file]
            #[allow(dead_code, unreachable_pub)]
            mod $module;
        )*
        $(
            #[test]
            fn $module() {
                let name = $file.trim_start_matches("../").trim_end_matches(".rs");
                let output = on_main_thread(|| $module::run().0);
                check(name, &output);
            }
        )*
    };
}

lessons! {
    lesson_00 => "../00_poll_wait_wake.rs",
    lesson_01 => "../01_leaf_and_non_leaf.rs",
    lesson_02 => "../02_waker_life_cycle.rs",
    lesson_03 => "../03_cpu_spawn_blocking.rs",
    lesson_04 => "../04_cpu_supervisor.rs",
    lesson_05 => "../05_cpu_custom_reactor.rs",
    lesson_06 => "../06_cancelable.rs",
    lesson_07 => "../07_mixing_executors_and_reactors.rs",
    lesson_08 => "../08_park_stacking.rs",
    lesson_09 => "../09_your_own_executor.rs",
    lesson_10 => "../10_your_own_reactor.rs",
    lesson_11 => "../11_async_doctor.rs",
    lesson_12 => "../12_timelines.rs",
    lesson_13 => "../13_supervisor_moves_work.rs",
}

/// Runs `lesson` on a thread named `main`, so thread names match `cargo run`'s.
fn on_main_thread(lesson: impl FnOnce() -> String + Send + 'static) -> String {
    std::thread::Builder::new()
        .name("main".into())
        .spawn(lesson)
        .expect("spawn the lesson thread")
        .join()
        .expect("the lesson panicked")
}

fn check(name: &str, output: &str) {
    let actual = normalise(output);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/golden")
        .join(format!("{name}.txt"));
    if std::env::var_os("WAKEWIRE_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: {err} (bless with WAKEWIRE_BLESS=1)", path.display()));
    assert!(
        actual == expected,
        "{name} no longer prints its golden file {}.\n--- expected\n{expected}\n--- actual\n{actual}\n\
         (if the change is intended: WAKEWIRE_BLESS=1 cargo test --test learning_path_golden)",
        path.display()
    );
}

/// Replaces what changes from run to run: durations (`12.5ms`, `3µs`, `1.2s`) become
/// `<time>`, thread numbers (`thread-7`, `` `wakewire-blocking-3` ``, `<worker-0>`) become
/// `-N`.
fn normalise(output: &str) -> String {
    let mut out = String::with_capacity(output.len());
    let chars: Vec<char> = output.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        if chars[i].is_ascii_digit() && at_word_start {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let unit: String = chars[j..].iter().take(2).collect();
            let unit_len =
                if unit.starts_with("ns") || unit.starts_with("µs") || unit.starts_with("ms") {
                    2
                } else if unit.starts_with('s') {
                    1
                } else {
                    0
                };
            let after = j + unit_len;
            let ends_word = after >= chars.len() || !chars[after].is_alphanumeric();
            if unit_len > 0 && ends_word {
                out.push_str("<time>");
                i = after;
                continue;
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        // A numbered thread at the end of a name: `wakewire-blocking-3`, <worker-0>,
        // [blocking on wakewire-blocking-1].
        if chars[i] == '-' && i > 0 && chars[i - 1].is_alphabetic() {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j > i + 1 && j < chars.len() && matches!(chars[j], '`' | '>' | ']') {
                out.push_str("-N");
                i = j;
                continue;
            }
        }
        if chars[i..].starts_with(&THREAD) {
            out.push_str("thread-");
            i += "thread-".len();
            if i < chars.len() && chars[i].is_ascii_digit() {
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                out.push('N');
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

const THREAD: [char; 7] = ['t', 'h', 'r', 'e', 'a', 'd', '-'];
