/** Test images are the demo's benign generated patterns (see `src/demo/patterns.ts`). */
export { patternImage, patternPixels } from '../../src/demo/index.js';
