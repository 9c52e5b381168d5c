/** The demo: a bank of generated benign pictures and files to try lookups with. */
export { type DemoFiles, demoBankName, setUpDemoBank } from './demo-bank.js';
export { patternImage, patternPixels } from './patterns.js';
