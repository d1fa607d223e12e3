import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository's own policy file: the tests decide the real policies, not a copy of them. */
export const REPO_POLICY_FILE = new URL('../../../deploy/policies/security-policies.yaml', import.meta.url).pathname;

const DIGEST = 'sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0';

/** A deploy tree that meets every required policy: the project root holds these paths. */
export const HARDENED: Record<string, string> = {
  Dockerfile: `ARG BASE_IMAGE=node:20-bookworm-slim@${DIGEST}

FROM \${BASE_IMAGE} AS build
WORKDIR /build
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund

FROM \${BASE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=8000
WORKDIR /app
COPY --from=build /build /app
USER 1000:1000
VOLUME ["/tmp", "/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s CMD ["node", "-e", "fetch('http://127.0.0.1:8000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/churn.js"]
CMD ["start"]
`,
  'deploy/k8s/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: churn
`,
  'deploy/k8s/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: churn-predictor
  namespace: churn
spec:
  replicas: 2
  selector:
    matchLabels: {app: churn-predictor}
  template:
    metadata:
      labels: {app: churn-predictor}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: api
          image: churn-predictor:0.1.0
          ports:
            - name: http
              containerPort: 8000
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          resources:
            limits:
              memory: 1Gi
              cpu: 1000m
            requests:
              memory: 512Mi
              cpu: 500m
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: tmp
          emptyDir: {}
`,
  'deploy/k8s/rescan-cronjob.yaml': `apiVersion: batch/v1
kind: CronJob
metadata:
  name: rescan
  namespace: churn
spec:
  schedule: "0 3 * * 1"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {app: rescan}
        spec:
          restartPolicy: Never
          automountServiceAccountToken: false
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
            seccompProfile: {type: RuntimeDefault}
          containers:
            - name: scan
              image: churn-predictor:0.1.0
              args: [security-scan, churn-predictor:0.1.0]
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
              resources:
                limits: {memory: 512Mi, cpu: 500m}
                requests: {memory: 256Mi, cpu: 250m}
`,
  'deploy/k8s/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: churn-predictor
  namespace: churn
spec:
  selector: {app: churn-predictor}
  ports:
    - name: http
      port: 8000
      targetPort: http
`,
  'deploy/k8s/networkpolicies.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: churn
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: churn-predictor
  namespace: churn
spec:
  podSelector:
    matchLabels: {app: churn-predictor}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
      ports:
        - {port: 8000, protocol: TCP}
  egress:
    - to:
        - namespaceSelector: {}
          podSelector:
            matchLabels: {k8s-app: kube-dns}
      ports:
        - {port: 53, protocol: UDP}
        - {port: 53, protocol: TCP}
    - to:
        - podSelector:
            matchLabels: {app: redis}
      ports:
        - {port: 6379, protocol: TCP}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: quarantine
  namespace: churn
spec:
  podSelector:
    matchLabels: {quarantine: "true"}
  policyTypes: [Ingress, Egress]
`,
  'deploy/docker-compose.yml': `services:
  api:
    build:
      context: ..
      dockerfile: Dockerfile
    image: churn-predictor:0.1.0
    user: "1000:1000"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    tmpfs: [/tmp]
    ports:
      - "8000:8000"
    networks: [frontend, backend]
    deploy:
      resources:
        limits:
          memory: 1g
          cpus: "1.0"
        reservations:
          memory: 512m
          cpus: "0.5"
  redis:
    image: redis:7.2-alpine
    user: "999:999"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    networks: [backend]
    deploy:
      resources:
        limits: {memory: 256m, cpus: "0.5"}

networks:
  frontend: {}
  backend:
    internal: true
`,
  '.github/workflows/security.yml': `name: security
on:
  push:
    branches: [main]
  pull_request:
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: docker build -t churn-predictor:ci .
      - name: Scan the image
        run: scripts/security-scan.sh churn-predictor:ci
`,
};

/** Writes the hardened tree (and the repository's policy file) under `root`; returns the deploy folder. */
export function writeHardenedTree(root: string, files: Record<string, string> = HARDENED): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  mkdirSync(join(root, 'deploy/policies'), { recursive: true });
  cpSync(REPO_POLICY_FILE, join(root, 'deploy/policies/security-policies.yaml'));
  return join(root, 'deploy');
}

/** Replaces `from` by `to` in one file of a tree; throws when `from` is not there, so a test cannot pass vacuously. */
export function edit(root: string, rel: string, from: string, to: string): void {
  const path = join(root, rel);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${rel} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}
