-- A rebuild starts from nothing: the entity's ledger goes with its tables.
DELETE FROM derived_applied WHERE entity = {entity:String}
