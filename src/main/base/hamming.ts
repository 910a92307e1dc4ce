import { codeBits, codeWords } from './sign-code';

/*
 * The Hamming distance of a query's 256-bit code to every stored code, in WebAssembly SIMD: two
 * 16-byte loads, xor, a per-byte popcount and two pairwise sums a code, 6.5x faster than the same
 * loop in JavaScript at a million codes (BENCHMARKS.md, "Search by meaning and one-word relevance
 * within goal"). The module is written out below as its bytes, each instruction named, each step
 * said in a comment.
 */

// Memory layout: the query's code, the histogram of distances, then the codes, the distances and
// the collected slots, each `capacity` long.
const queryAt = 0;
const histogramAt = 64;
const codesAt = 2048;
const codeBytes = codeBits / 8;
const pageBytes = 65536;

// Instruction bytes (the WebAssembly core and SIMD specifications' opcodes).
const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Load: [0x28, 0x02, 0x00],
  i32Load16U: [0x2f, 0x01, 0x00],
  i32Store: [0x36, 0x02, 0x00],
  i32Store16: [0x3b, 0x01, 0x00],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32LeS: [0x4c],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32And: [0x71],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  v128Load: (offset: number) => [...simd(0x00), 0x04, ...uleb(offset)],
  i32x4ExtractLane: (lane: number) => [...simd(0x1b), lane],
  v128Xor: simd(0x51),
  i8x16Popcnt: simd(0x62),
  i8x16Add: simd(0x6e),
  i16x8ExtaddPairwiseI8x16U: simd(0x7d),
  i32x4ExtaddPairwiseI16x8U: simd(0x7f),
};
const i32Type = 0x7f;
const v128Type = 0x7b;

/**
 * distances(codes, count, out, histogram): for each of `count` codes from address `codes`, its
 * distance to the query's code (at 0) as a u16 at `out`, counted in the histogram (i32 per distance).
 */
function distancesBody(): number[] {
  const [codes, count, out, histogram, q0, q1, end, at, sums] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const lane = (index: number) => [...op.get(sums), ...op.i32x4ExtractLane(index)];
  return [
    // locals: 2 v128 (q0, q1), 2 i32 (end, at), 1 v128 (sums)
    3, 2, v128Type, 2, i32Type, 1, v128Type,
    ...op.i32(queryAt), ...op.v128Load(0), ...op.set(q0),
    ...op.i32(queryAt), ...op.v128Load(16), ...op.set(q1),
    // end = codes + count * 32
    ...op.get(codes), ...op.get(count), ...op.i32(5), ...op.i32Shl, ...op.i32Add, ...op.set(end),
    ...op.block,
    ...op.get(codes), ...op.get(end), ...op.i32GeU, ...op.brIf(0),
    ...op.loop,
    // sums = pairwise sums of popcnt(code[0..16] ^ q0) + popcnt(code[16..32] ^ q1): four lanes
    ...op.get(codes), ...op.v128Load(0), ...op.get(q0), ...op.v128Xor, ...op.i8x16Popcnt,
    ...op.get(codes), ...op.v128Load(16), ...op.get(q1), ...op.v128Xor, ...op.i8x16Popcnt,
    ...op.i8x16Add, ...op.i16x8ExtaddPairwiseI8x16U, ...op.i32x4ExtaddPairwiseI16x8U, ...op.set(sums),
    // at = histogram + 4 * (lane 0 + lane 1 + lane 2 + lane 3)
    ...op.get(histogram),
    ...lane(0), ...lane(1), ...op.i32Add, ...lane(2), ...lane(3), ...op.i32Add, ...op.i32Add,
    ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.set(at),
    // *out = (at - histogram) >> 2; *at += 1
    ...op.get(out), ...op.get(at), ...op.get(histogram), ...op.i32Sub, ...op.i32(2), ...op.i32ShrU, ...op.i32Store16,
    ...op.get(at), ...op.get(at), ...op.i32Load, ...op.i32(1), ...op.i32Add, ...op.i32Store,
    ...op.get(out), ...op.i32(2), ...op.i32Add, ...op.set(out),
    ...op.get(codes), ...op.i32(codeBytes), ...op.i32Add, ...op.set(codes),
    ...op.get(codes), ...op.get(end), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
}

/**
 * collect(distances, count, above, upTo, out) -> found: the slots whose distance is above `above`
 * (signed: -1 takes distance 0) and at most `upTo`, in slot order, as i32s at `out`.
 */
function collectBody(): number[] {
  const [distances, count, above, upTo, out, slot, distance, found] = [0, 1, 2, 3, 4, 5, 6, 7];
  return [
    // locals: 3 i32 (slot, distance, found)
    1, 3, i32Type,
    ...op.block,
    ...op.get(count), ...op.i32Eqz, ...op.brIf(0),
    ...op.loop,
    ...op.get(distances), ...op.get(slot), ...op.i32(1), ...op.i32Shl, ...op.i32Add, ...op.i32Load16U, ...op.set(distance),
    ...op.get(distance), ...op.get(above), ...op.i32GtS, ...op.get(distance), ...op.get(upTo), ...op.i32LeS, ...op.i32And,
    ...op.if,
    ...op.get(out), ...op.get(found), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...op.get(slot), ...op.i32Store,
    ...op.get(found), ...op.i32(1), ...op.i32Add, ...op.set(found),
    ...op.end,
    ...op.get(slot), ...op.i32(1), ...op.i32Add, ...op.set(slot),
    ...op.get(slot), ...op.get(count), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.get(found),
    ...op.end,
  ];
}

function moduleBytes(): Uint8Array {
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
  const name = (text: string) => [...uleb(text.length), ...Buffer.from(text, 'ascii')];
  const body = (code: number[]) => [...uleb(code.length), ...code];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: (i32 x4) -> (), (i32 x5) -> i32
    ...section(1, vector([
      [0x60, 4, i32Type, i32Type, i32Type, i32Type, 0],
      [0x60, 5, i32Type, i32Type, i32Type, i32Type, i32Type, 1, i32Type],
    ])),
    ...section(3, vector([[0], [1]])),
    // one memory of at least one page
    ...section(5, vector([[0x00, 1]])),
    ...section(7, vector([
      [...name('memory'), 0x02, 0],
      [...name('distances'), 0x00, 0],
      [...name('collect'), 0x00, 1],
    ])),
    ...section(10, vector([body(distancesBody()), body(collectBody())])),
  ]);
}

