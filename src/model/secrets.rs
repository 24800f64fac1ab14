//! What a secret in plain text looks like, by a variable's name or by its value: the AWS
//! SDKs' credential variables and access key ids, secret access keys, private keys,
//! passwords in connection strings, and names that say a value is a secret (or only
//! about one).

/// The variables the AWS SDKs and CLI read credentials from (and the older names some SDKs
/// still read, `AWS_SECURITY_TOKEN` among them): in a container's environment they are
/// credentials in plain text.
pub(crate) const AWS_CREDENTIAL_VARIABLES: [&str; 6] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
];

/// How IAM's access key ids start (long-term `AKIA`, temporary `ASIA`, and the prefixes
/// of keys for other credential types); 16 upper-case letters and digits follow.
pub(crate) const ACCESS_KEY_ID_PREFIXES: [&str; 4] = ["AKIA", "ASIA", "ABIA", "ACCA"];

/// Whether `text` holds something shaped like an access key id, as a word of its own.
pub(crate) fn holds_access_key_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric();
    (0..bytes.len().saturating_sub(19)).any(|start| {
        let candidate = &bytes[start..start + 20];
        ACCESS_KEY_ID_PREFIXES
            .iter()
            .any(|prefix| candidate.starts_with(prefix.as_bytes()))
            && candidate[4..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && (start == 0 || !word(bytes[start - 1]))
            && bytes.get(start + 20).is_none_or(|b| !word(*b))
    })
}

/// Whether a value is shaped like an AWS secret access key: exactly 40 characters of
/// base64 (`A-Z a-z 0-9 / +`) with capitals, small letters and digits all present (a git
/// commit id, lower-case hex, is not).
pub(crate) fn is_secret_access_key_shaped(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 40
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+'))
        && bytes.iter().any(u8::is_ascii_uppercase)
        && bytes.iter().any(u8::is_ascii_lowercase)
        && bytes.iter().any(u8::is_ascii_digit)
}

/// Whether a value holds a PEM private key (`-----BEGIN [RSA |EC |OPENSSH ]PRIVATE KEY-----`).
pub(crate) fn holds_private_key(value: &str) -> bool {
    value.contains("PRIVATE KEY-----")
}

/// Whether a connection string holds a password as a `key=value` setting: ADO.NET's
/// `Password=…;`, ODBC's `PWD=…`, a JDBC URL's `?password=…`.
pub(crate) fn holds_password_setting(value: &str) -> bool {
    value.split([';', '&', '?']).any(|setting| {
        setting.split_once('=').is_some_and(|(key, value)| {
            let key = key.trim();
            ["password", "pwd", "passwd"]
                .iter()
                .any(|name| key.eq_ignore_ascii_case(name))
                && !value.trim().is_empty()
        })
    })
}

/// Words of a variable name that say its value is a secret (`DB_PASSWORD`,
/// `CLIENT_SECRET`, `dbPasswd`)...
const SECRET_WORDS: [&str; 4] = ["PASSWORD", "PASSWD", "SECRET", "CREDENTIAL"];
/// ...pairs of words that do (`API_KEY`, `PRIVATE_KEY`)...
const SECRET_PAIRS: [(&str, &str); 4] = [
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SIGNING", "KEY"),
];
/// ...and words that, after the secret's word, make the variable a reference to a secret
/// (`SECRET_ARN`, `TOKEN_URL`, `PASSWORD_FILE`) or a setting about one
/// (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL_SECONDS`, `SECRETS_MANAGER_REGION`).
const NOT_SECRET_WORDS: [&str; 79] = [
    // where a secret is
    "ARN",
    "ARNS",
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "NAME",
    "ID",
    "IDS",
    "HEADER",
    "PREFIX",
    "SUFFIX",
    "FIELD",
    "PARAM",
    "PARAMETER",
    "LOCATION",
    "SOURCE",
    "STORE",
    "BACKEND",
    "PROVIDER",
    "MANAGER",
    "SERVICE",
    "REGION",
    "VERSION",
    "STAGE",
    // how long it lives
    "TTL",
    "SECONDS",
    "SECS",
    "SEC",
    "MS",
    "MINUTES",
    "MINS",
    "HOURS",
    "DAYS",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    "AGE",
    "DURATION",
    "INTERVAL",
    "PERIOD",
    "ROTATION",
    "LEEWAY",
    // what it must be, and how it is checked
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    "SIZE",
    "COUNT",
    "LIMIT",
    "ATTEMPTS",
    "ROUNDS",
    "COST",
    "ITERATIONS",
    "COMPLEXITY",
    "STRENGTH",
    "POLICY",
    "PATTERN",
    "ALGORITHM",
    "ALG",
    "HASHER",
    "FORMAT",
    "ENCODING",
    "TYPE",
    "MODE",
    "ENABLED",
    "DISABLED",
    "REQUIRED",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "RESET",
];

