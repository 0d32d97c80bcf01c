"""Many datasets, one truthful graph: every fact knows the datasets that state it; curated
tables win over directories; `--replace` withdraws only the dataset's own claims;
corrections replace single-valued links; a firm named differently by a directory is one
enterprise. On both engines, through the command line as a bureau runs it."""

from __future__ import annotations

import csv
import json
import shutil

from streamlit.testing.v1 import AppTest

from loaders.load import BUNDLED_DATASET
from loaders.synth import DIRECTORY_COLUMNS
from tests.conftest import PROJECT_DIR, empty, run_cli, use_env

JINCHUAN = "金川集团股份有限公司"


def _hash(env) -> str:
    return json.loads(run_cli("stats", "--json", "--hash", env=env, check=True).stdout)["hash"]


def _cypher(env, query: str, **params) -> list[dict]:
    args = [arg for key, value in params.items() for arg in ("-p", f"{key}={json.dumps(value, ensure_ascii=False)}")]
    return json.loads(run_cli("cypher", query, *args, "--json", env=env, check=True).stdout)


def _csv(path, header: list[str], rows: list[list[str]]):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _directory(path, rows: list[dict]):
    """A directory export: DIRECTORY_COLUMNS and 股票代码, the cells `rows` give."""
    header = [*DIRECTORY_COLUMNS, "股票代码"]
    return _csv(path, header, [[row.get(column, "") for column in header] for row in rows])


def _city(tmp_path, edit=None):
    """A copy of the bundled city dataset, `edit(folder)` applied."""
    folder = tmp_path / "金昌市"
    shutil.copytree(BUNDLED_DATASET, folder)
    if edit:
        edit(folder)
    return folder


