import avsc from 'avsc';

/**
 * Whether a consumer on `reader` can read every record written with `writer` (Avro schema
 * resolution, as the registry's BACKWARD rule applies it). The reason when it cannot.
 */
export function cannotRead(reader: object, writer: object): string | undefined {
  try {
    avsc.Type.forSchema(reader as avsc.Schema).createResolver(avsc.Type.forSchema(writer as avsc.Schema));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
