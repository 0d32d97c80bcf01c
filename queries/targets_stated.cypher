// Every target with its metric, period and chains: a target read from a document that the
// graph already holds under another name (the bureau's own) takes the graph's name.
// params: {}
MATCH (t:Target)
RETURN t.name AS name, t.metric AS metric, t.period AS period, [(c:Chain)-[:HAS_TARGET]->(t) | c.name] AS chains
