//! The fast spec reader against the `toml` crate: whatever the fast reader accepts, the
//! `toml` crate must accept too, with the same values; and a spec the fast path loads must
//! load the same through the slow path. A difference is a bug in the fast reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustgen::input::{self, SourceFile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = input::fast::document_as_json(text) {
        let slow = toml::from_str::<serde_json::Value>(text);
        // Compared as text: map equality ignores key order, which decides output order.
        let as_text = |value: &serde_json::Value| serde_json::to_string(value).ok();
        assert_eq!(
            as_text(&fast),
            slow.as_ref().ok().and_then(as_text),
            "{text:?}: {slow:?}"
        );
    }
    if let Some(fast) = input::fast::load(text) {
        let slow = input::load_with_toml(&SourceFile::new("fuzz.toml", text));
        assert_eq!(
            Ok(format!("{fast:?}")),
            slow.map(|s| format!("{s:?}")).map_err(|d| format!("{d:?}")),
            "{text:?}"
        );
    }
});
