/**
 * A tool's `client_id` is its origin, so it has a `:` (`https:`, and a port). RFC 6749 §2.3.1 has
 * the client form-encode its id and secret before HTTP Basic, but Authlib, `requests`
 * (`auth=(id, secret)`) and `curl -u` send them raw, and a server that splits at the first `:`
 * reads the client `http`. A raw user-pass is recognisable: a form-encoded one never holds `://`.
 * Its client id is the origin it starts with (scheme, host, then the port if one follows), its
 * secret what comes after the next `:`.
 */
const RAW_ORIGIN_USER_PASS =
  /^(https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#:@[\]]+)(?::[0-9]{1,5})?):([\s\S]*)$/

/**
 * The `Authorization` header with the credentials of a raw origin `client_id` form-encoded as RFC
 * 6749 §2.3.1 asks, so that the provider reads the client the tool meant; `undefined` when the
 * header is not HTTP Basic with a raw origin as user-id (already encoded ones pass unchanged).
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-OIDC-001 AUTH-OIDC-001}
 */
export function encodeOriginBasicCredentials(header: string | undefined): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header ?? '')
  if (match === null) return undefined
  const userPass = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
  const raw = RAW_ORIGIN_USER_PASS.exec(userPass)
  if (raw === null) return undefined
  const encoded = `${encodeURIComponent(raw[1] ?? '')}:${encodeURIComponent(raw[2] ?? '')}`
  return `Basic ${Buffer.from(encoded, 'utf8').toString('base64')}`
}
