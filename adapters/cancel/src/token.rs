//! [`CancellationToken`]: cancellation that flows down a tree of tokens.
//!
//! ```text
//!            root ──cancel()──► every descendant, depth first
//!           /    \
//!       child    child ──cancel()──► this subtree only
//!         |
//!     grandchild
//! ```
//!
//! Each token is a node. A parent holds its children (to cancel them); a child holds its
//! parent (to detach from it). Transitions, each under one node's lock at a time:
//!
//! 1. `child_token()`: the child joins the parent's `children` (or is born cancelled, when
//!    the parent already is).
//! 2. `cancel()`: the node is marked cancelled, its `children` and `waiters` are taken out,
//!    the lock is released, the waiters are woken and each child is cancelled in turn.
//! 3. the last handle of a node drops: if the node has no children it leaves its parent's
//!    `children` (and the parent, if it has no handles and no children left, leaves its
//!    own parent, and so on up); a node with children stays as a relay until they go.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::PoisonError;
use std::task::{Context, Poll, Waker};

use slab::Slab;

use crate::sync::{Arc, AtomicBool, Mutex, MutexGuard, Ordering};

/// A cancellation signal shared by clones, with children that a cancel reaches too.
///
/// - [`cancel`](Self::cancel) cancels this token, its clones and every token below it;
///   a child can be cancelled alone, its parent is untouched.
/// - [`cancelled`](Self::cancelled) is a leaf future that completes once the token is
///   cancelled.
/// - Dropping the last clone of a child detaches it from its parent, so a long-lived
///   parent does not collect dead children.
///
/// ```
/// use wakewire_adapter_cancel::CancellationToken;
///
/// let server = CancellationToken::new();
/// let connection = server.child_token();
/// let request = connection.child_token();
/// connection.cancel(); // one connection: its requests stop, the server goes on
/// assert!(request.is_cancelled() && !server.is_cancelled());
///
/// let other = server.child_token();
/// server.cancel(); // shutdown: everything below stops
/// wakewire_core::block_on(other.cancelled());
/// ```
pub struct CancellationToken {
    node: Arc<Node>,
}

struct Node {
    /// Set once, under the lock; read without it by `is_cancelled`.
    cancelled: AtomicBool,
    state: Mutex<NodeState>,
}

struct NodeState {
    parent: Option<Arc<Node>>,
    /// This node's key in its parent's `children`.
    key_in_parent: usize,
    children: Slab<Arc<Node>>,
    waiters: Slab<Waker>,
    /// Live `CancellationToken`s for this node.
    handles: usize,
}

