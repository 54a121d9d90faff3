// @ts-check
// Names each module of the API reference by the import path that loads it
// (`@cta-interop/sdk/node`), not by its directory (`node`), matching `exports` in package.json.
import { Converter, ReflectionKind } from 'typedoc'

/** Entry point directory (as TypeDoc names it) → import path. */
const IMPORT_PATHS = {
  src: '@cta-interop/sdk',
  'src/schemas': '@cta-interop/sdk/schemas',
  'src/jsonld': '@cta-interop/sdk/jsonld',
  node: '@cta-interop/sdk/node',
  authority: '@cta-interop/sdk/authority',
  nats: '@cta-interop/sdk/nats',
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const name = /** @type {Record<string, string>} */ (IMPORT_PATHS)[module.name]
      if (name === undefined) {
        app.logger.error(`typedoc/plugin.mjs: no import path for the module "${module.name}"`)
      } else {
        module.name = name
      }
    }
  })
}
