// Admin: the reporting currency (CONTRACT §5 Currency): every KPI, amount at risk and matrix
// amount is added up in it, each record converted at the ERP's rate for its date.
import { Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import type { Draft } from './draft.ts'

/** Codes offered as suggestions; any ISO 4217 code may be typed. */
const COMMON = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK', 'INR', 'SGD']

export default function CurrencyEditor(props: { draft: Draft; setDraft: SetStoreFunction<Draft>; invalid: string | null }) {
  const valid = () => /^[A-Z]{3}$/.test(props.draft.reporting.trim().toUpperCase())
  return (
    <section class="card" data-testid="reporting-currency">
      <header class="card-head">
        <div>
          <h2>Reporting currency</h2>
          <p class="muted small">
            KPIs, amounts at risk and reconciliation amounts are added up in this currency, each record converted at the ERP's exchange rate for its date.
            Records whose currency has no rate are left out, and the dashboard says how many.
          </p>
        </div>
      </header>
      <label class="field">
        <span>Currency (ISO 4217 code)</span>
        <input
          list="currency-codes"
          maxlength="3"
          autocomplete="off"
          value={props.draft.reporting}
          onInput={(e) => props.setDraft('reporting', e.currentTarget.value.toUpperCase())}
          aria-label="Reporting currency"
          data-testid="reporting-currency-input"
          data-field="reporting_currency"
          classList={{ invalid: props.invalid === 'reporting_currency' }}
        />
        <datalist id="currency-codes">
          {COMMON.map((c) => (
            <option value={c} />
          ))}
        </datalist>
        <Show when={!valid()}>
          <span class="small form-error">Must be a three-letter code such as USD</span>
        </Show>
      </label>
    </section>
  )
}
