//! Group commit between threads of one process. Writers to the same
//! target (a mailbox, `deliver.db`) that arrive while another thread is
//! committing to it queue their jobs; when that commit ends, one of them
//! takes every queued job and commits them together. N concurrent
//! deliveries to one mailbox then cost about one directory fsync and one
//! index commit per batch instead of per message, and nobody is answered
//! before the batch holding their job is durable. Between processes the
//! file locks still serialise as before.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::{Condvar, Mutex};

/// Queues of pending jobs by target.
pub(super) struct GroupCommit<J, R> {
    queues: Mutex<HashMap<String, Arc<Queue<J, R>>>>,
}

struct Queue<J, R> {
    state: Mutex<State<J, R>>,
    changed: Condvar,
}

struct State<J, R> {
    /// A thread is committing a batch for this target.
    busy: bool,
    next_id: u64,
    pending: Vec<(u64, J)>,
    /// Results not yet collected; `None` when the batch was abandoned
    /// (its committing thread panicked).
    done: HashMap<u64, Option<R>>,
}

impl<J, R> std::fmt::Debug for GroupCommit<J, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("targets", &self.queues.lock().len())
            .finish()
    }
}

impl<J, R> Default for GroupCommit<J, R> {
    fn default() -> Self {
        GroupCommit {
            queues: Mutex::new(HashMap::new()),
        }
    }
}

/// Marks the batch's jobs as abandoned if the commit unwinds, so their
/// threads are not left waiting for ever.
struct Abandon<'a, J, R> {
    queue: &'a Queue<J, R>,
    ids: Vec<u64>,
}

impl<J, R> Drop for Abandon<'_, J, R> {
    fn drop(&mut self) {
        if self.ids.is_empty() {
            return; // the results went in
        }
        let mut st = self.queue.state.lock();
        st.busy = false;
        for id in self.ids.drain(..) {
            st.done.insert(id, None);
        }
        self.queue.changed.notify_all();
    }
}

