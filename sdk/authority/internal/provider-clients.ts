import type { InstallClients } from '../install-types.js'
import type { ProviderLike } from '../provider-types.js'

/**
 * Client registration over the provider's own storage: `provider.Client.adapter` (the adapter the
 * provider was built with, as its dynamic registration uses). A client from the provider's static
 * `clients` configuration is found (its secret is kept when the tool is installed in another
 * group), and stays: static clients cannot be revoked.
 * @internal
 */
export function providerClients(provider: ProviderLike): InstallClients {
  return {
    async find(clientId) {
      const client = await provider.Client.find(clientId)
      if (client === undefined) return undefined
      return {
        ...(client.clientSecret === undefined ? {} : { client_secret: client.clientSecret }),
        ...(client.redirectUris === undefined ? {} : { redirect_uris: client.redirectUris }),
        ...(client.scope === undefined ? {} : { scope: client.scope }),
      }
    },
    async register(metadata) {
      const payload = { ...metadata, redirect_uris: [...metadata.redirect_uris] }
      await provider.Client.validate(payload)
      await provider.Client.adapter.upsert(metadata.client_id, payload)
    },
    async revoke(clientId) {
      await provider.Client.adapter.destroy(clientId)
    },
  }
}
