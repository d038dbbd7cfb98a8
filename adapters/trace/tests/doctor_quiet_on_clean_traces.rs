//! The doctor finds nothing on well-behaved programs: timers, channels between tasks,
//! `spawn_blocking`, yields, on Wakewire's executors and on tokio.

use std::time::Duration;

use wakewire_adapter_trace::doctor::doctor;
use wakewire_adapter_trace::{Recorder, Trace, TraceExt};
use wakewire_core::future::yield_now;
use wakewire_core::{BlockOn, LocalSpawn, Spawn, ThreadParker};
use wakewire_executor_local::LocalExecutor;
use wakewire_reactor_channel::{mpsc, oneshot};
use wakewire_reactor_timer::{ManualClock, TimerPark};

fn assert_clean(trace: &Trace) {
    let findings = doctor(trace);
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(trace.tasks().len() >= 2, "the run was traced");
}

#[test]
fn timers_on_the_local_executor_driving_its_own_timer() {
    let recorder = Recorder::new();
    let clock = ManualClock::new();
    clock.set_auto_advance(true);
    let park = TimerPark::with_clock(recorder.traced_park(ThreadParker::new()), clock);
    let timer = park.handle();
    let ex = LocalExecutor::with_park(park);
    let handles: Vec<_> = (1..=3u64)
        .map(|i| {
            let timer = timer.clone();
            ex.spawn_local(
                async move { timer.sleep(Duration::from_millis(10 * i)).await }
                    .traced_in(&recorder, format!("sleeper-{i}")),
            )
            .unwrap()
        })
        .collect();
    ex.block_on(
        async {
            for handle in handles {
                handle.await.unwrap();
            }
        }
        .traced_in(&recorder, "main"),
    );
    assert_clean(&recorder.snapshot());
}

#[test]
fn channels_between_tasks_on_the_pool() {
    let recorder = Recorder::new();
    let pool = wakewire_executor_pool::Pool::builder().workers(2).build();
    let (tx, mut rx) = mpsc::bounded::<u32>(2);
    let (done_tx, done_rx) = oneshot::channel::<u32>();
    pool.spawn(
        async move {
            for i in 0..20 {
                tx.send(i).await.unwrap();
            }
        }
        .traced_in(&recorder, "producer"),
    )
    .unwrap()
    .detach();
    pool.spawn(
        async move {
            let mut sum = 0;
            while let Ok(value) = rx.recv().await {
                sum += value;
            }
            done_tx.send(sum).unwrap();
        }
        .traced_in(&recorder, "consumer"),
    )
    .unwrap()
    .detach();
    let sum = pool
        .block_on(done_rx.traced_in(&recorder, "waiter"))
        .unwrap();
    assert_eq!(sum, 190);
    assert_clean(&recorder.snapshot());
}

#[test]
fn spawn_blocking_and_yields_on_tokio() {
    let recorder = Recorder::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let traced_recorder = recorder.clone();
    rt.block_on(
        async move {
            let job = wakewire_reactor_blocking::spawn_blocking(|| (1..=100u64).sum::<u64>());
            let total = job
                .traced_in(&traced_recorder, "blocking-job")
                .await
                .unwrap();
            assert_eq!(total, 5050);
            for _ in 0..5 {
                yield_now().await;
            }
        }
        .traced_in(&recorder, "main"),
    );
    assert_clean(&recorder.snapshot());
}
