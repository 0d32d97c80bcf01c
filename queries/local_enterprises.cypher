// The city's own enterprises (local = true), by name; an index finds them among a national
// directory's million.
MATCH (e:Enterprise) WHERE e.local = true
RETURN e.name AS name
