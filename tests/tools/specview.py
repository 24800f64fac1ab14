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
        self.permission_sets = dev.get("permission_sets", [])
        self.developer_actions = ["sts:AssumeRole"]
        if dev.get("set_source_identity"):
            self.developer_actions.append("sts:SetSourceIdentity")
        if dev.get("tag_session"):
            self.developer_actions.append("sts:TagSession")
        self.identity_center = self.raw.get("identity_center")

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

    # IAM Identity Center, as AWS documents it: a permission set's sessions are roles named
    # AWSReservedSSO_<set>_<16 characters> under /aws-reserved/sso.amazonaws.com/, with a
    # region segment unless the identity source is in us-east-1.

    def identity_region(self):
        center = self.identity_center or {}
        return center.get("region") or self.accounts[center["account"]]["region"]

    def sso_patterns(self, account):
        """The ArnLike patterns that admit exactly the developers' permission sets' sessions."""
        prefix = f"arn:{self.partition}:iam::{self.accounts[account]['id']}:role/aws-reserved/sso.amazonaws.com/"
        patterns = []
        for name in self.permission_sets:
            role = f"AWSReservedSSO_{name}_" + "?" * 16
            patterns += [prefix + role, f"{prefix}{self.identity_region()}/{role}"]
        return patterns

    def session_arn(self, account, permission_set, regional, suffix="0123456789abcdef"):
        region = f"{self.identity_region()}/" if regional else ""
        return f"arn:{self.partition}:iam::{self.accounts[account]['id']}:role/aws-reserved/sso.amazonaws.com/{region}AWSReservedSSO_{permission_set}_{suffix}"

    def developer_policy_name(self):
        return (self.developers or {}).get("policy_name", "developer-assume-task-roles")

    def has_developer_policy(self, account):
        """A dev-access account gets the developer policy when [developers] or a permission
        set asks for it, and it has something to assume (tagged mode: always)."""
        if not self.dev_access(account) or not (self.developers or self.permission_sets):
            return False
        return self.mode == "tagged" or any(t["account"] == account for t in self.tasks.values())

    def permission_set_accounts(self, name):
        listed = ((self.identity_center or {}).get("permission_sets", {}).get(name) or {}).get("accounts")
        if listed is not None:
            return listed
        return [a for a in self.accounts if self.has_developer_policy(a)]

    def expected_assignments(self, name):
        groups = ((self.identity_center or {}).get("permission_sets", {}).get(name) or {}).get("assign_groups", [])
        return sorted([self.accounts[a]["id"], "GROUP", g] for a in self.permission_set_accounts(name) for g in groups)

    def existing_principals(self, account):
        """Principals the developer policy attaches to, which exist before any deployment."""
        if not self.developers or not self.dev_access(account):
            return {"roles": [], "groups": [], "users": []}
        return {
            "roles": self.developers.get("attach_to_roles", []),
            "groups": self.developers.get("attach_to_groups", []),
            "users": self.developers.get("attach_to_users", []),
        }
