//! Shared helpers: the specs under test, generating them, and the external tools.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use trustgen::GeneratedFile;

/// Every bundled example, by path relative to the crate root (as the README runs them).
pub fn examples() -> Vec<PathBuf> {
    toml_files("examples")
}

/// Specs written to DESIGN.md that are not examples: more partitions, modes and shapes.
pub fn fixture_specs() -> Vec<PathBuf> {
    toml_files("tests/fixtures/specs")
}

pub fn all_specs() -> Vec<PathBuf> {
    let mut specs = examples();
    specs.extend(fixture_specs());
    specs
}

/// The `.toml` files of a directory (relative to the crate root), sorted.
pub fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| Path::new(dir).join(entry.file_name()))
                .filter(|path| path.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    assert!(!files.is_empty(), "no specs found in {dir}");
    files
}

/// A spec of `tasks` tasks over `accounts` accounts, from `trustgen-synth`.
pub fn synthetic(tasks: usize, accounts: usize) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_trustgen-synth"))
        .args([
            "--tasks",
            &tasks.to_string(),
            "--accounts",
            &accounts.to_string(),
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run trustgen-synth: {e}"));
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// All files `gen` would write for `spec`, the manifest included, sorted by path.
pub fn generate(spec: &Path) -> Vec<GeneratedFile> {
    let generated = match trustgen::generate(spec, None, None) {
        Ok(generated) => generated,
        Err(error) => panic!("{} does not generate: {error}", spec.display()),
    };
    let mut files = generated.files;
    files.push(generated.manifest.file());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Writes what `trustgen gen` writes for `spec` into `out`, through the CLI itself.
pub fn generate_into(spec: &Path, out: &Path) {
    let (code, _, stderr) = trustgen_in(
        &["gen", &spec.to_string_lossy(), "-o", &out.to_string_lossy()],
        Path::new("."),
        &[],
    );
    assert_eq!(code, 0, "{} does not generate:\n{stderr}", spec.display());
}

pub fn stem(spec: &Path) -> String {
    spec.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `tool` runs. Missing tools fail the test under CI=true and skip it elsewhere.
pub fn require_tool(tool: &str, version_arg: &str) -> bool {
    let found = Command::new(tool)
        .arg(version_arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("required tool `{tool}` is missing (CI=true: this check must run, not skip)");
    }
    eprintln!("SKIPPED: `{tool}` is not installed; this check runs (and is required) in CI");
    false
}

pub fn run(command: &mut Command) -> (bool, String) {
    match command.output() {
        Ok(output) => (
            output.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        ),
        Err(error) => (false, format!("cannot run {command:?}: {error}")),
    }
}

pub fn terraform(dir: &Path) -> Command {
    let mut command = Command::new("terraform");
    command
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        // The AWS provider spends about half its CPU in Go's garbage collector: collecting
        // only near a memory ceiling halves what each run costs (tests/tools/deploy.py too).
        .env("GOGC", "off")
        .env("GOMEMLIMIT", "512MiB");
    command
}

/// One AWS provider process that `terraform validate` attaches to (Terraform's provider
/// debugging protocol, `TF_REATTACH_PROVIDERS`) instead of starting one per provider
/// configuration: its start-up, building the schema of every AWS resource, is most of
/// what validating costs. Validation never configures the provider, so the validation
/// root's many aliased providers can share it (an apply could not: tests/tools/deploy.py
/// shares it only between one-provider roots). Stopped, by its own PID, when dropped.
pub struct SharedProvider {
    child: Child,
    /// The value of TF_REATTACH_PROVIDERS.
    pub reattach: String,
}

impl SharedProvider {
    pub fn start() -> SharedProvider {
        let pattern = format!("{}/registry.terraform.io/hashicorp/aws", plugin_dir());
        let binary = find_file(Path::new(&pattern), "terraform-provider-aws")
            .unwrap_or_else(|| panic!("no terraform-provider-aws under {pattern}"));
        let mut child = Command::new(&binary)
            .arg("-debug")
            .env("GOGC", "off")
            .env("GOMEMLIMIT", "512MiB")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        // The provider prints the line to export once it listens; no deadline: reading
        // ends at that line, or when the process exits.
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut reader = std::io::BufReader::new(stdout);
        let mut line = String::new();
        let reattach = loop {
            line.clear();
            match std::io::BufRead::read_line(&mut reader, &mut line) {
                Ok(0) | Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("the AWS provider exited before it listened in debug mode");
                }
                Ok(_) => {}
            }
            if let Some(rest) = line.trim().split("TF_REATTACH_PROVIDERS='").nth(1) {
                break rest.trim_end_matches('\'').to_string();
            }
        };
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        SharedProvider { child, reattach }
    }
}

impl Drop for SharedProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first file below `dir` whose name starts with `prefix`.
fn find_file(dir: &Path, prefix: &str) -> Option<PathBuf> {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                pending.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            {
                return Some(path);
            }
        }
    }
    None
}

/// The provider mirror `terraform init -plugin-dir` installs from.
pub fn plugin_dir() -> String {
    std::env::var("TRUSTGEN_TF_PLUGIN_DIR").unwrap_or_else(|_| "/opt/tf-plugins".into())
}

/// `spec` with `[terraform] layout = layout`, written into `dir` under the spec's own file
/// name: every spec is generated (and deployed) in both layouts. The single root has no
/// account of its own, so a per-account state setting (`{account_id}` in the backend's
/// bucket or role) names one bucket and role there, with `shared` in its place.
pub fn with_layout(spec: &Path, layout: &str, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("{e}"));
    let mut table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let terraform = table
        .entry("terraform")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(terraform) = terraform {
        terraform.insert("layout".into(), toml::Value::String(layout.into()));
        if let (Some(toml::Value::Table(backend)), "single-root") =
            (terraform.get_mut("backend"), layout)
        {
            for key in ["bucket", "role_arn"] {
                if let Some(toml::Value::String(value)) = backend.get_mut(key) {
                    *value = value.replace("{account_id}", "shared");
                }
            }
        }
    }
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    let variant = dir.join(spec.file_name().unwrap_or_default());
    let text = toml::to_string(&table).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&variant, text).unwrap_or_else(|e| panic!("{e}"));
    variant
}

