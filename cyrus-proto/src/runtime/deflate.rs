//! COMPRESS=DEFLATE (RFC 4978): raw DEFLATE both ways, each write flushed
//! with a sync flush so the peer can decode it at once.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// Both directions' compression state.
#[derive(Debug)]
pub(crate) struct Deflate {
    inflate: Decompress,
    deflate: Compress,
}

/// Largest output we accept from one decompression call, so a tiny
/// "zip bomb" cannot make us allocate without bound. DEFLATE expands at
/// most about 1032:1, so one 16 KiB read can honestly inflate to ~17 MiB:
/// a pipelining client (mbsync sends many similar APPENDs back to back)
/// reaches well past 1 MiB, which an earlier limit of 1 MiB refused by
/// closing the connection.
const MAX_INFLATE_CHUNK: usize = 64 << 20;

impl Deflate {
    pub(crate) fn new() -> Self {
        Deflate {
            inflate: Decompress::new(false),
            deflate: Compress::new(Compression::default(), false),
        }
    }

    /// Decompresses received bytes.
    pub(crate) fn inflate(&mut self, mut input: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(input.len() * 4);
        loop {
            if out.len() > MAX_INFLATE_CHUNK {
                return Err(std::io::Error::other("decompressed data too large"));
            }
            out.reserve(8192.max(input.len() * 4));
            let before_in = self.inflate.total_in();
            let before_out = self.inflate.total_out();
            let status = self
                .inflate
                .decompress_vec(input, &mut out, FlushDecompress::Sync)
                .map_err(std::io::Error::other)?;
            let used = (self.inflate.total_in() - before_in) as usize;
            let produced = self.inflate.total_out() - before_out;
            input = &input[used..];
            if status == Status::StreamEnd {
                break;
            }
            // All input taken and room left over: nothing is pending
            // inside the decompressor. (Stopping when only the input is
            // used up would leave output held back until the next read,
            // which a client waiting for replies never sends.)
            if input.is_empty() && out.len() < out.capacity() {
                break;
            }
            if used == 0 && produced == 0 {
                break;
            }
        }
        Ok(out)
    }

    /// Compresses bytes to send, ending with a sync flush.
    pub(crate) fn deflate(&mut self, mut input: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(input.len() / 2 + 64);
        loop {
            out.reserve(input.len() + 64);
            let before_in = self.deflate.total_in();
            let before_out = self.deflate.total_out();
            self.deflate
                .compress_vec(input, &mut out, FlushCompress::Sync)
                .map_err(std::io::Error::other)?;
            let used = (self.deflate.total_in() - before_in) as usize;
            input = &input[used..];
            let produced = self.deflate.total_out() - before_out;
            if input.is_empty() && out.len() < out.capacity() && produced > 0 {
                break;
            }
            if input.is_empty() && produced == 0 {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_pieces() {
        let mut a = Deflate::new();
        let mut b = Deflate::new();
        let msg1 = b"* OK [CAPABILITY IMAP4rev1] ready\r\n".repeat(50);
        let msg2 = b"a1 OK done\r\n";
        let c1 = a.deflate(&msg1).expect("deflate");
        let c2 = a.deflate(msg2).expect("deflate");
        assert!(c1.len() < msg1.len());
        assert_eq!(b.inflate(&c1).expect("inflate"), msg1);
        // byte-by-byte delivery still decodes
        let mut got = Vec::new();
        for byte in &c2 {
            got.extend(b.inflate(std::slice::from_ref(byte)).expect("inflate"));
        }
        assert_eq!(got, msg2);
    }

    #[test]
    fn highly_compressible_pipelined_input_inflates_whole() {
        // Many near-identical messages compress far below a read's size
        // but inflate to several MiB (what mbsync's pipelined APPENDs do).
        let mut a = Deflate::new();
        let mut b = Deflate::new();
        let body = b"line of a longer body xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n".repeat(40_000);
        let c = a.deflate(&body).expect("deflate");
        assert!(c.len() < 16 * 1024, "{} bytes compressed", c.len());
        let mut got = Vec::new();
        for chunk in c.chunks(16 * 1024) {
            got.extend(b.inflate(chunk).expect("inflate"));
        }
        assert_eq!(got.len(), body.len());
        assert!(got == body);
    }

    #[test]
    fn garbage_is_an_error() {
        let mut b = Deflate::new();
        assert!(b.inflate(&[0xff; 64]).is_err());
    }
}
