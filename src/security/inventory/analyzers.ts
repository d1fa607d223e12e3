import { apkAnalyzer } from './apk.js';
import { dpkgAnalyzer } from './dpkg.js';
import { npmAnalyzer } from './npm.js';
import { osReleaseAnalyzer } from './os-release.js';
import { pythonAnalyzer } from './python.js';
import type { Analyzer } from './types.js';

/** Every analyzer, in one explicit list: adding one means adding it here, nothing registers itself. */
export const ANALYZERS: readonly Analyzer[] = [osReleaseAnalyzer, dpkgAnalyzer, apkAnalyzer, npmAnalyzer, pythonAnalyzer];
