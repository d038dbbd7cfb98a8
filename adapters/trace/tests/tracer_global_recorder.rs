//! A recorder installed globally is current on every thread that entered none (its own
//! test binary: the global recorder is process-wide).

use wakewire_adapter_trace::{Recorder, TraceExt};

#[test]
fn a_global_recorder_traces_every_thread_until_uninstalled() {
    let global = Recorder::new();
    global.install_global();
    std::thread::spawn(|| wakewire_core::block_on(async {}.traced("elsewhere")))
        .join()
        .unwrap();
    let entered = Recorder::new();
    {
        let _here = entered.enter(); // an entered recorder wins over the global one
        wakewire_core::block_on(async {}.traced("here"));
    }
    Recorder::uninstall_global();
    wakewire_core::block_on(async {}.traced("after"));

    let trace = global.snapshot();
    assert!(trace.task_named("elsewhere").is_some());
    assert!(trace.task_named("here").is_none());
    assert!(trace.task_named("after").is_none());
    assert!(entered.snapshot().task_named("here").is_some());
    assert!(Recorder::current().is_none());
}
