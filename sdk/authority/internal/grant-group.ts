import { MEMBERSHIP_SCOPE, type MembershipStore } from '@cta-interop/sdk'
import type { AccountLike, GrantLike, ProviderContext } from '../provider-types.js'

/**
 * The RFC 9396 authorization details type under which a grant records the one group the member
 * disclosed to the client.
 */
export const GROUP_DETAIL_TYPE = 'https://w3id.org/cta#group'

/** The group a grant discloses, if any. */
export function groupOfGrant(grant: Pick<GrantLike, 'rar'>): string | undefined {
  const detail = grant.rar?.find((d) => d.type === GROUP_DETAIL_TYPE)
  return typeof detail?.['group'] === 'string' ? detail['group'] : undefined
}

/** Records the one group a grant discloses, replacing any other. */
export function setGroupOfGrant(grant: GrantLike, group: string): void {
  grant.rar = [
    ...(grant.rar ?? []).filter((d) => d.type !== GROUP_DETAIL_TYPE),
    { type: GROUP_DETAIL_TYPE, group },
  ]
}

/**
 * Wraps an account so that, under the `cta:membership` scope, its claims carry `groups` with the
 * one group its grant discloses, and only while the member is active there.
 */
export function accountWithGroup(
  account: AccountLike,
  ctx: ProviderContext,
  token: { grantId?: string } | undefined,
  store: MembershipStore,
  findGrant: (id: string) => Promise<GrantLike | undefined>,
): AccountLike {
  return {
    accountId: account.accountId,
    async claims(use, scope, claims, rejected) {
      const base = await account.claims(use, scope, claims, rejected)
      if (!scope.split(' ').includes(MEMBERSHIP_SCOPE)) return base
      const grant =
        token?.grantId === undefined ? ctx.oidc.entities?.Grant : await findGrant(token.grantId)
      const group = grant === undefined ? undefined : groupOfGrant(grant)
      if (group === undefined) return base
      const membership = await store.getMembership(group, account.accountId)
      return membership?.membershipStatus === 'active' ? { ...base, groups: [group] } : base
    },
  }
}
