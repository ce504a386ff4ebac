/**
 * Which Host headers the gateway answers: `<origin label>.alt` and, when the relay has a
 * gateway host name, `<origin label>.<gateway host>`. The origin label encodes the whole site
 * name in one DNS label (docs/PROTOCOL.md, "Origin label").
 * @module
 */
import { GATEWAY_TLD } from './constants.ts'

/**
 * The origin label a Host header names for the gateway (port dropped, case folded), or
 * undefined when the host is not one the gateway answers.
 */
export function gatewayLabel(
  hostHeader: string | undefined,
  gatewayHost?: string,
): string | undefined {
  const host = (hostHeader ?? '').replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase()
  for (const suffix of [GATEWAY_TLD, gatewayHost?.toLowerCase()]) {
    if (suffix === undefined || suffix === '' || !host.endsWith(`.${suffix}`)) continue
    const label = host.slice(0, -(suffix.length + 1))
    if (label !== '' && !label.includes('.')) return label
  }
  return undefined
}
