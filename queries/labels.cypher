// The labels in the graph, for `chainkg stats` and the status page; stats.py then counts
// each one from its label (both engines keep counts per label: no scan of the graph).
CALL db.labels() YIELD label
RETURN label
ORDER BY label
