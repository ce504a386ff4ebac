/**
 * WCAG contrast of the text a person reads: the text's colour against the first opaque
 * background behind it, inside a frame falling back to the frame element's own background.
 * @module
 */
import type { Locator } from 'playwright-core'

/** An sRGB colour with alpha, channels 0–255, alpha 0–1. */
type Rgba = [number, number, number, number]

/** Parses a computed `rgb()`/`rgba()` colour. */
export function parseColour(text: string): Rgba {
  const parts = /rgba?\(([^)]+)\)/
    .exec(text)?.[1]
    .split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number)
  if (parts === undefined || parts.length < 3) throw new Error(`not an rgb colour: ${text}`)
  return [parts[0], parts[1], parts[2], parts[3] ?? 1]
}

function luminance([r, g, b]: Rgba): number {
  const lin = (c: number) => {
    const s = c / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/** The contrast ratio of two opaque colours, 1–21. */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/** The text colour of `text` and the first non-transparent background behind it, or undefined. */
async function coloursOf(text: Locator): Promise<{ ink: string; back: string | undefined }> {
  return text.evaluate((element) => {
    const ink = getComputedStyle(element).color
    for (let node: Element | null = element; node !== null; node = node.parentElement) {
      const back = getComputedStyle(node).backgroundColor
      if (!/rgba\([^)]*,\s*0\)$/.test(back) && back !== 'transparent') return { ink, back }
    }
    return { ink, back: undefined }
  })
}

/**
 * Contrast of `text` inside a frame: against its document's background, or (when the
 * document has none) the background of the `frameElement` that holds it.
 */
export async function contrastInFrame(text: Locator, frameElement: Locator): Promise<number> {
  const { ink, back } = await coloursOf(text)
  const behind = back ?? (await coloursOf(frameElement)).back ?? 'rgb(255, 255, 255)'
  return contrastRatio(parseColour(ink), parseColour(behind))
}
