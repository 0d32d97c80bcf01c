"""Synthetic enterprise directories of any size, so that anyone can reproduce the
benchmark without private data.

`synthesize(out, enterprises=N, regions=R)` writes, all UTF-8 CSV:
  out/企业名录.csv   N enterprises with the columns of a commercial directory export:
                    企业名称, 统一社会信用代码 (valid check characters, GB 32100 and GB 11714),
                    省份, 城市, 行业代码, 行业名称, 主营产品, 是否上市, 注册资本（万元）, 企业标签
  out/配套关系.csv   about 0.7 × N supply relations between them (供应企业, 采购企业, 产品)
The products are drawn, with a skewed (Zipf-like) distribution, from the keywords of the
mapping table `data/映射/企业名录映射.csv` and from unmapped ones; a few buyers get most
supply relations (at most MAX_SUPPLIERS each). `bad_share` corrupts that share of rows
(wrong check character, unreadable capital, empty name) to exercise `--skip-bad`. Same
seed, same files.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from stdnum.cn import uscc

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
    buyers = [1 / (rank + 1) ** 1.1 for rank in range(len(names))]  # a few buyers take most supplies
    pairs, taken = set(), Counter()
    count = int(0.7 * len(names))
    chosen = chance.choices(range(len(names)), weights=buyers, k=count) if names else []
    with open(supplies, "w", encoding="utf-8", newline="") as f:
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
    return SynthResult(directory, supplies, enterprises, len(pairs), bad)
