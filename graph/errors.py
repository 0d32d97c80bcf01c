"""The product's own error types. Their messages are shown to users as they are."""


class ChainKGError(Exception):
    """Base of every error the CLI and the app report as one clear line (中文 / English)."""

    exit_code = 1


class InvalidData(ChainKGError):
    """Input data that cannot be loaded; nothing was written."""

    exit_code = 2


class StoreUnavailable(ChainKGError):
    """The graph store cannot be reached or started."""


class QueryError(ChainKGError):
    """The store refused or failed a query."""


class ReadOnlyViolation(QueryError):
    """A write was sent down a read-only path."""


class UnknownName(ChainKGError):
    """A chain, segment or enterprise name that is not in the graph; says the closest ones."""

    def __init__(self, kind: str, name: str, closest: list[str]):
        hint = f"。最接近的 / closest: {'、'.join(closest)}" if closest else "，也没有相近的名称 / nothing similar"
        super().__init__(f"找不到{kind}「{name}」 / no {kind} named {name!r}{hint}")
        self.closest = closest
