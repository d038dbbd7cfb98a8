//! Handles and futures are `Send`/`Sync` where a multi-thread executor needs them to be.
#![cfg(not(loom))]

use wakewire_reactor_channel::{broadcast, mpsc, oneshot, watch, Notify};

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}

#[test]
fn handles_and_futures_cross_threads() {
    assert_send::<mpsc::Sender<u8>>();
    assert_sync::<mpsc::Sender<u8>>();
    assert_send::<mpsc::Receiver<u8>>();
    assert_sync::<mpsc::Receiver<u8>>();
    assert_send::<mpsc::Send<'static, u8>>();
    assert_send::<mpsc::Recv<'static, u8>>();
    assert_send::<mpsc::SendSink<u8>>();
    assert_send::<oneshot::Sender<u8>>();
    assert_send::<oneshot::Receiver<u8>>();
    assert_send::<oneshot::Closed<'static, u8>>();
    assert_send::<broadcast::Sender<u8>>();
    assert_send::<broadcast::Receiver<u8>>();
    assert_send::<broadcast::Recv<'static, u8>>();
    assert_send::<watch::Sender<u8>>();
    assert_sync::<watch::Sender<u8>>();
    assert_send::<watch::Receiver<u8>>();
    assert_send::<watch::Changed<'static, u8>>();
    assert_send::<Notify>();
    assert_sync::<Notify>();
    assert_send::<wakewire_reactor_channel::Notified<'static>>();
}
