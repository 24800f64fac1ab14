//! IAM patterns (`*` any run, `?` one character), as IAM matches a policy's actions and
//! resources: whether a pattern matches a text, whether two patterns can match the same
//! text, whether one covers the other.

/// `*` and `?` match anything in IAM's ARN patterns.
pub(crate) fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Whether the IAM ARN pattern `pattern` (`*` any run, `?` one character) matches `text`,
/// as IAM matches a policy's Resource against a request's resource: case-sensitively.
pub(crate) fn pattern_matches(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        matches_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            a == b
        })
    } else {
        let (pattern, text): (Vec<char>, Vec<char>) =
            (pattern.chars().collect(), text.chars().collect());
        matches_units(&pattern, &text, '*', '?', |a, b| a == b)
    }
}

/// `pattern_matches` with ASCII letters compared ignoring case, as IAM compares actions:
/// what matching both lowercased with `to_ascii_lowercase` gives, without the copies
/// (this runs for every action of every statement against each escalating action).
pub(crate) fn pattern_matches_ignoring_case(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        matches_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            a.eq_ignore_ascii_case(&b)
        })
    } else {
        let (pattern, text): (Vec<char>, Vec<char>) =
            (pattern.chars().collect(), text.chars().collect());
        matches_units(&pattern, &text, '*', '?', |a, b| a.eq_ignore_ascii_case(&b))
    }
}

/// Greedy matching with one backtrack point: linear in practice, no recursion, and no
/// allocation for ASCII (this runs for every pattern against every role it may name).
fn matches_units<T: PartialEq + Copy>(
    pattern: &[T],
    text: &[T],
    star: T,
    one: T,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == one || same(c, text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    backtrack = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == star)
}

/// Whether some text matches both IAM patterns (`*` any run, `?` one character): whether
/// two action or resource patterns can name the same thing.
pub(crate) fn patterns_intersect(a: &str, b: &str) -> bool {
    // A pattern without wildcards stands for itself alone: the other need only match it,
    // a linear walk instead of the table (resources are mostly literal ARNs).
    if !has_wildcard(b) {
        return pattern_matches(a, b);
    }
    if !has_wildcard(a) {
        return pattern_matches(b, a);
    }
    // No copies for ASCII: this runs for every resource of every statement against the
    // ARN formats of every resource type its actions take.
    if a.is_ascii() && b.is_ascii() {
        let Some((a, b)) = strip_literal_ends(a.as_bytes(), b.as_bytes()) else {
            return false;
        };
        intersect_units(a, b, b'*', b'?')
    } else {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        intersect_units(&a, &b, '*', '?')
    }
}

/// Two ASCII patterns without the ends they share as literal text, or `None` when a
/// literal end differs: every text either matches starts (ends) with its pattern's
/// literal head (tail), so a common one is in every text both match and two different
/// ones rule each other out. What is left is usually short (`parameter/bench/*` against a
/// format's `parameter/?*` leaves `bench/*` against `?*`), which keeps the table small.
fn strip_literal_ends<'p>(a: &'p [u8], b: &'p [u8]) -> Option<(&'p [u8], &'p [u8])> {
    let literal = |unit: &u8| *unit != b'*' && *unit != b'?';
    let (mut a, mut b) = (a, b);
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if !literal(x) || !literal(y) {
            break;
        }
        if x != y {
            return None;
        }
        (a, b) = (&a[1..], &b[1..]);
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if !literal(x) || !literal(y) {
            break;
        }
        if x != y {
            return None;
        }
        (a, b) = (&a[..a.len() - 1], &b[..b.len() - 1]);
    }
    Some((a, b))
}

