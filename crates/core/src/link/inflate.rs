//! A small raw-DEFLATE decoder (RFC 1951), after Mark Adler's `puff.c`:
//! stored, fixed and dynamic blocks, Huffman codes decoded a bit at a time
//! (slow, but a link's scenario is a few kB). It reads links written by any
//! DEFLATE encoder, ours ([`super::deflate`]) and the one before it.
//!
//! The general-purpose inflater it replaces weighed about 6.7 kB gzip in
//! every page.

use super::deflate::{CL_ORDER, LENGTHS};

/// Why a stream does not inflate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateError {
    /// It inflates past the limit it was given.
    TooLong,
    /// It is cut short, or is not DEFLATE.
    Damaged,
}

use InflateError::Damaged;

/// Distance codes: (base distance, extra bits) (§3.2.5).
const DISTANCES: [(u16, u8); 30] = [
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 1),
    (7, 1),
    (9, 2),
    (13, 2),
    (17, 3),
    (25, 3),
    (33, 4),
    (49, 4),
    (65, 5),
    (97, 5),
    (129, 6),
    (193, 6),
    (257, 7),
    (385, 7),
    (513, 8),
    (769, 8),
    (1025, 9),
    (1537, 9),
    (2049, 10),
    (3073, 10),
    (4097, 11),
    (6145, 11),
    (8193, 12),
    (12289, 12),
    (16385, 13),
    (24577, 13),
];

/// The bits of a stream, least significant first.
struct Input<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u32,
    n: u32,
}

impl Input<'_> {
    /// The next `need` bits (at most 16).
    fn bits(&mut self, need: u32) -> Result<u32, InflateError> {
        while self.n < need {
            let byte = *self.data.get(self.pos).ok_or(Damaged)?;
            self.pos += 1;
            self.acc |= u32::from(byte) << self.n;
            self.n += 8;
        }
        let v = self.acc & ((1 << need) - 1);
        self.acc >>= need;
        self.n -= need;
        Ok(v)
    }
}

/// A canonical Huffman code: how many codes of each length, and the
/// symbols in code order.
struct Huffman {
    count: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    /// The code of these code lengths (§3.2.2); an over-subscribed set is
    /// damage, an incomplete one is allowed (a lone distance code).
    fn new(lengths: &[u8]) -> Result<Huffman, InflateError> {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[usize::from(l)] += 1;
        }
        let mut left: i32 = 1;
        for &c in &count[1..] {
            left = 2 * left - i32::from(c);
            if left < 0 {
                return Err(Damaged);
            }
        }
        let mut offsets = [0u16; 16];
        for len in 1..15 {
            offsets[len + 1] = offsets[len] + count[len];
        }
        let mut symbols = vec![0; lengths.len()];
        for (symbol, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[usize::from(offsets[usize::from(l)])] = symbol as u16;
                offsets[usize::from(l)] += 1;
            }
        }
        Ok(Huffman { count, symbols })
    }

    /// The next symbol of `input`.
    fn decode(&self, input: &mut Input) -> Result<u16, InflateError> {
        // The first code of each length, and the index of its symbol.
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for &count in &self.count[1..] {
            code |= input.bits(1)? as i32;
            let count = i32::from(count);
            if code - count < first {
                return Ok(self.symbols[(index + code - first) as usize]);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(Damaged)
    }
}

/// The bytes of raw DEFLATE `data`, if they are at most `limit`.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let mut input = Input {
        data,
        pos: 0,
        acc: 0,
        n: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = input.bits(1)? == 1;
        match input.bits(2)? {
            0 => stored(&mut input, &mut out, limit)?,
            1 => {
                let (lit, dist) = fixed()?;
                codes(&mut input, &mut out, limit, &lit, &dist)?;
            }
            2 => {
                let (lit, dist) = dynamic(&mut input)?;
                codes(&mut input, &mut out, limit, &lit, &dist)?;
            }
            _ => return Err(Damaged),
        }
        if last {
            return Ok(out);
        }
    }
}

/// A stored block (§3.2.4): its length, the length's complement, bytes.
fn stored(input: &mut Input, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
    input.acc = 0;
    input.n = 0;
    let len = input.bits(16)?;
    if input.bits(16)? != !len & 0xffff {
        return Err(Damaged);
    }
    let len = len as usize;
    let bytes = data_at(input, len)?;
    if out.len() + len > limit {
        return Err(InflateError::TooLong);
    }
    out.extend_from_slice(bytes);
    Ok(())
}

/// The next `len` whole bytes of `input`.
fn data_at<'a>(input: &mut Input<'a>, len: usize) -> Result<&'a [u8], InflateError> {
    let bytes = input.data.get(input.pos..input.pos + len).ok_or(Damaged)?;
    input.pos += len;
    Ok(bytes)
}

