//! `CancellationToken`: a cancel flows down the tree and nowhere else, `cancelled()` is a
//! leaf future woken by it, and dropped children leave their parent (no leaks).

use std::future::Future;
use std::pin::pin;
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use wakewire_adapter_cancel::CancellationToken;
use wakewire_core::waker::counting_waker;
use wakewire_executor_pool::Pool;

#[test]
fn cancelling_a_parent_cancels_every_descendant() {
    let root = CancellationToken::new();
    let child = root.child_token();
    let grandchild = child.child_token();
    let sibling = root.child_token();
    assert!(!grandchild.is_cancelled());
    root.cancel();
    for token in [&root, &child, &grandchild, &sibling] {
        assert!(token.is_cancelled());
    }
    // Born cancelled below a cancelled token.
    assert!(grandchild.child_token().is_cancelled());
}

#[test]
fn a_child_can_be_cancelled_alone() {
    let root = CancellationToken::new();
    let child = root.child_token();
    let grandchild = child.child_token();
    let sibling = root.child_token();
    child.cancel();
    assert!(child.is_cancelled() && grandchild.is_cancelled());
    assert!(!root.is_cancelled() && !sibling.is_cancelled());
    // Clones share the node.
    let clone = sibling.clone();
    clone.cancel();
    assert!(sibling.is_cancelled());
}

#[test]
fn cancelled_is_a_leaf_future_woken_once_by_the_cancel() {
    let root = CancellationToken::new();
    let child = root.child_token();
    let mut waiting = pin!(child.cancelled());
    let (first, first_wakes) = counting_waker();
    let (second, second_wakes) = counting_waker();
    assert_eq!(
        waiting.as_mut().poll(&mut Context::from_waker(&first)),
        Poll::Pending
    );
    // The latest waker is the one woken.
    assert_eq!(
        waiting.as_mut().poll(&mut Context::from_waker(&second)),
        Poll::Pending
    );
    root.cancel();
    assert_eq!(first_wakes.wakes(), 0);
    assert_eq!(second_wakes.wakes(), 1);
    assert_eq!(
        waiting.as_mut().poll(&mut Context::from_waker(&second)),
        Poll::Ready(())
    );
    root.cancel();
    assert_eq!(second_wakes.wakes(), 1, "a second cancel wakes nobody");
}

#[test]
fn a_task_on_the_pool_waiting_on_a_grandchild_is_woken_by_the_root() {
    let mut pool = Pool::builder().workers(2).build();
    let root = CancellationToken::new();
    let grandchild = root.child_token().child_token();
    let (started_tx, started_rx) = mpsc::channel();
    let task = pool
        .spawn(async move {
            started_tx.send(()).unwrap();
            grandchild.cancelled().await;
            "stopped"
        })
        .unwrap();
    started_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    thread::spawn(move || root.cancel()).join().unwrap();
    assert_eq!(pool.block_on(task).unwrap(), "stopped");
    pool.shutdown(Duration::from_secs(10)).unwrap();
}

#[test]
fn dropping_children_detaches_them_from_the_parent() {
    let root = CancellationToken::new();
    let children: Vec<_> = (0..100).map(|_| root.child_token()).collect();
    assert_eq!(root.attached_children(), 100);
    // Clones keep a child attached until the last one goes.
    let clone = children[0].clone();
    drop(children);
    assert_eq!(root.attached_children(), 1);
    drop(clone);
    assert_eq!(root.attached_children(), 0);

    // A dropped middle token stays as a relay while it has children, so a cancel still
    // reaches them, and leaves once they are gone.
    let middle = root.child_token();
    let leaf = middle.child_token();
    drop(middle);
    assert_eq!(root.attached_children(), 1);
    let other_leaf = {
        let middle = root.child_token();
        middle.child_token()
    };
    assert_eq!(root.attached_children(), 2);
    drop(leaf);
    assert_eq!(
        root.attached_children(),
        1,
        "the first relay left with its last child"
    );
    root.cancel();
    assert!(other_leaf.is_cancelled(), "reached through the relay");
    assert_eq!(root.attached_children(), 0);
}

#[test]
fn churn_of_children_leaves_nothing_behind() {
    let root = CancellationToken::new();
    for round in 0..1000 {
        let child = root.child_token();
        let grandchild = child.child_token();
        let waiting = grandchild.cancelled();
        if round % 3 == 0 {
            child.cancel();
        }
        drop(waiting);
        if round % 2 == 0 {
            drop(child);
            drop(grandchild);
        } else {
            drop(grandchild);
            drop(child);
        }
    }
    assert_eq!(root.attached_children(), 0);
    assert!(!root.is_cancelled());
}
