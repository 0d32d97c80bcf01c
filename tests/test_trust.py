"""The security files fail closed: a tampered audit log is found and stops what it would log;
an empty or broken accounts file refuses every sign-in; failed sign-ins are counted under a
lock, per name and per address. No graph is needed: these are files under CHAINKG_HOME."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph import audit
from graph.access import MAX_ADDRESS_FAILURES, MAX_FAILURES, AccessDenied, Accounts, User
from tests.conftest import PROJECT_DIR, run_cli, use_env

ADMIN = {"CHAINKG_USER": "admin1", "CHAINKG_PASSWORD": "admin-password-1"}


@pytest.fixture
def home(tmp_path, monkeypatch) -> dict[str, str]:
    """A CHAINKG_HOME of this test's own with one admin account, as the CLI and this process see it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")} | {"CHAINKG_HOME": str(tmp_path)}
    run_cli("user", "add", "admin1", "--role", "admin", env=env | {"CHAINKG_NEW_PASSWORD": ADMIN["CHAINKG_PASSWORD"]},
            check=True)
    use_env(monkeypatch, env)
    return env


def _entries(n: int) -> Path:
    for i in range(n):
        audit.record("导出", User("analyst1", "analyst"), {"文件": f"清单{i}.xlsx"}, "命令行 测试")
    return audit.log_path()


def _verify(env) -> subprocess.CompletedProcess:
    return run_cli("audit", "--verify", env=env | ADMIN)


# -- the audit log ---------------------------------------------------------------------------

def test_an_intact_log_verifies_and_its_key_lives_apart(home, tmp_path):
    log = _entries(3)
    assert audit.verify() is None and "完整" in _verify(home).stdout
    key = audit.key_path()
    assert key.parent != log.parent and key.stat().st_mode & 0o777 == 0o600 and log.stat().st_mode & 0o777 == 0o600
    assert key.read_text() not in log.read_text()


@pytest.mark.parametrize("tamper, entry", [
    ("remove the last line", 6), ("empty the file", 1), ("delete the file", 1),
    ("remove a middle line", 3), ("edit an entry, plain hashes recomputed", 3), ("replace the seal", 1),
    ("garble a line", 4)])
def test_every_kind_of_tampering_fails_and_names_the_entry(home, tamper, entry):
    log = _entries(5)  # after the fixture's own entry (设置账户): six
    lines = log.read_text(encoding="utf-8").splitlines()
    if tamper == "remove the last line":
        log.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    elif tamper == "empty the file":
        log.write_text("", encoding="utf-8")
    elif tamper == "delete the file":
        log.unlink()
    elif tamper == "garble a line":
        log.write_text("\n".join(lines[:3] + ["{not an entry"] + lines[4:]) + "\n", encoding="utf-8")
    elif tamper == "remove a middle line":
        log.write_text("\n".join(lines[:2] + lines[3:]) + "\n", encoding="utf-8")
    elif tamper == "edit an entry, plain hashes recomputed":
        entries = [json.loads(line) for line in lines]
        entries[2]["what"]["文件"] = "别的文件.xlsx"
        previous = entries[1]["mac"]
        for e in entries[2:]:  # what the old unkeyed chain let anyone do
            e["prev"] = previous
            e["mac"] = hashlib.sha256(json.dumps({k: v for k, v in e.items() if k != "mac"}).encode()).hexdigest()
            previous = e["mac"]
        log.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    else:  # a seal claiming the log ends at its first entry, as one who can read the log could write it
        first = json.loads(lines[0])
        seal_file = audit.key_path().with_name("audit.seal.json")
        seals = json.loads(seal_file.read_text())
        seals = {name: {"n": 1, "mac": first["mac"], "seal": hashlib.sha256(first["mac"].encode()).hexdigest()}
                 for name in seals}
        seal_file.write_text(json.dumps(seals))
    found = audit.verify()
    assert found is not None and found.entry == entry, found
    done = _verify(home)
    assert done.returncode == 1 and f"第 {entry} 条记录" in done.stderr and "Traceback" not in done.stderr
    if not any(word in tamper for word in ("middle", "edit", "garble")):  # the end of the log is checked at every entry
        with pytest.raises(audit.AuditBroken, match="停止写入"):  # what would be logged is not done
            audit.record("导出", User("analyst1", "analyst"), {}, "命令行 测试")


