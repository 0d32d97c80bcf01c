// Relationships per type, for `chainkg stats` and the status page.
MATCH ()-[r]->()
RETURN type(r) AS type, count(r) AS count
ORDER BY type
