//! The published corpus in `tests/corpus/linearizability` (from Porcupine's test
//! data): every labelled history gets its label, and every offending set
//! reported is itself not linearizable.

use faultline_core::linearizability::{
    check, check_file, edn, jepsen, KvModel, Model, Operation, RegisterModel, Verdict,
};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/linearizability");

fn read(file: &str) -> String {
    std::fs::read_to_string(format!("{CORPUS}/{file}"))
        .unwrap_or_else(|e| panic!("cannot read {CORPUS}/{file}: {e}"))
}

/// `(file, linearizable)` for every labelled file.
fn labels() -> Vec<(String, bool)> {
    read("labels.tsv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (file, label) = l.split_once('\t').expect("file<TAB>label");
            (file.to_string(), label.trim() == "true")
        })
        .collect()
}

/// The offending set of a bad history, checked alone, is not linearizable.
fn offending_fails_alone<M: Model>(model: &M, ops: &[Operation<M::Input, M::Output>], file: &str) {
    let Verdict::NotLinearizable { offending } = check(model, ops) else {
        panic!("{file}: linearizable");
    };
    assert!(!offending.is_empty(), "{file}");
    let alone: Vec<_> = offending.iter().map(|&i| ops[i].clone()).collect();
    assert!(
        !check(model, &alone).is_linearizable(),
        "{file}: the offending set {offending:?} is linearizable alone"
    );
}

fn check_labelled(filter: impl Fn(&str) -> bool) -> usize {
    let mut checked = 0;
    for (file, linearizable) in labels().into_iter().filter(|(f, _)| filter(f)) {
        let text = read(&file);
        let report = check_file(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            report.verdict.is_linearizable(),
            linearizable,
            "{file}: {:?}",
            report.offending
        );
        assert!(report.operations > 0 && report.clients > 0 && report.partitions > 0);
        if !linearizable {
            if file.starts_with("jepsen/") {
                offending_fails_alone(&RegisterModel, &jepsen::parse(&text).unwrap(), &file);
            } else {
                offending_fails_alone(&KvModel, &edn::parse(&text).unwrap(), &file);
            }
        }
        checked += 1;
    }
    checked
}

#[test]
fn jepsen_etcd_histories_get_their_labels() {
    // 102 labelled: 23 linearizable, 79 not; etcd_095.log has no label.
    assert!(labels().iter().all(|(f, _)| f != "jepsen/etcd_095.log"));
    let labelled = labels()
        .iter()
        .filter(|(f, _)| f.starts_with("jepsen/"))
        .count();
    let good = labels()
        .iter()
        .filter(|(f, ok)| f.starts_with("jepsen/") && *ok)
        .count();
    assert_eq!((labelled, good), (102, 23));
    assert_eq!(check_labelled(|f| f.starts_with("jepsen/")), 102);
}

#[test]
fn kv_histories_with_1_and_10_clients_get_their_labels() {
    assert_eq!(
        check_labelled(|f| f.starts_with("kv/c01") || f.starts_with("kv/c10")),
        4
    );
}

#[test]
fn kv_histories_with_50_clients_get_their_labels() {
    assert_eq!(check_labelled(|f| f.starts_with("kv/c50")), 2);
}

#[test]
fn a_jepsen_offending_set_is_a_write_and_the_read_that_missed_it() {
    // etcd_000.log: client 0 writes 1 (lines 74-75), then client 11 reads
    // 2 (lines 85-86) though no write of 2 overlaps.
    let report = check_file(&read("jepsen/etcd_000.log")).unwrap();
    assert_eq!(
        report.offending,
        [
            "client 0: write 1 -> ok, lines 74-75",
            "client 11: read -> 2, lines 85-86"
        ]
    );
}
