-- Listed issues per round and category (the trend), with the round's order.
SELECT round, min(round_ord) AS round_ord, category, count(*) AS issues
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY round, category
ORDER BY round_ord, category
