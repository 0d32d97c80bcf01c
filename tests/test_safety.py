"""Injection attempts in every CLI argument and every text input: nothing changes in the
graph (same canonical hash), and no traceback reaches the user."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from cli import main
from tests.conftest import PROJECT_DIR, run_cli, use_env

APP = str(PROJECT_DIR / "app.py")
PAYLOADS = ["'", '"', "}) DETACH DELETE n //", "') MATCH (n) DETACH DELETE n //", "隔膜' OR 1=1 //",
            "$chain", "`Chain`", "\x01\x1b[31m\t\r\n", "x" * 100_000, "名" * 5000]
ARGUMENTS = [("map", "--chain"), ("gaps", "--chain"), ("supply-rate", "--chain"), ("supply-rate", "--enterprise"),
             ("relations", "--enterprise"), ("impact", "--enterprise"), ("targets", "--segment"),
             ("targets", "--chain"), ("projects", "--chain"), ("progress", "--chain"), ("pack", "--chain")]


def _hash(env) -> str:
    return json.loads(run_cli("stats", "--json", "--hash", env=env, check=True).stdout)["hash"]


@pytest.fixture
def loaded(cli_env):
    run_cli("load", env=cli_env, check=True)
    return cli_env


def test_cli_arguments(loaded, tmp_path):
    """In-process through click's runner (one process per attempt would take minutes)."""
    runner = CliRunner(env=loaded)
    before = _hash(loaded)
    for command, option in ARGUMENTS:
        for payload in PAYLOADS:
            extra = ["--out", str(tmp_path / "x.pdf")] if command == "pack" else []
            done = runner.invoke(main, [command, option, payload, *extra])
            # a handled error exits 1 through SystemExit; anything else would be a traceback
            assert done.exit_code == 1 and isinstance(done.exception, SystemExit), (command, payload[:30])
            assert done.output.startswith("错误 / error: 找不到"), (command, payload[:30], done.output[-300:])
            assert len(done.output) < 500  # a long name is not echoed back whole
    for payload in PAYLOADS:
        for args in (["targets", "--segment", "隔膜", "--weight", payload],
                     ["cypher", "MATCH (c:Chain {name: $n}) RETURN c.name AS name", "-p", f"n={payload}"]):
            done = runner.invoke(main, args)
            assert done.exception is None or isinstance(done.exception, SystemExit), (args[0], payload[:30])
    refused = runner.invoke(main, ["load", "--dataset", "名\x01称"])
    assert refused.exit_code == 2 and "数据集名称" in refused.output
    assert _hash(loaded) == before


@pytest.fixture
def app_on_loaded(loaded, monkeypatch):
    use_env(monkeypatch, loaded)
    return loaded


@pytest.mark.parametrize("path", ["ui/relations.py", "ui/enterprises.py", "ui/data.py"])
def test_text_inputs(app_on_loaded, path):
    before = _hash(app_on_loaded)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(path).run()
    for payload in [*PAYLOADS, "\x00"]:
        for box in at.text_input:
            box.input(payload)
        at.run()
        assert not at.exception, (path, payload[:30])
    assert _hash(app_on_loaded) == before


def test_sign_in_form(app_on_loaded, tmp_path, monkeypatch):
    users = tmp_path / "users.yaml"
    run_cli("user", "add", "someone", "--role", "viewer", check=True,
            env=app_on_loaded | {"CHAINKG_USERS": str(users), "CHAINKG_NEW_PASSWORD": "a-long-password"})
    monkeypatch.setenv("CHAINKG_USERS", str(users))
    monkeypatch.setenv("CHAINKG_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    for payload in [*PAYLOADS, "\x00"]:
        at.text_input[0].input(payload)
        at.text_input[1].input(payload)
        at.button[0].click().run()
        assert not at.exception and at.error[0].value == "用户名或密码不正确", payload[:30]
