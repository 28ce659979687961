// The six connector types by name (CONTRACT §8).
import type { ConnectorType, ConnectorTypeName } from '../framework/types.ts'
import { dynamics } from './dynamics.ts'
import { harvest } from './harvest.ts'
import { kantata } from './kantata.ts'
import { netsuite } from './netsuite.ts'
import { salesforce } from './salesforce.ts'
import { workday } from './workday.ts'

export const connectorTypes: Record<ConnectorTypeName, ConnectorType> = { salesforce, netsuite, dynamics, workday, kantata, harvest }

export function connectorType(name: string): ConnectorType {
  const t = (connectorTypes as Record<string, ConnectorType>)[name]
  if (!t) throw new Error(`Unknown connector type ${name}: expected one of ${Object.keys(connectorTypes).join(', ')}.`)
  return t
}
