//! The park's context (what a reactor's park makes current, so free constructors such as
//! `sleep` find that reactor) is current on the executor's thread whenever it polls: in
//! `block_on` (for the main future and for tasks), `try_tick` and `run_until_stalled`, and
//! uninstalled again when they return.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use wakewire_core::park::ParkContext;
use wakewire_core::{Park, ThreadParker};
use wakewire_executor_local::LocalExecutor;

thread_local!(static INSTALLED: Cell<u32> = const { Cell::new(0) });

/// Restores the marker when the context is left.
struct Uninstall(u32);

impl Drop for Uninstall {
    fn drop(&mut self) {
        INSTALLED.with(|installed| installed.set(self.0));
    }
}

fn installed() -> u32 {
    INSTALLED.with(Cell::get)
}

/// A park whose context marks the thread with `7`, as a reactor's park installs its handle.
struct MarkingPark(ThreadParker);

impl Park for MarkingPark {
    type Unpark = <ThreadParker as Park>::Unpark;

    fn unparker(&self) -> Self::Unpark {
        self.0.unparker()
    }

    fn park(&mut self) -> std::io::Result<()> {
        self.0.park()
    }

    fn park_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
        self.0.park_timeout(timeout)
    }

    fn context(&self) -> ParkContext {
        ParkContext::new().with(|| Uninstall(INSTALLED.with(|installed| installed.replace(7))))
    }
}

#[test]
fn tasks_and_the_main_future_run_inside_the_parks_context() {
    let ex = LocalExecutor::with_park(MarkingPark(ThreadParker::new()));
    let seen = Rc::new(Cell::new(0));
    let task = ex
        .spawn_local({
            let seen = seen.clone();
            async move { seen.set(installed()) }
        })
        .unwrap();
    assert_eq!(installed(), 0, "installed only while the executor runs");
    let main_saw = ex.block_on(async {
        task.await.unwrap();
        installed()
    });
    assert_eq!((main_saw, seen.get()), (7, 7));
    assert_eq!(installed(), 0, "uninstalled when block_on returns");
}

#[test]
fn try_tick_and_run_until_stalled_enter_the_context_too() {
    let ex = LocalExecutor::builder()
        .park(MarkingPark(ThreadParker::new()))
        .build();
    let seen = Rc::new(Cell::new(Vec::new()));
    for _ in 0..2 {
        let seen = seen.clone();
        drop(
            ex.spawn_local(async move {
                let mut all = seen.take();
                all.push(installed());
                seen.set(all);
            })
            .unwrap(),
        );
    }
    assert!(ex.try_tick());
    assert_eq!(installed(), 0);
    assert_eq!(ex.run_until_stalled(), 1);
    assert_eq!(installed(), 0);
    assert_eq!(seen.take(), [7, 7]);
}
