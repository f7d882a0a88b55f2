import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RelayError } from '../errors.ts';

/**
 * Reads configuration from environment variables with a TypeBox schema: converts numbers and
 * booleans, fills defaults, and fails with one line per wrong or missing variable.
 */
export function parseEnv<S extends TObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const keys = Object.keys(schema.properties);
  const given = Object.fromEntries(
    keys.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]),
  );
  const value = Value.Default(schema, Value.Convert(schema, given));
  const firstPerVariable = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const name = error.path.slice(1);
    if (!firstPerVariable.has(name)) firstPerVariable.set(name, error.message.toLowerCase());
  }
  const problems = [...firstPerVariable].map(([name, message]) => {
    const shown = env[name] === undefined ? 'it is not set' : `got ${JSON.stringify(env[name])}`;
    const description = (schema.properties[name] as { description?: string } | undefined)?.description;
    return `  ${name}: ${message}, ${shown}${description === undefined ? '' : ` (${description})`}`;
  });
  if (problems.length > 0) {
    throw new RelayError('INVALID_CONFIGURATION', `\n${problems.join('\n')}`);
  }
  return value as Static<S>;
}
