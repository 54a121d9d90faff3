import {
  ACCESS_TOKEN_TYPE,
  EXPORT_SCOPE,
  JWT_TOKEN_TYPE,
  MEMBERSHIP_SCOPE,
  findAssertionSubject,
  issueGroupAssertion,
  type MembershipStore,
  type SigningKey,
} from '@cta-interop/sdk'
import type { ProviderContext, ProviderLike } from '../provider-types.js'
import { groupOfGrant } from './grant-group.js'
import { OAuthError } from './oauth-error.js'

/** The token request parameters of the token exchange grant (RFC 8693 §2.1). */
export const TOKEN_EXCHANGE_PARAMETERS: readonly string[] = [
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'audience',
  'resource',
  'scope',
]

interface ExchangeContext {
  readonly store: MembershipStore
  readonly key: SigningKey
  readonly lifetime: number
  /** The re-check period stated in each assertion (`cta_recheck`), if any. */
  readonly recheck?: number | undefined
  readonly now: (() => Date) | undefined
}

/**
 * The token exchange grant handler: turns a member's access token, issued to the requesting
 * client with `cta:membership`, into a membership assertion about the one group that token's
 * grant discloses, for that client, if the member is active in the group and the client's tool is
 * installed in it. With `scope=cta:export`, the assertion carries that scope, and its `audience`
 * may be another tool installed in the same group: the member's export from that tool
 * (EXP-AUTH-003). Any other `audience` is refused.
 */
export async function tokenExchange(
  ctx: ProviderContext,
  provider: ProviderLike,
  { store, key, lifetime, recheck, now }: ExchangeContext,
): Promise<void> {
  const { params, client } = ctx.oidc
  if (client === undefined) throw new OAuthError(401, 'invalid_client', 'client required')
  const clientId = client.clientId
  const subjectToken = params['subject_token']
  if (typeof subjectToken !== 'string' || subjectToken === '') {
    throw new OAuthError(400, 'invalid_request', 'subject_token is required')
  }
  if (params['subject_token_type'] !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError(400, 'invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}`)
  }
  const requested = params['requested_token_type']
  if (requested !== undefined && requested !== JWT_TOKEN_TYPE) {
    throw new OAuthError(400, 'invalid_request', `requested_token_type must be ${JWT_TOKEN_TYPE}`)
  }
  const scopeParameter = params['scope']
  const exporting =
    typeof scopeParameter === 'string' && scopeParameter.split(' ').includes(EXPORT_SCOPE)
  const audience = params['audience'] ?? clientId
  if (typeof audience !== 'string' || (audience !== clientId && !exporting)) {
    throw new OAuthError(
      400,
      'invalid_target',
      `an assertion for another tool is only issued with scope ${EXPORT_SCOPE}`,
    )
  }
  const group = params['resource']
  if (typeof group !== 'string') {
    throw new OAuthError(400, 'invalid_target', 'resource must name exactly one group')
  }
  const token = await provider.AccessToken.find(subjectToken)
  if (token === undefined || token.isExpired || token.accountId === undefined) {
    throw new OAuthError(400, 'invalid_grant', 'subject_token is invalid or expired')
  }
  if (token.clientId !== clientId) {
    throw new OAuthError(400, 'invalid_grant', 'subject_token was issued to another client')
  }
  const scopes = (token.scope ?? '').split(' ')
  if (!scopes.includes(MEMBERSHIP_SCOPE)) {
    throw new OAuthError(400, 'invalid_grant', `subject_token lacks ${MEMBERSHIP_SCOPE}`)
  }
  const grant = token.grantId === undefined ? undefined : await provider.Grant.find(token.grantId)
  if (grant === undefined || groupOfGrant(grant) !== group) {
    throw new OAuthError(
      400,
      'invalid_target',
      'the member did not disclose this group to this tool',
    )
  }
  if ((await store.getInstallation(group, clientId))?.installationStatus !== 'active') {
    throw new OAuthError(400, 'invalid_target', 'the tool is not installed in the group')
  }
  // Another tool of the group: one installed in it, or the authority itself (a tool of its own).
  if (
    audience !== clientId &&
    audience !== provider.issuer &&
    (await store.getInstallation(group, audience))?.installationStatus !== 'active'
  ) {
    throw new OAuthError(400, 'invalid_target', 'the audience is not installed in the group')
  }
  const subject = await findAssertionSubject(store, group, token.accountId)
  if (subject === undefined) {
    throw new OAuthError(400, 'invalid_grant', 'not an active member of the group')
  }
  const { name: _name, ...withoutName } = subject
  const assertion = await issueGroupAssertion(
    scopes.includes('profile') ? subject : withoutName,
    key,
    {
      issuer: provider.issuer,
      audience,
      lifetime,
      ...(exporting ? { scope: EXPORT_SCOPE } : {}),
      ...(recheck === undefined ? {} : { recheck }),
      ...(now === undefined ? {} : { currentDate: now() }),
    },
  )
  ctx.body = {
    access_token: assertion,
    issued_token_type: JWT_TOKEN_TYPE,
    token_type: 'N_A',
    expires_in: lifetime,
  }
}
