"""The local Neo4j 5 Community server, run by the product (CHAINKG_ENGINE=neo4j).

Neo4j's own embedded DBMS with its Bolt connector, started by the small Java launcher in
`graph/neo4j_launcher/` (built by `make neo4j` from Maven Central jars). The product talks
to it as to any Neo4j: the official driver over Bolt, with the password from the 0600
file beside the data. Heap and page cache are bounded (CHAINKG_NEO4J_HEAP,
CHAINKG_NEO4J_PAGECACHE); without a bound the page cache would take half the RAM.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from graph.config import PROJECT_DIR, size_in_bytes
from graph.errors import InvalidData, StoreUnavailable
from graph.server import LocalServer

LAUNCHER = PROJECT_DIR / "graph" / "neo4j_launcher" / "target"
MAIN_CLASS = "chainkg.Neo4jLauncher"
# The classes a trained start loaded (`make neo4j`, scripts/neo4j-classes.sh): a JVM maps
# them instead of reading them from the jars (class data sharing), a third faster to start.
# A stale archive (other jars, another JVM) is ignored by the JVM with a warning in the log.
CLASS_ARCHIVE = LAUNCHER / "neo4j-classes.jsa"
# The JVM options of Neo4j's own neo4j.conf (less AlwaysPreTouch, which would commit the
# whole heap at start): without the --add-opens its page cache runs in a fallback mode that
# Neo4j warns of.
JVM_OPTIONS = ["-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+UnlockExperimentalVMOptions",
               "-XX:+TrustFinalNonStaticFields", "-XX:+DisableExplicitGC", "-Djdk.nio.maxCachedBufferSize=1024",
               "-Dio.netty.tryReflectionSetAccessible=true", "--add-opens=java.base/java.nio=ALL-UNNAMED",
               "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
               "-Dlog4j2.disable.jmx=true"]


class Neo4jServer(LocalServer):
    engine = "neo4j"
    name, name_en = "Neo4j 数据库", "local Neo4j"
    program = MAIN_CLASS.encode()
    port_variable = "CHAINKG_NEO4J_PORT"

    def __init__(self, data_dir: Path, port: int, heap: str, page_cache: str, browser_port: int = 0,
                 jvm_options: str = ""):
        super().__init__(data_dir, port)
        self.heap, self.page_cache, self.browser_port = heap, page_cache, browser_port
        self.jvm_options = jvm_options
        self._ready_file = self.data_dir / "ready"  # the launcher's pid, once the password is set
        self._log_start = 0  # where this start's lines begin in the launcher's log

    @property
    def uri(self) -> str:
        return f"bolt://{self.address}"

    def bulk_import(self, folder: Path, arguments: list[str]) -> str:
        """Replace the database by `chainkg export-neo4j` files in `folder` with Neo4j's own
        offline import tool (`neo4j-admin database import full`), the server stopped for
        it and started again after. Returns the tool's summary."""
        self.stop()
        self._make_data_dir()  # a home whose server never ran has none yet
        done = subprocess.run(
            [*self._java(), "org.neo4j.cli.AdminTool", "database", "import", "full", "neo4j",
             "--overwrite-destination=true", "--array-delimiter=;", "--multiline-fields=true", *arguments],
            cwd=folder, env={**os.environ, "NEO4J_HOME": str(self.data_dir)}, capture_output=True, text=True)
        if done.returncode != 0:
            lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            raise InvalidData(f"Neo4j 导入工具失败 / neo4j-admin import failed: {' | '.join(lines[-3:])}")
        return next((line.strip() for line in done.stdout.splitlines() if "IMPORT DONE" in line), "IMPORT DONE")

    def _java(self) -> list[str]:
        """The JVM with Neo4j's classpath, bounded to the configured heap."""
        java = shutil.which("java")
        if java is None:
            raise StoreUnavailable("未找到 Java 17：请执行 apt-get install openjdk-17-jre-headless / "
                                   "Java 17 is missing: apt-get install openjdk-17-jre-headless")
        if not (LAUNCHER / "chainkg-neo4j.jar").is_file():
            raise StoreUnavailable("Neo4j 尚未安装：请执行 make neo4j（需要 Maven 和 Maven Central）/ "
                                   "Neo4j is not built: run `make neo4j` (needs Maven and Maven Central)")
        heap = size_in_bytes(self.heap)
        sharing = [f"-XX:SharedArchiveFile={CLASS_ARCHIVE}"] if CLASS_ARCHIVE.is_file() else []
        return [java, f"-Xmx{heap}", f"-Xms{min(heap, 256 << 20)}", *JVM_OPTIONS, *sharing,
                *shlex.split(self.jvm_options),
                "-cp", f"{LAUNCHER / 'lib'}/*:{LAUNCHER / 'chainkg-neo4j.jar'}"]

    def _launch(self) -> None:
        command = [*self._java(), MAIN_CLASS, str(self.data_dir), str(self.port),
                   str(size_in_bytes(self.page_cache)), str(self._password_file), str(self.browser_port)]
        self.password()  # the launcher reads it from the file
        self._log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                       start_new_session=True)
        self._pid_file.write_text(str(process.pid))

    def _answers(self) -> bool:
        try:  # before the launcher names itself ready, a sign-in would count as a failed one
            if int(self._ready_file.read_text()) != self._read_pid():
                return False
        except (OSError, ValueError):
            return False
        try:
            # the acquisition bounds the handshake too: a hung server accepts connections
            with GraphDatabase.driver(self.uri, auth=("neo4j", self.password()), connection_timeout=2,
                                      connection_acquisition_timeout=10) as driver:
                driver.verify_connectivity()
            return True
        except (DriverError, Neo4jError, OSError):
            return False

    def _failure(self, log_tail: str) -> str:
        """The cause, from what the launcher logged since this start (a Java stack trace
        names it above its last lines) and from the end of Neo4j's own log."""
        debug = self.data_dir / "logs" / "debug.log"
        with open(self.log_file, "rb") as log:
            log.seek(self._log_start)
            text = log.read().decode(errors="replace") + (debug.read_text(errors="replace")[-4000:] if debug.exists() else "")
        if "FileLockException" in text or "locked by another process" in text:
            return (f"数据目录 {self.data_dir} 正被另一个进程使用（store_lock），请先停止它 / the data directory "
                    f"is locked by another process (store_lock); stop that process first")
        if "OutOfMemoryError" in text:
            return "内存不足，请调大 CHAINKG_NEO4J_HEAP / out of memory: raise CHAINKG_NEO4J_HEAP"
        return log_tail
