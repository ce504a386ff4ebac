/**
 * The viewer's own styles: the address bar in one row (also on a phone), the site frame, the
 * lines that may say nothing taking no room, and on a phone "About this name" under the site.
 * @module
 */
import { css } from 'lit'

/** The styles of `<an-browser-frame>`, after the shared ones. */
export const browserFrameStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
    min-height: 0;
  }
  /* Lines that may say nothing: empty, they add no gap between the address bar and the site. */
  an-address-lookahead,
  an-error-message,
  an-site-update {
    display: contents;
  }
  form {
    display: flex;
    gap: 0.35rem;
    align-items: center;
  }
  .nav {
    display: flex;
    gap: 0.25rem;
  }
  .nav button {
    padding: 0.25rem;
    font-size: 1.2rem;
    line-height: 1;
  }
  /* The folded header's handle: the app's icon at the start of the address bar. */
  .handle {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 2.5rem;
    padding: 0.25rem;
  }
  .handle img {
    width: 1.6rem;
    height: 1.6rem;
  }
  .bar {
    flex: 1;
    display: flex;
    gap: 0.35rem;
    min-width: 0;
  }
  .bar input {
    min-width: 0;
    flex: 1;
  }
  details.about summary {
    cursor: pointer;
    /* Its padding inside its height: a closed "About this name" leaves no blank band under it. */
    box-sizing: border-box;
    min-height: 2.25rem;
    padding: 0.35rem 0;
    color: var(--an-accent);
    font-weight: 600;
  }
  .frame {
    flex: 1;
    width: 100%;
    min-height: 65vh;
    border: 1px solid var(--an-border);
    border-radius: var(--an-radius);
    background: #fff;
  }
  .offer {
    margin: 0;
  }
  .recent ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .recent li {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.75rem;
    align-items: baseline;
    padding: 0.35rem 0;
  }
  .recent a {
    font-weight: 600;
  }
  .welcome code {
    font-size: 1.05em;
  }
  @media (max-width: 30rem) {
    /* One row on a phone: the site gets the height a second row would take. */
    form,
    .nav,
    .bar {
      gap: 0.2rem;
    }
    .nav button {
      min-width: 2.5rem;
      padding: 0.25rem 0;
    }
    .bar button {
      padding-inline: 0.75rem;
    }
    .frame {
      min-height: 70vh;
    }
    /* The site right under the address bar; what the name is follows the site. */
    details.about {
      order: 1;
    }
  }
`
