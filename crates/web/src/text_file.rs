//! Reading a text file the reader picked: refused by its size before it is
//! read, and refused as binary (with where) before it reaches a text area.

/// What a file is read as: the most it may weigh, and what it must be.
#[derive(Clone, Copy)]
pub struct Kind {
    /// The largest file read.
    pub max_bytes: f64,
    /// What the reader should have picked ("a scenario is a JSON text file").
    pub what: &'static str,
}

/// A scenario: the longest preset is a few kilobytes and an hour of
/// clicking a few hundred, so anything near a megabyte is not a scenario,
/// and reading it whole would stall the page.
pub const SCENARIO: Kind = Kind {
    max_bytes: 1_000_000.0,
    what: "a scenario is a JSON text file",
};

/// A byte count as a reader says it: "512 bytes", "3.1 MB".
pub fn size(bytes: f64) -> String {
    const KB: f64 = 1000.0;
    if bytes < KB {
        format!("{bytes} bytes")
    } else if bytes < KB * KB {
        format!("{:.1} kB", bytes / KB)
    } else {
        format!("{:.1} MB", bytes / (KB * KB))
    }
}

/// Why a file of `bytes` bytes is not read as `kind` at all, if it is too
/// big.
pub fn refuse_size(name: &str, bytes: f64, kind: Kind) -> Result<(), String> {
    if bytes > kind.max_bytes {
        return Err(format!(
            "{name} is {}: {} of at most {}",
            size(bytes),
            kind.what,
            size(kind.max_bytes)
        ));
    }
    Ok(())
}

/// The file's bytes as text, or why they are not text: a NUL byte (what a
/// binary file has and a text file never does) or a byte sequence that is
/// not UTF-8, with its offset.
pub fn decode(name: &str, bytes: Vec<u8>, kind: Kind) -> Result<String, String> {
    let what = kind.what;
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(format!(
            "{name} is not a text file (a zero byte at offset {at}): {what}"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name} is not UTF-8 text (byte offset {}): {what}",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads `file` as text, refusing a big or binary one with a message that
/// names it, its real size and what was expected.
pub async fn read(file: &web_sys::File, kind: Kind) -> Result<String, String> {
    let name = file.name();
    refuse_size(&name, file.size(), kind)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("{name}: cannot be read"))?;
    decode(&name, js_sys::Uint8Array::new(&buffer).to_vec(), kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_file_is_refused_with_its_real_size() {
        assert_eq!(
            refuse_size("photo.raw", 3_145_728.0, SCENARIO).unwrap_err(),
            "photo.raw is 3.1 MB: a scenario is a JSON text file of at most 1.0 MB"
        );
        assert!(refuse_size("run.json", 2_000.0, SCENARIO).is_ok());
        assert!(refuse_size("edge.json", SCENARIO.max_bytes, SCENARIO).is_ok());
        assert_eq!(size(512.0), "512 bytes");
        assert_eq!(size(2_500.0), "2.5 kB");
    }

    #[test]
    fn a_binary_file_is_refused_with_where() {
        let png = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0];
        assert_eq!(
            decode("a.png", png, SCENARIO).unwrap_err(),
            "a.png is not a text file (a zero byte at offset 8): a scenario is a JSON text file"
        );
        let latin1 = b"{\"seed\": \"caf\xe9\"}".to_vec();
        assert_eq!(
            decode("b.json", latin1, SCENARIO).unwrap_err(),
            "b.json is not UTF-8 text (byte offset 13): a scenario is a JSON text file"
        );
        assert_eq!(decode("c.json", b"{}".to_vec(), SCENARIO).unwrap(), "{}");
    }
}
