// Segments with their chain and parent: those of $chains (all when null) and those
// named in $also (inputs taken from other chains).
// params: {"chains": ["新能源和新能源电池"], "also": ["镍冶炼"]}
MATCH (s:Segment)-[:PART_OF]->(c:Chain)
WHERE $chains IS NULL OR c.name IN $chains OR s.name IN $also
OPTIONAL MATCH (s)-[:SUBSEGMENT_OF]->(parent:Segment)
RETURN s.name AS name, s.stage AS stage, s.note AS note, c.name AS chain, parent.name AS parent,
       s.local_demand AS demand, s.local_demand_unit AS demand_unit, s.local_demand_text AS demand_text,
       coalesce(s.outside_producers, 0) AS outside_count, coalesce(s.illustrative, false) AS illustrative,
       [(s)-[:CITED_IN]->(src:Source) | src.id] AS sources
ORDER BY chain, name
