// Test-side helpers only. They do not reuse @relay/kafka's SchemaRegistryAdmin because that package's
// tests depend on this one, and turbo refuses a package cycle.
const REQUEST_TIMEOUT_MS = 5_000;

export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

async function call(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify(body),
        }),
  });
}

/**
 * Sets a subject's compatibility level. Needed before the first registration: Apicurio answers
 * an unconfigured subject with NONE where Confluent answers 404, which the Confluent client
 * would otherwise reject as a mismatch.
 */
export async function setSubjectCompatibility(
  registryUrl: string,
  subject: string,
  compatibility: CompatibilityLevel,
): Promise<void> {
  const url = `${registryUrl}/config/${encodeURIComponent(subject)}`;
  const response = await call('PUT', url, { compatibility });
  if (!response.ok) throw new Error(`PUT ${url} answered ${response.status}: ${await response.text()}`);
  await response.body?.cancel();
}

export async function getSubjectCompatibility(
  registryUrl: string,
  subject: string,
): Promise<string | undefined> {
  const url = `${registryUrl}/config/${encodeURIComponent(subject)}`;
  const response = await call('GET', url);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const config = (await response.json()) as { compatibilityLevel?: string; compatibility?: string };
  return config.compatibilityLevel ?? config.compatibility;
}

/**
 * Deletes a subject and its versions for good (soft delete, then hard delete, as the
 * Confluent API requires). A subject that does not exist is not an error.
 */
export async function deleteSubject(registryUrl: string, subject: string): Promise<void> {
  const url = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
  for (const target of [url, `${url}?permanent=true`]) {
    const response = await call('DELETE', target);
    await response.body?.cancel();
    if (!response.ok && response.status !== 404) {
      throw new Error(`DELETE ${target} answered ${response.status}`);
    }
  }
}
