// Names, not addresses: the dashboard shows a group by the name in its Group document and a tool by
// the name in its manifest, each fetched once and cached. An address shows only when no name could
// be had, and then as its host. The group's `rosterVisibility` is kept from the same document: it
// decides whether the group's membership events may be shown (spec/privacy.md, PRV-SHOW-001).

/** What {@link createNames} asks for a name. */
export interface NameSources {
  /** A tool's manifest name (the SDK's resolver, or what was stored when it was followed). */
  readonly toolName: (origin: string) => Promise<string | undefined>
  /** Whether a group's document may be fetched: only groups the dashboard follows. */
  readonly mayFetchGroup: (iri: string) => Promise<boolean>
  /** How long a failed look-up is remembered before it is tried again, in ms. Default 60 s. */
  readonly retryAfterMs?: number
}

/** Names for addresses, resolved ahead of a render (async) and read during it (sync). */
export interface Names {
  /** Looks up every address given that is not cached yet. Never throws. */
  resolve(addresses: {
    readonly groups?: Iterable<string>
    readonly tools?: Iterable<string>
  }): Promise<void>
  /** The group's name, or its last path segment on its host. */
  group(iri: string): string
  /** The tool's name, or its host. */
  tool(origin: string): string
  /** The group's `rosterVisibility` from its document, or `undefined` when it could not be had. */
  rosterVisibility(iri: string): string | undefined
}

/** The host of an address (`127.0.0.1:4000`), or the text itself when it is no URL. */
export function hostOf(address: string): string {
  return URL.canParse(address) ? new URL(address).host : address
}

/** Creates a name cache; see {@link Names}. */
export function createNames(sources: NameSources): Names {
  const retryAfter = sources.retryAfterMs ?? 60_000
  const groups = new Map<string, { name?: string; at: number }>()
  const tools = new Map<string, { name?: string; at: number }>()
  /** Each group's `rosterVisibility`, read from the same document as its name. */
  const visibility = new Map<string, string>()
  const stale = (entry: { name?: string; at: number } | undefined) =>
    entry === undefined || (entry.name === undefined && Date.now() - entry.at > retryAfter)

  async function groupName(iri: string): Promise<string | undefined> {
    if (!(await sources.mayFetchGroup(iri))) return undefined
    const response = await fetch(iri, {
      headers: { accept: 'application/activity+json, application/ld+json, application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(3_000),
    })
    if (!response.ok) return undefined
    const document = (await response.json()) as {
      id?: unknown
      name?: unknown
      rosterVisibility?: unknown
    }
    if (document.id === iri && typeof document.rosterVisibility === 'string') {
      visibility.set(iri, document.rosterVisibility)
    }
    return document.id === iri && typeof document.name === 'string' && document.name !== ''
      ? document.name
      : undefined
  }

  return {
    async resolve({ groups: g = [], tools: t = [] }) {
      const look = async (
        cache: Map<string, { name?: string; at: number }>,
        key: string,
        find: (key: string) => Promise<string | undefined>,
      ) => {
        if (!stale(cache.get(key))) return
        const name = await find(key).catch(() => undefined)
        cache.set(key, name === undefined ? { at: Date.now() } : { name, at: Date.now() })
      }
      await Promise.all([
        ...[...new Set(g)].map((iri) => look(groups, iri, groupName)),
        ...[...new Set(t)].map((origin) => look(tools, origin, sources.toolName)),
      ])
    },
    group(iri) {
      const name = groups.get(iri)?.name
      if (name !== undefined) return name
      const segment = URL.canParse(iri) ? new URL(iri).pathname.split('/').pop() : undefined
      return segment === undefined || segment === '' ? hostOf(iri) : `${segment} on ${hostOf(iri)}`
    },
    tool(origin) {
      return tools.get(origin)?.name ?? hostOf(origin)
    },
    rosterVisibility(iri) {
      return visibility.get(iri)
    },
  }
}
