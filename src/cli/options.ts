import { InvalidArgumentError } from 'commander';

/** Flag parsers: a bad value is a usage error that names the flag (commander adds the name). */
export function intOption(min: number, max: number) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return v;
  };
}

export function floatOption(min: number, max: number) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    return v;
  };
}

export function listOption(raw: string, previous: string[] = []): string[] {
  return [...previous, ...raw.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}