/// A per-account root of a generated tree, as its lock file lists it.
pub struct RootEntry {
    /// The root's directory.
    pub dir: PathBuf,
    pub account_id: String,
}

/// The per-account roots of the tree in `out`, in the lock file's stage order.
pub fn per_account_roots(out: &Path) -> Vec<RootEntry> {
    let text = std::fs::read_to_string(out.join("trustgen.lock.json")).unwrap_or_default();
    let lock: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut roots = Vec::new();
    for stage in lock["terraform_stages"].as_array().into_iter().flatten() {
        for root in stage["roots"].as_array().into_iter().flatten() {
            roots.push(RootEntry {
                dir: out.join(root["root"].as_str().unwrap_or_default()),
                account_id: root["account_id"].as_str().unwrap_or_default().into(),
            });
        }
    }
    roots
}

/// `f` over `items` on `workers` threads, results in order.
pub fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<R>>> =
        items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(item) = items.get(index) else { break };
                let result = f(item);
                if let Ok(mut slot) = results[index].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("a worker panicked"))
        })
        .collect()
}

/// One `terraform init` (from the offline provider mirror) shared by every test: its
/// `.terraform` is linked into each workspace instead of copying a 700 MB provider again.
fn shared_terraform_init() -> &'static Result<PathBuf, String> {
    static INIT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    INIT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("terraform-init");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let versions = generate(&examples()[0])
            .into_iter()
            .find(|f| f.path == "terraform/versions.tf")
            .ok_or("no versions.tf")?;
        std::fs::write(dir.join("versions.tf"), versions.contents).map_err(|e| e.to_string())?;
        let plugins = plugin_dir();
        let (ok, text) = run(terraform(&dir).args([
            "init",
            "-input=false",
            "-no-color",
            &format!("-plugin-dir={plugins}"),
        ]));
        if ok {
            Ok(dir)
        } else {
            Err(format!("terraform init failed:\n{text}"))
        }
    })
}

/// Makes `dir` (holding generated .tf files) a ready Terraform working directory.
pub fn prepare_terraform(dir: &Path) {
    let shared = match shared_terraform_init() {
        Ok(shared) => shared,
        Err(message) => panic!("{message}"),
    };
    let linked = dir.join(".terraform");
    if !linked.exists() {
        if let Err(error) = std::os::unix::fs::symlink(shared.join(".terraform"), &linked) {
            panic!("cannot link .terraform: {error}");
        }
    }
    if let Err(error) = std::fs::copy(
        shared.join(".terraform.lock.hcl"),
        dir.join(".terraform.lock.hcl"),
    ) {
        panic!("cannot copy the lock file: {error}");
    }
}

/// A moto_server on a free loopback port, stopped (by its own PID) when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

