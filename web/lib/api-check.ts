// Compile-time only: the answers the dashboard reads through its own types (api-types.ts) must
// match what the server's routes are typed to return, where Hono can see it (routes answering
// with c.json). tsc fails here if a route's answer drifts. Nothing of this reaches the bundle.
import type { hc, InferResponseType } from 'hono/client'
import type { AppType } from '../../server/app.ts'
import type { HealthAnswer, HealthRow, ListAnswer, RoutePreview, SettingsAnswer, SettingsSaved, SourceItem, TransactionItem } from './api-types.ts'

type Client = ReturnType<typeof hc<AppType>>
type Assert<T extends true> = T
type Fits<Server, Mine> = Server extends Mine ? true : false

export type SourcesFit = Assert<Fits<InferResponseType<Client['api']['v1']['sources']['$get'], 200>, ListAnswer<SourceItem>>>
export type HealthFit = Assert<Fits<InferResponseType<Client['api']['v1']['health']['$get'], 200>, HealthAnswer>>
export type WorkflowHealthFit = Assert<Fits<InferResponseType<Client['api']['v1']['transactions']['health']['$get'], 200>, ListAnswer<HealthRow>>>
// The server types a transaction's status as string (it is 'ok' or 'failed'); the rest must fit.
type ServerTransaction = InferResponseType<Client['api']['v1']['transactions']['$get'], 200>['items'][number]
export type TransactionsFit = Assert<Fits<Omit<ServerTransaction, 'status'>, Omit<TransactionItem, 'status'>>>
export type SettingsFit = Assert<Fits<InferResponseType<Client['api']['v1']['settings']['$get'], 200>, SettingsAnswer>>
export type SettingsSavedFit = Assert<Fits<InferResponseType<Client['api']['v1']['settings']['$put'], 200>, SettingsSaved>>
export type RoutePreviewFit = Assert<Fits<InferResponseType<Client['api']['v1']['settings']['routing']['preview']['$post'], 200>, RoutePreview>>
