/** A client of the test-only control API (conformance/control-api.openapi.yaml). */
import { Untested } from './case.js'
import type { Wire } from './wire.js'

/** A session the tool opened for the suite. */
export interface Session {
  readonly id: string
  readonly group: string
  readonly members: readonly { readonly id: string; readonly name: string }[]
  readonly client?: { readonly client_id: string; readonly client_secret: string }
}

/** An event the tool says it accepted. */
export interface Observation {
  readonly source: string
  readonly id: string
  readonly type: string
}

/** What an action was answered, refused or not. */
export interface Attempt {
  readonly status: number
  readonly body: Record<string, unknown>
  /** The problem document's `code` and `type`, when it is one. */
  readonly code?: string
  readonly type?: string
}

/** Raised when the control API answers something unusable: the case errors. */
export class ControlError extends Error {
  override readonly name = 'ControlError'
}

export interface Control {
  openSession(request: Record<string, unknown>): Promise<Session>
  /** Performs an action; throws {@link Untested} when the tool answers 501. */
  act(
    session: Session,
    action: string,
    params?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>
  /**
   * Performs an action whose refusal is itself the result a case checks: the status and, for a
   * problem document, its `code` and `type`; throws {@link Untested} when the tool answers 501.
   */
  attempt(session: Session, action: string, params?: Record<string, unknown>): Promise<Attempt>
  observations(session: Session): Promise<Observation[]>
  closeSession(session: Session): Promise<void>
}

/** A control API client over the run's recording `fetch`. */
export function createControl(url: string, token: string, wire: Wire): Control {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await wire.fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    if (response.status === 501) throw new Untested(`the tool does not support ${path} ${text}`)
    if (!response.ok) {
      throw new ControlError(
        `control API ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`,
      )
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown)
  }
  return {
    async openSession(request) {
      const body = (await call('POST', '/sessions', request)) as {
        session?: string
        group?: string
        members?: Session['members']
        client?: Session['client']
      }
      if (typeof body.session !== 'string' || typeof body.group !== 'string') {
        throw new ControlError('the control API opened a session without "session" and "group"')
      }
      return {
        id: body.session,
        group: body.group,
        members: body.members ?? [],
        ...(body.client === undefined ? {} : { client: body.client }),
      }
    },
    async act(session, action, params = {}) {
      return ((await call('POST', '/actions', { session: session.id, action, params })) ??
        {}) as Record<string, unknown>
    },
    async attempt(session, action, params = {}) {
      const response = await wire.fetch(`${url}/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session: session.id, action, params }),
      })
      const text = await response.text()
      if (response.status === 501) throw new Untested(`the tool does not support ${action} ${text}`)
      let body: Record<string, unknown> = {}
      try {
        const parsed = JSON.parse(text) as unknown
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          body = parsed as Record<string, unknown>
        }
      } catch {
        body = { text: text.slice(0, 300) }
      }
      return {
        status: response.status,
        body,
        ...(typeof body['code'] === 'string' ? { code: body['code'] } : {}),
        ...(typeof body['type'] === 'string' ? { type: body['type'] } : {}),
      }
    },
    async observations(session) {
      const body = (await call(
        'GET',
        `/observations?session=${encodeURIComponent(session.id)}`,
      )) as {
        accepted?: Observation[]
      }
      return body.accepted ?? []
    },
    async closeSession(session) {
      await call('DELETE', `/sessions/${encodeURIComponent(session.id)}`)
    },
  }
}
