//! Shared helpers: the specs under test, generating them, and the external tools.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
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
        Err(outcome) => panic!("{} does not generate:\n{}", spec.display(), outcome.stderr),
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
        .env("TF_CLI_CONFIG_FILE", "/dev/null");
    command
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
        let plugins =
            std::env::var("TRUSTGEN_TF_PLUGIN_DIR").unwrap_or_else(|_| "/opt/tf-plugins".into());
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

impl Moto {
    pub fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .unwrap_or(5123);
        let child = match Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // AWS managed policies (AmazonECSTaskExecutionRolePolicy, ...) must exist to attach.
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
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
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
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
