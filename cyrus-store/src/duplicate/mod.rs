//! The duplicate-delivery database (`deliver.db`).
