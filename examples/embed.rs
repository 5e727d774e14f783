//! Embedding the store: create a store, a mailbox, append a message, read it back.
fn main() {
    println!("cyrus-store embedding example: not yet written");
}
