// A small validator of requests and responses against docs/openapi.json: the
// part of OpenAPI 3.0 / JSON Schema the description uses ($ref, type (also a
// list, with "null"), properties, required, additionalProperties, items,
// minItems, maxItems, minProperties, enum, minimum, maximum, maxLength,
// oneOf, format date-time / date). No network, no package: the test reads
// the description it validates against.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function loadOpenApi(repoRoot) {
  return JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'openapi.json'), 'utf8'));
}

function resolve(doc, node) {
  while (node && node.$ref) {
    const parts = node.$ref.replace(/^#\//, '').split('/');
    node = parts.reduce((at, key) => at?.[key], doc);
    if (!node) throw new Error(`unresolved $ref ${parts.join('/')}`);
  }
  return node;
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The problems of `value` against `schema` (an empty list when it conforms). */
export function check(doc, schema, value, where = '$') {
  schema = resolve(doc, schema);
  const problems = [];
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((s) => check(doc, s, value, where).length === 0);
    if (passing.length !== 1) problems.push(`${where}: matches ${passing.length} of oneOf, not exactly 1`);
    return problems;
  }
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!ok) return [`${where}: is ${actual}, expected ${types.join('|')}`];
  }
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${where}: ${JSON.stringify(value)} not in ${schema.enum}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${where}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${where}: above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) problems.push(`${where}: longer than ${schema.maxLength}`);
    if (schema.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(value)) {
      problems.push(`${where}: not an RFC 3339 date-time`);
    }
    if (schema.format === 'date' && !/^\d{4}-\d\d-\d\d$/.test(value)) problems.push(`${where}: not a date`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${where}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${where}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => problems.push(...check(doc, schema.items, item, `${where}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const properties = schema.properties || {};
    for (const name of schema.required || []) {
      if (!(name in value)) problems.push(`${where}: lacks ${name}`);
    }
    if (schema.minProperties !== undefined && Object.keys(value).length < schema.minProperties) {
      problems.push(`${where}: fewer than ${schema.minProperties} properties`);
    }
    for (const [name, item] of Object.entries(value)) {
      if (properties[name]) {
        problems.push(...check(doc, properties[name], item, `${where}.${name}`));
      } else if (schema.additionalProperties === false) {
        problems.push(`${where}: unexpected property ${name}`);
      } else if (typeof schema.additionalProperties === 'object') {
        problems.push(...check(doc, schema.additionalProperties, item, `${where}.${name}`));
      }
    }
  }
  return problems;
}

/** The operation of `method` on a concrete `urlPath` ("/api/v1/campaigns/3/stats"), or null. */
export function operationOf(doc, method, urlPath) {
  for (const [template, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(urlPath) && item[method.toLowerCase()]) return item[method.toLowerCase()];
  }
  return null;
}

/** Throws unless the request body fits the operation's requestBody schema. */
export function checkRequest(doc, method, urlPath, body) {
  const operation = operationOf(doc, method, urlPath);
  if (!operation) throw new Error(`${method} ${urlPath} is not in docs/openapi.json`);
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  if (!schema) {
    if (body !== undefined) throw new Error(`${method} ${urlPath} takes no body in docs/openapi.json`);
    return;
  }
  const problems = check(doc, schema, body);
  if (problems.length) throw new Error(`request ${method} ${urlPath} does not fit docs/openapi.json: ${problems.join('; ')}`);
}

/** Throws unless the status is documented for the operation and the body fits its schema. */
export function checkResponse(doc, method, urlPath, status, body) {
  const operation = operationOf(doc, method, urlPath);
  if (!operation) throw new Error(`${method} ${urlPath} is not in docs/openapi.json`);
  const response = resolve(doc, operation.responses[String(status)]);
  if (!response) throw new Error(`${method} ${urlPath}: status ${status} is not documented (body ${JSON.stringify(body)})`);
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return;
  const problems = check(doc, schema, body);
  if (problems.length) {
    throw new Error(`response ${status} of ${method} ${urlPath} does not fit docs/openapi.json: ${problems.join('; ')} (body ${JSON.stringify(body)})`);
  }
}
