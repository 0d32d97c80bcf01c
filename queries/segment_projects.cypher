// Projects filling the given segments, with their investors.
// params: {"segments": ["电芯"]}
MATCH (p:Project)-[:FILLS]->(s:Segment)
WHERE s.name IN $segments
OPTIONAL MATCH (p)-[:BELONGS_TO]->(c:Chain)
RETURN s.name AS segment, p.name AS project, p.status AS status, p.kind AS kind, c.name AS chain,
       p.capacity AS capacity, p.capacity_unit AS capacity_unit, p.capacity_text AS capacity_text,
       [(p)-[:INVESTED_BY]->(e:Enterprise) | e.name] AS investors,
       coalesce(p.illustrative, false) AS illustrative,
       [(p)-[:CITED_IN]->(src:Source) | src.id] AS sources
ORDER BY segment, project
