/**
 * Styles every element shares: colours, type, focus rings, form controls and buttons.
 * Elements list `sharedStyles` first in their `static styles`.
 * @module
 */
import { css } from 'lit'

/** The shared look. */
export const sharedStyles = css`
  :host {
    --an-accent: #0b6e4f;
    --an-accent-ink: #ffffff;
    --an-ink: #14201b;
    --an-muted: #4d5b55;
    --an-surface: #ffffff;
    --an-surface-2: #f1f5f3;
    --an-border: #b9c6c0;
    --an-focus: #1a5fd0;
    --an-danger: #a3241b;
    --an-warn-bg: #fff4d6;
    --an-warn-ink: #5b4300;
    --an-ok: #146c2e;
    --an-radius: 0.5rem;
    box-sizing: border-box;
    color: var(--an-ink);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --an-accent: #4fc79a;
      --an-accent-ink: #05251a;
      --an-ink: #e6efe9;
      --an-muted: #a9bab2;
      --an-surface: #111815;
      --an-surface-2: #1b2520;
      --an-border: #3f5048;
      --an-focus: #8fb8ff;
      --an-danger: #ff8a80;
      --an-warn-bg: #3a2f0b;
      --an-warn-ink: #ffe7a3;
      --an-ok: #7fdc9b;
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  :focus-visible {
    outline: 3px solid var(--an-focus);
    outline-offset: 2px;
  }
  a {
    color: var(--an-accent);
  }
  h2 {
    font-size: 1.35rem;
    margin: 0 0 0.75rem;
  }
  h3 {
    font-size: 1.05rem;
    margin: 1.25rem 0 0.5rem;
  }
  p {
    margin: 0.5rem 0;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.75rem 0 0.25rem;
  }
  input[type='text'],
  input[type='url'],
  input[type='password'],
  input:not([type]),
  select,
  textarea {
    font: inherit;
    width: 100%;
    min-height: 2.75rem;
    padding: 0.5rem 0.65rem;
    color: var(--an-ink);
    background: var(--an-surface);
    border: 1px solid var(--an-border);
    border-radius: var(--an-radius);
  }
  /* A file chooser is its button-styled label (what a person sees, in the app's words, not the
     browser's "Choose File"); the native input stays in the tab order, invisible, and shows its
     focus ring on that label. The input must come right before the label. */
  .file-input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .file-input:focus-visible + label.button {
    outline: 3px solid var(--an-focus);
    outline-offset: 2px;
  }
  label.button {
    font-weight: normal;
    margin: 0;
  }
  .chosen {
    overflow-wrap: anywhere;
  }
  textarea {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    min-height: 12rem;
    resize: vertical;
  }
  button,
  .button {
    /* Its own, not inherited: one inside an element that is not border-box would grow by its padding. */
    box-sizing: border-box;
    font: inherit;
    min-height: 2.75rem;
    min-width: 2.75rem;
    padding: 0.45rem 1rem;
    border-radius: var(--an-radius);
    border: 1px solid var(--an-border);
    background: var(--an-surface-2);
    color: var(--an-ink);
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35rem;
  }
  button.primary,
  .button.primary {
    background: var(--an-accent);
    border-color: var(--an-accent);
    color: var(--an-accent-ink);
    font-weight: 600;
  }
  button.danger {
    color: var(--an-danger);
    border-color: var(--an-danger);
    background: transparent;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .card {
    background: var(--an-surface);
    border: 1px solid var(--an-border);
    border-radius: var(--an-radius);
    padding: 1rem;
    margin: 0 0 1rem;
  }
  .card > :first-child,
  .card > form > :first-child {
    margin-top: 0;
  }
  .hint {
    color: var(--an-muted);
    font-size: 0.92rem;
  }
  .error {
    color: var(--an-danger);
    border-left: 4px solid var(--an-danger);
    padding: 0.25rem 0 0.25rem 0.75rem;
    margin: 0.75rem 0;
  }
  .error strong {
    display: block;
  }
  .warning {
    background: var(--an-warn-bg);
    color: var(--an-warn-ink);
    border-radius: var(--an-radius);
    padding: 0.6rem 0.8rem;
    margin: 0.75rem 0;
  }
  .ok {
    color: var(--an-ok);
  }
  .mono {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    overflow-wrap: anywhere;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.35rem 1rem;
    margin: 0.5rem 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  @media (max-width: 30rem) {
    dl {
      grid-template-columns: 1fr;
      gap: 0.1rem;
    }
    dd {
      margin-bottom: 0.4rem;
    }
  }
  /* Read by screen readers, not shown. */
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`
