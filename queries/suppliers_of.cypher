// SUPPLIES relations into the named enterprises (their suppliers), found through the name index.
// params: {"rows": ["金川集团股份有限公司"]}
UNWIND $rows AS wanted
MATCH (a:Enterprise)-[r:SUPPLIES]->(b:Enterprise {name: wanted})
// Packed (queries.read_packed): Neo4j's driver spends about 40 µs on each record.
RETURN ["supplier", "buyer", "supplier_local", "buyer_local", "product", "sources"] AS columns,
       collect([a.name, b.name, coalesce(a.local, false), coalesce(b.local, false), r.product,
                coalesce(r.source, [])]) AS rows
