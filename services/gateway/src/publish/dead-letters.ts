import type { RecordProducer } from '@relay/kafka';

export interface DeadLetter {
  readonly body: Uint8Array;
  readonly code: string;
  readonly detail: string;
  readonly source: string;
  readonly path: string;
  readonly receivedAt: number;
  readonly senderAddress: string;
  readonly contentType: string | undefined;
  readonly requestId: string;
  readonly eventType?: string;
}

/** Header names of dead-letter records, for the replay command and other readers. */
export const DEAD_LETTER_HEADERS = {
  code: 'relay_error_code',
  detail: 'relay_error_detail',
  source: 'relay_source',
  path: 'relay_path',
  receivedAt: 'relay_received_at',
  senderAddress: 'relay_sender_address',
  contentType: 'relay_content_type',
  requestId: 'relay_request_id',
  eventType: 'relay_event_type',
} as const;

/** Keeps a rejected body, byte for byte, on the dead-letter topic, with why and where from. */
export class DeadLetterWriter {
  readonly #producer: RecordProducer;
  readonly #topic: string;

  constructor(producer: RecordProducer, topic: string) {
    this.#producer = producer;
    this.#topic = topic;
  }

  async write(letter: DeadLetter): Promise<void> {
    const headers: Record<string, string> = {
      [DEAD_LETTER_HEADERS.code]: letter.code,
      [DEAD_LETTER_HEADERS.detail]: letter.detail.slice(0, 4_000),
      [DEAD_LETTER_HEADERS.source]: letter.source,
      [DEAD_LETTER_HEADERS.path]: letter.path,
      [DEAD_LETTER_HEADERS.receivedAt]: new Date(letter.receivedAt).toISOString(),
      [DEAD_LETTER_HEADERS.senderAddress]: letter.senderAddress,
      [DEAD_LETTER_HEADERS.requestId]: letter.requestId,
    };
    if (letter.contentType !== undefined) headers[DEAD_LETTER_HEADERS.contentType] = letter.contentType;
    if (letter.eventType !== undefined) headers[DEAD_LETTER_HEADERS.eventType] = letter.eventType;
    await this.#producer.send({
      topic: this.#topic,
      key: `${letter.source}:${letter.requestId}`,
      value: Buffer.from(letter.body),
      headers,
    });
  }
}
