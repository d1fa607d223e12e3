import { describe, expect, it } from 'vitest';
import { SECRET_RULES } from '../../../src/security/secrets/rules.js';
import { TOKEN, rnd } from './fakes.js';
import { RULE_CASES } from './cases.js';

const MIB = 1024 * 1024;
const fill = (prefix: string, unit: string): string => prefix + unit.repeat(Math.ceil((MIB - prefix.length) / unit.length));
const FILLERS = ['a', '0', '-', '/', '=', ' ', rnd(TOKEN, 61)];

/** 1 MiB inputs built to make a backtracking regex work hardest: long runs of what it accepts, and near misses. */
function adversarial(ruleId: string, keyword: string): string[] {
  const { positive } = RULE_CASES[ruleId];
  const lead = positive.slice(0, Math.min(positive.length - 1, 24));
  const inputs = [fill('', positive.slice(0, -1)), fill('', `${positive} `), fill('', `${keyword}=`)];
  for (const prefix of [keyword, lead]) for (const f of FILLERS) inputs.push(fill(prefix, f));
  return inputs;
}

describe('every rule is safe from catastrophic backtracking', () => {
  for (const rule of SECRET_RULES) {
    it(`${rule.id} finishes 1 MiB adversarial inputs quickly`, () => {
      // The rule's own regex, straight: what is under test is the pattern, not the scanner around it.
      const regex = new RegExp(rule.regex.source, rule.regex.flags);
      const started = performance.now();
      let scanned = 0;
      for (const keyword of rule.keywords.slice(0, 2)) {
        for (const input of adversarial(rule.id, keyword)) {
          regex.lastIndex = 0;
          while (regex.exec(input) !== null);
          scanned++;
        }
      }
      // A catastrophic pattern takes minutes on these inputs; linear ones take milliseconds.
      expect(performance.now() - started).toBeLessThan(2000);
      expect(scanned).toBeGreaterThanOrEqual(17);
    });
  }
});
