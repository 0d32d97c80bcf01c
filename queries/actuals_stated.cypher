// Every actual with its period and target: an actual read from a document that the graph
// already holds under another name takes the graph's name.
// params: {}
MATCH (a:Actual)-[:MEASURES]->(t:Target)
RETURN a.name AS name, a.period AS period, t.name AS target
