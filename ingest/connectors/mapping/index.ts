// The mapping engine of CONTRACT §8: native records of a connector type → canonical records.
//
//   loadMapping(type, entity)            the shipped ingest/connectors/mappings/<type>/<entity>.json
//   mergeMapping(shipped, override)      applies the config's `entities.<entity>` (fields, source,
//                                        lookup_only); throws MappingError naming the bad path
//   mapRecord(mapping, native, ctx?)     → {ok, record, nativeId, refs} | {ok: false, field, message};
//                                        ctx: {format, tz} of the tenant (NetSuite date_format)
//   resolveRefs(record, refs, lookup)    fills reference fields with their targets' keys; a missing
//                                        target fails the record (no fallback to the native id)
//   columnsOf(mapping)                   every native path read: for SOQL/SuiteQL columns, Kantata
//                                        include, OData $select/$expand
//   describeMapping(mapping)             text table for `crosswalk connectors show TYPE`
//   shippedMappings()                    which (type, entity) pairs ship
//
// Everything here is pure but loadMapping/shippedMappings (they read the bundled files).
export { mapRecord, resolveRefs, readPath, type MapResult, type MapContext, type PendingRef, type CanonicalRecord } from './evaluate.ts'
export {
  loadMapping, mergeMapping, parseMapping, columnsOf, describeMapping, shippedMappings, mappingRows, MappingError,
} from './mapping.ts'
export { MAPPING_TYPES, type MappingType, type Mapping, type Expr, type Source, type Override } from './schema.ts'
export { TRANSFORMS, type Transform } from './transforms.ts'
