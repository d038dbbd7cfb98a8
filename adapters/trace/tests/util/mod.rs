//! Shared helpers: a leaf future rung by a named "reactor" thread, and trace queries.
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use wakewire_adapter_trace::{EventKind, TaskTag, Trace};

/// What a bell and its ringer share.
#[derive(Default)]
pub struct Bell {
    rang: bool,
    waker: Option<Waker>,
}

/// A leaf future that registers with a ringer thread on its first poll and completes
/// once rung. The ringer wakes through `wake_all("doorbell", ..)`, naming itself.
pub struct Doorbell {
    bell: Arc<Mutex<Bell>>,
    ringer: Option<mpsc::Sender<Arc<Mutex<Bell>>>>,
}

/// Starts a ringer thread called `doorbell-thread` that rings every bell it is handed.
pub fn doorbell() -> Doorbell {
    let (register, registrations) = mpsc::channel::<Arc<Mutex<Bell>>>();
    thread::Builder::new()
        .name("doorbell-thread".into())
        .spawn(move || {
            for bell in registrations {
                let waker = {
                    let mut bell = bell.lock().unwrap();
                    bell.rang = true;
                    bell.waker.take()
                };
                if let Some(payload) = wakewire_core::waker::wake_all("doorbell", waker) {
                    wakewire_core::panic::drop_payload(payload);
                }
            }
        })
        .unwrap();
    Doorbell {
        bell: Arc::default(),
        ringer: Some(register),
    }
}

impl Future for Doorbell {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut bell = self.bell.lock().unwrap();
        if bell.rang {
            return Poll::Ready(());
        }
        bell.waker = Some(cx.waker().clone());
        drop(bell);
        if let Some(ringer) = self.ringer.take() {
            ringer.send(Arc::clone(&self.bell)).unwrap();
        }
        Poll::Pending
    }
}

/// The kinds of one task's events, by short name, in order.
pub fn kinds(trace: &Trace, task: TaskTag) -> Vec<&'static str> {
    trace.task_events(task).map(|e| e.kind.name()).collect()
}

/// Checks the Poll → Wait → Wake story of a task traced around one `Doorbell`: poll 1
/// Pending with the waker kept, a wake of that waker by the doorbell reactor on its
/// thread, then a Ready poll.
pub fn assert_doorbell_story(trace: &Trace, task: TaskTag) {
    let polls = trace.polls(task);
    assert!(polls.len() >= 2, "{polls:?}");
    assert!(!polls[0].ready, "{polls:?}");
    assert!(polls.last().unwrap().ready, "{polls:?}");
    let wake = trace
        .task_events(task)
        .find(|e| matches!(e.kind, EventKind::Wake { .. }))
        .expect("a wake");
    match &wake.kind {
        EventKind::Wake {
            generation,
            by_ref,
            source,
            by_task,
        } => {
            assert_eq!(*generation, 1);
            assert!(!by_ref);
            assert_eq!(*source, Some("doorbell"));
            assert_eq!(*by_task, None);
            assert_eq!(trace.thread_name(wake.thread), "doorbell-thread");
        }
        _ => unreachable!(),
    }
    // The wake comes before the poll it caused.
    assert!(polls[1].start >= wake.at);
    // Poll 1 kept the clone it gave the ringer, unless the ringer had already rung and
    // dropped it before the poll returned.
    let poll_1_end = polls[0].start + polls[0].duration.unwrap();
    assert!(polls[0].kept >= 1 || wake.at <= poll_1_end, "{polls:?}");
}