def _edit_rows(path, change) -> None:
    """Rewrite a dataset CSV, `change(row)` applied to each row (a dict; None drops it)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    kept = [row for row in map(change, rows) if row is not None]
    _csv(path, header, [[row[c] for c in header] for row in kept])


def _gaps(env) -> list:
    return json.loads(run_cli("gaps", "--json", env=env, check=True).stdout)["环节状态"]


def test_a_directory_never_overrides_the_citys_own_tables(cli_env, tmp_path):
    def own_figures(folder):
        _edit_rows(folder / "企业.csv", lambda row: row | (
            {"企业标签": "链主、国企", "统一社会信用代码": "91620300MA00000X1P"} if row["企业名称"] == JINCHUAN else {}))
    run_cli("load", str(_city(tmp_path, own_figures)), "--dataset", "金昌市", env=cli_env, check=True)
    gaps, firm = _gaps(cli_env), _cypher(cli_env, "MATCH (e:Enterprise {name: $n}) RETURN e {.*} AS e", n=JINCHUAN)
    directory = _directory(tmp_path / "商业名录.csv", [
        {"企业名称": JINCHUAN, "省份": "甘肃省", "城市": "金昌市", "行业代码": "C3213", "行业名称": "镍钴冶炼",
         "主营产品": "电解镍", "是否上市": "否", "注册资本（万元）": "2000000", "企业标签": "高新"}])
    done = run_cli("import-directory", str(directory), env=cli_env, check=True)  # no --local-city
    assert "来源冲突" in done.stderr and "是否本地企业" in done.stderr  # in the words of the tables
    after = _cypher(cli_env, "MATCH (e:Enterprise {name: $n}) RETURN e {.*} AS e", n=JINCHUAN)[0]["e"]
    for prop in ("local", "tags", "credit_code", "aliases", "region"):
        assert after[prop] == firm[0]["e"][prop], prop
    assert after["registered_capital"] == 200.0  # unknown to the city's tables: the directory's figure fills it
    assert sorted(after["datasets"]) == ["商业名录", "金昌市"]
    assert _gaps(cli_env) == gaps
    listed = json.loads(run_cli("conflicts", "--json", env=cli_env, check=True).stdout)["来源冲突"]
    local = next(row for row in listed if row["事实"] == JINCHUAN and row["属性"] == "是否本地企业")
    assert local["采用"] == "金昌市" and "商业名录：否" in local["各数据集的说法"]


def test_replace_withdraws_only_the_datasets_own_claims(cli_env, tmp_path):
    header = ["企业名称", "所在地区", "企业标签"]
    for name in ("甲", "乙"):
        (tmp_path / name).mkdir()
    a = _csv(tmp_path / "甲" / "企业.csv", header, [["共同企业有限公司", "甘肃省金昌市", "专精特新"]])
    b_full = _csv(tmp_path / "乙" / "企业.csv", header, [["共同企业有限公司", "甘肃省金昌市", ""], ["乙独有公司", "", ""]])
    run_cli("load", str(tmp_path / "甲"), "--dataset", "甲", env=cli_env, check=True)
    run_cli("load", str(tmp_path / "乙"), "--dataset", "乙", env=cli_env, check=True)
    both = _cypher(cli_env, "MATCH (e:Enterprise {name: '共同企业有限公司'}) RETURN e.datasets AS d")
    assert both == [{"d": ["乙", "甲"]}]
    _csv(b_full, header, [["乙独有公司", "", ""]])  # 乙 no longer lists the shared firm
    run_cli("load", str(tmp_path / "乙"), "--dataset", "乙", "--replace", env=cli_env, check=True)
    kept = _cypher(cli_env, "MATCH (e:Enterprise {name: '共同企业有限公司'}) RETURN e.datasets AS d, e.tags AS tags, "
                            "e.region AS region")
    assert kept == [{"d": ["甲"], "tags": ["专精特新"], "region": "甘肃省金昌市"}]
    cited = _cypher(cli_env, "MATCH (:Enterprise {name: '共同企业有限公司'})-[:CITED_IN]->(s:Source) RETURN s.id AS s")
    assert cited == [{"s": "企业.csv"}]  # 乙's citation (its own 企业.csv) went with its claim
    assert _cypher(cli_env, "MATCH (:Enterprise {name: '共同企业有限公司'})-[c:CITED_IN]->() RETURN c.datasets AS d") == [
        {"d": ["甲"]}]
    _csv(a, header, [["别的公司", "", ""]])
    run_cli("load", str(tmp_path / "甲"), "--dataset", "甲", "--replace", env=cli_env, check=True)
    assert _cypher(cli_env, "MATCH (e:Enterprise {name: '共同企业有限公司'}) RETURN count(e) AS n") == [{"n": 0}]


def test_a_corrected_chain_replaces_the_old_link(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    before = json.loads(run_cli("projects", "--json", env=cli_env, check=True).stdout)
    moved = "电池铜箔"  # filed under the battery chain; the correction files it (and a project) elsewhere
    project = _cypher(cli_env, "MATCH (p:Project)-[:BELONGS_TO]->(:Chain {name: '新能源和新能源电池'}) "
                               "RETURN p.name AS p ORDER BY p LIMIT 1")[0]["p"]

    def correct(folder):
        _edit_rows(folder / "环节.csv", lambda row: row | ({"所属产业链": "有色金属新材料"} if row["环节名称"] == moved else {}))
        _edit_rows(folder / "项目.csv", lambda row: row | ({"所属产业链": "有色金属新材料"} if row["项目名称"] == project else {}))
    run_cli("load", str(_city(tmp_path, correct)), "--dataset", "金昌市", env=cli_env, check=True)  # no --replace
    assert _cypher(cli_env, "MATCH (:Segment {name: $s})-[:PART_OF]->(c:Chain) RETURN c.name AS c", s=moved) == [
        {"c": "有色金属新材料"}]
    assert _cypher(cli_env, "MATCH (:Project {name: $p})-[:BELONGS_TO]->(c:Chain) RETURN c.name AS c", p=project) == [
        {"c": "有色金属新材料"}]
    after = json.loads(run_cli("projects", "--json", env=cli_env, check=True).stdout)
    assert after["项目数"] == before["项目数"]
    assert sum(r["项目数"] for r in after["分状态统计"]) == sum(r["项目数"] for r in before["分状态统计"])


def test_a_directory_imported_with_a_wrong_mapping_is_corrected_by_replace(cli_env, settings, tmp_path):
    run_cli("load", env=cli_env, check=True)
    directory = _directory(tmp_path / "名录.csv", [
        {"企业名称": f"隔膜{n}有限公司", "省份": "江苏省", "城市": "常州市", "行业代码": "C2921", "行业名称": "塑料薄膜制造",
         "主营产品": "湿法隔膜", "是否上市": "否"} for n in range(20)])
    wrong = _csv(tmp_path / "错映射.csv", ["字段", "匹配", "环节名称"], [["主营产品", "湿法隔膜", "电芯"]])
    run_cli("import-directory", str(directory), "--mapping", str(wrong), "--mapping-only", env=cli_env, check=True)
    wrongly = "MATCH (e:Enterprise)-[o:OPERATES_IN]->(:Segment {name: '电芯'}) WHERE '名录' IN o.datasets RETURN count(*) AS n"
    assert _cypher(cli_env, wrongly) == [{"n": 20}]
    run_cli("import-directory", str(directory), "--replace", env=cli_env, check=True)
    corrected = _hash(cli_env)
    empty(settings)
    run_cli("load", env=cli_env, check=True)
    run_cli("import-directory", str(directory), env=cli_env, check=True)
    assert _hash(cli_env) == corrected


def test_full_and_short_names_of_one_firm_are_one_enterprise(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    directory = _directory(tmp_path / "上市公司.csv", [
        {"企业名称": "云南恩捷新材料股份有限公司", "股票代码": "002812", "省份": "云南省", "城市": "玉溪市",
         "行业代码": "C2921", "行业名称": "塑料薄膜制造", "主营产品": "湿法隔膜", "是否上市": "是"}])
    done = run_cli("import-directory", str(directory), env=cli_env, check=True)
    assert "「云南恩捷新材料股份有限公司」并入「恩捷股份」（依据股票代码）" in done.stderr
    firms = _cypher(cli_env, "MATCH (e:Enterprise) WHERE e.name CONTAINS '恩捷' RETURN e.name AS name, e.aliases AS a")
    assert firms == [{"name": "恩捷股份", "a": ["云南恩捷新材料股份有限公司"]}]
    targets = json.loads(run_cli("targets", "--segment", "隔膜", "--json", env=cli_env, check=True).stdout)
    firms = [row["企业"] for row in targets["招商目标"]]
    assert len(firms) == len(set(firms)) and "恩捷股份" in firms
    resolved = run_cli("supply-rate", "--enterprise", "云南恩捷新材料股份有限公司", env=cli_env)
    assert "恩捷股份" in resolved.stdout
    similar = _directory(tmp_path / "另一名录.csv", [
        {"企业名称": "江西星源材质科技有限公司", "省份": "江西省", "城市": "赣州市", "主营产品": "湿法隔膜", "是否上市": "否"}])
    done = run_cli("import-directory", str(similar), env=cli_env, check=True)  # no code: not one firm, but said
    assert "名称相近、未合并" in done.stderr and "「江西星源材质科技有限公司」与「星源材质」" in done.stderr


def test_the_enterprise_page_notes_where_datasets_disagree(cli_env, monkeypatch, tmp_path):
    run_cli("load", env=cli_env, check=True)
    directory = _directory(tmp_path / "商业名录.csv", [
        {"企业名称": JINCHUAN, "省份": "甘肃省", "城市": "金昌市", "主营产品": "电解镍", "是否上市": "否"}])
    run_cli("import-directory", str(directory), env=cli_env, check=True)
    use_env(monkeypatch, cli_env)
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60).run()
    at = at.switch_page("ui/enterprises.py").run()
    at.text_input(key="enterprises-text").input("金川集团").run()
    assert not at.exception
    assert any("来源冲突" in w.value for w in at.warning)
    shown = at.table[1].value.to_dict("records")
    assert {"属性": "是否本地企业", "各数据集的说法": "商业名录：否；金昌市：是", "采用": "金昌市"} in shown
