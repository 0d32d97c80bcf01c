// SUPPLIES relations out of the named enterprises (their customers), found through the name index.
// params: {"rows": ["金川集团股份有限公司"]}
UNWIND $rows AS wanted
MATCH (a:Enterprise {name: wanted})-[r:SUPPLIES]->(b:Enterprise)
RETURN a.name AS supplier, b.name AS buyer, coalesce(a.local, false) AS supplier_local,
       coalesce(b.local, false) AS buyer_local, r.product AS product, coalesce(r.source, []) AS sources
