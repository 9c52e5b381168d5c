#!/usr/bin/env node
// The `prevail` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { main } from '../dist/cli/main.js';

await main();
