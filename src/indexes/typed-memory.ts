/**
 * Where an index allocates its typed arrays: the V8-external heap (`heapMemory`, one thread), or
 * `SharedArrayBuffer`s (`sharedMemory`) that worker threads attach to without copying (see
 * `SharedPdqIndex`). Both give zeroed memory; pages never written stay virtual either way.
 */
export interface TypedMemory {
  readonly shared: boolean;
  u32(length: number): Uint32Array;
  i32(length: number): Int32Array;
  u16(length: number): Uint16Array;
}

export const heapMemory: TypedMemory = {
  shared: false,
  u32: (length) => new Uint32Array(length),
  i32: (length) => new Int32Array(length),
  u16: (length) => new Uint16Array(length),
};

export const sharedMemory: TypedMemory = {
  shared: true,
  u32: (length) => new Uint32Array(new SharedArrayBuffer(length * 4)),
  i32: (length) => new Int32Array(new SharedArrayBuffer(length * 4)),
  u16: (length) => new Uint16Array(new SharedArrayBuffer(length * 2)),
};
