-- The rate of each currency on D, the date of {as_of} (CONTRACT §5 Currency: the one with the
-- latest rate_date on or before D), as a scalar Map(currency, rate) to bind in WITH (`… AS
-- fx_on_d`) and read with mapContains / fx_on_d[currency]: for amounts that convert at D
-- (projects, opportunities, assignments, resources), where every record shares one date. A map
-- lookup costs a fraction of a join to the rate table.
    (
        SELECT mapFromArrays(groupArray(fx_currency), groupArray(fx_rate))
        FROM
        (
            SELECT fx_currency, argMax(fx_rate, fx_date) AS fx_rate
            FROM
-- @include fx/parts/rates.sql
            WHERE fx_date <= toDate({as_of:DateTime64(3, 'UTC')})
            GROUP BY fx_currency
        )
    )
