"""Read documents into findings: projects, indicator targets and actuals, enterprises,
parks, policies and funds, each with the sentences it was read from and the words that
triggered it. The same thing named in several sentences or documents is one finding.

Rules only (extraction/rules.yaml) and the graph's own names: every field can be traced to
words of the text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from extraction.documents import YEAR, Document
from extraction.rules import Rules, Vocabulary
from loaders.units import UnitError, parse_quantity

ALL_CHAINS = "全部产业链"  # "2+4" 产业链: the chains together
PLACE = "地区:"  # a figure's subject that is a county or district, not a chain
SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
CLAUSE_BREAK = "，,：:；;。！？（）()"
LIST_BREAK = "，,：:；;。！？"  # a list item may hold parentheses: "*.*亿件（套）新能源电池外壳"
NUMBER = r"(?:\*+(?:\.\*+)?|\d+(?:\.\d+)?)"
CAPACITY = re.compile(rf"(?:{NUMBER}(?:MW|GW)/)?(?P<q>{NUMBER}\s*(?:万吨/年|Kt/a|kt/a|GWh|MWh|MW|GW|万千瓦|千瓦|亿Ah|万只|只|万头|"
                      r"亿平方米|万平方米|平方米|万套|套|万吨|千吨|吨))")
VALUE = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>亿元|万元|万千瓦|％|%|个(?!月|百分点|、)|户|家|亿)(?P<note>以上|左右|以内)?")
POINTS = re.compile(rf"(?:{NUMBER}个、)*{NUMBER}个百分点")  # "高于计划*个、**个百分点": differences, not figures
GROWTH = re.compile(r"增长|增速|增幅|提高|提升|下降|减少|回落|下滑")  # a % after one of these in its clause: a growth rate
PERIOD = re.compile(r"一季度|上半年|前三季度|1[-—－~～至]\d{1,2}月|全年")
# Figures of the country or the province, quoted for comparison ("从全国形势看", "就全省而言").
ELSEWHERE = r"我国|我省|全国经济|全省经济|全国规模以上|全省而言|从全国|从全省"
HEADING = re.compile(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）|^第[一二三四五六七八九十]+[，、]")
TWO_PLUS_FOUR = re.compile(r"[0-9*]\s*[+＋]\s*[0-9*]")
CHAIN_MENTION = re.compile(r"(?P<names>[^，。；：！？（）()]{2,80}?)(?:[0-9*]+个|[一二三四五六七八九十两]个)?(?:千亿级?|百亿级?)?产业链")
TIME_LEAD = re.compile(r"^(?:\d{1,2}月(?:底|初|中旬|上旬|下旬)?前?|年底前|年内|今年|全年)")
REDACTED = re.compile(r"\*+(?:\.\*+)?")
QUOTES = str.maketrans("", "", "“”\"'‘’ 　")
NAME_STOP = "，。；：、！？（）()《》“”\" 　和与及的在为将"
KEY_COLUMNS = {"项目": "项目名称", "指标": "指标名称", "指标完成": "完成情况名称", "企业": "企业名称", "园区": "园区名称",
               "政策": "政策名称"}
STAGES = ("谋划", "签约", "落地", "开工", "在建", "投产")  # a project's life, in order (停建 can come at any time)


@dataclass(frozen=True)
class Quote:
    document: Document
    paragraph: int
    text: str  # the sentence, verbatim

    @property
    def rank(self) -> tuple[str, int]:
        """Later documents (by date) and later paragraphs state the newer fact."""
        return (self.document.date or str(self.document.year or ""), self.paragraph)


@dataclass
class Finding:
    table: str  # the template table the row goes to
    name: str
    fields: dict[str, str] = field(default_factory=dict)  # template column -> cell text
    quotes: list[Quote] = field(default_factory=list)
    triggers: dict[str, str] = field(default_factory=dict)  # column -> the word it was read from
    notes: list[str] = field(default_factory=list)
    confidence: float = 0.8
    figure: str | None = None  # a target's or actual's value as written ("550亿元", "**%"): what evaluation compares
    implies: Finding | None = None  # an actual's target, value unknown, for when no document states it
    subject: str | None = None  # a figure's chain, county or district; None for the city
    spellings: list[str] = field(default_factory=list)  # every name it was found under

    def __post_init__(self):
        self.spellings = self.spellings or [self.name]

    def merge(self, other: Finding) -> None:
        """Take `other`'s mentions; its fields where they are newer or fill a gap."""
        newer = max(q.rank for q in other.quotes) >= max(q.rank for q in self.quotes)
        for column, text in other.fields.items():
            if text and (newer or not self.fields.get(column)):
                self.fields[column] = text
                if column in other.triggers:
                    self.triggers[column] = other.triggers[column]
        self.quotes += [q for q in other.quotes if q not in self.quotes]
        self.notes += [n for n in other.notes if n not in self.notes]
        self.spellings += [s for s in other.spellings if s not in self.spellings]
        if REDACTED.search(self.name) and not REDACTED.search(other.name):
            self.name = other.name  # the name that says the figure
        self.fields[KEY_COLUMNS[self.table]] = self.name
        self.confidence = max(self.confidence, other.confidence)


