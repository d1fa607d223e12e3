import type { SecretRule } from './types.js';

/*
 * Every regex here must stay linear-time: each repetition is bounded, and no quantified group
 * holds another quantifier over characters the group's successor also accepts. The ReDoS test
 * feeds every rule 1 MiB adversarial inputs.
 */

const g = (source: string, flags = ''): RegExp => new RegExp(source, `g${flags}`);

/** What follows a key name before its value: optional quote, `=`, `:`, `:=` or `=>`, optional quote. */
const ASSIGN = `["']?\\s{0,3}(?:=>|:=|=|:)\\s{0,3}["'\`]?`;

/** Values of generic assignments that are references, not secrets. */
const CODE_REFERENCES: readonly RegExp[] = [
  /^(?:process\.env|os\.environ|os\.getenv|getenv|env\.|ENV\[|config\.|settings\.|self\.|this\.|props\.|req\.|request\.|args\.|options\.|opts\.)/i,
  /^[A-Za-z_][A-Za-z0-9_.]{0,80}\(/,
  // Source code rather than a value: an identifier with member access, indexing, a call or a
  // type's brackets (`SecretFinding[]`, `m.groups?.secret`, `NO_OPTIONS)`, Perl's
  // `Cwd::getcwd()`, `$this->{password}`, `$insta::secret`).
  /^[A-Za-z_$][\w$.]{0,128}(?:\?\.|::|->|[[\](){}<>])[\w$.?[\](){}<>:-]{0,128}$/,
  /^(?:\/|\.\/|\.\.\/|~\/|file:)/,
  /^[A-Za-z_.-]{1,128}$/,
  /^(?:true|false|null|none|nil|undefined|required|optional|string|bytes)\b/i,
];

const PEM_BODY = `[ \\t]{0,8}(?:\\r?\\n|\\\\n)(?:[A-Za-z-]{1,24}: [^\\r\\n]{1,120}(?:\\r?\\n|\\\\n)){0,4}(?:\\r?\\n|\\\\n)?(?<secret>[A-Za-z0-9+/=]{40,400})`;

function pem(id: string, label: string, title: string): SecretRule {
  return {
    id,
    category: 'PrivateKey',
    severity: 'HIGH',
    title,
    regex: g(`-----BEGIN ${label}-----${PEM_BODY}`),
    keywords: [`begin ${label.toLowerCase()}`],
  };
}

function generic(id: string, title: string, names: readonly string[], keywords: readonly string[]): SecretRule {
  return {
    id,
    category: 'Generic',
    severity: 'MEDIUM',
    title,
    regex: g(`(?:${names.join('|')})[A-Za-z0-9_.-]{0,20}${ASSIGN}(?<secret>[^\\s"'\`;,]{8,128})`, 'i'),
    keywords,
    entropy: 3,
    allow: CODE_REFERENCES,
    anchored: true,
  };
}

function dbUrl(id: string, title: string, schemes: readonly string[], keywords: readonly string[]): SecretRule {
  return {
    id,
    category: 'Database',
    severity: 'HIGH',
    title,
    regex: g(`\\b(?:${schemes.join('|')})://[^\\s:@/"'<>]{1,64}:(?<secret>[^\\s:@/"'<>]{3,128})@[^\\s/"'<>:]{1,255}`, 'i'),
    keywords,
  };
}

/** The built-in rules. */
export const SECRET_RULES: readonly SecretRule[] = [
  // Cloud providers
  { id: 'aws-access-key-id', category: 'AWS', severity: 'CRITICAL', title: 'AWS access key ID', regex: g('\\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})\\b'), keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'] },
  { id: 'aws-secret-access-key', category: 'AWS', severity: 'CRITICAL', title: 'AWS secret access key', regex: g(`(?:aws[_.-]?)?secret[_.-]?(?:access[_.-]?)?key${ASSIGN}(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`, 'i'), keywords: ['secret_access_key', 'secretaccesskey', 'secret-access-key', 'aws_secret', 'aws-secret', 'secret_key', 'secretkey'], entropy: 3.5 },
  { id: 'aws-mws-key', category: 'AWS', severity: 'HIGH', title: 'Amazon MWS auth token', regex: g('\\b(?<secret>amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b'), keywords: ['amzn.mws.'] },
  { id: 'gcp-service-account', category: 'GCP', severity: 'CRITICAL', title: 'GCP service account key (private_key_id)', regex: g('"private_key_id"\\s{0,3}:\\s{0,3}"(?<secret>[a-f0-9]{40})"'), keywords: ['private_key_id'] },
  { id: 'gcp-api-key', category: 'GCP', severity: 'HIGH', title: 'Google (GCP) API key', regex: g('\\b(?<secret>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])'), keywords: ['aiza'] },
  { id: 'gcp-oauth-client-secret', category: 'GCP', severity: 'HIGH', title: 'Google OAuth client secret', regex: g('\\b(?<secret>GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])'), keywords: ['gocspx-'] },
  { id: 'azure-storage-account-key', category: 'Azure', severity: 'CRITICAL', title: 'Azure storage account key', regex: g('AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)', 'i'), keywords: ['accountkey='] },
  { id: 'azure-sas-token', category: 'Azure', severity: 'HIGH', title: 'Azure shared access signature', regex: g('[?&]sig=(?<secret>[A-Za-z0-9%+/]{40,120})'), keywords: ['sig='] },
  { id: 'azure-ad-client-secret', category: 'Azure', severity: 'HIGH', title: 'Azure AD client secret', regex: g('(?:^|[^A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])'), keywords: ['q~'] },
  { id: 'digitalocean-token', category: 'DigitalOcean', severity: 'HIGH', title: 'DigitalOcean personal access token', regex: g('\\b(?<secret>do[por]_v1_[a-f0-9]{64})\\b'), keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'] },
  { id: 'heroku-api-key', category: 'Heroku', severity: 'HIGH', title: 'Heroku API key', regex: g(`heroku[A-Za-z0-9_.-]{0,20}${ASSIGN}(?<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b`, 'i'), keywords: ['heroku'] },
  { id: 'databricks-token', category: 'Databricks', severity: 'HIGH', title: 'Databricks API token', regex: g('\\b(?<secret>dapi[a-f0-9]{32})(?:-\\d)?\\b'), keywords: ['dapi'] },
  { id: 'vault-token', category: 'HashiCorp', severity: 'HIGH', title: 'HashiCorp Vault service token', regex: g('\\b(?<secret>hvs\\.[A-Za-z0-9_-]{90,120})(?![A-Za-z0-9_-])'), keywords: ['hvs.'] },
  { id: 'terraform-cloud-token', category: 'HashiCorp', severity: 'HIGH', title: 'Terraform Cloud API token', regex: g('\\b(?<secret>[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_=-])'), keywords: ['.atlasv1.'] },
  // Source hosting and registries
  { id: 'github-pat', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub personal access token (classic)', regex: g('\\b(?<secret>ghp_[A-Za-z0-9]{36})\\b'), keywords: ['ghp_'] },
  { id: 'github-fine-grained-pat', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub fine-grained personal access token', regex: g('\\b(?<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\\b'), keywords: ['github_pat_'] },
  { id: 'github-oauth', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub OAuth access token', regex: g('\\b(?<secret>gho_[A-Za-z0-9]{36})\\b'), keywords: ['gho_'] },
  { id: 'github-app-token', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub App token', regex: g('\\b(?<secret>(?:ghu|ghs)_[A-Za-z0-9]{36})\\b'), keywords: ['ghu_', 'ghs_'] },
  { id: 'github-refresh-token', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub refresh token', regex: g('\\b(?<secret>ghr_[A-Za-z0-9]{36,76})\\b'), keywords: ['ghr_'] },
  { id: 'gitlab-pat', category: 'GitLab', severity: 'CRITICAL', title: 'GitLab personal access token', regex: g('\\b(?<secret>glpat-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])'), keywords: ['glpat-'] },
  { id: 'gitlab-pipeline-trigger-token', category: 'GitLab', severity: 'HIGH', title: 'GitLab pipeline trigger token', regex: g('\\b(?<secret>glptt-[0-9a-f]{40})\\b'), keywords: ['glptt-'] },
  { id: 'gitlab-runner-token', category: 'GitLab', severity: 'HIGH', title: 'GitLab runner authentication token', regex: g('\\b(?<secret>glrt-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])'), keywords: ['glrt-'] },
  { id: 'gitlab-deploy-token', category: 'GitLab', severity: 'HIGH', title: 'GitLab deploy token', regex: g('\\b(?<secret>gldt-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])'), keywords: ['gldt-'] },
  { id: 'npm-token', category: 'npm', severity: 'CRITICAL', title: 'npm access token', regex: g('\\b(?<secret>npm_[A-Za-z0-9]{36})\\b'), keywords: ['npm_'] },
  { id: 'npmrc-auth-token', category: 'npm', severity: 'HIGH', title: 'npm registry auth token in .npmrc', regex: g('_authToken\\s{0,3}=\\s{0,3}(?<secret>[A-Za-z0-9_.+/=-]{20,200})'), keywords: ['_authtoken'] },
  { id: 'pypi-token', category: 'PyPI', severity: 'CRITICAL', title: 'PyPI upload token', regex: g('\\b(?<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,200})(?![A-Za-z0-9_-])'), keywords: ['pypi-ageichlwas5vcmc'] },
  { id: 'dockerhub-pat', category: 'Docker', severity: 'HIGH', title: 'Docker Hub personal access token', regex: g('\\b(?<secret>dckr_pat_[A-Za-z0-9_-]{27})(?![A-Za-z0-9_-])'), keywords: ['dckr_pat_'] },
  // Chat, mail and payment
  { id: 'slack-bot-token', category: 'Slack', severity: 'HIGH', title: 'Slack bot token', regex: g('\\b(?<secret>xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})\\b'), keywords: ['xoxb-'] },
  { id: 'slack-user-token', category: 'Slack', severity: 'HIGH', title: 'Slack user token', regex: g('\\b(?<secret>xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})\\b'), keywords: ['xoxp-', 'xoxe-'] },
  { id: 'slack-app-token', category: 'Slack', severity: 'HIGH', title: 'Slack app-level token', regex: g('\\b(?<secret>xapp-\\d-[A-Z0-9]{9,11}-\\d{10,13}-[a-f0-9]{64})\\b'), keywords: ['xapp-'] },
  { id: 'slack-webhook', category: 'Slack', severity: 'HIGH', title: 'Slack incoming webhook URL', regex: g('https://hooks\\.slack\\.com/(?:services|workflows)/(?<secret>T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})\\b'), keywords: ['hooks.slack.com'] },
  { id: 'stripe-live-secret-key', category: 'Stripe', severity: 'CRITICAL', title: 'Stripe live secret key', regex: g('\\b(?<secret>sk_live_[0-9A-Za-z]{24,99})\\b'), keywords: ['sk_live_'] },
  { id: 'stripe-restricted-key', category: 'Stripe', severity: 'HIGH', title: 'Stripe live restricted key', regex: g('\\b(?<secret>rk_live_[0-9A-Za-z]{24,99})\\b'), keywords: ['rk_live_'] },
  { id: 'stripe-webhook-secret', category: 'Stripe', severity: 'HIGH', title: 'Stripe webhook signing secret', regex: g('\\b(?<secret>whsec_[A-Za-z0-9]{32,64})\\b'), keywords: ['whsec_'] },
  { id: 'twilio-api-key', category: 'Twilio', severity: 'HIGH', title: 'Twilio API key', regex: g('\\b(?<secret>SK[0-9a-f]{32})\\b'), keywords: ['sk'] },
  { id: 'twilio-auth-token', category: 'Twilio', severity: 'HIGH', title: 'Twilio auth token', regex: g(`twilio[A-Za-z0-9_.-]{0,20}${ASSIGN}(?<secret>[0-9a-f]{32})\\b`, 'i'), keywords: ['twilio'] },
  { id: 'sendgrid-api-key', category: 'SendGrid', severity: 'HIGH', title: 'SendGrid API key', regex: g('\\b(?<secret>SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])'), keywords: ['sg.'] },
  { id: 'mailgun-api-key', category: 'Mailgun', severity: 'HIGH', title: 'Mailgun API key', regex: g('\\b(?<secret>key-[0-9a-f]{32})\\b'), keywords: ['key-'] },
  { id: 'mailchimp-api-key', category: 'Mailchimp', severity: 'HIGH', title: 'Mailchimp API key', regex: g('\\b(?<secret>[0-9a-f]{32}-us[0-9]{1,2})\\b'), keywords: ['-us'] },
  { id: 'shopify-token', category: 'Shopify', severity: 'HIGH', title: 'Shopify access token or shared secret', regex: g('\\b(?<secret>shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32})\\b'), keywords: ['shpat_', 'shpss_', 'shpca_', 'shppa_'] },
  { id: 'square-token', category: 'Square', severity: 'HIGH', title: 'Square access token or OAuth secret', regex: g('\\b(?<secret>sq0(?:atp-[0-9A-Za-z_-]{22}|csp-[0-9A-Za-z_-]{43}))(?![0-9A-Za-z_-])'), keywords: ['sq0atp-', 'sq0csp-'] },
  { id: 'telegram-bot-token', category: 'Telegram', severity: 'MEDIUM', title: 'Telegram bot token', regex: g('\\b(?<secret>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])'), keywords: [':aa'] },
  { id: 'newrelic-user-key', category: 'NewRelic', severity: 'MEDIUM', title: 'New Relic user API key', regex: g('\\b(?<secret>NRAK-[A-Z0-9]{27})\\b'), keywords: ['nrak-'] },
  { id: 'openai-api-key', category: 'OpenAI', severity: 'HIGH', title: 'OpenAI API key', regex: g('\\b(?<secret>sk-(?:proj-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})(?![A-Za-z0-9_-])'), keywords: ['t3blbkfj'] },
  { id: 'anthropic-api-key', category: 'Anthropic', severity: 'HIGH', title: 'Anthropic API key', regex: g('\\b(?<secret>sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])'), keywords: ['sk-ant-'] },
  // Private keys
  pem('private-key-rsa', 'RSA PRIVATE KEY', 'RSA private key'),
  pem('private-key-ec', 'EC PRIVATE KEY', 'EC private key'),
  pem('private-key-dsa', 'DSA PRIVATE KEY', 'DSA private key'),
  pem('private-key-openssh', 'OPENSSH PRIVATE KEY', 'OpenSSH private key'),
  pem('private-key-pgp', 'PGP PRIVATE KEY BLOCK', 'PGP private key block'),
  pem('private-key-pkcs8', 'PRIVATE KEY', 'Private key (PKCS#8)'),
  pem('private-key-encrypted', 'ENCRYPTED PRIVATE KEY', 'Encrypted private key (PKCS#8)'),
  { id: 'age-secret-key', category: 'PrivateKey', severity: 'HIGH', title: 'age secret key', regex: g('\\b(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\\b'), keywords: ['age-secret-key-1'] },
  // Tokens and credentials in URLs
  { id: 'jwt', category: 'JWT', severity: 'MEDIUM', title: 'JSON Web Token', regex: g('\\b(?<secret>eyJ[A-Za-z0-9_-]{10,500}\\.eyJ[A-Za-z0-9_-]{10,4000}\\.[A-Za-z0-9_-]{10,1000})(?![A-Za-z0-9_-])'), keywords: ['eyj'] },
  dbUrl('postgres-url-password', 'PostgreSQL connection URL with password', ['postgres', 'postgresql'], ['postgres']),
  dbUrl('mysql-url-password', 'MySQL/MariaDB connection URL with password', ['mysql', 'mariadb'], ['mysql://', 'mariadb://']),
  dbUrl('mongodb-url-password', 'MongoDB connection URL with password', ['mongodb(?:\\+srv)?'], ['mongodb']),
  dbUrl('redis-url-password', 'Redis connection URL with password', ['rediss?'], ['redis://', 'rediss://']),
  dbUrl('amqp-url-password', 'AMQP (RabbitMQ) connection URL with password', ['amqps?'], ['amqp://', 'amqps://']),
  dbUrl('mssql-url-password', 'SQL Server connection URL with password', ['mssql', 'sqlserver'], ['mssql://', 'sqlserver://']),
  { id: 'url-basic-auth', category: 'Generic', severity: 'MEDIUM', title: 'HTTP URL with embedded password', regex: g('\\bhttps?://[^\\s:@/"\'<>]{1,64}:(?<secret>[^\\s:@/"\'<>]{3,128})@[^\\s/"\'<>:]{1,255}'), keywords: ['http://', 'https://'], anchored: true },
  // Generic assignments, gated by entropy
  generic('generic-password', 'Password assignment', ['password', 'passwd', 'pwd'], ['password', 'passwd', 'pwd']),
  generic('generic-secret', 'Secret assignment', ['secret'], ['secret']),
  generic('generic-token', 'Token assignment', ['token'], ['token']),
  generic('generic-api-key', 'API key assignment', ['api[_-]?key'], ['api_key', 'api-key', 'apikey']),
];
