// Feature detection: can this JavaScript engine run build/rnnlab.wasm? (Used by init() in Node and the browser.)
// The binary needs fixed-width SIMD (v128) and imports a *shared* memory (scripts/build-wasm.mjs
// builds it with --enable simd --enable threads --sharedMemory). Both are probed directly rather
// than guessed from the user agent.

// The smallest module that only validates with SIMD: (func (result v128) i32.const 0 i8x16.splat).
// Hand-assembled from the binary format (WebAssembly core spec 5.5; i8x16.splat = 0xFD 0x0F).
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,   // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,         // type section: one type, () -> (v128)
  0x03, 0x02, 0x01, 0x00,                           // function section: one function of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00,                     // code section: one body of 6 bytes, no locals
  0x41, 0x00, 0xfd, 0x0f, 0x0b,                     //   i32.const 0; i8x16.splat; end
]);

export interface Features {
  webAssembly: boolean;
  simd: boolean;
  /** new WebAssembly.Memory({ shared: true }) works */
  sharedMemory: boolean;
  /** the page is cross-origin isolated (COOP + COEP); not needed for one thread, reported for information */
  crossOriginIsolated: boolean;
}

export function detectFeatures(): Features {
  const webAssembly = typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";
  let simd = false, sharedMemory = false;
  if (webAssembly) {
    try { simd = WebAssembly.validate(SIMD_PROBE); } catch { simd = false; }
    try { sharedMemory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer !== undefined; } catch { sharedMemory = false; }
  }
  return { webAssembly, simd, sharedMemory, crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true };
}

/** For tests: the probe bytes (a test checks that they validate in Node, whose V8 has SIMD). */
export const simdProbe = (): ArrayBuffer => SIMD_PROBE.slice().buffer;