/// The fixed codes (§3.2.6).
fn fixed() -> Result<(Huffman, Huffman), InflateError> {
    Ok((
        Huffman::new(&super::deflate::fixed_lengths())?,
        Huffman::new(&[5; 30])?,
    ))
}

/// A dynamic block's codes, read from its header (§3.2.7).
fn dynamic(input: &mut Input) -> Result<(Huffman, Huffman), InflateError> {
    let nlen = input.bits(5)? as usize + 257;
    let ndist = input.bits(5)? as usize + 1;
    let ncode = input.bits(4)? as usize + 4;
    if nlen > 286 || ndist > 30 {
        return Err(Damaged);
    }
    let mut cl = [0u8; 19];
    for &i in &CL_ORDER[..ncode] {
        cl[i] = input.bits(3)? as u8;
    }
    let cl = Huffman::new(&cl)?;
    let mut lengths = Vec::with_capacity(nlen + ndist);
    while lengths.len() < nlen + ndist {
        let (value, times) = match cl.decode(input)? {
            s @ 0..=15 => (s as u8, 1),
            16 => (*lengths.last().ok_or(Damaged)?, 3 + input.bits(2)?),
            17 => (0, 3 + input.bits(3)?),
            _ => (0, 11 + input.bits(7)?),
        };
        if lengths.len() + times as usize > nlen + ndist {
            return Err(Damaged);
        }
        lengths.extend((0..times).map(|_| value));
    }
    if lengths[256] == 0 {
        return Err(Damaged);
    }
    Ok((
        Huffman::new(&lengths[..nlen])?,
        Huffman::new(&lengths[nlen..])?,
    ))
}

/// A block's literals and matches, up to its end code.
fn codes(
    input: &mut Input,
    out: &mut Vec<u8>,
    limit: usize,
    lit: &Huffman,
    dist: &Huffman,
) -> Result<(), InflateError> {
    loop {
        let symbol = lit.decode(input)?;
        if symbol == 256 {
            return Ok(());
        }
        if out.len() >= limit {
            return Err(InflateError::TooLong);
        }
        if symbol < 256 {
            out.push(symbol as u8);
            continue;
        }
        let &(base, extra) = LENGTHS.get(usize::from(symbol - 257)).ok_or(Damaged)?;
        let len = usize::from(base) + input.bits(u32::from(extra))? as usize;
        let &(base, extra) = DISTANCES
            .get(usize::from(dist.decode(input)?))
            .ok_or(Damaged)?;
        let back = usize::from(base) + input.bits(u32::from(extra))? as usize;
        if back > out.len() {
            return Err(Damaged);
        }
        if out.len() + len > limit {
            return Err(InflateError::TooLong);
        }
        let from = out.len() - back;
        for k in 0..len {
            out.push(out[from + k]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{inflate, InflateError};
    use crate::rng::Rng;

    /// What a general-purpose encoder writes at `level`, and ours.
    fn packed(data: &[u8]) -> Vec<Vec<u8>> {
        let mut all: Vec<Vec<u8>> = [0, 1, 6, 9]
            .iter()
            .map(|&level| miniz_oxide::deflate::compress_to_vec(data, level))
            .collect();
        all.push(super::super::deflate::compress(data));
        all
    }

    #[test]
    fn it_reads_stored_fixed_and_dynamic_blocks_from_any_encoder() {
        let text: Vec<u8> = (0..3000)
            .flat_map(|i| format!("{{\"at\": {i}, \"op\": \"crash\"}}, ").into_bytes())
            .collect();
        let mut rng = Rng::new(3);
        let noise: Vec<u8> = (0..70_000).map(|_| rng.below(256) as u8).collect();
        for data in [&b""[..], b"a", b"abcabcabcabc", &[0u8; 1000], &text, &noise] {
            for p in packed(data) {
                assert_eq!(
                    inflate(&p, usize::MAX).as_deref(),
                    Ok(data),
                    "{} bytes",
                    data.len()
                );
            }
        }
    }

    #[test]
    fn a_stream_past_the_limit_or_cut_short_or_garbled_is_refused() {
        let data = vec![7u8; 5000];
        for p in packed(&data) {
            assert_eq!(inflate(&p, 4999), Err(InflateError::TooLong));
            assert_eq!(inflate(&p, 5000).map(|v| v.len()), Ok(5000));
            assert_eq!(inflate(&p[..p.len() / 2], 5000), Err(InflateError::Damaged));
        }
        // Block type 3 does not exist.
        assert_eq!(inflate(&[0b111], 10), Err(InflateError::Damaged));
        // Random bytes never panic.
        let mut rng = Rng::new(9);
        for _ in 0..2000 {
            let junk: Vec<u8> = (0..rng.below(64)).map(|_| rng.below(256) as u8).collect();
            let _ = inflate(&junk, 1 << 16);
        }
    }
}
