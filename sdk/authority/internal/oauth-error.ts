/**
 * An OAuth error in the shape `oidc-provider` renders (`error`, `error_description`, status): the
 * plugin throws these from its grant handler and parameter checks without importing the provider.
 */
export class OAuthError extends Error {
  override name = 'OAuthError'
  readonly error: string
  readonly error_description: string
  readonly status: number
  readonly statusCode: number
  readonly expose = true
  readonly allow_redirect = true

  constructor(status: number, error: string, description: string) {
    super(error)
    this.error = error
    this.error_description = description
    this.status = status
    this.statusCode = status
  }
}
