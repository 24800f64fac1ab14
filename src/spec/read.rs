//! A spec file's text, read from disk. A large spec is read by two threads, each into its
//! half of one buffer: the first touch of that much fresh memory (page faults, a few
//! microseconds per 4 KiB) is most of a read's time, and reading is the one step before
//! parsing that a single core would otherwise do alone.

use std::path::Path;

/// From this size on, a spec is read in halves.
const READ_IN_HALVES_FROM: u64 = 1 << 20;
/// Up to this size (a spec of a few million tasks).
const READ_IN_HALVES_UP_TO: usize = 1 << 30;

pub(super) fn read_text(path: &Path) -> std::io::Result<String> {
    #[cfg(unix)]
    if let Some(text) = read_in_halves(path)? {
        return Ok(text);
    }
    std::fs::read_to_string(path)
}

/// The text read in two halves at once, or `None` where one plain read answers instead:
/// a small file, one core, not a regular file, or a file that changed size or is not
/// UTF-8 (the plain read then says so as it always has).
#[cfg(unix)]
fn read_in_halves(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::ErrorKind;
    use std::os::unix::fs::FileExt;

    // Looked at before it is opened: a FIFO or device is opened once, by the plain read.
    let metadata = std::fs::metadata(path)?;
    // Past `READ_IN_HALVES_UP_TO`, memory the system may refuse is the plain read's error
    // to report (it reserves fallibly), not an abort here.
    let size = match usize::try_from(metadata.len()) {
        Ok(size) if metadata.is_file() && metadata.len() >= READ_IN_HALVES_FROM => size,
        _ => return Ok(None),
    };
    if size > READ_IN_HALVES_UP_TO || crate::parallel::cores() < 2 {
        return Ok(None);
    }
    let file = std::fs::File::open(path)?;
    // Zeroed lazily (calloc): each thread's read faults its own half in.
    let mut bytes = vec![0u8; size];
    let (first, second) = bytes.split_at_mut(size / 2);
    let middle = metadata.len() / 2;
    let (second_read, first_read) = crate::parallel::both(
        || file.read_exact_at(second, middle),
        || file.read_exact_at(first, 0),
    );
    for read in [first_read, second_read] {
        match read {
            Ok(()) => {}
            // Shorter than it was a moment ago.
            Err(error) if error.kind() == ErrorKind::UnexpectedEof => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    // Longer than it was: not the whole file.
    if file.read_at(&mut [0u8], metadata.len())? != 0 {
        return Ok(None);
    }
    Ok(String::from_utf8(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Halves meet exactly, whatever the size's parity, and multi-byte characters split
    /// between them come back whole.
    #[test]
    fn halves_read_as_one_read_does() {
        let dir = std::env::temp_dir().join(format!("trustgen-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        for extra in ["", "x", "é", "xé"] {
            let text = "# ❄ é ü\n".repeat(120_000) + extra;
            assert!(text.len() as u64 >= READ_IN_HALVES_FROM);
            let path = dir.join("spec.toml");
            std::fs::write(&path, &text).unwrap_or_default();
            if crate::parallel::cores() >= 2 {
                let halves = read_in_halves(&path).ok().flatten();
                assert_eq!(halves.as_deref(), Some(text.as_str()));
            }
            assert_eq!(read_text(&path).ok().as_deref(), Some(text.as_str()));
        }
        // Not UTF-8: left to the plain read, which refuses it.
        let path = dir.join("latin1.toml");
        let mut bytes = vec![b'a'; 2 << 20];
        bytes[1 << 20] = 0xE9;
        std::fs::write(&path, &bytes).unwrap_or_default();
        assert!(matches!(read_in_halves(&path), Ok(None)));
        assert!(read_text(&path).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
