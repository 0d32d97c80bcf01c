"""Synthetic directories and city datasets, and the streaming directory import, on the real
embedded graph."""

from __future__ import annotations

import csv
import json
from collections import Counter

import openpyxl
import pandas as pd
import pytest
from stdnum.cn import uscc

from graph.errors import InvalidData
from graph.store import STAGED
from loaders.backup import graph_hash
from loaders.directory import import_directory
from loaders.load import BUNDLED_DATASET, InvalidDataset, load
from loaders.synth import DIRECTORY_COLUMNS, MAPPING, synthesize
from queries import cypher
from queries.gaps import gaps
from queries.settings import load_settings
from queries.stats import graph_counts
from queries.targets import score_parameters, target_list
from tests.conftest import empty, run_cli


@pytest.fixture
def city(store):
    load([BUNDLED_DATASET], store)  # the segments the mapping table names
    return store


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_synthetic_directory_is_valid_and_reproducible(tmp_path):
    first = synthesize(tmp_path / "a", 2000, seed=7)
    again = synthesize(tmp_path / "b", 2000, seed=7)
    assert first.directory.read_bytes() == again.directory.read_bytes()
    files = sorted(p.relative_to(first.directory.parent) for p in first.directory.parent.rglob("*.csv"))
    assert len(files) == 2 + 12 * 12  # the directory, its supplies, 12 tables for each of 12 cities
    assert files == sorted(p.relative_to(again.directory.parent) for p in again.directory.parent.rglob("*.csv"))
    assert all((first.directory.parent / f).read_bytes() == (again.directory.parent / f).read_bytes() for f in files)
    rows = _rows(first.directory)
    assert len(rows) == 2000 and list(rows[0]) == DIRECTORY_COLUMNS
    assert all(uscc.is_valid(r["统一社会信用代码"]) for r in rows)
    assert len({r["企业名称"] for r in rows}) == 2000
    supplies = _rows(first.supplies)
    assert len(supplies) == first.supply_rows > 1000
    buyers = sorted((sum(1 for s in supplies if s["采购企业"] == b) for b in {s["采购企业"] for s in supplies}),
                    reverse=True)
    assert buyers[0] > 20 * (sum(buyers) / len(buyers))  # skewed: a few buyers take many supplies


def test_a_synthetic_city_loads_with_the_directory_on_top(store, tmp_path):
    made = synthesize(tmp_path, 3000, regions=2, seed=3)
    assert [c.name for c in made.cities] == ["金昌市（合成）", "兰州市（合成）"]
    city = made.cities[1]
    assert load([city], store).changed and not load([city], store).changed  # loading twice changes nothing
    facts = store.read(
        "MATCH (n) WHERE $d IN n.datasets OPTIONAL MATCH (n)-[c:CITED_IN]->(:Source {id: '合成数据'}) "
        "RETURN count(n) AS n, count(CASE WHEN n.illustrative THEN 1 END) AS shown, count(c) AS cited",
        {"d": city.name})[0]
    assert facts["n"] > 130 and facts["shown"] == facts["cited"] == facts["n"] - 1  # every fact but the source
    links = store.read("MATCH ()-[r]->() WHERE $d IN r.datasets AND type(r) <> 'CITED_IN' RETURN count(r) AS n, "
                       "count(CASE WHEN r.illustrative THEN 1 END) AS shown", {"d": city.name})[0]
    assert links["n"] > 200 and links["shown"] == links["n"]
    locals_ = store.read("MATCH (e:Enterprise {local: true}) RETURN collect(e.region) AS regions")[0]["regions"]
    assert len(locals_) == 20 and set(locals_) == {"甘肃省兰州市"}  # max(20, 3000 // 200) local firms
    imported = import_directory([made.directory, made.supplies], store)  # the mapping's segments are all there
    assert imported.rejected == 0 and imported.counts["Enterprise"].created == 3000
    statuses = Counter(gaps(store, "新能源和新能源电池").table["状态"])
    assert {"优势", "薄弱", "缺失"} <= set(statuses), statuses  # a city with strengths and gaps


