"""The append-only, tamper-evident audit log: every export and every data change, with who,
when, what and from where.

One JSON object per line in `audit/audit.jsonl` under CHAINKG_HOME (or the file
CHAINKG_AUDIT_LOG names). Each entry carries its number `n`, the MAC of the entry before it
(`prev`) and its own `mac`: HMAC-SHA256 under a key kept in a 0600 file outside the log's
folder (`secrets/audit.key` under CHAINKG_HOME, or the file CHAINKG_AUDIT_KEY names). A seal
beside the key holds, per log, the number and MAC of its last entry, itself under the key,
and is renewed with every entry. So an edited entry (even with every hash recomputed), a
removed one, a truncated or a deleted log all fail `verify`, which names the first entry
that is wrong or missing. Writers hold a lock, so the app and the CLI append side by side.

A log that fails its check is not written to (the action that would be logged stops);
`start_new` sets it aside and begins another, saying so in its first entry.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import secrets
import socket
from pathlib import Path
from typing import NamedTuple

from graph import clock
from graph.access import User
from graph.config import Settings
from graph.errors import ChainKGError
from graph.files import locked, write_atomic

GENESIS = "0" * 64


class Broken(NamedTuple):
    """Where a log fails its check: the first entry (numbered from 1) that is wrong or missing."""

    entry: int
    reason: str

    def __str__(self) -> str:
        return f"第 {self.entry} 条记录{self.reason}"


class AuditBroken(ChainKGError):
    def __init__(self, broken: Broken):
        super().__init__(f"审计日志校验未通过（{broken}），已停止写入日志，本次操作未执行。请系统管理员运行 "
                         f"chainkg audit --verify 核查，核查后可用 chainkg audit --start-new 另起新日志 / "
                         f"the audit log failed its check at entry {broken.entry}: nothing was done")


def log_path(settings: Settings | None = None) -> Path:
    """CHAINKG_AUDIT_LOG, or audit/audit.jsonl under CHAINKG_HOME."""
    named = os.environ.get("CHAINKG_AUDIT_LOG")
    return Path(named) if named else (settings or Settings.from_env()).home / "audit" / "audit.jsonl"


def key_path(settings: Settings | None = None) -> Path:
    """CHAINKG_AUDIT_KEY, or secrets/audit.key under CHAINKG_HOME; the seal lives beside it."""
    named = os.environ.get("CHAINKG_AUDIT_KEY")
    return Path(named) if named else (settings or Settings.from_env()).home / "secrets" / "audit.key"


def cli_origin() -> str:
    return f"命令行 {getpass.getuser()}@{socket.gethostname()}"


def record(action: str, user: User, what: dict, origin: str, settings: Settings | None = None) -> dict:
    """Append one entry: `action` (导出, 加载数据, 恢复备份, 登录 …) and what it concerned.
    Raises AuditBroken, writing nothing, when the log does not end where its seal says."""
    log = _Log(settings)
    with locked(log.path):
        lines = log.lines()
        if log.legacy(lines):
            log.set_aside("启用密钥校验前的日志")  # written before logs were keyed: kept beside
            lines = []
        elif problem := log.tail_problem(lines):
            raise AuditBroken(problem)
        return log.append(action, user, what, origin, lines)


def start_new(user: User, origin: str, settings: Settings | None = None) -> dict:
    """Set the current log aside (kept, renamed with the time) and begin a new one whose first
    entry names the old file and what its check found."""
    log = _Log(settings)
    with locked(log.path):
        found = log.verify()
        old = log.set_aside("另起新日志")
        return log.append("另起审计日志", user, {"旧日志": old.name if old else "无", "旧日志校验": str(found or "完整")},
                          origin, [])


FIELDS = {"time", "user", "role", "action", "what", "from"}


def entries(settings: Settings | None = None) -> list[dict]:
    """The log's entries (a line that is not one is left out here; `verify` names it)."""
    return [entry for entry in map(_parsed, _Log(settings).lines()) if FIELDS <= entry.keys()]


def check(settings: Settings | None = None) -> Broken | None:
    """The check every append makes (the log ends where its seal says): whether an action
    that must be logged can be done now."""
    log = _Log(settings)
    with locked(log.path):
        lines = log.lines()
        return None if log.legacy(lines) else log.tail_problem(lines)


def verify(settings: Settings | None = None) -> Broken | None:
    """The first entry that is wrong or missing, or None when the log is intact."""
    log = _Log(settings)
    with locked(log.path):
        return log.verify()


