//! Per-user seen state (`seen.db`) for mailboxes the user does not own.