def test_import_maps_products_and_codes_to_segments(city, tmp_path):
    path = tmp_path / "名录.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(DIRECTORY_COLUMNS)
        writer.writerow(["甲隔膜有限公司", "91350100M000100Y43", "江苏省", "常州市", "2929", "塑料制品", "湿法锂电池隔膜；涂覆膜",
                         "是", "50000", "专精特新"])
        writer.writerow(["乙电池有限公司", "", "甘肃省", "金昌市", "3841", "锂离子电池制造", "储能系统", "否", "", ""])
    result = import_directory([path], city, local_city="金昌市")
    assert result.rows == 2 and result.rejected == 0
    firms = {r["name"]: r for r in city.read(
        "MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment) WHERE e.name IN ['甲隔膜有限公司', '乙电池有限公司'] "
        "RETURN e.name AS name, s.name AS segment, o.product AS product, e.local AS local, "
        "e.registered_capital AS capital, e.tags AS tags, e.region AS region")}
    assert firms["甲隔膜有限公司"] == {"name": "甲隔膜有限公司", "segment": "隔膜", "product": "湿法锂电池隔膜",
                                       "local": False, "capital": 5.0, "tags": ["专精特新", "上市"],
                                       "region": "江苏省常州市"}
    assert firms["乙电池有限公司"]["segment"] == "电芯" and firms["乙电池有限公司"]["local"] is True


def test_bad_rows_fail_the_whole_import_without_skip(city, tmp_path):
    made = synthesize(tmp_path, 3000, bad_share=0.01)
    before = graph_hash(city)
    with pytest.raises(InvalidDataset) as caught:
        import_directory([made.directory, made.supplies], city)
    assert {p.row for p in caught.value.problems if p.file.endswith("企业名录.csv")} and graph_hash(city) == before
    assert {p.column for p in caught.value.problems} <= {"企业名称", "统一社会信用代码", "注册资本（万元）", "主营产品",
                                                           "供应企业", "采购企业"}


def test_skip_bad_writes_the_good_rows_and_lists_every_bad_one(city, tmp_path):
    made = synthesize(tmp_path, 3000, bad_share=0.01)
    rejects = tmp_path / "错误行.csv"
    result = import_directory([made.directory, made.supplies], city, skip_bad=True, rejects=rejects, chunk_rows=700)
    bad = _rows(rejects)
    bad_directory_rows = {r["行号"] for r in bad if r["文件"].endswith("企业名录.csv")}
    assert len(bad_directory_rows) == made.bad_rows and all(r["原因"] for r in bad)
    imported = city.read("MATCH (e:Enterprise) WHERE '企业名录' IN e.datasets RETURN count(e) AS n")[0]["n"]
    assert imported == 3000 - made.bad_rows
    assert result.rejected == len({(r["文件"], r["行号"]) for r in bad})
    assert not [r for r in bad if "「」" in r["原因"]]  # an empty name is empty, not a repeat of another
    for row in bad:  # every reported row really is bad: its cells are kept as they were
        cells = json.loads(row["原始内容"])
        if row["列"] == "统一社会信用代码":
            assert not uscc.is_valid(cells["统一社会信用代码"])


def test_import_is_idempotent_and_chunking_does_not_matter(city, tmp_path):
    made = synthesize(tmp_path, 1500)
    first = import_directory([made.directory, made.supplies], city, chunk_rows=400)
    once = graph_hash(city)
    in_graph = {row["type"]: row["n"] for row in city.read(
        "MATCH (e:Enterprise)-[r]->() WHERE '企业名录' IN e.datasets RETURN type(r) AS type, count(r) AS n")}
    # every chunk's write is counted, the last one too (it runs beside the next chunk's checks)
    assert first.counts["Enterprise"].created == 1500
    assert {t: first.counts[t].created for t in in_graph} == in_graph
    assert first.counts["SUPPLIES"].created == made.supply_rows
    again = import_directory([made.directory, made.supplies], city, chunk_rows=5000)
    assert graph_hash(city) == once
    assert all(c.created == c.updated == 0 for c in again.counts.values())