class _Log:
    def __init__(self, settings: Settings | None):
        settings = settings or Settings.from_env()
        self.path, self.key_file = log_path(settings), key_path(settings)
        self.seal_file = self.key_file.with_name(self.key_file.stem + ".seal.json")
        home = settings.home.resolve()
        resolved = self.path.resolve()
        # the seal names a log under CHAINKG_HOME relative to it, so the home can move whole
        self.name = str(resolved.relative_to(home)) if resolved.is_relative_to(home) else str(resolved)
        self._key: bytes | None = None

    def lines(self) -> list[str]:
        return [line for line in self.path.read_text(encoding="utf-8").splitlines() if line] \
            if self.path.is_file() else []

    def legacy(self, lines: list[str]) -> bool:
        """A log written before entries were keyed (no MAC anywhere, no seal)."""
        return bool(lines) and self.seal() is None and not any("mac" in _parsed(line) for line in lines)

    def key(self, create: bool = False) -> bytes | None:
        """The key (None when there is none and `create` is not asked); read once."""
        if self._key is None:
            if not self.key_file.is_file():
                if not create:
                    return None
                self.key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                write_atomic(self.key_file, secrets.token_hex(32))
            try:
                self._key = bytes.fromhex(self.key_file.read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                raise ChainKGError(f"审计密钥无法读取，日志无法校验也无法写入：{self.key_file} / the audit key is "
                                   f"unreadable") from None
        return self._key

    def mac(self, entry: dict) -> str:
        body = json.dumps({k: v for k, v in entry.items() if k != "mac"}, ensure_ascii=False, sort_keys=True)
        return hmac.new(self.key(), body.encode("utf-8"), hashlib.sha256).hexdigest()

    def _seals(self) -> dict | None:
        """Every log's seal (None when the file is not a seal file: no seal then checks)."""
        try:
            seals = json.loads(self.seal_file.read_text(encoding="utf-8")) if self.seal_file.is_file() else {}
        except (OSError, ValueError):
            return None
        return seals if isinstance(seals, dict) and all(isinstance(v, dict) for v in seals.values()) else None

    def seal(self) -> dict | None:
        seals = self._seals()
        return {"seal": ""} if seals is None else seals.get(self.name)

    def _seal_mac(self, n: int, mac: str) -> str:
        return hmac.new(self.key(), f"seal\n{self.name}\n{n}\n{mac}".encode("utf-8"), hashlib.sha256).hexdigest()

    def _write_seal(self, n: int | None, mac: str = GENESIS) -> None:
        with locked(self.seal_file):
            seals = self._seals() or {}
            if n is None:
                seals.pop(self.name, None)
            else:
                seals[self.name] = {"n": n, "mac": mac, "seal": self._seal_mac(n, mac)}
            write_atomic(self.seal_file, json.dumps(seals, ensure_ascii=False, indent=1))

    def tail_problem(self, lines: list[str]) -> Broken | None:
        """Whether the log ends where its seal says (the check every append makes; `verify`
        checks every entry)."""
        seal = self.seal()
        if seal is None:
            return Broken(1, "的封存记录缺失") if lines else None
        if self.key() is None:
            return Broken(1, "无法校验：审计密钥缺失")
        if not hmac.compare_digest(seal.get("seal", ""), self._seal_mac(seal.get("n"), seal.get("mac"))):
            return Broken(1, "无法校验：封存记录被改动")
        last = _parsed(lines[-1]) if lines else {"n": 0, "mac": GENESIS}
        n, mac = last.get("n"), last.get("mac")
        if not isinstance(n, int):
            return Broken(len(lines), "被改动")
        if n < seal["n"]:
            return Broken(n + 1, "缺失（日志末尾被删除）")
        if n > seal["n"]:
            return self._unsealed_tail(lines, seal)
        return None if mac == seal["mac"] else Broken(n, "被改动")

    def _unsealed_tail(self, lines: list[str], seal: dict) -> Broken | None:
        """Entries past the seal: a process stopped (a service restart, a kill) after writing
        them and before sealing. They stand when each is a keyed entry chained to the sealed
        one, which only the key can make; the next entry's seal covers them."""
        previous = seal["mac"]
        for number, line in enumerate(lines[seal["n"]:], start=seal["n"] + 1):
            entry = _parsed(line)
            if not self.chained(entry, number, previous):
                return Broken(seal["n"] + 1, "未经封存")
            previous = entry["mac"]
        return None

    def chained(self, entry: dict, number: int, previous: str) -> bool:
        """Whether `entry` is entry `number`, follows the MAC `previous`, and carries its own MAC."""
        mac = entry.get("mac")
        return entry.get("n") == number and entry.get("prev") == previous and isinstance(mac, str) \
            and hmac.compare_digest(mac, self.mac(entry))

    def append(self, action: str, user: User, what: dict, origin: str, lines: list[str]) -> dict:
        """Write one entry after the log's last (`lines`, checked by the caller) and seal it."""
        last = _parsed(lines[-1]) if lines else {"n": 0, "mac": GENESIS}
        self.key(create=True)
        entry = json.loads(json.dumps(
            {"time": clock.now().isoformat(timespec="seconds"), "user": user.name, "role": user.role,
             "action": action, "what": what, "from": origin, "n": last["n"] + 1, "prev": last["mac"]},
            ensure_ascii=False, default=str))  # as the line will read back
        entry["mac"] = self.mac(entry)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self._write_seal(entry["n"], entry["mac"])
        return entry

    def set_aside(self, why: str) -> Path | None:
        """Rename the log (kept beside, named with the time and `why`) and drop its seal."""
        moved = None
        if self.path.is_file():
            moved = self.path.with_name(f"{self.path.stem}_{why}_{clock.now():%Y%m%d%H%M%S}{self.path.suffix}")
            self.path.rename(moved)
        if self.key_file.is_file():
            self._write_seal(None)
        return moved

    def verify(self) -> Broken | None:
        lines = self.lines()
        if lines and self.key() is None:
            return Broken(1, "无法校验：审计密钥缺失")
        previous = GENESIS
        for number, line in enumerate(lines, start=1):
            entry = _parsed(line)
            if not self.chained(entry, number, previous):
                missing = isinstance(entry.get("n"), int) and entry["n"] > number
                return Broken(number, "缺失（已被删除）" if missing else "被改动")
            previous = entry["mac"]
        return self.tail_problem(lines)


def _parsed(line: str) -> dict:
    """A log line as an entry ({} when it is not one)."""
    try:
        entry = json.loads(line)
    except ValueError:
        return {}
    return entry if isinstance(entry, dict) else {}
