//! Percent-encoding as COS uses it: every byte outside the RFC 3986 unreserved set, with
//! uppercase hex. The signature encodes names and values with it, and the request line
//! encodes path segments and query pairs with it, so that what is signed is what is sent.

/// The RFC 3986 unreserved set, as a table: encoding looks up every byte of every value.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    table
};

fn is_unreserved(byte: u8) -> bool {
    UNRESERVED[byte as usize]
}

/// `%00%01...%FF`: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`.
const ESCAPES: &str = {
    const BYTES: [u8; 768] = {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut bytes = [0u8; 768];
        let mut b = 0;
        while b < 256 {
            bytes[3 * b] = b'%';
            bytes[3 * b + 1] = HEX[b >> 4];
            bytes[3 * b + 2] = HEX[b & 15];
            b += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(text) => text,
        Err(_) => panic!("escapes are ASCII"),
    }
};

/// Percent-encodes every byte outside the RFC 3986 unreserved set, with uppercase hex.
///
/// This is the encoding of names and values in the signature, and of query strings and path
/// segments on the wire.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(&mut out, text);
    out
}

/// [`encode`], appending to `out`: runs of unreserved characters are copied whole.
pub(crate) fn encode_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !is_unreserved(byte) {
            // A run is non-empty only between unreserved (ASCII) bytes, so its ends are
            // character boundaries; an empty one may sit inside a multi-byte character.
            if run_start < i {
                out.push_str(&text[run_start..i]);
            }
            let at = 3 * byte as usize;
            out.push_str(&ESCAPES[at..at + 3]);
            run_start = i + 1;
        }
    }
    if run_start < bytes.len() {
        out.push_str(&text[run_start..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_only_unreserved() {
        assert_eq!(encode("a b+c*~é/"), "a%20b%2Bc%2A~%C3%A9%2F");
    }
}
