import { SignatureError } from './errors.js';

/** The first PEM block of a text: its label and DER bytes. */
export function decodePem(text: string, what: string): { label: string; der: Buffer } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null) throw new SignatureError('BAD_KEY', `${what} is not a PEM file (no BEGIN/END block)`);
  const body = m[2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new SignatureError('BAD_KEY', `${what}: the ${m[1]} block is not base64`);
  return { label: m[1], der: Buffer.from(body, 'base64') };
}

/** PEM with 64-character lines, as Go's encoding/pem writes it. */
export function encodePem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
