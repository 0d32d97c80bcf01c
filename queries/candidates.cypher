// What the target-list score needs of each named enterprise (a lighter enterprise.cypher).
// params: {"rows": ["恩捷股份"]}
UNWIND $rows AS wanted
MATCH (e:Enterprise {name: wanted})
RETURN e.name AS name, e.region AS region, coalesce(e.tags, []) AS tags,
       e.registered_capital AS capital, coalesce(e.illustrative, false) AS illustrative,
       [(e)-[:SUPPLIES]->(b:Enterprise) WHERE b.local = true | b.name] AS supplies_local,
       [(p:Project)-[:INVESTED_BY]->(e) | p.name + '（' + coalesce(p.status, '状态未知') + '）'] AS pipeline,
       [(e)-[:CITED_IN]->(src:Source) | src.id] AS sources
