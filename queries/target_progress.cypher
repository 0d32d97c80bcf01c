// Targets (of $chain, or all when null; chain-less ones are totals) with their actuals.
// params: {"chain": null}
MATCH (t:Target)
OPTIONAL MATCH (c:Chain)-[:HAS_TARGET]->(t)
WITH t, c
WHERE $chain IS NULL OR c.name = $chain
OPTIONAL MATCH (a:Actual)-[:MEASURES]->(t)
WITH t, c, a, [(a)-[:CITED_IN]->(cited:Source) | cited.id] AS actual_sources
RETURN t.name AS target, c.name AS chain, t.period AS period, t.metric AS metric,
       t.value AS value, t.value_unit AS unit, t.value_text AS value_text, t.note AS note,
       coalesce(t.illustrative, false) AS illustrative,
       [(t)-[:CITED_IN]->(src:Source) | src.id] AS sources,
       collect(CASE WHEN a IS NULL THEN null ELSE a {.name, .period, .as_of, .value, .value_unit,
               .value_text, .growth, illustrative: coalesce(a.illustrative, false),
               sources: actual_sources} END) AS actuals
ORDER BY chain, period, target
