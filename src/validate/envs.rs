//! Account envs: what an env may be called, and which envs look like production (dev
//! access there is refused unless the spec opts in by name).

use super::Findings;
use crate::diagnostic::{Code, PathSegment};

/// Account envs: ASCII letters, digits and `-_. `, so that a production env cannot hide
/// behind a look-alike letter from another script.
fn is_env_name(env: &str) -> bool {
    (1..=64).contains(&env.len())
        && env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b' '))
}

/// Reports and returns whether `env` is not a name an env may have (an account's env, or
/// one listed in `dev_access.environments`).
pub(super) fn invalid_env(env: &str, at: Vec<PathSegment>, findings: &mut Findings) -> bool {
    let invalid = !is_env_name(env);
    if invalid {
        findings.at(
            Code::InvalidEnv,
            at,
            format!("env `{}` is not allowed", env.escape_debug()),
            "use 1-64 ASCII letters, digits, spaces and - _ . (a look-alike letter from another script could hide a production env)",
        );
    }
    invalid
}

/// Words that mark an env as production.
const PRODUCTION_WORDS: [&str; 4] = ["prod", "prd", "production", "live"];

/// Whether an env (or a name) looks like production. It is cut into words at `-`, `_`, `.`,
/// spaces, between letters and digits and before a capital after a small letter
/// (`eu-prod2`, `euProd`, `Prd01`); an env is production when a word, ignoring case, is
/// `prod`, `prd`, `production` or `live`, or starts with `prod` (`prodeu`). Look-alikes
/// count too: digits that stand for letters (`pr0d`, `l1ve`, `pr0duction`: 0 o, 1 i or l,
/// 3 e, 4 a, 5 s, 7 t) and a production word spelled across separators (`p.r.o.d`,
/// `pr-od`). `preprod` and `staging` are not production, nor is a production word right
/// after `pre`, `non` or `not` (`pre-prod`, `PreProd`, `non-prod`).
pub(super) fn is_production_env(env: &str) -> bool {
    reads_as_production(env, true)
}

/// Whether a name of something (an account, a bucket) reads as production: as an env,
/// but a word must be a production word itself (or a look-alike of one), not merely start
/// with `prod`: `products`, `producer-queue` and `production-line-dev`'s neighbours are
/// names, not stages (`prod-payments`, `pr0d-config` and `l1ve` still are).
pub(super) fn is_production_name(name: &str) -> bool {
    reads_as_production(name, false)
}

/// `prefixed`: a word starting with `prod` counts (envs: `prodeu`).
fn reads_as_production(env: &str, prefixed: bool) -> bool {
    let is_production_word = |word: &str| is_production_word(word, prefixed);
    // Every rule below finds a production word inside the text with separators left out
    // and digits read as letters: without one there, nothing is production (the usual
    // case, for the many names this reads: buckets, accounts, envs).
    let plain: String = env
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .collect();
    let might_be = ['i', 'l'].iter().any(|&one_is| {
        let folded = fold_digits(&plain, one_is);
        ["prod", "prd", "live"]
            .iter()
            .any(|word| folded.contains(word))
    });
    if !might_be {
        return false;
    }
    let words = env_words(env);
    if (0..words.len()).any(|i| is_production_word(&words[i]) && !negated(&words, i)) {
        return true;
    }
    // Pieces between separators and case changes, digits kept in: `pr0d`, not `pr`, `0`, `d`.
    let pieces = pieces(env);
    for one_is in ['i', 'l'] {
        let folded: Vec<String> = pieces.iter().map(|p| fold_digits(p, one_is)).collect();
        if (0..folded.len()).any(|i| is_production_word(&folded[i]) && !negated(&folded, i)) {
            return true;
        }
        // A production word spelled across neighbouring pieces: `p.r.o.d`, `pr-od`.
        for start in 0..folded.len() {
            let mut joined = String::new();
            for piece in &folded[start..] {
                joined.push_str(piece);
                if joined.len() > "production".len() {
                    break;
                }
                if start + 1 < folded.len()
                    && PRODUCTION_WORDS.contains(&joined.as_str())
                    && !negated(&folded, start)
                {
                    return true;
                }
            }
        }
    }
    false
}

/// Words that, right before a production word, say the opposite (`pre-prod`, `non-prod`).
const NEGATIONS: [&str; 3] = ["pre", "non", "not"];

/// Whether the word at `index` follows one of [`NEGATIONS`].
fn negated(words: &[String], index: usize) -> bool {
    index
        .checked_sub(1)
        .and_then(|before| words.get(before))
        .is_some_and(|before| NEGATIONS.contains(&before.to_ascii_lowercase().as_str()))
}

