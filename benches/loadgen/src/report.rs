//! The tables printed at the end, with ratios against the first target.

use std::time::Duration;

use crate::idle::IdleResult;
use crate::stats::{ByOp, Samples};

fn ratio(a: f64, base: f64) -> String {
    if base > 0.0 {
        format!("{:.2}x", a / base)
    } else {
        "-".into()
    }
}

/// Per target and operation: count, ops/s, latency percentiles; then the
/// throughput and median latency of each target relative to the first.
pub fn ops_table(results: &[(String, ByOp)], ops: &[&'static str], duration: Duration) {
    let secs = duration.as_secs_f64().max(0.001);
    println!(
        "{:<10} {:<7} {:>8} {:>9} {:>8} {:>8} {:>8} {:>6}",
        "target", "op", "count", "ops/s", "p50 ms", "p90 ms", "p99 ms", "errors"
    );
    let empty = Samples::default();
    for (name, by_op) in results {
        let mut total = 0;
        for op in ops {
            let s = by_op.get(op).unwrap_or(&empty);
            total += s.count();
            println!(
                "{:<10} {:<7} {:>8} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>6}",
                name,
                op,
                s.count(),
                s.count() as f64 / secs,
                s.percentile_ms(50.0),
                s.percentile_ms(90.0),
                s.percentile_ms(99.0),
                s.errors
            );
        }
        println!(
            "{:<10} {:<7} {:>8} {:>9.1}",
            name,
            "all",
            total,
            total as f64 / secs
        );
    }
    let Some((base_name, base)) = results.first() else {
        return;
    };
    println!("\nrelative to {base_name} (throughput ratio / p50 latency ratio):");
    for (name, by_op) in results {
        let mut cells = Vec::new();
        for op in ops {
            let a = by_op.get(op).unwrap_or(&empty);
            let b = base.get(op).unwrap_or(&empty);
            cells.push(format!(
                "{op} {} / {}",
                ratio(a.count() as f64, b.count() as f64),
                ratio(a.percentile_ms(50.0), b.percentile_ms(50.0))
            ));
        }
        println!("{:<10} {}", name, cells.join("   "));
    }
}

/// LMTP: delivered, msgs/s, latency, ratio.
pub fn lmtp_table(results: &[(String, Samples, Duration)]) {
    println!(
        "{:<10} {:>9} {:>7} {:>9} {:>8} {:>8} {:>10}",
        "target", "delivered", "failed", "msgs/s", "p50 ms", "p99 ms", "vs first"
    );
    let base = results
        .first()
        .map(|(_, s, d)| s.count() as f64 / d.as_secs_f64().max(0.001))
        .unwrap_or(0.0);
    for (name, s, d) in results {
        let rate = s.count() as f64 / d.as_secs_f64().max(0.001);
        println!(
            "{:<10} {:>9} {:>7} {:>9.1} {:>8.2} {:>8.2} {:>10}",
            name,
            s.count(),
            s.errors,
            rate,
            s.percentile_ms(50.0),
            s.percentile_ms(99.0),
            ratio(rate, base)
        );
    }
}

/// IDLE: memory growth per session.
pub fn idle_table(rows: &[IdleResult]) {
    println!(
        "{:<10} {:>7} {:>11} {:>11} {:>12} {:>12} {:>11} {:>10}",
        "target",
        "idling",
        "RSS before",
        "RSS after",
        "RSS KiB/conn",
        "PSS KiB/conn",
        "processes",
        "vs first"
    );
    let per =
        |r: &IdleResult| r.after.rss.saturating_sub(r.before.rss) as f64 / r.opened.max(1) as f64;
    let base = rows.first().map(per).unwrap_or(0.0);
    for r in rows {
        let pss = match (r.before.pss, r.after.pss) {
            (Some(b), Some(a)) => {
                format!("{:.1}", a.saturating_sub(b) as f64 / r.opened.max(1) as f64)
            }
            _ => "-".into(),
        };
        println!(
            "{:<10} {:>7} {:>7} MiB {:>7} MiB {:>12.1} {:>12} {:>5} -> {:<4} {:>8}",
            r.name,
            r.opened,
            r.before.rss / 1024,
            r.after.rss / 1024,
            per(r),
            pss,
            r.before.processes,
            r.after.processes,
            ratio(per(r), base)
        );
    }
}
