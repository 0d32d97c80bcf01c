"""The append-only audit log: every export and every data change, with who, when, what
and from where.

One JSON object per line in `audit/audit.jsonl` under CHAINKG_HOME (or the file
CHAINKG_AUDIT_LOG names). Each line carries
the SHA-256 of the line before it (`prev`), so a line removed or edited later breaks the
chain, which `verify` finds. Writers take an exclusive lock, so the app and the CLI can
append at the same time.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import socket
from pathlib import Path

from graph import clock
from graph.access import User
from graph.config import Settings

GENESIS = "0" * 64


def log_path(settings: Settings | None = None) -> Path:
    """CHAINKG_AUDIT_LOG, or audit/audit.jsonl under CHAINKG_HOME."""
    named = os.environ.get("CHAINKG_AUDIT_LOG")
    return Path(named) if named else (settings or Settings.from_env()).home / "audit" / "audit.jsonl"


def cli_origin() -> str:
    return f"命令行 {getpass.getuser()}@{socket.gethostname()}"


def record(action: str, user: User, what: dict, origin: str, settings: Settings | None = None) -> dict:
    """Append one entry: `action` (导出, 加载数据, 恢复备份, 登录 …) and what it concerned."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        lines = f.read().splitlines()
        entry = {"time": clock.now().isoformat(timespec="seconds"), "user": user.name,
                 "role": user.role, "action": action, "what": what, "from": origin,
                 "prev": hashlib.sha256(lines[-1].encode("utf-8")).hexdigest() if lines else GENESIS}
        f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        f.flush()
    path.chmod(0o600)
    return entry


def entries(settings: Settings | None = None) -> list[dict]:
    path = log_path(settings)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def verify(settings: Settings | None = None) -> int | None:
    """The number (from 1) of the first line whose `prev` does not match, or None."""
    path = log_path(settings)
    previous = GENESIS
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for number, line in enumerate(lines, start=1):
        if json.loads(line).get("prev") != previous:
            return number
        previous = hashlib.sha256(line.encode("utf-8")).hexdigest()
    return None
