/**
 * What a screen shows fits it, on a phone and a desktop, light and dark: the relay field's
 * example address is whole on a phone (not "https://relay.example.or"), and Publish's Address
 * card ends where its words end, with no blank band under them before a name is typed.
 */
import type { Locator } from 'playwright-core'
import { after, before, describe, it } from '../support/spec.ts'
import { ok } from '../support/assert.ts'
import { startAppSession, type AppSession } from './support/app-session.ts'
import { bounded } from './support/site-frame.ts'
import { openApp } from './ui-support/app-page.ts'

const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
}
const SCHEMES = ['light', 'dark'] as const

/** The width of a field's placeholder in its own font, and the room inside the field for it. */
function placeholderRoom(input: HTMLInputElement): { text: number; room: number } {
  const style = getComputedStyle(input, '::placeholder')
  const context = document.createElement('canvas').getContext('2d')!
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
  const own = getComputedStyle(input)
  const padding = parseFloat(own.paddingLeft) + parseFloat(own.paddingRight)
  return { text: context.measureText(input.placeholder).width, room: input.clientWidth - padding }
}

/**
 * The blank room at the foot of a card: from the lowest of its words and controls to the inside
 * of its bottom border (an empty box that only holds room counts as blank).
 */
function blankFoot(card: Element): number {
  let lowest = card.getBoundingClientRect().top
  const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT)
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    let bottom: number | undefined
    if (node.nodeType === Node.TEXT_NODE) {
      if ((node.textContent ?? '').trim() === '') continue
      const range = document.createRange()
      range.selectNodeContents(node)
      bottom = range.getBoundingClientRect().bottom
    } else if ((node as Element).matches('input, select, button, textarea, an-file-source')) {
      bottom = (node as Element).getBoundingClientRect().bottom
    }
    if (bottom !== undefined) lowest = Math.max(lowest, bottom)
  }
  const style = getComputedStyle(card)
  return card.getBoundingClientRect().bottom - parseFloat(style.borderBottomWidth) - lowest
}

describe('what a screen shows fits it (Chromium, phone and desktop, light and dark)', () => {
  let session: AppSession

  before(async () => {
    session = await startAppSession()
  })

  after(async () => {
    await session?.close()
  })

  it(
    'the relay field shows its whole example address, and the Address card has no blank band',
    bounded(180_000, async () => {
      for (const [size, viewport] of Object.entries(SIZES)) {
        for (const scheme of SCHEMES) {
          const where = `${size}, ${scheme}`
          const context = await session.context(scheme, { viewport })
          const page = await context.newPage()
          await openApp(page, session.relay.appOrigin, '#/settings')
          const field = page.locator('input#relay')
          await field.waitFor()
          const { text, room } = await field.evaluate(placeholderRoom)
          ok(text <= room, `${where}: the example address (${text} px) fits in ${room} px`)

          await openApp(page, session.relay.appOrigin, '#/publish')
          const card = (heading: string): Locator =>
            page.locator('section.card', { has: page.getByRole('heading', { name: heading }) })
          await card('2. Address').waitFor()
          const address = await card('2. Address').evaluate(blankFoot)
          const staying = await card('3. Staying up without this device').evaluate(blankFoot)
          ok(
            address <= staying + 1,
            `${where}: the Address card ends like the others: ${address} px blank, not ${staying}`,
          )
          await context.close()
        }
      }
    }),
  )
})
