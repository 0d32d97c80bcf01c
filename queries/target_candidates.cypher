// Outside enterprises that could fill the given segments: those producing them, and
// outside investors of projects filling them.
// params: {"segments": ["隔膜"]}
MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment)
WHERE s.name IN $segments AND coalesce(e.local, false) = false
RETURN s.name AS segment, e.name AS enterprise, true AS produces, o.product AS product,
       coalesce(o.source, []) AS sources, coalesce(o.illustrative, false) AS illustrative
UNION ALL
MATCH (p:Project)-[:FILLS]->(s:Segment), (p)-[:INVESTED_BY]->(e:Enterprise)
WHERE s.name IN $segments AND coalesce(e.local, false) = false
RETURN s.name AS segment, e.name AS enterprise, false AS produces, null AS product,
       [(p)-[:CITED_IN]->(src:Source) | src.id] AS sources, coalesce(p.illustrative, false) AS illustrative
