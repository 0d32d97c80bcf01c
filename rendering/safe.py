"""Data as text in every renderer. Names, quotes and notes come from users' files; each
helper turns one into text its renderer shows literally and never interprets (markup,
links, images, templates, formulas). One helper per renderer, used everywhere it draws data.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape as _html_escape
from xml.sax.saxutils import escape as _xml_escape

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets take for a formula
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*]')  # not allowed in Windows file names, or a path


def markdown(text: object) -> str:
    """For Streamlit's Markdown (st.markdown, captions, titles, messages): every ASCII
    punctuation mark backslash-escaped, which CommonMark always reads as the mark itself, so
    no link, image, emphasis, heading, formula or HTML can come from data."""
    return _PUNCTUATION.sub(r"\\\1", str(text))


def html(text: object) -> str:
    """For ECharts tooltip formatters (written as HTML): entities for markup, and for the
    braces of ECharts' own {a}/{b} templates."""
    return _html_escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


def chart_label(text: object) -> str:
    """For ECharts labels (drawn as text, but `{style|…}` starts rich text): braces as their
    full-width forms."""
    return str(text).replace("{", "｛").replace("}", "｝")


def pdf(text: object) -> str:
    """For reportlab Paragraphs, whose text is a small XML markup language."""
    return _xml_escape(str(text))


def csv_cell(value: object) -> object:
    """For CSV: text a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def xlsx_cell(cell) -> None:
    """For an openpyxl cell just written: text stays text (openpyxl stores text starting with
    "=" as a formula), and Excel shows it as typed."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def file_name(text: object, limit: int = 40) -> str:
    """A piece of a download's file name: no path, no characters Windows refuses, no control,
    direction or invisible characters, at most `limit` characters."""
    visible = "".join(c for c in str(text) if unicodedata.category(c)[0] not in "CZ" or c == " ")
    cleaned = _UNSAFE_IN_NAMES.sub("_", visible).strip(" .")
    return cleaned[:limit] or "未命名"
