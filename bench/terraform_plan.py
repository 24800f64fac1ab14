#!/usr/bin/env python3
"""`terraform plan` of one synthetic spec in both Terraform layouts, against moto_server:
the single root (one aliased provider per account) against every per-account root.

    bench/terraform_plan.py [--tasks 300] [--accounts 30] [--plugin-dir /opt/tf-plugins]

Builds nothing: run `cargo build --release` first (it uses target/release/trustgen and
trustgen-synth, or target/debug's when there is no release build: only Terraform is timed). Starts its own moto_server on a free loopback port and stops it (by its
PID) at the end. Each root gets a `moto_override.tf` pointing its provider(s) at moto as
the root's account, is linked to one shared `terraform init -plugin-dir` and planned from
an empty state with Terraform's default settings (no GOGC tuning).

For every plan it reports the wall time and two memory figures:
- `max RSS`: GNU time's %M, the largest single process of the run (terraform or one
  provider), which is what `/usr/bin/time -f '%e %M'` prints;
- `peak total`: the largest sum, sampled every 50 ms, of the proportional set size (PSS)
  of terraform and all its provider processes: what the run needs from the machine at
  once (PSS counts the provider binary's shared pages once, not once per process).
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("GOGC", "GOMEMLIMIT")},
    "TF_IN_AUTOMATION": "1",
    "CHECKPOINT_DISABLE": "1",
    "TF_CLI_CONFIG_FILE": "/dev/null",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measured(command, cwd):
    """(wall seconds, max RSS MB of one process, peak total PSS MB of the tree)."""
    timed = ["/usr/bin/time", "-f", "%e %M", "-o", str(Path(cwd) / "time.txt"), *command]
    process = subprocess.Popen(timed, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def sample():
        while process.poll() is None:
            total = sum(pss_kib(p) for p in descendants(process.pid))
            peak[0] = max(peak[0], total)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{output}")
    wall, max_rss = (Path(cwd) / "time.txt").read_text().split()[-2:]
    return float(wall), int(max_rss) / 1024, peak[0] / 1024


def moto_provider(alias, account_id, endpoint):
    alias_line = f'  alias                       = "{alias}"\n' if alias else ""
    return (
        'provider "aws" {\n' + alias_line +
        '  access_key                  = "test"\n'
        '  secret_key                  = "test"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_region_validation      = true\n"
        f'  endpoints {{\n    sts  = "{endpoint}"\n    iam  = "{endpoint}"\n    ecs  = "{endpoint}"\n    logs = "{endpoint}"\n  }}\n'
        f'  assume_role {{\n    role_arn = "arn:aws:iam::{account_id}:role/bench"\n  }}\n'
        "}\n"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--accounts", type=int, default=30)
    parser.add_argument("--plugin-dir", default=os.environ.get("TRUSTGEN_TF_PLUGIN_DIR", "/opt/tf-plugins"))
    args = parser.parse_args()
    release = ROOT / "target" / "release"
    if not (release / "trustgen-synth").exists():
        release = ROOT / "target" / "debug"
    work = Path(tempfile.mkdtemp(prefix="tfplan-"))
    spec = (work / "spec.toml")
    spec.write_text(subprocess.run([release / "trustgen-synth", "--tasks", str(args.tasks), "--accounts", str(args.accounts)],
                                   check=True, capture_output=True, text=True).stdout)
    per_account_spec = work / "per-account.toml"
    per_account_spec.write_text(spec.read_text() + '\n[terraform]\nlayout = "per-account"\n')
    for source, out in ((spec, "single"), (per_account_spec, "per-account")):
        subprocess.run([release / "trustgen", "gen", source, "-o", work / out, "--format", "terraform"], check=True, capture_output=True)
    shared = work / "init"
    shared.mkdir()
    shutil.copy(work / "single" / "terraform" / "versions.tf", shared)
    subprocess.run(["terraform", "init", "-input=false", "-no-color", f"-plugin-dir={args.plugin_dir}"], cwd=shared, env=ENV, check=True, capture_output=True)

    def prepare(directory, override):
        (directory / "moto_override.tf").write_text(override)
        (directory / ".terraform").symlink_to(shared / ".terraform")
        shutil.copy(shared / ".terraform.lock.hcl", directory)

    port = free_port()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("moto_server did not start")
                time.sleep(0.2)
        ids = {name: account["id"] for name, account in tomllib.loads(spec.read_text())["accounts"].items()}
        plan = ["terraform", "plan", "-input=false", "-no-color", "-lock=false"]

        single = work / "single" / "terraform"
        aliases = {name: name.replace("-", "_") for name in ids}
        prepare(single, "".join(moto_provider(aliases[n], i, endpoint) for n, i in ids.items()))
        results = {"single": measured(plan, single)}

        lock = json.loads((work / "per-account" / "trustgen.lock.json").read_text())
        roots = [(s["stage"], r) for s in lock["terraform_stages"] for r in s["roots"]]
        per_root = []
        for stage, root in roots:
            directory = work / "per-account" / root["root"]
            prepare(directory, moto_provider(None, root["account_id"], endpoint))
            per_root.append((root["root"], stage, *measured(plan, directory)))
        results["per_root"] = per_root
    finally:
        moto.terminate()
        try:
            moto.wait(timeout=30)
        except subprocess.TimeoutExpired:
            moto.kill()
            moto.wait()
        shutil.rmtree(work, ignore_errors=True)

    wall, rss, peak = results["single"]
    print(f"{args.tasks} tasks, {args.accounts} accounts; Terraform {subprocess.run(['terraform', 'version'], capture_output=True, text=True, env=ENV).stdout.split()[1]}")
    print(f"single root ({len(ids)} providers): {wall:.1f} s, max RSS {rss:.0f} MB, peak total {peak:.0f} MB")
    walls = [r[2] for r in per_root]
    rsses = [r[3] for r in per_root]
    peaks = [r[4] for r in per_root]
    stages = max(r[1] for r in per_root)
    print(f"per-account: {len(per_root)} roots in {stages} stages")
    print(f"  per root: wall {min(walls):.1f} / {statistics.median(walls):.1f} / {max(walls):.1f} s (min / median / max), "
          f"max RSS {max(rsses):.0f} MB, peak total {min(peaks):.0f} / {statistics.median(peaks):.0f} / {max(peaks):.0f} MB")
    print(f"  in total: {sum(walls):.1f} s one root after another; largest peak {max(peaks):.0f} MB")
    for name, stage, wall, rss, peak in per_root:
        print(f"    stage {stage} {name}: {wall:.1f} s, max RSS {rss:.0f} MB, peak total {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
