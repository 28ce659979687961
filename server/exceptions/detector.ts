// When detection runs: on POST /api/v1/detect, every interval, and shortly after ingest or a
// settings save (debounced, so a burst of batches causes one run). CROSSWALK_DETECT_INTERVAL=0
// turns the schedule and those runs off.
import type { Db } from '../db/client.ts'
import type { Config } from '../config/schema.ts'
import { detect, type OpenedListener, type RunResult } from './detect.ts'
import { PRIORITY, withPriority } from '../db/query.ts'
import { logOf } from '../observability/log.ts'
import { systemClock, type Clock } from '../lib/clock.ts'

export class Detector {
  private timer: NodeJS.Timeout | null = null
  private debounce: NodeJS.Timeout | null = null
  listeners: OpenedListener[] = []

  constructor(
    private db: Db,
    private config: Config,
    readonly intervalSeconds: number,
    private debounceMs = 5_000,
    /** The detection lease's expiry is judged on this clock (tests inject a ManualClock). */
    private clock: Clock = systemClock,
  ) {}

  run(asOf: Date, trigger: string): Promise<RunResult> {
    // A second run (here or on another server sharing the engine) waits for the one running.
    return detect(this.db, this.config, asOf, trigger, (ids) => this.listeners.forEach((l) => l(ids)), { clock: this.clock })
  }

  start(): void {
    if (this.intervalSeconds <= 0) return
    this.timer = setInterval(() => this.background('schedule'), this.intervalSeconds * 1000)
    this.timer.unref()
  }

  afterIngest(): void {
    this.soon('ingest')
  }

  /** Saved settings (routing, rules, SLAs, reporting currency) reach open exceptions now, not at the next interval. */
  afterSettings(): void {
    this.soon('settings')
  }

  private soon(trigger: string): void {
    if (this.intervalSeconds <= 0) return
    if (this.debounce) clearTimeout(this.debounce)
    this.debounce = setTimeout(() => this.background(trigger), this.debounceMs)
    this.debounce.unref()
  }

  private background(trigger: string): void {
    withPriority(PRIORITY.background, () => this.run(new Date(), trigger)).catch((e) => logOf(this.db).error({ err: e, trigger }, 'detection failed'))
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    if (this.debounce) clearTimeout(this.debounce)
  }
}
