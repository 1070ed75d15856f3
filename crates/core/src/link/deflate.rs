//! A small raw-DEFLATE encoder (RFC 1951) for links: LZ77 matches found
//! through a hash chain (greedy), written in one block with Huffman codes
//! fitted to the text (§3.2.7) or the fixed ones (§3.2.6), whichever is
//! shorter. Any inflater reads it, so links written before it (by a
//! general-purpose compressor) and after it open alike.
//!
//! The general-purpose encoder it replaces weighed about 9 kB gzip in every
//! page, for links at most an eighth shorter (a 16 kB scenario: 2,241
//! bytes there, 2,514 here; a small one the same).

/// The farthest back a match may reach (§3.2.5).
const WINDOW: usize = 32 * 1024;
/// The shortest and longest match DEFLATE encodes.
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// Hash chain: 2^HASH_BITS heads, and at most this many candidates tried.
const HASH_BITS: u32 = 13;
const MAX_CHAIN: usize = 64;
/// "No position" in the chains.
const NONE: u32 = u32::MAX;

/// Length codes 257.. : (base length, extra bits) (§3.2.5).
pub(super) const LENGTHS: [(u16, u8); 29] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 1),
    (13, 1),
    (15, 1),
    (17, 1),
    (19, 2),
    (23, 2),
    (27, 2),
    (31, 2),
    (35, 3),
    (43, 3),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 4),
    (115, 4),
    (131, 5),
    (163, 5),
    (195, 5),
    (227, 5),
    (258, 0),
];

/// The raw DEFLATE stream of `data`: one block, with Huffman codes fitted
/// to it or the fixed ones, whichever is shorter.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let tokens = tokens(data);
    let fixed = write(&tokens, &Codes::fixed(), None);
    let (codes, sent) = Codes::fitted(&tokens);
    let dynamic = write(&tokens, &codes, Some(&sent));
    if dynamic.len() < fixed.len() {
        dynamic
    } else {
        fixed
    }
}

/// A literal byte, or a match: (length, distance).
#[derive(Clone, Copy)]
enum Token {
    Literal(u8),
    Match(u16, u16),
}

/// LZ77: each position either a literal or the longest earlier match.
fn tokens(data: &[u8]) -> Vec<Token> {
    let mut head = vec![NONE; 1 << HASH_BITS];
    let mut prev = vec![NONE; data.len()];
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let (len, dist) = longest_match(data, i, &head, &prev);
        let advance = if len >= MIN_MATCH {
            out.push(Token::Match(len as u16, dist as u16));
            len
        } else {
            out.push(Token::Literal(data[i]));
            1
        };
        for p in i..(i + advance) {
            insert(data, p, &mut head, &mut prev);
        }
        i += advance;
    }
    out
}

/// The literal/length symbol of a match length and its extra bits:
/// (symbol, extra value, extra bit count).
fn length_symbol(len: u16) -> (usize, u32, u32) {
    let k = LENGTHS
        .iter()
        .rposition(|&(base, _)| base <= len)
        .unwrap_or(0);
    let (base, extra) = LENGTHS[k];
    (257 + k, u32::from(len - base), u32::from(extra))
}

/// The distance code of a match distance (1 to 32768) and its extra bits.
fn distance_symbol(dist: u16) -> (usize, u32, u32) {
    let d = u32::from(dist) - 1;
    if d < 4 {
        return (d as usize, 0, 0);
    }
    // Codes come in pairs per power of two: the top two bits.
    let bits = 31 - d.leading_zeros();
    let half = (d >> (bits - 1)) & 1;
    (
        (2 * bits + half) as usize,
        d & ((1 << (bits - 1)) - 1),
        bits - 1,
    )
}

/// The fixed literal/length code's lengths (§3.2.6); every fixed
/// distance code is 5 bits.
pub(super) fn fixed_lengths() -> Vec<u8> {
    (0..288)
        .map(|s| match s {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        })
        .collect()
}

/// The order code-length code lengths are sent in (§3.2.7).
pub(super) const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Huffman codes for the literal/length and distance alphabets: each
/// symbol's (code, length).
struct Codes {
    lit: Vec<(u32, u32)>,
    dist: Vec<(u32, u32)>,
}

/// The code lengths a dynamic block's header sends: literal/length and
/// distance, trailing zeros trimmed.
type Sent = (Vec<u8>, Vec<u8>);

impl Codes {
    /// The fixed codes (§3.2.6).
    fn fixed() -> Codes {
        Codes {
            lit: canonical(&fixed_lengths()),
            dist: canonical(&[5; 30]),
        }
    }

