/**
 * Synthetic customers in the layout of the IBM "Telco Customer Churn" sample, so the project can
 * demo and test itself without shipping third-party data. Structure (which fields imply which),
 * price list and marginal mixes follow the real file; churn comes from a known log-odds model
 * with interactions, an unobserved factor and label noise, so a good model can learn it but not
 * perfectly.
 */
import { csvLine } from './csv-field.js';
import { ChurnError, UsageError } from '../errors.js';
import { Random } from './random.js';

/** The 21 Telco columns, in file order. */
export const TELCO_COLUMNS: readonly string[] = Object.freeze([
  'customerID', 'gender', 'SeniorCitizen', 'Partner', 'Dependents', 'tenure', 'PhoneService',
  'MultipleLines', 'InternetService', 'OnlineSecurity', 'OnlineBackup', 'DeviceProtection',
  'TechSupport', 'StreamingTV', 'StreamingMovies', 'Contract', 'PaperlessBilling', 'PaymentMethod',
  'MonthlyCharges', 'TotalCharges', 'Churn',
]);

export const MAX_GENERATED_ROWS = 100_000_000;
const MAX_TENURE = 72;

const INTERNET = ['DSL', 'Fiber optic', 'No'] as const;
const CONTRACTS = ['Month-to-month', 'One year', 'Two year'] as const;
const PAYMENTS = ['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)'] as const;
const PAY_MONTHLY = [0.47, 0.24, 0.15, 0.14];
const PAY_CONTRACT = [0.14, 0.22, 0.32, 0.32];
const INTERNET_SENIOR = [0.2, 0.7, 0.1];
const INTERNET_OTHER = [0.28, 0.46, 0.26];
const TENURE_PARTS = ['new', 'loyal', 'any'] as const;
const TENURE_PARTNER = [0.16, 0.13, 0.71];
const TENURE_SINGLE = [0.32, 0.05, 0.63];

/** Add-on services in column order; `p` is the take-up for [DSL, Fiber optic] at tenure 0, rising with tenure. */
const ADDONS: ReadonlyArray<{ p: readonly [number, number]; price: number }> = [
  { p: [0.32, 0.12], price: 5 }, // OnlineSecurity
  { p: [0.28, 0.26], price: 5 }, // OnlineBackup
  { p: [0.26, 0.3], price: 5 }, // DeviceProtection
  { p: [0.32, 0.12], price: 5 }, // TechSupport
  { p: [0.22, 0.42], price: 10 }, // StreamingTV
  { p: [0.22, 0.42], price: 10 }, // StreamingMovies
];
const SECURITY = 0;
const TECH_SUPPORT = 3;
const STREAMING_TV = 4;
const STREAMING_MOVIES = 5;

/**
 * Validates the flags, then yields `rows` customers as string fields in TELCO_COLUMNS order.
 * Lazy: memory stays constant however many rows are drawn. Same (rows, seed), same rows.
 *
 * @example
 * for (const row of generateCustomerRows(1000, 42)) console.log(row.join(','));
 */
export function generateCustomerRows(rows: number, seed: number): Generator<string[]> {
  checkRows(rows);
  checkSeed(seed);
  return customerRows(rows, seed);
}

function* customerRows(rows: number, seed: number): Generator<string[]> {
  const source = new CustomerSource(seed);
  for (let i = 0; i < rows; i++) yield source.next();
}

/** The customer stream without generator overhead, for the CSV writer's hot loop. */
class CustomerSource {
  private readonly rng: Random;
  private readonly ids: IdPermutation;
  private index = 0;

  constructor(seed: number) {
    this.rng = new Random(seed);
    this.ids = new IdPermutation(this.rng);
  }

  next(): string[] {
    return customer(this.rng, this.ids.id(this.index++));
  }
}