def plausible(name: str) -> bool:
    """A name names something: two letters or characters in a row, no list words left in it."""
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z0-9]{2}", name)) and not re.search("等(项目|企业|政策|单位)", name)


def shape(name: str) -> str:
    """A name with every figure written as stars: how a redacted mention compares."""
    return re.sub(r"\d+(?:\.\d+)?", lambda m: "*" * len(m.group().split(".")[0]), name)


def project_key(name: str) -> str:
    name = name.translate(QUOTES)
    name = re.sub(r"^\*+(?=\d)", "", name)  # a redacted place name before the figure
    return re.sub(r"(项目|工程)$", "", name)


class Reader:
    def __init__(self, rules: Rules, vocabulary: Vocabulary):
        self.rules, self.vocabulary = rules, vocabulary
        self.list_end = re.compile(rules.project_list_end)
        self.enterprise_list_end = re.compile(rules.enterprise_list_end)
        self.enterprise_contexts = [re.compile(p) for p in rules.enterprise_contexts]
        self.policy_list_end = re.compile(rules.policy_list_end)
        self.indicator_words = sorted(((w, i) for i in rules.indicators for w in i.words), key=lambda x: -len(x[0]))
        self.known_firms = sorted(vocabulary.enterprises, key=len, reverse=True)

    # -- documents ------------------------------------------------------------------

    def read(self, documents: list[Document]) -> list[Finding]:
        findings: list[Finding] = []
        for document in documents:
            findings += self.read_document(document)
        return merge(findings)

    def read_document(self, document: Document) -> list[Finding]:
        found: list[Finding] = []
        section_year = None  # "2022年，…" opening a paragraph: what follows reports on that year
        for paragraph in document.paragraphs:
            if HEADING.match(paragraph.text):
                section_year = None
            elif opening := YEAR.match(paragraph.text):
                section_year = int(opening.group(1))
            reviewing = bool(section_year and document.year and section_year < document.year)  # 2022 in a 2023 speech
            context: list[str] = []
            period = None
            elsewhere = bool(re.search(ELSEWHERE, paragraph.text[:10]))  # "从全国形势看": figures of the country
            if paragraph.cells:  # a table row (a header row names nothing)
                found += self.table_row(paragraph, Quote(document, paragraph.number, paragraph.text))
                continue
            for match in SENTENCE.finditer(paragraph.text):
                sentence = match.group().strip()
                if not sentence:
                    continue
                quote = Quote(document, paragraph.number, sentence)
                mentions = self.chain_mentions(sentence)
                if mentions:
                    context = mentions[-1][1] if mentions[-1][2] == 1 else []
                if (opening := PERIOD.match(sentence)) and sentence[opening.end():opening.end() + 1] in "，,":
                    period = opening.group()  # "上半年，…": what follows in the paragraph is of that period
                projects, spans = self.projects(sentence, quote, context)
                found += projects
                if not elsewhere:
                    found += self.figures(sentence, quote, mentions, context, period, document.year, section_year,
                                          reviewing)
                found += self.project_counts(sentence, quote, context, document.year, reviewing)
                found += self.enterprises(sentence, quote)
                found += self.parks(sentence, quote, spans)
                found += self.policies(sentence, quote)
        return [f for f in found if plausible(f.name)]

    # -- chains ---------------------------------------------------------------------

    def chain_mentions(self, sentence: str) -> list[tuple[int, list[str], int]]:
        """(position, chains, how many were listed) of each "… 产业链" in the sentence;
        ALL_CHAINS for "2+4"."""
        found = []
        for match in CHAIN_MENTION.finditer(sentence):
            chains = []
            pieces = match.group("names").split("、")
            for piece in pieces:
                if TWO_PLUS_FOUR.search(piece):
                    chains.append(ALL_CHAINS)
                elif chain := self.chain_named(piece):
                    chains.append(chain)
            if chains:
                found.append((match.start(), list(dict.fromkeys(chains)), len(pieces)))
        return found

    def chain_named(self, text: str) -> str | None:
        text = re.sub(r"(等|[0-9*]+个|[一二三四五六七八九十两]个|千亿级?|百亿级?)+$", "", text.translate(QUOTES))
        best, best_ratio = None, 0.75
        for chain in self.vocabulary.chains:
            tail = text[-len(chain):]
            ratio = difflib.SequenceMatcher(None, chain, tail).ratio()
            if ratio >= best_ratio:
                best, best_ratio = chain, ratio
        return best

    def chain_of_project(self, name: str, context: list[str]) -> tuple[str | None, str | None, str]:
        """(chain, segment, the word that tells) for a project name; no chain: not a chain project."""
        segment = next((s for s in sorted(self.vocabulary.segments, key=len, reverse=True) if len(s) > 1 and s in name),
                       None)
        if segment:  # the graph knows the segment's chain
            return self.vocabulary.segments[segment], segment, segment
        if len(context) == 1 and context[0] != ALL_CHAINS:
            return context[0], None, context[0] + "产业链"
        for industry in self.rules.industries:
            word = next((w for w in industry.words if w in name), None)
            chain = next((c for c in self.vocabulary.chains if any(k in c for k in industry.chain)), None)
            if word and chain:
                return chain, None, word
        return None, None, ""

    # -- projects -------------------------------------------------------------------

    def strip_lead(self, text: str) -> tuple[str, str]:
        """The clause without the verbs and time words that introduce what it names."""
        led = []
        while True:
            text = text.lstrip("，、 ")
            if found := TIME_LEAD.match(text):
                led.append(found.group())
                text = text[found.end():]
                continue
            hits = [(text.find(w) + len(w), w) for w in self.rules.lead_words if 0 <= text.find(w) <= 4]
            if not hits:
                return text, "".join(led)
            end, word = max(hits)
            led.append(text[:end])
            text = text[end:]

    def projects(self, sentence: str, quote: Quote, context: list[str]) -> tuple[list[Finding], list[tuple[int, int]]]:
        found, spans = [], []
        for match in self.list_end.finditer(sentence):
            start = max(sentence.rfind(c, 0, match.start()) for c in LIST_BREAK) + 1
            end = min([i for c in LIST_BREAK if (i := sentence.find(c, match.end())) >= 0] or [len(sentence)])
            spans.append((start, match.end()))
            items, lead = self.strip_lead(sentence[start:match.start()])
            if any(w in lead for w in self.rules.attracting_words):
                continue  # kinds of project a bureau hopes to attract, not projects yet
            planned = any(w in sentence[:start] + lead + match.group("kind") for w in self.rules.planned_words)
            status, said = self.rules.status_of(lead + sentence[match.start():end], planned)
            for item in items.split("、"):
                item = item.strip()
                if len(item.translate(QUOTES)) > 3:
                    found += self.project(item, quote, context, status, said, "等" + match.group("kind") + "项目", 0.85)
        taken = [range(a, b) for a, b in spans]
        position = 0
        for clause in re.split(f"[{CLAUSE_BREAK}、]", sentence):
            at, position = position, position + len(clause) + 1
            if any(at in r for r in taken) or not clause:
                continue
            rest, lead = self.strip_lead(clause)
            name = re.split(r"建成|并网|投产|开工|核准|加快|前期|年内|全部|实现|突破|达到|早日|尽快|取得|进展", rest)[0]
            if not name or not (lead or name != rest):
                continue  # a project is introduced by a verb, or followed by what happens to it
            named = re.search(r"(项目|工程|站|生产线)$", name) and len(name) >= 6
            if CAPACITY.search(name) or named:
                planned = any(w in sentence[:at] + lead for w in self.rules.planned_words)
                status, said = self.rules.status_of(clause, planned)
                found += self.project(name, quote, context, status, said, lead, 0.7)
        return found, spans

    def project(self, name: str, quote: Quote, context: list[str], status: str | None, said: str | None,
                trigger: str, confidence: float) -> list[Finding]:
        if any(w in name for w in self.rules.not_chain_words):
            return []
        chain, segment, chain_word = self.chain_of_project(name, context)
        if chain is None:
            return []
        name = name.translate(QUOTES)
        if not segment and chain_word != chain + "产业链":
            confidence -= 0.15  # the chain guessed from an industry word only
        finding = Finding("项目", name, {"项目名称": name, "所属产业链": chain}, [quote],
                          {"项目名称": trigger, "所属产业链": chain_word}, confidence=round(confidence, 2))
        if segment:
            finding.fields["所属环节"] = segment
            finding.triggers["所属环节"] = segment
        if status:
            finding.fields["项目状态"] = status
            finding.triggers["项目状态"] = said
        kinds = [k for k in ("补链", "强链", "延链") if k in quote.text]
        if len(kinds) == 1:
            finding.fields["项目类型"], finding.triggers["项目类型"] = kinds[0], kinds[0]
        if capacity := CAPACITY.search(name):
            text = capacity.group("q")
            if stars := REDACTED.search(text):
                finding.notes.append(f"建设规模已遮蔽（{text}，{stars.group().count('*')}位数字）")
            elif parsed := _quantity(text):
                finding.fields["建设规模"] = parsed
                finding.triggers["建设规模"] = text
            investor = name[:capacity.start()]
            if 4 <= len(investor) <= 12 and not re.search(r"[及和、第批*\d]", investor) and \
                    not any(w in investor for i in self.rules.industries for w in i.words):
                finding.fields["投资企业"] = investor
                finding.triggers["投资企业"] = investor
                return [finding, Finding("企业", investor, {"企业名称": investor}, [quote],
                                         {"企业名称": "项目名称中的投资方"}, confidence=0.6)]
        return [finding]

    def table_row(self, paragraph, quote: Quote) -> list[Finding]:
        """A row of a project table: its cells under the headers `table_columns` names."""
        cells = {}
        for field_name, pattern in self.rules.table_columns.items():
            index = next((i for i, head in enumerate(paragraph.header) if re.search(pattern, head)), None)
            if index is not None and index < len(paragraph.cells) and paragraph.cells[index]:
                cells[field_name] = paragraph.cells[index]
        if "name" not in cells:
            return []
        chain = self.chain_named(cells.get("chain", ""))
        status, said = (cells["status"], cells["status"]) if cells.get("status") in (*STAGES, "停建") else \
            self.rules.status_of(cells.get("status", ""), planned=False)
        found = self.project(cells["name"], quote, [chain] if chain else [], status, said, "项目表", 0.9)
        if not found:
            return []
        project = found[0]
        if chain and project.fields["所属产业链"] != chain:  # the table says which chain
            project.fields["所属产业链"], project.triggers["所属产业链"] = chain, cells["chain"]
            project.fields.pop("所属环节", None)
        if (segment := cells.get("segment")) in self.vocabulary.segments:
            project.fields["所属环节"] = project.triggers["所属环节"] = segment
        if (capacity := cells.get("capacity")) and _quantity(capacity):
            project.fields["建设规模"] = project.triggers["建设规模"] = capacity
        if (investment := cells.get("investment")) and (amount := _yuan(investment)):
            project.fields["总投资（亿元）"], project.triggers["总投资（亿元）"] = amount, investment
        if investor := cells.get("investor"):
            project.fields["投资企业"] = project.triggers["投资企业"] = investor
            found = [project, Finding("企业", investor, {"企业名称": investor}, [quote], {"企业名称": "项目表"},
                                      confidence=0.8)]
        return found

    def project_counts(self, sentence: str, quote: Quote, context: list[str], year: int | None,
                       reviewing: bool) -> list[Finding]:
        """"等17个…项目" in a chain's part of a plan: the chain's target number of projects."""
        if len(context) != 1 or context[0] == ALL_CHAINS or reviewing:
            return []
        found = []
        for match in re.finditer(r"等(?P<n>\d+|\*+)个[^，。；、]{0,14}?项目", sentence):
            found.append(self.indicator(quote, "指标", "产业链项目数", year, match.group(), False, context[0],
                                        f"{match.group('n')}个", None, []))
        return found

    # -- figures --------------------------------------------------------------------

    def figures(self, sentence: str, quote: Quote, mentions, context: list[str], period: str | None,
                year: int | None, section_year: int | None, reviewing: bool) -> list[Finding]:
        """Indicator figures: each indicator word with the values after it (up to the next
        one). A target when its clause has a target word (or the value is "…以上" in a
        sentence reporting nothing done); else an actual when an actual word comes before."""
        hits, taken = [], set()
        for word, indicator in self.indicator_words:
            for match in re.finditer(re.escape(word), sentence):
                if not taken & set(range(match.start(), match.end())):
                    hits.append((match.start(), match.end(), word, indicator))
                    taken |= set(range(match.start(), match.end()))
        hits.sort()
        found = []
        for index, (start, end, word, indicator) in enumerate(hits):
            stop = hits[index + 1][0] if index + 1 < len(hits) else len(sentence)
            region = POINTS.sub(lambda m: "　" * len(m.group()), sentence[end:stop])
            values = list(VALUE.finditer(region))
            if not values:
                continue
            if len(values) == 2 and "至" in region[values[0].end():values[1].start()]:
                values = values[1:]  # "由2月份的**%下滑至6月份的**%": the figure now
            rate = indicator.metric.endswith("率")
            said_growth = GROWTH.search(word)  # "规上工业增速14%"
            growths = [v for v in values if not rate and v.group("unit") in "%％"
                       and (said_growth or GROWTH.search(re.split("[，,；;。]", region[:v.start()])[-1]))]
            amounts = [v for v in values if v not in growths and (rate or v.group("unit") not in "%％")]
            values = amounts + growths  # a share ("完成任务的56.5%") is neither
            if not values:
                continue
            values.sort(key=lambda v: v.start())
            clause_start = max(sentence.rfind(c, 0, start) for c in CLAUSE_BREAK) + 1
            if sentence[max(0, start - 2):start].endswith("占") or re.search(ELSEWHERE, sentence[:start]):
                continue  # "占地区生产总值的**%": a share of it; "全省…": not the city's figure
            clause = sentence[clause_start:end + values[0].end()]
            target = any(w in clause for w in self.rules.target_words) or (
                values[0].group("note") in ("以上", "左右", "以内") and not reviewing
                and not any(w in clause for w in ("完成", "预计", "已")))
            prefix = sentence[:end + values[0].start()]
            reported = reviewing or period is not None or any(w in prefix for w in self.rules.actual_words)
            target = target or not reported  # a figure in a plan that reports nothing: what the plan sets
            estimate = not target and any(w in clause for w in self.rules.estimate_words)
            chains = self.figure_chains(indicator.chain, start, mentions, context)
            if chains == [None]:
                chains = [self.place(sentence, clause_start, start)]
            periods = PERIOD.findall(sentence[clause_start:start]) or ([period] if period and not target else [])
            found += self.spread(quote, "指标" if target else "指标完成", chains, indicator.metric, amounts, growths,
                                 region, periods, year if target else section_year or year, word, estimate)
        return found

    def place(self, sentence: str, clause_start: int, start: int) -> str | None:
        """A county or district the figure is about: named in its clause, or opening the
        sentence ("永昌县要…")."""
        for text in (sentence[clause_start:start], sentence[:8]):
            for region in self.vocabulary.regions:
                if region in text and not region.endswith("市"):
                    return PLACE + region
        return None

    @staticmethod
    def figure_chains(by_chain: bool, start: int, mentions, context: list[str]) -> list[str | None]:
        if not by_chain:
            return [None]
        before = [chains for at, chains, _ in mentions if at < start]
        chains = before[-1] if before else context
        return chains or [None]

    def spread(self, quote, table, chains, metric, amounts, growths, region, periods, year, word, estimate):
        """Figures to their subjects: one per chain ("分别…") or per period, a leading total to all."""
        subjects = [c if c != ALL_CHAINS else None for c in chains]
        keys = periods if len(periods) > 1 else subjects
        by_period = len(periods) > 1
        main = amounts if amounts else growths
        main = [v for v in main if v.group("unit") == main[0].group("unit")]  # "…亿元、…亿元，培育*家": not one list
        growths = growths if amounts else []
        signed = [_signed(v, region) for v in main]
        paired = [_signed(g, region) for g in growths]
        args = (quote, table, metric + ("" if amounts else "增速"), year, word, estimate)
        found = []
        if len(keys) > 1 and len(main) in (len(keys), len(keys) + 1):
            if len(main) == len(keys) + 1:  # a total first, then each
                found.append(self.indicator(*args, None, signed[0], None, periods[:1]))
                signed = signed[1:]
            paired = paired[-len(keys):] if len(paired) >= len(keys) else [None] * len(keys)
            for key, value, growth in zip(keys, signed, paired):
                chain, period = (subjects[0] if len(subjects) == 1 else None, [key]) if by_period else (key, periods[:1])
                found.append(self.indicator(*args, chain, value, growth, period))
            return found
        chain = subjects[0] if len(subjects) == 1 else None
        found = [self.indicator(*args, chain, signed[0], paired[0] if paired else None, periods[-1:])]
        if table == "指标" and paired:  # "到位资金***亿元以上、增长**%以上": two targets
            found.append(self.indicator(quote, table, metric + "增速", year, word, estimate, chain, paired[0], None,
                                        periods[-1:]))
        return found

    def indicator(self, quote: Quote, table: str, metric: str, year: int | None, word: str, estimate: bool,
                  chain: str | None, value: str, growth: str | None, periods: list[str]) -> Finding:
        period_word = periods[0] if periods else None
        note = next((n for n in self.rules.value_notes if value.endswith(n)), None)
        value = value.removesuffix(note) if note else value
        value = value.replace("％", "%")
        part = period_word if period_word and period_word != "全年" else ""
        period = (f"{year}年" if year else "") + part  # as names and 统计期间 say it: "2022年上半年"
        target_year = period if part or not year else str(year)  # a target's 年度: "2022", as the template shows
        subject = chain.removeprefix(PLACE) if chain and chain.startswith(PLACE) else f"{chain}产业链" if chain else "全市"
        chain = None if chain is None or chain.startswith(PLACE) else chain
        tag = "" if year else f"（{quote.document.title}）"
        # An actual of part of a year measures the year's target ("上半年 572亿元" against the 2022 target).
        target_name = f"{subject}{period if table == '指标' else (f'{year}年' if year else '')}{metric}目标{tag}"
        fields, notes = {}, []
        stars = REDACTED.search(value)
        if stars:
            notes.append(f"数值已遮蔽（{value}，{stars.group().count('*')}位数字）")
        target = {"指标名称": target_name, "年度": target_year if table == "指标" else str(year or ""), "指标": metric,
                  "所属产业链": chain or ""}
        if table == "指标":
            fields = target | {"说明": "；".join(([note] if note else []) + notes)}
            name = target_name
        else:
            name = f"{subject}{period}{metric}{'（预计）' if estimate else ''}{tag}"
            fields = {"完成情况名称": name, "统计期间": period, "指标名称": target_name}
            if growth and not REDACTED.search(growth):
                fields["同比增长（%）"] = re.sub(r"[%％]", "", growth)
            elif growth:
                notes.append(f"同比增长已遮蔽（{growth}）")
        value_column = "目标值" if table == "指标" else "实际值"
        if not stars and (parsed := _quantity(value)):
            fields[value_column] = parsed
        finding = Finding(table, name, fields, [quote], {value_column: value, "指标": word}, notes, 0.75, value,
                          subject=None if subject == "全市" else subject.removesuffix("产业链"))
        if table == "指标完成":
            finding.implies = Finding("指标", target_name, target, [quote], {"指标名称": "完成情况所对应的指标"},
                                      ["文件未给出目标值：为完成情况补建的指标，目标值未知"], 0.5)
        return finding

    # -- enterprises, parks, policies -----------------------------------------------

    def named_before(self, sentence: str, end: int, stops: tuple[str, ...] = ()) -> str:
        """The name ending at `end`: the characters before it back to a punctuation mark,
        a joining word or a verb from `lead_words`."""
        start = end
        while start > 0 and sentence[start - 1] not in NAME_STOP and end - start < 16:
            start -= 1
        name = sentence[start:end]
        for word in sorted((*self.rules.lead_words, *stops), key=len, reverse=True):
            if word in name[:-1]:
                name = name[name.rfind(word) + len(word):]
        return name

    def enterprises(self, sentence: str, quote: Quote) -> list[Finding]:
        names: dict[str, str] = {}  # name -> trigger
        rest = sentence
        for spelling in self.known_firms:
            if spelling in rest:
                names.setdefault(self.vocabulary.enterprises[spelling], spelling)
                rest = rest.replace(spelling, "，")  # found: no pattern below reads it again
        for suffix in self.rules.enterprise_suffixes:
            for match in re.finditer(re.escape(suffix), rest):
                if rest[match.end():match.end() + 2] in ("有限", "股份", "公司") or \
                        any(rest[match.end():].startswith(s) for s in self.rules.enterprise_suffixes):
                    continue  # a longer suffix ends here
                name = self.named_before(rest, match.end(), ("支持", "协调", "汲取", "组建", "获批", "推动", "帮助", "督促"))
                if len(name) > len(suffix) + 1:
                    names.setdefault(name, suffix)
        for pattern in (self.enterprise_list_end, *self.enterprise_contexts):
            for match in pattern.finditer(rest):
                if "list" in match.groupdict():
                    listed = match.group("list")
                else:
                    start = max(rest.rfind(c, 0, match.start()) for c in CLAUSE_BREAK) + 1
                    listed = self.strip_lead(rest[start:match.start()])[0]
                listed, _, kind = listed.partition("等")
                if kind and not re.search("企业|公司|集团", kind):
                    continue  # "长三角、珠三角等区域"
                for item in re.split(r"[、和与及]", listed):
                    item = self.strip_lead(item.strip())[0]
                    if 2 <= len(item) <= 16:
                        names.setdefault(item, match.group())
        found = []
        for name, trigger in names.items():
            if REDACTED.search(name) or any(w in name for w in self.rules.not_enterprise_words) or \
                    not re.search(r"[\u4e00-\u9fffA-Za-z]{2}", name):
                continue
            found.append(Finding("企业", name, {"企业名称": name}, [quote], {"企业名称": trigger}, confidence=0.8))
        return found

    def parks(self, sentence: str, quote: Quote, project_spans: list[tuple[int, int]]) -> list[Finding]:
        found, seen = [], set()
        for spelling, name in self.vocabulary.parks.items():
            if spelling in sentence and name not in seen:
                seen.add(name)
                found.append(Finding("园区", name, {"园区名称": name}, [quote], {"园区名称": spelling}, confidence=0.9))
        for suffix in self.rules.park_suffixes:
            for match in re.finditer(re.escape(suffix), sentence):
                if any(a <= match.start() < b for a, b in project_spans):
                    continue  # named as a project
                clause_start = max(sentence.rfind(c, 0, match.start()) for c in CLAUSE_BREAK) + 1
                if re.search("谋划|打造|规划建设|创建", sentence[clause_start:match.start()]):
                    continue  # a park still to be made
                name = self.named_before(sentence, match.end())
                if len(name) < len(suffix) + 2 or REDACTED.search(name) or name in seen or \
                        any(w in name for w in self.rules.not_park_words) or \
                        any(name != other and other.endswith(name) for other in seen):
                    continue
                seen.add(name)
                found.append(Finding("园区", name, {"园区名称": name}, [quote], {"园区名称": suffix}, confidence=0.75))
        return found

    def policies(self, sentence: str, quote: Quote) -> list[Finding]:
        found = []
        about_industry = ("产业", "工业", "企业", "招商", "制造")
        for match in re.finditer(r"《(?P<t>[^》]{4,60})》", sentence):
            title = match.group("t")
            if any(w in title for w in self.rules.policy_title_words) and any(w in title for w in about_industry):
                found.append(self.policy(title, "政策", quote, "《》"))
        for match in re.finditer(r"出台(?P<t>[^，。；、《]{6,50}?(?:实施细则|若干政策措施|若干政策|政策措施|办法|意见))(?=[，。；]|$)",
                                 sentence):
            if any(w in match.group("t") for w in about_industry):
                found.append(self.policy(match.group("t"), "政策", quote, "出台"))
        for match in self.policy_list_end.finditer(sentence):
            start = max(sentence.rfind(c, 0, match.start()) for c in "，,：:；;。") + 1
            listed, _ = self.strip_lead(sentence[start:match.start()])
            listed = re.sub(r"^出台", "", listed)
            for item in listed.split("、"):
                if len(item) >= 4 and any(w in item for w in about_industry):
                    found.append(self.policy(item, "政策", quote, match.group()))
        for match in re.finditer(re.escape(self.rules.fund_suffix), sentence):
            name = self.named_before(sentence, match.end(), ("设立", "发挥"))
            name = re.sub(rf"^(规模)?{NUMBER}?亿元的", "", name)
            if len(name) > len(self.rules.fund_suffix) + 1 and not REDACTED.search(name):
                finding = self.policy(name, "基金", quote, self.rules.fund_suffix)
                size = re.search(rf"(?P<v>{NUMBER}亿元)的{re.escape(name)}", sentence)
                if size and not REDACTED.search(size.group("v")):
                    finding.fields["规模（亿元）"] = _yuan(size.group("v"))
                    finding.triggers["规模（亿元）"] = size.group()
                elif size:
                    finding.notes.append(f"规模已遮蔽（{size.group('v')}）")
                found.append(finding)
        return found

    @staticmethod
    def policy(name: str, kind: str, quote: Quote, trigger: str) -> Finding:
        return Finding("政策", name, {"政策名称": name, "类型": kind}, [quote], {"政策名称": trigger}, confidence=0.75)


