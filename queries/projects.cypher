// The project register (项目清单), for one chain or all (when $chain is null).
// params: {"chain": "新能源和新能源电池"}
MATCH (p:Project)
OPTIONAL MATCH (p)-[:BELONGS_TO]->(c:Chain)
WITH p, c
WHERE $chain IS NULL OR c.name = $chain
RETURN p.name AS project, c.name AS chain, p.kind AS kind, p.status AS status,
       p.capacity_text AS capacity, p.total_investment AS total_investment,
       p.completed_investment AS completed_investment, p.funds_signed AS funds_signed,
       p.funds_arrived AS funds_arrived, p.signed_date AS signed_date, p.start_date AS start_date,
       p.finish_date AS finish_date, p.responsible_unit AS responsible_unit,
       [(p)-[:FILLS]->(s:Segment) | s.name] AS segments,
       [(p)-[:INVESTED_BY]->(e:Enterprise) | e.name] AS investors,
       coalesce(p.illustrative, false) AS illustrative,
       [(p)-[:CITED_IN]->(src:Source) | src.id] AS sources
ORDER BY chain, project
