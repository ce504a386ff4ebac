/**
 * The page shown for a path a site does not have, when the site has no `404.html` of its own:
 * a short styled HTML page (title, the address in words, a link to the site's home), readable
 * in light and dark, with no script. Pure: returns the HTML text.
 * @module
 */
import { escapeHtml } from './html-text.ts'

/** Media type of the page. */
export const NOT_FOUND_PAGE_TYPE = 'text/html; charset=utf-8'

/**
 * The "Page not found" page of `site` (canonical name, `alice:blog`) for `path` (as asked, with
 * its leading `/`). Its home link is the site's root, on the site's own origin.
 */
export function notFoundPage(site: string, path: string): string {
  const address = `an://${site}${path}`
  let shown = path
  try {
    shown = decodeURI(path)
  } catch {
    // A path that is not valid percent-encoding is shown as it came.
  }
  return `<!doctype html>
<html lang="en" data-an-not-found>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Page not found · ${escapeHtml(site)}</title>
<style>
  :root { color-scheme: light dark; background: #ffffff; color: #14201b; }
  a { color: #0b6e4f; }
  a.home { background: #0b6e4f; color: #ffffff; border-color: #0b6e4f; }
  @media (prefers-color-scheme: dark) {
    :root { background: #111815; color: #e6efe9; }
    a { color: #4fc79a; }
    a.home { background: #4fc79a; color: #05251a; border-color: #4fc79a; }
  }
  body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; padding: 2rem 1rem; }
  main { max-width: 36rem; margin: 0 auto; }
  h1 { font-size: 1.6rem; margin: 0 0 .75rem; }
  code { font-size: .95em; overflow-wrap: anywhere; }
  a.home { display: inline-block; margin-top: 1rem; padding: .6rem 1rem; border: 1px solid; border-radius: .4rem; text-decoration: none; font-weight: 600; }
</style>
</head>
<body>
<main>
<h1>Page not found</h1>
<p>The site <strong>${escapeHtml(site)}</strong> has no page at <code>${escapeHtml(shown)}</code>.</p>
<p>The link may be mistyped, or the page was moved or removed when the site was last updated. The full address was <code>${escapeHtml(address)}</code>.</p>
<a class="home" href="/">Go to the home page of ${escapeHtml(site)}</a>
</main>
</body>
</html>
`
}
