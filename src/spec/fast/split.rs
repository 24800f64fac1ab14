//! Reading a large spec on every core: the run of `[tasks.NAME]` sections, most of a big
//! file, is cut at task headers into pieces, each read (and its tasks deserialized) on its
//! own; the text before and after the run is read as one document around them.
//!
//! This only ever answers what reading the whole text in sequence would: a piece may only
//! define new tasks (`Table::into_tasks`), the text around the pieces may not touch them
//! (`Table::leaves_tasks_to_pieces`), and no task may be named twice (`fast::load` checks);
//! anything else sends the caller back to the sequential reader. A cut line that is not
//! really a header (inside a multi-line array) leaves a piece that cannot read, so it is
//! caught the same way.

/// Below this size, cutting costs more than it saves.
const PARALLEL_FROM_BYTES: usize = 1 << 20;
const TASK_HEADER: &str = "\n[tasks.";

/// A document cut for reading on every core.
pub(super) struct Cut<'t> {
    /// The text before the run of task sections, and after it: one document.
    pub before: &'t str,
    pub after: &'t str,
    /// The run of task sections, in pieces that each start at a task header.
    pub pieces: Vec<&'t str>,
}

/// `text` cut into pieces, or `None` when it is small or has no run of task sections.
pub(super) fn cut(text: &str) -> Option<Cut<'_>> {
    cut_on(text, crate::parallel::cores())
}

fn cut_on(text: &str, cores: usize) -> Option<Cut<'_>> {
    if text.len() < PARALLEL_FROM_BYTES || cores < 2 {
        return None;
    }
    let (start, end) = tasks_region(text)?;
    let pieces = cuts(text, start, end, cores * 4)
        .windows(2)
        .filter_map(|w| text.get(w[0]..w[1]))
        .collect();
    Some(Cut {
        before: text.get(..start)?,
        after: text.get(end..)?,
        pieces,
    })
}

/// From the first line starting `[tasks.` to the next line starting `[` that is not a
/// task's header (or the end): byte offsets of line starts.
fn tasks_region(text: &str) -> Option<(usize, usize)> {
    let start = if text.starts_with(&TASK_HEADER[1..]) {
        0
    } else {
        text.find(TASK_HEADER)? + 1
    };
    // memchr's SIMD search, not `match_indices`: this one runs over the whole run of task
    // sections before any core can start on it.
    let end = memchr::memmem::find_iter(&text.as_bytes()[start..], b"\n[")
        .map(|at| start + at + 1)
        .find(|&line| {
            let rest = &text[line..];
            !(rest.starts_with(&TASK_HEADER[1..]) || rest.starts_with("[[tasks."))
        })
        .unwrap_or(text.len());
    Some((start, end))
}

/// Offsets cutting `start..end` into about `pieces` parts, each cut at a line starting
/// `[tasks.`; first `start`, last `end`.
fn cuts(text: &str, start: usize, end: usize, pieces: usize) -> Vec<usize> {
    let mut cuts = vec![start];
    let step = (end - start) / pieces.max(1);
    for part in 1..pieces {
        let target = start + part * step;
        let previous = cuts.last().copied().unwrap_or(start);
        let Some(found) = text.get(target.max(previous + 1)..end) else {
            break;
        };
        match found.find(TASK_HEADER) {
            Some(at) => cuts.push(target.max(previous + 1) + at + 1),
            None => break,
        }
    }
    cuts.push(end);
    cuts.dedup();
    cuts
}

#[cfg(test)]
mod tests {
    use super::super::{load_in_pieces, load_in_sequence};
    use super::*;

    /// Read in pieces as on the two-core machines this is built for, whatever runs the
    /// tests; the spec as its Debug text (specs have no equality of their own).
    fn in_pieces(text: &str) -> Option<String> {
        let spec = load_in_pieces(&cut_on(text, 2)?)?;
        Some(format!("{spec:?}"))
    }

    fn in_sequence(text: &str) -> Option<String> {
        load_in_sequence(text).map(|spec| format!("{spec:?}"))
    }

