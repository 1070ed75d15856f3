//! Stable sorting compiled once for the browser.
//!
//! The standard library's sorts are generic over the element and the
//! comparison, so every call site with its own type or closure brings its
//! own copy of the whole algorithm into the wasm (about 70 kB of a lab's
//! code before these helpers). On `wasm32` these functions sort a list of
//! indices with one comparison behind a `dyn`, so the algorithm is compiled
//! once, then move the elements into place; elsewhere they call the
//! standard library directly, so native speed is unchanged.
//!
//! Both paths are a stable sort, whose result is fully determined by the
//! comparison: a run sorts the same on every target.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably (like `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if cfg!(target_arch = "wasm32") {
        let order = sorted_order(v.len(), &|a, b| cmp(&v[a], &v[b]));
        permute(v, order);
    } else {
        v.sort_by(cmp);
    }
}

/// Sorts `v` by the key `key` extracts, stably (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in its natural order, stably (like `slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The indices `0..n` in the stable order `cmp` gives them: the one
/// instance of the standard sort that every call shares.
fn sorted_order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that position `k` holds what was at `order[k]`,
/// following each cycle of the permutation once (no element is cloned).
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The browser's path, forced on the host.
    fn index_sort_by_key(v: &mut [(u8, u16)]) {
        let order = sorted_order(v.len(), &|a, b| v[a].0.cmp(&v[b].0));
        permute(v, order);
    }

    proptest! {
        /// The index sort is the standard stable sort: equal keys keep
        /// their order (the second field tells them apart).
        #[test]
        fn index_sort_matches_the_standard_stable_sort(keys in proptest::collection::vec(0u8..8, 0..200)) {
            let original: Vec<(u8, u16)> = keys.iter().enumerate().map(|(i, &k)| (k, i as u16)).collect();
            let mut ours = original.clone();
            index_sort_by_key(&mut ours);
            let mut std = original;
            std.sort_by_key(|e| e.0);
            prop_assert_eq!(ours, std);
        }
    }

    #[test]
    fn permute_moves_each_element_to_its_place() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        permute(&mut v, vec![3, 0, 4, 1, 2]);
        assert_eq!(v, vec!['d', 'a', 'e', 'b', 'c']);
    }
}
