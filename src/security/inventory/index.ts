/** The inventory stage: analyzers that find the OS and installed packages in an image's files. */
export { analyzeInventory, inventoryWanted } from './analyze.js';
export { ANALYZERS } from './analyzers.js';
export type { Analyzer, AnalyzerResult, FoundPackage, InventoryWarning } from './types.js';
