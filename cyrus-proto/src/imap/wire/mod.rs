//! The IMAP wire: framing client bytes into messages (lines plus
//! literals, with limits), and writing responses byte for byte as Cyrus
//! 3.6 does.

mod datetime;
mod encode;
pub mod ext;
mod framing;

pub use datetime::{format_internaldate, unix_days};
pub use encode::{astring, Tagged};
pub use framing::{Event, Framer, Limits, Rejection};