impl<J, R> GroupCommit<J, R> {
    /// Runs `job` for `target`, alone or in a batch with other threads'
    /// jobs for the same target. `commit` gets the batch's jobs in
    /// arrival order and returns one result per job, in that order; the
    /// `commit` of whichever thread leads the batch is the one used.
    /// `None` when the leading thread panicked during the commit.
    pub(super) fn run(
        &self,
        target: &str,
        job: J,
        mut commit: impl FnMut(Vec<J>) -> Vec<R>,
    ) -> Option<R> {
        let queue = self
            .queues
            .lock()
            .entry(target.to_string())
            .or_insert_with(|| {
                Arc::new(Queue {
                    state: Mutex::new(State {
                        busy: false,
                        next_id: 0,
                        pending: Vec::new(),
                        done: HashMap::new(),
                    }),
                    changed: Condvar::new(),
                })
            })
            .clone();
        let result = {
            let mut st = queue.state.lock();
            let id = st.next_id;
            st.next_id += 1;
            st.pending.push((id, job));
            loop {
                if let Some(r) = st.done.remove(&id) {
                    break r;
                }
                if st.busy {
                    queue.changed.wait(&mut st);
                    continue;
                }
                st.busy = true;
                let (ids, jobs): (Vec<u64>, Vec<J>) =
                    std::mem::take(&mut st.pending).into_iter().unzip();
                drop(st);
                let mut guard = Abandon { queue: &queue, ids };
                let results = commit(jobs);
                st = queue.state.lock();
                let ids = std::mem::take(&mut guard.ids);
                // A job without a result (a commit that broke its
                // contract) is answered as abandoned, never left waiting.
                let results = results
                    .into_iter()
                    .map(Some)
                    .chain(std::iter::repeat_with(|| None));
                for (i, r) in ids.into_iter().zip(results) {
                    st.done.insert(i, r);
                }
                st.busy = false;
                queue.changed.notify_all();
            }
        };
        // The last user of an idle queue removes it, so the map holds
        // only targets in use.
        let mut queues = self.queues.lock();
        if Arc::strong_count(&queue) == 2 {
            let st = queue.state.lock();
            if !st.busy && st.pending.is_empty() && st.done.is_empty() {
                queues.remove(target);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::mpsc;
    use std::thread;

    use super::*;

    fn pending(gc: &GroupCommit<u32, u32>, target: &str) -> usize {
        gc.queues
            .lock()
            .get(target)
            .map_or(0, |q| q.state.lock().pending.len())
    }

    /// Waits until a thread is committing for `target`.
    fn wait_busy(gc: &GroupCommit<u32, u32>, target: &str) {
        while gc
            .queues
            .lock()
            .get(target)
            .is_none_or(|q| !q.state.lock().busy)
        {
            thread::yield_now();
        }
    }

    /// Jobs that arrive while a commit runs are committed together by one
    /// of their threads, and each caller gets its own job's result.
    #[test]
    fn jobs_arriving_during_a_commit_share_the_next_one() {
        let gc = Arc::new(GroupCommit::<u32, u32>::default());
        let batches = Arc::new(Mutex::new(Vec::new()));
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let first = {
            let (gc, batches) = (gc.clone(), batches.clone());
            thread::spawn(move || {
                gc.run("box", 1, |jobs| {
                    go_rx.recv().unwrap();
                    batches.lock().push(jobs.clone());
                    jobs.iter().map(|j| j * 10).collect()
                })
            })
        };
        wait_busy(&gc, "box");
        let others: Vec<_> = (2..=4)
            .map(|n| {
                let (gc, batches) = (gc.clone(), batches.clone());
                thread::spawn(move || {
                    gc.run("box", n, |jobs| {
                        batches.lock().push(jobs.clone());
                        jobs.iter().map(|j| j * 10).collect()
                    })
                })
            })
            .collect();
        while pending(&gc, "box") < 3 {
            thread::yield_now();
        }
        go_tx.send(()).unwrap();
        assert_eq!(first.join().unwrap(), Some(10));
        let mut got: Vec<_> = others.into_iter().map(|t| t.join().unwrap()).collect();
        got.sort();
        assert_eq!(got, vec![Some(20), Some(30), Some(40)]);
        let mut b = batches.lock().clone();
        b[1].sort();
        assert_eq!(b, vec![vec![1], vec![2, 3, 4]]);
        assert!(gc.queues.lock().is_empty(), "idle queues are dropped");
    }

    /// A commit that panics answers its batch with `None` instead of
    /// leaving the other callers waiting, and the target stays usable.
    #[test]
    fn a_panicking_commit_abandons_its_batch() {
        let gc = Arc::new(GroupCommit::<u32, u32>::default());
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let first = {
            let gc = gc.clone();
            thread::spawn(move || {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    gc.run("box", 1, |_| {
                        go_rx.recv().unwrap();
                        panic!("commit failed");
                    })
                }))
            })
        };
        wait_busy(&gc, "box");
        // Queued behind the panicking commit; led by a thread whose own
        // commit works, so it is answered.
        let second = {
            let gc = gc.clone();
            thread::spawn(move || gc.run("box", 2, |jobs| jobs))
        };
        while pending(&gc, "box") < 1 {
            thread::yield_now();
        }
        go_tx.send(()).unwrap();
        assert!(
            first.join().unwrap().is_err(),
            "the panic reached its thread"
        );
        assert_eq!(second.join().unwrap(), Some(2));
        assert_eq!(gc.run("box", 3, |jobs| jobs), Some(3));
    }

    /// A commit that returns too few results answers the rest as
    /// abandoned.
    #[test]
    fn a_missing_result_is_abandoned_not_awaited() {
        let gc = GroupCommit::<u32, u32>::default();
        assert_eq!(gc.run("box", 1, |_| Vec::new()), None);
    }
}
