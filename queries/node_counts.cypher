// Nodes per label, for `chainkg stats` and the status page.
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
