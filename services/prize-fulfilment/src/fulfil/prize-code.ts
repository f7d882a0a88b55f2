/**
 * The code of a `code` prize, from the InstantWin's `data`: the text as sent, or the `code` of a
 * JSON object (the document only says the data "can vary depending on the reward type").
 */
export function codeOf(prizeData: string | null): string | undefined {
  const text = prizeData?.trim() ?? '';
  if (text === '') return undefined;
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      const code = (parsed as { code?: unknown } | null)?.code;
      return typeof code === 'string' && code.trim() !== '' ? code.trim() : undefined;
    } catch {
      return text;
    }
  }
  return text;
}
