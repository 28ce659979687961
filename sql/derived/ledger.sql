-- Records that an application of these batches started (done = false) or ended (done = true).
INSERT INTO derived_applied (batch_uid, entity, apply, valid_from, out_of_order, done, at)
SELECT arrayJoin({uids:Array(String)}), {entity:String}, {apply:UInt64}, {valid_from:DateTime64(3, 'UTC')}, {out_of_order:Bool}, {done:Bool},
       {at:DateTime64(6, 'UTC')}
