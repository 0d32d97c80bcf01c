// FEEDS links with either end in $chains (every link when $chains is null).
// params: {"chains": ["新能源和新能源电池"]}
MATCH (up:Segment)-[f:FEEDS]->(down:Segment)
OPTIONAL MATCH (up)-[:PART_OF]->(uc:Chain)
OPTIONAL MATCH (down)-[:PART_OF]->(dc:Chain)
WITH up, f, down, uc, dc
WHERE $chains IS NULL OR uc.name IN $chains OR dc.name IN $chains
RETURN up.name AS upstream, down.name AS downstream, uc.name AS upstream_chain,
       dc.name AS downstream_chain, f.input_share AS input_share,
       coalesce(f.source, []) AS sources, coalesce(f.illustrative, false) AS illustrative
ORDER BY upstream, downstream
