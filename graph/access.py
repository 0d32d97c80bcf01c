"""Who may do what: local accounts, roles, sign-in with rate limiting.

Accounts live in `users.yaml` under CHAINKG_HOME (or the file CHAINKG_USERS names),
outside the repository, with argon2 password hashes. With no account the product runs in
single-user desktop mode: nothing asks for a sign-in. With one or more accounts, every
page and every CLI command that reads or writes data needs one.

Roles, from least to most: viewer (chain-chief meetings: overview, maps, meeting pack),
analyst (the investment bureau: every analysis and export), admin (data loads, backups,
users, the audit log).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graph.config import Settings
from graph.errors import ChainKGError

ROLES = ("viewer", "analyst", "admin")
ROLE_NAMES = {"viewer": "查看", "analyst": "分析", "admin": "管理"}
MAX_FAILURES, LOCKOUT_SECONDS = 5, 15 * 60  # five failed sign-ins lock a name for 15 minutes
MAX_PASSWORD = 256
_hasher = PasswordHasher()


class AccessDenied(ChainKGError):
    exit_code = 3


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this user has `role` or a stronger one."""
        return ROLES.index(self.role) >= ROLES.index(role)


DESKTOP = User("本机用户", "admin")  # single-user desktop mode


class Accounts:
    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings.from_env()
        self.path = Path(os.environ.get("CHAINKG_USERS") or settings.home / "users.yaml")
        self.failures_path = self.path.with_name(self.path.stem + ".failures.json")

    def _read(self) -> dict:
        if not self.path.is_file():
            return {}
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        return data.get("users") or {}

    @property
    def multi_user(self) -> bool:
        return bool(self._read())

    def names(self) -> dict[str, str]:
        return {name: entry["role"] for name, entry in self._read().items()}

    def add(self, name: str, role: str, password: str) -> None:
        name = name.strip()
        if not name or len(name) > 64 or any(ord(c) < 32 for c in name):
            raise ChainKGError("用户名须为 1–64 个可见字符 / a user name is 1-64 visible characters")
        if role not in ROLES:
            raise ChainKGError(f"角色须为 {'、'.join(ROLES)} 之一 / role must be one of {', '.join(ROLES)}")
        if not 8 <= len(password) <= MAX_PASSWORD:
            raise ChainKGError("密码长度须为 8–256 个字符 / a password is 8-256 characters")
        users = self._read()
        users[name] = {"role": role, "password": _hasher.hash(password)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "# 产业链知识图谱的本地账户；由 chainkg user add 维护 / local accounts\n"
        text += yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=True)
        self.path.write_text(text, encoding="utf-8")
        self.path.chmod(0o600)

    def sign_in(self, name: str, password: str) -> User:
        """The user, or AccessDenied (also when the name is locked after too many failures)."""
        name = (name or "").strip()
        if self._locked(name):
            raise AccessDenied("失败次数过多，请 15 分钟后再试 / too many failed sign-ins: try again in 15 minutes")
        entry = self._read().get(name)
        try:
            if entry is None or len(password or "") > MAX_PASSWORD:
                raise VerificationError()
            _hasher.verify(entry["password"], password or "")
        except (VerificationError, InvalidHashError):
            self._record_failure(name)
            raise AccessDenied("用户名或密码不正确 / wrong user name or password") from None
        self._clear_failures(name)
        return User(name, entry["role"])

    # Failed sign-ins are kept in a file so that the app and the CLI share the limit.
    def _failures(self) -> dict[str, list[float]]:
        try:
            return json.loads(self.failures_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_failures(self, failures: dict) -> None:
        self.failures_path.parent.mkdir(parents=True, exist_ok=True)
        self.failures_path.write_text(json.dumps(failures, ensure_ascii=False), encoding="utf-8")

    def _locked(self, name: str) -> bool:
        recent = [t for t in self._failures().get(name, []) if time.time() - t < LOCKOUT_SECONDS]
        return len(recent) >= MAX_FAILURES

    def _record_failure(self, name: str) -> None:
        failures = self._failures()
        recent = [t for t in failures.get(name, []) if time.time() - t < LOCKOUT_SECONDS]
        failures[name[:64]] = recent + [time.time()]
        self._save_failures(failures)

    def _clear_failures(self, name: str) -> None:
        failures = self._failures()
        if failures.pop(name, None) is not None:
            self._save_failures(failures)
