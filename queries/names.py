"""Resolve a chain, segment or enterprise name as a user typed it (or an alias)."""

from __future__ import annotations

import difflib

from graph import Store
from graph.errors import UnknownName
from queries import read

KINDS = {"Chain": "产业链", "Segment": "环节", "Enterprise": "企业"}
MAX_NAME = 200  # longer text is no name; it is not compared (difflib is quadratic)


def resolve(store: Store, label: str, text: str) -> str:
    """The name of the `label` node called `text` (or with that alias); else UnknownName
    listing the closest names."""
    text = text.strip()
    if len(text) > MAX_NAME:
        raise UnknownName(KINDS[label], text[:20] + "…", [])
    spelled = spellings(read(store, "names", {"label": label}))
    if text in spelled:
        return spelled[text]
    folded = {name.casefold(): canonical for name, canonical in spelled.items()}
    if text.casefold() in folded:
        return folded[text.casefold()]
    raise UnknownName(KINDS[label], text, closest(text, list(spelled)))


def spellings(rows: list[dict]) -> dict[str, str]:
    """Every name and alias (rows of names.cypher) -> the node's name."""
    spelled = {}
    for row in rows:
        for name in [row["name"], *(row["aliases"] or [])]:
            spelled.setdefault(name, row["name"])
    return spelled


def closest(text: str, names: list[str], n: int = 5) -> list[str]:
    """Names containing the text (or contained in it) first, then the most similar."""
    text = text[:MAX_NAME]
    containing = sorted((x for x in names if text and (text in x or x in text)), key=len)
    similar = difflib.get_close_matches(text, names, n=n, cutoff=0.3)
    return list(dict.fromkeys(containing + similar))[:n]
