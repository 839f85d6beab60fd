// Values between the wasm exports' shape (the WIT's JSON shape: kebab-case keys,
// `null` for none, flags as lists) and the package's (camelCase keys, `undefined`
// for none, flags as objects of booleans, as jco gives them to Node users).
// Free-form data never appears as object keys (it is JSON text or tuples), so
// the conversion is by rule, with one table: which fields are flags.

/** Fields of a `flags` type and the flags' names, in WIT order. */
const FLAGS = { defaulted: ['context-window', 'max-tokens', 'cost'] };

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const kebab = (name) => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** An export's value as the package gives it. */
export function fromWasm(value, key) {
  if (key in FLAGS && Array.isArray(value)) {
    return Object.fromEntries(FLAGS[key].map((flag) => [camel(flag), value.includes(flag)]));
  }
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item) => fromWasm(item));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), fromWasm(v, k)]));
  }
  return value;
}

/** A package value as the exports take it. */
export function toWasm(value, key) {
  if (key in FLAGS && value && typeof value === 'object' && !Array.isArray(value)) {
    return FLAGS[key].filter((flag) => value[camel(flag)]);
  }
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((item) => toWasm(item));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [kebab(k), toWasm(v, kebab(k))]));
  }
  return value;
}
