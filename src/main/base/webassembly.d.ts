// Node's WebAssembly global, as far as src/main/base/hamming.ts uses it: @types/node 20 does not
// declare it and the core's tsconfig has no DOM library.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
