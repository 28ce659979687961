-- Current state of every user (the newest row of each id).
SELECT
    id,
    argMax(email, version) AS email,
    argMax(name, version) AS name,
    argMax(role, version) AS role,
    argMax(password_hash, version) AS password_hash,
    argMax(disabled, version) AS disabled,
    min(created_at) AS created_at
FROM users
GROUP BY id
HAVING ({id:String} = '' OR id = {id:String})
   AND ({email:String} = '' OR lower(email) = lower({email:String}))
ORDER BY email
