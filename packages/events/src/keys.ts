import type { EventSpec, NormalisedEvent } from './definition.ts';

/** A non-empty text at a dotted path of the event (`user.id`). */
function present(event: NormalisedEvent, path: string): string | undefined {
  let value: unknown = event;
  for (const part of path.split('.')) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The key that keeps one user's events of one campaign in order: `<campaign>:<user>` when the
 * event names both, the user being the first of `userFields` that is present; otherwise
 * whichever it names (user first); otherwise the event id, so a record is never keyless.
 */
export function campaignUserKey(
  campaignField: string,
  ...userFields: [string, ...string[]]
): EventSpec['key'] {
  const [user, ...fallbacks] = userFields;
  const instead = fallbacks.map((field) => `, \`<${field}>\` when it is empty`).join('');
  return {
    description:
      `\`<${campaignField}>:<${user}>\`${instead}; only the user or only \`<${campaignField}>\` when the ` +
      'other is empty; `<event_id>` when both are.',
    of: (event) => {
      const campaign = present(event, campaignField);
      const who = userFields.map((field) => present(event, field)).find((value) => value !== undefined);
      if (campaign !== undefined && who !== undefined) return `${campaign}:${who}`;
      return who ?? campaign ?? event.event_id;
    },
  };
}

/** For events keyed by one field, e.g. a campaign itself; `note` says why in the catalogue. */
export function singleKey(field: string, note = ''): EventSpec['key'] {
  return {
    description: `\`<${field}>\`${note === '' ? '' : ` (${note})`}; \`<event_id>\` when it is empty.`,
    of: (event) => present(event, field) ?? event.event_id,
  };
}
