// The graph's own names, the first dictionary of document extraction: chains, segments
// (with their chain), enterprises (with aliases), parks, regions and projects.
// params: {}
MATCH (c:Chain)
RETURN 'Chain' AS label, c.name AS name, [] AS aliases, null AS chain
UNION ALL
MATCH (s:Segment)-[:PART_OF]->(c:Chain)
RETURN 'Segment' AS label, s.name AS name, [] AS aliases, c.name AS chain
UNION ALL
MATCH (e:Enterprise)
RETURN 'Enterprise' AS label, e.name AS name, coalesce(e.aliases, []) AS aliases, null AS chain
UNION ALL
MATCH (p:Park)
RETURN 'Park' AS label, p.name AS name, CASE WHEN p.short_name IS NULL THEN [] ELSE [p.short_name] END AS aliases,
       null AS chain
UNION ALL
MATCH (r:Region)
RETURN 'Region' AS label, r.name AS name, [] AS aliases, null AS chain
UNION ALL
MATCH (p:Project)
RETURN 'Project' AS label, p.name AS name, [] AS aliases, null AS chain