/// The AWS managed policies the test specs attach (the ECS task execution policy, and
/// those named in the bundled specs and in `trustgen-synth`'s), by name.
fn managed_policies_in_use() -> String {
    let mut texts: Vec<String> = all_specs()
        .iter()
        .map(|spec| std::fs::read_to_string(spec).unwrap_or_default())
        .collect();
    texts.push(synthetic(30, 3));
    let mut names =
        std::collections::BTreeSet::from(["AmazonECSTaskExecutionRolePolicy".to_string()]);
    for text in &texts {
        for (at, marker) in text.match_indices(":iam::aws:policy/") {
            let rest = &text[at + marker.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "+=,.@_/-".contains(c)))
                .unwrap_or(rest.len());
            if let Some(name) = rest[..end].rsplit('/').next().filter(|n| !n.is_empty()) {
                names.insert(name.to_string());
            }
        }
    }
    names.into_iter().collect::<Vec<_>>().join(",")
}

impl Moto {
    /// `tests/tools/moto_server.py`: moto_server with only the AWS managed policies the
    /// specs attach (loading all of them into every account costs seconds per reset).
    pub fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .unwrap_or(5123);
        let child = match Command::new("python3")
            .args([
                "tests/tools/moto_server.py",
                &managed_policies_in_use(),
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(error) => panic!("cannot start moto_server: {error}"),
        };
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let mut moto = moto;
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited ({status}): run `python3 tests/tools/moto_server.py` by hand to see why");
            }
            // Minutes, not seconds: a loaded machine can be slow to start a Python server.
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "moto_server did not start within 5 minutes"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every file below `root`, by relative path.
pub fn tree(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let (Ok(relative), Ok(bytes)) =
                (path.strip_prefix(root), std::fs::read(&path))
            {
                files.insert(relative.to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }
    files
}

/// Runs the trustgen binary in `cwd` with extra environment: (exit code, stdout, stderr).
pub fn trustgen_in(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_trustgen"))
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run trustgen: {e}"));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Whether python3 can import `module`. A missing module fails the test under CI=true
/// (`.ci/run` installs it) and skips it elsewhere, as a missing tool does.
pub fn require_python_module(module: &str, package: &str) -> bool {
    if !require_tool("python3", "--version") {
        return false;
    }
    let found = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("python module `{module}` is missing (pip install '{package}'; CI=true: this check must run, not skip)");
    }
    eprintln!("SKIPPED: python module `{module}` is missing (pip install '{package}'); this check runs in CI");
    false
}

/// The errors of `document` (JSON) against the JSON Schema at `schema` (a path relative
/// to the crate root), every listed format really checked (`tests/tools/validate_json.py`):
/// `None` when the validator is not installed (outside CI), else the errors, empty when
/// the document is valid.
pub fn schema_errors(schema: &str, document: &str, formats: &[&str]) -> Option<Vec<String>> {
    let validator = VALIDATOR.get_or_init(|| {
        require_python_module("jsonschema", "jsonschema[format-nongpl]")
            .then(|| Mutex::new(Validator::start()))
    });
    let mut validator = validator
        .as_ref()?
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (status, lines) = validator.judge(schema, document, formats);
    match status {
        0 => Some(Vec::new()),
        1 => Some(lines),
        _ => panic!(
            "the validator could not judge the document:\n{}",
            lines.join("\n")
        ),
    }
}

/// One validator process for the whole test binary, asked one document at a time
/// (importing jsonschema costs about a CPU-second, and the tests validate some twenty).
static VALIDATOR: OnceLock<Option<Mutex<Validator>>> = OnceLock::new();

/// The process ends when the test binary does: its input closes. The handle is held, not
/// waited for, as the binary never ends the process itself.
struct Validator {
    stdin: ChildStdin,
    answers: BufReader<ChildStdout>,
    _process: Child,
}

impl Validator {
    fn start() -> Validator {
        let mut child = Command::new("python3")
            .arg("tests/tools/validate_json.py")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run the validator: {e}"));
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            panic!("the validator has no pipes");
        };
        Validator {
            stdin,
            answers: BufReader::new(stdout),
            _process: child,
        }
    }

    /// (status, lines) as validate_json.py answers: 0 valid, 1 invalid, 2 not judged.
    fn judge(&mut self, schema: &str, document: &str, formats: &[&str]) -> (i64, Vec<String>) {
        let request =
            serde_json::json!({"schema": schema, "document": document, "formats": formats});
        writeln!(self.stdin, "{request}")
            .and_then(|()| self.stdin.flush())
            .unwrap_or_else(|e| panic!("cannot feed the validator: {e}"));
        let mut line = String::new();
        match self.answers.read_line(&mut line) {
            Ok(n) if n > 0 => {}
            outcome => panic!("the validator stopped answering ({outcome:?}); its error is above"),
        }
        let answer: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the validator answered {line:?}: {e}"));
        let lines = answer["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|line| line.as_str().map(str::to_string))
            .collect();
        (answer["status"].as_i64().unwrap_or(2), lines)
    }
}
