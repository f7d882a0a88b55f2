import { definitions, type EventDefinition } from '@relay/events';
import { DEAD_LETTER_TOPIC, withTopicPrefix } from '@relay/kafka';

/**
 * The catalogue as a gateway publishes it under RELAY_TOPIC_PREFIX (as provisioning creates it):
 * each event's topic and subject prefixed, and the dead-letter topic.
 */
export interface PublishedCatalogue {
  readonly definitions: readonly EventDefinition[];
  /** The published form of a catalogue definition: `normalise` answers with the catalogue's own. */
  as(definition: EventDefinition): EventDefinition;
  readonly deadLetterTopic: string;
}

export function publishedCatalogue(prefix: string): PublishedCatalogue {
  const published = new Map(
    definitions.map((definition) => [definition, withTopicPrefix(definition, prefix)]),
  );
  return {
    definitions: [...published.values()],
    as: (definition) => published.get(definition) ?? definition,
    deadLetterTopic: `${prefix}${DEAD_LETTER_TOPIC}`,
  };
}
