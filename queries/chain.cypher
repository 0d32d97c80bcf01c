// One chain's own facts: class, chief, office, lead firms, and sources.
// params: {"chain": "有色金属新材料"}
MATCH (c:Chain {name: $chain})
RETURN c.name AS name, c.class AS class, c.chief AS chief, c.office AS office,
       [(e:Enterprise)-[:LEADS]->(c) | e.name] AS leads,
       coalesce(c.illustrative, false) AS illustrative,
       [(c)-[:CITED_IN]->(src:Source) | src.id] AS sources
