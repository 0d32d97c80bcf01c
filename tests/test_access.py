"""Accounts, roles, sign-in limits and the audit log, through the CLI and the app's page logic."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from graph import audit
from graph.access import MAX_FAILURES
from tests.conftest import PROJECT_DIR, run_cli, use_env

APP = str(PROJECT_DIR / "app.py")
PASSWORDS = {"admin1": "管理员的密码123", "analyst1": "analyst-pass-1", "viewer1": "viewer-pass-1"}


@pytest.fixture
def accounts(cli_env, settings, tmp_path, monkeypatch):
    """Three accounts in a users file of this test's own; the environment the CLI and app see."""
    env = cli_env | {"CHAINKG_USERS": str(tmp_path / "users.yaml"), "CHAINKG_AUDIT_LOG": str(tmp_path / "audit.jsonl")}
    for name, password in PASSWORDS.items():
        role = name.rstrip("1")
        admin = {"CHAINKG_USER": "admin1", "CHAINKG_PASSWORD": PASSWORDS["admin1"]} if name != "admin1" else {}
        run_cli("user", "add", name, "--role", role, env=env | admin | {"CHAINKG_NEW_PASSWORD": password}, check=True)
    run_cli("load", env=env | {"CHAINKG_USER": "admin1", "CHAINKG_PASSWORD": PASSWORDS["admin1"]}, check=True)
    use_env(monkeypatch, env)
    return env


def _as(env: dict, name: str, password: str | None = None) -> dict:
    return env | {"CHAINKG_USER": name, "CHAINKG_PASSWORD": password or PASSWORDS[name]}


def test_passwords_are_stored_as_argon2_hashes(accounts, tmp_path):
    text = (tmp_path / "users.yaml").read_text(encoding="utf-8")
    assert "$argon2id$" in text and all(p not in text for p in PASSWORDS.values())
    assert (tmp_path / "users.yaml").stat().st_mode & 0o777 == 0o600


def test_cli_needs_a_sign_in_and_the_right_role(accounts):
    assert run_cli("stats", env=accounts | {"CHAINKG_USER": "", "CHAINKG_PASSWORD": ""}).returncode != 0
    denied = run_cli("gaps", "--chain", "化工循环", env=_as(accounts, "viewer1"))
    assert denied.returncode == 3 and "权限不足" in denied.stderr
    assert run_cli("map", "--chain", "化工循环", env=_as(accounts, "viewer1")).returncode == 0
    assert run_cli("load", env=_as(accounts, "analyst1")).returncode == 3
    wrong = run_cli("map", "--chain", "化工循环", env=_as(accounts, "viewer1", "not-the-password"))
    assert wrong.returncode == 3 and "用户名或密码不正确" in wrong.stderr and "Traceback" not in wrong.stderr


def test_failed_sign_ins_lock_the_name(accounts):
    for _ in range(MAX_FAILURES):
        run_cli("stats", env=_as(accounts, "analyst1", "guess"))
    locked = run_cli("stats", env=_as(accounts, "analyst1"))
    assert locked.returncode == 3 and "失败次数过多" in locked.stderr
    assert run_cli("stats", env=_as(accounts, "viewer1")).returncode == 0  # only that name is locked


def test_an_analyst_export_is_in_the_audit_log(accounts, settings, tmp_path):
    started = time.time()
    out = tmp_path / "隔膜.xlsx"
    run_cli("targets", "--segment", "隔膜", "--out", str(out), env=_as(accounts, "analyst1"), check=True)
    [entry] = [e for e in audit.entries() if e["user"] == "analyst1" and e["action"] == "导出"]
    assert entry["role"] == "analyst" and entry["what"]["文件"] == str(out) and entry["what"]["行数"] == 4
    assert entry["from"].startswith("命令行")
    assert abs(dt.datetime.fromisoformat(entry["time"]).timestamp() - started) < 120
    assert entry["time"].endswith("+08:00")  # Beijing time, whatever the server's zone
    logged = json.loads(run_cli("audit", "--json", env=_as(accounts, "admin1"), check=True).stdout)
    assert any(e["user"] == "analyst1" for e in logged)
    assert run_cli("audit", env=_as(accounts, "analyst1")).returncode == 3  # admins only


def test_the_audit_log_shows_an_edited_line(accounts, settings):
    run_cli("map", "--chain", "化工循环", "--out", "/dev/null.xlsx", env=_as(accounts, "viewer1"))
    path = audit.log_path()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert audit.verify() is None and len(lines) >= 3
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")  # a line removed
    assert audit.verify() == (2, "缺失（已被删除）")
    done = run_cli("audit", "--verify", env=_as(accounts, "admin1"))
    assert done.returncode == 1 and "第 2 条记录缺失" in done.stderr


# -- the app -------------------------------------------------------------------------------

def _signed_in(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input(name)
    at.text_input[1].input(PASSWORDS[name])
    at.button[0].click().run()
    return at


def test_without_signing_in_no_page_shows_data(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert [t.value for t in at.title] == ["产业链知识图谱"]
    assert not at.dataframe and not at.table and not at.metric and not at.subheader
    assert [w.label for w in at.text_input] == ["用户名", "密码"]
    for page in ("ui/data.py", "ui/gaps.py", "ui/overview.py"):
        at.switch_page(page).run()
        assert not at.dataframe and not at.table and not at.subheader and [t.value for t in at.title] == ["产业链知识图谱"]


def test_a_wrong_password_is_refused_in_chinese(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input("viewer1")
    at.text_input[1].input("nope")
    at.button[0].click().run()
    assert at.error[0].value == "用户名或密码不正确" and not at.exception


def test_a_viewer_sees_only_its_pages(accounts):
    at = _signed_in("viewer1")
    assert at.title[0].value == "总览" and not at.exception
    at.switch_page("ui/pack.py").run()
    assert at.title[0].value == "一链一档"
    for page in ("ui/data.py", "ui/gaps.py", "ui/audit.py", "ui/status.py"):
        with pytest.raises(ValueError, match="Known pages"):  # not in its navigation
            at.switch_page(page)


def test_an_admin_sees_the_audit_log(accounts):
    at = _signed_in("admin1")
    at.switch_page("ui/audit.py").run()
    assert at.title[0].value == "审计日志" and not at.exception
    assert any("密钥链式校验与封存记录均完整" in c.value for c in at.caption)
    assert set(at.table[0].value["用户"]) == set(PASSWORDS)
    assert not at.expander  # where an entry came from is not a cited source: no 来源 list


def test_sessions_expire_after_inactivity(accounts):
    at = _signed_in("analyst1")
    assert at.title[0].value == "总览"
    at.session_state["seen"] = time.time() - 31 * 60
    at.run()
    assert [t.value for t in at.title] == ["产业链知识图谱"] and "已退出登录" in at.info[0].value
