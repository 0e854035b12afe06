import type {
  TArray, TBoolean, TInteger, TLiteral, TNull, TNumber, TObject, TOptional, TProperties, TSchema, TString, TUnion, TUnknown, TUnsafe,
} from 'typebox'

/**
 * The TypeBox builders the routes use, producing the same JSON Schema and typed with TypeBox's own
 * types (so `Static` and `TypeBoxTypeProvider` infer request and reply types). Why not `Type` from
 * 'typebox' itself: TypeBox 1.x ships only ES modules, and Jest on Node 20 runs the repository's
 * tests as CommonJS, where an ES module cannot be required. Swap the import for `Type` once the
 * tests can load ES modules (Node ≥ 22.12 with require(esm) in Jest, or an ESM Jest project).
 */
type Options = Record<string, unknown>

function kind<S> (name: string, schema: Record<string, unknown>): S {
  // Non-enumerable, as TypeBox does: Ajv and the OpenAPI document never see it.
  Object.defineProperty(schema, '~kind', { value: name, enumerable: false })
  return schema as S
}

function tString (options: Options = {}): TString { return kind('String', { type: 'string', ...options }) }
function tInteger (options: Options = {}): TInteger { return kind('Integer', { type: 'integer', ...options }) }
function tNumber (options: Options = {}): TNumber { return kind('Number', { type: 'number', ...options }) }
function tBoolean (options: Options = {}): TBoolean { return kind('Boolean', { type: 'boolean', ...options }) }
function tNull (options: Options = {}): TNull { return kind('Null', { type: 'null', ...options }) }
function tUnknown (options: Options = {}): TUnknown { return kind('Unknown', { ...options }) }

function tLiteral<V extends string | number | boolean> (value: V, options: Options = {}): TLiteral<V> {
  return kind('Literal', { const: value, type: typeof value, ...options })
}

function tUnion<Types extends TSchema[]> (anyOf: [...Types], options: Options = {}): TUnion<Types> {
  return kind('Union', { anyOf, ...options })
}

/** A string enum as `{ type: 'string', enum: [...] }` (one schema, readable in OpenAPI), typed as a union of literals. */
function tStringEnum<const V extends readonly string[]> (values: V, options: Options = {}): TUnsafe<V[number]> {
  return kind('Unsafe', { type: 'string', enum: [...values], ...options })
}

function tArray<Item extends TSchema> (items: Item, options: Options = {}): TArray<Item> {
  return kind('Array', { type: 'array', items, ...options })
}

function tOptional<S extends TSchema> (schema: S): TOptional<S> {
  const copy = { ...(schema as Record<string, unknown>) }
  Object.defineProperty(copy, '~kind', { value: (schema as Record<string, unknown>)['~kind'], enumerable: false })
  Object.defineProperty(copy, '~optional', { value: true, enumerable: false })
  return copy as unknown as TOptional<S>
}

function tObject<P extends TProperties> (properties: P, options: Options = {}): TObject<P> {
  const required = Object.entries(properties)
    .filter(([, schema]) => (schema as unknown as Record<string, unknown>)['~optional'] !== true)
    .map(([name]) => name)
  return kind('Object', { type: 'object', properties, required, ...options })
}

/** An object whose keys are free (e.g. a ticket's `sla`), values of one schema. */
function tRecord<V extends TSchema> (value: V, options: Options = {}): TObject<TProperties> & { additionalProperties: V } {
  return kind('Object', { type: 'object', additionalProperties: value, ...options })
}

export const T = {
  String: tString,
  Integer: tInteger,
  Number: tNumber,
  Boolean: tBoolean,
  Null: tNull,
  Unknown: tUnknown,
  Literal: tLiteral,
  Union: tUnion,
  StringEnum: tStringEnum,
  Array: tArray,
  Optional: tOptional,
  Object: tObject,
  Record: tRecord,
}
export type { Static, TSchema } from 'typebox'
