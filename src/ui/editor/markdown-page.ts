/**
 * Turns a page written in Markdown into the site's `index.html`: a whole, styled HTML page
 * (light and dark) titled after its first heading, marked as made by the editor so Update can
 * reopen its Markdown (published beside it as `index.md`).
 * @module
 */
import { Marked } from 'marked'
import { EDITOR_GENERATOR, escapeHtml } from '../../net/index.ts'

/** The title of a page with no top heading. */
export const UNTITLED = 'My page'

const marked = new Marked({ gfm: true, async: false })

/** The first top-level heading's words, without Markdown marks. */
export function pageTitle(source: string): string {
  for (const token of marked.lexer(source))
    if (token.type === 'heading' && token.depth === 1)
      return token.text.replace(/[*_`[\]]|\(.*?\)/g, '').trim() || UNTITLED
  return UNTITLED
}

/** The styles every Markdown page carries: readable width, system fonts, light and dark. */
const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fdfdfc; --muted: #5b5b66; --link: #0b57d0; --rule: #d9d9de; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececf1; --bg: #16161a; --muted: #a8a8b3; --link: #8ab4f8; --rule: #3a3a42; } }
body { margin: 0 auto; max-width: 40rem; padding: 2rem 1.25rem 4rem; font: 1.0625rem/1.65 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
h1, h2, h3 { line-height: 1.25; }
h1 { font-size: 2rem; margin-top: 0; }
a { color: var(--link); }
img { max-width: 100%; height: auto; }
blockquote { margin: 1.25rem 0; padding: 0 1rem; border-left: 4px solid var(--rule); color: var(--muted); }
code, pre { font-family: ui-monospace, monospace; font-size: 0.92em; }
pre { overflow-x: auto; padding: 0.75rem; border: 1px solid var(--rule); border-radius: 6px; }
hr { border: 0; border-top: 1px solid var(--rule); }
table { border-collapse: collapse; } th, td { border: 1px solid var(--rule); padding: 0.3rem 0.6rem; }
`.trim()

/** The whole HTML page for Markdown `source`. */
export function markdownPage(source: string, lang = 'en'): string {
  const body = marked.parse(source, { async: false })
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${EDITOR_GENERATOR}">
<title>${escapeHtml(pageTitle(source))}</title>
<style>
${PAGE_STYLE}
</style>
</head>
<body>
${body}</body>
</html>
`
}
