#!/usr/bin/env node
// Installed entry point: the compiled CLI (`npm run build` produces dist/).
import '../dist/src/cli/run.js';
