"""The facts about a chain's segments that the analyses share: who produces each
segment, which projects fill it, and the FEEDS links between segments.

Pulled with four queries and held in plain dataclasses, so that the rules (gaps,
supply rate, impact) are ordinary Python over them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from graph import Store
from queries import read

STAGES = ("上游", "中游", "下游")


@dataclass(frozen=True)
class Producer:
    enterprise: str
    segment: str
    leads: tuple[str, ...]  # chains it is the lead firm of
    region: str | None
    product: str | None
    capacity: float | None
    capacity_unit: str | None
    capacity_text: str | None
    output_text: str | None
    illustrative: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SegmentProject:
    project: str
    segment: str
    status: str | None
    kind: str | None
    chain: str | None
    capacity: float | None
    capacity_unit: str | None
    capacity_text: str | None
    investors: tuple[str, ...]
    illustrative: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    upstream: str
    downstream: str
    upstream_chain: str | None
    downstream_chain: str | None
    input_share: float | None
    sources: tuple[str, ...]
    illustrative: bool


@dataclass
class Segment:
    name: str
    stage: str
    chain: str
    parent: str | None
    note: str | None
    demand: float | None
    demand_unit: str | None
    demand_text: str | None
    illustrative: bool
    sources: tuple[str, ...]
    outside_count: int  # outside producers of the segment itself (named in the target list)
    producers: list[Producer] = field(default_factory=list)  # local ones, its own and its sub-segments'
    projects: list[SegmentProject] = field(default_factory=list)

    def enterprises(self) -> list[str]:
        """The local producers, each once however many of the segment's sub-segments it makes."""
        return list(dict.fromkeys(p.enterprise for p in self.producers))

    def distinct_projects(self) -> list[SegmentProject]:
        """Each project once however many of the segment's sub-segments it fills; a project
        that fills the segment itself is listed as such."""
        first: dict[str, SegmentProject] = {}
        for project in sorted(self.projects, key=lambda pr: pr.segment != self.name):
            first.setdefault(project.project, project)
        return [pr for pr in self.projects if first[pr.project] is pr]


@dataclass
class ChainFacts:
    chains: tuple[str, ...] | None  # None: every chain
    segments: dict[str, Segment]  # the chains' own and the inputs they take from other chains
    links: list[Link]  # with either end in the chains

    def own(self) -> list[Segment]:
        """The chains' segments, upstream to downstream."""
        own = [s for s in self.segments.values() if self.chains is None or s.chain in self.chains]
        return sorted(own, key=lambda s: (s.chain, STAGES.index(s.stage), s.name))


def chain_facts(store: Store, chains: list[str] | None = None) -> ChainFacts:
    """Facts for the named chains (already resolved) or, with None, for all of them. Local
    producers are listed, outside ones only counted (a national directory holds millions)."""
    links = [Link(**{**row, "sources": tuple(row["sources"])})
             for row in read(store, "feeds", {"chains": chains})]
    also = sorted({name for link in links for name in (link.upstream, link.downstream)})
    segments = {row["name"]: Segment(**{**row, "sources": tuple(row["sources"])})
                for row in read(store, "segments", {"chains": chains, "also": also})}
    names = list(segments)
    with ThreadPoolExecutor(1) as pool:  # the two reads side by side
        projects = pool.submit(read, store, "segment_projects", {"segments": names})
        producers = read(store, "producers", {"segments": names})
    for row in producers:
        _roll_up(segments, row["segment"], "producers",
                 Producer(**{**row, "leads": tuple(row["leads"]), "sources": tuple(row["sources"])}))
    for row in projects.result():
        _roll_up(segments, row["segment"], "projects",
                 SegmentProject(**{**row, "investors": tuple(row["investors"]), "sources": tuple(row["sources"])}))
    return ChainFacts(None if chains is None else tuple(chains), segments, links)


def _roll_up(segments: dict[str, Segment], name: str, attribute: str, fact) -> None:
    """A sub-segment's producers and projects also count for every segment above it."""
    seen = set()
    while name in segments and name not in seen:
        seen.add(name)
        getattr(segments[name], attribute).append(fact)
        name = segments[name].parent
