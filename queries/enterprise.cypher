// Profiles of the named enterprises (found through the name index): where they are, tags,
// the segments they produce in, whom they supply locally, the projects they invest in.
// params: {"names": ["恩捷股份", "金川集团股份有限公司"]}
UNWIND $names AS wanted
MATCH (e:Enterprise {name: wanted})
RETURN e.name AS name, coalesce(e.aliases, []) AS aliases, coalesce(e.local, false) AS local,
       e.region AS region, coalesce(e.tags, []) AS tags, e.above_scale AS above_scale,
       e.credit_code AS credit_code,
       e.registered_capital AS capital, e.registered_capital_text AS capital_text,
       [(e)-[:OPERATES_IN]->(s:Segment) | s.name] AS segments,
       [(e)-[:OPERATES_IN]->(:Segment)-[:PART_OF]->(c:Chain) | c.name] AS chains,
       [(e)-[:LEADS]->(led:Chain) | led.name] AS leads,  // not `c` again: FalkorDB would answer []
       [(e)-[:SUPPLIES]->(b:Enterprise) WHERE b.local = true | b.name] AS supplies_local,
       [(p:Project)-[:INVESTED_BY]->(e) | p.name + '（' + coalesce(p.status, '状态未知') + '）'] AS pipeline,
       coalesce(e.illustrative, false) AS illustrative, coalesce(e.datasets, []) AS datasets, e.claims AS claims,
       [(e)-[:CITED_IN]->(src:Source) | src.id] AS sources
ORDER BY name
