"""Synthetic enterprise directories and city datasets of any size, so that anyone can
reproduce the benchmark without private data.

`synthesize(out, enterprises=N, regions=R)` writes, all UTF-8 CSV:
  out/企业名录.csv   N enterprises with the columns of a commercial directory export:
                    企业名称, 统一社会信用代码 (valid check characters, GB 32100 and GB 11714),
                    省份, 城市, 行业代码, 行业名称, 主营产品, 是否上市, 注册资本（万元）, 企业标签
  out/配套关系.csv   about 0.7 × N supply relations between them (供应企业, 采购企业, 产品)
  out/城市/<城市>（合成）/
                    a dataset for each of the R cities, in the layout `chainkg load` reads
                    (see `synthesize_city`); every row marked 示例
The products are drawn, with a skewed (Zipf-like) distribution, from the keywords of the
mapping table `data/映射/企业名录映射.csv` and from unmapped ones; a few buyers get most
supply relations (at most MAX_SUPPLIERS each). `bad_share` corrupts that share of rows
(wrong check character, unreadable capital, empty name) to exercise `--skip-bad`. Same
seed, same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

from stdnum.cn import uscc

from graph.schema import load_schema
from loaders.load import BUNDLED_DATASET
from loaders.read import read_dataset, records

MAPPING = Path(__file__).resolve().parent.parent / "data" / "映射" / "企业名录映射.csv"
DIRECTORY_COLUMNS = ["企业名称", "统一社会信用代码", "省份", "城市", "行业代码", "行业名称", "主营产品", "是否上市",
                     "注册资本（万元）", "企业标签"]
SUPPLY_COLUMNS = ["供应企业", "采购企业", "产品"]
PROVINCES = {"甘肃省": ["金昌市", "兰州市", "天水市", "酒泉市", "张掖市"], "江苏省": ["常州市", "苏州市", "无锡市"],
             "浙江省": ["杭州市", "宁波市", "湖州市"], "福建省": ["宁德市", "厦门市"], "广东省": ["深圳市", "广州市", "惠州市"],
             "山东省": ["淄博市", "东营市"], "四川省": ["成都市", "宜宾市"], "江西省": ["宜春市", "赣州市"],
             "湖南省": ["长沙市", "株洲市"], "河南省": ["郑州市", "焦作市"], "青海省": ["西宁市"], "新疆维吾尔自治区": ["乌鲁木齐市"]}
SYLLABLES = "华鑫宏泰恒盛兴达金瑞丰源安康德信明辉永嘉海天佳创博远正通新中利合昌隆宇智科佳祥裕峰凯锦诚荣晟元聚腾亿"
TRADES = ["新材料", "新能源", "科技", "化工", "电子", "能源科技", "材料科技", "实业", "锂电", "电池"]
FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
UNMAPPED = ["办公用品", "物流服务", "建筑材料", "餐饮服务", "软件开发", "塑料制品", "机械配件", "包装材料"]
INDUSTRIES = {"3841": "锂离子电池制造", "3825": "光伏设备及元器件制造", "2614": "有机化学原料制造",
              "2651": "初级形态塑料及合成树脂制造", "3211": "铜冶炼", "3213": "镍钴冶炼", "5162": "金属及金属矿批发",
              "6450": "互联网数据服务", "2624": "复混肥料制造", "1441": "液体乳制造"}
TAGS = ["专精特新", "专精特新小巨人", "高新技术企业", "规上企业"]
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Direct suppliers of one buyer at most: the largest manufacturers report a few thousand;
# an uncapped Zipf draw would give the first buyer of a 1,000,000-firm directory 66,000.
MAX_SUPPLIERS = 2000


@dataclass(frozen=True)
class SynthResult:
    directory: Path
    supplies: Path
    enterprises: int
    supply_rows: int
    bad_rows: int
    cities: list[Path]


def credit_code(chance: random.Random, region: int) -> str:
    """A unified social credit code: 9 (enterprise), 1 (company), a region code, an
    organisation code with its GB 11714 check digit, and the GB 32100 check character."""
    body = "".join(chance.choice("0123456789") for _ in range(8))
    check = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS)) % 11
    org = body + {10: "X", 11: "0"}.get(check, str(check))
    first = f"91{region:06d}{org}"
    return first + uscc.calc_check_digit(first)


def _keywords() -> list[str]:
    with open(MAPPING, encoding="utf-8-sig") as f:
        return [row["匹配"] for row in csv.DictReader(f) if row["字段"] == "主营产品"]


def synthesize(out: Path, enterprises: int, regions: int = 12, seed: int = 1, bad_share: float = 0.0) -> SynthResult:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    chance = random.Random(seed)
    cities = [(p, c) for p, cs in PROVINCES.items() for c in cs][:max(1, regions)]
    # the local city (金昌市, first) holds a small share; the other cities a skewed one
    city_weights = list(accumulate([0.3] + [1 / (rank + 1) ** 0.6 for rank in range(1, len(cities))]))
    products = _keywords() + UNMAPPED
    product_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(products))]  # a few products are common
    codes = list(INDUSTRIES)
    names, used, bad = [], set(), 0
    directory = out / "企业名录.csv"
    with open(directory, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(DIRECTORY_COLUMNS)
        for i in range(enterprises):
            province, city = chance.choices(cities, cum_weights=city_weights)[0]
            name = ""
            while not name or name in used:
                name = (city.removesuffix("市") + "".join(chance.choices(SYLLABLES, k=3)) + chance.choice(TRADES)
                        + chance.choice(FORMS))
            used.add(name)
            names.append(name)
            made = chance.choices(products, weights=product_weights, k=1 + min(int(chance.expovariate(1.5)), 3))
            code = chance.choice(codes)
            capital = round(chance.lognormvariate(7, 1.5), 1)  # 万元: median about 1,100
            tags = [t for t in TAGS if chance.random() < 0.04]
            row = [name, credit_code(chance, 620000 + i % 1000), province, city, code, INDUSTRIES[code],
                   "、".join(dict.fromkeys(made)), "是" if chance.random() < 0.02 else "否", f"{capital}",
                   "、".join(tags)]
            if bad_share and chance.random() < bad_share:
                bad += 1
                broken = chance.randrange(3)
                if broken == 0:
                    row[1] = row[1][:-1] + ("0" if row[1][-1] != "0" else "1")  # wrong check character
                elif broken == 1:
                    row[8] = "约五千万"
                else:
                    row[0] = ""
                    names.pop()
            writer.writerow(row)
    supplies = out / "配套关系.csv"
    supply_rows = _supplies(supplies, names, products, product_weights, chance)
    firms = max(20, enterprises // (100 * len(cities)))  # per city: a hundredth of an average city's directory firms
    made = [synthesize_city(out / "城市" / f"{city}（合成）", province, city, firms, chance, 620000 + n)
            for n, (province, city) in enumerate(cities)]
    return SynthResult(directory, supplies, enterprises, supply_rows, bad, made)


def _supplies(path: Path, names: list[str], products: list[str], product_weights: list[float],
              chance: random.Random) -> int:
    buyers = [1 / (rank + 1) ** 1.1 for rank in range(len(names))]  # a few buyers take most supplies
    pairs, taken = set(), Counter()
    count = int(0.7 * len(names))
    chosen = chance.choices(range(len(names)), weights=buyers, k=count) if names else []
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(SUPPLY_COLUMNS)
        for buyer in chosen:
            if taken[buyer] >= MAX_SUPPLIERS:
                buyer = chance.randrange(len(names))
            taken[buyer] += 1
            supplier = chance.randrange(len(names))
            if supplier != buyer and (supplier, buyer) not in pairs:
                pairs.add((supplier, buyer))
                writer.writerow([names[supplier], names[buyer], chance.choices(products, weights=product_weights)[0]])
    return len(pairs)


# A synthetic city dataset. Every row cites this source and is marked 示例: none of it is a fact.
CITY_SOURCE = {"来源编号": "合成数据", "文件名称": "chainkg synth 合成的示例数据（非真实） / synthetic, not real",
               "文件位置": "chainkg synth"}
LOCAL_FORMS = ["集团有限公司", "集团股份有限公司"]  # none of FORMS: no clash with the directory's names
PROJECT_STATUSES = {"谋划": 2, "签约": 3, "落地": 2, "开工": 3, "在建": 6, "投产": 4, "停建": 1}
STARTED = {"开工", "在建", "投产", "停建"}
UNITS_IN_CHARGE = ["市工信局", "市发改委", "市商务局", "市招商局"]


def synthesize_city(folder: Path, province: str, city: str, firms: int, chance: random.Random,
                    region_code: int) -> Path:
    """One city's dataset in the layout `chainkg load` reads (one CSV per table). Its chains,
    segments and segment links are the bundled city's (the segments the directory mapping
    table maps onto, so a synthetic directory imports on top of it); its `firms` local
    enterprises, their segments (a skewed draw: some segments have several producers, many
    none), parks, projects at every status, targets, actuals and policies are drawn."""
    folder.mkdir(parents=True, exist_ok=True)
    bundled = _bundled()
    chain_of = {r["环节名称"]: r["所属产业链"] for r in bundled["环节"]}
    short, region = city.removesuffix("市"), province + city
    parks = [f"{city}经济技术开发区", f"{city}高新技术产业开发区"]
    segments = list(chain_of)
    chance.shuffle(segments)  # each city strong in different segments
    segment_weights = [1 / (rank + 1) ** 1.2 for rank in range(len(segments))]
    names, links = {}, []  # names: a dict as an ordered set
    while len(names) < firms:
        name = short + "".join(chance.choices(SYLLABLES, k=3)) + chance.choice(TRADES) + chance.choice(LOCAL_FORMS)
        if name not in names:
            names[name] = None
            links += [(name, s) for s in dict.fromkeys(chance.choices(segments, segment_weights, k=chance.randint(1, 2)))]
    producers = {segment for _, segment in links}
    leads = {chain_of[s]: name for name, s in links if chance.random() < 0.1}  # a firm of the chain, for some chains
    tables = {
        "来源": [CITY_SOURCE],
        "地区": [{"地区名称": province, "级别": "省"}, {"地区名称": city, "级别": "市", "上级地区": province}],
        "园区": [{"园区名称": p, "所在地区": city} for p in parks],
        "产业链": [{"产业链名称": r["产业链名称"], "等级": r["等级"], "链主企业": leads.get(r["产业链名称"], "")}
                for r in bundled["产业链"]],
        "环节": [{k: r[k] for k in ("环节名称", "阶段", "所属产业链", "上级环节", "说明")} for r in bundled["环节"]],
        "上下游": [{"上游环节": r["上游环节"], "下游环节": r["下游环节"]} for r in bundled["上下游"]],
        "企业": [{"企业名称": n, "统一社会信用代码": credit_code(chance, region_code), "是否本地企业": "是",
                "是否规上": "是" if chance.random() < 0.6 else "否", "所在地区": region,
                "注册资本（亿元）": f"{chance.lognormvariate(0, 1.2):.2f}",
                "企业标签": "、".join(t for t in TAGS if chance.random() < 0.08), "所在园区": chance.choice(parks)}
               for n in names],
        "企业环节": [{"企业名称": n, "环节名称": s, "主要产品": s} for n, s in links],
        "项目": _projects(chance, short, max(10, firms // 2), chain_of, producers, list(names), parks),
        **_targets(chance, [r["产业链名称"] for r in bundled["产业链"]]),
        "政策": [{"政策名称": f"{city}支持重点产业链发展的若干政策", "类型": "政策", "发布单位": f"{city}人民政府",
                "发布日期": "2025-03-01", "支持产业链": "、".join(r["产业链名称"] for r in bundled["产业链"][:3])},
               {"政策名称": f"{city}产业发展基金", "类型": "基金", "规模（亿元）": str(chance.randint(10, 50)),
                "发布单位": f"{city}财政局", "支持产业链": bundled["产业链"][0]["产业链名称"]}],
    }
    schema = load_schema()
    provenance = {"来源编号": CITY_SOURCE["来源编号"], schema.provenance["illustrative"].column: "是"}
    for table, rows in tables.items():
        headers = [c.header for c in schema.columns(table)]
        with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, headers, restval="")  # a header the schema lacks raises
            writer.writeheader()
            writer.writerows({**row, **{k: v for k, v in provenance.items() if k in headers}} for row in rows)
    return folder


@cache
def _bundled() -> dict[str, list[dict]]:
    """The bundled dataset's tables as rows (read once for all the cities)."""
    return {t.name: records(t.frame) for t in read_dataset(BUNDLED_DATASET)}


