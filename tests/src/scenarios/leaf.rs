//! The generic scenarios, written once against [`LeafSource`]: every reactor that makes
//! leaf futures gets them.

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use wakewire_adapter_cancel::{Cancelable, Canceled};
use wakewire_core::spawn::BoxFuture;
use wakewire_core::timer::{timeout, DynTimerRef};
use wakewire_core::waker::counting_waker;

use crate::kit::context::CellContext;
use crate::kit::leaf::{Leaf, LeafSource};
use crate::kit::reactor::Scenario;
use crate::scenarios::support::{
    assert_pending, default_clockwork, eventually, on_another_thread, registrations_back,
    RELEASE_LIMIT,
};
use crate::util::{forwarding_counter, poll_once};

/// A deadline far enough that no scenario reaches it.
const FAR: Duration = Duration::from_secs(10 * 3600);

/// The generic scenarios, in the order they run.
pub(crate) fn generic<R: LeafSource>() -> Vec<Scenario<R>> {
    vec![
        Scenario::new(
            "leaf-completes",
            "a leaf whose event has happened completes when awaited in a task",
            completes::<R>,
        ),
        Scenario::new(
            "foreign-thread-wake",
            "a pending leaf whose event is caused on another thread wakes its task",
            foreign_thread_wake::<R>,
        ),
        Scenario::new(
            "latest-waker-only",
            "a leaf polled with waker A, then with the task's waker: the event wakes the task, never A",
            latest_waker_only::<R>,
        ),
        Scenario::new(
            "drop-releases",
            "a pending leaf dropped: its registration is released (counted where the reactor counts) and its waker clone dropped",
            drop_releases::<R>,
        ),
        Scenario::new(
            "cancelable",
            "a pending leaf in a Cancelable, cancelled from another thread: Err(Canceled), registration released",
            cancelable::<R>,
        ),
        Scenario::new(
            "timeout-elapses",
            "core's timeout over a leaf that never fires: Elapsed when the timer's deadline passes, the leaf released",
            timeout_elapses::<R>,
        ),
        Scenario::new(
            "timeout-passes",
            "core's timeout over a leaf that fires in time: the leaf's output",
            timeout_passes::<R>,
        ),
    ]
}

fn completes<R: LeafSource>(source: &R, cx: &CellContext) -> BoxFuture<()> {
    let Leaf { future, fire } = source.leaf();
    let cx = cx.clone();
    Box::pin(async move {
        if let Some(fire) = fire {
            fire();
        }
        cx.at("awaiting a leaf whose event already happened");
        if let Err(error) = future.await {
            panic!("the leaf completed with an error: {error}");
        }
    })
}

fn foreign_thread_wake<R: LeafSource>(source: &R, cx: &CellContext) -> BoxFuture<()> {
    let Leaf { mut future, fire } = source.leaf();
    let cx = cx.clone();
    Box::pin(async move {
        assert_pending(&mut future, "the leaf").await;
        if let Some(fire) = fire {
            on_another_thread(fire);
        }
        cx.at("awaiting the leaf, whose event another thread causes");
        if let Err(error) = future.await {
            panic!("the leaf completed with an error: {error}");
        }
    })
}

fn latest_waker_only<R: LeafSource>(source: &R, cx: &CellContext) -> BoxFuture<()> {
    let Leaf { mut future, fire } = source.leaf();
    let cx = cx.clone();
    Box::pin(async move {
        // Waker A counts its wakes and passes them on to this task, so a wrong wake shows
        // up as a count rather than a hang.
        let task_waker = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
        let (stale, seen) = forwarding_counter(task_waker);
        assert!(
            poll_once(&mut future, &stale).is_pending(),
            "the leaf was ready before its event happened"
        );
        drop(stale);
        let second = crate::util::poll_in_task(&mut future).await;
        if second.is_ready() {
            // Only a self-firing leaf gets here (its deadline passed between two polls):
            // nothing to conclude about wakers.
            assert!(
                fire.is_none(),
                "the leaf was ready before its event happened"
            );
            return;
        }
        if let Some(fire) = fire {
            on_another_thread(fire);
        }
        cx.at("awaiting the leaf with the task's waker (waker A was replaced)");
        if let Err(error) = future.await {
            panic!("the leaf completed with an error: {error}");
        }
        assert_eq!(seen.wakes(), 0, "the event woke the replaced waker A");
        cx.at("waiting for the reactor to drop its clone of waker A");
        eventually(
            "the reactor drops the replaced waker",
            RELEASE_LIMIT,
            || !seen.is_held(),
        )
        .await;
    })
}