fn is_production_word(word: &str, prefixed: bool) -> bool {
    let word = word.to_ascii_lowercase();
    PRODUCTION_WORDS.contains(&word.as_str())
        || (prefixed && (word.starts_with("prod") || ends_in_production(&word)))
}

/// A production word after a region or team prefix in one word (`usprod`, `euprd`,
/// `euwestproduction`), not after a word that negates it (`preprod`, `nonprod`). `live`
/// is left out: too many words end in it (`olive`, `deliver` aside, `alive`).
fn ends_in_production(word: &str) -> bool {
    ["production", "prod", "prd"].iter().any(|production| {
        word.strip_suffix(production).is_some_and(|prefix| {
            !prefix.is_empty()
                && prefix.bytes().all(|b| b.is_ascii_alphabetic())
                && !NEGATIONS.iter().any(|negation| prefix.ends_with(negation))
        })
    })
}

/// A piece with its digits read as the letters they look like (lowercase).
fn fold_digits(piece: &str, one_is: char) -> String {
    piece
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            '0' => 'o',
            '1' => one_is,
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

/// `env` cut at separators and before a capital after a small letter, digits kept.
fn pieces(env: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for c in env.chars() {
        let separator = matches!(c, '-' | '_' | '.' | ' ');
        let boundary =
            separator || previous.is_some_and(|p| p.is_ascii_lowercase() && c.is_ascii_uppercase());
        if boundary || pieces.is_empty() {
            pieces.push(String::new());
        }
        if let (Some(piece), false) = (pieces.last_mut(), separator) {
            piece.push(c);
        }
        previous = Some(c);
    }
    pieces.retain(|piece| !piece.is_empty());
    pieces
}

fn env_words(env: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    for c in env.chars() {
        let boundary = match previous {
            _ if matches!(c, '-' | '_' | '.' | ' ') => true,
            Some(p) => {
                (p.is_ascii_alphabetic() && c.is_ascii_digit())
                    || (p.is_ascii_digit() && c.is_ascii_alphabetic())
                    || (p.is_ascii_lowercase() && c.is_ascii_uppercase())
            }
            None => false,
        };
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !matches!(c, '-' | '_' | '.' | ' ') {
            word.push(c);
        }
        previous = Some(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_envs_are_found_by_their_words() {
        for env in [
            "prod",
            "PRD",
            "prod-eu",
            "eu_live",
            "production",
            "eu.prod.1",
            "prod1",
            "non-prod-live",
            "pre-prod-prod",
            "eu-prod2",
            "production2",
            "prodeu",
            "usprod",
            "euprd",
            "euwestprod",
            "apacproduction",
            "Prd01",
            "live1",
            "euProd",
        ] {
            assert!(is_production_env(env), "{env}");
        }
        for env in [
            "dev",
            "preprod",
            "staging",
            "sandbox",
            "dev2",
            "livestock-test",
            "delivery",
            "pre-prod",
            "PreProd",
            "pre_prod",
            "non-prod",
            "NonProd",
            "preprod",
            "nonprod",
            "olive",
            "not-prod",
        ] {
            assert!(!is_production_env(env), "{env}");
        }
        assert!(!is_env_name("prоd"), "a Cyrillic o is not ASCII");
    }

    #[test]
    fn names_read_as_production_by_whole_words_only() {
        for name in [
            "prod-payments",
            "pr0d-config",
            "l1ve",
            "eu-live",
            "payments-prd",
        ] {
            assert!(is_production_name(name), "{name}");
        }
        for name in [
            "products",
            "product-images",
            "producer-queue",
            "dev-config",
            "delivery",
        ] {
            assert!(!is_production_name(name), "{name}");
        }
    }

    #[test]
    fn look_alikes_of_production_are_production() {
        for env in [
            "pr0d",
            "PR0D",
            "l1ve",
            "1ive",
            "pr0duction",
            "p.r.o.d",
            "p-r-0-d",
            "pr-od",
            "l i v e",
            "eu-pr0d",
            "pr0d2",
            "euPr0d",
        ] {
            assert!(is_production_env(env), "{env}");
        }
        for env in [
            "dev",
            "d3v",
            "sandbox01",
            "staging",
            "st4ging",
            "qa-1",
            "pre-prod-like",
            "pre-pr0d",
            "non-p.r.o.d",
            "l0cal",
            "delivery",
            "pro-duct",
        ] {
            assert!(!is_production_env(env), "{env}");
        }
    }
}
