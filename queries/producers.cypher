// Local enterprises producing in the given segments, with the chains each one leads.
// Found by name from Segment.local_producers (kept by the writer): a national directory
// links a segment to a hundred thousand outside firms.
// params: {"segments": ["隔膜", "电芯"]}
MATCH (s:Segment)
WHERE s.name IN $segments
UNWIND coalesce(s.local_producers, []) AS name
WITH s.name AS segment, name  // a fresh match: from the enterprise, not from the segment's many links
MATCH (e:Enterprise {name: name})-[o:OPERATES_IN]->(s:Segment {name: segment})
RETURN s.name AS segment, e.name AS enterprise,
       [(e)-[:LEADS]->(c:Chain) | c.name] AS leads, e.region AS region,
       o.product AS product, o.capacity AS capacity, o.capacity_unit AS capacity_unit,
       o.capacity_text AS capacity_text, o.output_text AS output_text,
       coalesce(e.illustrative, false) OR coalesce(o.illustrative, false) AS illustrative,
       coalesce(o.source, []) AS sources
ORDER BY segment, enterprise