/// Whether a variable's name says it holds a secret: a word (split at `_`, `-`, `.` and
/// before a capital after a small letter) containing one of [`SECRET_WORDS`], ending in
/// `TOKEN` or `TOKENS` (`GITHUB_TOKEN`, `AUTHTOKEN`, not `TOKENIZER`), `PASS`, `PWD`
/// (`MYSQL_PWD`; `PWD` alone is the working directory), `APIKEY`, or a pair of
/// [`SECRET_PAIRS`], unless a word after the last of them is one of [`NOT_SECRET_WORDS`].
pub(crate) fn is_secret_name(name: &str) -> bool {
    // The words, upper-cased, in one string; each word a range of it (a large spec has
    // tens of thousands of variables: one string per name, not one per word).
    let mut upper = String::with_capacity(name.len());
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        let split = !c.is_ascii_alphanumeric()
            || previous.is_some_and(|p| p.is_ascii_lowercase() && c.is_ascii_uppercase());
        if split || ranges.is_empty() {
            ranges.push(upper.len()..upper.len());
        }
        if let (Some(word), true) = (ranges.last_mut(), c.is_ascii_alphanumeric()) {
            upper.push(c.to_ascii_uppercase());
            word.end = upper.len();
        }
        previous = Some(c);
    }
    let words: Vec<&str> = ranges
        .into_iter()
        .filter(|word| !word.is_empty())
        .filter_map(|word| upper.get(word))
        .collect();
    let single = |word: &str| {
        SECRET_WORDS.iter().any(|secret| word.contains(secret))
            || word.ends_with("TOKEN")
            || word.ends_with("TOKENS")
            || word == "PASS"
            || (word == "PWD" && words.len() > 1)
            || word == "APIKEY"
    };
    let ends_pair = |index: usize| {
        index > 0
            && SECRET_PAIRS
                .iter()
                .any(|(first, second)| words[index - 1] == *first && words[index] == *second)
    };
    let Some(last) = (0..words.len())
        .rev()
        .find(|&index| single(words[index]) || ends_pair(index))
    else {
        return false;
    };
    !words[last + 1..]
        .iter()
        .any(|word| NOT_SECRET_WORDS.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_key_ids_and_secret_names_are_recognised() {
        assert!(holds_access_key_id("AKIAIOSFODNN7EXAMPLE"));
        assert!(holds_access_key_id("id=ASIAY34FZKBOKMUTVV7A;"));
        assert!(!holds_access_key_id("AKIAIOSFODNN7EXAMPL"));
        assert!(!holds_access_key_id("XAKIAIOSFODNN7EXAMPLE"));
        assert!(!holds_access_key_id("akiaiosfodnn7example"));
        assert!(is_secret_access_key_shaped(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(!is_secret_access_key_shaped(
            "3f786850e387550fdab836ed7e6dc881de23001b"
        ));
        assert!(holds_password_setting(
            "Server=db;Database=app;User Id=app;Password=hunter2;"
        ));
        assert!(holds_password_setting(
            "jdbc:postgresql://db/app?user=app&password=hunter2"
        ));
        assert!(!holds_password_setting("Server=db;Database=app;Password=;"));
        assert!(!holds_password_setting(
            "https://example.com/?passwordless=1"
        ));
        for name in [
            "DATABASE_PASSWORD",
            "DB_PASS",
            "dbPassword",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "stripeApiKey",
            "APIKEY",
            "CLIENT_SECRET",
            "JWT_SECRET_KEY",
            "SSH_PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
            "NPM_AUTHTOKEN",
            "MYSQL_PWD",
            "DB_PWD",
            "SECRET_KEY_BASE",
            "ACCESS_TOKEN_SECRET",
            "DB_PASSWORD_PROD",
            "KEYSTORE_PASSWORD",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "LOG_LEVEL",
            "PORT",
            "DB_PASSWORD_SECRET_ARN",
            "TOKEN_URL",
            "PASSWORD_FILE",
            "PASSWORD_MIN_LENGTH",
            "PASSPORT_STRATEGY",
            "KEYCLOAK_REALM",
            "SECRET_NAME",
            "TOKENIZER_MODEL",
            "PWD",
            "TOKEN_TTL_SECONDS",
            "SESSION_TOKEN_LIFETIME",
            "PASSWORD_HASH_ALGORITHM",
            "SECRETS_MANAGER_REGION",
            "API_KEY_HEADER",
            "AUTH_TOKEN_TIMEOUT",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
