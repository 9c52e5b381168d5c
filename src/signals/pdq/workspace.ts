/**
 * Reusable float buffers for hashing. Hashing is synchronous, so one module-level pair of
 * buffers can serve every call; reusing them spares the page faults of fresh 50 MB allocations,
 * which cost more than the arithmetic on large photos. Buffers larger than `retainLimit` floats
 * are handed out but not kept, so one huge image does not pin its memory for the life of the
 * process.
 */
const retainLimit = 16 * 1024 * 1024;

let lumaBuffer = new Float32Array(0);
let scratchBuffer = new Float32Array(0);

/** Two buffers of at least `size` floats: one for luma, one for the filter's intermediate. */
export function borrowBuffers(size: number): { luma: Float32Array; scratch: Float32Array } {
  if (size > retainLimit) return { luma: new Float32Array(size), scratch: new Float32Array(size) };
  if (lumaBuffer.length < size) {
    lumaBuffer = new Float32Array(size);
    scratchBuffer = new Float32Array(size);
  }
  return { luma: lumaBuffer.subarray(0, size), scratch: scratchBuffer.subarray(0, size) };
}
