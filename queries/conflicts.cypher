// Facts that more than one dataset states, with each one's claims; queries/conflicts.py
// lists the properties they disagree on. Reads every fact: a command, not a page.
MATCH (n)
WHERE size(coalesce(n.datasets, [])) > 1
RETURN labels(n)[0] AS kind, coalesce(n.name, n.id) AS fact, n.claims AS claims
UNION ALL
MATCH (a)-[r]->(b)
WHERE size(coalesce(r.datasets, [])) > 1
RETURN type(r) AS kind, coalesce(a.name, a.id) + ' → ' + coalesce(b.name, b.id) AS fact, r.claims AS claims
