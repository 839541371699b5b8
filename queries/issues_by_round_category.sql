-- Listed issues per round and category (the trend), with the round's order (from the
-- pre-aggregates: issue_counts in _views.sql).
SELECT round, min(round_ord) AS round_ord, category, tally(n) AS issues
FROM issue_counts($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, NULL)
GROUP BY round, category
ORDER BY round_ord, category
