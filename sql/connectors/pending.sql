-- Records of a source still waiting for a reference's target.
SELECT entity, native_id, native
FROM connector_pending FINAL
WHERE system = {system:String} AND NOT resolved