    /// Codes fitted to `tokens`, and the lengths the header sends.
    fn fitted(tokens: &[Token]) -> (Codes, Sent) {
        let mut lit = vec![0u32; 286];
        let mut dist = vec![0u32; 30];
        lit[256] = 1;
        for t in tokens {
            match *t {
                Token::Literal(b) => lit[usize::from(b)] += 1,
                Token::Match(len, d) => {
                    lit[length_symbol(len).0] += 1;
                    dist[distance_symbol(d).0] += 1;
                }
            }
        }
        let lit_len = lengths(&lit, 15);
        let dist_len = lengths(&dist, 15);
        let used = |l: &[u8], min: usize| {
            l.iter()
                .rposition(|&n| n > 0)
                .map_or(min, |k| (k + 1).max(min))
        };
        let sent = (
            lit_len[..used(&lit_len, 257)].to_vec(),
            dist_len[..used(&dist_len, 1)].to_vec(),
        );
        let codes = Codes {
            lit: canonical(&lit_len),
            dist: canonical(&dist_len),
        };
        (codes, sent)
    }
}

/// Code lengths of at most `limit` bits for symbols with these counts:
/// Huffman's construction, with the counts flattened until the longest
/// code fits. At least two symbols get a code, so every code is complete.
fn lengths(counts: &[u32], limit: u8) -> Vec<u8> {
    let mut counts = counts.to_vec();
    for k in 0..2 {
        if counts.iter().filter(|&&c| c > 0).count() < 2 && counts[k] == 0 {
            counts[k] = 1;
        }
    }
    loop {
        let lengths = huffman(&counts);
        if lengths.iter().all(|&l| l <= limit) {
            return lengths;
        }
        for c in counts.iter_mut().filter(|c| **c > 0) {
            *c = (*c >> 1) | 1;
        }
    }
}

/// Huffman code lengths for symbols with these counts (0: no code).
fn huffman(counts: &[u32]) -> Vec<u8> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut parent = vec![usize::MAX; counts.len()];
    let mut heap: BinaryHeap<Reverse<(u32, usize)>> = counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .map(|(s, &c)| Reverse((c, s)))
        .collect();
    while let (Some(Reverse((a, x))), Some(Reverse((b, y)))) = (heap.pop(), heap.pop()) {
        let node = parent.len();
        parent.push(usize::MAX);
        parent[x] = node;
        parent[y] = node;
        heap.push(Reverse((a + b, node)));
    }
    (0..counts.len())
        .map(|s| {
            let (mut depth, mut n) = (0u8, s);
            while counts[s] > 0 && parent[n] != usize::MAX {
                depth += 1;
                n = parent[n];
            }
            depth
        })
        .collect()
}

/// The canonical Huffman codes of these lengths (§3.2.2).
fn canonical(lengths: &[u8]) -> Vec<(u32, u32)> {
    let mut count = [0u32; 16];
    for &l in lengths.iter().filter(|&&l| l > 0) {
        count[usize::from(l)] += 1;
    }
    let mut next = [0u32; 16];
    let mut code = 0;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            let l = usize::from(l);
            if l == 0 {
                return (0, 0);
            }
            let c = next[l];
            next[l] += 1;
            (c, l as u32)
        })
        .collect()
}

/// Run-length codes of the code lengths (§3.2.7): (symbol, extra value,
/// extra bits), with 16 repeating the previous length and 17 and 18 runs
/// of zeros.
fn run_lengths(lengths: &[u8]) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lengths.len() {
        let l = lengths[i];
        let run = lengths[i..].iter().take_while(|&&x| x == l).count();
        if l == 0 && run >= 3 {
            let n = run.min(138);
            out.push(if n >= 11 {
                (18, n as u32 - 11, 7)
            } else {
                (17, n as u32 - 3, 3)
            });
            i += n;
        } else if l != 0 && run >= 4 {
            out.push((usize::from(l), 0, 0));
            let n = (run - 1).min(6);
            out.push((16, n as u32 - 3, 2));
            i += 1 + n;
        } else {
            out.push((usize::from(l), 0, 0));
            i += 1;
        }
    }
    out
}

/// One final block of `tokens` in `codes`: a dynamic block sending
/// `sent`, or with `None` a fixed-code block.
fn write(tokens: &[Token], codes: &Codes, sent: Option<&Sent>) -> Vec<u8> {
    let mut out = Bits::default();
    out.put(1, 1);
    match sent {
        None => out.put(1, 2),
        Some((lit, dist)) => {
            out.put(2, 2);
            let all: Vec<u8> = lit.iter().chain(dist).copied().collect();
            let runs = run_lengths(&all);
            let mut counts = [0u32; 19];
            for &(s, _, _) in &runs {
                counts[s] += 1;
            }
            let cl = lengths(&counts, 7);
            let cl_codes = canonical(&cl);
            let hclen = CL_ORDER
                .iter()
                .rposition(|&s| cl[s] > 0)
                .map_or(4, |k| (k + 1).max(4));
            out.put(lit.len() as u32 - 257, 5);
            out.put(dist.len() as u32 - 1, 5);
            out.put(hclen as u32 - 4, 4);
            for &s in &CL_ORDER[..hclen] {
                out.put(u32::from(cl[s]), 3);
            }
            for (s, v, n) in runs {
                out.code(cl_codes[s]);
                out.put(v, n);
            }
        }
    }
    for t in tokens {
        match *t {
            Token::Literal(b) => out.code(codes.lit[usize::from(b)]),
            Token::Match(len, d) => {
                let (s, v, n) = length_symbol(len);
                out.code(codes.lit[s]);
                out.put(v, n);
                let (s, v, n) = distance_symbol(d);
                out.code(codes.dist[s]);
                out.put(v, n);
            }
        }
    }
    out.code(codes.lit[256]);
    out.finish()
}

