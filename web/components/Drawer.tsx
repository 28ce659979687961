// A panel sliding in from the right (full screen on phones); Escape or the backdrop closes it.
import { onCleanup, onMount, type JSX } from 'solid-js'
import Icon from './icons.tsx'

export default function Drawer(props: { title: JSX.Element; onClose: () => void; children: JSX.Element; testid?: string; wide?: boolean; modal?: boolean }) {
  let panel!: HTMLElement
  const key = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement)) props.onClose()
  }
  onMount(() => {
    document.addEventListener('keydown', key)
    if (props.modal !== false) panel.focus()
  })
  onCleanup(() => document.removeEventListener('keydown', key))
  return (
    <>
      {props.modal !== false && <div class="backdrop" onClick={() => props.onClose()} />}
      <aside class="drawer" classList={{ wide: props.wide, docked: props.modal === false }} ref={panel} tabindex="-1" role="dialog" aria-modal={props.modal !== false} data-testid={props.testid}>
        <header class="drawer-head">
          <div class="drawer-title">{props.title}</div>
          <button class="icon-btn" onClick={() => props.onClose()} aria-label="Close" data-testid="drawer-close">
            <Icon name="close" />
          </button>
        </header>
        <div class="drawer-body">{props.children}</div>
      </aside>
    </>
  )
}
