/** RFC 6901 JSON pointers: how errors name a field and how unknown sender fields are keyed. */

export function escapeToken(token: string): string {
  // Almost no key needs escaping, and this runs for every key of every body.
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

export function toPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${escapeToken(token)}`).join('');
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getAt(document: unknown, tokens: readonly string[]): unknown {
  let node = document;
  for (const token of tokens) {
    if (isRecord(node)) node = node[token];
    else if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(token)) node = node[Number(token)];
    else return undefined;
  }
  return node;
}

/** Sets a value, creating objects on the way and writing into arrays; used to rebuild a body. */
export function setAt(document: Record<string, unknown>, tokens: readonly string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = document;
  tokens.forEach((token, index) => {
    const slot: string | number = Array.isArray(node) ? Number(token) : token;
    const container = node as Record<string | number, unknown>;
    if (index === tokens.length - 1) {
      container[slot] = value;
      return;
    }
    const next = container[slot];
    if (isRecord(next) || Array.isArray(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      container[slot] = created;
      node = created;
    }
  });
}
