/**
 * The pages the editor offers to start from: each a short Markdown text a person changes, and
 * one bare HTML page for those who write HTML.
 * @module
 */

/** What a page is written in. */
export type PageFormat = 'markdown' | 'html'

/** A page to start from. */
export interface PageTemplate {
  /** Stable key (the value of the template chooser). */
  id: string
  /** What the chooser shows. */
  label: string
  format: PageFormat
  text: string
}

/** The bare HTML page (the editor's HTML starting point). */
export const HTML_STARTER = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>My page</title>
  </head>
  <body>
    <h1>Hello from Alternet</h1>
    <p>This page is served by the people who visit it.</p>
  </body>
</html>
`

/** The pages the chooser lists, the first one the editor opens with. */
export const PAGE_TEMPLATES: readonly PageTemplate[] = [
  {
    id: 'personal',
    label: 'A personal page',
    format: 'markdown',
    text: `# Hello, I am Sam

I make things and write about them. This page lives on Alternet: it is served by
the browsers of the people who publish and visit it.

## What I do

- Photography, mostly of streets at night
- Small programs that do one thing well
- A garden that does what it wants

## Say hello

Find me at the places below, or leave a note with a friend.
`,
  },
  {
    id: 'post',
    label: 'A short blog post',
    format: 'markdown',
    text: `# A first post

*Written on a quiet evening.*

This is the start of something. I will write here about what I learn, what I
build and what I read.

> The best time to start was yesterday. The next best time is now.

## What comes next

1. A post about the tools I use
2. A list of books that changed my mind
3. Photos from the last trip

Thanks for reading.
`,
  },
  {
    id: 'links',
    label: 'A list of links',
    format: 'markdown',
    text: `# Links I like

A short list of places worth a visit.

- [The Internet Archive](https://archive.org) — old pages, kept
- [Wikipedia](https://www.wikipedia.org) — the free encyclopedia
- [OpenStreetMap](https://www.openstreetmap.org) — the map anyone can edit

*Last updated today.*
`,
  },
  { id: 'blank', label: 'A blank page', format: 'markdown', text: '# My page\n\n' },
  { id: 'html', label: 'A bare HTML page', format: 'html', text: HTML_STARTER },
]

/** The template with `id`, else the first. */
export function templateById(id: string): PageTemplate {
  return PAGE_TEMPLATES.find((template) => template.id === id) ?? PAGE_TEMPLATES[0]
}

/** Whether `text` is already a whole HTML page (so a pasted page is published as it is). */
export function looksLikeHtmlPage(text: string): boolean {
  return /^\s*<(!doctype\s+html|html[\s>])/i.test(text)
}
