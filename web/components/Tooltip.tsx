// A hover and focus tooltip in CSS (no positioning library): the text shows above the child.
import type { JSX } from 'solid-js'

export default function Tooltip(props: { text: string; children: JSX.Element; wide?: boolean; end?: boolean }) {
  return (
    <span class={`tip${props.wide ? ' tip-wide' : ''}${props.end ? ' tip-end' : ''}`}>
      {props.children}
      <span class="tip-text" role="tooltip">
        {props.text}
      </span>
    </span>
  )
}
