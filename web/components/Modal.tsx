// A small dialog for a decision that needs input (a resolution note, a new owner).
import { onCleanup, onMount, type JSX } from 'solid-js'

export default function Modal(props: { title: string; onClose: () => void; children: JSX.Element; testid?: string }) {
  let box!: HTMLDivElement
  const key = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose()
  onMount(() => {
    document.addEventListener('keydown', key)
    box.querySelector<HTMLElement>('textarea, input, select, button')?.focus()
  })
  onCleanup(() => document.removeEventListener('keydown', key))
  return (
    <div class="modal-wrap" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={props.title} ref={box} data-testid={props.testid ?? 'modal'}>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  )
}
