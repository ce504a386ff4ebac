/**
 * The styles of `<an-name-details>` (`an-name-details.ts`), beside the app's shared ones.
 * @module
 */
import { css } from 'lit'

export const nameDetailsStyles = css`
  :host {
    display: block;
  }
  ul {
    margin: 0.25rem 0;
    padding-left: 1.25rem;
  }
  .id {
    white-space: nowrap;
  }
  .explain,
  .mirrored-until {
    display: block;
    margin-top: 0.25rem;
  }
  [data-help-offer] {
    margin: 0.5rem 0 0;
  }
  .content-id summary {
    color: var(--an-muted);
    font-size: 0.92rem;
    cursor: pointer;
    min-height: 1.5rem;
  }
  [data-help-offer] .hint {
    display: block;
    margin-top: 0.25rem;
  }
`
