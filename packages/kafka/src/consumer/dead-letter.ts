import type { IHeaders } from '@relay/kafkajs';
import type { RecordHeaders } from '../producer/record-producer.ts';

/** Header names a consumer adds to a record it gives up on, next to the record's own headers. */
export const CONSUMER_DEAD_LETTER_HEADERS = {
  code: 'relay_error_code',
  detail: 'relay_error_detail',
  group: 'relay_consumer_group',
  topic: 'relay_original_topic',
  partition: 'relay_original_partition',
  offset: 'relay_original_offset',
  attempts: 'relay_attempts',
  failedAt: 'relay_failed_at',
} as const;

export interface Failure {
  readonly code: string;
  readonly detail: string;
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempts: number;
  readonly failedAt: Date;
}

/** The record's own headers (as bytes, untouched) plus why and where it failed. */
export function deadLetterHeaders(original: IHeaders | undefined, failure: Failure): RecordHeaders {
  const kept = Object.entries(original ?? {}).filter(
    (entry): entry is [string, string | Buffer | (string | Buffer)[]] => entry[1] !== undefined,
  );
  return {
    ...Object.fromEntries(kept),
    [CONSUMER_DEAD_LETTER_HEADERS.code]: failure.code,
    [CONSUMER_DEAD_LETTER_HEADERS.detail]: failure.detail.slice(0, 4_000),
    [CONSUMER_DEAD_LETTER_HEADERS.group]: failure.group,
    [CONSUMER_DEAD_LETTER_HEADERS.topic]: failure.topic,
    [CONSUMER_DEAD_LETTER_HEADERS.partition]: String(failure.partition),
    [CONSUMER_DEAD_LETTER_HEADERS.offset]: failure.offset,
    [CONSUMER_DEAD_LETTER_HEADERS.attempts]: String(failure.attempts),
    [CONSUMER_DEAD_LETTER_HEADERS.failedAt]: failure.failedAt.toISOString(),
  };
}

/** Where a consumer group's dead letters go unless told otherwise. */
export function deadLetterTopicOf(groupId: string): string {
  return `${groupId}.dead-letter.v1`;
}
