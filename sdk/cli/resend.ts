import { parseArgs } from 'node:util'
import { CliError, EXIT } from './cli-error.js'
import { createPrinter } from './print.js'

/** Loads an optional peer dependency, or says which one `cta resend` needs. */
async function optional<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch {
    throw new CliError(
      'ERR_USAGE',
      `cta resend needs the optional package ${name} (npm install @nats-io/transport-node @nats-io/jetstream pg)`,
    )
  }
}

/** A date option, refused when it cannot be read. */
function dateOption(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) throw new CliError('ERR_USAGE', `${name} is not a date`)
  return date
}

/**
 * `cta resend --nats <url> --postgres <url> --subscription <id> (--cursor <n> | --dead-since <date>)`:
 * the operators' resend tools of the JetStream delivery store, `redeliverEvent` and
 * `recoverDeadLetters`, from the command line.
 */
export async function resend(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nats: { type: 'string' },
      postgres: { type: 'string' },
      schema: { type: 'string' },
      prefix: { type: 'string' },
      subscription: { type: 'string' },
      cursor: { type: 'string' },
      'dead-since': { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    },
  })
  const out = createPrinter(values.json === true)
  const subscriptionId = values.subscription
  const since = dateOption(values['dead-since'], '--dead-since')
  const at = dateOption(values.at, '--at') ?? new Date()
  const { cursor } = values
  if (
    values.nats === undefined ||
    values.postgres === undefined ||
    subscriptionId === undefined ||
    (cursor === undefined) === (since === undefined)
  ) {
    throw new CliError(
      'ERR_USAGE',
      'cta resend --nats <url> --postgres <url> --subscription <id> (--cursor <n> | --dead-since <date>)',
    )
  }
  if (cursor !== undefined && !/^[1-9][0-9]{0,15}$/.test(cursor)) {
    throw new CliError('ERR_USAGE', '--cursor is a feed cursor: a positive integer')
  }
  const prefix = values.prefix ?? 'CTA'
  const { connect } = await optional(
    '@nats-io/transport-node',
    () => import('@nats-io/transport-node'),
  )
  const { jetstreamManager } = await optional(
    '@nats-io/jetstream',
    () => import('@nats-io/jetstream'),
  )
  const { createJetStreamDeliveryStore, recoverDeadLetters, redeliverEvent } = await optional(
    '@nats-io/jetstream',
    () => import('@cta-interop/sdk/nats'),
  )
  const { createPostgresDeliveryStore } = await import('@cta-interop/sdk/node')

  out.progress(`connecting to ${values.nats}`)
  let nc: Awaited<ReturnType<typeof connect>>
  try {
    nc = await connect({ servers: values.nats, timeout: 10_000 })
  } catch (err) {
    throw new CliError(
      'ERR_FETCH_FAILED',
      `NATS at ${values.nats} cannot be reached: ${(err as Error).message}`,
      EXIT.unavailable,
    )
  }
  let state: Awaited<ReturnType<typeof createPostgresDeliveryStore>> | undefined
  try {
    // Never create a store's streams by mistake: a prefix that names none is refused.
    try {
      await (await jetstreamManager(nc)).streams.info(`${prefix}_EVENTS`)
    } catch {
      throw new CliError(
        'ERR_NOT_FOUND',
        `no JetStream delivery store with the prefix ${prefix} on ${values.nats}`,
        EXIT.failed,
      )
    }
    try {
      state = await createPostgresDeliveryStore({
        connectionString: values.postgres,
        max: 2,
        ...(values.schema === undefined ? {} : { schema: values.schema }),
      })
    } catch (err) {
      if (err instanceof TypeError) throw new CliError('ERR_USAGE', err.message)
      throw new CliError(
        'ERR_FETCH_FAILED',
        `PostgreSQL cannot be reached: ${(err as Error).message}`,
        EXIT.unavailable,
      )
    }
    const store = await createJetStreamDeliveryStore({ connection: nc, state, prefix })
    try {
      if (cursor !== undefined) {
        if (!(await redeliverEvent({ store, cursor, subscriptionId, at }))) {
          throw new CliError(
            'ERR_NOT_FOUND',
            `nothing resent: no event at ${cursor} in ${subscriptionId}'s group, the subscription is not active, or its delivery is still pending`,
            EXIT.failed,
          )
        }
        out.result({ command: 'resend', subscriptionId, cursor, queued: true })
        out.line(
          `queued again: the event at ${cursor} for ${subscriptionId}, due ${at.toISOString()}`,
        )
        return EXIT.ok
      }
      const count = await recoverDeadLetters({ store, subscriptionId, since: since as Date, at })
      out.result({
        command: 'recover',
        subscriptionId,
        since: (since as Date).toISOString(),
        count,
      })
      out.line(
        `queued again: ${String(count)} dead-lettered ${count === 1 ? 'delivery' : 'deliveries'} of ${subscriptionId} since ${(since as Date).toISOString()}`,
      )
      return EXIT.ok
    } finally {
      await store.close()
    }
  } finally {
    await state?.close()
    await nc.close()
  }
}