def _projects(chance: random.Random, short: str, count: int, chain_of: dict[str, str], producers: set[str],
              firms: list[str], parks: list[str]) -> list[dict]:
    rows, names, segments = [], set(), list(chain_of)
    for _ in range(count):
        segment = chance.choice(segments)
        name = f"{short}{''.join(chance.choices(SYLLABLES, k=2))}{segment}项目"
        if name in names:
            continue
        names.add(name)
        status = chance.choices(list(PROJECT_STATUSES), list(PROJECT_STATUSES.values()))[0]
        total = round(chance.lognormvariate(1.5, 0.9), 1)  # 亿元: median about 4.5
        signed = dt.date(2023, 1, 1) + dt.timedelta(days=chance.randrange(1400))
        start = signed + dt.timedelta(days=chance.randrange(30, 400)) if status in STARTED else None
        funds = round(total * chance.uniform(0.6, 1.0), 1) if status != "谋划" else None
        done = {"投产": total, "开工": total * chance.uniform(0.05, 0.6), "在建": total * chance.uniform(0.1, 0.9),
                "停建": total * chance.uniform(0.05, 0.4)}.get(status)
        rows.append({
            "项目名称": name, "项目类型": "强链" if segment in producers else "补链", "总投资（亿元）": str(total),
            "已完成投资（亿元）": "" if done is None else f"{done:.1f}", "签约资金（亿元）": "" if funds is None else str(funds),
            "到位资金（亿元）": f"{funds * chance.uniform(0.2, 1.0):.1f}" if funds and start else "",
            "项目状态": status, "责任单位": chance.choice(UNITS_IN_CHARGE),
            "签约日期": "" if status == "谋划" else signed.isoformat(), "开工日期": start.isoformat() if start else "",
            "投产日期": (start + dt.timedelta(days=chance.randrange(300, 900))).isoformat() if start else "",
            "所属产业链": chain_of[segment], "所属环节": segment,
            "投资企业": chance.choice(firms) if chance.random() < 0.3 else "", "所在园区": chance.choice(parks)})
    return rows


def _targets(chance: random.Random, chains: list[str]) -> dict[str, list[dict]]:
    """Each chain's output targets for 2025 and 2026, the 2025 result and 2026 to September."""
    targets, actuals = [], []
    for chain in chains:
        base = chance.lognormvariate(5, 0.6)  # 亿元: median about 150
        goal = {2025: round(base), 2026: round(base * 1.1)}
        for year, value in goal.items():
            targets.append({"指标名称": f"{chain}产业链{year}年产值目标", "年度": str(year), "指标": "产值",
                            "目标值": f"{value}亿元", "所属产业链": chain})
        for period, as_of, year, share in (("2025年", "2025-12-31", 2025, chance.uniform(0.85, 1.15)),
                                           ("2026年1-9月", "2026-09-30", 2026, chance.uniform(0.6, 0.9))):
            actuals.append({"完成情况名称": f"{chain}产业链{period}产值", "统计期间": period, "截至日期": as_of,
                            "实际值": f"{goal[year] * share:.1f}亿元", "同比增长（%）": f"{chance.uniform(-5, 25):.1f}",
                            "指标名称": f"{chain}产业链{year}年产值目标"})
    return {"指标": targets, "指标完成": actuals}
