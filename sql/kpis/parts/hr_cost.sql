-- The `hr` CTE of the gross_margin files: HR resources with a cost rate, and its currency, as of
-- {as_of}. Followed by the including file's next CTE.
    hr AS
    (
        SELECT key, cost_rate, currency AS cost_currency
        FROM cur_resource(kind = 'hr', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE cost_rate IS NOT NULL
    ),
