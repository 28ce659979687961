// A windowed table: only the rows in view (plus a few either side) are in the DOM, each placed
// at index × rowHeight, so 100,000 rows scroll like 40. Fixed row height is what keeps this
// small (no measuring), which is why it is written here instead of pulling in a general
// virtualiser such as @tanstack/solid-virtual: variable heights are not needed.
//
// Rows are slots (<Index>): scrolling hands each slot another row and the cells, which read
// the row through an accessor, update their text in place. No row is created or destroyed
// while scrolling, which is what keeps a frame cheap.
import { createEffect, createMemo, createSignal, For, Index, on, onCleanup, onMount, Show, type Accessor, type JSX } from 'solid-js'

export interface Column<T> {
  id: string
  header: JSX.Element
  /** A CSS grid track: "120px", "minmax(200px, 2fr)". */
  width: string
  /** Reads the row through the accessor, so a slot can show another row without re-rendering. */
  cell: (row: Accessor<T>, index: Accessor<number>) => JSX.Element
  align?: 'left' | 'right' | 'center'
  /** Set when the column sorts: its current direction (or null) and what to do on click. */
  sort?: { dir: 'asc' | 'desc' | null; toggle: () => void }
}

export interface VirtualTableProps<T> {
  rows: T[]
  columns: Column<T>[]
  rowKey: (row: T) => string
  rowHeight?: number
  overscan?: number
  activeIndex?: number
  isSelected?: (row: T) => boolean
  rowClass?: (row: T) => Record<string, boolean>
  onRowClick?: (row: T, index: number, e: MouseEvent) => void
  /** Called when the last rows come into view (load the next page). */
  onEndReached?: () => void
  footer?: JSX.Element
  testid?: string
  label: string
  /** Below this width the table scrolls sideways instead of squeezing columns (px). */
  minWidth?: number
}

export default function VirtualTable<T>(props: VirtualTableProps<T>) {
  const rowHeight = () => props.rowHeight ?? 44
  const overscan = () => props.overscan ?? 5
  const [scrollTop, setScrollTop] = createSignal(0)
  const [viewport, setViewport] = createSignal(600)
  let scroller!: HTMLDivElement

  onMount(() => {
    const ro = new ResizeObserver(() => setViewport(scroller.clientHeight))
    ro.observe(scroller)
    setViewport(scroller.clientHeight)
    onCleanup(() => ro.disconnect())
  })

  const template = () => props.columns.map((c) => c.width).join(' ')
  // Every row shares one width (the container's, or minWidth), so fr tracks line up.
  const minWidth = () => `${props.minWidth ?? 0}px`
  const start = createMemo(() => Math.max(0, Math.floor(scrollTop() / rowHeight()) - overscan()))
  const end = createMemo(() => Math.min(props.rows.length, Math.ceil((scrollTop() + viewport()) / rowHeight()) + overscan()))
  const slice = createMemo(() => props.rows.slice(start(), end()))

  // Ask for more before the end is reached, once per length.
  let askedAt = -1
  createEffect(() => {
    const n = props.rows.length
    if (n > 0 && end() >= n - overscan() && askedAt !== n) {
      askedAt = n
      props.onEndReached?.()
    }
  })

  // Keep the keyboard's active row in view.
  createEffect(
    on(
      () => props.activeIndex,
      (i) => {
        if (i === undefined || i < 0) return
        // Rows start below the sticky header, which is one row high.
        const top = (i + 1) * rowHeight()
        if (top - rowHeight() < scroller.scrollTop) scroller.scrollTop = top - rowHeight()
        else if (top + rowHeight() > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + rowHeight() - scroller.clientHeight
      },
      { defer: true },
    ),
  )

  return (
    <div class="vtable" role="grid" aria-label={props.label} aria-rowcount={props.rows.length + 1} data-testid={props.testid} data-rows={props.rows.length}>
      <div class="vscroll" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} tabindex="-1">
        <div class="vhead" role="row" style={{ 'grid-template-columns': template(), height: `${rowHeight()}px`, 'min-width': minWidth() }}>
          <For each={props.columns}>
            {(c) => (
              <div class={`vcell vth align-${c.align ?? 'left'}`} role="columnheader" aria-sort={c.sort?.dir === 'asc' ? 'ascending' : c.sort?.dir === 'desc' ? 'descending' : undefined}>
                <Show when={c.sort} fallback={c.header}>
                  {(s) => (
                    <button class="sort-btn" onClick={() => s().toggle()} data-testid={`sort-${c.id}`}>
                      {c.header}
                      <span class="sort-ind">{s().dir === 'asc' ? '↑' : s().dir === 'desc' ? '↓' : '↕'}</span>
                    </button>
                  )}
                </Show>
              </div>
            )}
          </For>
        </div>
        <div class="vbody" style={{ height: `${props.rows.length * rowHeight()}px`, 'min-width': minWidth() }}>
          <Index each={slice()}>
            {(row, i) => {
              const index = () => start() + i
              return (
                <div
                  class="vrow"
                  classList={{ active: props.activeIndex === index(), selected: props.isSelected?.(row()) ?? false, ...props.rowClass?.(row()) }}
                  role="row"
                  aria-rowindex={index() + 2}
                  aria-selected={props.isSelected?.(row()) ?? false}
                  data-testid="row"
                  data-key={props.rowKey(row())}
                  style={{ transform: `translateY(${index() * rowHeight()}px)`, height: `${rowHeight()}px`, 'grid-template-columns': template() }}
                  onClick={(e) => props.onRowClick?.(row(), index(), e)}
                >
                  <For each={props.columns}>
                    {(c) => (
                      <div class={`vcell align-${c.align ?? 'left'}`} role="gridcell">
                        {c.cell(row, index)}
                      </div>
                    )}
                  </For>
                </div>
              )
            }}
          </Index>
        </div>
        <Show when={props.footer}>
          <div class="vfoot">{props.footer}</div>
        </Show>
      </div>
    </div>
  )
}
