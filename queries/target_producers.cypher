// Producers of a segment, best first by the score parts an enterprise holds by itself
// (scale, listed, specialised, region; `own` below, as targets._score computes them), then
// by name; the first $limit. Local ones are dropped by the caller, which asks for as many
// more (a filter here costs a property read per producer). Parts that need other nodes
// come from target_linked.
// params: {"segment": "隔膜", "limit": 100, "weights": {"scale": 15, "listed": 10, "specialised": 10, "region": 5}, "full_at": 10.0, "listed": ["上市"], "specialised": [["小巨人", 1.0], ["专精特新", 0.5]], "regions": ["甘肃"]}
MATCH (:Segment {name: $segment})<-[o:OPERATES_IN]-(e:Enterprise)
WITH e, o, e.tags AS tags, e.registered_capital AS capital, e.region AS region
WITH e, o, $weights.scale * (CASE WHEN capital IS NULL OR capital = 0 THEN 0.0
                                  WHEN capital >= $full_at THEN 1.0 ELSE capital / $full_at END)
         + (CASE WHEN tags IS NULL OR tags = [] THEN 0.0  // most directory firms carry no tags
            ELSE $weights.listed * (CASE WHEN any(t IN tags WHERE t IN $listed) THEN 1.0 ELSE 0.0 END)
               + $weights.specialised * coalesce(head(  // $specialised is best first: the first match
                   [pair IN $specialised WHERE any(t IN tags WHERE t CONTAINS pair[0]) | pair[1]]), 0.0)
            END)
         + (CASE WHEN region IS NULL THEN 0.0 WHEN any(r IN $regions WHERE region CONTAINS r)
            THEN $weights.region ELSE 0.0 END) AS own
ORDER BY own DESC, e.name
LIMIT $limit
RETURN e.name AS enterprise, coalesce(e.local, false) AS local, true AS produces, o.product AS product,
       coalesce(o.source, []) AS sources, coalesce(o.illustrative, false) AS illustrative
