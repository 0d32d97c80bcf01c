// What the target list shows of each named candidate for $segment: its score parts (see
// fragments/score.cypher) and the facts its reasons quote.
// params: {"rows": ["恩捷股份"], "segment": "隔膜", "weights": {"produces": 40, "supplies_local": 15, "scale": 15, "listed": 10, "specialised": 10, "region": 5, "pipeline": 5}, "total": 100.0, "full_at": 10.0, "listed": ["上市"], "specialised": [["小巨人", 1.0], ["专精特新", 0.5]], "regions": ["甘肃"]}
UNWIND $rows AS wanted
MATCH (e:Enterprise {name: wanted})
WITH e, {} AS found,
     CASE WHEN size([(e)-[:OPERATES_IN]->(:Segment {name: $segment}) | 1]) > 0 THEN 1.0 ELSE 0.0 END AS produces,
     CASE WHEN size([(e)-[:SUPPLIES]->(b:Enterprise) WHERE b.local = true | 1]) > 0 THEN 1.0 ELSE 0.0 END AS supplies_local,
     CASE WHEN size([(:Project)-[:INVESTED_BY]->(e) | 1]) > 0 THEN 1.0 ELSE 0.0 END AS pipeline
{{score}}
RETURN e.name AS name, e.region AS region, coalesce(e.tags, []) AS tags, e.stock_code AS stock_code,
       e.registered_capital AS capital, coalesce(e.illustrative, false) AS illustrative,
       {produces: produces, supplies_local: supplies_local, scale: scale, listed: listed, specialised: specialised,
        region: region, pipeline: pipeline} AS parts, score, completeness,
       [(e)-[:SUPPLIES]->(b:Enterprise) WHERE b.local = true | b.name] AS local_customers,
       [(p:Project)-[:INVESTED_BY]->(e) | p.name + '（' + coalesce(p.status, '状态未知') + '）'] AS projects,
       [(e)-[:CITED_IN]->(src:Source) | src.id] AS sources
