// The few protobuf bytes the grpc transport needs without .proto files: encode grpc.health.v1
// HealthCheckRequest{ service = 1 } and read HealthCheckResponse{ status = 1 } (proto3 wire format).

/** grpc.health.v1.HealthCheckResponse.ServingStatus, by wire value. */
export const SERVING_STATUS_NAMES: readonly string[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

function encodeVarint(value: number, out: number[]): void {
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

/** HealthCheckRequest{ service }: proto3 leaves an empty string off the wire, so '' encodes to 0 bytes. */
export function encodeHealthCheckRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0);
  const text = Buffer.from(service, 'utf8');
  const head: number[] = [(1 << 3) | WIRE_LEN];
  encodeVarint(text.length, head);
  return Buffer.concat([Buffer.from(head), text]);
}

interface VarintRead {
  readonly value: number;
  readonly next: number;
}

function readVarint(bytes: Uint8Array, start: number): VarintRead | undefined {
  let value = 0;
  let scale = 1;
  // 10 bytes is the longest legal varint; anything longer is garbage, not a number.
  for (let i = start; i < bytes.length && i < start + 10; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

/**
 * The `status` field of a HealthCheckResponse, or undefined when the bytes are not one (a custom
 * method's message, or malformed). A message without field 1 is status 0 (UNKNOWN) per proto3.
 */
export function decodeHealthStatus(bytes: Uint8Array): number | undefined {
  let status = 0;
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    if (!tag) return undefined;
    at = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value & 7;
    if (field === 0) return undefined;
    if (wire === WIRE_VARINT) {
      const value = readVarint(bytes, at);
      if (!value) return undefined;
      at = value.next;
      if (field === 1) status = value.value;
    } else if (wire === WIRE_LEN) {
      const length = readVarint(bytes, at);
      if (!length || length.next + length.value > bytes.length) return undefined;
      at = length.next + length.value;
    } else if (wire === WIRE_I64) {
      at += 8;
    } else if (wire === WIRE_I32) {
      at += 4;
    } else {
      return undefined;
    }
  }
  return at === bytes.length ? status : undefined;
}

export function servingStatusName(status: number): string {
  return SERVING_STATUS_NAMES[status] ?? `status ${status}`;
}
