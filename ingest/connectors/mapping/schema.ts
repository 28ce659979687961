// The shapes of a mapping (CONTRACT §8): field expressions, where an entity is read from, the
// shipped mapping file and a firm's override of it. Zod checks both, so a bad override stops the
// server with a sentence naming its path rather than rejecting every record later.
import { z } from 'zod'
import { ENTITY_NAMES, type EntityName } from '../../../server/model/spec.ts'
import { TRANSFORMS, isTimeZone, type Transform } from './transforms.ts'

/** Kept here rather than imported so the engine stands alone; equals server/connectors CONNECTOR_TYPES. */
export const MAPPING_TYPES = ['salesforce', 'netsuite', 'dynamics', 'workday', 'kantata', 'harvest'] as const
export type MappingType = (typeof MAPPING_TYPES)[number]

export type Scalar = string | number | boolean | null

export interface PathExpr {
  path: string
  as?: Transform
  /** Native code (as text) → canonical value. */
  map?: Record<string, Scalar>
  /** Used when the path is missing, null or empty; taken as it is, not transformed. */
  default?: Scalar
  /** money_minor: the divisor, a number or a path such as `currency_base_unit`. */
  base?: number | string
  format?: string
  tz?: string
}
/** The value at `path` is the native id of an `ref` record of the same source. */
export interface RefExpr extends PathExpr { ref: EntityName }
export interface ConstExpr { const: Scalar }
/** Extension beyond §8: texts joined, for names split in two (Harvest first_name + last_name). */
export interface ConcatExpr { concat: string[]; sep?: string }
export type Expr = string | PathExpr | RefExpr | ConstExpr | ConcatExpr

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])
const oneOf = (values: readonly string[]) => ({ error: `expected one of ${values.join(', ')}` })

const pathShape = {
  path: z.string({ error: 'expected a native path such as Account.Name' }).min(1),
  as: z.enum(TRANSFORMS, oneOf(TRANSFORMS)).optional(),
  map: z.record(z.string(), scalar).optional(),
  default: scalar.optional(),
  base: z.union([z.number().positive(), z.string().min(1)], { error: 'expected a positive number or a native path' }).optional(),
  format: z.string().min(1).optional(),
  tz: z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as Europe/Paris' }).optional(),
}
const pathExpr = z.strictObject(pathShape)
const refExpr = z.strictObject({ ...pathShape, ref: z.enum(ENTITY_NAMES, oneOf(ENTITY_NAMES)) })
const constExpr = z.strictObject({ const: scalar })
const concatExpr = z.strictObject({ concat: z.array(z.string().min(1)).min(1), sep: z.string().optional() })

/** One expression; the object's keys pick its form so the error names the right member. */
const expression = (allowNull: boolean) => z.unknown().superRefine((v, ctx) => {
  if (allowNull && v === null) return
  const form =
    typeof v === 'string' ? z.string().min(1, { message: 'expected a non-empty native path' })
    : v && typeof v === 'object' && !Array.isArray(v)
      ? 'const' in v ? constExpr : 'concat' in v ? concatExpr : 'ref' in v ? refExpr : pathExpr
      : null
  if (!form) {
    ctx.addIssue({ code: 'custom', message: 'expected a native path, or an object with path, ref, const or concat' })
    return
  }
  const r = form.safeParse(v)
  if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path })
})
export const exprSchema = expression(false) as unknown as z.ZodType<Expr>

const LOCATIONS = ['object', 'table', 'endpoint', 'entity_set', 'report'] as const

/**
 * Where a type reads an entity: the sObject, the SuiteQL table (with its joins), the Kantata or
 * Harvest endpoint, the Dataverse entity set, or the Workday report (`report_url`). `columns`
 * names SuiteQL expressions by the alias the fields read (`currency_symbol: "currency.symbol"`).
 */
export const sourceSchema = z.strictObject({
  object: z.string().min(1).optional(),
  table: z.string().min(1).optional(),
  endpoint: z.string().min(1).optional(),
  entity_set: z.string().min(1).optional(),
  report: z.string().min(1).optional(),
  where: z.string().optional(),
  include: z.array(z.string().min(1)).optional(),
  columns: z.record(z.string(), z.string().min(1)).optional(),
})
export type Source = z.output<typeof sourceSchema>

export const mappingSchema = z
  .strictObject({
    type: z.enum(MAPPING_TYPES, oneOf(MAPPING_TYPES)),
    entity: z.enum(ENTITY_NAMES, oneOf(ENTITY_NAMES)),
    source: sourceSchema,
    native_id: exprSchema,
    /** The native path of the modification time incremental pulls use as cursor; null: none. */
    modified: z.string().min(1).nullable(),
    lookup_only: z.boolean().optional(),
    /** `format`/`tz` for every date of this mapping unless an expression says otherwise. */
    defaults: z.strictObject({ format: z.string().min(1).optional(), tz: pathShape.tz }).optional(),
    fields: z.record(z.string(), exprSchema),
    /** Canonical fields the vendor has no documented source for, with why. */
    unmapped: z.record(z.string(), z.string()).optional(),
    /** What a live tenant must confirm. */
    notes: z.array(z.string()).optional(),
  })
  .refine((m) => LOCATIONS.some((l) => m.source[l]), { message: `source needs one of ${LOCATIONS.join(', ')}`, path: ['source'] })
export type Mapping = z.output<typeof mappingSchema>

/** The config's `entities.<entity>`: `null` for a field drops the shipped expression. */
export const overrideSchema = z.strictObject({
  source: sourceSchema.optional(),
  fields: z.record(z.string(), expression(true) as unknown as z.ZodType<Expr | null>).optional(),
  lookup_only: z.boolean().optional(),
})
export type Override = z.output<typeof overrideSchema>

export { LOCATIONS }
