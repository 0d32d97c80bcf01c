// The chain a segment belongs to (the target list's 说明 names it).
// params: {"segment": "隔膜"}
MATCH (:Segment {name: $segment})-[:PART_OF]->(c:Chain)
RETURN c.name AS chain
