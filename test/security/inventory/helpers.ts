import type { ImageFile } from '../../../src/security/types.js';

/** An image file as the target stage hands it over. */
export function file(path: string, content: string | Buffer, layer = 0): ImageFile {
  const data = Buffer.from(content);
  return { path, layer, size: data.length, mode: 0o644, content: data };
}

/** An Alpine database: two good records, one without a version, a garbage line, one more good record. */
export const APK_INSTALLED = `C:Q1Ycse/oWtAmNNtoTtlmOVUwqDnO0=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407710
I:667648
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1705512546
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755

C:Q1ohr6YHpKSYUr3KhZyhoxhVIdqaU=
P:libcrypto3
V:3.1.4-r5
A:x86_64
L:Apache-2.0
o:openssl
D:so:libc.musl-x86_64.so.1

P:no-version
A:x86_64

garbage line
P:busybox
V:1.36.1-r15
`;
