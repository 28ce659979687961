-- The end of a current view (0003, 0010): each key's winning version among the systems that did
-- not delete it, and the entity's columns read for just those versions. Shipped text.
    winners AS
    (
        SELECT key, max(v) AS v FROM per_system WHERE NOT is_deleted GROUP BY key
    )
SELECT
    key,
    system,
    native_id,
    updated_at,
-- @each field
    {{field}},
-- @end
    extra,
    observed_at
FROM entity_{{entity}}
WHERE kind = {kind:String}