def test_an_entry_written_but_not_yet_sealed_stands_and_a_forged_one_does_not(home):
    """A process stopped (a service restart, a kill) between writing its entry and sealing it
    leaves the log one entry past its seal: that entry is keyed and chained, so it stands and
    the next entry's seal covers it. An entry appended by someone without the key does not."""
    log = _entries(3)
    lines = log.read_text(encoding="utf-8").splitlines()
    before_last = json.loads(lines[-2])
    audit._Log(None)._write_seal(before_last["n"], before_last["mac"])  # the last entry's seal never written
    assert audit.verify() is None and audit.check() is None
    entry = audit.record("导出", User("analyst1", "analyst"), {}, "命令行 测试")
    assert entry["n"] == len(lines) + 1 and entry["prev"] == json.loads(lines[-1])["mac"]
    assert audit.verify() is None
    forged = json.loads(log.read_text(encoding="utf-8").splitlines()[-1]) | {"n": entry["n"] + 1, "prev": entry["mac"]}
    forged["mac"] = hashlib.sha256(json.dumps(forged).encode()).hexdigest()
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps(forged, ensure_ascii=False) + "\n")
    assert audit.verify() == (entry["n"] + 1, "被改动") and audit.check() == (entry["n"] + 1, "未经封存")
    with pytest.raises(audit.AuditBroken, match="停止写入"):
        audit.record("导出", User("analyst1", "analyst"), {}, "命令行 测试")


def test_an_unreadable_key_is_one_clear_line(home):
    _entries(1)
    audit.key_path().write_text("not hex", encoding="ascii")
    done = _verify(home)
    assert done.returncode == 1 and "审计密钥无法读取" in done.stderr and "Traceback" not in done.stderr


