// The named sources, to list beside a table that cites them.
// params: {"ids": ["九届六次全会讲话#38"]}
MATCH (s:Source)
WHERE s.id IN $ids
RETURN s.id AS id, s.title AS title, s.publisher AS publisher, s.date AS date, s.locator AS locator
ORDER BY id
