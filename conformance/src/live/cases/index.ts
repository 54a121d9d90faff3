/** Every live case, in the order a run performs them. */
import type { LiveCase } from '../case.js'
import { AUTHORITY_CASES } from './authority.js'
import { AUTHORITY_CLIENT_CASES } from './authority-clients.js'
import { AUTHORITY_INSTALL_CASES } from './authority-install.js'
import { AUTHORITY_PRIVACY_CASES } from './authority-privacy.js'
import { BUDGETING_CASES } from './budgeting.js'
import { CREDIT_CASES } from './credit.js'
import { DECISION_CASES } from './decisions.js'
import { EMITTER_CASES } from './emitter.js'
import { EMITTER_LIMIT_CASES } from './emitter-limits.js'
import { EMITTER_CONSENT_CASES } from './emitter-consent.js'
import { EXPORTER_CASES } from './exporter.js'
import { INTENT_CASES } from './intents.js'
import { ORDERING_CASES } from './ordering.js'
import { RECEIVER_CASES } from './receiver.js'
import { RECEIVER_ROTATION_CASES } from './receiver-rotation.js'
import { RECEIVER_SPEAKS_FOR_CASES } from './receiver-speaks-for.js'
import { RELYING_CASES } from './relying.js'
import { RELYING_RECHECK_CASES } from './relying-recheck.js'
import { TASK_CASES } from './tasks.js'
import { TOOL_INSTALL_CASES } from './tool-install.js'

export const LIVE_CASES: readonly LiveCase[] = [
  ...RECEIVER_CASES,
  ...RECEIVER_SPEAKS_FOR_CASES,
  ...RECEIVER_ROTATION_CASES,
  ...EMITTER_CASES,
  ...EMITTER_LIMIT_CASES,
  ...EMITTER_CONSENT_CASES,
  ...AUTHORITY_CASES,
  ...AUTHORITY_CLIENT_CASES,
  ...AUTHORITY_PRIVACY_CASES,
  ...AUTHORITY_INSTALL_CASES,
  ...RELYING_CASES,
  ...RELYING_RECHECK_CASES,
  ...TOOL_INSTALL_CASES,
  ...ORDERING_CASES,
  ...INTENT_CASES,
  ...DECISION_CASES,
  ...BUDGETING_CASES,
  ...TASK_CASES,
  ...CREDIT_CASES,
  ...EXPORTER_CASES,
]
