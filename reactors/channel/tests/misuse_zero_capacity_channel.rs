//! Capacity 0 is rejected with a documented panic (this crate has no rendezvous
//! channel), for mpsc and broadcast alike; capacity 1 is the smallest that works.
#![cfg(not(loom))]

use std::panic;

use wakewire_reactor_channel::{broadcast, mpsc};

fn panic_message(result: std::thread::Result<()>) -> String {
    let payload = result.expect_err("capacity 0 must be rejected");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn misuse_zero_capacity_channel() {
    let message = panic_message(panic::catch_unwind(|| drop(mpsc::bounded::<u8>(0))));
    assert_eq!(
        message,
        "mpsc::bounded: capacity must be at least 1 \
         (a zero-capacity rendezvous channel is not supported)"
    );
    let message = panic_message(panic::catch_unwind(|| drop(broadcast::channel::<u8>(0))));
    assert_eq!(message, "broadcast::channel: capacity must be at least 1");
}

#[test]
fn misuse_zero_capacity_channel_smallest_working_capacity_is_one() {
    let (tx, mut rx) = mpsc::bounded(1);
    tx.try_send(1).unwrap();
    assert!(tx.try_send(2).unwrap_err().is_full());
    assert_eq!(rx.try_recv(), Ok(1));
}
