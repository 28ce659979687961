// A chart card's loading/error/retry props from one resource.
import type { Resource } from 'solid-js'

export interface CardState {
  loading: boolean
  error?: unknown
  onRetry: () => void
}

/** Getters, so the card follows the resource. */
export const states = <T,>(r: Resource<T>, refetch: () => void): CardState => ({
  get loading() {
    return r.loading
  },
  get error(): unknown {
    return r.error
  },
  onRetry: () => void refetch(),
})

/**
 * A resource's value without suspending: each card shows its own skeleton and fills in when its
 * answer arrives, instead of the section waiting behind a Suspense boundary for the slowest one.
 */
export const ready = <T,>(r: Resource<T>): T | undefined => (r.state === 'ready' ? r() : r.state === 'refreshing' ? r.latest : undefined)