fn drop_releases<R: LeafSource>(source: &R, cx: &CellContext) -> BoxFuture<()> {
    let count = source.registrations();
    let before = count.as_ref().map(|count| count());
    let Leaf { mut future, fire } = source.idle_leaf();
    let settle = source.settle();
    let cx = cx.clone();
    Box::pin(async move {
        let (waker, wakes) = counting_waker();
        assert!(
            poll_once(&mut future, &waker).is_pending(),
            "an idle leaf was ready"
        );
        drop(waker);
        if let (Some(count), Some(before)) = (&count, before) {
            assert!(
                count() > before,
                "polling the leaf registered nothing ({before} registrations before and after)"
            );
        }
        assert!(
            wakes.live_references() > 1,
            "the pending leaf kept no waker"
        );
        drop(future);
        if let Some(settle) = settle {
            cx.at("waiting for the reactor's next turn");
            settle.await;
        }
        cx.at("waiting for the dropped leaf's registration to be released");
        registrations_back(&count, before, "after dropping the leaf").await;
        cx.at("waiting for the reactor to drop the dropped leaf's waker");
        eventually(
            "the reactor drops the waker of a dropped leaf",
            RELEASE_LIMIT,
            || wakes.live_references() == 1,
        )
        .await;
        assert_eq!(wakes.wakes(), 0, "a dropped leaf's waker was woken");
        drop(fire);
    })
}

fn cancelable<R: LeafSource>(source: &R, cx: &CellContext) -> BoxFuture<()> {
    let count = source.registrations();
    let before = count.as_ref().map(|count| count());
    let Leaf { future, fire } = source.idle_leaf();
    let cx = cx.clone();
    Box::pin(async move {
        let (mut cancelable, handle) = Cancelable::new(future);
        assert_pending(&mut cancelable, "the Cancelable leaf").await;
        on_another_thread(move || {
            handle.cancel();
        });
        cx.at("awaiting the Cancelable after cancel() on another thread");
        match cancelable.await {
            Err(Canceled) => {}
            Ok(output) => panic!("the cancelled leaf completed instead: {output:?}"),
        }
        cx.at("waiting for the cancelled leaf's registration to be released");
        registrations_back(&count, before, "after the cancel").await;
        drop(fire);
    })
}

fn timeout_elapses<R: LeafSource>(source: &R, cx: &CellContext) -> BoxFuture<()> {
    let clock = source.clockwork().unwrap_or_else(default_clockwork);
    let count = source.registrations();
    let before = count.as_ref().map(|count| count());
    let Leaf { future, fire } = source.idle_leaf();
    let cx = cx.clone();
    Box::pin(async move {
        let limit = if clock.advance.is_some() {
            Duration::from_secs(1)
        } else {
            Duration::from_millis(20)
        };
        let timer = DynTimerRef(&*clock.timer);
        let mut bounded = Box::pin(timeout(&timer, limit, future));
        assert_pending(&mut bounded, "the timeout").await;
        if let Some(advance) = clock.advance.clone() {
            on_another_thread(move || advance(limit));
        }
        cx.at(format!("awaiting a timeout of {limit:?} on {}", clock.name));
        match bounded.await {
            Err(_elapsed) => {}
            Ok(output) => panic!("the leaf finished before the timeout: {output:?}"),
        }
        registrations_back(&count, before, "after the timeout").await;
        drop(fire);
    })
}

fn timeout_passes<R: LeafSource>(source: &R, cx: &CellContext) -> BoxFuture<()> {
    let clock = source.clockwork().unwrap_or_else(default_clockwork);
    let Leaf { future, fire } = source.leaf();
    let cx = cx.clone();
    Box::pin(async move {
        let timer = DynTimerRef(&*clock.timer);
        let mut bounded = Box::pin(timeout(&timer, FAR, future));
        assert_pending(&mut bounded, "the timeout").await;
        if let Some(fire) = fire {
            on_another_thread(fire);
        }
        cx.at(format!(
            "awaiting the leaf inside a {FAR:?} timeout on {}",
            clock.name
        ));
        match bounded.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => panic!("the leaf completed with an error: {error}"),
            Err(_elapsed) => panic!("the timeout elapsed before the leaf fired"),
        }
    })
}
