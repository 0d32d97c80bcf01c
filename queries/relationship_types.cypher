// The relationship types in the graph; stats.py counts each one from its type.
CALL db.relationshipTypes() YIELD relationshipType
RETURN relationshipType AS type
ORDER BY type
