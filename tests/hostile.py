"""A hostile city: the hand-built analysis city (tests/fixtures/analysis_city) with every
name, alias, quote and note replaced by text that means something to a renderer: HTML and
script, Markdown links and images, reportlab markup, ECharts templates, spreadsheet
formulas, direction and zero-width characters, 10,000-character quotes and the longest
name the loader takes. Plus a
directory of outside firms named the same way, with its own mapping table."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

CITY = Path(__file__).parent / "fixtures" / "analysis_city"
EVIL = "evil.example"  # no request may ever go there
LONG = "溶剂厂" + "长" * 197  # the longest name allowed (NAME_MAX); quotes run to 10,000 characters

NAMES = {
    "电池链": "电池链<script>alert('链')</script>",
    "化工链": f"化工链![图](http://{EVIL}/chain.png)",
    "矿石": f"矿石<img src=http://{EVIL}/seg.png onerror=alert(1)>",
    "隔膜": "隔膜{a}{b}{@x}<b>粗</b>",
    "正极": f'=HYPERLINK("http://{EVIL}","正极")',
    "电芯": "电芯[点我](javascript:alert(2))",
    "链主公司": f"链主<img src=http://{EVIL}/e.png onerror=alert(3)>公司",
    "链主集团": "链主<svg onload=alert(4)>集团",
    "正极甲": f'正极甲<a href="http://{EVIL}">链接</a>',
    "正极乙": "+正极乙",
    "前驱丙": "-前驱丙",
    "电芯丁": "@电芯丁 **粗体** # 标题 $x^2$",
    "模组戊": "模组戊\u202e司公反\u202c",
    "模组己": "模组\u200b己\u200d",
    "隔膜外": "隔膜外</text><script>alert(5)</script>",
    "隔膜小": "隔膜小<font size=40>大</font>",
    "隔膜新": "隔膜新<img src='/etc/hostname'/>",
    "溶剂厂": LONG,
    "电解液项目": '电解液项目"><svg onload=alert(6)>',
    "隔膜项目": "隔膜项目:red[红]:smile:",
    "测试用手工图（答案见 tests/test_analyses.py）": f"<iframe src=http://{EVIL}/>来源文件",
}
# Markup in the other free-text cells: every quote, note and unit description.
NOTE = f"说明<img src=http://{EVIL}/note.png onerror=alert(8)>![n](http://{EVIL}/n.png)=1+1"
FREE_TEXT = {"原文摘录", "说明", "主要产品", "产品", "文件位置"}


@dataclass
class Hostile:
    dataset: Path
    directory: Path
    mapping: Path


def hostile_city(folder: Path) -> Hostile:
    dataset = folder / "恶意数据"
    dataset.mkdir(parents=True)
    for path in sorted(CITY.glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in table.columns:
            table[column] = table[column].map(_renamed)
            if column in FREE_TEXT:
                table[column] = [NOTE if value else value for value in table[column]]
        if path.stem == "来源":
            table["文件位置"] = ["javascript:alert(7)", f"http://{EVIL}/doc"]
        if path.stem == "企业":
            table["原文摘录"] = ["长引文" * 3400 if i == 0 else NOTE for i in range(len(table))]
        table.to_csv(dataset / path.name, index=False, quoting=csv.QUOTE_ALL)
    directory = folder / "恶意名录.csv"
    pd.DataFrame([
        {"企业名称": f"外地<img src=http://{EVIL}/d{i}.png onerror=alert(9)>隔膜{i}有限公司", "统一社会信用代码": "",
         "省份": "江苏省", "城市": "常州市", "行业代码": "2929", "行业名称": "塑料制品",
         "主营产品": f"锂电池隔膜{NOTE}", "是否上市": "是" if i % 2 else "否", "注册资本（万元）": str(1000 * (i + 1)),
         "企业标签": "专精特新", "别名": f"=外地{i}+1"} for i in range(3)]).to_csv(
        directory, index=False, quoting=csv.QUOTE_ALL)
    mapping = folder / "恶意映射.csv"
    pd.DataFrame([{"字段": "主营产品", "匹配": "隔膜", "环节名称": NAMES["隔膜"], "说明": NOTE}]).to_csv(
        mapping, index=False, quoting=csv.QUOTE_ALL)
    return Hostile(dataset, directory, mapping)


def _renamed(cell: str) -> str:
    """A cell with every name replaced (a list cell item by item)."""
    return "、".join(NAMES.get(item, item) for item in cell.split("、"))