/// `patterns_intersect` over code units. reachable(i, j): a[..i] and b[..j] can stand for
/// the same text; filled row by row, two rows kept (a row's cells only reach the next
/// row and the cells after them in their own), on the stack when `b` is short.
fn intersect_units<T: PartialEq + Copy>(a: &[T], b: &[T], star: T, one: T) -> bool {
    const ON_STACK: usize = 256;
    let width = b.len() + 1;
    let mut stack = [false; 2 * ON_STACK];
    let mut heap = Vec::new();
    let cells: &mut [bool] = if width <= ON_STACK {
        &mut stack[..2 * width]
    } else {
        heap.resize(2 * width, false);
        &mut heap
    };
    let (mut row, mut next) = cells.split_at_mut(width);
    row[0] = true;
    for i in 0..=a.len() {
        let x = a.get(i).copied();
        next.fill(false);
        let mut any = false;
        for j in 0..width {
            if !row[j] {
                continue;
            }
            any = true;
            let y = b.get(j).copied();
            if x == Some(star) {
                next[j] = true;
                if y.is_some() {
                    row[j + 1] = true;
                }
            }
            if y == Some(star) {
                row[j + 1] = true;
                if x.is_some() {
                    next[j] = true;
                }
            }
            if let (Some(x), Some(y)) = (x, y) {
                if x == y || x == one || y == one {
                    next[j + 1] = true;
                }
            }
        }
        if i == a.len() || !any {
            return row[b.len()];
        }
        std::mem::swap(&mut row, &mut next);
    }
    false
}