def test_a_failed_log_stops_logged_commands_until_an_admin_starts_a_new_one(home, tmp_path):
    log = _entries(2)
    log.write_text(log.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    run_cli("template", "--out", str(tmp_path / "模板.xlsx"), env=home, check=True)  # nothing to log: still works
    refused = run_cli("pack", "--chain", "x", "--out", str(tmp_path / "p.pdf"), env=home | ADMIN)
    assert refused.returncode == 1 and "审计日志校验未通过" in refused.stderr and not (tmp_path / "p.pdf").exists()
    assert run_cli("user", "add", "v1", "--role", "viewer", env=home | ADMIN | {"CHAINKG_NEW_PASSWORD": "viewer-pass-1"}
                   ).returncode == 1 and "v1" not in Accounts().names()
    started = run_cli("audit", "--start-new", env=home | ADMIN, check=True)
    assert "缺失" in started.stdout  # what the old log's check found is kept in the new log
    assert audit.verify() is None
    [first] = [e for e in audit.entries() if e["action"] == "另起审计日志"]
    assert first["n"] == 1 and "第 2 条记录" in first["what"]["旧日志校验"]
    assert (log.parent / first["what"]["旧日志"]).is_file()  # set aside, not lost


def test_a_log_written_before_keys_is_kept_beside_the_new_one(home, tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINKG_AUDIT_LOG", str(tmp_path / "old" / "audit.jsonl"))
    log = audit.log_path()
    log.parent.mkdir()
    line = json.dumps({"time": "2026-11-01T10:00:00+08:00", "user": "本机用户", "role": "admin", "action": "导出",
                       "what": {}, "from": "命令行", "prev": audit.GENESIS}, ensure_ascii=False)
    log.write_text(line + "\n", encoding="utf-8")
    _entries(1)
    assert audit.verify() is None and [e["n"] for e in audit.entries()] == [1]
    [old] = [p for p in log.parent.iterdir() if "启用密钥校验前" in p.name]
    assert old.read_text(encoding="utf-8") == line + "\n"


# -- accounts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content", ["", "users:\n", "users: [1, 2]\n", "\x00\x01garbage: [\n"])
def test_an_empty_or_broken_accounts_file_refuses_every_sign_in(home, content):
    Accounts().path.write_text(content, encoding="utf-8")
    done = run_cli("stats", env=home | ADMIN)
    assert done.returncode == 3 and "账户文件无法读取或没有账户" in done.stderr and "Traceback" not in done.stderr
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60).run()
    assert not at.exception and [e.value for e in at.error] and "账户文件无法读取" in at.error[0].value
    assert not at.text_input and not at.dataframe and not at.subheader  # no form, no page
    for page in ("ui/data.py", "ui/overview.py"):
        at.switch_page(page).run()
        assert not at.dataframe and not at.subheader and not at.text_input


def test_only_a_missing_accounts_file_means_desktop_mode(home):
    Accounts().path.unlink()
    assert not Accounts().multi_user
    assert run_cli("user", "list", env=home).returncode == 0


def test_accounts_are_replaced_whole_never_rewritten_in_place(home):
    """A new file renamed over the old (a new inode), so a crash leaves the old file or the
    new one; a reader holding the old file still reads it whole."""
    accounts = Accounts()
    before = accounts.path.read_text(encoding="utf-8")
    with open(accounts.path, encoding="utf-8") as reader:
        inode = os.fstat(reader.fileno()).st_ino
        accounts.add("viewer1", "viewer", "a-long-password")
        assert reader.read() == before
    assert accounts.path.stat().st_ino != inode and accounts.path.stat().st_mode & 0o777 == 0o600
    assert set(accounts.names()) == {"admin1", "viewer1"}
    assert [p.name for p in accounts.path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_failed_sign_ins_are_counted_under_a_lock(home):
    """Ten wrong passwords at once from ten threads, one address, four of them for one name
    (below its lockout): every failure counted, none lost to a race."""
    def guess(name):
        with pytest.raises(AccessDenied, match="不正确"):
            Accounts().sign_in(name, "wrong-password", "10.0.0.9")

    names = ["nobody"] * (MAX_FAILURES - 1) + [f"other{i}" for i in range(11 - MAX_FAILURES)]
    threads = [threading.Thread(target=guess, args=(name,)) for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failures = json.loads(Accounts().failures_path.read_text(encoding="utf-8"))
    assert len(failures["name:nobody"]) == MAX_FAILURES - 1 and len(failures["address:10.0.0.9"]) == 10


def test_lockout_per_name_and_per_address(home):
    accounts = Accounts()
    for i in range(MAX_ADDRESS_FAILURES):  # a different name each time: only the address adds up
        with pytest.raises(AccessDenied, match="不正确"):
            accounts.sign_in(f"guess{i}", "wrong", "10.0.0.7")
    with pytest.raises(AccessDenied, match="失败次数过多"):
        accounts.sign_in("admin1", ADMIN["CHAINKG_PASSWORD"], "10.0.0.7")
    assert accounts.sign_in("admin1", ADMIN["CHAINKG_PASSWORD"], "10.0.0.8").role == "admin"
    for _ in range(MAX_FAILURES):
        with pytest.raises(AccessDenied):
            accounts.sign_in("admin1", "wrong", "10.0.0.8")
    with pytest.raises(AccessDenied, match="失败次数过多"):
        accounts.sign_in("admin1", ADMIN["CHAINKG_PASSWORD"], "10.0.0.5")  # the name, from anywhere


def test_an_unreadable_failure_record_suspends_sign_in(home):
    accounts = Accounts()
    accounts.failures_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(AccessDenied, match="登录失败记录无法读取"):
        accounts.sign_in("admin1", ADMIN["CHAINKG_PASSWORD"], "10.0.0.1")
    assert accounts.failures_path.read_text(encoding="utf-8") == "{not json"  # never reset to zero
