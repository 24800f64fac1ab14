"""The spec as the checker reads it: straight from the TOML, without trustgen's code."""
import re
import tomllib
from pathlib import Path


def snake(name):
    return re.sub(r"[^a-z0-9]", "_", name.lower())


class SpecView:
    def __init__(self, path):
        self.raw = tomllib.loads(Path(path).read_text())
        project = self.raw["project"]
        self.project = project["name"]
        self.partition = project.get("partition", "aws")
        self.project_tags = project.get("tags", {})
        self.accounts = {}
        for name, account in self.raw["accounts"].items():
            self.accounts[name] = {
                "id": account["id"],
                "env": account["env"],
                "region": account.get("region", project.get("region")),
            }
        dev = self.raw.get("dev_access", {})
        self.mode = dev.get("mode", "none")
        self.environments = dev.get("environments", ["dev"])
        tag = dev.get("tag", {"key": "env", "value": "dev"})
        self.tag = (tag["key"], tag["value"])
        self.principals = dev.get("principals", [])
        self.require_mfa = dev.get("require_mfa", False)
        self.developers = self.raw.get("developers")
        self.tasks = self.raw.get("tasks", {})
        self.roles = self.raw.get("roles", {})

    def backend(self):
        """`[terraform.backend]` as written, or None."""
        return self.raw.get("terraform", {}).get("backend")

    def account_by_id(self, account_id):
        return next(name for name, info in self.accounts.items() if info["id"] == account_id)

    def dev_access(self, account):
        env = self.accounts[account]["env"]
        return self.mode in ("tagged", "extended", "simulate") and env in self.environments

    def simulator_arn(self, account):
        return self.role_arn(account, "/", f"{self.project}-simulator")

    def root(self, account):
        return f"arn:{self.partition}:iam::{self.accounts[account]['id']}:root"

    def role_arn(self, account, path, name):
        return f"arn:{self.partition}:iam::{self.accounts[account]['id']}:role{path}{name}"

    def policy_arn(self, account, path, name):
        return f"arn:{self.partition}:iam::{self.accounts[account]['id']}:policy{path}{name}"

    def task_role_name(self, task_name):
        return self.tasks[task_name].get("role_name", f"{self.project}-{task_name}")

    def task_role_arn(self, task_name):
        task = self.tasks[task_name]
        return self.role_arn(task["account"], task.get("path", "/"), self.task_role_name(task_name))

    def trusted_role_arn(self, role_name):
        role = self.roles[role_name]
        return self.role_arn(role["account"], role.get("path", "/"), role_name)

    def existing_principals(self, account):
        """Principals the developer policy attaches to, which exist before any deployment."""
        if not self.developers or not self.dev_access(account):
            return {"roles": [], "groups": [], "users": []}
        return {
            "roles": self.developers.get("attach_to_roles", []),
            "groups": self.developers.get("attach_to_groups", []),
            "users": self.developers.get("attach_to_users", []),
        }
