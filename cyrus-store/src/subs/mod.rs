//! Per-user subscriptions (`sub.db`, flat by default).
