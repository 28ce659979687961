// A Prometheus text exposition parsed with a Prometheus text parser, and the samples of a family.
// @ts-expect-error the parser ships no type declarations
import parsePrometheusTextFormat from 'parse-prometheus-text-format'

export interface Sample {
  value?: string
  labels?: Record<string, string>
  buckets?: Record<string, string>
  count?: string
  sum?: string
}
export interface Family {
  name: string
  help: string
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
  metrics: Sample[]
}

/**
 * The families of an exposition. The parser folds a histogram's series into one, dropping their
 * labels; so histograms are also parsed once more as untyped, which keeps each series'
 * `<name>_bucket`, `<name>_sum` and `<name>_count` with its labels as families of their own.
 */
export function parseMetrics(text: string): Map<string, Family> {
  const families = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]))
  const untyped = text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped')
  // Series interleave there (bucket, sum, count per label set): one family per name, merged.
  const series = new Map<string, Family>()
  for (const f of parsePrometheusTextFormat(untyped) as Family[]) {
    if (families.has(f.name)) continue
    const seen = series.get(f.name)
    if (seen) seen.metrics.push(...f.metrics)
    else series.set(f.name, f)
  }
  return new Map([...families, ...series])
}

/** The samples of `name` whose labels include all of `labels` (of a histogram: its `_count` series). */
export function samples(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): Sample[] {
  const f = families.get(families.get(name)?.type === 'HISTOGRAM' ? `${name}_count` : name)
  if (!f) throw new Error(`no metric family ${name}`)
  return f.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
}

/** The one sample's value (of a histogram: its count); 0 when there is none. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const found = samples(families, name, labels)
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${found.length} samples, expected one`)
  const s = found[0]
  return s ? Number(s.value ?? s.count) : 0
}