impl Node {
    fn new(parent: Option<Arc<Node>>, key_in_parent: usize, cancelled: bool) -> Arc<Node> {
        Arc::new(Node {
            cancelled: AtomicBool::new(cancelled),
            state: Mutex::new(NodeState {
                parent,
                key_in_parent,
                children: Slab::new(),
                waiters: Slab::new(),
                handles: 1,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, NodeState> {
        // No user code runs under the lock (wakers run after it is released), so a
        // poisoned lock still guards a consistent node.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_cancelled(&self) -> bool {
        // Acquire pairs with the Release in `cancel_tree`.
        self.cancelled.load(Ordering::Acquire)
    }
}

/// Transition 2, for `root` and everything below it, one node lock at a time.
fn cancel_tree(root: &Arc<Node>) {
    let mut pending = vec![Arc::clone(root)];
    while let Some(node) = pending.pop() {
        let (children, waiters) = {
            let mut state = node.lock();
            if node.is_cancelled() {
                continue;
            }
            node.cancelled.store(true, Ordering::Release);
            (
                std::mem::take(&mut state.children),
                std::mem::take(&mut state.waiters),
            )
        };
        let wakers: Vec<Waker> = waiters.into_iter().map(|(_, waker)| waker).collect();
        if let Some(payload) = wakewire_core::waker::wake_all("cancellation token", wakers) {
            // A waker is foreign code: its panic must not stop the rest of the tree.
            wakewire_core::panic::drop_payload(payload);
        }
        pending.extend(children.into_iter().map(|(_, child)| child));
    }
}

/// Transition 3: `node` (no handles, no children) leaves its parent, and the parent leaves
/// its own when it is left with neither.
fn detach(mut node: Arc<Node>, mut parent: Option<Arc<Node>>, mut key: usize) {
    while let Some(up) = parent.take() {
        let removed;
        let next;
        {
            let mut state = up.lock();
            removed = match state.children.get(key) {
                Some(child) if Arc::ptr_eq(child, &node) => Some(state.children.remove(key)),
                // Taken out by a cancel, or never linked.
                _ => None,
            };
            next = if state.handles == 0 && state.children.is_empty() {
                state
                    .parent
                    .take()
                    .map(|grand| (grand, state.key_in_parent))
            } else {
                None
            };
        }
        drop(removed);
        match next {
            Some((grand, up_key)) => {
                node = up;
                parent = Some(grand);
                key = up_key;
            }
            None => return,
        }
    }
}

impl CancellationToken {
    /// A new root token.
    pub fn new() -> Self {
        CancellationToken {
            node: Node::new(None, 0, false),
        }
    }

    /// A token that is cancelled when this one is (or when it is cancelled itself).
    pub fn child_token(&self) -> CancellationToken {
        let mut state = self.node.lock();
        if self.node.is_cancelled() {
            return CancellationToken {
                node: Node::new(None, 0, true),
            };
        }
        let entry = state.children.vacant_entry();
        let child = Node::new(Some(Arc::clone(&self.node)), entry.key(), false);
        entry.insert(Arc::clone(&child));
        CancellationToken { node: child }
    }

    /// Cancels this token and every token below it, and wakes every
    /// [`cancelled`](Self::cancelled) future waiting on them (on this thread, outside any
    /// lock). Cancelling again does nothing.
    pub fn cancel(&self) {
        cancel_tree(&self.node);
    }

    /// Whether the token was cancelled (itself or through a parent).
    pub fn is_cancelled(&self) -> bool {
        self.node.is_cancelled()
    }

    /// A future that completes once the token is cancelled.
    pub fn cancelled(&self) -> WaitForCancellation<'_> {
        WaitForCancellation {
            node: &self.node,
            key: None,
        }
    }

    /// How many child tokens are attached to this one right now (a cancelled token has
    /// none: cancelling detaches them). For diagnostics and leak tests.
    pub fn attached_children(&self) -> usize {
        self.node.lock().children.len()
    }
}

impl Default for CancellationToken {
    fn default() -> Self {
        CancellationToken::new()
    }
}

impl Clone for CancellationToken {
    fn clone(&self) -> Self {
        self.node.lock().handles += 1;
        CancellationToken {
            node: Arc::clone(&self.node),
        }
    }
}

impl Drop for CancellationToken {
    fn drop(&mut self) {
        let (parent, key) = {
            let mut state = self.node.lock();
            state.handles -= 1;
            if state.handles > 0 || !state.children.is_empty() {
                return;
            }
            (state.parent.take(), state.key_in_parent)
        };
        detach(Arc::clone(&self.node), parent, key);
    }
}

impl fmt::Debug for CancellationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancellationToken")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// The future of [`CancellationToken::cancelled`]: completes once the token is cancelled.
///
/// # Wakeups
///
/// While pending it keeps the task's latest waker in the token's node; `cancel` (of the
/// token or of any ancestor) wakes it once. Dropping the future removes its waker.
#[must_use = "futures do nothing unless you poll them"]
pub struct WaitForCancellation<'a> {
    node: &'a Arc<Node>,
    /// Our slot in the node's `waiters`, once registered.
    key: Option<usize>,
}

impl Future for WaitForCancellation<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.node.is_cancelled() {
            return Poll::Ready(());
        }
        let node = self.node;
        let replaced = {
            let mut state = node.lock();
            // Checked again under the lock: `cancel_tree` sets the flag under it, so a
            // waker stored now is either seen by that cancel or not needed.
            if node.is_cancelled() {
                return Poll::Ready(());
            }
            match self.key {
                Some(key) => match state.waiters.get_mut(key) {
                    Some(stored) if stored.will_wake(cx.waker()) => None,
                    Some(stored) => Some(std::mem::replace(stored, cx.waker().clone())),
                    None => unreachable!("waiters are only taken out by a cancel"),
                },
                None => {
                    self.key = Some(state.waiters.insert(cx.waker().clone()));
                    None
                }
            }
        };
        // Dropped after unlocking: it is foreign code.
        drop(replaced);
        Poll::Pending
    }
}

impl Drop for WaitForCancellation<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let removed = {
                let mut state = self.node.lock();
                if self.node.is_cancelled() {
                    // The cancel took every waiter (and may have reused no key since).
                    None
                } else {
                    state.waiters.try_remove(key)
                }
            };
            drop(removed);
        }
    }
}

impl fmt::Debug for WaitForCancellation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitForCancellation")
            .field("cancelled", &self.node.is_cancelled())
            .finish()
    }
}
