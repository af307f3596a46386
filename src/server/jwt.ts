import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { ServerError } from './errors.js';

/** How JWTs are checked: the issuer's public key, its name, and the audience they must name. */
export interface JwtConfig {
  readonly key: KeyObject;
  readonly issuer: string;
  readonly audience: string;
  /** Only the asymmetric algorithm the key is for: never `none`, never an HMAC. */
  readonly algorithms: readonly string[];
}

/**
 * The JWT configuration from the issuer's public key (PEM, SPKI) and name. The algorithm is
 * pinned by the key's type, so a token cannot pick a weaker one (`alg: none`, or HS256 keyed
 * with the public key).
 */
export function parseJwtConfig(input: {
  keyText: string;
  keyFrom: string;
  issuer: string | undefined;
  audience?: string | undefined;
}): JwtConfig {
  let key: KeyObject;
  try {
    key = createPublicKey(input.keyText);
  } catch (cause) {
    throw new ServerError(
      'JWT_CONFIG_INVALID',
      `${input.keyFrom}: not a public key in PEM (SPKI) form`,
      { cause },
    );
  }
  if (input.issuer === undefined || input.issuer === '') {
    throw new ServerError(
      'JWT_CONFIG_INVALID',
      `${input.keyFrom} is set but WARDEN_JWT_ISSUER is not: name the issuer whose tokens are accepted`,
    );
  }
  return {
    key,
    issuer: input.issuer,
    audience: input.audience ?? 'warden',
    algorithms: algorithmsOf(key, input.keyFrom),
  };
}

function algorithmsOf(key: KeyObject, from: string): string[] {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return ['EdDSA'];
  if (type === 'rsa') return ['RS256', 'PS256'];
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return ['ES256'];
    if (curve === 'secp384r1') return ['ES384'];
  }
  throw new ServerError(
    'JWT_CONFIG_INVALID',
    `${from}: a ${type ?? 'unknown'} key; use Ed25519, ECDSA P-256/P-384 or RSA`,
  );
}

/** The employee id (`sub`) of a valid JWT; anything else is `UNAUTHENTICATED` saying why. */
export async function verifyJwt(token: string, config: JwtConfig, now: Date): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, config.key, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: [...config.algorithms],
      requiredClaims: ['exp', 'sub'],
      currentDate: now,
      clockTolerance: 30,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no subject');
    return payload.sub;
  } catch (error) {
    throw new ServerError('UNAUTHENTICATED', `the JWT is refused: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim "${error.claim}" fails`;
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'the signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not accepted';
  return 'it is malformed or not signed by the configured issuer';
}
