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
 * event names both; otherwise whichever it names (user first); otherwise the event id, so a
 * record is never keyless.
 */
export function campaignUserKey(campaignField: string, userField: string): EventSpec['key'] {
  return {
    description:
      `\`<${campaignField}>:<${userField}>\`; only \`<${userField}>\` or only \`<${campaignField}>\` ` +
      'when the other is empty; `<event_id>` when both are.',
    of: (event) => {
      const campaign = present(event, campaignField);
      const user = present(event, userField);
      if (campaign !== undefined && user !== undefined) return `${campaign}:${user}`;
      return user ?? campaign ?? event.event_id;
    },
  };
}

/** For events about a campaign itself rather than a user. */
export function singleKey(field: string): EventSpec['key'] {
  return {
    description: `\`<${field}>\`; \`<event_id>\` when it is empty.`,
    of: (event) => present(event, field) ?? event.event_id,
  };
}
