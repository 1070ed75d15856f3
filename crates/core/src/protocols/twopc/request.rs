//! A two-phase commit client request: `"t1"` begins transaction `t1` over
//! every participant; `"t1 no=2"` (or `no=2,3`) makes those participants
//! vote no. It is written in scenarios as that string.

use crate::id::NodeId;
use crate::read::{ReadJson, Reader};
use crate::scenario::ScenarioError;
use serde::{Serialize, Serializer};

/// A transaction to run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TxRequest {
    /// The transaction's id (`t1`).
    pub tx: String,
    /// The participants that will vote no, in id order.
    pub no: Vec<NodeId>,
}

impl TxRequest {
    /// Reads `"t1"`, `"t1 no=2"`, `"t1 no=2,3"`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<TxRequest, String> {
        let mut words = text.split_whitespace();
        let tx = words
            .next()
            .ok_or("a transaction id, like \"t1\" or \"t1 no=2\"")?;
        if tx.contains('=') {
            return Err(format!(
                "the transaction id comes first, like \"t1 no=2\", not “{tx}”"
            ));
        }
        let mut no = Vec::new();
        for word in words {
            let list = word
                .strip_prefix("no=")
                .ok_or_else(|| format!("“{word}”: only no=<node>[,<node>…] may follow the id"))?;
            for n in list.split(',') {
                let id: u32 = n
                    .parse()
                    .map_err(|_| format!("no=: “{n}” is not a node id"))?;
                if id == 0 {
                    return Err("no=0: node 0 is the coordinator, not a participant".into());
                }
                no.push(NodeId(id));
            }
        }
        crate::sorting::sort(&mut no);
        no.dedup();
        Ok(TxRequest {
            tx: tx.to_string(),
            no,
        })
    }
}

impl std::fmt::Display for TxRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.tx)?;
        if !self.no.is_empty() {
            let ids: Vec<String> = self.no.iter().map(|n| n.0.to_string()).collect();
            write!(f, " no={}", ids.join(","))?;
        }
        Ok(())
    }
}

impl Serialize for TxRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl ReadJson for TxRequest {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        TxRequest::parse(r.str()?).map_err(|e| r.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_and_vetoes_and_writes_them_back() {
        let r = TxRequest::parse(" t7  no=3,2 no=2").unwrap();
        assert_eq!((r.tx.as_str(), r.no.clone()), ("t7", vec![NodeId(2), NodeId(3)]));
        assert_eq!(r.to_string(), "t7 no=2,3");
        assert_eq!(TxRequest::parse("t1").unwrap().to_string(), "t1");
        assert_eq!(
            serde_json::to_value(TxRequest::parse("t1 no=2").unwrap()).unwrap(),
            "t1 no=2"
        );
    }

    #[test]
    fn refuses_what_it_cannot_read_with_the_reason() {
        let err = |t| TxRequest::parse(t).unwrap_err();
        assert!(err("").contains("a transaction id"));
        assert!(err("no=2").contains("the transaction id comes first"));
        assert!(err("t1 yes=2").contains("only no=<node>"));
        assert!(err("t1 no=x").contains("“x” is not a node id"));
        assert!(err("t1 no=0").contains("coordinator"));
    }
}
