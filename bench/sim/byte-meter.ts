/**
 * A libp2p `metrics` component that only counts the bytes every connection receives: given to
 * every node of a simulation, the sum is every byte the network carried (each byte sent is
 * received once). Everything else libp2p registers is accepted and ignored, except traced
 * functions, which a `SimProfile` may time.
 * @module
 */
import type { Metrics, MultiaddrConnection } from '@libp2p/interface'
import type { SimProfile } from './sim-profile.ts'

/** Accepts any call and any property read, and does nothing. */
const inert: unknown = new Proxy(() => undefined, {
  get: (_target, prop) => (prop === 'then' ? undefined : inert),
  apply: () => inert,
})

/** Counts the bytes all connections of the nodes it is given to receive. */
export class ByteMeter {
  /** Bytes received over every connection so far. */
  bytes = 0

  /** The `metrics` factory for `createLibp2p`; with `profile`, every traced call is timed there. */
  factory(profile?: SimProfile): () => Metrics {
    const track = (maConn: MultiaddrConnection): void => {
      maConn.addEventListener('message', (evt) => {
        this.bytes += evt.data.byteLength
      })
    }
    const metrics = {
      trackMultiaddrConnection: track,
      trackProtocolStream: () => undefined,
      registerMetric: register,
      registerMetricGroup: register,
      registerCounter: register,
      registerCounterGroup: register,
      registerHistogram: register,
      registerHistogramGroup: register,
      registerSummary: register,
      registerSummaryGroup: register,
      traceFunction: <F>(name: string, fn: F): F =>
        profile === undefined
          ? fn
          : profile.wrap(
              (args) => {
                const type = (args[1] as { type?: unknown } | undefined)?.type
                return name.endsWith('.sendRequest') && type !== undefined
                  ? `${name} ${String(type)}`
                  : name
              },
              fn,
              { failedEvent: name.endsWith('.sendRequest') || name.endsWith('.sendMessage') },
            ),
      createTrace: () => undefined,
    }
    return () => metrics as unknown as Metrics
  }
}

/** A metric that ignores what it is told; none for a calculated one. */
function register(_name: string, options?: { calculate?: unknown }): unknown {
  return options?.calculate != null ? undefined : inert
}
