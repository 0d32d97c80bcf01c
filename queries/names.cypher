// Names and aliases of one label's nodes (and whether local), to resolve what a user typed.
// params: {"label": "Enterprise"}
MATCH (n)
WHERE $label IN labels(n)
RETURN n.name AS name, n.aliases AS aliases, n.local AS local
