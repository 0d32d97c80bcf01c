// The target-list score of enterprise e for $segment, the only place it is computed;
// target_producers.cypher and candidates.cypher include it (`{{score}}`). Carries e and
// found (whatever the including query keeps) and takes the parts that depend on other
// nodes from the including query: produces, supplies_local, pipeline (0.0 or 1.0).
// Each part (targets.PARTS) is between 0 and 1, or null when the facts it reads are
// unknown: unknown is not 0. A capital or a region is a fact either way; a tag (or a stock
// code) is evidence that a firm is listed or 专精特新, its absence is not evidence of the
// opposite, so those parts are known only when a tag says so.
// score = Σ weight × part ÷ Σ weight of the known parts × 100 (null when none is known);
// completeness = Σ weight of the known parts ÷ $total (Σ weight). Written out part by part:
// lists and reduce() cost FalkorDB four times as much per producer.
WITH e, found, produces, supplies_local, pipeline,
     CASE WHEN e.registered_capital IS NULL THEN null WHEN e.registered_capital >= $full_at THEN 1.0
          ELSE e.registered_capital / $full_at END AS scale,
     CASE WHEN e.stock_code IS NOT NULL THEN 1.0 WHEN e.tags IS NULL THEN null
          WHEN any(t IN e.tags WHERE t IN $listed) THEN 1.0 END AS listed,
     CASE WHEN e.tags IS NULL THEN null
          ELSE head([pair IN $specialised WHERE any(t IN e.tags WHERE t CONTAINS pair[0]) | pair[1]]) END AS specialised,
     CASE WHEN e.region IS NULL THEN null WHEN any(r IN $regions WHERE e.region CONTAINS r) THEN 1.0 ELSE 0.0 END AS region
WITH e, found, produces, supplies_local, scale, listed, specialised, region, pipeline,
     $weights.produces * produces + $weights.supplies_local * supplies_local + $weights.pipeline * pipeline
       + coalesce($weights.scale * scale, 0.0) + coalesce($weights.listed * listed, 0.0)
       + coalesce($weights.specialised * specialised, 0.0) + coalesce($weights.region * region, 0.0) AS points,
     $weights.produces + $weights.supplies_local + $weights.pipeline
       + CASE WHEN scale IS NULL THEN 0.0 ELSE $weights.scale END + CASE WHEN listed IS NULL THEN 0.0 ELSE $weights.listed END
       + CASE WHEN specialised IS NULL THEN 0.0 ELSE $weights.specialised END
       + CASE WHEN region IS NULL THEN 0.0 ELSE $weights.region END AS known
WITH e, found, produces, supplies_local, scale, listed, specialised, region, pipeline,
     CASE WHEN known > 0 THEN 100.0 * points / known END AS score,
     CASE WHEN $total > 0 THEN known / $total END AS completeness
