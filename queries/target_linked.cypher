// Outside candidates for a segment that are tied to the city: investors in projects that
// fill it, and producers of it that supply a local firm or invest in any project. Few, so
// all are read; with target_producers' first N they hold the list's first N.
// (Filters on e come after WITH: before it, FalkorDB would scan every enterprise first.)
// params: {"segment": "隔膜"}
MATCH (:Segment {name: $segment})<-[:FILLS]-(p:Project)-[:INVESTED_BY]->(e:Enterprise)
WITH p, e WHERE NOT coalesce(e.local, false)
RETURN e.name AS enterprise, null AS product,
       [(p)-[:CITED_IN]->(src:Source) | src.id] AS sources, coalesce(p.illustrative, false) AS illustrative
UNION ALL
MATCH (b:Enterprise) WHERE b.local = true
MATCH (b)<-[:SUPPLIES]-(e:Enterprise)-[o:OPERATES_IN]->(:Segment {name: $segment})
WITH e, o WHERE NOT coalesce(e.local, false)
RETURN e.name AS enterprise, o.product AS product,
       coalesce(o.source, []) AS sources, coalesce(o.illustrative, false) AS illustrative
UNION ALL
MATCH (:Project)-[:INVESTED_BY]->(e:Enterprise)
WITH DISTINCT e WHERE NOT coalesce(e.local, false)
MATCH (e)-[o:OPERATES_IN]->(:Segment {name: $segment})
RETURN e.name AS enterprise, o.product AS product,
       coalesce(o.source, []) AS sources, coalesce(o.illustrative, false) AS illustrative