function checkRows(rows: number): void {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_GENERATED_ROWS) {
    throw new UsageError(`--rows must be an integer from 1 to ${MAX_GENERATED_ROWS}, got ${String(rows)}`, { flag: '--rows', value: rows });
  }
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got ${String(seed)}`, { flag: '--seed', value: seed });
  }
}

function customer(rng: Random, id: string): string[] {
  const female = rng.chance(0.5);
  const senior = rng.chance(0.16);
  const partner = rng.chance(senior ? 0.45 : 0.49);
  const dependents = rng.chance(partner ? 0.52 : 0.09);
  const tenure = drawTenure(rng, partner);
  const contract = drawContract(rng, tenure, dependents);

  const phone = rng.chance(0.9);
  const multipleLines = phone && rng.chance(0.3 + 0.4 * (tenure / MAX_TENURE));
  // In the real file every customer without phone service has DSL.
  const internet = phone ? rng.choice(INTERNET, senior ? INTERNET_SENIOR : INTERNET_OTHER) : 'DSL';
  const kind = internet === 'DSL' ? 0 : 1;
  const addons: boolean[] = [];
  for (const a of ADDONS) addons.push(internet !== 'No' && rng.chance(a.p[kind] + 0.3 * (tenure / MAX_TENURE)));

  const paperless = rng.chance(internet === 'No' ? 0.3 : internet === 'DSL' ? 0.55 : 0.75);
  const payment = rng.choice(PAYMENTS, contract === 'Month-to-month' ? PAY_MONTHLY : PAY_CONTRACT);

  // The real price list is linear in the services taken (a least-squares fit leaves ~1 USD of noise);
  // prices are multiples of 5 cents there too.
  let price = (phone ? 20 : 0) + (multipleLines ? 5 : 0) + (internet === 'DSL' ? 25 : internet === 'No' ? 0 : 50);
  for (let j = 0; j < ADDONS.length; j++) if (addons[j]) price += ADDONS[j].price;
  const monthly = clamp(Math.round((price + rng.normal(0, 1)) * 20) / 20, 18.25, 118.75);
  const total = tenure === 0 ? ' ' : (tenure === 1 ? monthly : tenure * monthly * clamp(1 + rng.normal(0, 0.05), 0.75, 1.35)).toFixed(2);

  const z = churnLogOdds(rng, {
    senior, partner, dependents, tenure, contract, internet, paperless, payment, monthly,
    security: addons[SECURITY], techSupport: addons[TECH_SUPPORT], streaming: addons[STREAMING_TV] || addons[STREAMING_MOVIES],
  });
  // Label noise: a few churners leave for reasons nobody recorded, and a few stay against the odds.
  const churn = rng.chance(0.03) ? rng.chance(0.5) : rng.next() < 1 / (1 + Math.exp(-z));

  const row = [
    id, female ? 'Female' : 'Male', senior ? '1' : '0', yesNo(partner), yesNo(dependents), String(tenure),
    yesNo(phone), phone ? yesNo(multipleLines) : 'No phone service', internet,
  ];
  for (const taken of addons) row.push(internet === 'No' ? 'No internet service' : yesNo(taken));
  row.push(contract, yesNo(paperless), payment, monthly.toFixed(2), total, yesNo(churn));
  return row;
}

/**
 * Tenure is U-shaped in the real file: a spike of customers in their first months, a long flat
 * middle, and a pile near the 72-month cap. Partners stay longer.
 */
function drawTenure(rng: Random, partner: boolean): number {
  if (rng.chance(0.002)) return 0; // signed up this month: TotalCharges is still blank
  const part = rng.choice(TENURE_PARTS, partner ? TENURE_PARTNER : TENURE_SINGLE);
  if (part === 'new') return Math.min(MAX_TENURE, 1 + Math.floor(rng.exponential(6)));
  if (part === 'loyal') return Math.max(1, MAX_TENURE - Math.floor(rng.exponential(1.5)));
  return rng.int(1, MAX_TENURE);
}

/** New customers are almost all month-to-month; the longer they stay, the more sign longer contracts. */
function drawContract(rng: Random, tenure: number, dependents: boolean): (typeof CONTRACTS)[number] {
  const oneYear = Math.exp(-2.5 + 0.05 * tenure);
  const twoYear = Math.exp(-4.2 + 0.085 * tenure + (dependents ? 0.4 : 0));
  return rng.choice(CONTRACTS, [1, oneYear, twoYear]);
}

interface ChurnDrivers {
  senior: boolean; partner: boolean; dependents: boolean; tenure: number; contract: string; internet: string;
  paperless: boolean; payment: string; monthly: number; security: boolean; techSupport: boolean; streaming: boolean;
}

/**
 * The churn model the data is drawn from. Main effects follow the direction of the real data;
 * two interactions make it worth more than a linear model: fiber customers on month-to-month
 * contracts leave far more than either alone suggests, and a high bill hurts most in the first
 * year. An unobserved satisfaction term keeps any model from separating the classes.
 */
function churnLogOdds(rng: Random, c: ChurnDrivers): number {
  const monthToMonth = c.contract === 'Month-to-month';
  const fiber = c.internet === 'Fiber optic';
  const young = Math.max(0, 1 - c.tenure / 18);
  let z = -1.4;
  z += monthToMonth ? 0.75 : c.contract === 'Two year' ? -1.3 : 0;
  z -= 0.5 * Math.log1p(c.tenure);
  z += fiber ? 0.45 : c.internet === 'No' ? -0.9 : 0;
  z += fiber && monthToMonth ? 0.8 : 0;
  z += 0.035 * (c.monthly - 65) * young;
  z += c.payment === 'Electronic check' ? 0.5 : 0;
  if (c.internet !== 'No') z += (c.security ? 0 : 0.4) + (c.techSupport ? 0 : 0.35) + (c.streaming ? 0.1 : 0);
  z += c.paperless ? 0.35 : 0;
  z += c.senior ? 0.3 : 0;
  z += (c.partner ? -0.1 : 0) + (c.dependents ? -0.2 : 0);
  return z + rng.normal(0, 0.6);
}

/**
 * Customer ids like `7590-VHVEG`, unique without remembering the ones handed out: row i gets
 * the i-th element of a seeded pseudo-random permutation of all 10^4 * 26^5 ids. The permutation
 * is a 4-round Feistel network on 38 bits, cycle-walked down to the id space.
 */
class IdPermutation {
  private static readonly SPACE = 10_000 * 26 ** 5;
  private static readonly HALF = 2 ** 19;
  private readonly keys: number[];

  constructor(rng: Random) {
    this.keys = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];
  }

  id(index: number): string {
    let v = index;
    do v = this.feistel(v);
    while (v >= IdPermutation.SPACE);
    const digits = v % 10_000;
    let rest = Math.floor(v / 10_000);
    let letters = '';
    for (let k = 0; k < 5; k++) {
      letters = String.fromCharCode(65 + (rest % 26)) + letters;
      rest = Math.floor(rest / 26);
    }
    return `${String(digits).padStart(4, '0')}-${letters}`;
  }

  private feistel(v: number): number {
    const half = IdPermutation.HALF;
    let left = Math.floor(v / half);
    let right = v % half;
    for (const key of this.keys) {
      const mixed = (left ^ (mix32(right ^ key) & (half - 1))) >>> 0;
      left = right;
      right = mixed;
    }
    return left * half + right;
  }
}

/** murmur3's 32-bit finalizer: a cheap, well-spread round function. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const CHUNK_CHARS = 1 << 16;

/**
 * Writes a header and `rows` generated customers to `out` as CSV (LF line endings), in chunks of
 * many lines, waiting for 'drain' when the stream asks. Does not end `out`; the caller owns it.
 * `onProgress(done, total)` is called after each chunk and once at the end.
 *
 * @example
 * const file = fs.createWriteStream('customers.csv');
 * await writeCustomersCsv(file, 10_000, 42);
 * file.end();
 */
export async function writeCustomersCsv(
  out: NodeJS.WritableStream,
  rows: number,
  seed: number,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  checkRows(rows);
  checkSeed(seed);
  const source = new CustomerSource(seed);
  let chunk = csvLine(TELCO_COLUMNS) + '\n';
  let done = 0;
  while (done < rows) {
    chunk += csvLine(source.next()) + '\n';
    done++;
    if (chunk.length >= CHUNK_CHARS) {
      await write(out, chunk);
      chunk = '';
      onProgress?.(done, rows);
    }
  }
  if (chunk.length > 0) await write(out, chunk);
  onProgress?.(done, rows);
}

async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (err?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (err: Error): void => settle(err);
    // A stream destroyed mid-write never drains; without this the promise would hang.
    const onClose = (): void => settle(new ChurnError('OUTPUT_CLOSED', 'the output closed before all rows were written', { kind: 'internal' }));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

function yesNo(b: boolean): string {
  return b ? 'Yes' : 'No';
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
