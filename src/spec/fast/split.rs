//! Reading a large spec on every core: the run of `[tasks.NAME]` sections, most of a big
//! file, is cut at task headers into pieces read side by side; the text before and after
//! it is read in sequence around them.
//!
//! This only ever answers what reading the whole text in sequence would: a piece may only
//! add new tasks (`Table::adopt_tasks` checks), and any piece, or the text around them,
//! that does not read cleanly sends the caller back to the sequential reader. A cut line
//! that is not really a header (inside a multi-line array) leaves a piece that cannot
//! read, so it is caught the same way.

use super::tree::{self, Table};

/// Below this size, cutting costs more than it saves.
const PARALLEL_FROM_BYTES: usize = 1 << 20;
const TASK_HEADER: &str = "\n[tasks.";

/// The document read in pieces, or `None` when it is small, has no run of task sections to
/// cut, or reading in pieces cannot vouch for the result (the caller then reads in sequence).
pub(super) fn parse(text: &str) -> Option<Table<'_>> {
    parse_on(text, crate::parallel::cores())
}

fn parse_on(text: &str, cores: usize) -> Option<Table<'_>> {
    if text.len() < PARALLEL_FROM_BYTES || cores < 2 {
        return None;
    }
    let (start, end) = tasks_region(text)?;
    let cuts = cuts(text, start, end, cores * 2);
    let pieces: Vec<&str> = cuts
        .windows(2)
        .filter_map(|w| text.get(w[0]..w[1]))
        .collect();
    let read = crate::parallel::map_in_order(&pieces, cores, |piece| {
        let mut root = Table::root();
        tree::parse_into(&mut root, piece).map(|()| root)
    });
    let mut root = Table::root();
    tree::parse_into(&mut root, text.get(..start)?)?;
    for piece in read {
        root.adopt_tasks(piece?)?;
    }
    tree::parse_into(&mut root, text.get(end..)?)?;
    Some(root)
}

/// From the first line starting `[tasks.` to the next line starting `[` that is not a
/// task's header (or the end): byte offsets of line starts.
fn tasks_region(text: &str) -> Option<(usize, usize)> {
    let start = if text.starts_with(&TASK_HEADER[1..]) {
        0
    } else {
        text.find(TASK_HEADER)? + 1
    };
    let end = text[start..]
        .match_indices("\n[")
        .map(|(at, _)| start + at + 1)
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
    use super::*;

    /// As on the two-core machines this is built for, whatever runs the tests.
    fn parse(text: &str) -> Option<Table<'_>> {
        parse_on(text, 2)
    }

    fn as_json(table: Option<Table<'_>>) -> Option<String> {
        use serde::Deserialize;
        let table = table?;
        let value = serde_json::Value::deserialize(super::super::de::TableDeserializer(&table));
        value.ok().map(|v| v.to_string())
    }

    fn large(tasks: usize, extra: &str) -> String {
        let mut text = String::from("version = 1\n[project]\nname = \"p\"\n");
        for i in 0..tasks {
            text.push_str(&format!(
                "\n[tasks.t{i:05}]\naccount = \"a\"\n[[tasks.t{i:05}.statements]]\nactions = [\n  \"s3:GetObject\",\n]\n{}\n",
                "# padding ".repeat(20)
            ));
        }
        text.push_str(extra);
        text
    }

    #[test]
    fn pieces_read_as_the_whole_text_does() {
        // (what follows the tasks, whether pieces can vouch for the result)
        for (extra, in_pieces) in [
            ("", true),
            (
                "[roles.r]\naccount = \"a\"\n[[roles.r.statements]]\nactions = [\"x\"]\n",
                true,
            ),
            ("[tasks]\n", true),
            // A task section continued later: legal, but left to the sequential reader.
            ("[tasks.t00003.containers]\nname = \"late\"\n", false),
        ] {
            let text = large(6000, extra);
            assert!(text.len() > PARALLEL_FROM_BYTES);
            let sequential = as_json(tree::parse(&text));
            assert!(sequential.is_some(), "{extra:?}");
            let pieces = as_json(parse(&text));
            assert_eq!(pieces.is_some(), in_pieces, "{extra:?}");
            // Not assert_eq: the documents are megabytes.
            assert!(pieces.is_none() || pieces == sequential, "{extra:?}");
        }
    }

    #[test]
    fn what_pieces_cannot_vouch_for_is_left_to_the_sequential_reader() {
        // A task named twice, in different pieces: the sequential reader refuses it too.
        let twice = large(6000, "[tasks.t00001]\naccount = \"b\"\n");
        assert!(tree::parse(&twice).is_none());
        assert!(parse(&twice).is_none());
        // Not a header: a nested array's line; the piece before it cannot read.
        let mut array = large(3000, "");
        array.push_str("[tasks.z]\nm = [\n[tasks.q]\n]\n");
        let more = large(3000, "").replace("[tasks.t", "[tasks.u");
        array.push_str(more.trim_start_matches("version = 1\n[project]\nname = \"p\"\n"));
        assert!(tree::parse(&array).is_none());
        assert!(parse(&array).is_none());
    }

    #[test]
    fn another_section_ends_the_pieces_and_the_rest_reads_in_sequence() {
        let other = large(6000, "").replacen("[tasks.t03000]", "[accounts.x]\n[tasks.t03000]", 1);
        let sequential = as_json(tree::parse(&other));
        assert!(sequential.is_some());
        assert!(as_json(parse(&other)) == sequential);
        let (start, end) = tasks_region(&other).unwrap_or_default();
        assert!(other[start..].starts_with("[tasks.t00000]"));
        assert!(other[end..].starts_with("[accounts.x]"));
        assert_eq!(cuts(&other, start, end, 4).len(), 5, "four pieces");
    }
}