/// The hash of the three bytes at `i`, if there are three.
fn hash(data: &[u8], i: usize) -> Option<usize> {
    let b = data.get(i..i + MIN_MATCH)?;
    let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
    Some((v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize)
}

/// Adds position `i` to its hash chain.
fn insert(data: &[u8], i: usize, head: &mut [u32], prev: &mut [u32]) {
    if let Some(h) = hash(data, i) {
        prev[i] = head[h];
        head[h] = i as u32;
    }
}

/// The longest earlier match of the bytes at `i`: (length, distance), or
/// a length below [`MIN_MATCH`] when there is none.
fn longest_match(data: &[u8], i: usize, head: &[u32], prev: &[u32]) -> (usize, usize) {
    let Some(h) = hash(data, i) else {
        return (0, 0);
    };
    let limit = (data.len() - i).min(MAX_MATCH);
    let (mut best, mut dist) = (0, 0);
    let mut candidate = head[h];
    for _ in 0..MAX_CHAIN {
        if candidate == NONE || i - candidate as usize > WINDOW {
            break;
        }
        let c = candidate as usize;
        let len = data[c..]
            .iter()
            .zip(&data[i..i + limit])
            .take_while(|(a, b)| a == b)
            .count();
        if len > best {
            (best, dist) = (len, i - c);
            if len == limit {
                break;
            }
        }
        candidate = prev[c];
    }
    (best, dist)
}

/// A bit writer, least significant bit first (§3.1.1).
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    acc: u32,
    n: u32,
}

impl Bits {
    /// Writes the low `n` bits of `v`, least significant first.
    fn put(&mut self, v: u32, n: u32) {
        self.acc |= v << self.n;
        self.n += n;
        while self.n >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Writes a Huffman code (code, length), most significant bit first.
    fn code(&mut self, (code, n): (u32, u32)) {
        if n > 0 {
            self.put(code.reverse_bits() >> (32 - n), n);
        }
    }

    /// The bytes, the last one padded with zeros.
    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::compress;
    use crate::rng::Rng;

    fn round_trip(data: &[u8]) {
        let packed = compress(data);
        let back = miniz_oxide::inflate::decompress_to_vec(&packed)
            .unwrap_or_else(|e| panic!("{} bytes do not inflate: {e:?}", data.len()));
        assert_eq!(back, data, "{} bytes", data.len());
    }

    #[test]
    fn what_it_writes_inflates_to_the_same_bytes() {
        round_trip(b"");
        round_trip(b"a");
        round_trip(b"abcabcabcabcabcabc");
        round_trip(&[0u8; 1000]);
        round_trip(&[255u8; 70_000]);
        let text: Vec<u8> = (0..5000)
            .flat_map(|i| format!("{{\"at\": {i}, \"op\": \"crash\"}}, ").into_bytes())
            .collect();
        round_trip(&text);
        let mut rng = Rng::new(7);
        for n in [3, 100, 40_000] {
            let bytes: Vec<u8> = (0..n).map(|_| rng.below(4) as u8 * 60).collect();
            round_trip(&bytes);
            let bytes: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
            round_trip(&bytes);
        }
    }

    #[test]
    fn every_length_and_distance_code_is_written_right() {
        // A run of `len` copies `dist` back, for lengths and distances at
        // every code's edges.
        let mut rng = Rng::new(11);
        for dist in [
            1, 2, 3, 4, 5, 7, 8, 9, 24, 25, 256, 257, 4096, 4097, 24_577, 32_768,
        ] {
            for len in [3, 4, 10, 11, 12, 130, 131, 257, 258] {
                let mut data: Vec<u8> = (0..dist).map(|_| rng.below(256) as u8).collect();
                let start = data.len() - dist;
                for k in 0..len {
                    data.push(data[start + k % dist]);
                }
                round_trip(&data);
            }
        }
    }

    #[test]
    fn scenario_text_packs_nearly_as_small_as_with_dynamic_codes() {
        for text in [
            include_str!("../../../../www/presets/raft-stress.json"),
            include_str!("../../../../www/presets/quorum-sloppy-handoff.json"),
        ] {
            // Links carry compact JSON.
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let text = value.to_string();
            let ours = compress(text.as_bytes()).len();
            let general = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9).len();
            println!(
                "{} bytes: {ours} here, {general} with dynamic codes",
                text.len()
            );
            assert!(ours * 100 <= general * 125, "{ours} against {general}");
        }
    }
}
