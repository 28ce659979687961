-- The rate table of CONTRACT §5 Currency as of {as_of}, as a subquery to ASOF JOIN on
-- (currency, rate_date <= the record's date): one rate per (currency, rate_date), the larger key
-- winning, from the ERP's current fx_rate records; the reporting currency is always 1. Binds
-- {as_of:DateTime64(3, 'UTC')} and {reporting:String}.
    (
        SELECT currency AS fx_currency, rate_date AS fx_date, argMax(rate, key) AS fx_rate
        FROM cur_fx_rate(kind = 'erp', as_of = {as_of:DateTime64(3, 'UTC')})
        WHERE currency != {reporting:String}
        GROUP BY currency, rate_date
        UNION ALL
        SELECT {reporting:String} AS fx_currency, toDate('1970-01-01') AS fx_date, toDecimal128(1, 8) AS fx_rate
    )
