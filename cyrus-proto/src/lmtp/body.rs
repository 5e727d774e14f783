//! Framing of message bodies: `DATA` (dot-stuffed, ends with `.` on a
//! line, RFC 5321 §4.5.2) and `BDAT` chunks (counted octets, RFC 3030).
//! Both keep at most `limit + 1` octets while counting all of them, so
//! an oversized message is read to its end and refused without being
//! held in memory.

/// A message body being collected.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// The bytes kept (at most `limit + 1`).
    pub data: Vec<u8>,
    /// All octets received.
    pub size: usize,
}

impl Collected {
    fn push(&mut self, bytes: &[u8], limit: Option<usize>) {
        self.size = self.size.saturating_add(bytes.len());
        let room = match limit {
            Some(l) => (l + 1).saturating_sub(self.data.len()),
            None => bytes.len(),
        };
        self.data.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }
}

/// Reads a `DATA` body.
#[derive(Debug, Clone)]
pub struct DataReader {
    body: Collected,
    at_line_start: bool,
    limit: Option<usize>,
}

impl DataReader {
    /// A reader keeping at most `limit + 1` octets.
    pub fn new(limit: Option<usize>) -> Self {
        DataReader {
            body: Collected::default(),
            at_line_start: true,
            limit,
        }
    }

    /// Consumes what it can from `input`; returns the body once the
    /// terminating `.` line was read.
    pub fn feed(&mut self, input: &mut Vec<u8>) -> Option<Collected> {
        let mut pos = 0;
        let result = loop {
            let rest = &input[pos..];
            if rest.is_empty() {
                break None;
            }
            if self.at_line_start && rest[0] == b'.' {
                match rest.get(1) {
                    None => break None,
                    Some(b'\n') => {
                        pos += 2;
                        break Some(std::mem::take(&mut self.body));
                    }
                    Some(b'\r') => match rest.get(2) {
                        None => break None,
                        Some(b'\n') => {
                            pos += 3;
                            break Some(std::mem::take(&mut self.body));
                        }
                        Some(_) => pos += 1,
                    },
                    // Dot-stuffing: a leading dot is removed.
                    Some(_) => pos += 1,
                }
                self.at_line_start = false;
                continue;
            }
            let rest = &input[pos..];
            match rest.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.body.push(&rest[..=i], self.limit);
                    pos += i + 1;
                    self.at_line_start = true;
                }
                None => {
                    self.body.push(rest, self.limit);
                    pos = input.len();
                    self.at_line_start = false;
                }
            }
        };
        input.drain(..pos);
        result
    }
}

/// Reads `BDAT` chunks into one body.
#[derive(Debug, Clone)]
pub struct ChunkReader {
    body: Collected,
    limit: Option<usize>,
    remaining: usize,
    chunk: usize,
}

impl ChunkReader {
    /// An empty body keeping at most `limit + 1` octets.
    pub fn new(limit: Option<usize>) -> Self {
        ChunkReader {
            body: Collected::default(),
            limit,
            remaining: 0,
            chunk: 0,
        }
    }

    /// Starts a chunk of `size` octets.
    pub fn start(&mut self, size: usize) {
        self.remaining = size;
        self.chunk = size;
    }

    /// Consumes chunk bytes from `input`; `Some(chunk size)` once the
    /// current chunk is complete.
    pub fn feed(&mut self, input: &mut Vec<u8>) -> Option<usize> {
        let n = self.remaining.min(input.len());
        self.body.push(&input[..n], self.limit);
        input.drain(..n);
        self.remaining -= n;
        (self.remaining == 0).then_some(self.chunk)
    }

    /// The body so far.
    pub fn finish(self) -> Collected {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_unstuffs_and_ends_across_packets() {
        let mut r = DataReader::new(None);
        let mut input = b"a\r\n..b\r\n".to_vec();
        assert!(r.feed(&mut input).is_none());
        input.extend_from_slice(b".");
        assert!(r.feed(&mut input).is_none());
        input.extend_from_slice(b"\r");
        assert!(r.feed(&mut input).is_none());
        input.extend_from_slice(b"\nNOOP\r\n");
        let body = r.feed(&mut input).expect("done");
        assert_eq!(body.data, b"a\r\n.b\r\n");
        assert_eq!(input, b"NOOP\r\n");
    }

    #[test]
    fn data_limit_counts_everything() {
        let mut r = DataReader::new(Some(3));
        let mut input = b"abcdefgh\r\n.\r\n".to_vec();
        let body = r.feed(&mut input).expect("done");
        assert_eq!(body.size, 10);
        assert_eq!(body.data.len(), 4);
    }

    #[test]
    fn chunks() {
        let mut r = ChunkReader::new(None);
        r.start(3);
        let mut input = b"ab".to_vec();
        assert_eq!(r.feed(&mut input), None);
        input.extend_from_slice(b"cRSET\r\n");
        assert_eq!(r.feed(&mut input), Some(3));
        assert_eq!(input, b"RSET\r\n");
        assert_eq!(r.finish().data, b"abc");
    }
}
