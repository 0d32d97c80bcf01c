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
