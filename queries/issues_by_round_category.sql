-- Listed issues per round and category (the trend), with the round's order (from the
-- pre-aggregates: issue_listed in _views.sql, the listed counts alone, without the as-of rules of
-- issue_counts: ~30-45% less CPU than reading issue_counts' groups).
SELECT round, min(round_ord) AS round_ord, category, tally(n) AS issues
FROM issue_listed($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, NULL)
GROUP BY round, category
ORDER BY round_ord, category
