// Producers of a segment, best first by score (then completeness, then name); the first
// $limit. Local ones are dropped by the caller, which asks for as many more (a filter here
// costs a property read per producer). A producer that supplies a local firm or invests in
// a project comes from target_linked.cypher, read in full, so here supplies_local and
// pipeline are 0: they are for every producer this list adds, and two pattern reads per
// producer are saved.
// params: {"segment": "隔膜", "limit": 100, "weights": {"produces": 40, "supplies_local": 15, "scale": 15, "listed": 10, "specialised": 10, "region": 5, "pipeline": 5}, "total": 100.0, "full_at": 10.0, "listed": ["上市"], "specialised": [["小巨人", 1.0], ["专精特新", 0.5]], "regions": ["甘肃"]}
MATCH (:Segment {name: $segment})<-[o:OPERATES_IN]-(e:Enterprise)
WITH e, o AS found, 1.0 AS produces, 0.0 AS supplies_local, 0.0 AS pipeline  // o's properties read after LIMIT
{{score}}
ORDER BY coalesce(score, -1.0) DESC, completeness DESC, e.name
LIMIT $limit
RETURN e.name AS enterprise, coalesce(e.local, false) AS local, found.product AS product,
       coalesce(found.source, []) AS sources, coalesce(found.illustrative, false) AS illustrative
