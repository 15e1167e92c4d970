// The protobuf wire format (protobuf.dev/programming-guides/encoding), just enough for ONNX:
// varints (int32, int64, enums, tags, lengths), fixed32 (float), fixed64 (double) and
// length-delimited fields (strings, bytes, sub-messages, packed repeated scalars).
// The reader never reads past its end: every length is checked against the bytes that remain
// and every problem is a PbError naming the field path ("graph.initializer[3].raw_data").
// The writer grows one buffer; sub-messages are encoded first and copied in with their length.

/** A malformed input; `path` is the field being read. Turned into a RnnlabError by the codec. */
export class PbError extends Error {
  constructor(readonly path: string, readonly detail: string) { super(`${path || "file"}${detail.startsWith(" ") ? "" : ": "}${detail}`); }
}

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** A bounded view [at, end) of the input. */
export class PbReader {
  constructor(readonly b: Uint8Array, public at: number, readonly end: number) {}

  get remaining(): number { return this.end - this.at; }

  /** An unsigned varint as a BigInt (up to 10 bytes = 64 bits). */
  private varintBig(path: string): bigint {
    let value = 0n, shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.at >= this.end) throw new PbError(path, `a varint runs past the end at offset ${this.at}`);
      const byte = this.b[this.at++];
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (byte < 0x80) return BigInt.asUintN(64, value);
    }
    throw new PbError(path, `varint longer than 10 bytes at offset ${this.at}`);
  }

  /** An unsigned varint that must fit in 53 bits (lengths, tags): exact as a number. */
  uint(path: string): number {
    const start = this.at;
    let value = 0, scale = 1;
    for (let i = 0; i < 7; i++) {                     // 7 × 7 = 49 bits: exact in a double
      if (this.at >= this.end) throw new PbError(path, `a varint runs past the end at offset ${this.at}`);
      const byte = this.b[this.at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return value;
    }
    this.at = start;
    const big = this.varintBig(path);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new PbError(path, `varint ${big} at offset ${start} is too large here`);
    return Number(big);
  }

  /** A varint read as two's-complement int64 (or int32), as the nearest number. */
  int(path: string, bits: 32 | 64): number {
    const start = this.at;
    let value = 0, scale = 1;
    for (let i = 0; i < 7; i++) {
      if (this.at >= this.end) throw new PbError(path, `a varint runs past the end at offset ${this.at}`);
      const byte = this.b[this.at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return bits === 32 ? value | 0 : value;   // < 2^49: non-negative as int64
    }
    this.at = start;
    return Number(BigInt.asIntN(bits, this.varintBig(path)));
  }

  /** n bytes, or a PbError saying how many were needed and how many remain. */
  need(n: number, path: string): void {
    if (n > this.remaining) throw new PbError(path, ` needs ${n} bytes at offset ${this.at}, only ${this.remaining} remain`);
  }

  float32(path: string): number {
    this.need(4, path);
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.at, 4).getFloat32(0, true);
    this.at += 4;
    return v;
  }

  float64(path: string): number {
    this.need(8, path);
    const v = new DataView(this.b.buffer, this.b.byteOffset + this.at, 8).getFloat64(0, true);
    this.at += 8;
    return v;
  }

  /** The length prefix of a length-delimited field, checked against what remains. */
  length(path: string): number {
    const n = this.uint(path);
    this.need(n, path);
    return n;
  }

  /** A copy (own buffer, offset 0: safe to view as Float32Array) of the next n bytes. */
  bytes(n: number): Uint8Array {
    const out = this.b.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** Skip a field of an unknown number. Groups (wire types 3, 4) are not used by ONNX: refused. */
  skip(wire: number, path: string): void {
    if (wire === WIRE.varint) this.uint64Skip(path);
    else if (wire === WIRE.fixed64) { this.need(8, path); this.at += 8; }
    else if (wire === WIRE.fixed32) { this.need(4, path); this.at += 4; }
    else if (wire === WIRE.bytes) this.at += this.length(path);
    else throw new PbError(path, `unknown wire type ${wire} at offset ${this.at}`);
  }

  private uint64Skip(path: string): void { this.varintBig(path); }
}

/** A growing output buffer. */
export class PbWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** A varint of a non-negative integer, or of a negative one as 64-bit two's complement (10 bytes). */
  varint(v: number): void {
    if (!Number.isInteger(v)) throw new RangeError(`PbWriter.varint: ${v} is not an integer`);
    if (v < 0 || v > Number.MAX_SAFE_INTEGER) {
      let big = BigInt.asUintN(64, BigInt(v));
      this.ensure(10);
      do {
        const byte = Number(big & 0x7fn);
        big >>= 7n;
        this.buf[this.len++] = big > 0n ? byte | 0x80 : byte;
      } while (big > 0n);
      return;
    }
    this.ensure(8);
    while (v >= 0x80) { this.buf[this.len++] = (v % 128) | 0x80; v = Math.floor(v / 128); }
    this.buf[this.len++] = v;
  }

  tag(field: number, wire: number): void { this.varint(field * 8 + wire); }

  float32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer, this.len, 4).setFloat32(0, v, true);
    this.len += 4;
  }

  float64(v: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.len, 8).setFloat64(0, v, true);
    this.len += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** A length-delimited field: tag, length, bytes. */
  lengthDelimited(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE.bytes);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  finish(): Uint8Array { return this.buf.slice(0, this.len); }
}
