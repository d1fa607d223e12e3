import { main } from '../../../src/cli/main.js';

/** The CLI as a process of its own, for tests that need a real terminal (see tty.test.ts). */
process.exitCode = await main(process.argv);
