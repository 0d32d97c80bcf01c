// Enterprises producing in the given segments (only local ones when $local_only), with
// the chains each one leads.
// params: {"segments": ["隔膜", "电芯"], "local_only": false}
MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment)
WHERE s.name IN $segments AND (NOT $local_only OR e.local = true)
RETURN s.name AS segment, e.name AS enterprise, coalesce(e.local, false) AS local,
       [(e)-[:LEADS]->(c:Chain) | c.name] AS leads, e.region AS region,
       o.product AS product, o.capacity AS capacity, o.capacity_unit AS capacity_unit,
       o.capacity_text AS capacity_text, o.output_text AS output_text,
       coalesce(e.illustrative, false) OR coalesce(o.illustrative, false) AS illustrative,
       coalesce(o.source, []) AS sources
ORDER BY segment, enterprise
