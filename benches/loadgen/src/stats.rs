//! Latency samples per operation.

use std::collections::BTreeMap;
use std::time::Duration;

/// Latencies of one operation.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    micros: Vec<u64>,
    /// Operations that failed (not counted in the latencies).
    pub errors: u64,
}

impl Samples {
    /// Records one successful operation.
    pub fn add(&mut self, d: Duration) {
        self.micros
            .push(u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    }

    /// Adds another set.
    pub fn merge(&mut self, other: Samples) {
        self.micros.extend(other.micros);
        self.errors += other.errors;
    }

    /// Successful operations.
    pub fn count(&self) -> usize {
        self.micros.len()
    }

    /// The `p`-th percentile (0..=100) in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.micros.is_empty() {
            return 0.0;
        }
        let mut v = self.micros.clone();
        v.sort_unstable();
        let rank = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
        v[rank.min(v.len() - 1)] as f64 / 1000.0
    }
}

/// Samples by operation name.
pub type ByOp = BTreeMap<&'static str, Samples>;

/// Merges `from` into `into`.
pub fn merge(into: &mut ByOp, from: ByOp) {
    for (k, v) in from {
        into.entry(k).or_default().merge(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let mut s = Samples::default();
        for ms in 1..=100 {
            s.add(Duration::from_millis(ms));
        }
        assert_eq!(s.count(), 100);
        assert!((s.percentile_ms(50.0) - 50.0).abs() <= 1.0);
        assert!((s.percentile_ms(99.0) - 99.0).abs() <= 1.0);
        assert_eq!(Samples::default().percentile_ms(50.0), 0.0);
    }
}
