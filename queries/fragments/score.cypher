// The target-list score of enterprise e for $segment, the only place it is computed;
// target_producers.cypher and candidates.cypher include it (`{{score}}`). Carries e and
// found (whatever the including query keeps) and takes the parts that depend on other
// nodes from the including query: produces, supplies_local, pipeline (0.0 or 1.0).
// parts: one per entry of targets.PARTS, in that order, each between 0 and 1, or null when
// the facts it reads are unknown: unknown is not 0. A capital or a region is a fact either
// way; a tag (or a stock code) is evidence that a firm is listed or 专精特新, its absence
// is not evidence of the opposite, so those parts are known only when a tag says so.
// score = Σ weight × part ÷ Σ weight of the known parts × 100 (null when none is known);
// completeness = Σ weight of the known parts ÷ Σ weight.
WITH e, found, produces, supplies_local, pipeline, e.tags AS tags, e.registered_capital AS capital, e.region AS region
WITH e, found, [
  produces,
  supplies_local,
  CASE WHEN capital IS NULL THEN null WHEN capital >= $full_at THEN 1.0 ELSE capital / $full_at END,
  CASE WHEN e.stock_code IS NOT NULL OR any(t IN coalesce(tags, []) WHERE t IN $listed) THEN 1.0 END,
  head([pair IN $specialised WHERE any(t IN coalesce(tags, []) WHERE t CONTAINS pair[0]) | pair[1]]),  // best first
  CASE WHEN region IS NULL THEN null WHEN any(r IN $regions WHERE region CONTAINS r) THEN 1.0 ELSE 0.0 END,
  pipeline
] AS parts
WITH e, found, parts, reduce(s = [0.0, 0.0], i IN range(0, size(parts) - 1) |
     CASE WHEN parts[i] IS NULL THEN s ELSE [s[0] + $weights[i] * parts[i], s[1] + $weights[i]] END) AS sums,
     reduce(t = 0.0, w IN $weights | t + w) AS total
WITH e, found, parts, CASE WHEN sums[1] > 0 THEN 100.0 * sums[0] / sums[1] END AS score,
     CASE WHEN total > 0 THEN sums[1] / total END AS completeness
