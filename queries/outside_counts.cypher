// How many outside enterprises produce each of the given segments.
// params: {"segments": ["隔膜"]}
MATCH (e:Enterprise)-[:OPERATES_IN]->(s:Segment)
WHERE s.name IN $segments AND NOT coalesce(e.local, false)
RETURN s.name AS segment, count(e) AS count
