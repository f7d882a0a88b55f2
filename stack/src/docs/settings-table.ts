import type { TObject } from '@sinclair/typebox';

/** The JSON Schema keywords the settings use. */
interface SettingSchema {
  readonly type?: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly { readonly const?: unknown }[];
}

/**
 * A service's settings as a Markdown table, read from the TypeBox schema its configuration is
 * parsed with: the documentation cannot say other than what the code accepts.
 */
export function settingsTable(schema: TObject): string {
  const required = new Set(schema.required ?? []);
  const properties: [string, SettingSchema][] = Object.entries(schema.properties);
  const rows = properties.map(([name, property]) => {
    const fallback =
      property.default === ''
        ? 'empty'
        : property.default !== undefined
          ? `\`${display(property.default)}\``
          : required.has(name)
            ? '**required**'
            : 'unset';
    return `| \`${name}\` | ${fallback} | ${accepted(property)} | ${meaning(name, property)} |`;
  });
  return ['| variable | default | accepts | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function accepted(property: SettingSchema): string {
  if (property.anyOf !== undefined) {
    return property.anyOf.map((option) => `\`${display(option.const)}\``).join(' or ');
  }
  const bounds = [
    property.minimum !== undefined ? `≥ ${property.minimum}` : undefined,
    property.maximum !== undefined ? `≤ ${property.maximum}` : undefined,
    property.minLength === 1 ? 'not empty' : undefined,
    (property.minLength ?? 0) > 1 ? `at least ${property.minLength} characters` : undefined,
    property.pattern !== undefined ? `matching \`${property.pattern}\`` : undefined,
  ].filter((bound) => bound !== undefined);
  const type = property.type === 'boolean' ? '`true` or `false`' : String(property.type);
  return [type, ...bounds].join(', ');
}

function meaning(name: string, property: SettingSchema): string {
  const description = property.description;
  if (description === undefined || description === '') {
    throw new Error(`the setting ${name} has no description: say what it does in its schema`);
  }
  return description.replaceAll('|', '\\|');
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
