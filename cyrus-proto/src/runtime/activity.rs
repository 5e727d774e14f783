//! How many connections are open, and since when none has been: what a
//! daemon started with Cyrus's `-T reuse-timeout` needs to know when to
//! exit (master(8): a service process waiting that long for a new client
//! exits).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Open connections of a server, and when the count last changed.
#[derive(Debug)]
pub(crate) struct Activity {
    open: AtomicUsize,
    changed: Mutex<Instant>,
}

impl Activity {
    pub(crate) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            open: AtomicUsize::new(0),
            changed: Mutex::new(Instant::now()),
        })
    }

    /// Counts a connection until the guard is dropped.
    pub(crate) fn enter(self: &Arc<Self>) -> ActivityGuard {
        self.open.fetch_add(1, Ordering::SeqCst);
        self.touch();
        ActivityGuard(Arc::clone(self))
    }

    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    fn touch(&self) {
        *self.changed.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    /// How long the server has had no connection (zero while one is open).
    pub(crate) fn idle(&self) -> Duration {
        if self.open() > 0 {
            return Duration::ZERO;
        }
        self.changed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed()
    }
}

/// One open connection.
pub(crate) struct ActivityGuard(Arc<Activity>);

impl Drop for ActivityGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
        self.0.touch();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_idles() {
        let a = Activity::new();
        let g = a.enter();
        assert_eq!(a.open(), 1);
        assert_eq!(a.idle(), Duration::ZERO);
        drop(g);
        assert_eq!(a.open(), 0);
        std::thread::sleep(Duration::from_millis(20));
        assert!(a.idle() >= Duration::from_millis(20));
    }
}