def test_readers_see_nothing_of_an_import_until_it_ends(city, tmp_path):
    """Between chunks (Neo4j has committed them, staged), every count, hash and analysis
    is the one before the import; a second import of relationships between firms already
    shown is staged too; an import that fails leaves nothing behind."""
    made = synthesize(tmp_path, 900)
    seen = []

    def state():
        return graph_hash(city), graph_counts(city), gaps(city, "新能源和新能源电池").summary

    for path in (made.directory, made.supplies):
        before = state()
        import_directory([path], city, chunk_rows=200, progress=lambda rows: seen.append(state() == before))
        assert state() != before
    assert len(seen) >= 5 and all(seen), seen
    before = state()

    def fail(rows):
        raise RuntimeError("stopped between chunks")

    with pytest.raises(RuntimeError):
        import_directory([made.directory, made.supplies], city, dataset="另一名录", chunk_rows=200, progress=fail)
    assert state() == before
    labels = [row["label"] for row in city.read("CALL db.labels() YIELD label RETURN label")]
    types = [row["type"] for row in city.read("CALL db.relationshipTypes() YIELD relationshipType AS type RETURN type")]
    left = [city.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"] for label in labels if label.startswith(STAGED)]
    left += [city.read(f"MATCH ()-[r:{t}]->() RETURN count(r) AS n")[0]["n"] for t in types if t.startswith(STAGED)]
    assert not any(left)


def test_a_mapping_naming_an_unknown_segment_is_refused(city, tmp_path):
    mapping = tmp_path / "映射.csv"
    mapping.write_text("字段,匹配,环节名称,说明\n主营产品,固态电解质,固态电池,\n", encoding="utf-8")
    made = synthesize(tmp_path, 10)
    with pytest.raises(InvalidData, match="固态电池"):
        import_directory([made.directory], city, mappings=[mapping])


def test_xlsx_directory(city, tmp_path):
    made = synthesize(tmp_path, 300)
    book = openpyxl.Workbook()
    for row in [DIRECTORY_COLUMNS, *([r[c] for c in DIRECTORY_COLUMNS] for r in _rows(made.directory))]:
        book.active.append(row)
    book.save(tmp_path / "名录.xlsx")
    result = import_directory([tmp_path / "名录.xlsx"], city, chunk_rows=128)
    assert result.rows == 300
    assert city.read("MATCH (e:Enterprise) WHERE '名录' IN e.datasets RETURN count(e) AS n")[0]["n"] == 300


def test_cli_import_with_progress_and_rejects(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    made = run_cli("synth", "--enterprises", "2000", "--bad-share", "0.02", "--out", str(tmp_path), env=cli_env, check=True)
    assert "城市数据集 / city datasets (12)" in made.stdout and (tmp_path / "城市" / "天水市（合成）" / "项目.csv").is_file()
    done = run_cli("import-directory", str(tmp_path / "企业名录.csv"), "--skip-bad", env=cli_env, check=True)
    assert "行/秒" in done.stdout and "错误行" in done.stdout and "导入" in done.stderr
    assert (tmp_path / "企业名录_错误行.csv").is_file()
    again = json.loads(run_cli("import-directory", str(tmp_path / "企业名录.csv"), "--skip-bad", "--json",
                               env=cli_env, check=True).stdout)
    assert again["rows"] == 2000 and 0 < again["rejected"] < 2000
    assert again["counts"]["Enterprise"] == {"created": 0, "updated": 0, "unchanged": 2000 - again["rejected"],
                                             "deleted": 0}
    refused = run_cli("import-directory", str(tmp_path / "企业名录.csv"), env=cli_env)
    assert refused.returncode == 2 and "未写入任何数据" in refused.stderr


def test_a_target_lists_first_n_are_the_full_lists_first_n(city, tmp_path):
    """The first N are read by score in Cypher, the firms tied to the city in full (queries/
    targets.py): the result must be the full list cut at N, whatever the weights."""
    made = synthesize(tmp_path, 3000)
    import_directory([made.directory, made.supplies], city, local_city="金昌市")  # some supply local firms
    for weights in (None, {"produces": 40, "supplies_local": 15, "scale": 15, "listed": 10, "specialised": 10,
                           "region": 5, "pipeline": 5}, {"produces": 1, "scale": 0, "listed": 0, "specialised": 30,
                                                           "region": 50, "supplies_local": 0, "pipeline": 90}):
        full = target_list(city, segment="隔膜", weights=weights).table
        first = target_list(city, segment="隔膜", weights=weights, top=25).table
        assert len(full) > 100 and full["已为本地配套"].sum() > 0
        pd.testing.assert_frame_equal(first, full.head(25), check_dtype=False)
    # 专精特新小巨人 matches both specialised tags: the better value ranks it, in either order of the settings
    for tags in ({"小巨人": 1.0, "专精特新": 0.5}, {"专精特新": 0.5, "小巨人": 1.0}):
        rules = load_settings().targets
        rules = rules.model_copy(update={"specialised_tags": tags, "weights": rules.weights.model_copy(
            update={"scale": 0, "listed": 0, "region": 0, "supplies_local": 0, "pipeline": 0})})
        ranked = [row["enterprise"] for row in city.read(cypher("target_producers"),
                                                         {"limit": 10_000, **score_parameters("隔膜", rules)})]
        tagged = {row["name"]: row["tags"] or [] for row in city.read(
            "MATCH (e:Enterprise) WHERE e.name IN $names RETURN e.name AS name, e.tags AS tags", {"names": ranked})}
        # firms without a specialised tag have no known specialised part (ranked on what is
        # known, they are left out of this comparison)
        values = [max([v for tag, v in tags.items() if any(tag in t for t in tagged[name])], default=None)
                  for name in ranked]
        values = [v for v in values if v is not None]
        assert values == sorted(values, reverse=True) and values.count(1.0) > 10 and 0.5 in values


def test_an_enterprise_named_again_in_a_later_chunk_is_a_bad_row(city, tmp_path):
    made = synthesize(tmp_path, 1000)
    rows = _rows(made.directory)
    with open(made.directory, "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow([rows[0][c] for c in DIRECTORY_COLUMNS])  # file row 1002, chunk 4
    with pytest.raises(InvalidDataset) as caught:
        import_directory([made.directory], city, chunk_rows=300)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1002, "企业名称") and "第2行" in problem.zh
    rejects = tmp_path / "错误行.csv"
    result = import_directory([made.directory], city, chunk_rows=300, skip_bad=True, rejects=rejects)
    assert result.rejected == 1 and [r["行号"] for r in _rows(rejects)] == ["1002"]
    assert city.read("MATCH (e:Enterprise {name: $n}) RETURN e.credit_code AS code",
                     {"n": rows[0]["企业名称"]}) == [{"code": rows[0]["统一社会信用代码"]}]


def test_one_row_per_statement_writes_the_same_graph(store, settings, tmp_path):
    """`chainkg bench`'s naive baseline is the loader writing one row per statement: the same
    facts as its batches, in one server call each."""
    made = synthesize(tmp_path, 300)
    hashes, calls = [], []
    for rows_per_write in (store.rows_per_write, 1):
        empty(settings)
        load([BUNDLED_DATASET], store)
        before = _server_calls(store)
        store.rows_per_write = rows_per_write
        import_directory([made.directory, made.supplies], store)
        calls.append(_server_calls(store) - before)
        hashes.append(graph_hash(store))
    assert hashes[0] == hashes[1]
    if store.engine == "falkordb":  # the server counts its queries; Neo4j keeps no such count
        assert calls[0] < 50 and calls[1] > 300 * 3  # an enterprise, its citation, its segment links, its supplies


def _server_calls(store) -> int:
    if store.engine != "falkordb":
        return 0
    return store._db.connection.info("commandstats")["cmdstat_graph.QUERY"]["calls"]


# -- real directories: workbooks, encodings, mapping tables, warnings -------------------------

def _workbook(rows: list[list], path):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_cli_imports_a_workbook_directory(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    made = synthesize(tmp_path, 200)
    book = _workbook([DIRECTORY_COLUMNS, *([r[c] for c in DIRECTORY_COLUMNS] for r in _rows(made.directory))],
                     tmp_path / "名录.xlsx")
    done = run_cli("import-directory", str(book), "--json", env=cli_env, check=True)
    assert json.loads(done.stdout)["counts"]["Enterprise"]["created"] == 200 and "Traceback" not in done.stderr


def test_a_bom_csv_with_a_character_across_the_encoding_sample(city, tmp_path):
    """The encoding is told from the first 64 KiB; a character cut by that boundary is fine."""
    rows = "".join(f"隔膜科技{n}有限公司,,福建省,宁德市,C2929,塑料薄膜制造,湿法隔膜,否,,\n" for n in range(900))
    for pad in range(100):  # padding that puts the boundary inside a three-byte character
        data = ("\ufeff" + ",".join(DIRECTORY_COLUMNS) + "\n" + "x" * pad + rows).encode("utf-8")
        if data[1 << 16] & 0xC0 == 0x80:
            break
    assert data[1 << 16] & 0xC0 == 0x80
    path = tmp_path / "名录.csv"
    path.write_bytes(data)
    assert import_directory([path], city).rows == 900


def _directory(path, rows: list[tuple[str, str, str]]):
    """A small directory: (name, industry name, products) per row."""
    path.write_text(",".join(DIRECTORY_COLUMNS) + "\n" + "".join(
        f"{name},,浙江省,湖州市,C2921,{industry},{products},否,,\n" for name, industry, products in rows), encoding="utf-8")
    return path


def test_mapping_tables_in_any_encoding_extend_the_default(city, tmp_path):
    directory = _directory(tmp_path / "名录.csv", [("薄膜甲有限公司", "塑料薄膜制造", "包装膜"),
                                                   ("隔膜乙有限公司", "塑料制品业", "湿法隔膜")])
    extra = tmp_path / "映射.csv"
    extra.write_bytes("字段,匹配,环节名称,说明\n行业名称,塑料薄膜,隔膜,Excel 另存的 GB18030\n".encode("gb18030"))
    assert import_directory([directory], city, mappings=[MAPPING, extra]).unmapped == 0
    linked = city.read("MATCH (e:Enterprise)-[o:OPERATES_IN]->(:Segment {name: '隔膜'}) WHERE '名录' IN e.datasets "
                       "RETURN e.name AS firm, o.product AS product ORDER BY firm")
    assert linked == [{"firm": "薄膜甲有限公司", "product": "行业 塑料薄膜制造"},
                      {"firm": "隔膜乙有限公司", "product": "湿法隔膜"}]
    book = _workbook([["字段", "匹配", "环节名称"], ["行业名称", "塑料薄膜", "隔膜"]], tmp_path / "映射.xlsx")
    only = import_directory([directory], city, dataset="只用工作簿", mappings=[book], dry_run=True)
    assert only.unmapped == 1  # without the default table 湿法隔膜 maps to nothing


def test_mapping_problems_are_one_line(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    made = synthesize(tmp_path, 50)
    wrong = tmp_path / "错表头.csv"
    wrong.write_text("类型,关键词,环节\n主营产品,隔膜,隔膜\n", encoding="utf-8")
    unknown_field = tmp_path / "错字段.csv"
    unknown_field.write_text("字段,匹配,环节名称\n经营范围,隔膜,隔膜\n", encoding="utf-8")
    for mapping, words in ((wrong, "映射表缺少列"), (unknown_field, "第2行")):
        done = run_cli("import-directory", str(made.directory), "--mapping", str(mapping), env=cli_env)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert words in lines[-1] and mapping.name in lines[-1] and " / " in lines[-1]


def test_rows_that_map_to_no_segment_are_counted_and_said(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    directory = _directory(tmp_path / "上市公司.csv", [(f"软件{n}有限公司", "软件开发", "软件") for n in range(30)])
    done = run_cli("import-directory", str(directory), env=cli_env, check=True)
    assert "30 行（共 30 行）未对应到任何环节" in done.stderr
    checked = run_cli("validate", str(directory), env=cli_env, check=True)
    assert "30 行（共 30 行）未对应到任何环节" in checked.stderr and "校验通过" in checked.stdout


def test_rejects_imply_skip_bad_and_list_each_bad_row_once(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    made = synthesize(tmp_path, 1000, bad_share=0.02)
    rejects = tmp_path / "拒收.csv"
    done = run_cli("import-directory", str(made.directory), "--rejects", str(rejects), "--json", env=cli_env,
                   check=True)
    bad = _rows(rejects)
    assert json.loads(done.stdout)["rejected"] == len(bad) == made.bad_rows
    assert len({(r["文件"], r["行号"]) for r in bad}) == len(bad)


def test_validate_checks_a_directory_without_writing(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    before = json.loads(run_cli("stats", "--json", "--hash", env=cli_env, check=True).stdout)["hash"]
    made = synthesize(tmp_path, 500, bad_share=0.02)
    refused = run_cli("validate", str(made.directory), env=cli_env)
    assert refused.returncode == 2 and "统一社会信用代码" in refused.stderr and "校验通过" not in refused.stdout
    good = synthesize(tmp_path / "好", 300)
    assert "300 行" in run_cli("validate", str(good.directory), env=cli_env, check=True).stdout
    assert json.loads(run_cli("stats", "--json", "--hash", env=cli_env, check=True).stdout)["hash"] == before