/// Whether every text the IAM pattern `narrow` matches is matched by `wide` too (`*` any
/// run, `?` one character): whether replacing `wide` by `narrow` can only narrow a grant.
/// Sound, not complete: a `*` of `narrow` must fall inside a `*` of `wide`, and a `?` of
/// `narrow` inside a `?` or `*`; so `true` is always right, and the few patterns it cannot
/// prove covered (`?*` against `*?`) count as not covered, the safe answer for a reviewer.
pub(crate) fn pattern_covers(wide: &str, narrow: &str) -> bool {
    if wide == narrow || wide == "*" {
        return true;
    }
    if !has_wildcard(narrow) {
        // One text: covered when the wide pattern matches it.
        return pattern_matches(wide, narrow);
    }
    let (wide, narrow): (Vec<char>, Vec<char>) = (wide.chars().collect(), narrow.chars().collect());
    // reachable[i][j]: wide[..i] covers narrow[..j]. Filled row by row.
    let mut reachable = vec![vec![false; narrow.len() + 1]; wide.len() + 1];
    reachable[0][0] = true;
    for i in 0..=wide.len() {
        for j in 0..=narrow.len() {
            if !reachable[i][j] {
                continue;
            }
            let (w, n) = (wide.get(i).copied(), narrow.get(j).copied());
            match w {
                // A star covers nothing more, or absorbs the next part of `narrow`, whatever it is.
                Some('*') => {
                    reachable[i + 1][j] = true;
                    if n.is_some() {
                        reachable[i][j + 1] = true;
                    }
                }
                Some('?') if n.is_some_and(|n| n != '*') => reachable[i + 1][j + 1] = true,
                Some(w) if n == Some(w) && w != '?' && w != '*' => reachable[i + 1][j + 1] = true,
                _ => {}
            }
        }
    }
    reachable[wide.len()][narrow.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_iam_matches_resources() {
        assert!(pattern_matches(
            "arn:aws:iam::1:role/*",
            "arn:aws:iam::1:role/a/b"
        ));
        assert!(pattern_matches("*", "anything"));
        assert!(pattern_matches("a?c*", "abcde"));
        assert!(!pattern_matches(
            "arn:aws:iam::1:role/*",
            "arn:aws:iam::2:role/a"
        ));
        assert!(!pattern_matches("a*b", "acbc"));
        assert!(pattern_matches("a*b*c", "aXbYbZc"));
    }

    /// Matching ignoring case gives what matching both texts lowercased gave (the copies
    /// it replaced), non-ASCII texts included.
    #[test]
    fn actions_match_ignoring_ascii_case_as_when_lowercased() {
        let cases = [
            ("IAM:Pass*", "iam:PassRole"),
            ("iam:?assrole", "IAM:PASSROLE"),
            ("*", "sts:AssumeRole"),
            ("s3:Get*", "iam:PassRole"),
            ("iam:PassRoleX", "iam:PassRole"),
            ("ÉTAT:*", "état:x"),
            ("état:*", "état:X"),
            ("i*m:*Role", "IAM:passrole"),
        ];
        for (pattern, text) in cases {
            assert_eq!(
                pattern_matches_ignoring_case(pattern, text),
                pattern_matches(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase()),
                "{pattern} against {text}"
            );
        }
        assert!(pattern_matches_ignoring_case("IAM:Pass*", "iam:passrole"));
        assert!(!pattern_matches_ignoring_case("ÉTAT:*", "état:x"));
    }
    /// The table of every (i, j), as first written: what the two-row version must agree with.
    fn intersect_by_full_table(a: &str, b: &str) -> bool {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut reachable = vec![vec![false; b.len() + 1]; a.len() + 1];
        reachable[0][0] = true;
        for i in 0..=a.len() {
            for j in 0..=b.len() {
                if !reachable[i][j] {
                    continue;
                }
                let (x, y) = (a.get(i).copied(), b.get(j).copied());
                if x == Some('*') {
                    reachable[i + 1][j] = true;
                    if y.is_some() {
                        reachable[i][j + 1] = true;
                    }
                }
                if y == Some('*') {
                    reachable[i][j + 1] = true;
                    if x.is_some() {
                        reachable[i + 1][j] = true;
                    }
                }
                if let (Some(x), Some(y)) = (x, y) {
                    if x == y || x == '?' || y == '?' {
                        reachable[i + 1][j + 1] = true;
                    }
                }
            }
        }
        reachable[a.len()][b.len()]
    }

    #[test]
    fn patterns_intersect_agrees_with_the_full_table() {
        // Every pattern of up to four units over a, b, é (not ASCII), `*` and `?`: literal ends
        // that agree and that differ.
        let mut patterns = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|p| ["a", "b", "é", "*", "?"].map(|unit| format!("{p}{unit}")))
                .collect();
            patterns.extend(last.iter().cloned());
        }
        for a in &patterns {
            for b in &patterns {
                assert_eq!(
                    patterns_intersect(a, b),
                    intersect_by_full_table(a, b),
                    "{a:?} and {b:?}"
                );
            }
        }
        // Longer than the table kept on the stack.
        let long = format!("arn:aws:s3:::{}", "x".repeat(300));
        for (a, b) in [(&long, "arn:?*:s3:::?*"), (&long, "arn:?*:s3:::y?*")] {
            assert_eq!(patterns_intersect(a, b), intersect_by_full_table(a, b));
            assert_eq!(patterns_intersect(b, a), intersect_by_full_table(b, a));
        }
        assert!(patterns_intersect(&long, "arn:?*:s3:::?*"));
    }

    #[test]
    fn patterns_intersect_when_some_text_matches_both() {
        assert!(patterns_intersect("dynamodb:*", "dynamodb:DeleteItem"));
        assert!(patterns_intersect("dynamodb:Delete*", "dynamodb:*Item"));
        assert!(patterns_intersect("*", "s3:GetObject"));
        assert!(!patterns_intersect(
            "dynamodb:DeleteItem",
            "dynamodb:GetItem"
        ));
        assert!(!patterns_intersect("s3:*", "dynamodb:*"));
        assert!(patterns_intersect("a?c", "*b*"));
        assert!(!patterns_intersect("a?c", "*d"));
    }

    #[test]
    fn wide_patterns_cover_narrow_ones_and_not_the_reverse() {
        let covered = [
            ("s3:*", "s3:GetObject"),
            ("s3:*", "s3:Get*"),
            ("s3:Get*", "s3:GetObject"),
            ("*", "s3:*"),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x"),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*"),
            ("a?c", "abc"),
            ("a?c", "a?c"),
            ("a*", "a?"),
            ("*a*", "*aa*"),
            ("a*b", "a*b"),
        ];
        for (wide, narrow) in covered {
            assert!(pattern_covers(wide, narrow), "{wide} should cover {narrow}");
        }
        let not_covered = [
            ("s3:GetObject", "s3:*"),
            ("s3:Get*", "s3:*"),
            ("arn:aws:s3:::b/x", "arn:aws:s3:::b/*"),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::c/*"),
            // `?` is one character; `*` any run, the empty one included.
            ("a?", "a*"),
            ("a?c", "a*c"),
            ("abc", "a?c"),
            ("s3:*", "*"),
        ];
        for (wide, narrow) in not_covered {
            assert!(
                !pattern_covers(wide, narrow),
                "{wide} should not cover {narrow}"
            );
        }
        // Sound against matching: whatever the narrow pattern covers, the wide one matches.
        for text in ["s3:GetObject", "arn:aws:s3:::b/x", "abc", "a", "aXbYb"] {
            for (wide, narrow) in covered {
                if pattern_matches(narrow, text) {
                    assert!(
                        pattern_matches(wide, text),
                        "{wide} ⊇ {narrow} but not {text}"
                    );
                }
            }
        }
    }
}
