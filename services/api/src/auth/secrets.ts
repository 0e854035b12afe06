import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/** scrypt cost: N=2^15, r=8, p=1 (≈50 ms and 32 MiB on one core), OWASP's minimum for scrypt. */
const cost = { N: 1 << 15, r: 8, p: 1 }
const keyLength = 32

function scryptAsync (password: string, salt: Buffer, params: { N: number, r: number, p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { ...params, maxmem: 128 * params.N * params.r * 2 }, (err, key) => {
      if (err === null) resolve(key)
      else reject(err)
    })
  })
}

/** `scrypt$N$r$p$salt$hash`, so the cost can rise later without invalidating stored hashes. */
export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, cost)
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || n === undefined || r === undefined || p === undefined || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A password hash to verify against when the email is unknown, so a miss takes as long as a hit. */
export const decoyPasswordHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

/** Session tokens and API key secrets carry 256 random bits, so a fast hash is enough to store them. */
export function sha256 (value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

export function randomToken (bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function sameSecret (a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** `esk_<id>_<secret>`; the id finds the row, the secret is compared hashed and timing-safe. */
export function parseApiKey (value: string): { id: string, secret: string } | undefined {
  const match = /^esk_([a-z0-9]{8,40})_([A-Za-z0-9_-]{20,200})$/.exec(value)
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined
  return { id: match[1], secret: match[2] }
}

export function newApiKey (): { id: string, secret: string, token: string, prefix: string } {
  const id = randomBytes(8).toString('hex')
  const secret = randomToken()
  return { id, secret, token: `esk_${id}_${secret}`, prefix: `esk_${id}_${secret.slice(0, 4)}` }
}