function uleb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return bytes;
}

function sleb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

let compiled: WebAssembly.Module | undefined;

/**
 * Short codes kept in WebAssembly memory, with their distances to a query computed there. Holds
 * `capacity` codes; `reserve` grows it (the views are new after that).
 */
export class ShortCodeTable {
  private readonly memory: WebAssembly.Memory;
  private readonly kernel: {
    distances(codes: number, count: number, out: number, histogram: number): void;
    collect(distances: number, count: number, above: number, upTo: number, out: number): number;
  };
  private capacity = 0;
  /** Every slot's code, `codeWords` words each. */
  codes = new Uint32Array(0);

  constructor() {
    compiled ??= new WebAssembly.Module(moduleBytes());
    const instance = new WebAssembly.Instance(compiled);
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.kernel = instance.exports as unknown as ShortCodeTable['kernel'];
  }

  /** Room for `capacity` codes, keeping those stored. */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    // The collected slots' start is rounded up to 4: 4 bytes to spare.
    const needed = codesAt + capacity * (codeBytes + 2 + 4) + 4;
    const pages = Math.ceil((needed - this.memory.buffer.byteLength) / pageBytes);
    if (pages > 0) this.memory.grow(pages);
    this.capacity = capacity;
    this.codes = new Uint32Array(this.memory.buffer, codesAt, capacity * codeWords);
  }

  /**
   * The distance of each of the first `count` codes to `query` (its first `codeWords` words: a
   * long code's short code), and how many codes are at each
   * distance (0 to 256). Both are views, valid until the next call.
   */
  distances(query: Uint32Array, count: number): { distances: Uint16Array; histogram: Int32Array } {
    const { buffer } = this.memory;
    new Uint32Array(buffer, queryAt, codeWords).set(query.subarray(0, codeWords));
    const histogram = new Int32Array(buffer, histogramAt, codeBits + 1);
    histogram.fill(0);
    this.kernel.distances(codesAt, count, this.distancesAt, histogramAt);
    return { distances: new Uint16Array(buffer, this.distancesAt, count), histogram };
  }

  /** The slots among the first `count` whose last computed distance is above `above` and at most `upTo`, in order. */
  collect(count: number, above: number, upTo: number): Int32Array {
    const found = this.kernel.collect(this.distancesAt, count, above, upTo, this.collectedAt);
    return new Int32Array(this.memory.buffer, this.collectedAt, found);
  }

  private get distancesAt(): number {
    return codesAt + this.capacity * codeBytes;
  }

  private get collectedAt(): number {
    // The distances are u16s: round up to keep the i32s aligned.
    return (this.distancesAt + this.capacity * 2 + 3) & ~3;
  }
}
