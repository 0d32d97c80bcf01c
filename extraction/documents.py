"""Read a document into numbered paragraphs: .txt, .docx, text PDFs; .doc and .wps
through LibreOffice when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graph.errors import InvalidData

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
YEAR = re.compile(r"(?<![\d*])(20\d\d)\s*年")
SUFFIXES = (".txt", ".docx", ".pdf", ".doc", ".wps")
TITLE_MAX = 60
HEAD_PARAGRAPHS = 8  # title, speaker, date: a year further on is about something else


@dataclass(frozen=True)
class Paragraph:
    number: int  # the line (.txt) or paragraph (.docx, .pdf) a reader finds it at
    text: str
    cells: tuple[str, ...] = ()  # a row of a table (.docx): its cells, and the table's first row
    header: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    file: str  # the file name, as the locator cites it
    title: str
    date: str | None  # ISO date when the document states one
    year: int | None
    unit: str  # 行 for text files, 段 for the rest
    paragraphs: tuple[Paragraph, ...]

    def locator(self, paragraph: int) -> str:
        return f"{self.file} 第{paragraph}{self.unit}"


class UnreadableDocument(InvalidData):
    def __init__(self, file: str, zh: str, en: str):
        super().__init__(f"{file}：{zh} / {en}")


def read_document(path: Path, name: str | None = None) -> Document:
    """`name`: the file name to cite, when `path` is a temporary copy (an upload)."""
    path = Path(path)
    name = name or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableDocument(name, "只能读取 .txt、.docx、.pdf、.doc、.wps 文件",
                                 "expected a .txt, .docx, .pdf, .doc or .wps file")
    try:
        if suffix == ".txt":
            texts, unit = _text_lines(path, name), "行"
        elif suffix == ".docx":
            texts, unit = _docx(path), "段"
        elif suffix == ".pdf":
            texts, unit = _pdf(path, name), "段"
        else:
            texts, unit = _through_libreoffice(path, name), "段"
    except UnreadableDocument:
        raise
    except Exception as e:  # a damaged file: the libraries raise many kinds
        raise UnreadableDocument(name, f"文件已损坏或格式不对（{type(e).__name__}）",
                                 f"damaged or not what its name says ({type(e).__name__})") from None
    paragraphs = tuple(Paragraph(n, t.strip()) if isinstance(t, str) else Paragraph(n, t.text, t.cells, t.header)
                       for n, t in enumerate(texts, start=1) if (t if isinstance(t, str) else t.text).strip())
    if not paragraphs:
        raise UnreadableDocument(name, "没有可读的文字（扫描的 PDF 需先做文字识别）",
                                 "no text found (a scanned PDF needs OCR first)")
    return Document(name, _title(paragraphs, name), *_date(paragraphs), unit, paragraphs)


def _text_lines(path: Path, name: str) -> list[str]:
    data = path.read_bytes()
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(name, "无法识别文字编码（应为 UTF-8 或 GB18030）",
                             "unknown text encoding (expected UTF-8 or GB18030)")


def _docx(path: Path) -> list[str | Paragraph]:
    """Paragraphs and table rows in the order they come. A row keeps its cells by column (a
    merged cell in each column it spans) with the table's first row as its header; its text
    is the cells joined by "｜", a merged cell once."""
    import docx  # python-docx
    from docx.table import Table

    items: list[str | Paragraph] = []
    for block in docx.Document(str(path)).iter_inner_content():
        if not isinstance(block, Table):
            items.append(block.text)
            continue
        header = None
        for row in block.rows:
            cells = tuple(cell.text.strip() for cell in row.cells)
            text = "｜".join({id(cell._tc): cell.text.strip() for cell in row.cells}.values())
            items.append(Paragraph(0, text, cells, header or ()))
            header = header or cells
    return items


def _pdf(path: Path, name: str) -> list[str]:
    """Lines of a text PDF joined into paragraphs: a line that ends a sentence, or a short
    line, ends a paragraph."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        lines = [line.strip() for page in pdf for line in page.get_textpage().get_text_range().splitlines()]
    finally:
        pdf.close()
    paragraphs, current = [], ""
    full = max((len(line) for line in lines), default=0)
    for line in lines:
        current += line
        if not line or line[-1] in "。！？：；" or len(line) < 0.8 * full:
            paragraphs.append(current)
            current = ""
    return paragraphs + [current]


def _through_libreoffice(path: Path, name: str) -> list[str]:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise UnreadableDocument(name, "读取 .doc/.wps 需要 LibreOffice（sudo apt install libreoffice-writer），"
                                       "或先另存为 .docx",
                                 "reading .doc/.wps needs LibreOffice (apt install libreoffice-writer), or save as .docx")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([office, "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", out, str(path)],
                       check=True, capture_output=True, timeout=120)
        converted = next(Path(out).glob("*.txt"), None)
        if converted is None:
            raise UnreadableDocument(name, "LibreOffice 未能转换此文件", "LibreOffice could not convert the file")
        return converted.read_text(encoding="utf-8-sig").splitlines()


def _title(paragraphs: tuple[Paragraph, ...], name: str) -> str:
    """The first line that reads as a title (讲话, 报告, 通知 …), else the file name."""
    for p in paragraphs[:HEAD_PARAGRAPHS]:
        if len(p.text) <= TITLE_MAX and re.search(r"(讲话|报告|通知|纪要|清单|方案|意见|决定|总结|发言)$", p.text):
            return p.text
    return Path(name).stem


def _date(paragraphs: tuple[Paragraph, ...]) -> tuple[str | None, int | None]:
    """The first full date in the document's head (its title lines), else the first year
    it names there."""
    head = "\n".join(p.text for p in paragraphs[:HEAD_PARAGRAPHS])
    if found := DATE.search(head):
        year, month, day = map(int, found.groups())
        return f"{year:04d}-{month:02d}-{day:02d}", year
    if found := YEAR.search(head):
        return None, int(found.group(1))
    return None, None
