// Names and aliases of one label's nodes (and whether local), to resolve what a user typed.
// Each branch is anchored on its label, so only that label's nodes are read.
// params: {"label": "Enterprise"}
MATCH (n:Chain) WHERE $label = 'Chain'
RETURN n.name AS name, n.aliases AS aliases, n.local AS local
UNION ALL
MATCH (n:Segment) WHERE $label = 'Segment'
RETURN n.name AS name, n.aliases AS aliases, n.local AS local
UNION ALL
MATCH (n:Enterprise) WHERE $label = 'Enterprise'
RETURN n.name AS name, n.aliases AS aliases, n.local AS local
