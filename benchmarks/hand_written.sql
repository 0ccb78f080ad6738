-- The scoring rules of questions.yaml 1.1.0 written by hand as one DuckDB query over a CSV export, as a
-- researcher would: the yardstick benchmarks/batch.py holds `kratom-check batch --engine duckdb` to.
-- It trusts its input (no checking of answers, no labels, no error rows) and gives each row its level
-- and each area's level. {csv} is replaced by the file's path.
WITH cells AS (
    SELECT
        id,
        ';' || coalesce(symptoms, '') || ';' AS symptoms,
        frequency, duration, amount,
        ';' || coalesce(product_forms, '') || ';' AS product_forms,
        ';' || coalesce(reasons, '') || ';' AS reasons,
        opioids,
        ';' || coalesce(co_use, '') || ';' AS co_use,
        CASE WHEN contains(';' || coalesce(co_use, '') || ';', ';alcohol;') THEN alcohol_frequency END AS alcohol_frequency,
        daily_medicines,
        CASE WHEN daily_medicines = 'yes' THEN ';' || coalesce(medicine_kinds, '') || ';' ELSE ';;' END AS medicine_kinds,
        ';' || coalesce(liver_conditions, '') || ';' AS liver_conditions,
        liver_tests, withdrawal_when_stopping, pregnancy
    FROM read_csv('{csv}', all_varchar = true, header = true)
),
totals AS (
    SELECT
        id,
        -- Each same-day sign counts 10, each early sign 2.
        10 * (contains(symptoms, ';yellow_skin_eyes;')::INT + contains(symptoms, ';dark_urine;')::INT
              + contains(symptoms, ';pale_stools;')::INT + contains(symptoms, ';confusion;')::INT
              + contains(symptoms, ';bleeding_bruising;')::INT + contains(symptoms, ';slow_breathing;')::INT
              + contains(symptoms, ';chest_pain;')::INT + contains(symptoms, ';racing_heart;')::INT
              + contains(symptoms, ';fainting;')::INT + contains(symptoms, ';seizure;')::INT)
        + 2 * (contains(symptoms, ';itching;')::INT + contains(symptoms, ';belly_pain;')::INT
               + contains(symptoms, ';nausea_vomiting;')::INT + contains(symptoms, ';unusual_tiredness;')::INT)
            AS symptoms,
        CASE frequency WHEN 'weekly' THEN 1 WHEN 'daily' THEN 2 WHEN 'several_daily' THEN 3 WHEN 'many_daily' THEN 4 ELSE 0 END
        + CASE duration WHEN 'months_1_to_6' THEN 1 WHEN 'months_6_to_12' THEN 2 WHEN 'over_1_year' THEN 2 ELSE 0 END
        + CASE amount WHEN 'moderate' THEN 1 WHEN 'large' THEN 3 WHEN 'not_in_grams' THEN 1 WHEN 'unsure' THEN 1 ELSE 0 END
            AS use_pattern,
        3 * contains(product_forms, ';extract;')::INT + 6 * contains(product_forms, ';seven_oh;')::INT
        + 2 * contains(product_forms, ';shots;')::INT AS products,
        4 * (contains(reasons, ';opioid_withdrawal;')::INT + contains(reasons, ';reduce_opioids;')::INT)
        + CASE WHEN opioids IN ('stopped_recently', 'prescribed', 'not_prescribed') THEN 4 ELSE 0 END
        + 2 * (contains(co_use, ';alcohol;')::INT + contains(co_use, ';acetaminophen;')::INT
               + contains(co_use, ';stimulants;')::INT + contains(co_use, ';supplements;')::INT)
        + 4 * contains(co_use, ';sedatives;')::INT
        + CASE alcohol_frequency WHEN 'monthly' THEN 1 WHEN 'weekly' THEN 2 WHEN 'daily' THEN 4 ELSE 0 END
        + CASE WHEN daily_medicines = 'yes' THEN 2 ELSE 0 END
        + 4 * (contains(medicine_kinds, ';opioid_medicines;')::INT + contains(medicine_kinds, ';sleep_or_benzo;')::INT
               + contains(medicine_kinds, ';gabapentin_pregabalin;')::INT)
        + contains(medicine_kinds, ';mental_health_medicines;')::INT + contains(medicine_kinds, ';nausea_medicines;')::INT
            AS other_substances,
        3 * (contains(liver_conditions, ';hepatitis_b;')::INT + contains(liver_conditions, ';hepatitis_c;')::INT
             + contains(liver_conditions, ';alcohol_liver;')::INT + contains(liver_conditions, ';abnormal_liver_tests;')::INT
             + contains(liver_conditions, ';other_liver;')::INT)
        + contains(liver_conditions, ';fatty_liver;')::INT + 5 * contains(liver_conditions, ';cirrhosis;')::INT
        + CASE WHEN liver_tests = 'recent_abnormal' THEN 3 ELSE 0 END AS liver,
        CASE frequency WHEN 'daily' THEN 1 WHEN 'several_daily' THEN 2 WHEN 'many_daily' THEN 2 ELSE 0 END
        + CASE withdrawal_when_stopping WHEN 'not_tried' THEN 1 WHEN 'yes' THEN 3 ELSE 0 END AS dependence,
        CASE WHEN pregnancy = 'yes' THEN 1 ELSE 0 END AS pregnancy,
        -- Rules: a same-day sign is urgent (3); an early sign with regular use is high (2).
        CASE
            WHEN regexp_matches(symptoms, ';(yellow_skin_eyes|dark_urine|pale_stools|confusion|bleeding_bruising|slow_breathing|chest_pain|racing_heart|fainting|seizure);') THEN 3
            WHEN regexp_matches(symptoms, ';(itching|belly_pain|nausea_vomiting|unusual_tiredness);')
                 AND frequency IN ('weekly', 'daily', 'several_daily', 'many_daily') THEN 2
            ELSE 0
        END AS rule_rank
    FROM cells
),
ranks AS (
    SELECT
        id,
        CASE WHEN use_pattern >= 7 THEN 2 WHEN use_pattern >= 3 THEN 1 ELSE 0 END AS use_pattern,
        CASE WHEN products >= 5 THEN 2 WHEN products >= 2 THEN 1 ELSE 0 END AS products,
        CASE WHEN other_substances >= 4 THEN 2 WHEN other_substances >= 2 THEN 1 ELSE 0 END AS other_substances,
        CASE WHEN liver >= 3 THEN 2 WHEN liver >= 1 THEN 1 ELSE 0 END AS liver,
        CASE WHEN symptoms >= 10 THEN 3 WHEN symptoms >= 2 THEN 2 ELSE 0 END AS symptoms,
        CASE WHEN dependence >= 3 THEN 1 ELSE 0 END AS dependence,
        CASE WHEN pregnancy >= 1 THEN 2 ELSE 0 END AS pregnancy,
        CASE
            WHEN use_pattern + products + other_substances + liver + symptoms + dependence + pregnancy >= 14 THEN 2
            WHEN use_pattern + products + other_substances + liver + symptoms + dependence + pregnancy >= 3 THEN 1
            ELSE 0
        END AS combined,
        rule_rank
    FROM totals
)
SELECT
    id,
    ['low', 'moderate', 'high', 'urgent'][1 + greatest(use_pattern, products, other_substances, liver, symptoms,
                                                        dependence, pregnancy, combined, rule_rank)] AS level,
    ['low', 'moderate', 'high', 'urgent'][1 + use_pattern] AS use_pattern,
    ['low', 'moderate', 'high', 'urgent'][1 + products] AS products,
    ['low', 'moderate', 'high', 'urgent'][1 + other_substances] AS other_substances,
    ['low', 'moderate', 'high', 'urgent'][1 + liver] AS liver,
    ['low', 'moderate', 'high', 'urgent'][1 + symptoms] AS symptoms,
    ['low', 'moderate', 'high', 'urgent'][1 + dependence] AS dependence,
    ['low', 'moderate', 'high', 'urgent'][1 + pregnancy] AS pregnancy
FROM ranks
