// SUPPLIES relations into the named enterprises (their suppliers), found through the name index.
// params: {"rows": ["金川集团股份有限公司"]}
UNWIND $rows AS wanted
MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise {name: wanted})
RETURN a.name AS supplier, b.name AS buyer, coalesce(a.local, false) AS supplier_local,
       coalesce(b.local, false) AS buyer_local, r.product AS product, coalesce(r.source, []) AS sources
