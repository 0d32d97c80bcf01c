// Every SUPPLIES relation (配套关系) between enterprises.
// params: {}
MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise)
RETURN a.name AS supplier, b.name AS buyer, r.product AS product, r.volume_text AS volume,
       coalesce(r.source, []) AS sources, coalesce(r.illustrative, false) AS illustrative
ORDER BY supplier, buyer
