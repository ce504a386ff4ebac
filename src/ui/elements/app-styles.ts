/**
 * The app shell's own styles: the header with the navigation and the network status, the
 * screen below it. On a phone the header is one row, the navigation folded behind a menu
 * button whose list opens over the page, so a site starts right under it; while a site is read
 * the header folds away (`header-fold.ts`).
 * @module
 */
import { css } from 'lit'

/** The styles of `<an-app>`, after the shared ones. */
export const appStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 100vh;
    min-height: 100dvh;
    background: var(--an-surface);
  }
  header {
    position: relative;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 1rem;
    padding: 0.25rem 0.75rem;
    border-bottom: 1px solid var(--an-border);
    background: var(--an-surface-2);
  }
  .brand {
    font-weight: 700;
    font-size: 1.15rem;
    color: var(--an-ink);
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    min-height: 2.75rem;
  }
  .brand img {
    width: 1.6rem;
    height: 1.6rem;
  }
  nav ul {
    display: flex;
    flex-wrap: wrap;
    gap: 0.1rem;
    list-style: none;
    margin: 0;
    padding: 0;
  }
  nav a {
    display: inline-flex;
    align-items: center;
    min-height: 2.75rem;
    padding: 0 0.6rem;
    border-radius: var(--an-radius);
    color: var(--an-ink);
    text-decoration: none;
  }
  nav a[aria-current='page'] {
    background: var(--an-accent);
    color: var(--an-accent-ink);
    font-weight: 600;
  }
  /* The menu button exists on a phone only. */
  .menu {
    display: none;
  }
  an-network-status {
    margin-left: auto;
  }
  main {
    flex: 1;
    display: flex;
    flex-direction: column;
    width: 100%;
    max-width: 72rem;
    margin: 0 auto;
    padding: 0.75rem;
  }
  main:focus {
    /* Focus moves here on a new screen, for screen readers: not a control to ring. */
    outline: none;
  }
  main > .page {
    max-width: 48rem;
    width: 100%;
    margin-inline: auto;
  }
  .skip {
    position: absolute;
    left: 0.5rem;
    top: -4rem;
    z-index: 20;
  }
  .skip:focus {
    top: 0.5rem;
  }
  an-browser-frame {
    flex: 1;
  }
  @media (max-width: 30rem) {
    /*
     * Always one row: a status longer than the room left ("not reachable yet" while the node
     * starts) is cut short instead of wrapping, so the page never jumps down and back up.
     */
    header {
      flex-wrap: nowrap;
      gap: 0 0.4rem;
      padding: 0.125rem 0.5rem;
    }
    an-network-status {
      min-width: 0;
    }
    .brand-name {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .menu {
      display: inline-flex;
      align-items: center;
      gap: 0.4rem;
      min-height: 2.75rem;
      padding: 0 0.6rem;
      font-weight: 600;
    }
    .menu .icon {
      font-size: 1.2rem;
      line-height: 1;
    }
    /* Folded, the screens' links take no room; open, they cover the page instead of moving it. */
    nav:not(.open) ul {
      display: none;
    }
    nav ul {
      position: absolute;
      top: calc(100% + 0.25rem);
      left: 0.5rem;
      z-index: 15;
      flex-direction: column;
      min-width: 12rem;
      padding: 0.35rem;
      background: var(--an-surface);
      border: 1px solid var(--an-border);
      border-radius: var(--an-radius);
      box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.25);
    }
    nav a {
      display: flex;
      padding: 0 0.75rem;
    }
    main {
      padding: 0.5rem;
    }
    /*
     * While a site is read, the page is one header taller than the screen: scrolled past the
     * header (folded), the address bar, the site and "About this name" fill the screen.
     */
    :host([data-reading]) {
      min-height: calc(100vh + var(--an-header-height, 0px));
      min-height: calc(100dvh + var(--an-header-height, 0px));
    }
  }
  @media (max-width: 30rem) and (prefers-color-scheme: dark) {
    nav ul {
      background: var(--an-surface-2);
      box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.6);
    }
  }
`
