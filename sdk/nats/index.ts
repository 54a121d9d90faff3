/**
 * `@cta-interop/sdk/nats`: a delivery store on NATS JetStream, for producers whose delivery runs
 * in several processes or machines, and the operators' resend tools. Needs the optional peer
 * dependencies `@nats-io/jetstream` and `@nats-io/transport-node`.
 * @module
 */
export {
  createJetStreamDeliveryStore,
  type JetStreamDeliveryStore,
  type JetStreamDeliveryStoreOptions,
} from './create-jetstream-delivery-store.js'
export { redeliverEvent, type RedeliverEventOptions } from './redeliver-event.js'
export { recoverDeadLetters, type RecoverDeadLettersOptions } from './recover-dead-letters.js'