def _signed(value: re.Match, region: str) -> str:
    """The value as written, "-" before it when the words before it say it fell."""
    fell = re.search(r"(下降|减少|回落|下滑)[^，。；、0-9*]{0,3}$", region[:value.start()])
    return ("-" if fell else "") + value.group()


def _yuan(text: str) -> str | None:
    """An amount as a column "（亿元）" takes it: the number of 亿元 ("5000万元" → "0.5")."""
    try:
        return f"{parse_quantity(text, '亿元').value:g}"
    except UnitError:
        return None


def _quantity(text: str) -> str | None:
    """The text as the template takes a quantity, or None when its unit is not one the
    graph converts (kept in the quote)."""
    try:
        parse_quantity(text, "any")
    except UnitError:
        return None
    return text


def _in_order(a: Finding, b: Finding) -> bool:
    """Whether two mentions can be one project: the later one's status is not an earlier
    stage than the earlier one's (a project built in 2023 is not being built in 2024)."""
    first, then = sorted((a, b), key=lambda f: max(q.rank for q in f.quotes))
    stages = [STAGES.index(f.fields["项目状态"]) if f.fields.get("项目状态") in STAGES else None for f in (first, then)]
    return None in stages or stages[1] >= stages[0]


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per thing: same table and name (projects: the same name once quotes and a
    trailing 项目 are set aside; a redacted mention joins the one named figure it can be)."""
    merged: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        key = (finding.table, project_key(finding.name) if finding.table == "项目" else finding.name)
        if key in merged:
            merged[key].merge(finding)
        else:
            merged[key] = finding
    by_shape: dict[str, list[tuple[str, str]]] = {}
    for key in merged:
        if key[0] == "项目" and not REDACTED.search(key[1]):
            by_shape.setdefault(shape(key[1]), []).append(key)
    for key in [k for k in merged if k[0] == "项目" and REDACTED.search(k[1])]:
        candidates = [c for c in by_shape.get(key[1], []) if _in_order(merged[c], merged[key])]
        if len(candidates) == 1:
            merged[candidates[0]].merge(merged.pop(key))
    return list(merged.values())
