// The group's public directory profile: `<group IRI>/murmurations.json`, a Murmurations
// `organizations_schema-v1.0.0` profile of a public group and the tools it uses, which an operator
// submits to a Murmurations index (MEM-DIR-001). A group that is not public does not exist here.
import {
  ProtocolError,
  TOOL_MANIFEST_PATH,
  problemResponse,
  toMurmurationsOrganization,
  type MembershipStore,
} from '@cta-interop/sdk'
import { toNodeListener } from '@cta-interop/sdk/node'
import type { NodeListener } from '../src/http.js'

const PROFILE = /^(\/g\/[^/]+)\/murmurations\.json$/

/** The profile endpoint, for the authority to mount under its group IRIs. */
export interface MurmurationsProfiles {
  /** Whether a path is a group's profile. */
  readonly matches: (path: string) => boolean
  readonly listener: NodeListener
}

/** Serves each group's profile from the authority's store; tools are named from their manifests. */
export function createMurmurationsProfiles(options: {
  readonly origin: string
  readonly store: MembershipStore
}): MurmurationsProfiles {
  const { origin, store } = options
  const names = new Map<string, string>()
  const nameOf = async (tool: string): Promise<string | undefined> => {
    if (names.has(tool)) return names.get(tool)
    try {
      const response = await fetch(`${tool}${TOOL_MANIFEST_PATH}`, {
        signal: AbortSignal.timeout(2_000),
      })
      const manifest = (await response.json()) as { name?: unknown }
      if (response.ok && typeof manifest.name === 'string') names.set(tool, manifest.name)
    } catch {
      // Unreachable: the profile names the tool by its origin.
    }
    return names.get(tool)
  }
  const handle = async (request: Request): Promise<Response> => {
    const path = PROFILE.exec(new URL(request.url).pathname)?.[1] ?? ''
    try {
      const group = await store.getGroup(`${origin}${path}`)
      if (group === undefined) {
        return problemResponse(new ProtocolError('ERR_NOT_FOUND', 'no such group'))
      }
      const installations = await store.listInstallations(group.id)
      const toolNames = new Map<string, string>()
      for (const i of installations) {
        const name = i.installationStatus === 'active' ? await nameOf(i.tool) : undefined
        if (name !== undefined) toolNames.set(i.tool, name)
      }
      const profile = toMurmurationsOrganization(group, installations, { toolNames })
      return new Response(JSON.stringify(profile), {
        headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' },
      })
    } catch (err) {
      // ERR_NOT_FOUND for a group that is not public: 404, as if it did not exist.
      return problemResponse(err)
    }
  }
  return {
    matches: (path) => PROFILE.test(path),
    listener: toNodeListener(handle),
  }
}
