// What the graph holds under the names extracted from a document, so that a reviewer sees
// whether a row is new, the same, or an update (and which fields differ).
// params: {"names": ["30万吨铜冶炼提升改造", "金昌经开区"]}
MATCH (n:Project) WHERE n.name IN $names
RETURN 'Project' AS label, n.name AS name, n.status AS status, n.capacity_text AS capacity, n.kind AS kind,
       [(n)-[:BELONGS_TO]->(c:Chain) | c.name] AS chains, null AS value, null AS period, null AS growth
UNION ALL
MATCH (n:Target) WHERE n.name IN $names
RETURN 'Target' AS label, n.name AS name, null AS status, null AS capacity, null AS kind,
       [(c:Chain)-[:HAS_TARGET]->(n) | c.name] AS chains, n.value_text AS value, n.period AS period, null AS growth
UNION ALL
MATCH (n:Actual) WHERE n.name IN $names
RETURN 'Actual' AS label, n.name AS name, null AS status, null AS capacity, null AS kind,
       [] AS chains, n.value_text AS value, n.period AS period, n.growth AS growth
UNION ALL
MATCH (n:Enterprise) WHERE n.name IN $names
RETURN 'Enterprise' AS label, n.name AS name, null AS status, null AS capacity, null AS kind,
       [] AS chains, null AS value, null AS period, null AS growth
UNION ALL
MATCH (n:Park) WHERE n.name IN $names
RETURN 'Park' AS label, n.name AS name, null AS status, null AS capacity, null AS kind,
       [] AS chains, null AS value, null AS period, null AS growth
UNION ALL
MATCH (n:Policy) WHERE n.name IN $names
RETURN 'Policy' AS label, n.name AS name, null AS status, null AS capacity, n.kind AS kind,
       [(n)-[:SUPPORTS]->(c:Chain) | c.name] AS chains, n.amount AS value, null AS period, null AS growth
