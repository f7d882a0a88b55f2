import { RelayError } from '../errors.ts';

export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

export interface RegisteredSchema {
  readonly id: number;
  readonly version: number;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * The Confluent schema registry REST calls the client library does not make: compatibility
 * levels and tests, lookups without registering. Every call has a timeout.
 */
export class SchemaRegistryAdmin {
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(url: string, options: { timeoutMs?: number } = {}) {
    this.#url = url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async #call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.#url}${path}`, {
        method,
        signal: AbortSignal.timeout(this.#timeoutMs),
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': CONTENT_TYPE }, body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new RelayError('SCHEMA_REGISTRY_UNAVAILABLE', `${method} ${path}`, { cause: error });
    }
    const text = await response.text();
    if (response.status >= 500) {
      throw new RelayError(
        'SCHEMA_REGISTRY_UNAVAILABLE',
        `${method} ${path} answered ${response.status}: ${text}`,
      );
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  #fail(method: string, path: string, status: number, json: unknown): never {
    throw new RelayError(
      'SCHEMA_REGISTRY_REJECTED',
      `${method} ${path} answered ${status}: ${JSON.stringify(json)}`,
    );
  }

  async subjects(): Promise<string[]> {
    const { status, json } = await this.#call('GET', '/subjects');
    if (status !== 200) this.#fail('GET', '/subjects', status, json);
    return json as string[];
  }

  /** The subject's own level; undefined when unset (Apicurio reports NONE where Confluent answers 404). */
  async compatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    const path = `/config/${encodeURIComponent(subject)}`;
    const { status, json } = await this.#call('GET', path);
    if (status === 404) return undefined;
    if (status !== 200) this.#fail('GET', path, status, json);
    const config = json as { compatibilityLevel?: CompatibilityLevel; compatibility?: CompatibilityLevel };
    return config.compatibilityLevel ?? config.compatibility;
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    const path = `/config/${encodeURIComponent(subject)}`;
    const { status, json } = await this.#call('PUT', path, { compatibility: level });
    if (status !== 200) this.#fail('PUT', path, status, json);
  }

  /** The version of `schema` under `subject`, if it is registered there. */
  async lookup(subject: string, schema: object): Promise<RegisteredSchema | undefined> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    const { status, json } = await this.#call('POST', path, { schema: JSON.stringify(schema) });
    if (status === 404) return undefined;
    if (status !== 200) this.#fail('POST', path, status, json);
    const found = json as { id: number; version: number };
    return { id: found.id, version: found.version };
  }

  /** Whether `schema` may be registered under `subject` by its compatibility rule, and why not. */
  async testCompatibility(
    subject: string,
    schema: object,
  ): Promise<{ compatible: boolean; messages: string[] }> {
    const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`;
    const { status, json } = await this.#call('POST', path, { schema: JSON.stringify(schema) });
    if (status === 404) return { compatible: true, messages: [] };
    if (status !== 200) this.#fail('POST', path, status, json);
    const verdict = json as { is_compatible: boolean; messages?: string[] };
    return { compatible: verdict.is_compatible, messages: verdict.messages ?? [] };
  }

  async register(subject: string, schema: object): Promise<number> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    const { status, json } = await this.#call('POST', path, { schema: JSON.stringify(schema) });
    if (status === 409) throw new RelayError('SCHEMA_INCOMPATIBLE', `${subject}: ${JSON.stringify(json)}`);
    if (status !== 200) this.#fail('POST', path, status, json);
    return (json as { id: number }).id;
  }
}
