/**
 * The whole read-refill-take-write of one bucket, run atomically by Redis, so any number
 * of replicas share one limit without races. It mirrors takeFromBucket in bucket.ts line for
 * line (same double arithmetic, same order), which the contract tests rely on.
 *
 * Time comes from the caller (ARGV[4]) rather than Redis TIME: the memory fallback and the
 * tests use the same clock, a replica switching between backends sees one timeline, and
 * skew between replicas' clocks only delays refills (a clock behind the stored ts refills
 * nothing). The key's expiry (PEXPIRE, on the Redis clock) is the time to refill fully,
 * after which a missing key means a full bucket.
 *
 * KEYS[1] bucket key; ARGV: capacity, requests, windowMs, nowMs, cost.
 * Returns integers (Redis truncates Lua numbers): allowed, remaining, ts - now, msToFull, msToRetry.
 */
export const TAKE_TOKEN_LUA = `
local capacity = tonumber(ARGV[1])
local requests = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local cost = tonumber(ARGV[5])
local tokens = capacity
local ts = now
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local savedTokens = tonumber(saved[1])
local savedTs = tonumber(saved[2])
if savedTokens and savedTs then
  tokens = savedTokens
  ts = savedTs
  if now > ts then
    tokens = math.min(capacity, tokens + ((now - ts) * requests) / windowMs)
    ts = now
  end
  if tokens > capacity then tokens = capacity end
end
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
local toFull = math.ceil(((capacity - tokens) * windowMs) / requests)
local retry = 0
if allowed == 0 then retry = math.ceil(((cost - tokens) * windowMs) / requests) end
local offset = ts - now
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', ts))
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(1, offset + toFull)))
return { allowed, math.floor(tokens), offset, toFull, retry }
`;

/** The name the script is registered under with ioredis defineCommand. */
export const TAKE_TOKEN_COMMAND = 'churnTakeToken';
