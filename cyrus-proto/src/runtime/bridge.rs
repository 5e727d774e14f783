//! The one way async code runs blocking store work.

use std::sync::Arc;

use tokio::sync::Semaphore;

/// A blocking call could not complete.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// The closure panicked; the connection that asked is closed, the
    /// server goes on.
    #[error("blocking task panicked")]
    Panicked,
    /// The runtime is shutting down.
    #[error("blocking task cancelled")]
    Cancelled,
}

/// Runs blocking closures on tokio's blocking pool, at most `limit` at a
/// time, so a storm of slow store calls cannot exhaust threads or memory.
#[derive(Debug, Clone)]
pub struct Bridge {
    permits: Arc<Semaphore>,
}

impl Bridge {
    /// A bridge allowing `limit` concurrent blocking calls.
    pub fn new(limit: usize) -> Self {
        Bridge {
            permits: Arc::new(Semaphore::new(limit.max(1))),
        }
    }

    /// Runs `f` off the async threads and returns its result.
    pub async fn run<F, T>(&self, f: F) -> Result<T, BridgeError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| BridgeError::Cancelled)?;
        tokio::task::spawn_blocking(f).await.map_err(|e| {
            if e.is_panic() {
                BridgeError::Panicked
            } else {
                BridgeError::Cancelled
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn other_tasks_progress_while_a_slow_call_runs() {
        let bridge = Bridge::new(4);
        let start = Instant::now();
        let slow = tokio::spawn({
            let b = bridge.clone();
            async move {
                b.run(|| std::thread::sleep(Duration::from_millis(400)))
                    .await
                    .expect("slow call");
                Instant::now()
            }
        });
        // An async task and a fast blocking call both finish long before the
        // slow call does.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let fast = bridge.run(|| 2 + 2).await.expect("fast call");
        let fast_done = Instant::now();
        assert_eq!(fast, 4);
        let slow_done = slow.await.expect("join");
        assert!(fast_done < slow_done);
        assert!(fast_done.duration_since(start) < Duration::from_millis(300));
    }

    #[tokio::test]
    async fn a_panic_is_an_error_not_a_crash() {
        let bridge = Bridge::new(1);
        let r = bridge.run(|| -> u32 { panic!("boom") }).await;
        assert!(matches!(r, Err(BridgeError::Panicked)));
        assert_eq!(bridge.run(|| 7).await.expect("still works"), 7);
    }
}