    fn large(tasks: usize, extra: &str) -> String {
        let mut text = String::from(
            "version = 1\n[project]\nname = \"p\"\n[accounts.a]\nid = \"111122223333\"\nenv = \"dev\"\n",
        );
        for i in 0..tasks {
            text.push_str(&format!(
                "\n[tasks.t{i:05}]\naccount = \"a\"\n[[tasks.t{i:05}.statements]]\nactions = [\n  \"s3:GetObject\",\n]\nresources = [\"*\"]\n{}\n",
                "# padding ".repeat(20)
            ));
        }
        text.push_str(extra);
        text
    }

    #[test]
    fn pieces_read_as_the_whole_text_does() {
        // (what follows the tasks, whether pieces can vouch for the result)
        for (extra, in_pieces_too) in [
            ("", true),
            (
                "[roles.r]\naccount = \"a\"\ntrusted_tasks = [\"t00001\"]\n[[roles.r.statements]]\nactions = [\"x:Y\"]\nresources = [\"*\"]\n",
                true,
            ),
            ("[tasks]\n", true),
            // A task section continued later: legal, but left to the sequential reader.
            ("[tasks.t00003.containers]\nname = \"late\"\n", false),
            // A task defined after another section: the same.
            ("[roles.r]\naccount = \"a\"\n[tasks.late]\naccount = \"a\"\n", false),
        ] {
            let text = large(6000, extra);
            assert!(text.len() > PARALLEL_FROM_BYTES);
            let sequential = in_sequence(&text);
            let pieces = in_pieces(&text);
            assert_eq!(pieces.is_some(), in_pieces_too, "{extra:?}");
            if in_pieces_too {
                assert!(sequential.is_some(), "{extra:?}");
            }
            // Not assert_eq: the specs are megabytes.
            assert!(pieces.is_none() || pieces == sequential, "{extra:?}");
        }
    }

    #[test]
    fn what_pieces_cannot_vouch_for_is_left_to_the_sequential_reader() {
        // A task named twice, in different pieces: the sequential reader refuses it too.
        let twice = large(6000, "").replace("[tasks.t05999]", "[tasks.t00001]");
        assert!(in_sequence(&twice).is_none());
        assert!(in_pieces(&twice).is_none());
        // A task before the run of tasks, named again in it.
        let before = large(6000, "").replacen(
            "[accounts.a]",
            "[tasks.t04000]\naccount = \"a\"\n[accounts.a]",
            1,
        );
        assert!(in_sequence(&before).is_none());
        assert!(in_pieces(&before).is_none());
        // `tasks` written inline before the run: the sequential reader refuses the headers.
        let inline = large(6000, "").replacen("[project]", "tasks = {}\n[project]", 1);
        assert!(in_sequence(&inline).is_none());
        assert!(in_pieces(&inline).is_none());
        // Not a header: a nested array's line; the piece before it cannot read.
        let mut array = large(3000, "");
        array.push_str("[tasks.z]\nm = [\n[tasks.q]\n]\n");
        let more = large(3000, "").replace("[tasks.t", "[tasks.u");
        let (_, rest) = more.split_at(more.find("\n[tasks.u").unwrap_or_default());
        array.push_str(rest);
        assert!(in_sequence(&array).is_none());
        assert!(in_pieces(&array).is_none());
        // A task serde refuses, deep in one piece.
        let refused = large(6000, "").replace(
            "[tasks.t03000]\naccount",
            "[tasks.t03000]\nbogus = 1\naccount",
        );
        assert!(in_sequence(&refused).is_none());
        assert!(in_pieces(&refused).is_none());
    }

    #[test]
    fn another_section_ends_the_pieces_and_the_rest_reads_around_them() {
        let other = large(6000, "").replacen(
            "[tasks.t03000]",
            "[roles.x]\naccount = \"a\"\n[tasks.t03000]",
            1,
        );
        // Tasks after another section: left to the sequential reader, which reads it.
        let sequential = in_sequence(&other);
        assert!(sequential.is_some());
        assert!(in_pieces(&other).is_none());
        let (start, end) = tasks_region(&other).unwrap_or_default();
        assert!(other[start..].starts_with("[tasks.t00000]"));
        assert!(other[end..].starts_with("[roles.x]"));
        assert_eq!(cuts(&other, start, end, 4).len(), 5, "four pieces");
    }
}
