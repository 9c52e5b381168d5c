/**
 * The demo: a bank of generated benign pictures and files to try lookups with, and the review
 * console's demo seed (people, a policy, cases from synthetic events through the real engine).
 */
export {
  type ConsoleDemoSeed,
  type ConsoleDemoServices,
  type DemoLogin,
  type DemoScenario,
  demoPeople,
  seedConsoleDemo,
  writeDemoPolicy,
} from './console-demo.js';
export { type DemoFiles, demoBankName, setUpDemoBank } from './demo-bank.js';
export { patternImage, patternPixels } from './patterns.js';
