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
from graph.files import locked, write_atomic

ROLES = ("viewer", "analyst", "admin")
ROLE_NAMES = {"viewer": "查看", "analyst": "分析", "admin": "管理"}
MAX_FAILURES, LOCKOUT_SECONDS = 5, 15 * 60  # five failed sign-ins lock a name for 15 minutes
MAX_ADDRESS_FAILURES = 20  # and twenty an address (several people may share one)
MAX_PASSWORD = 256
_hasher = PasswordHasher()


class AccessDenied(ChainKGError):
    exit_code = 3


class AccountsUnreadable(AccessDenied):
    """The accounts or failures file exists but cannot be used: nobody signs in (never
    desktop mode, which only a missing accounts file means)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this user has `role` or a stronger one."""
        return ROLES.index(self.role) >= ROLES.index(role)


DESKTOP = User("本机用户", "admin")  # single-user desktop mode


class Accounts:
    """The accounts file, and the failed sign-ins beside it (shared by the app and the CLI).
    Both are rewritten atomically under a lock; a file that exists but cannot be read, or
    holds no account, refuses every sign-in."""

    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings.from_env()
        self.path = Path(os.environ.get("CHAINKG_USERS") or settings.home / "users.yaml")
        self.failures_path = self.path.with_name(self.path.stem + ".failures.json")

    @property
    def multi_user(self) -> bool:
        """Whether the accounts file exists (even an unreadable one: that fails closed)."""
        try:
            self.path.stat()
        except FileNotFoundError:
            return False
        except OSError:
            return True
        return True

    def _read(self) -> dict:
        if not self.multi_user:
            return {}
        try:
            users = (yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}).get("users")
            usable = isinstance(users, dict) and users and all(
                isinstance(e, dict) and e.get("role") in ROLES and isinstance(e.get("password"), str)
                for e in users.values())
        except (OSError, UnicodeError, yaml.YAMLError, AttributeError):
            usable = False
        if not usable:
            raise AccountsUnreadable(
                f"账户文件无法读取或没有账户，已拒绝登录。请系统管理员恢复 {self.path}，或删除它后用 chainkg user add "
                f"重新建立账户 / the accounts file is unreadable or holds no account: sign-in refused")
        return users

    def names(self) -> dict[str, str]:
        return {name: entry["role"] for name, entry in self._read().items()}

    def user(self, name: str) -> User | None:
        """The account `name` as the file has it now (None once removed)."""
        entry = self._read().get(name)
        return User(name, entry["role"]) if entry else None

    def add(self, name: str, role: str, password: str) -> None:
        name = name.strip()
        if not name or len(name) > 64 or any(ord(c) < 32 for c in name):
            raise ChainKGError("用户名须为 1–64 个可见字符 / a user name is 1-64 visible characters")
        if role not in ROLES:
            raise ChainKGError(f"角色须为 {'、'.join(ROLES)} 之一 / role must be one of {', '.join(ROLES)}")
        if not 8 <= len(password) <= MAX_PASSWORD:
            raise ChainKGError("密码长度须为 8–256 个字符 / a password is 8-256 characters")
        with locked(self.path):
            users = self._read()
            users[name] = {"role": role, "password": _hasher.hash(password)}
            text = "# 产业链知识图谱的本地账户；由 chainkg user add 维护 / local accounts\n"
            write_atomic(self.path, text + yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=True))

    def sign_in(self, name: str, password: str, address: str) -> User:
        """The user, or AccessDenied (also while the name or the address `address` is
        locked after too many failures)."""
        name = (name or "").strip()[:64]
        keys = (f"name:{name}", f"address:{address[:128]}")
        with locked(self.failures_path):
            failures = self._failures()
        if len(failures.get(keys[0], [])) >= MAX_FAILURES or len(failures.get(keys[1], [])) >= MAX_ADDRESS_FAILURES:
            raise AccessDenied("失败次数过多，请 15 分钟后再试 / too many failed sign-ins: try again in 15 minutes")
        entry = self._read().get(name)
        try:
            if entry is None or len(password or "") > MAX_PASSWORD:
                raise VerificationError()
            _hasher.verify(entry["password"], password or "")
        except (VerificationError, InvalidHashError):
            self._note(keys, failed=True)
            raise AccessDenied("用户名或密码不正确 / wrong user name or password") from None
        self._note(keys, failed=False)
        return User(name, entry["role"])

    def _failures(self) -> dict[str, list[float]]:
        """Recent failures per `name:…` and `address:…` (call under the lock). An unreadable
        file stops sign-ins rather than forgetting the failures it holds."""
        try:
            failures = json.loads(self.failures_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            failures = None
        if not isinstance(failures, dict) or not all(isinstance(v, list) for v in failures.values()):
            raise AccountsUnreadable(f"登录失败记录无法读取，已暂停登录。请系统管理员检查 {self.failures_path} / "
                                     f"the failed sign-in record is unreadable: sign-in suspended")
        now = time.time()
        recent = {key: [t for t in times if isinstance(t, (int, float)) and now - t < LOCKOUT_SECONDS]
                  for key, times in failures.items()}
        return {key: times for key, times in recent.items() if times}

    def _note(self, keys: tuple[str, str], failed: bool) -> None:
        """Count a failure against the name and the address, or clear the name's after a
        success (the address keeps its count: one good password does not excuse guesses)."""
        with locked(self.failures_path):
            failures = self._failures()
            if failed:
                for key in keys:
                    failures.setdefault(key, []).append(time.time())
            elif failures.pop(keys[0], None) is None:
                return
            write_atomic(self.failures_path, json.dumps(failures, ensure_ascii=False))
