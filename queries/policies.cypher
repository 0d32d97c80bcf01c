// Policies and funds supporting $chain (一链一策).
// params: {"chain": "新能源和新能源电池"}
MATCH (p:Policy)-[:SUPPORTS]->(c:Chain {name: $chain})
RETURN p.name AS name, p.kind AS kind, p.amount_text AS amount, p.issuer AS issuer, p.date AS date,
       coalesce(p.illustrative, false) AS illustrative,
       [(p)-[:CITED_IN]->(src:Source) | src.id] AS sources
ORDER BY kind, name
