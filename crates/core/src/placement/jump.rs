//! Jump consistent hash (Lamping & Veach 2014, "A Fast, Minimal Memory,
//! Consistent Hash Algorithm", arXiv:1406.2294).

/// The bucket in `0..buckets` of `key`, transcribed from the paper's C++
/// code:
///
/// ```cpp
/// int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
///     int64_t b = -1, j = 0;
///     while (j < num_buckets) {
///         b = j;
///         key = key * 2862933555777941757ULL + 1;
///         j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
///     }
///     return b;
/// }
/// ```
///
/// Growing from `n` to `n + 1` buckets moves a key only into the new bucket
/// `n`, and each key does so with probability `1 / (n + 1)` (the paper's
/// "Explanation of the algorithm"). The
/// arithmetic is IEEE double division and multiplication, exactly rounded on
/// every target, so the result is the same everywhere.
///
/// The paper requires at least one bucket; `buckets == 0` returns 0.
pub fn jump_hash(mut key: u64, buckets: u32) -> u32 {
    let buckets = i64::from(buckets);
    let (mut b, mut j) = (-1_i64, 0_i64);
    while j < buckets {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        // `b + 1 <= u32::MAX` and the ratio is at most 2^31, so the product
        // is below 2^63 and the truncating cast is exact as in C++.
        j = ((b + 1) as f64 * ((1_i64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b.max(0) as u32
}
